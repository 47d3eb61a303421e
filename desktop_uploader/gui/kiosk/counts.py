"""The kiosk's three big numbers: files waiting, being sent, and needing attention, each with its icon, to be
read from arm's length."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from desktop_uploader.gui.kiosk.controller import KioskStatus
from desktop_uploader.gui.kiosk.dialogs import TOUCH_HEIGHT, enlarge
from desktop_uploader.gui.resources import icon


class _Count(QFrame):
    def __init__(self, icon_name: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QHBoxLayout(self)
        picture = QLabel(self)
        picture.setPixmap(icon(icon_name).pixmap(QSize(TOUCH_HEIGHT, TOUCH_HEIGHT)))
        layout.addWidget(picture)
        column = QVBoxLayout()
        self.number = QLabel("0", self)
        font = self.number.font()
        font.setBold(True)
        self.number.setFont(font)
        enlarge(self.number, 3.0)
        self.caption = QLabel(caption, self)
        enlarge(self.caption, 1.2)
        column.addWidget(self.number)
        column.addWidget(self.caption)
        layout.addLayout(column, 1)
        self.setAccessibleName(caption)

    def set(self, count: int) -> None:
        self.number.setText(str(count))
        self.number.setAccessibleName(f"{self.caption.text()}: {count}")


class KioskCounts(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.waiting = _Count("pause", self.tr("waiting"), self)
        self.sending = _Count("resume", self.tr("being sent"), self)
        self.attention = _Count("failed", self.tr("need attention"), self)
        for count in (self.waiting, self.sending, self.attention):
            layout.addWidget(count, 1)
        layout.setAlignment(Qt.AlignmentFlag.AlignLeft)

    def show_status(self, status: KioskStatus) -> None:
        self.waiting.set(status.waiting)
        self.sending.set(status.sending)
        self.attention.set(status.attention)
