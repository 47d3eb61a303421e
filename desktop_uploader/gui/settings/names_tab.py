"""The File names tab: the folder in the bucket, the name template with an example of the result, and what
happens when a name is already taken there."""

from __future__ import annotations

import socket
from datetime import datetime
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from desktop_uploader.core.config import IF_EXISTS_OVERWRITE, IF_EXISTS_RENAME, IF_EXISTS_SKIP, Profile
from desktop_uploader.core.keys import PLACEHOLDERS, render_key
from desktop_uploader.gui.settings.common import line_edit


class NamesTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._loading = False
        form = QFormLayout(self)
        self.prefix_edit = line_edit(self.tr("Folder in the bucket"), self.tr("optional, e.g. incoming/"))
        form.addRow(self.tr("&Folder in the bucket:"), self.prefix_edit)
        self.template_edit = line_edit(self.tr("Key template"), "{relpath}")
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
        self.if_exists_combo = QComboBox()
        self.if_exists_combo.setAccessibleName(self.tr("When the name is already taken"))
        self.if_exists_combo.addItem(self.tr("Skip the file if the same one is there"), IF_EXISTS_SKIP)
        self.if_exists_combo.addItem(self.tr("Keep both: number the new file"), IF_EXISTS_RENAME)
        self.if_exists_combo.addItem(self.tr("Replace what is there"), IF_EXISTS_OVERWRITE)
        self.if_exists_combo.setToolTip(self.tr(
            "Skip: a file already stored with the same size and checksum is not sent again; a different file "
            "under that name is reported, not replaced. Through a signing service, which cannot look in its "
            "bucket: a file uploaded from this computer before, unchanged since, is not sent again.\n"
            "Keep both: “photo.jpg” becomes “photo (2).jpg”.\n"
            "A signing service that does not sign this check into its links decides for itself."))
        form.addRow(self.tr("If the &name is taken:"), self.if_exists_combo)
        self.template_edit.textChanged.connect(self.update_preview)
        self.prefix_edit.textChanged.connect(self.update_preview)

    def load(self, profile: Profile) -> None:
        self._loading = True  # one preview for the whole profile, not one per field
        self.prefix_edit.setText(profile.prefix)
        self.template_edit.setText(profile.key_template)
        self.if_exists_combo.setCurrentIndex(max(0, self.if_exists_combo.findData(profile.if_exists)))
        self._loading = False
        self.update_preview()

    def commit(self, profile: Profile) -> None:
        profile.prefix = self.prefix_edit.text().strip()
        profile.key_template = self.template_edit.text().strip()
        profile.if_exists = str(self.if_exists_combo.currentData())

    def field_widgets(self) -> dict[str, QWidget]:
        """The widget showing each profile setting, by the setting's name."""
        return {"prefix": self.prefix_edit, "key_template": self.template_edit, "if_exists": self.if_exists_combo}

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
