"""Short messages for the person at the window: "Added 12 files", "3 items were skipped", the end of a batch.

They have a label of their own at the left of the status bar, which takes the room the totals leave; Qt's
own temporary status messages would be painted in the space of the normal widgets, and the totals, a
permanent widget that stretches, leave that space zero pixels wide.

The end-of-batch notice goes to the tray icon where there is one, else to the desktop's notification
service, and is always shown in the window too.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QStatusBar, QSystemTrayIcon, QWidget

from desktop_uploader.gui.desktop_notify import notify as desktop_notify

Notifier = Callable[[str, str, bool], bool]  # (title, text, urgent) -> shown


def _desktop(title: str, text: str, urgent: bool) -> bool:
    app = QApplication.applicationDisplayName() or QApplication.applicationName()
    return desktop_notify(app, title, text, urgent=urgent)


class Notices(QObject):
    def __init__(self, status_bar: QStatusBar, *, notifier: Notifier | None = None) -> None:
        super().__init__(status_bar)
        self.label = QLabel()
        self.label.setObjectName("notice")
        self.label.setAccessibleName(self.tr("Message"))
        self.label.setMinimumWidth(160)
        status_bar.addWidget(self.label, 1)
        self._window: QWidget = status_bar.window()
        self._notifier = notifier or _desktop
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.clear)
        self.last_notification: tuple[str, str] | None = None
        self.notified_desktop = False  # the last batch notice reached the desktop's notification service

    @property
    def text(self) -> str:
        return self.label.text()

    def show(self, text: str, timeout_ms: int = 5000, *, details: str = "") -> None:
        """Show ``text`` for ``timeout_ms`` (0: until the next message); ``details`` is its tooltip."""
        self.label.setText(text)
        self.label.setToolTip(details or text)
        if timeout_ms > 0:
            self._timer.start(timeout_ms)
        else:
            self._timer.stop()

    def clear(self) -> None:
        self.label.clear()
        self.label.setToolTip("")

    def batch_finished(self, done: int, failed: int, tray: QSystemTrayIcon | None) -> None:
        """Tell how a batch ended: in the tray or on the desktop, and in the window."""
        if not done and not failed:
            return
        if failed:
            title = self.tr("Some uploads failed")
            text = self.tr("{done} uploaded, {failed} failed. Open the window for details.").format(
                done=done, failed=failed)
            in_window = self.tr("Finished: {done} uploaded, {failed} failed. Select a failed row for details.") \
                .format(done=done, failed=failed)
        else:
            title = self.tr("Uploads finished")
            text = self.tr("{done} file(s) uploaded.").format(done=done)
            in_window = self.tr("Finished: {done} file(s) uploaded.").format(done=done)
        self.last_notification = (title, text)
        self.show(in_window, 30000)
        self.notified_desktop = False
        if tray is not None:
            kind = QSystemTrayIcon.MessageIcon.Warning if failed else QSystemTrayIcon.MessageIcon.Information
            tray.showMessage(title, text, kind, 8000)
        elif not self._window.isActiveWindow():
            self.notified_desktop = self._notifier(title, text, bool(failed))
            QApplication.alert(self._window)
