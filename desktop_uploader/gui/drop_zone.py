"""The visible invitation to drop files, with the choice of where they go; the whole window accepts the
drop."""

from __future__ import annotations

from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from desktop_uploader.gui.destination_chooser import DestinationChooser
from desktop_uploader.gui.resources import icon


class DropZone(QFrame):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Drop zone"))
        self.setAccessibleDescription(self.tr("Drop files or folders anywhere on this window to upload them."))
        outer = QVBoxLayout(self)
        outer.setContentsMargins(16, 14, 16, 10)
        layout = QHBoxLayout()
        outer.addLayout(layout)
        self.label = QLabel(self.tr("Drop files or folders here to upload them"))
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.label.setFont(font)
        layout.addWidget(self.label, 1)
        self.add_files_button = QPushButton(icon("add-file"), self.tr("Add &files…"))
        self.add_folder_button = QPushButton(icon("add-folder"), self.tr("Add f&older…"))
        layout.addWidget(self.add_files_button)
        layout.addWidget(self.add_folder_button)
        self.chooser = DestinationChooser()
        outer.addWidget(self.chooser)
        self.set_highlight(False)

    def set_highlight(self, on: bool) -> None:
        # Highlight with the palette's own colours so light and dark themes both read well.
        self.setBackgroundRole(self.palette().ColorRole.Highlight if on else self.palette().ColorRole.Base)
        self.setForegroundRole(self.palette().ColorRole.HighlightedText if on else self.palette().ColorRole.Text)
        self.setAutoFillBackground(True)
        self.label.setForegroundRole(self.foregroundRole())

    def set_adding(self, busy: bool) -> None:
        self.label.setText(self.tr("Adding files…") if busy else
                           self.tr("Drop files or folders here to upload them"))
