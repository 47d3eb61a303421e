"""The Transfers tab: how many files a destination gets at once, and from what size they go in parts."""

from __future__ import annotations

from PySide6.QtWidgets import QFormLayout, QSpinBox, QWidget

from desktop_uploader.core.config import AUTO_CONCURRENCY, MAX_CONCURRENCY, Profile

_MIB = 1024 * 1024


class TransfersTab(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.concurrency_spin = QSpinBox()
        self.concurrency_spin.setRange(AUTO_CONCURRENCY, MAX_CONCURRENCY)
        # 0: the engine finds the number by measuring what the network gives, up to the maximum.
        self.concurrency_spin.setSpecialValueText(self.tr("Automatic"))
        self.concurrency_spin.setAccessibleName(self.tr("Files sent at the same time"))
        self.concurrency_spin.setToolTip(self.tr("Applies at once; when lowered, files already on their "
                                                 "way finish first."))
        form.addRow(self.tr("Files sent at the &same time:"), self.concurrency_spin)
        self.multipart_spin = QSpinBox()
        self.multipart_spin.setRange(5, 5 * 1024)
        self.multipart_spin.setSuffix(" MiB")
        self.multipart_spin.setAccessibleName(self.tr("Send larger files in parts above"))
        form.addRow(self.tr("Send in &parts above:"), self.multipart_spin)

    def load(self, profile: Profile) -> None:
        self.concurrency_spin.setValue(profile.concurrency)
        self.multipart_spin.setValue(max(5, profile.multipart_threshold // _MIB))

    def commit(self, profile: Profile) -> None:
        profile.concurrency = self.concurrency_spin.value()
        profile.multipart_threshold = self.multipart_spin.value() * _MIB

    def field_widgets(self) -> dict[str, QWidget]:
        """The widget showing each profile setting, by the setting's name."""
        return {"concurrency": self.concurrency_spin, "multipart_threshold": self.multipart_spin}
