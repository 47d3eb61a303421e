"""Kiosk mode: a full-screen, touch-friendly window for shared field devices.

One status line says what happens to the files ("12 files waiting for network", "All sent at 14:02",
"3 need attention"), a list shows each file's state in plain words, and a few large buttons do the rest.
Settings, quitting and leaving full screen need the admin PIN; closing the window (Alt+F4, the window
manager's close button), Esc and F11 are intercepted. Files arrive through watch folders and are sent by
themselves, waiting quietly while the network is away (see kiosk_controller.py).

This is an application-level lock-down: system shortcuts such as Ctrl+Alt+Del, switching users or the
task switcher belong to the operating system's kiosk/assigned-access setup, which admins should use too.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QCoreApplication, QEvent, QModelIndex, QObject, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core.config import Config, ConfigError, ProfileError
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.locked import LockdownError, LockedConfig
from desktop_uploader.core.store import StoreError
from desktop_uploader.gui.destination_chooser import destination_words
from desktop_uploader.gui.details_dialog import DetailsDialog
from desktop_uploader.gui.kiosk.controller import KioskController, KioskStatus, NetState
from desktop_uploader.gui.kiosk.counts import KioskCounts
from desktop_uploader.gui.kiosk.dialogs import (
    TOUCH_HEIGHT,
    NewPinDialog,
    OperatorDialog,
    PinDialog,
    enlarge,
    touch_button,
)
from desktop_uploader.gui.kiosk.model import KioskFileModel
from desktop_uploader.gui.kiosk.settings import KioskSettingsDialog
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.gui.queue_model import Row
from desktop_uploader.gui.resources import install_translator
from desktop_uploader.kiosk.identity import Identity, IdentityStore
from desktop_uploader.kiosk.pin import PinError, PinStore
from desktop_uploader.kiosk.pin_place import open_pin_store
from desktop_uploader.kiosk.settings import KioskSettings, load_kiosk_config
from desktop_uploader.kiosk.status_report import reporter_for

log = logging.getLogger(__name__)


def net_words(state: NetState) -> str:
    # Looked up on each use so the words follow the translator installed at the time.
    words = {
        NetState.UNKNOWN: QCoreApplication.translate("KioskWindow", "Checking the connection…"),
        NetState.ONLINE: QCoreApplication.translate("KioskWindow", "Connected"),
        NetState.OFFLINE: QCoreApplication.translate("KioskWindow", "No connection to the server"),
        NetState.METERED: QCoreApplication.translate("KioskWindow",
                                                     "Metered connection: waiting for Wi-Fi or a wired network"),
    }
    return words[state]


class KioskWindow(QMainWindow):
    quit_requested = Signal()

    def __init__(self, controller: KioskController, *, pins: PinStore, user_config: Config,
                 locked: LockedConfig, fullscreen: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.pins = pins
        self.user_config = user_config
        self.locked = locked
        self._want_fullscreen = fullscreen
        self._quit_authorised = False
        self.pin_dialog: PinDialog | None = None
        self.new_pin_dialog: NewPinDialog | None = None
        self.operator_dialog: OperatorDialog | None = None
        self.settings_dialog: KioskSettingsDialog | None = None
        self.setWindowTitle(self.tr("Desktop Uploader — kiosk"))
        self.setMinimumSize(800, 560)
        enlarge(self, 1.4)

        central = QWidget(self)
        layout = QVBoxLayout(central)
        layout.setContentsMargins(24, 24, 24, 24)
        layout.setSpacing(16)
        self.status_label = QLabel("", central)
        self.status_label.setWordWrap(True)
        font = self.status_label.font()
        font.setPointSizeF(font.pointSizeF() * 1.8)
        font.setBold(True)
        self.status_label.setFont(font)
        layout.addWidget(self.status_label)
        self.counts = KioskCounts(central)
        layout.addWidget(self.counts)
        self.info_label = QLabel("", central)
        self.info_label.setWordWrap(True)
        layout.addWidget(self.info_label)
        # What is watched and where its files go, on screen all day.
        self.where_label = QLabel("", central)
        self.where_label.setWordWrap(True)
        self.where_label.setAccessibleName(self.tr("Watched folders and destination"))
        layout.addWidget(self.where_label)

        self.model = KioskFileModel(controller, self)
        self.view = QTableView(central)
        self.view.setAccessibleName(self.tr("Files"))
        self.view.setModel(self.model)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(TOUCH_HEIGHT - 8)
        self.view.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.view.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        self.view.setAlternatingRowColors(True)
        self.view.setWordWrap(False)
        self.view.setIconSize(QSize(TOUCH_HEIGHT // 2, TOUCH_HEIGHT // 2))
        self.view.clicked.connect(self.show_details)  # a tap on a row tells its whole story
        self.details_dialog: DetailsDialog | None = None
        layout.addWidget(self.view, 1)

        layout.addLayout(self._build_buttons(central))
        self.setCentralWidget(central)

        controller.status_changed.connect(self._show_status)
        controller.identity_changed.connect(lambda _identity: self._show_info())
        self._show_status(controller.status)
        app = QCoreApplication.instance()
        if app is not None:
            # Keys go to whichever widget has focus; only an application-wide filter sees them all.
            app.installEventFilter(self)
        if isinstance(app, QGuiApplication):
            app.commitDataRequest.connect(self._session_ending)

    def _build_buttons(self, central: QWidget) -> QHBoxLayout:
        """The big buttons along the bottom: the field worker's at the left, the admin's at the right."""
        fullscreen = self._want_fullscreen
        buttons = QHBoxLayout()
        self.retry_button = touch_button(self.tr("Try again"), central)
        self.retry_button.setToolTip(self.tr("Send the files that need attention once more"))
        self.retry_button.clicked.connect(self.retry)
        self.operator_button = touch_button(self.tr("Change operator"), central)
        self.operator_button.clicked.connect(self.change_operator)
        self.settings_button = touch_button(self.tr("Settings"), central)
        self.settings_button.clicked.connect(self.request_settings)
        self.fullscreen_button = touch_button(self.tr("Leave full screen") if fullscreen else self.tr("Full screen"),
                                              central)
        self.fullscreen_button.clicked.connect(self.toggle_fullscreen)
        self.quit_button = touch_button(self.tr("Quit"), central)
        self.quit_button.clicked.connect(self.request_quit)
        for button in (self.retry_button, self.operator_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        for button in (self.settings_button, self.fullscreen_button, self.quit_button):
            buttons.addWidget(button)
        return buttons

    # -- start ------------------------------------------------------------------------------------------
    def begin(self) -> None:
        """Show the kiosk, resume the queue, then make sure there is a PIN and an operator."""
        if self._want_fullscreen:
            self.showFullScreen()
        else:
            self.show()
        self.controller.start()
        try:
            has_pin = self.pins.is_set()
        except PinError:
            has_pin = False
        if not has_pin:
            self.new_pin_dialog = NewPinDialog(self.pins, self, cancellable=False)
            self.new_pin_dialog.accepted.connect(self._ask_operator)
            self.new_pin_dialog.finished.connect(self.new_pin_dialog.deleteLater)
            self.new_pin_dialog.open()
        else:
            self._ask_operator()

    def _ask_operator(self) -> None:
        if not self.controller.settings.ask_operator:
            self.controller.start_watching()
            return
        dialog = OperatorDialog(self.controller.identity.operator, self, cancellable=False)
        dialog.name_chosen.connect(self._operator_chosen)
        dialog.finished.connect(dialog.deleteLater)  # asked every shift: closed prompts must not pile up
        self.operator_dialog = dialog
        dialog.open()

    def _operator_chosen(self, name: str) -> None:
        self.controller.set_operator(name)
        self.controller.start_watching()
        self._show_info()

    def change_operator(self) -> None:
        """A new shift: the next files carry the new name. No PIN needed."""
        dialog = OperatorDialog(self.controller.identity.operator, self, cancellable=True)
        dialog.name_chosen.connect(self._operator_chosen)
        dialog.finished.connect(dialog.deleteLater)
        self.operator_dialog = dialog
        dialog.open()

    # -- status -----------------------------------------------------------------------------------------
    def _show_status(self, status: KioskStatus) -> None:
        self.status_label.setText(status.text)
        self.counts.show_status(status)
        self.retry_button.setEnabled(status.attention > 0)
        self._show_info()

    def _show_info(self) -> None:
        identity: Identity = self.controller.identity
        parts = []
        if identity.operator:
            parts.append(self.tr("Operator: {name}").format(name=identity.operator))
        parts.append(self.tr("Device: {name}").format(name=identity.device_name))
        net = net_words(self.controller.net_state)
        medium = self.controller.system_network.medium if self.controller.system_network is not None else ""
        if self.controller.net_state is NetState.ONLINE and medium:
            net = f"{net} ({medium})"
        parts.append(net)
        self.info_label.setText(" · ".join(parts))
        settings = self.controller.settings
        folders = ", ".join(settings.watch_folders) or self.tr("no folder yet (set one in Settings)")
        self.where_label.setText(self.tr("Watching: {folders}\nSending to: {destination}").format(
            folders=folders, destination=destination_words(self.controller.profile)))

    def show_details(self, index: QModelIndex) -> None:
        """The tapped file in full: where it goes and, when it failed, why and what to do."""
        if not index.isValid():
            return
        job = self.model.job_at(index.row())
        dialog = DetailsDialog(Row.from_job(job), self, profile=self.controller.profile)
        enlarge(dialog, 1.2)
        dialog.retry_requested.connect(lambda job_id: self.controller.engine.retry([job_id]))
        dialog.finished.connect(dialog.deleteLater)  # a kiosk runs for days: closed dialogs must not pile up
        self.details_dialog = dialog
        dialog.open()

    def retry(self) -> None:
        self.controller.retry_attention()

    # -- admin actions behind the PIN -------------------------------------------------------------------
    def request_admin(self, purpose: str, action: Callable[[], None]) -> None:
        if self.pin_dialog is not None and self.pin_dialog.isVisible():
            return  # one prompt at a time, however often Alt+F4 is pressed
        dialog = PinDialog(self.pins, purpose, self)
        dialog.accepted.connect(action)
        dialog.finished.connect(lambda _result: self._forget_pin_dialog(dialog))
        self.pin_dialog = dialog
        dialog.open()

    def _forget_pin_dialog(self, dialog: PinDialog) -> None:
        if self.pin_dialog is dialog:
            self.pin_dialog = None
        dialog.deleteLater()

    def request_quit(self) -> None:
        self.request_admin(self.tr("Enter the admin PIN to quit. Files not sent yet are kept and sent after "
                                   "the next start."), self._quit)

    def request_settings(self) -> None:
        self.request_admin(self.tr("Enter the admin PIN to open the settings."), self._open_settings)

    def toggle_fullscreen(self) -> None:
        if self._want_fullscreen:
            self.request_admin(self.tr("Enter the admin PIN to leave full screen."), self._leave_fullscreen)
        else:
            self._enter_fullscreen()

    def _quit(self) -> None:
        self._quit_authorised = True
        self.quit_requested.emit()
        self.close()

    def _leave_fullscreen(self) -> None:
        self._want_fullscreen = False
        self.fullscreen_button.setText(self.tr("Full screen"))
        self.showNormal()

    def _enter_fullscreen(self) -> None:
        self._want_fullscreen = True
        self.fullscreen_button.setText(self.tr("Leave full screen"))
        self.showFullScreen()

    def _open_settings(self) -> None:
        dialog = KioskSettingsDialog(self.user_config, self.locked, self.pins, self, running=self.controller.settings)
        dialog.saved.connect(self._settings_saved)
        dialog.finished.connect(dialog.deleteLater)  # a kiosk runs for days: closed dialogs must not pile up
        self.settings_dialog = dialog
        dialog.open()

    def _settings_saved(self, settings: KioskSettings) -> None:
        try:
            self.controller.apply_settings(settings)
        except ConfigError as exc:
            QMessageBox.warning(self, self.tr("Settings"), str(exc))
        self._show_info()

    def _session_ending(self, _manager: object) -> None:
        # The computer is shutting down or logging out (perhaps on a dying battery): refusing to close
        # would only block that. Nothing is lost: the queue is on disk and resumes at the next start.
        self._quit_authorised = True

    # -- what the kiosk user must not do ----------------------------------------------------------------
    def closeEvent(self, event: QCloseEvent) -> None:
        if self._quit_authorised:
            app = QCoreApplication.instance()
            if app is not None:
                app.removeEventFilter(self)
            event.accept()
            return
        event.ignore()
        self.request_quit()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.WindowStateChange and self._want_fullscreen and not self._quit_authorised \
                and not self.isFullScreen():
            # Minimised or un-maximised by a shortcut or the window manager: back to full screen.
            QTimer.singleShot(0, self._restore_fullscreen)

    def _restore_fullscreen(self) -> None:
        if self._want_fullscreen and not self.isFullScreen() and not self._quit_authorised:
            self.showFullScreen()

    def _kiosk_key(self, event: QKeyEvent) -> bool:
        """Handle a key the kiosk intercepts; True if it was one."""
        key = event.key()
        if key == Qt.Key.Key_F11:
            self.toggle_fullscreen()
            return True
        if key == Qt.Key.Key_F4 and event.modifiers() & Qt.KeyboardModifier.AltModifier:
            self.request_quit()
            return True
        # Esc would leave full screen or dismiss things on some platforms; in the kiosk it does nothing.
        return key == Qt.Key.Key_Escape

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self._kiosk_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and isinstance(watched, QWidget) and watched.window() is self \
                and isinstance(event, QKeyEvent):
            return self._kiosk_key(event)
        return False


# -- running it -------------------------------------------------------------------------------------------
def run_kiosk(*, profile: str | None = None, watch: Sequence[str] = (),
              locked_path: str | os.PathLike[str] | None = None) -> int:
    from desktop_uploader.gui.app import application
    from desktop_uploader.gui.single_instance import claim_or_hand_off

    app = application()
    translator = install_translator()  # noqa: F841 - must stay alive while the app runs
    try:
        user_config, locked, effective, settings = load_kiosk_config(locked_path=locked_path, profile=profile,
                                                                     watch=watch)
        effective.get(settings.profile or None)
        pins = open_pin_store(locked)
        if pins.missing():  # deleting the record must not let whoever stands there choose a new PIN
            raise PinError("An admin PIN was set on this device and its record is gone. An administrator sets "
                           "it again with 'desktop-uploader fleet set-pin'.")
        pins.is_set()  # a damaged record stops here, instead of looking like no PIN at all
    except (ConfigError, ProfileError, LockdownError, PinError) as exc:
        QMessageBox.critical(None, QCoreApplication.translate("KioskWindow", "Kiosk mode cannot start"), str(exc))
        return 2
    # One app per user: a second launch brings nothing but would run a second engine on the same queue.
    instance = claim_or_hand_off([], os.getcwd(), parent=app)
    if instance is None:
        return 0
    identity = IdentityStore(device_override=settings.device_name or None)
    try:
        engine = open_engine(user_config, locked=locked, profile=settings.profile or None)
    except StoreError as exc:
        QMessageBox.critical(None, QCoreApplication.translate("KioskWindow", "Kiosk mode cannot start"), str(exc))
        instance.close()
        return 2
    controller = KioskController(engine, effective, settings, identity, system_network=SystemNetwork())
    # Kiosk mode always tells the admin how it is doing; the report never holds up an upload.
    reporter = reporter_for(engine, user_config, effective.get(settings.profile or None), identity.current,
                            locked=locked, mode="kiosk")
    controller.identity_changed.connect(lambda _identity: reporter.poke())
    window = KioskWindow(controller, pins=pins, user_config=user_config, locked=locked)
    window.quit_requested.connect(app.quit)
    app.setQuitOnLastWindowClosed(False)
    QTimer.singleShot(0, window.begin)
    reporter.start()
    try:
        return app.exec()
    finally:
        reporter.stop()
        controller.shutdown()
        engine.close()
        instance.close()
        app.removeEventFilter(window)
