"""The main window: drop files, watch them go, read what went wrong, find what was uploaded."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import (
    QAction,
    QCloseEvent,
    QDesktopServices,
    QDragEnterEvent,
    QDragLeaveEvent,
    QDragMoveEvent,
    QDropEvent,
    QGuiApplication,
    QKeySequence,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QFileDialog,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QSystemTrayIcon,
    QTableView,
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
from desktop_uploader.gui.bridge import EngineBridge
from desktop_uploader.gui.details_dialog import DetailsDialog
from desktop_uploader.gui.history import HistoryEntry, HistoryFilter, HistoryModel
from desktop_uploader.gui.qtcompat import protect_singletons
from desktop_uploader.gui.queue_model import (
    Column,
    ProgressDelegate,
    QueueModel,
    Row,
    format_duration,
    format_size,
    format_speed,
)
from desktop_uploader.gui.resources import icon
from desktop_uploader.gui.settings_dialog import SETTING_CLOSE_TO_TRAY, SETTING_RATE_LIMIT, SettingsDialog
from desktop_uploader.gui.tasks import TaskRunner
from desktop_uploader.gui.urls import object_url, paths_from_mime

log = logging.getLogger(__name__)

_IN_FLIGHT = (JobState.QUEUED, JobState.SIGNING, JobState.UPLOADING)


class DropZone(QFrame):
    """The visible invitation to drop files; the whole window accepts the drop."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("dropZone")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAccessibleName(self.tr("Drop zone"))
        self.setAccessibleDescription(self.tr("Drop files or folders anywhere on this window to upload them."))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(16, 14, 16, 14)
        self.label = QLabel(self.tr("Drop files or folders here to upload them"))
        font = self.label.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.label.setFont(font)
        layout.addWidget(self.label, 1)
        self.add_files_button = QPushButton(icon("add-file"), self.tr("Add &files…"))
        self.add_folder_button = QPushButton(icon("add-folder"), self.tr("Add f&older…"))
        layout.addWidget(self.add_files_button)
        layout.addWidget(self.add_folder_button)
        self.set_highlight(False)

    def set_highlight(self, on: bool) -> None:
        # Highlight with the palette's own colours so light and dark themes both read well.
        self.setBackgroundRole(self.palette().ColorRole.Highlight if on else self.palette().ColorRole.Base)
        self.setForegroundRole(self.palette().ColorRole.HighlightedText if on else self.palette().ColorRole.Text)
        self.setAutoFillBackground(True)
        self.label.setForegroundRole(self.foregroundRole())


class MainWindow(QMainWindow):
    loaded = Signal()  # the queue and history have been read from the engine
    adding_finished = Signal(object)  # AddResult

    def __init__(self, engine: Engine, config: Config, *, secrets: SecretStore | None = None,
                 profile: str | None = None, locked: LockedConfig | None = None,
                 parent: QWidget | None = None) -> None:
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
        self.last_notification: tuple[str, str] | None = None
        self.is_loaded = False

        self.setWindowTitle(self.tr("Desktop Uploader"))
        self.setWindowIcon(icon("app"))
        self.setAcceptDrops(True)
        # An explicit minimum keeps Qt from pushing a new one to the window system every time the
        # status text changes length (and is a sensible floor for the layout anyway).
        self.setMinimumSize(640, 420)
        self.resize(1000, 620)

        self.model = QueueModel(self)
        self.history_model = HistoryModel(self)
        self.history_filter = HistoryFilter(self)
        self.history_filter.setSourceModel(self.history_model)
        self.bridge = EngineBridge(engine, parent=self)
        self.adds = TaskRunner("gui-add", self)
        self.ops = TaskRunner("gui-ops", self)

        self._build_actions()
        self._build_ui()
        self._build_tray()
        self.bridge.events.connect(self._on_events)
        self.bridge.progress.connect(self._on_progress)
        self.adds.busy_changed.connect(self._on_adding)
        self.ops.submit(self._read_queue_and_history, on_result=self._on_loaded, on_error=self._on_task_error)
        self._update_status()
        self._update_actions()

    # -- construction -------------------------------------------------------------------------------
    def _action(self, icon_name: str, text: str, slot: Callable[[], object], *,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
        action = QAction(icon(icon_name), text, self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        if tip:
            action.setToolTip(tip)
            action.setStatusTip(tip)
        # triggered() passes `checked`; the slots here take no such argument.
        action.triggered.connect(lambda _checked=False: slot())
        return action

    def _build_actions(self) -> None:
        self.act_add_files = self._action("add-file", self.tr("Add &files…"), self.choose_files,
                                          shortcut=QKeySequence.StandardKey.Open,
                                          tip=self.tr("Choose files to upload"))
        self.act_add_folder = self._action("add-folder", self.tr("Add f&older…"), self.choose_folder,
                                           shortcut="Ctrl+Shift+O", tip=self.tr("Choose a folder to upload"))
        self.act_paste = self._action("paste", self.tr("&Paste files"), self.paste,
                                      shortcut=QKeySequence.StandardKey.Paste,
                                      tip=self.tr("Upload files copied in your file manager"))
        self.act_settings = self._action("settings", self.tr("&Settings…"), self.open_settings,
                                         shortcut=QKeySequence.StandardKey.Preferences)
        if self.act_settings.shortcut().isEmpty():
            self.act_settings.setShortcut(QKeySequence("Ctrl+,"))
        self.act_quit = self._action("quit", self.tr("&Quit"), self.quit_app, shortcut=QKeySequence.StandardKey.Quit)
        if self.act_quit.shortcut().isEmpty():
            self.act_quit.setShortcut(QKeySequence("Ctrl+Q"))

        self.act_pause_all = self._action("pause", self.tr("Pause all"), lambda: self._control("pause", None),
                                          tip=self.tr("Pause every waiting and running upload"))
        self.act_resume_all = self._action("resume", self.tr("Resume all"), lambda: self._control("resume", None),
                                           tip=self.tr("Continue every paused upload"))
        self.act_retry_failed = self._action("retry", self.tr("Retry failed"), self.retry_failed,
                                             tip=self.tr("Try every failed upload again"))
        self.act_cancel_all = self._action("cancel", self.tr("Cancel all"), self.cancel_all,
                                           tip=self.tr("Stop every upload that has not finished"))
        self.act_clear_finished = self._action("done", self.tr("Clear finished"), self.clear_finished,
                                               tip=self.tr("Take uploaded and cancelled files off the list"))

        self.act_details = self._action("details", self.tr("&Details…"), self.show_details)
        self.act_details.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_pause = self._action("pause", self.tr("&Pause"), lambda: self._control("pause"))
        self.act_resume = self._action("resume", self.tr("&Resume"), lambda: self._control("resume"))
        self.act_retry = self._action("retry", self.tr("&Try again"), lambda: self._control("retry"))
        self.act_cancel = self._action("cancel", self.tr("&Cancel upload"), lambda: self._control("cancel"))
        self.act_remove = self._action("remove", self.tr("Re&move from list"), self.remove_selected,
                                       shortcut=QKeySequence.StandardKey.Delete)
        self.act_open_folder = self._action("open-folder", self.tr("&Open containing folder"),
                                            self.open_containing_folder)
        self.act_copy_key = self._action("copy", self.tr("Copy &destination key"), self.copy_keys,
                                         shortcut=QKeySequence.StandardKey.Copy)
        self.act_copy_url = self._action("copy", self.tr("Copy object &address"), self.copy_urls)
        self._row_actions = [self.act_details, self.act_pause, self.act_resume, self.act_retry, self.act_cancel,
                             self.act_remove, self.act_open_folder, self.act_copy_key, self.act_copy_url]

        self.act_history_copy_key = self._action("copy", self.tr("Copy &destination key"), self.copy_history_keys,
                                                 shortcut=QKeySequence.StandardKey.Copy)
        self.act_history_copy_url = self._action("copy", self.tr("Copy object &address"), self.copy_history_urls)
        self.act_history_open_folder = self._action("open-folder", self.tr("&Open containing folder"),
                                                    self.open_history_folder)

    def _build_ui(self) -> None:
        file_menu = self.menuBar().addMenu(self.tr("&File"))
        for action in (self.act_add_files, self.act_add_folder, self.act_paste):
            file_menu.addAction(action)
        file_menu.addSeparator()
        file_menu.addAction(self.act_settings)
        file_menu.addSeparator()
        file_menu.addAction(self.act_quit)
        uploads_menu = self.menuBar().addMenu(self.tr("&Uploads"))
        for action in (self.act_pause_all, self.act_resume_all, self.act_retry_failed, self.act_cancel_all):
            uploads_menu.addAction(action)
        uploads_menu.addSeparator()
        uploads_menu.addAction(self.act_clear_finished)
        self.selected_menu = self.menuBar().addMenu(self.tr("&Selected"))
        self._fill_row_menu(self.selected_menu)

        toolbar = QToolBar(self.tr("Main toolbar"), self)
        toolbar.setObjectName("mainToolbar")
        toolbar.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        toolbar.setMovable(False)
        for action in (self.act_pause_all, self.act_resume_all, self.act_retry_failed):
            toolbar.addAction(action)
        toolbar.addSeparator()
        toolbar.addAction(self.act_clear_finished)
        spacer = QWidget()
        spacer.setSizePolicy(spacer.sizePolicy().Policy.Expanding, spacer.sizePolicy().Policy.Preferred)
        toolbar.addWidget(spacer)
        toolbar.addAction(self.act_settings)
        self.addToolBar(toolbar)

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

        self.view = QTableView()
        self.view.setObjectName("queueView")
        self.view.setAccessibleName(self.tr("Upload queue"))
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.view))
        self._setup_table(self.view)
        header = self.view.horizontalHeader()
        for column, width in ((Column.NAME, 200), (Column.PROGRESS, 120), (Column.STATE, 380),
                              (Column.SPEED, 90), (Column.TIME_LEFT, 80)):
            header.resizeSection(column, width)
        self.view.activated.connect(lambda _index: self.show_details())
        self.view.customContextMenuRequested.connect(self._queue_menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self._update_actions())
        for action in self._row_actions:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        self.tabs.addTab(self.view, icon("add-file"), self.tr("&Queue"))

        history_page = QWidget()
        history_layout = QVBoxLayout(history_page)
        history_layout.setContentsMargins(0, 6, 0, 0)
        self.history_search = QLineEdit()
        self.history_search.setPlaceholderText(self.tr("Search uploaded files by name or destination"))
        self.history_search.setAccessibleName(self.tr("Search history"))
        self.history_search.setClearButtonEnabled(True)
        self.history_search.textChanged.connect(self._history_search_changed)
        history_layout.addWidget(self.history_search)
        self.history_note = QLabel()
        self.history_note.setWordWrap(True)
        self.history_note.setVisible(False)
        history_layout.addWidget(self.history_note)
        # Searching the whole history waits for a pause in typing, so each keystroke stays instant.
        self._history_timer = QTimer(self)
        self._history_timer.setSingleShot(True)
        self._history_timer.setInterval(250)
        self._history_timer.timeout.connect(self._search_all_history)
        self._history_total = 0  # uploads in the database, of which the newest few are loaded
        self._history_searched = False  # the loaded entries are a search result, not the newest uploads
        self.history_view = QTableView()
        self.history_view.setObjectName("historyView")
        self.history_view.setAccessibleName(self.tr("Uploaded files"))
        self.history_view.setModel(self.history_filter)
        self._setup_table(self.history_view)
        self.history_view.horizontalHeader().resizeSection(0, 260)
        self.history_view.customContextMenuRequested.connect(self._history_menu)
        for action in (self.act_history_copy_key, self.act_history_copy_url, self.act_history_open_folder):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.history_view.addAction(action)
        history_layout.addWidget(self.history_view, 1)
        self.tabs.addTab(history_page, icon("history"), self.tr("&History"))
        self.setCentralWidget(central)

        status = self.statusBar()
        self.total_progress = QProgressBar()
        self.total_progress.setAccessibleName(self.tr("Total progress"))
        self.total_progress.setRange(0, 1000)
        self.total_progress.setMaximumWidth(220)
        self.total_progress.setFormat("%p %")
        self.status_label = QLabel()
        self.status_label.setAccessibleName(self.tr("Upload status"))
        status.addPermanentWidget(self.status_label, 1)
        status.addPermanentWidget(self.total_progress)
        self.view.setFocus()
        self._update_setup_banner()

    @staticmethod
    def _setup_table(view: QTableView) -> None:
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setWordWrap(False)
        view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        view.verticalHeader().setVisible(False)
        # Fixed row heights: the view never measures 10,000 rows to lay them out.
        view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
        view.horizontalHeader().setStretchLastSection(True)
        view.horizontalHeader().setHighlightSections(False)

    def _fill_row_menu(self, menu: QMenu) -> None:
        menu.addAction(self.act_details)
        menu.addAction(self.act_open_folder)
        menu.addAction(self.act_copy_key)
        menu.addAction(self.act_copy_url)
        menu.addSeparator()
        for action in (self.act_pause, self.act_resume, self.act_retry, self.act_cancel, self.act_remove):
            menu.addAction(action)

    def _build_tray(self) -> None:
        self.tray: QSystemTrayIcon | None = None
        if not QSystemTrayIcon.isSystemTrayAvailable():
            return
        tray = QSystemTrayIcon(icon("app"), self)
        menu = QMenu(self)
        show = menu.addAction(self.tr("Show window"))
        show.triggered.connect(self.show_window)
        menu.addSeparator()
        menu.addAction(self.act_pause_all)
        menu.addAction(self.act_resume_all)
        menu.addSeparator()
        menu.addAction(self.act_quit)
        tray.setContextMenu(menu)
        tray.activated.connect(self._tray_activated)
        tray.setToolTip(self.tr("Desktop Uploader"))
        tray.show()
        self.tray = tray

    # -- profile ------------------------------------------------------------------------------------
    def effective_config(self) -> Config:
        """What uploads use: the user's settings with the admin's locked values laid over them."""
        return self._effective

    def current_profile(self) -> Profile | None:
        try:
            return self.effective_config().get(self._profile_name)
        except ConfigError:
            return None

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
        self.statusBar().showMessage(self.tr("Adding {count} item(s)…").format(count=len(paths)))
        self.adds.submit(functools.partial(self.engine.add_paths, list(paths), profile.name, keys=keys),
                         on_result=self._on_added, on_error=self._on_task_error)
        return True

    def _on_added(self, result: AddResult) -> None:
        # New files get their rows from the QUEUED events, slice by slice; files queued before (a failed
        # file dropped again) are refreshed here in case they are not shown yet.
        self.model.add_jobs(result.resumed)
        self.last_problems = list(result.problems)
        if result.problems:
            names = "\n".join(f"{p.path}: {p.reason}" for p in result.problems[:20])
            self.statusBar().showMessage(
                self.tr("{count} item(s) were skipped. Hover here for the list.").format(
                    count=len(result.problems)), 15000)
            self.statusBar().setToolTip(names)
        else:
            self.statusBar().showMessage(
                self.tr("Added {count} file(s).").format(count=len(result.jobs) + len(result.resumed)), 5000)
        self._update_status()
        self.adding_finished.emit(result)

    def _on_adding(self, busy: bool) -> None:
        self.drop_zone.label.setText(self.tr("Adding files…") if busy else
                                     self.tr("Drop files or folders here to upload them"))

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
            self.statusBar().showMessage(self.tr("The clipboard holds no files to upload."), 5000)
            return
        self.add_paths(paths)

    # -- drag and drop ------------------------------------------------------------------------------
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
        history = self.engine.history(limit=self.history_model.limit)
        return unfinished, history, self.engine.counts().get(JobState.DONE, 0)

    def _on_loaded(self, loaded: tuple[list[Job], list[Job], int]) -> None:
        unfinished, history, done_total = loaded
        self.model.add_jobs(unfinished)
        self.history_model.set_entries([HistoryEntry.from_job(j) for j in history])
        self._history_total = done_total
        self._update_history_note()
        self.is_loaded = True
        self._update_status()
        self.loaded.emit()

    def _on_events(self, events: list[Event]) -> None:
        done, unknown = self.model.apply_events(events)
        if done:
            self._history_total += len(done)
            self.history_model.prepend([HistoryEntry(r.job_id, r.path, r.size, r.key, r.profile,
                                                     r.finished_at or 0.0) for r in done])
            self._update_history_note()
        removed = {e.job_id for e in events if e.kind is EventKind.REMOVED and e.job_id is not None}
        if removed:
            self.history_model.remove_ids(removed)
        for event in events:
            if event.kind is EventKind.DONE:
                self._since_idle["done"] += 1
            elif event.kind is EventKind.FAILED:
                self._since_idle["failed"] += 1
            elif event.kind is EventKind.IDLE:
                self._batch_finished()
        if unknown and self.is_loaded:
            self.ops.submit(lambda: [j for j in (self.engine.job(i) for i in unknown) if j is not None],
                            on_result=self._on_fetched)
        self._update_status()
        self._update_actions()

    def _on_fetched(self, jobs: list[Job]) -> None:
        self.model.add_jobs([j for j in jobs if j.state is not JobState.DONE])
        self.history_model.prepend([HistoryEntry.from_job(j) for j in jobs if j.state is JobState.DONE])
        self._update_status()

    def _on_progress(self, latest: dict[int, Event]) -> None:
        self.model.apply_progress(latest)
        self._update_status()

    def _batch_finished(self) -> None:
        done, failed = self._since_idle["done"], self._since_idle["failed"]
        self._since_idle = {"done": 0, "failed": 0}
        if not done and not failed:
            return
        if failed:
            title = self.tr("Some uploads failed")
            text = self.tr("{done} uploaded, {failed} failed. Open the window for details.").format(
                done=done, failed=failed)
            kind = QSystemTrayIcon.MessageIcon.Warning
        else:
            title = self.tr("Uploads finished")
            text = self.tr("{done} file(s) uploaded.").format(done=done)
            kind = QSystemTrayIcon.MessageIcon.Information
        self.last_notification = (title, text)
        if self.tray is not None:
            self.tray.showMessage(title, text, kind, 8000)
        else:
            self.statusBar().showMessage(text, 15000)
            QApplication.alert(self)

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
        totals = self.model.totals()
        counts = totals.counts
        done = counts[JobState.DONE]
        failed = counts[JobState.FAILED]
        countable = totals.files - counts[JobState.CANCELLED]
        parts = [self.tr("{done} of {total} uploaded").format(done=done, total=countable)]
        if failed:
            parts.append(self.tr("{failed} failed").format(failed=failed))
        if counts[JobState.PAUSED]:
            parts.append(self.tr("{paused} paused").format(paused=counts[JobState.PAUSED]))
        if totals.speed > 0:
            parts.append(format_speed(totals.speed))
            left = max(0, totals.total_bytes - totals.sent_bytes) / totals.speed
            parts.append(self.tr("about {time} left").format(time=format_duration(left)))
        elif totals.total_bytes:
            parts.append(self.tr("{sent} of {total}").format(sent=format_size(totals.sent_bytes),
                                                             total=format_size(totals.total_bytes)))
        text = " · ".join(parts)
        self.status_label.setText(text)
        fraction = totals.sent_bytes / totals.total_bytes if totals.total_bytes else (1.0 if done else 0.0)
        self.total_progress.setValue(int(fraction * 1000))
        if self.tray is not None:
            self.tray.setToolTip(self.tr("Desktop Uploader – {percent} %: {status}").format(
                percent=int(fraction * 100), status=text))

    def _update_actions(self) -> None:
        rows = self.selected_rows()
        states = {r.state for r in rows}
        has = bool(rows)
        self.act_details.setEnabled(len(rows) == 1)
        self.act_pause.setEnabled(bool(states & {JobState.QUEUED, JobState.SIGNING, JobState.UPLOADING}))
        self.act_resume.setEnabled(JobState.PAUSED in states)
        self.act_retry.setEnabled(bool(states & {JobState.FAILED, JobState.CANCELLED}))
        self.act_cancel.setEnabled(bool(states - {JobState.DONE, JobState.CANCELLED}))
        self.act_remove.setEnabled(has)
        self.act_open_folder.setEnabled(len(rows) == 1)
        self.act_copy_key.setEnabled(has)
        self.act_copy_url.setEnabled(has and object_url(self._profile_of(rows[0]), rows[0].key) is not None)

    # -- selection and row actions ------------------------------------------------------------------
    def selected_rows(self) -> list[Row]:
        selection = self.view.selectionModel()
        if selection is None:
            return []
        indexes = sorted(i.row() for i in selection.selectedRows())
        if not indexes:
            current = self.view.currentIndex()
            if current.isValid() and selection.isSelected(current):
                indexes = [current.row()]
        return [self.model.row_at(i) for i in indexes if i < self.model.rowCount()]

    def select_job(self, job_id: int) -> None:
        row = self.model.row_of(job_id)
        if row is None:
            return
        self.view.selectRow(row)
        self.view.setCurrentIndex(self.model.index(row, 0))

    def _control(self, verb: str, job_ids: list[int] | str | None = "selected") -> None:
        ids: list[int] | None
        if job_ids == "selected":
            ids = [r.job_id for r in self.selected_rows()]
            if not ids:
                return
        else:
            ids = job_ids if isinstance(job_ids, list) else None
        method: Callable[[Sequence[int] | None], list[int]] = getattr(self.engine, verb)
        self.ops.submit(method, ids, on_error=self._on_task_error)

    def retry_failed(self) -> None:
        self._control("retry", self.model.job_ids((JobState.FAILED,)))

    def cancel_all(self) -> None:
        if self.model.totals().in_flight + self.model.totals().counts[JobState.PAUSED] == 0:
            return
        answer = QMessageBox.question(self, self.tr("Cancel all uploads?"),
                                      self.tr("Stop every upload that has not finished?"))
        if answer == QMessageBox.StandardButton.Yes:
            self._control("cancel", None)

    def remove_selected(self) -> None:
        ids = [r.job_id for r in self.selected_rows()]
        if ids:
            self.ops.submit(self.engine.remove, ids, on_error=self._on_task_error)

    def clear_finished(self) -> None:
        done = self.model.job_ids((JobState.DONE,))
        cancelled = self.model.job_ids((JobState.CANCELLED,))
        # Uploaded files stay in the history (the queue database); cancelled ones are forgotten.
        self.model.remove_ids(done)
        if cancelled:
            self.ops.submit(self.engine.remove, cancelled, on_error=self._on_task_error)
        self._update_status()

    def show_details(self, job_id: int | None = None) -> DetailsDialog | None:
        if job_id is None:
            rows = self.selected_rows()
            if not rows:
                current = self.view.currentIndex()
                if not current.isValid():
                    return None
                rows = [self.model.row_at(current.row())]
            row: Row | None = rows[0]
        else:
            row = self.model.get(job_id)
        if row is None:
            return None
        dialog = DetailsDialog(row, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.retry_requested.connect(lambda jid: self._control("retry", [jid]))
        self.details_dialog = dialog
        dialog.open()
        return dialog

    def open_containing_folder(self) -> None:
        rows = self.selected_rows()
        if rows:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(rows[0].path)))

    def copy_keys(self) -> None:
        rows = self.selected_rows()
        if rows:
            QGuiApplication.clipboard().setText("\n".join(r.key for r in rows))

    def _profile_of(self, row: Row | HistoryEntry) -> Profile | None:
        return self.effective_config().profiles.get(row.profile) if row.profile else self.current_profile()

    def copy_urls(self) -> None:
        urls = [object_url(self._profile_of(r), r.key) for r in self.selected_rows()]
        if urls and all(urls):
            QGuiApplication.clipboard().setText("\n".join(u for u in urls if u))

    def _queue_menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.view.selectRow(index.row())
        self._update_actions()
        menu = QMenu(self)
        self._fill_row_menu(menu)
        menu.popup(self.view.viewport().mapToGlobal(pos))

    # -- history ------------------------------------------------------------------------------------
    def _history_search_changed(self, text: str) -> None:
        self.history_filter.set_search(text)  # at once, over what is loaded
        if self._history_total > self.history_model.rowCount() or self._history_searched:
            self._history_timer.start()  # then over the whole history

    def _search_all_history(self) -> None:
        text = self.history_search.text().strip()
        self.ops.submit(lambda: self.engine.history(text, limit=self.history_model.limit),
                        on_result=lambda jobs: self._on_history_found(text, jobs), on_error=self._on_task_error)

    def _on_history_found(self, text: str, jobs: list[Job]) -> None:
        if text != self.history_search.text().strip():
            return  # typing went on; a newer search is on its way
        self.history_model.set_entries([HistoryEntry.from_job(j) for j in jobs])
        self._history_searched = bool(text)
        self._update_history_note()

    def _update_history_note(self) -> None:
        shown = self.history_model.rowCount()
        text = ""
        if self._history_total > shown and not self._history_searched:
            text = self.tr("Showing the newest {shown} of {total} uploaded files; the search looks through all "
                           "of them.").format(shown=shown, total=self._history_total)
        elif self._history_searched and shown >= self.history_model.limit:
            text = self.tr("Showing the first {shown} matches; type more of the name to narrow the search.") \
                .format(shown=shown)
        self.history_note.setText(text)
        self.history_note.setVisible(bool(text))

    def selected_history(self) -> list[HistoryEntry]:
        selection = self.history_view.selectionModel()
        rows = sorted({self.history_filter.mapToSource(i).row() for i in selection.selectedRows()})
        return [self.history_model.entry(r) for r in rows if r >= 0]

    def copy_history_keys(self) -> None:
        entries = self.selected_history()
        if entries:
            QGuiApplication.clipboard().setText("\n".join(e.key for e in entries))

    def copy_history_urls(self) -> None:
        urls = [object_url(self._profile_of(e), e.key) for e in self.selected_history()]
        if urls and all(urls):
            QGuiApplication.clipboard().setText("\n".join(u for u in urls if u))
        elif urls:
            self.statusBar().showMessage(
                self.tr("No address can be worked out for uploads made through a signing service."), 8000)

    def open_history_folder(self) -> None:
        entries = self.selected_history()
        if entries:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(entries[0].path)))

    def _history_menu(self, pos: QPoint) -> None:
        menu = QMenu(self)
        for action in (self.act_history_copy_key, self.act_history_copy_url, self.act_history_open_folder):
            menu.addAction(action)
        menu.popup(self.history_view.viewport().mapToGlobal(pos))

    # -- settings -----------------------------------------------------------------------------------
    def open_settings(self) -> bool:
        dialog = SettingsDialog(self.config, self.secrets, self, locked=self.locked)
        try:
            accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        finally:
            dialog.deleteLater()  # a child of the window: without this each opening would stay in memory
        if accepted:
            # Signers hold credentials and URLs; the next upload must use the saved ones.
            self.ops.submit(self.engine.reload_signers)
            self._effective = effective = effective_config(self.config, self.locked)
            rate_kib = int(effective.settings.get(SETTING_RATE_LIMIT, 0) or 0)
            self.engine.set_rate_limit(rate_kib * 1024 if rate_kib > 0 else None)
            if self._profile_name and self._profile_name not in effective.profiles:
                self._profile_name = None
            chosen = self.current_profile()
            if chosen is not None:
                self.engine.set_concurrency(chosen.concurrency)
        self._update_setup_banner()
        self._update_actions()
        return accepted

    # -- window and tray ----------------------------------------------------------------------------
    @property
    def close_to_tray(self) -> bool:
        return bool(self._effective.settings.get(SETTING_CLOSE_TO_TRAY, True))

    def show_window(self) -> None:
        self.showNormal()
        self.raise_()
        self.activateWindow()

    def _tray_activated(self, reason: QSystemTrayIcon.ActivationReason) -> None:
        if reason in (QSystemTrayIcon.ActivationReason.Trigger, QSystemTrayIcon.ActivationReason.DoubleClick):
            if self.isVisible():
                self.hide()
            else:
                self.show_window()

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
                self.tray.showMessage(self.tr("Still uploading"),
                                      self.tr("Uploads continue in the background. Use the tray icon to "
                                              "open the window or quit."),
                                      QSystemTrayIcon.MessageIcon.Information, 6000)
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
        self.bridge.close()
        self.adds.shutdown(wait=True)
        self.ops.shutdown(wait=True)
        if self.tray is not None:
            self.tray.hide()
