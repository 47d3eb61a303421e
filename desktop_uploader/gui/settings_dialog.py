"""Settings: where uploads go (profiles), how files are named there, and how the app behaves.

Profiles are saved through the config layer, which never writes a secret; access keys and secret
header values go straight to the system keychain and are never read back into the dialog.
"""

from __future__ import annotations

import contextlib
import copy
import socket
from datetime import datetime
from pathlib import Path
from typing import ClassVar

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QTableWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core import secrets as sec
from desktop_uploader.core.check import CheckResult, check_connection
from desktop_uploader.core.config import (
    ADDRESSING_STYLES,
    KIND_ENDPOINT,
    KIND_LOCAL,
    MAX_CONCURRENCY,
    PROTOCOL_COMPANION,
    PROTOCOL_SIMPLE,
    Config,
    Profile,
    ProfileError,
)
from desktop_uploader.core.http import make_session
from desktop_uploader.core.keys import PLACEHOLDERS, render_key
from desktop_uploader.core.locked import LockedConfig, effective_config
from desktop_uploader.gui.qtcompat import protect_singletons
from desktop_uploader.gui.resources import icon
from desktop_uploader.gui.tasks import TaskRunner

SETTING_RATE_LIMIT = "rate_limit_kib"  # KiB/s over all uploads; 0 = no limit
SETTING_CLOSE_TO_TRAY = "close_to_tray"
_MIB = 1024 * 1024


class SettingsDialog(QDialog):
    def __init__(self, config: Config, secrets: sec.SecretStore, parent: QWidget | None = None, *,
                 locked: LockedConfig | None = None) -> None:
        protect_singletons()
        super().__init__(parent)
        self._config = config
        self._secrets = secrets
        # The admin's locked values are shown, and cannot be changed or removed here.
        self._locked = locked or LockedConfig()
        self._own_tooltips: dict[int, str] = {}  # widget id -> its tooltip when not locked
        self._shown = shown = effective_config(config, self._locked)
        self._profiles: dict[str, Profile] = {n: copy.deepcopy(p) for n, p in shown.profiles.items()}
        self._new: set[str] = set()
        self._removed: set[str] = set()
        self._pending: dict[str, dict[str, str]] = {}
        self._default = shown.default_profile
        self._current: str | None = None
        self._loading = False

        self.setWindowTitle(self.tr("Settings"))
        self.setWindowIcon(icon("settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumSize(720, 520)
        self.resize(820, 560)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        outer.addLayout(top, 1)

        left = QVBoxLayout()
        profiles_label = QLabel(self.tr("&Destinations:"))
        self.profile_list = QListWidget()
        self.profile_list.setAccessibleName(self.tr("Destinations"))
        profiles_label.setBuddy(self.profile_list)
        left.addWidget(profiles_label)
        left.addWidget(self.profile_list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add"))
        self.remove_button = QPushButton(self.tr("Remo&ve"))
        self.default_button = QPushButton(self.tr("Use by &default"))
        for b in (self.add_button, self.remove_button, self.default_button):
            row.addWidget(b)
        left.addLayout(row)
        top.addLayout(left, 1)

        self.tabs = QTabWidget()
        top.addWidget(self.tabs, 3)
        self._profile_pages: list[QWidget] = []
        self._build_destination_tab()
        self._build_names_tab()
        self._build_transfer_tab()
        self._build_general_tab()

        test_row = QHBoxLayout()
        self.test_button = QPushButton(icon("retry"), self.tr("Test &connection"))
        self.test_button.setToolTip(self.tr("Upload a tiny test file with these settings (not saved yet) "
                                            "and remove it again where allowed."))
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName(self.tr("Connection test result"))
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_result, 1)
        outer.addLayout(test_row)
        self._checks = TaskRunner("settings-check", self)
        self.last_check: CheckResult | None = None

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Problem with the settings"))
        self.error_label.setVisible(False)
        outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.add_button.clicked.connect(self.add_profile)
        self.remove_button.clicked.connect(self.remove_profile)
        self.default_button.clicked.connect(self._make_default)
        self.profile_list.currentItemChanged.connect(self._on_profile_changed)
        self._refresh_list()
        if not self._profiles:
            self.add_profile()
        else:
            self.profile_list.setCurrentRow(0)

    # -- construction -------------------------------------------------------------------------------
    def _line(self, accessible: str, placeholder: str = "") -> QLineEdit:
        edit = QLineEdit()
        edit.setAccessibleName(accessible)
        if placeholder:
            edit.setPlaceholderText(placeholder)
        return edit

    def _build_destination_tab(self) -> None:
        page = QWidget()
        layout = QVBoxLayout(page)
        form = QFormLayout()
        self.name_edit = self._line(self.tr("Destination name"), self.tr("for example: Photos archive"))
        form.addRow(self.tr("&Name:"), self.name_edit)
        self.kind_combo = QComboBox()
        self.kind_combo.setAccessibleName(self.tr("How uploads are authorised"))
        self.kind_combo.addItem(self.tr("Signing service (recommended)"), KIND_ENDPOINT)
        self.kind_combo.addItem(self.tr("Access keys on this computer"), KIND_LOCAL)
        form.addRow(self.tr("&Authorisation:"), self.kind_combo)
        layout.addLayout(form)

        self.kind_pages = QStackedWidget()
        # Signing endpoint
        endpoint = QWidget()
        ef = QFormLayout(endpoint)
        self.endpoint_url = self._line(self.tr("Signing service address"), "https://uploads.example.org/sign")
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
        self.key_param = self._line(self.tr("Parameter name for the object key"))
        ef.addRow(self.tr("&Key parameter:"), self.key_param)
        self.type_param = self._line(self.tr("Parameter name for the content type"))
        ef.addRow(self.tr("Content &type parameter:"), self.type_param)
        self.url_field = self._line(self.tr("Field of the answer that holds the link"))
        ef.addRow(self.tr("&Link field:"), self.url_field)
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
        self.add_header_button.clicked.connect(lambda: self._add_header_row("", stored=False))
        self.remove_header_button.clicked.connect(self._remove_header_row)
        header_buttons.addWidget(self.add_header_button)
        header_buttons.addWidget(self.remove_header_button)
        header_buttons.addStretch(1)
        headers_box = QVBoxLayout()
        headers_box.addWidget(self.headers_table)
        headers_box.addLayout(header_buttons)
        headers_label = QLabel(self.tr("Secret &headers:"))
        headers_label.setBuddy(self.headers_table)
        ef.addRow(headers_label, headers_box)
        self.kind_pages.addWidget(endpoint)

        # Local signing
        local = QWidget()
        lf = QFormLayout(local)
        self.bucket_edit = self._line(self.tr("Bucket"))
        lf.addRow(self.tr("&Bucket:"), self.bucket_edit)
        self.region_edit = self._line(self.tr("Region"), "us-east-1")
        lf.addRow(self.tr("&Region:"), self.region_edit)
        self.s3_url_edit = self._line(self.tr("S3-compatible server address"),
                                      self.tr("empty for Amazon S3; e.g. https://s3.example.org"))
        lf.addRow(self.tr("S3 &server URL:"), self.s3_url_edit)
        self.addressing_combo = QComboBox()
        self.addressing_combo.setAccessibleName(self.tr("Addressing style"))
        for style in ADDRESSING_STYLES:
            self.addressing_combo.addItem(style, style)
        lf.addRow(self.tr("Addressing st&yle:"), self.addressing_combo)
        keep = self.tr("Saved in the keychain; type to replace")
        self.access_key_edit = self._line(self.tr("Access key ID"), keep)
        lf.addRow(self.tr("Access key &ID:"), self.access_key_edit)
        self.secret_key_edit = self._line(self.tr("Secret access key"), keep)
        self.secret_key_edit.setEchoMode(QLineEdit.EchoMode.Password)
        lf.addRow(self.tr("&Secret access key:"), self.secret_key_edit)
        note = QLabel(self.tr("Keys are stored in the system keychain only and are never shown again."))
        note.setWordWrap(True)
        lf.addRow(note)
        self.kind_pages.addWidget(local)
        layout.addWidget(self.kind_pages)

        self.insecure_check = QCheckBox(self.tr("Allow unencrypted http to other computers (not recommended)"))
        layout.addWidget(self.insecure_check)
        layout.addStretch(1)
        self.kind_combo.currentIndexChanged.connect(self.kind_pages.setCurrentIndex)
        self.tabs.addTab(page, self.tr("&Destination"))
        self._profile_pages.append(page)

    def _build_names_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.prefix_edit = self._line(self.tr("Folder in the bucket"), self.tr("optional, e.g. incoming/"))
        form.addRow(self.tr("&Folder in the bucket:"), self.prefix_edit)
        self.template_edit = self._line(self.tr("Key template"), "{relpath}")
        form.addRow(self.tr("Name &template:"), self.template_edit)
        help_text = QLabel(self.tr("Placeholders: {names}").format(
            names=", ".join("{" + p + "}" for p in PLACEHOLDERS)))
        help_text.setWordWrap(True)
        form.addRow(help_text)
        self.preview_label = QLabel()
        self.preview_label.setWordWrap(True)
        self.preview_label.setAccessibleName(self.tr("Example destination"))
        self.preview_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form.addRow(self.tr("Example:"), self.preview_label)
        self.template_edit.textChanged.connect(self.update_preview)
        self.prefix_edit.textChanged.connect(self.update_preview)
        self.tabs.addTab(page, self.tr("File &names"))
        self._profile_pages.append(page)

    def _build_transfer_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(1, MAX_CONCURRENCY)
        self.concurrency_spin.setAccessibleName(self.tr("Files sent at the same time"))
        self.concurrency_spin.setToolTip(self.tr("Applies at once; when lowered, files already on their "
                                                 "way finish first."))
        form.addRow(self.tr("Files sent at the &same time:"), self.concurrency_spin)
        self.multipart_spin = QSpinBox()
        self.multipart_spin.setRange(5, 5 * 1024)
        self.multipart_spin.setSuffix(" MiB")
        self.multipart_spin.setAccessibleName(self.tr("Send larger files in parts above"))
        form.addRow(self.tr("Send in &parts above:"), self.multipart_spin)
        self.tabs.addTab(page, self.tr("&Transfers"))
        self._profile_pages.append(page)

    def _build_general_tab(self) -> None:
        page = QWidget()
        form = QFormLayout(page)
        self.rate_spin = QSpinBox()
        self.rate_spin.setRange(0, 10 * 1024 * 1024)
        self.rate_spin.setSuffix(" KiB/s")
        self.rate_spin.setSpecialValueText(self.tr("No limit"))
        self.rate_spin.setAccessibleName(self.tr("Bandwidth limit"))
        self.rate_spin.setToolTip(self.tr("Applies at once, also to uploads already running."))
        self.rate_spin.setValue(int(self._shown.settings.get(SETTING_RATE_LIMIT, 0) or 0))
        self._lock_widget(self.rate_spin, SETTING_RATE_LIMIT in self._locked.locked_settings())
        form.addRow(self.tr("&Bandwidth limit:"), self.rate_spin)
        self.tray_check = QCheckBox(self.tr("Keep uploading in the background when the window is closed"))
        self.tray_check.setChecked(bool(self._shown.settings.get(SETTING_CLOSE_TO_TRAY, True)))
        self._lock_widget(self.tray_check, SETTING_CLOSE_TO_TRAY in self._locked.locked_settings())
        form.addRow(self.tray_check)
        self.tabs.addTab(page, self.tr("&General"))

    # -- profiles list ------------------------------------------------------------------------------
    def _refresh_list(self, select: str | None = None) -> None:
        self._loading = True
        self.profile_list.clear()
        for name in sorted(self._profiles):
            label = name + (self.tr(" (default)") if name == self._default else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.profile_list.addItem(item)
            if name == select:
                self.profile_list.setCurrentItem(item)
        self._loading = False
        self._set_form_enabled(bool(self._profiles))

    def _set_form_enabled(self, on: bool) -> None:
        for page in self._profile_pages:
            page.setEnabled(on)
        locked_profile = self._current in self._locked.profiles
        self.remove_button.setEnabled(on and not locked_profile)
        self.default_button.setEnabled(on and not self._locked.default_profile)

    def _lock_widget(self, widget: QWidget, locked: bool) -> None:
        own_tip = self._own_tooltips.setdefault(id(widget), widget.toolTip())
        widget.setEnabled(not locked)
        widget.setToolTip(self.tr("Set by your administrator; it cannot be changed here.") if locked else own_tip)

    def _profile_widgets(self) -> dict[str, list[QWidget]]:
        """The form's widgets by the profile setting they show, for locking the admin's values."""
        return {
            "kind": [self.kind_combo], "endpoint_url": [self.endpoint_url], "protocol": [self.protocol_combo],
            "http_method": [self.method_combo], "key_param": [self.key_param], "type_param": [self.type_param],
            "url_field": [self.url_field], "secret_headers": [self.headers_table],
            "bucket": [self.bucket_edit], "region": [self.region_edit], "s3_endpoint_url": [self.s3_url_edit],
            "addressing_style": [self.addressing_combo], "allow_insecure_http": [self.insecure_check],
            "prefix": [self.prefix_edit], "key_template": [self.template_edit],
            "concurrency": [self.concurrency_spin], "multipart_threshold": [self.multipart_spin],
        }

    def locked_fields(self, name: str | None) -> frozenset[str]:
        return self._locked.locked_profile_fields(name) if name else frozenset()

    def _on_profile_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._loading:
            return
        self.commit_form()
        if current is None:
            self._current = None
            return
        self.select_profile(str(current.data(Qt.ItemDataRole.UserRole)), commit=False)

    def select_profile(self, name: str, *, commit: bool = True) -> None:
        if commit:
            self.commit_form()
        self._current = name
        self._load_form(self._profiles[name])
        for i in range(self.profile_list.count()):
            item = self.profile_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name and self.profile_list.currentItem() is not item:
                self._loading = True
                self.profile_list.setCurrentItem(item)
                self._loading = False

    def add_profile(self) -> None:
        self.commit_form()
        base = self.tr("New destination")
        name, n = base, 2
        while name in self._profiles:
            name, n = f"{base} {n}", n + 1
        self._profiles[name] = Profile(name=name)
        self._new.add(name)
        if not self._default:
            self._default = name
        self._current = None
        self._refresh_list(select=name)
        self.select_profile(name, commit=False)
        self.tabs.setCurrentIndex(0)
        self.name_edit.setFocus()
        self.name_edit.selectAll()

    def remove_profile(self) -> None:
        name = self._current
        if name is None or name in self._locked.profiles:
            return
        del self._profiles[name]
        self._pending.pop(name, None)
        if name in self._new:
            self._new.discard(name)
        else:
            self._removed.add(name)
        if self._default == name:
            self._default = next(iter(sorted(self._profiles)), "")
        self._current = None
        first = next(iter(sorted(self._profiles)), None)
        self._refresh_list(select=first)
        if first is not None:
            self.select_profile(first, commit=False)

    def _make_default(self) -> None:
        self.commit_form()
        if self._current:
            self._default = self._current
            self._refresh_list(select=self._current)

    # -- form <-> profile ---------------------------------------------------------------------------
    def _load_form(self, p: Profile) -> None:
        self._loading = True
        self.name_edit.setText(p.name)
        self.name_edit.setReadOnly(p.name not in self._new)
        self.name_edit.setToolTip("" if p.name in self._new else
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
        self.headers_table.setRowCount(0)
        for header in p.secret_headers:
            self._add_header_row(header, stored=True)
        self.bucket_edit.setText(p.bucket)
        self.region_edit.setText(p.region)
        self.s3_url_edit.setText(p.s3_endpoint_url)
        self.addressing_combo.setCurrentIndex(max(0, self.addressing_combo.findData(p.addressing_style)))
        self.access_key_edit.clear()
        self.secret_key_edit.clear()
        self.insecure_check.setChecked(p.allow_insecure_http)
        self.prefix_edit.setText(p.prefix)
        self.template_edit.setText(p.key_template)
        self.concurrency_spin.setValue(p.concurrency)
        self.multipart_spin.setValue(max(5, p.multipart_threshold // _MIB))
        locked = self.locked_fields(p.name)
        for field_name, widgets in self._profile_widgets().items():
            for widget in widgets:
                self._lock_widget(widget, field_name in locked)
        self.remove_button.setEnabled(p.name not in self._locked.profiles)
        self._loading = False
        self.update_preview()

    def _add_header_row(self, name: str, *, stored: bool) -> None:
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

    def commit_form(self) -> None:
        """Copy the form into the profile being edited (no checks yet; Save checks)."""
        name = self._current
        if name is None or name not in self._profiles:
            return
        new_name = self.name_edit.text().strip() if name in self._new else name
        if new_name and new_name != name and new_name not in self._profiles:
            self._profiles[new_name] = self._profiles.pop(name)
            self._new.discard(name)
            self._new.add(new_name)
            if name in self._pending:
                self._pending[new_name] = self._pending.pop(name)
            if self._default == name:
                self._default = new_name
            self._current = new_name
            self._refresh_list(select=new_name)
            name = new_name
        p = self._profiles[name]
        p.name = name
        p.kind = str(self.kind_combo.currentData())
        p.endpoint_url = self.endpoint_url.text().strip()
        p.protocol = str(self.protocol_combo.currentData())
        p.http_method = self.method_combo.currentText()
        p.key_param = self.key_param.text().strip()
        p.type_param = self.type_param.text().strip()
        p.url_field = self.url_field.text().strip()
        pending = self._pending.setdefault(name, {})
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
        p.prefix = self.prefix_edit.text().strip()
        p.key_template = self.template_edit.text().strip()
        p.concurrency = self.concurrency_spin.value()
        p.multipart_threshold = self.multipart_spin.value() * _MIB
        for field_name, value in self._locked.profiles.get(name, {}).items():
            setattr(p, field_name, copy.deepcopy(value))  # the admin's value, whatever the form says
        if not pending:
            self._pending.pop(name, None)

    def update_preview(self) -> None:
        if self._loading:
            return
        home = Path.home()
        sample = home / "Pictures" / "Holiday 2024" / "beach photo.jpg"
        try:
            key = render_key(self.template_edit.text() or "{relpath}", path=sample, root=home / "Pictures",
                             prefix=self.prefix_edit.text().strip(), now=datetime.now(),
                             device=socket.gethostname() or "device")
        except ValueError as exc:
            self.preview_label.setText(self.tr("This template cannot be used: {error}").format(error=exc))
            return
        self.preview_label.setText(
            self.tr("“beach photo.jpg” from the dropped folder “Pictures/Holiday 2024” is stored as:\n{key}")
            .format(key=key))

    # -- connection test ----------------------------------------------------------------------------
    def test_connection(self) -> None:
        """Check the profile being edited, with secrets typed but not yet saved, off the GUI thread."""
        self.commit_form()
        name = self._current
        if name is None:
            return
        profile = copy.deepcopy(self._profiles[name])
        try:
            profile.validate()
        except ProfileError as exc:
            self.show_error(exc.reason, name, exc.field)
            return
        self.error_label.setVisible(False)
        secrets = _PendingSecrets(self._secrets, self._pending.get(name, {}), name)
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))
        self._checks.submit(_run_check, profile, secrets, on_result=self._on_checked,
                            on_error=self._on_check_error)

    def _on_checked(self, result: CheckResult) -> None:
        self.last_check = result
        self.test_button.setEnabled(True)
        if result.ok:
            text = self.tr("The connection works: a test file was uploaded in {seconds} s.").format(
                seconds=f"{result.seconds:.1f}")
            notes = list(result.notes)
        else:
            explanation = result.explanation or {}
            text = str(explanation.get("summary") or self.tr("The connection test failed."))
            notes = [str(explanation[k]) for k in ("action", "admin_action") if explanation.get(k)]
        self.test_result.setText(text)
        self.test_result.setToolTip("\n".join(notes))

    def _on_check_error(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(self.tr("The connection test could not run: {error}").format(error=exc))

    def done(self, result: int) -> None:
        self._checks.shutdown(wait=False)
        super().done(result)

    # -- saving -------------------------------------------------------------------------------------
    _FIELD_WIDGETS: ClassVar[dict[str, tuple[str, int]]] = {
        "name": ("name_edit", 0), "endpoint_url": ("endpoint_url", 0), "protocol": ("protocol_combo", 0),
        "http_method": ("method_combo", 0), "key_param": ("key_param", 0), "type_param": ("type_param", 0),
        "url_field": ("url_field", 0), "secret_headers": ("headers_table", 0), "bucket": ("bucket_edit", 0),
        "region": ("region_edit", 0), "s3_endpoint_url": ("s3_url_edit", 0),
        "addressing_style": ("addressing_combo", 0), "kind": ("kind_combo", 0), "prefix": ("prefix_edit", 1),
        "key_template": ("template_edit", 1), "concurrency": ("concurrency_spin", 2),
        "multipart_threshold": ("multipart_spin", 2),
    }

    def show_error(self, message: str, profile: str | None = None, field: str | None = None) -> None:
        self.error_label.setText("⚠ " + message)
        self.error_label.setVisible(True)
        if profile is not None and profile in self._profiles and profile != self._current:
            self.select_profile(profile)
        target = self._FIELD_WIDGETS.get(field or "")
        if target is not None:
            widget_name, tab = target
            self.tabs.setCurrentIndex(tab)
            widget = getattr(self, widget_name)
            assert isinstance(widget, QWidget)
            widget.setFocus()

    def save(self) -> None:
        self.commit_form()
        self.error_label.setVisible(False)
        for name, profile in sorted(self._profiles.items()):
            try:
                profile.validate()
            except ProfileError as exc:
                self.show_error(exc.reason if exc.field != "?" else str(exc), name, exc.field)
                return
            if profile.kind == KIND_LOCAL and name in self._new:
                given = self._pending.get(name, {})
                if not given.get(sec.ACCESS_KEY_ID) or not given.get(sec.SECRET_ACCESS_KEY):
                    self.show_error(self.tr("Enter the access key ID and the secret access key."), name,
                                    "access_key")
                    self.tabs.setCurrentIndex(0)
                    self.access_key_edit.setFocus()
                    return
        try:
            for name, values in self._pending.items():
                if name not in self._profiles:
                    continue
                for field_name, value in values.items():
                    self._secrets.set(name, field_name, value)
        except sec.KeychainError as exc:
            self.show_error(str(exc))
            return
        for name in self._removed:
            old = self._config.profiles.get(name)
            # If the keychain refuses, nothing more can be done here; the profile is gone either way.
            with contextlib.suppress(sec.KeychainError):
                self._secrets.delete_profile(name, tuple(old.secret_headers) if old else ())
            if name in self._config.profiles:
                self._config.remove(name)
        for profile in self._profiles.values():
            self._config.put(profile)
        self._config.default_profile = self._default if self._default in self._profiles else \
            next(iter(sorted(self._profiles)), "")
        self._config.settings[SETTING_RATE_LIMIT] = self.rate_spin.value()
        self._config.settings[SETTING_CLOSE_TO_TRAY] = self.tray_check.isChecked()
        try:
            self._config.save()
        except OSError as exc:
            QMessageBox.critical(self, self.tr("Settings not saved"),
                                 self.tr("The settings file could not be written: {error}").format(error=exc))
            return
        self._pending.clear()
        self.accept()


class _PendingSecrets(sec.SecretStore):
    """The keychain, with values typed into the dialog but not saved yet taking precedence."""

    def __init__(self, base: sec.SecretStore, pending: dict[str, str], profile: str) -> None:
        super().__init__()
        self._base = base
        self._values = dict(pending)
        self._profile = profile

    def get(self, profile: str, name: str) -> str | None:
        if profile == self._profile and name in self._values:
            return self._values[name]
        return self._base.get(profile, name)


def _run_check(profile: Profile, secrets: sec.SecretStore) -> CheckResult:
    session = make_session(pool_size=2)
    try:
        return check_connection(profile, session, secrets)
    finally:
        session.close()
