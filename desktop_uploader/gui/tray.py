"""The icon in the system tray: brings the window back, shows the progress, tells when uploads are done."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu, QSystemTrayIcon, QWidget

from desktop_uploader.gui.resources import icon


class Tray(QSystemTrayIcon):
    def __init__(self, window: QWidget, show_window: Callable[[], None],
                 action_groups: Sequence[Sequence[QAction]]) -> None:
        super().__init__(icon("app"), window)
        self._window = window
        self._show_window = show_window
        menu = QMenu(window)
        show = menu.addAction(self.tr("Show window"))
        show.triggered.connect(show_window)
        for group in action_groups:
            menu.addSeparator()
            for action in group:
                menu.addAction(action)
        self.setContextMenu(menu)
        self.activated.connect(self._activated)
        self.setToolTip(self.tr("Desktop Uploader"))

    @classmethod
    def create(cls, window: QWidget, show_window: Callable[[], None],
               action_groups: Sequence[Sequence[QAction]]) -> Tray | None:
        """The tray icon, shown; None where the desktop has no system tray."""
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return None
        tray = cls(window, show_window, action_groups)
        tray.show()
        return tray

    def _activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            if self._window.isVisible():
                self._window.hide()
            else:
                self._show_window()

    def show_progress(self, percent: int, status: str) -> None:
        self.setToolTip(self.tr("Desktop Uploader – {percent} %: {status}").format(percent=percent, status=status))

    def tell_still_uploading(self) -> None:
        self.showMessage(self.tr("Still uploading"),
                         self.tr("Uploads continue in the background. Use the tray icon to open the window or "
                                 "quit."),
                         QSystemTrayIcon.MessageIcon.Information, 6000)
