"""Finished uploads, newest first, searchable by file name or destination."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QDateTime,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)

from desktop_uploader.core.models import Job
from desktop_uploader.gui.queue_model import JOB_ID_ROLE, format_size

ModelIndex = QModelIndex | QPersistentModelIndex


class HistoryColumn(IntEnum):
    NAME = 0
    SIZE = 1
    FINISHED = 2
    PROFILE = 3
    KEY = 4


@dataclass(slots=True)
class HistoryEntry:
    job_id: int
    path: str
    size: int
    key: str
    profile: str
    finished_at: float
    url: str = ""  # the object's address, as its upload link named it

    @classmethod
    def from_job(cls, job: Job) -> HistoryEntry:
        return cls(job.id, job.path, job.size, job.key, job.profile,
                   job.finished_at or job.updated_at or time.time(), job.url)

    @property
    def name(self) -> str:
        return os.path.basename(self.path) or self.path


# The window shows at most this many finished uploads; older ones are found by searching the database.
# A kiosk sends thousands of photos a day, and the whole history would cost seconds and megabytes.
HISTORY_LIMIT = 1000


class HistoryModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None, *, limit: int | None = None) -> None:
        super().__init__(parent)
        self.limit = limit or HISTORY_LIMIT
        self._entries: list[HistoryEntry] = []
        self._ids: set[int] = set()

    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._entries)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(HistoryColumn)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            HistoryColumn.NAME: self.tr("File"),
            HistoryColumn.SIZE: self.tr("Size"),
            HistoryColumn.FINISHED: self.tr("Uploaded"),
            HistoryColumn.PROFILE: self.tr("Sent to"),
            HistoryColumn.KEY: self.tr("Stored as"),
        }.get(HistoryColumn(section))

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._entries):
            return None
        entry = self._entries[index.row()]
        column = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            if column == HistoryColumn.NAME:
                return entry.name
            if column == HistoryColumn.SIZE:
                return format_size(entry.size)
            if column == HistoryColumn.FINISHED:
                when = QDateTime.fromSecsSinceEpoch(int(entry.finished_at))
                return QLocale().toString(when, QLocale.FormatType.ShortFormat)
            if column == HistoryColumn.PROFILE:
                return entry.profile
            if column == HistoryColumn.KEY:
                return entry.key
        if role == Qt.ItemDataRole.ToolTipRole:
            if column == HistoryColumn.FINISHED:
                when = QDateTime.fromSecsSinceEpoch(int(entry.finished_at))
                return QLocale().toString(when, QLocale.FormatType.LongFormat)
            if column == HistoryColumn.KEY and entry.url:
                return f"{entry.key}\n{entry.url}"
            return entry.path if column == HistoryColumn.NAME else entry.key
        if role == JOB_ID_ROLE:
            return entry.job_id
        if role == Qt.ItemDataRole.UserRole:
            # What the search box matches: the whole path, the destination and the name it is stored under.
            return f"{entry.path}\n{entry.profile}\n{entry.key}"
        return None

    def entry(self, row: int) -> HistoryEntry:
        return self._entries[row]

    def set_entries(self, entries: Sequence[HistoryEntry]) -> None:
        self.beginResetModel()
        self._entries = sorted(entries, key=lambda e: (e.finished_at, e.job_id), reverse=True)[:self.limit]
        self._ids = {e.job_id for e in self._entries}
        self.endResetModel()

    def prepend(self, entries: Sequence[HistoryEntry]) -> None:
        fresh = [e for e in entries if e.job_id not in self._ids]
        if not fresh:
            return
        fresh.sort(key=lambda e: (e.finished_at, e.job_id), reverse=True)
        self.beginInsertRows(QModelIndex(), 0, len(fresh) - 1)
        self._entries[0:0] = fresh
        self._ids.update(e.job_id for e in fresh)
        self.endInsertRows()
        if len(self._entries) > self.limit:  # the oldest make room; a search still finds them
            self.beginRemoveRows(QModelIndex(), self.limit, len(self._entries) - 1)
            self._ids.difference_update(e.job_id for e in self._entries[self.limit:])
            del self._entries[self.limit:]
            self.endRemoveRows()

    def remove_ids(self, job_ids: set[int]) -> None:
        if not job_ids & self._ids:
            return
        self.beginResetModel()
        self._entries = [e for e in self._entries if e.job_id not in job_ids]
        self._ids -= job_ids
        self.endResetModel()


class HistoryFilter(QSortFilterProxyModel):
    """Case-insensitive substring search over each entry's path and destination."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._needle = ""

    def set_search(self, text: str) -> None:
        needle = text.strip().casefold()
        if hasattr(self, "beginFilterChange"):  # Qt 6.9 and later
            self.beginFilterChange()
            self._needle = needle
            self.endFilterChange()
        else:
            self._needle = needle
            self.invalidateRowsFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: ModelIndex) -> bool:
        if not self._needle:
            return True
        model = self.sourceModel()
        haystack = model.data(model.index(source_row, 0, source_parent), Qt.ItemDataRole.UserRole)
        return self._needle in str(haystack).casefold()
