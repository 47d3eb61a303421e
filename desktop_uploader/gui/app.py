"""Starting the window: Qt application, translations, configuration, engine, main window."""

from __future__ import annotations

import logging
import os
import signal
import sys
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from desktop_uploader import __version__
from desktop_uploader.core.config import Config, ConfigError, ProfileError
from desktop_uploader.core.engine import Engine
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.locked import LockdownError, LockedConfig, effective_config, load_admin_locks
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.store import StoreError
from desktop_uploader.gui.main_window import MainWindow
from desktop_uploader.gui.qtcompat import protect_singletons
from desktop_uploader.gui.resources import icon, install_translator
from desktop_uploader.gui.settings import SettingsDialog
from desktop_uploader.gui.single_instance import InstanceServer, claim_or_hand_off
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.status_report import StatusReporter, reporter_for

log = logging.getLogger(__name__)


def application() -> QApplication:
    """The running QApplication, created with the app's identity if there is none yet."""
    protect_singletons()
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    QGuiApplication.setHighDpiScaleFactorRoundingPolicy(Qt.HighDpiScaleFactorRoundingPolicy.PassThrough)
    app = QApplication(sys.argv[:1])
    app.setApplicationName("desktop-uploader")
    app.setApplicationDisplayName(QCoreApplication.translate("App", "Desktop Uploader"))
    app.setApplicationVersion(__version__)
    app.setDesktopFileName("desktop-uploader")
    app.setWindowIcon(icon("app"))
    return app


def create_window(config: Config, *, profile: str | None = None, secrets: SecretStore | None = None,
                  engine: Engine | None = None, locked: LockedConfig | None = None) -> MainWindow:
    """The main window over an engine for ``config`` (opened here unless given); ``locked`` holds the
    admin's values, which win over the user's."""
    secrets = secrets or SecretStore()
    if engine is None:
        engine = open_engine(config, locked=locked, profile=profile, secrets=secrets)
    return MainWindow(engine, config, secrets=secrets, profile=profile, locked=locked)


def run_gui(paths: Sequence[str], *, profile: str | None = None, minimized: bool = False,
            on_ready: Callable[[], None] | None = None) -> int:
    app = application()
    # A later launch (a file manager's "Open with", a second double-click) hands its paths to the window
    # that is already open instead of starting a second engine on the same queue.
    instance = claim_or_hand_off(list(paths), os.getcwd(), parent=app)
    if instance is None:
        return 0
    try:
        return _run(app, instance, paths, profile, minimized, on_ready)
    finally:
        instance.close()


def _run(app: QApplication, instance: InstanceServer, paths: Sequence[str], profile: str | None, minimized: bool,
         on_ready: Callable[[], None] | None) -> int:
    translator = install_translator()  # noqa: F841 - must stay alive while the app runs
    try:
        config = Config.load()
        locked = load_admin_locks()
        effective = effective_config(config, locked)
    except (ConfigError, ProfileError, LockdownError) as exc:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Settings cannot be read"), str(exc))
        return 2
    secrets = SecretStore()
    if not effective.profiles:
        # Nothing can be uploaded without a destination: ask for one before showing the queue.
        SettingsDialog(config, secrets, locked=locked).exec()
        effective = effective_config(config, locked)
    if profile is not None and profile not in effective.profiles:
        QMessageBox.critical(None, QCoreApplication.translate("App", "Unknown destination"),
                             QCoreApplication.translate("App", "There is no destination named “{name}”.")
                             .format(name=profile))
        return 2
    try:
        window = create_window(config, profile=profile, secrets=secrets, locked=locked)
    except StoreError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("App", "The upload queue cannot be opened"), str(exc))
        return 2
    engine = window.engine
    reporter = window_status_reporter(engine, config, effective, profile, locked, secrets)
    instance.paths_received.connect(lambda more: _handed_over(window, more))
    window.loaded.connect(engine.start)
    if not minimized:
        window.show()
    elif window.tray is None:
        window.showMinimized()  # no tray to wait in: on the task bar
    # else: in the tray, sending what the queue holds; opening the app again shows the window
    if paths:
        # Queue after the first paint, so the window appears at once even for a big folder.
        QTimer.singleShot(0, lambda: window.add_paths(list(paths)))
    app.setQuitOnLastWindowClosed(window.tray is None)
    window.quit_on_close = True
    # When the desktop session ends, nobody is there to answer "quit anyway?": unfinished uploads stay
    # queued and continue at the next start.
    app.commitDataRequest.connect(lambda _manager: setattr(window, "_quitting", True))
    wake = _quit_on_termination_signals(app, window)  # noqa: F841 - must stay alive while the app runs
    if on_ready is not None:
        QTimer.singleShot(0, on_ready)
    if reporter is not None:
        reporter.start()
    try:
        return app.exec()
    finally:
        if reporter is not None:
            reporter.stop()
        window.shutdown()
        engine.close()


def window_status_reporter(engine: Engine, config: Config, effective: Config, profile: str | None, locked: LockedConfig,
                     secrets: SecretStore) -> StatusReporter | None:
    """The window reports this device's status to the fleet's admin only when its destination asks for it."""
    try:
        chosen = effective.get(profile)
    except ConfigError:
        return None
    if not chosen.status_report:
        return None
    return reporter_for(engine, config, chosen, IdentityStore().current, locked=locked, mode="window",
                        secrets=secrets)


def _quit_on_termination_signals(app: QApplication, window: MainWindow) -> QTimer:
    """SIGTERM/SIGINT (logout, `kill`, Ctrl+C in a terminal) quit cleanly: uploads in flight go back to the
    queue. Python runs signal handlers only between bytecodes, so a slow timer lets it look in."""

    def on_signal(signum: int, frame: object) -> None:
        window._quitting = True
        QTimer.singleShot(0, app.quit)

    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, on_signal)
    timer = QTimer(app)
    timer.setInterval(250)
    timer.timeout.connect(lambda: None)
    timer.start()
    return timer


def _handed_over(window: MainWindow, paths: list[str]) -> None:
    window.show_window()
    if paths:
        window.add_paths(paths)
