"""The main window: drop files, watch them go, read what went wrong, find what was uploaded.

The window holds what the tabs share (the engine, its events, the settings, the status bar, closing
and quitting); the Queue and History tabs and the tray icon are their own classes.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import (
    QCloseEvent,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QApplication,
    QFileDialog,
    QLabel,
    QMainWindow,
    QMessageBox,
    QTabWidget,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core.config import Config, ConfigError, Profile
from desktop_uploader.core.engine import AddResult, Engine, KeyOptions
from desktop_uploader.core.locked import LockedConfig, effective_config
from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.settings import CLOSE_TO_TRAY, PAUSE_ON_METERED, RATE_LIMIT_KIB, SECTION_APP, spec
from desktop_uploader.gui.bridge import EngineBridge
from desktop_uploader.gui.destination_chooser import destination_words
from desktop_uploader.gui.drop_zone import DropZone
from desktop_uploader.gui.history import HistoryEntry
from desktop_uploader.gui.history_tab import HistoryTab
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.gui.network_follower import NetworkFollower
from desktop_uploader.gui.notices import Notices
from desktop_uploader.gui.qtcompat import protect_singletons
from desktop_uploader.gui.queue_model import QueueModel, Row
from desktop_uploader.gui.queue_tab import QueueTab
from desktop_uploader.gui.resources import icon
from desktop_uploader.gui.settings import SettingsDialog
from desktop_uploader.gui.status_summary import StatusSummary
from desktop_uploader.gui.tasks import TaskRunner
from desktop_uploader.gui.tray import Tray
from desktop_uploader.gui.urls import paths_from_mime
from desktop_uploader.gui.widgets import make_action

log = logging.getLogger(__name__)

class MainWindow(QMainWindow):
    loaded = Signal()  # the queue and history have been read from the engine
    adding_finished = Signal(object)  # AddResult

    def __init__(self, engine: Engine, config: Config, *, secrets: SecretStore | None = None,
                 profile: str | None = None, locked: LockedConfig | None = None,
                 network: SystemNetwork | None = None, parent: QWidget | None = None) -> None:
        protect_singletons()
        super().__init__(parent)
        self.engine = engine
        self.config = config  # the user's own settings, which Settings edits and saves
        self.locked = locked or LockedConfig()  # the admin's values, which win over the user's
        self._effective = effective_config(config, self.locked)  # both laid together; renewed on Settings
        self.secrets = secrets or SecretStore()
        self._profile_name = profile
        self._quitting = False
        self.quit_on_close = False  # run_gui sets this; tests keep the application running
        self._told_about_tray = False
        self._since_idle = {"done": 0, "failed": 0}
        self.last_problems: list[Any] = []
        self.last_error: BaseException | None = None
        self.is_loaded = False

        self.setWindowTitle(self.tr("Desktop Uploader"))
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        # An explicit minimum keeps Qt from pushing a new one to the window system every time the
        # status text changes length (and is a sensible floor for the layout anyway).
        self.setMinimumSize(640, 420)
        self.resize(1000, 620)

        self.model = QueueModel(self)
        self.bridge = EngineBridge(engine, parent=self)
        self.adds = TaskRunner("gui-add", self)
        self.ops = TaskRunner("gui-ops", self)
        self.queue_tab = QueueTab(self.model, engine, self.ops, profile_of=self.profile_of,
                                  on_error=self._on_task_error)
        self.history_tab = HistoryTab(engine, self.ops, profile_of=self.profile_of, on_error=self._on_task_error)

        self._build_actions()
        self._build_menus()
        self._build_ui()
        self.tray = Tray.create(self, self.show_window,
                                [[self.queue_tab.act_pause_all, self.queue_tab.act_resume_all], [self.act_quit]])
        self.queue_tab.totals_changed.connect(self._update_status)
        for told in (self.history_tab.status_message, self.history_tab.links.told, self.queue_tab.links.told):
            told.connect(lambda text, ms: self.notices.show(text, ms))
        self.bridge.events.connect(self._on_events)
        self.bridge.progress.connect(self._on_progress)
        self.adds.busy_changed.connect(self.drop_zone.set_adding)
        self.ops.submit(self._read_queue_and_history, on_result=self._on_loaded, on_error=self._on_task_error)
        self._update_status()
        self.queue_tab.update_actions()
        self.network = NetworkFollower(engine, self.ops, network=network, on_error=self._on_task_error, parent=self,
                                       wait_when_metered=lambda: bool(self._effective.settings.get(
                                           PAUSE_ON_METERED, spec(SECTION_APP, PAUSE_ON_METERED).default)))
        self.network.metered_changed.connect(self.status_summary.metered.setVisible)
        self.network.apply()

    # -- construction -------------------------------------------------------------------------------
    def _build_actions(self) -> None:
        self.act_add_files = make_action(self, "add-file", self.tr("Add &files…"), self.choose_files,
                                         shortcut=QKeySequence.StandardKey.Open,
                                         tip=self.tr("Choose files to upload"))
        self.act_add_folder = make_action(self, "add-folder", self.tr("Add f&older…"), self.choose_folder,
                                          shortcut="Ctrl+Shift+O", tip=self.tr("Choose a folder to upload"))
        self.act_paste = make_action(self, "paste", self.tr("&Paste files"), self.paste,
                                     shortcut=QKeySequence.StandardKey.Paste,
                                     tip=self.tr("Upload files copied in your file manager"))
        self.act_settings = make_action(self, "settings", self.tr("&Settings…"), self.open_settings,
                                        shortcut=QKeySequence.StandardKey.Preferences)
        if self.act_settings.shortcut().isEmpty():
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.act_quit = make_action(self, "quit", self.tr("&Quit"), self.quit_app,
                                    shortcut=QKeySequence.StandardKey.Quit)
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))

    def _build_menus(self) -> None:
        queue = self.queue_tab
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.act_add_files, self.act_add_folder, self.act_paste):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        uploads_menu = self.menuBar().addMenu(self.tr("&Uploads"))
        for action in (queue.act_pause_all, queue.act_resume_all, queue.act_retry_failed, queue.act_cancel_all):
            uploads_menu.addAction(action)
        uploads_menu.addSeparator()
        uploads_menu.addAction(queue.act_clear_finished)
        self.selected_menu = self.menuBar().addMenu(self.tr("&Selected"))
        queue.fill_row_menu(self.selected_menu)

        toolbar = QToolBar(self.tr("Main toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for action in (queue.act_pause_all, queue.act_resume_all, queue.act_retry_failed):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(queue.act_clear_finished)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.act_settings)
        self.addToolBar(toolbar)

    def _build_ui(self) -> None:
        central = QWidget()
        layout = QVBoxLayout(central)
        self.drop_zone = DropZone()
        self.drop_zone.add_files_button.clicked.connect(self.choose_files)
        self.drop_zone.add_folder_button.clicked.connect(self.choose_folder)
        layout.addWidget(self.drop_zone)

        self.setup_banner = QLabel(self.tr("No upload destination is set up yet. "
                                           "Open Settings to add one."))
        self.setup_banner.setWordWrap(True)
        self.setup_banner.setVisible(False)
        layout.addWidget(self.setup_banner)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName(self.tr("Uploads"))
        layout.addWidget(self.tabs, 1)
        self.tabs.addTab(self.queue_tab, icon("add-file"), self.tr("&Queue"))
        self.tabs.addTab(self.history_tab, icon("history"), self.tr("&History"))
        self.setCentralWidget(central)
        self.drop_zone.chooser.set_config(self._effective, self._profile_name)
        self._profile_name = self.drop_zone.chooser.current_name() or self._profile_name
        self.drop_zone.chooser.changed.connect(self._destination_chosen)

        self.notices = Notices(self.statusBar())
        self.status_summary = StatusSummary(self.statusBar())
        self.queue_tab.view.setFocus()
        self._update_setup_banner()

    # -- profile ------------------------------------------------------------------------------------
    def effective_config(self) -> Config:
        """What uploads use: the user's settings with the admin's locked values laid over them."""
        return self._effective

    def current_profile(self) -> Profile | None:
        """The destination the next dropped files go to: the one chosen by the drop zone."""
        try:
            return self.effective_config().get(self._profile_name)
        except ConfigError:
            return None

    def _destination_chosen(self, name: str) -> None:
        self._profile_name = name or None
        chosen = self.current_profile()
        if chosen is not None:
            self.engine.set_concurrency(chosen.concurrency)

    def profile_of(self, row: Row | HistoryEntry) -> Profile | None:
        """The destination an upload went to, for working out its address."""
        return self.effective_config().profiles.get(row.profile) if row.profile else self.current_profile()

    def _update_setup_banner(self) -> None:
        self.setup_banner.setVisible(self.current_profile() is None)

    # -- adding -------------------------------------------------------------------------------------
    def add_paths(self, paths: Sequence[str]) -> bool:
        """Queue files and folders; the scan and the database work happen off the GUI thread."""
        paths = [p for p in paths if p]
        if not paths:
            return False
        profile = self.current_profile()
        if profile is None:
            self.open_settings()
            profile = self.current_profile()
            if profile is None:
                return False
        keys = KeyOptions(template=profile.key_template, prefix=profile.prefix)
        where = destination_words(profile)
        self.notices.show(self.tr("Adding {count} item(s) for {destination}…").format(
            count=len(paths), destination=where), 0)
        self.adds.submit(functools.partial(self.engine.add_paths, list(paths), profile.name, keys=keys),
                         on_result=lambda result: self._on_added(result, where), on_error=self._on_task_error)
        return True

    def _on_added(self, result: AddResult, where: str) -> None:
        # New files get their rows from the QUEUED events, slice by slice; files queued before (a failed
        # file dropped again) are refreshed here in case they are not shown yet.
        self.model.add_jobs(result.resumed)
        self.last_problems = list(result.problems)
        if result.problems or result.already_there or result.sent_before:
            lines = [f"{p.path}: {p.reason}" for p in result.problems[:20]]
            lines += [self.tr("{path}: already stored as {key}").format(path=path, key=key)
                      for path, key in result.already_there[:20]]
            lines += [self.tr("{path}: uploaded from this computer before as {key}, unchanged since (to send it "
                              "again, choose “Replace what is there” in Settings)").format(path=path, key=key)
                      for path, key in result.sent_before[:20]]
            self.notices.show(self.tr("{count} item(s) were skipped. Hover here for the list.").format(
                count=len(result.problems) + len(result.already_there) + len(result.sent_before)), 15000,
                details="\n".join(lines))
        else:
            self.notices.show(self.tr("Added {count} file(s) for {destination}.").format(
                count=len(result.jobs) + len(result.resumed), destination=where), 8000)
        self._update_status()
        self.adding_finished.emit(result)

    def choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Choose files to upload"))
        self.add_paths(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder to upload"))
        if folder:
            self.add_paths([folder])

    def paste(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        paths = paths_from_mime(mime) if mime is not None else []
        if not paths:
            self.notices.show(self.tr("The clipboard holds no files to upload."), 5000)
            return
        self.add_paths(paths)

    # -- drag and drop: the whole window takes the drop ---------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if paths_from_mime(event.mimeData()):
            event.acceptProposedAction()
            self.drop_zone.set_highlight(True)
        else:
            event.ignore()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        event.acceptProposedAction()

    def dragLeaveEvent(self, event: QDragLeaveEvent) -> None:
        self.drop_zone.set_highlight(False)

    def dropEvent(self, event: QDropEvent) -> None:
        self.drop_zone.set_highlight(False)
        paths = paths_from_mime(event.mimeData())
        if not paths:
            event.ignore()
            return
        event.acceptProposedAction()
        self.add_paths(paths)

    # -- engine events ------------------------------------------------------------------------------
    def _read_queue_and_history(self) -> tuple[list[Job], list[Job], int]:
        # Runs off the GUI thread: every unfinished job, but only the newest of the uploaded ones.
        unfinished = self.engine.jobs([s for s in JobState if s is not JobState.DONE])
        history = self.engine.history(limit=self.history_tab.model.limit)
        return unfinished, history, self.engine.counts().get(JobState.DONE, 0)

    def _on_loaded(self, loaded: tuple[list[Job], list[Job], int]) -> None:
        unfinished, history, done_total = loaded
        self.model.add_jobs(unfinished)
        self.history_tab.show_loaded(history, done_total)
        self.is_loaded = True
        self._update_status()
        self.loaded.emit()

    def _on_events(self, events: list[Event]) -> None:
        done, unknown = self.model.apply_events(events)
        if done:
            self.history_tab.add_uploaded([HistoryEntry(r.job_id, r.path, r.size, r.key, r.profile,
                                                        r.finished_at or 0.0, r.url) for r in done])
        removed = {e.job_id for e in events if e.kind is EventKind.REMOVED and e.job_id is not None}
        if removed:
            self.history_tab.remove_ids(removed)
        for event in events:
            if event.kind is EventKind.DONE:
                self._since_idle["done"] += 1
            elif event.kind is EventKind.FAILED:
                self._since_idle["failed"] += 1
            elif event.kind is EventKind.IDLE:
                self._batch_finished()
            elif event.kind is EventKind.DESTINATION:
                self.status_summary.destination_changed(event)
            elif event.kind is EventKind.QUEUED and event.extra.get("reason") == "destination":
                self.status_summary.tried_again(event, self.engine.health.retry_in)
            elif event.kind is EventKind.CONCURRENCY:
                self.status_summary.concurrency_changed(event)
            elif event.kind is EventKind.CLOCK:
                self.status_summary.clock_changed(event)
                if not self.status_summary.clock.isHidden():
                    self.notices.show(self.status_summary.clock.toolTip(), 15_000)
        if unknown and self.is_loaded:
            self.ops.submit(lambda: [j for j in (self.engine.job(i) for i in unknown) if j is not None],
                            on_result=self._on_fetched)
        self._update_status()
        self.queue_tab.update_actions()

    def _on_fetched(self, jobs: list[Job]) -> None:
        self.model.add_jobs([j for j in jobs if j.state is not JobState.DONE])
        self.history_tab.add_found([j for j in jobs if j.state is JobState.DONE])
        self._update_status()

    def _on_progress(self, latest: dict[int, Event]) -> None:
        self.model.apply_progress(latest)
        self._update_status()

    def _batch_finished(self) -> None:
        done, failed = self._since_idle["done"], self._since_idle["failed"]
        self._since_idle = {"done": 0, "failed": 0}
        self.notices.batch_finished(done, failed, self.tray)

    def _on_task_error(self, exc: BaseException) -> None:
        log.error("background task failed", exc_info=exc)
        self.last_error = exc
        # Not modal: the queue keeps updating while the message is shown.
        box = QMessageBox(QMessageBox.Icon.Warning, self.tr("Something went wrong"), str(exc),
                          QMessageBox.StandardButton.Ok, self)
        box.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        box.open()

    # -- status -------------------------------------------------------------------------------------
    def _update_status(self) -> None:
        fraction, text = self.status_summary.show_totals(self.model.totals())
        if self.tray is not None:
            self.tray.show_progress(int(fraction * 100), text)

    # -- settings -----------------------------------------------------------------------------------
    def open_settings(self) -> bool:
        default_before = self._effective.default_profile  # Settings changes the configuration in place
        dialog = SettingsDialog(self.config, self.secrets, self, locked=self.locked)
        try:
            accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()  # a child of the window: without this each opening would stay in memory
        if accepted:
            # Signers hold credentials and URLs; the next upload must use the saved ones.
            self.ops.submit(self.engine.reload_signers)
            self._effective = effective = effective_config(self.config, self.locked)
            rate_kib = int(effective.settings.get(RATE_LIMIT_KIB, spec(SECTION_APP, RATE_LIMIT_KIB).default) or 0)
            self.engine.set_rate_limit(rate_kib * 1024 if rate_kib > 0 else None)
            # A destination made the default in Settings is the one the next drop goes to.
            chosen_name = effective.default_profile if effective.default_profile != default_before else None
            self.drop_zone.chooser.set_config(effective, chosen_name)
            self.network.apply()
        self._update_setup_banner()
        self.queue_tab.update_actions()
        return accepted

    # -- showing, closing and quitting --------------------------------------------------------------
    @property
    def close_to_tray(self) -> bool:
        return bool(self._effective.settings.get(CLOSE_TO_TRAY, spec(SECTION_APP, CLOSE_TO_TRAY).default))

    def show_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def has_work_in_flight(self) -> bool:
        totals = self.model.totals()
        return totals.in_flight > 0 or self.adds.pending > 0

    def confirm_quit(self) -> bool:
        answer = QMessageBox.question(
            self, self.tr("Uploads are still running"),
            self.tr("Quit anyway? Unfinished uploads are kept and continue the next time you open the app."),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
        return answer == QMessageBox.StandardButton.Yes

    def quit_app(self) -> None:
        if self.has_work_in_flight() and not self.confirm_quit():
            return
        self._quitting = True
        self.close()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._quitting or not self.has_work_in_flight():
            self._accept_close(event)
            return
        if self.tray is not None and self.close_to_tray:
            # Uploads go on in the background; the tray icon brings the window back.
            self.hide()
            event.ignore()
            if not self._told_about_tray:
                self._told_about_tray = True
                self.tray.tell_still_uploading()
            return
        if self.confirm_quit():
            self._accept_close(event)
        else:
            event.ignore()

    def _accept_close(self, event: QCloseEvent) -> None:
        self._quitting = True
        event.accept()
        if self.quit_on_close:
            # With a tray icon Qt does not quit when the last window closes; closing means quitting here.
            QApplication.quit()

    def shutdown(self) -> None:
        """Stop listening to the engine and wait for background calls; the caller closes the engine."""
        self.network.close()
        self.bridge.close()
        self.adds.shutdown(wait=True)
        self.ops.shutdown(wait=True)
        if self.tray is not None:
            self.tray.hide()
