"""The Destination tab: a destination's name and how its uploads are authorised, either by a signing
service or by access keys kept in the keychain of this computer."""

from __future__ import annotations

from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QStackedWidget,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core import secrets as sec
from desktop_uploader.core.config import (
    ADDRESSING_STYLES,
    KIND_ENDPOINT,
    KIND_LOCAL,
    PROTOCOL_COMPANION,
    PROTOCOL_SIMPLE,
    Profile,
)
from desktop_uploader.gui.settings.common import line_edit


class DestinationTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        self.name_edit = line_edit(self.tr("Destination name"), self.tr("for example: Photos archive"))
        form.addRow(self.tr("&Name:"), self.name_edit)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(self.tr("How uploads are authorised"))
        self.kind_combo.addItem(self.tr("Signing service (recommended)"), KIND_ENDPOINT)
        self.kind_combo.addItem(self.tr("Access keys on this computer"), KIND_LOCAL)
        form.addRow(self.tr("&Authorisation:"), self.kind_combo)
        layout.addLayout(form)

        self.kind_pages = QStackedWidget()
        self.kind_pages.addWidget(self._build_endpoint_page())
        self.kind_pages.addWidget(self._build_local_page())
        layout.addWidget(self.kind_pages)

        self.insecure_check = QCheckBox(self.tr("Allow unencrypted http to other computers (not recommended)"))
        layout.addWidget(self.insecure_check)
        layout.addStretch(1)
        self.kind_combo.currentIndexChanged.connect(self.kind_pages.setCurrentIndex)

    def _build_endpoint_page(self) -> QWidget:
        endpoint = QWidget()
        ef = QFormLayout(endpoint)
        self.endpoint_url = line_edit(self.tr("Signing service address"), "https://uploads.example.org/sign")
        ef.addRow(self.tr("Service &URL:"), self.endpoint_url)
        self.protocol_combo = QComboBox()
        self.protocol_combo.setAccessibleName(self.tr("Protocol"))
        self.protocol_combo.addItem(self.tr("Simple (one link per file)"), PROTOCOL_SIMPLE)
        self.protocol_combo.addItem(self.tr("Uppy Companion"), PROTOCOL_COMPANION)
        ef.addRow(self.tr("&Protocol:"), self.protocol_combo)
        self.method_combo = QComboBox()
        self.method_combo.setAccessibleName(self.tr("Request method"))
        self.method_combo.addItems(["GET", "POST"])
        ef.addRow(self.tr("Request &method:"), self.method_combo)
        self.key_param = line_edit(self.tr("Parameter name for the object key"))
        ef.addRow(self.tr("&Key parameter:"), self.key_param)
        self.type_param = line_edit(self.tr("Parameter name for the content type"))
        ef.addRow(self.tr("Content &type parameter:"), self.type_param)
        self.url_field = line_edit(self.tr("Field of the answer that holds the link"))
        ef.addRow(self.tr("&Link field:"), self.url_field)
        # The connection test says whether the service has it; on a far link it is a round trip per file saved.
        self.batch_check = QCheckBox(self.tr("Batch si&gning (many links per request)"))
        self.batch_check.setToolTip(self.tr("Links for up to 100 files come in one round trip: much quicker for "
                                            "many small files on slow links. The connection test tells "
                                            "whether the service can."))
        ef.addRow("", self.batch_check)
        headers_label = QLabel(self.tr("Secret &headers:"))
        headers_box = self._build_headers()
        headers_label.setBuddy(self.headers_table)
        ef.addRow(headers_label, headers_box)
        return endpoint

    def _build_headers(self) -> QVBoxLayout:
        self.headers_table = QTableWidget(0, 2)
        self.headers_table.setAccessibleName(self.tr("Secret headers"))
        self.headers_table.setHorizontalHeaderLabels([self.tr("Header"), self.tr("Value (keychain)")])
        self.headers_table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.headers_table.verticalHeader().setVisible(False)
        self.headers_table.setMinimumHeight(90)
        self.headers_table.setTabKeyNavigation(False)
        header_buttons = QHBoxLayout()
        self.add_header_button = QPushButton(self.tr("Add &header"))
        self.remove_header_button = QPushButton(self.tr("Remove header"))
        self.add_header_button.clicked.connect(lambda: self.add_header_row("", stored=False))
        self.remove_header_button.clicked.connect(self._remove_header_row)
        header_buttons.addWidget(self.add_header_button)
        header_buttons.addWidget(self.remove_header_button)
        header_buttons.addStretch(1)
        headers_box = QVBoxLayout()
        headers_box.addWidget(self.headers_table)
        headers_box.addLayout(header_buttons)
        return headers_box

    def _build_local_page(self) -> QWidget:
        local = QWidget()
        lf = QFormLayout(local)
        self.bucket_edit = line_edit(self.tr("Bucket"))
        lf.addRow(self.tr("&Bucket:"), self.bucket_edit)
        self.region_edit = line_edit(self.tr("Region"), "us-east-1")
        lf.addRow(self.tr("&Region:"), self.region_edit)
        self.s3_url_edit = line_edit(self.tr("S3-compatible server address"),
                                     self.tr("empty for Amazon S3; e.g. https://s3.example.org"))
        lf.addRow(self.tr("S3 &server URL:"), self.s3_url_edit)
        self.addressing_combo = QComboBox()
        self.addressing_combo.setAccessibleName(self.tr("Addressing style"))
        for style in ADDRESSING_STYLES:
            self.addressing_combo.addItem(style, style)
        lf.addRow(self.tr("Addressing st&yle:"), self.addressing_combo)
        self.access_key_edit = line_edit(self.tr("Access key ID"))
        lf.addRow(self.tr("Access key &ID:"), self.access_key_edit)
        self.secret_key_edit = line_edit(self.tr("Secret access key"))
        self.secret_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        lf.addRow(self.tr("&Secret access key:"), self.secret_key_edit)
        note = QLabel(self.tr("Keys are stored in the system keychain only and are never shown again."))
        note.setWordWrap(True)
        lf.addRow(note)
        return local

    # -- secret headers -----------------------------------------------------------------------------
    def add_header_row(self, name: str, *, stored: bool) -> None:
        row = self.headers_table.rowCount()
        self.headers_table.insertRow(row)
        name_edit = QLineEdit(name)
        name_edit.setAccessibleName(self.tr("Header name"))
        name_edit.setPlaceholderText("X-Api-Key")
        value_edit = QLineEdit()
        value_edit.setAccessibleName(self.tr("Header value"))
        value_edit.setEchoMode(QLineEdit.EchoMode.Password)
        value_edit.setPlaceholderText(self.tr("Saved in the keychain; type to replace") if stored else
                                      self.tr("Value"))
        self.headers_table.setCellWidget(row, 0, name_edit)
        self.headers_table.setCellWidget(row, 1, value_edit)
        if not stored:
            name_edit.setFocus()

    def _remove_header_row(self) -> None:
        row = self.headers_table.currentRow()
        if row < 0:
            row = self.headers_table.rowCount() - 1
        if row >= 0:
            self.headers_table.removeRow(row)

    def header_rows(self) -> list[tuple[QLineEdit, QLineEdit]]:
        rows = []
        for r in range(self.headers_table.rowCount()):
            name, value = self.headers_table.cellWidget(r, 0), self.headers_table.cellWidget(r, 1)
            assert isinstance(name, QLineEdit) and isinstance(value, QLineEdit)
            rows.append((name, value))
        return rows

    # -- form <-> profile ---------------------------------------------------------------------------
    def show_keys_stored(self, stored: bool) -> None:
        """Say in the key fields whether the keychain holds this destination's keys already."""
        if stored:
            hint = self.tr("Saved in the keychain; type to replace")
            self.access_key_edit.setPlaceholderText(hint)
            self.secret_key_edit.setPlaceholderText(hint)
        else:
            self.access_key_edit.setPlaceholderText(self.tr("Required, e.g. AKIA…"))
            self.secret_key_edit.setPlaceholderText(self.tr("Required"))

    def load(self, p: Profile, *, new: bool, keys_stored: bool = False) -> None:
        """Show ``p``; only a destination not saved yet (``new``) can still be renamed; ``keys_stored`` says
        whether its access keys are in the keychain."""
        self.name_edit.setText(p.name)
        self.name_edit.setReadOnly(not new)
        self.name_edit.setToolTip("" if new else
                                  self.tr("Queued uploads refer to the destination by its name, so it "
                                          "cannot be renamed."))
        self.kind_combo.setCurrentIndex(max(0, self.kind_combo.findData(p.kind)))
        self.kind_pages.setCurrentIndex(self.kind_combo.currentIndex())
        self.endpoint_url.setText(p.endpoint_url)
        self.protocol_combo.setCurrentIndex(max(0, self.protocol_combo.findData(p.protocol)))
        self.method_combo.setCurrentText(p.http_method.upper())
        self.key_param.setText(p.key_param)
        self.type_param.setText(p.type_param)
        self.url_field.setText(p.url_field)
        self.batch_check.setChecked(p.batch_signing)
        self.headers_table.setRowCount(0)
        for header in p.secret_headers:
            self.add_header_row(header, stored=True)
        self.bucket_edit.setText(p.bucket)
        self.region_edit.setText(p.region)
        self.s3_url_edit.setText(p.s3_endpoint_url)
        self.addressing_combo.setCurrentIndex(max(0, self.addressing_combo.findData(p.addressing_style)))
        self.access_key_edit.clear()
        self.secret_key_edit.clear()
        self.show_keys_stored(keys_stored)
        self.insecure_check.setChecked(p.allow_insecure_http)

    def commit(self, p: Profile, pending: dict[str, str]) -> None:
        """Copy the form into ``p`` (all but its name); secrets typed go to ``pending``, not to ``p``."""
        p.kind = str(self.kind_combo.currentData())
        p.endpoint_url = self.endpoint_url.text().strip()
        p.protocol = str(self.protocol_combo.currentData())
        p.http_method = self.method_combo.currentText()
        p.key_param = self.key_param.text().strip()
        p.type_param = self.type_param.text().strip()
        p.url_field = self.url_field.text().strip()
        p.batch_signing = self.batch_check.isChecked()
        headers: list[str] = []
        for name_edit, value_edit in self.header_rows():
            header = name_edit.text().strip()
            if not header:
                continue
            headers.append(header)
            if value_edit.text():
                pending[sec.header_field(header)] = value_edit.text()
                value_edit.clear()
                value_edit.setPlaceholderText(self.tr("Saved in the keychain; type to replace"))
        p.secret_headers = headers
        p.bucket = self.bucket_edit.text().strip()
        p.region = self.region_edit.text().strip()
        p.s3_endpoint_url = self.s3_url_edit.text().strip()
        p.addressing_style = str(self.addressing_combo.currentData())
        if self.access_key_edit.text().strip():
            pending[sec.ACCESS_KEY_ID] = self.access_key_edit.text().strip()
            self.access_key_edit.clear()
        if self.secret_key_edit.text():
            pending[sec.SECRET_ACCESS_KEY] = self.secret_key_edit.text()
            self.secret_key_edit.clear()
        p.allow_insecure_http = self.insecure_check.isChecked()

    def field_widgets(self) -> dict[str, QWidget]:
        """The widget showing each profile setting but the name, by the setting's name."""
        return {
            "kind": self.kind_combo, "endpoint_url": self.endpoint_url, "protocol": self.protocol_combo,
            "http_method": self.method_combo, "key_param": self.key_param, "type_param": self.type_param,
            "url_field": self.url_field, "batch_signing": self.batch_check, "secret_headers": self.headers_table,
            "bucket": self.bucket_edit, "region": self.region_edit, "s3_endpoint_url": self.s3_url_edit,
            "addressing_style": self.addressing_combo, "allow_insecure_http": self.insecure_check,
        }
