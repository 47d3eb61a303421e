"""The Queue tab: the files being uploaded, and what can be done to them one by one or all at once."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

from PySide6.QtCore import QModelIndex, QPoint, Qt, QTimer, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QMenu, QMessageBox, QTableView, QVBoxLayout, QWidget

from desktop_uploader.core.config import Profile
from desktop_uploader.core.engine import Engine
from desktop_uploader.core.models import JobState
from desktop_uploader.gui.details_dialog import DetailsDialog
from desktop_uploader.gui.links import LinkActions, Uploaded
from desktop_uploader.gui.queue_model import Column, ProgressDelegate, QueueModel, Row
from desktop_uploader.gui.tasks import ErrorCallback, TaskRunner
from desktop_uploader.gui.widgets import make_action, setup_table, size_columns


class QueueTab(QWidget):
    totals_changed = Signal()  # rows left the list without an event from the engine

    def __init__(self, model: QueueModel, engine: Engine, ops: TaskRunner, *,
                 profile_of: Callable[[Row], Profile | None], on_error: ErrorCallback,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = model
        self.engine = engine
        self.ops = ops
        self._profile_of = profile_of
        self._on_error = on_error
        self.details_dialog: DetailsDialog | None = None
        self._build_actions()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.view = QTableView()
        self.view.setObjectName("queueView")
        self.view.setAccessibleName(self.tr("Upload queue"))
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(Column.PROGRESS, ProgressDelegate(self.view))
        setup_table(self.view)
        size_columns(self.view, {Column.NAME: 200, Column.PROGRESS: 120, Column.STATE: 380, Column.SPEED: 90,
                                 Column.TIME_LEFT: 80})
        self.view.activated.connect(lambda _index: self.show_details())
        # New rows come into view: the first of a batch just added is scrolled to, once per batch.
        self._first_new: int | None = None
        self._scroll = QTimer(self)
        self._scroll.setSingleShot(True)
        self._scroll.setInterval(0)
        self._scroll.timeout.connect(self._show_new_rows)
        self.model.rowsInserted.connect(self._rows_added)
        self.view.customContextMenuRequested.connect(self._menu)
        self.view.selectionModel().selectionChanged.connect(lambda *_: self.update_actions())
        for action in self.row_actions:
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            self.view.addAction(action)
        layout.addWidget(self.view)

    def _rows_added(self, _parent: QModelIndex, first: int, _last: int) -> None:
        self._first_new = first if self._first_new is None else min(self._first_new, first)
        self._scroll.start()

    def _show_new_rows(self) -> None:
        if self._first_new is not None and self._first_new < self.model.rowCount():
            self.view.scrollTo(self.model.index(self._first_new, 0), QAbstractItemView.ScrollHint.PositionAtTop)
        self._first_new = None

    def _build_actions(self) -> None:
        self.act_pause_all = make_action(self, "pause", self.tr("Pause all"), lambda: self.control("pause", None),
                                         tip=self.tr("Pause every waiting and running upload"))
        self.act_resume_all = make_action(self, "resume", self.tr("Resume all"),
                                          lambda: self.control("resume", None),
                                          tip=self.tr("Continue every paused upload"))
        self.act_retry_failed = make_action(self, "retry", self.tr("Retry failed"), self.retry_failed,
                                            tip=self.tr("Try every failed upload again"))
        self.act_cancel_all = make_action(self, "cancel", self.tr("Cancel all"), self.cancel_all,
                                          tip=self.tr("Stop every upload that has not finished"))
        self.act_clear_finished = make_action(self, "done", self.tr("Clear finished"), self.clear_finished,
                                              tip=self.tr("Take uploaded and cancelled files off the list"))

        self.act_details = make_action(self, "details", self.tr("&Details…"), self.show_details)
        self.act_details.setShortcuts([QKeySequence(Qt.Key.Key_Return), QKeySequence(Qt.Key.Key_Enter)])
        self.act_pause = make_action(self, "pause", self.tr("&Pause"), lambda: self.control("pause"))
        self.act_resume = make_action(self, "resume", self.tr("&Resume"), lambda: self.control("resume"))
        self.act_retry = make_action(self, "retry", self.tr("&Try again"), lambda: self.control("retry"))
        self.act_cancel = make_action(self, "cancel", self.tr("&Cancel upload"), lambda: self.control("cancel"))
        self.act_remove = make_action(self, "remove", self.tr("Re&move from list"), self.remove_selected,
                                      shortcut=QKeySequence.StandardKey.Delete)
        self.act_open_folder = make_action(self, "open-folder", self.tr("&Open containing folder"),
                                           self.open_containing_folder)
        self.act_copy_key = make_action(self, "copy", self.tr("Copy &destination key"), self.copy_keys,
                                        shortcut=QKeySequence.StandardKey.Copy)
        self.links = LinkActions(self, self.ops, self._uploaded_selection, on_error=self._on_error)
        self.row_actions = [self.act_details, self.act_pause, self.act_resume, self.act_retry, self.act_cancel,
                            self.act_remove, self.act_open_folder, self.act_copy_key, self.links.act_copy,
                            self.links.act_open]

    def fill_row_menu(self, menu: QMenu) -> None:
        menu.addAction(self.act_details)
        menu.addAction(self.act_open_folder)
        menu.addAction(self.act_copy_key)
        menu.addAction(self.links.act_copy)
        menu.addAction(self.links.act_open)
        menu.addSeparator()
        for action in (self.act_pause, self.act_resume, self.act_retry, self.act_cancel, self.act_remove):
            menu.addAction(action)

    def update_actions(self) -> None:
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
        self.links.update()

    # -- selection ----------------------------------------------------------------------------------
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

    # -- what can be done to the uploads ------------------------------------------------------------
    def control(self, verb: str, job_ids: list[int] | str | None = "selected") -> None:
        """Pause, resume, retry or cancel the selected uploads, the given ones, or (None) all of them."""
        ids: list[int] | None
        if job_ids == "selected":
            ids = [r.job_id for r in self.selected_rows()]
            if not ids:
                return
        else:
            ids = job_ids if isinstance(job_ids, list) else None
        method: Callable[[Sequence[int] | None], list[int]] = getattr(self.engine, verb)
        self.ops.submit(method, ids, on_error=self._on_error)

    def retry_failed(self) -> None:
        self.control("retry", self.model.job_ids((JobState.FAILED,)))

    def cancel_all(self) -> None:
        if self.model.totals().in_flight + self.model.totals().counts[JobState.PAUSED] == 0:
            return
        answer = QMessageBox.question(self.window(), self.tr("Cancel all uploads?"),
                                      self.tr("Stop every upload that has not finished?"))
        if answer == QMessageBox.StandardButton.Yes:
            self.control("cancel", None)

    def remove_selected(self) -> None:
        ids = [r.job_id for r in self.selected_rows()]
        if ids:
            self.ops.submit(self.engine.remove, ids, on_error=self._on_error)

    def clear_finished(self) -> None:
        done = self.model.job_ids((JobState.DONE,))
        cancelled = self.model.job_ids((JobState.CANCELLED,))
        # Uploaded files stay in the history (the queue database); cancelled ones are forgotten.
        self.model.remove_ids(done)
        if cancelled:
            self.ops.submit(self.engine.remove, cancelled, on_error=self._on_error)
        self.totals_changed.emit()

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
        dialog = DetailsDialog(row, self.window(), profile=self._profile_of(row))
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.retry_requested.connect(lambda jid: self.control("retry", [jid]))
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

    def _uploaded_selection(self) -> list[Uploaded]:
        return [Uploaded(self._profile_of(r), r.key, r.url, r.state is JobState.DONE) for r in self.selected_rows()]

    def _menu(self, pos: QPoint) -> None:
        index = self.view.indexAt(pos)
        if index.isValid() and not self.view.selectionModel().isRowSelected(index.row(), QModelIndex()):
            self.view.selectRow(index.row())
        self.update_actions()
        menu = QMenu(self.window())
        self.fill_row_menu(menu)
        menu.popup(self.view.viewport().mapToGlobal(pos))
