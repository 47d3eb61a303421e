"""The History tab: uploaded files, the newest at hand and all of them searchable, with their keys and
addresses to copy."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QDate, QDateTime, QLocale, QPoint, Qt, QTime, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QLabel, QLineEdit, QMenu, QTableView, QVBoxLayout, QWidget

from desktop_uploader.core.config import Profile
from desktop_uploader.core.engine import Engine
from desktop_uploader.core.models import Job
from desktop_uploader.gui.history import HistoryColumn, HistoryEntry, HistoryFilter, HistoryModel
from desktop_uploader.gui.links import LinkActions, Uploaded
from desktop_uploader.gui.tasks import ErrorCallback, TaskRunner
from desktop_uploader.gui.widgets import make_action, setup_table, size_columns


class HistoryTab(QWidget):
    status_message = Signal(str, int)  # text for the window's status bar, and for how many milliseconds

    def __init__(self, engine: Engine, ops: TaskRunner, *,
                 profile_of: Callable[[HistoryEntry], Profile | None], on_error: ErrorCallback,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.ops = ops
        self._profile_of = profile_of
        self._on_error = on_error
        self.model = HistoryModel(self)
        self.filter = HistoryFilter(self)
        self.filter.setSourceModel(self.model)
        self._total = 0  # uploads in the database, of which the newest few are loaded
        self._searched = False  # the loaded entries are a search result, not the newest uploads
        self.act_copy_key = make_action(self, "copy", self.tr("Copy &destination key"), self.copy_keys,
                                        shortcut=QKeySequence.StandardKey.Copy)
        self.links = LinkActions(self, ops, self._uploaded_selection, on_error=on_error)
        self.act_open_folder = make_action(self, "open-folder", self.tr("&Open containing folder"),
                                           self.open_folder)
        self._build_ui()

    def _build_ui(self) -> None:
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        self.search = QLineEdit()
        self.search.setPlaceholderText(self.tr("Search uploaded files by name or destination"))
        self.search.setAccessibleName(self.tr("Search history"))
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self._search_changed)
        layout.addWidget(self.search)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setVisible(False)
        layout.addWidget(self.note)
        # Searching the whole history waits for a pause in typing, so each keystroke stays instant.
        self._search_timer = QTimer(self)
        self._search_timer.setSingleShot(True)
        self._search_timer.setInterval(250)
        self._search_timer.timeout.connect(self._search_all)
        self.view = QTableView()
        self.view.setObjectName("historyView")
        self.view.setAccessibleName(self.tr("Uploaded files"))
        self.view.setModel(self.filter)
        setup_table(self.view)
        # Wide enough for a date and time in this language, the longest a short date gets (31 December, 22:59).
        sample = QLocale().toString(QDateTime(QDate(2026, 12, 31), QTime(22, 59, 59)), QLocale.FormatType.ShortFormat)
        size_columns(self.view, {HistoryColumn.NAME: 260, HistoryColumn.SIZE: 80,
                                 HistoryColumn.FINISHED: self.view.fontMetrics().horizontalAdvance(sample + "MM") + 16})
        self.view.customContextMenuRequested.connect(self._menu)
        for action in (self.act_copy_key, self.links.act_copy, self.links.act_open, self.act_open_folder):
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.links.update())
        self.view.doubleClicked.connect(lambda _index: self.links.open())
        layout.addWidget(self.view, 1)

    # -- what the engine reports --------------------------------------------------------------------
    def show_loaded(self, newest: list[Job], total: int) -> None:
        """The newest uploads as read at start, and how many there are in all."""
        self.model.set_entries([HistoryEntry.from_job(j) for j in newest])
        self._total = total
        self._update_note()

    def add_uploaded(self, entries: Sequence[HistoryEntry]) -> None:
        """Uploads that just finished."""
        self._total += len(entries)
        self.model.prepend(entries)
        self._update_note()

    def add_found(self, jobs: Sequence[Job]) -> None:
        """Finished uploads that were missed while the window was starting."""
        self.model.prepend([HistoryEntry.from_job(j) for j in jobs])

    def remove_ids(self, job_ids: set[int]) -> None:
        self.model.remove_ids(job_ids)

    # -- searching ----------------------------------------------------------------------------------
    def _search_changed(self, text: str) -> None:
        self.filter.set_search(text)  # at once, over what is loaded
        if self._total > self.model.rowCount() or self._searched:
            self._search_timer.start()  # then over the whole history

    def _search_all(self) -> None:
        text = self.search.text().strip()
        self.ops.submit(lambda: self.engine.history(text, limit=self.model.limit),
                        on_result=lambda jobs: self._on_found(text, jobs), on_error=self._on_error)

    def _on_found(self, text: str, jobs: list[Job]) -> None:
        if text != self.search.text().strip():
            return  # typing went on; a newer search is on its way
        self.model.set_entries([HistoryEntry.from_job(j) for j in jobs])
        self._searched = bool(text)
        self._update_note()

    def _update_note(self) -> None:
        shown = self.model.rowCount()
        text = ""
        if self._total > shown and not self._searched:
            text = self.tr("Showing the newest {shown} of {total} uploaded files; the search looks through all "
                           "of them.").format(shown=shown, total=self._total)
        elif self._searched and shown >= self.model.limit:
            text = self.tr("Showing the first {shown} matches; type more of the name to narrow the search.") \
                .format(shown=shown)
        self.note.setText(text)
        self.note.setVisible(bool(text))

    # -- what can be done with them -----------------------------------------------------------------
    def selected_entries(self) -> list[HistoryEntry]:
        selection = self.view.selectionModel()
        rows = sorted({self.filter.mapToSource(i).row() for i in selection.selectedRows()})
        return [self.model.entry(r) for r in rows if r >= 0]

    def copy_keys(self) -> None:
        entries = self.selected_entries()
        if entries:
            QGuiApplication.clipboard().setText("\n".join(e.key for e in entries))

    def _uploaded_selection(self) -> list[Uploaded]:
        return [Uploaded(self._profile_of(e), e.key, e.url, True) for e in self.selected_entries()]

    def open_folder(self) -> None:
        entries = self.selected_entries()
        if entries:
            QDesktopServices.openUrl(QUrl.fromLocalFile(os.path.dirname(entries[0].path)))

    def _menu(self, pos: QPoint) -> None:
        self.links.update()
        menu = QMenu(self.window())
        for action in (self.links.act_copy, self.links.act_open, self.act_copy_key, self.act_open_folder):
            menu.addAction(action)
        menu.popup(self.view.viewport().mapToGlobal(pos))
