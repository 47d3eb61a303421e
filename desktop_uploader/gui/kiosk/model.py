"""The kiosk's file list: one row per file, its state in plain words, newest first."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QObject, QPersistentModelIndex, Qt

from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.gui.kiosk.controller import KioskController, KioskStatus, NetState, describe_job
from desktop_uploader.gui.queue_model import state_icon

# An icon beside each state, readable from arm's length and without colour.
_STATE_ICONS = {JobState.DONE: "done", JobState.FAILED: "failed", JobState.UPLOADING: "resume",
                JobState.SIGNING: "resume", JobState.QUEUED: "pause", JobState.PAUSED: "pause",
                JobState.CANCELLED: "cancel"}
COLUMN_FILE = 0
COLUMN_STATE = 1
# Finished files from longer ago than this are not listed: the list is about today's work.
SHOW_FINISHED_SECONDS = 24 * 3600
MAX_ROWS = 2000

_Index = QModelIndex | QPersistentModelIndex


class KioskFileModel(QAbstractTableModel):
    def __init__(self, controller: KioskController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._engine = controller.engine
        self._net = controller.net_state
        self._ids: list[int] = []
        self._jobs: dict[int, Job] = {}
        self._percent: dict[int, int] = {}
        self._notes: dict[int, str] = {}
        self.reload()
        controller.jobs_changed.connect(self._on_events)
        controller.progress.connect(self._on_progress)
        controller.status_changed.connect(self._on_status)

    # -- Qt model API -------------------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._ids)

    def columnCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else 2

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return (self.tr("File"), self.tr("State"))[section] if 0 <= section < 2 else None
        return None

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        job = self._jobs[self._ids[index.row()]]
        if role == Qt.ItemDataRole.DisplayRole:
            return Path(job.path).name if index.column() == COLUMN_FILE else self.state_text(job)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{job.path}\n→ {job.key}"
        if role == Qt.ItemDataRole.DecorationRole and index.column() == COLUMN_STATE:
            return state_icon(_STATE_ICONS.get(job.state, "pause"))
        return None

    # -- reading (also for tests) -------------------------------------------------------------------------
    def state_text(self, job: Job) -> str:
        return describe_job(job, self._net, percent=self._percent.get(job.id), note=self._notes.get(job.id, ""))

    def rows(self) -> list[tuple[str, str]]:
        """(file name, state in words) for every row, top to bottom."""
        return [(Path(self._jobs[i].path).name, self.state_text(self._jobs[i])) for i in self._ids]

    def job_at(self, row: int) -> Job:
        return self._jobs[self._ids[row]]

    # -- updates ------------------------------------------------------------------------------------------
    def reload(self) -> None:
        cutoff = time.time() - SHOW_FINISHED_SECONDS
        jobs = [j for j in self._engine.jobs() if self._controller.owns(j) and (
                (j.state is not JobState.DONE and j.state is not JobState.CANCELLED)
                or (j.finished_at or j.updated_at) >= cutoff)]
        jobs.sort(key=lambda j: (j.created_at, j.id), reverse=True)
        self.beginResetModel()
        self._jobs = {j.id: j for j in jobs[:MAX_ROWS]}
        self._ids = [j.id for j in jobs[:MAX_ROWS]]
        self._percent.clear()
        self._notes.clear()
        self.endResetModel()

    def _row_changed(self, job_id: int) -> None:
        row = self._ids.index(job_id)
        self.dataChanged.emit(self.index(row, 0), self.index(row, 1))

    def _on_events(self, events: list[Event]) -> None:
        for event in events:
            jid = event.job_id
            if jid is None:
                continue
            if event.kind is EventKind.REMOVED:
                if jid in self._jobs:
                    row = self._ids.index(jid)
                    self.beginRemoveRows(QModelIndex(), row, row)
                    del self._ids[row]
                    del self._jobs[jid]
                    self.endRemoveRows()
                continue
            if event.kind is EventKind.RETRY:
                wait = event.retry_in or 0
                self._notes[jid] = self.tr("Connection trouble, trying again in {seconds} s").format(
                    seconds=f"{wait:.0f}") if wait >= 1 else self.tr("Trying again")
            else:
                self._notes.pop(jid, None)
            if event.kind is not EventKind.STARTED:
                self._percent.pop(jid, None)
            job = self._engine.job(jid)
            if job is None or not self._controller.owns(job):
                continue
            if jid in self._jobs:
                self._jobs[jid] = job
                self._row_changed(jid)
            else:
                self.beginInsertRows(QModelIndex(), 0, 0)
                self._ids.insert(0, jid)
                self._jobs[jid] = job
                self.endInsertRows()
                if len(self._ids) > MAX_ROWS:
                    last = len(self._ids) - 1
                    self.beginRemoveRows(QModelIndex(), last, last)
                    dropped = self._ids.pop()
                    self._jobs.pop(dropped, None)
                    self.endRemoveRows()

    def _on_progress(self, latest: dict[int, Event]) -> None:
        for jid, event in latest.items():
            if jid not in self._jobs or not event.total:
                continue
            self._percent[jid] = min(100, int(event.bytes_sent * 100 / event.total))
            job = self._jobs[jid]
            if job.state is not JobState.UPLOADING:
                # Progress means bytes are moving; the stored row may still say "signing".
                fresh = self._engine.job(jid)
                if fresh is not None:
                    self._jobs[jid] = fresh
            self._row_changed(jid)

    def _on_status(self, status: KioskStatus) -> None:
        if status.net is not self._net:
            self._net = status.net
            if self._ids:
                self.dataChanged.emit(self.index(0, COLUMN_STATE), self.index(len(self._ids) - 1, COLUMN_STATE))

    @property
    def net(self) -> NetState:
        return self._net
