"""The upload queue as a Qt table model, and the progress bar painted in its rows.

One plain Python object per job and a job id -> row index map: updates touch only the rows they are
about, and a batch of new jobs is inserted with a single beginInsertRows, so 10,000 rows stay cheap.
Totals for the status bar are kept up to date incrementally rather than recomputed over every row.
"""

from __future__ import annotations

import functools
import os
import time
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QLocale,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
)
from PySide6.QtGui import QBrush, QColor, QFont, QIcon, QPainter, QPalette
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionProgressBar, QStyleOptionViewItem

from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.gui.resources import icon

ModelIndex = QModelIndex | QPersistentModelIndex

PROGRESS_ROLE = Qt.ItemDataRole.UserRole + 1  # float 0..1
JOB_ID_ROLE = Qt.ItemDataRole.UserRole + 2
STATE_ROLE = Qt.ItemDataRole.UserRole + 3

# Weight of the newest speed sample; lower is smoother. Keeps the time-left estimate from jumping.
_SPEED_SMOOTHING = 0.3


class Column(IntEnum):
    NAME = 0
    PROGRESS = 1
    STATE = 2
    SPEED = 3
    TIME_LEFT = 4
    KEY = 5


def state_label(state: JobState) -> str:
    labels = {
        JobState.QUEUED: QCoreApplication.translate("QueueModel", "Waiting"),
        JobState.SIGNING: QCoreApplication.translate("QueueModel", "Preparing"),
        JobState.UPLOADING: QCoreApplication.translate("QueueModel", "Uploading"),
        JobState.PAUSED: QCoreApplication.translate("QueueModel", "Paused"),
        JobState.DONE: QCoreApplication.translate("QueueModel", "Uploaded"),
        JobState.FAILED: QCoreApplication.translate("QueueModel", "Failed"),
        JobState.CANCELLED: QCoreApplication.translate("QueueModel", "Cancelled"),
    }
    return labels[state]


@functools.cache
def state_icon(name: str) -> QIcon:
    return icon(name)


def failure_tint() -> QBrush:
    """The palette's base colour with a red tint: a failed row's background in any theme."""
    base = QApplication.palette().color(QPalette.ColorRole.Base)
    red = QColor(220, 50, 47)
    share = 0.22 if base.lightness() > 128 else 0.35
    mixed = QColor(round(base.red() * (1 - share) + red.red() * share),
                   round(base.green() * (1 - share) + red.green() * share),
                   round(base.blue() * (1 - share) + red.blue() * share))
    return QBrush(mixed)


def format_size(size: float) -> str:
    return QLocale().formattedDataSize(int(size), 1)


def format_speed(bytes_per_second: float) -> str:
    return QCoreApplication.translate("QueueModel", "{size}/s").format(size=format_size(bytes_per_second))


def format_duration(seconds: float) -> str:
    seconds = int(seconds + 0.5)
    if seconds < 60:
        return QCoreApplication.translate("QueueModel", "{n} s").format(n=max(seconds, 1))
    minutes = seconds // 60
    if minutes < 60:
        return QCoreApplication.translate("QueueModel", "{n} min").format(n=minutes)
    return QCoreApplication.translate("QueueModel", "{h} h {m} min").format(h=minutes // 60, m=minutes % 60)


def failure_summary(error: dict[str, Any] | None) -> str:
    """The one plain sentence for a failed job: the explanation's summary, else the failure's message."""
    if not error:
        return ""
    explanation = error.get("explanation") or {}
    summary = explanation.get("summary") if isinstance(explanation, dict) else None
    return str(summary or error.get("message") or error.get("code") or "")


@dataclass(slots=True)
class Row:
    job_id: int
    path: str
    size: int
    key: str
    state: JobState
    profile: str = ""
    bytes_sent: int = 0
    error: dict[str, Any] | None = None
    batch: str = ""
    note: str = ""  # a passing remark, such as a retry that is coming
    speed: float = 0.0
    sample_time: float = 0.0
    sample_bytes: int = 0
    finished_at: float | None = None
    url: str = ""  # the uploaded object's address, as its upload link named it
    name: str = field(default="")

    def __post_init__(self) -> None:
        if not self.name:
            self.name = os.path.basename(self.path) or self.path

    @classmethod
    def from_job(cls, job: Job) -> Row:
        return cls(job_id=job.id, path=job.path, size=job.size, key=job.key, state=job.state,
                   profile=job.profile, bytes_sent=job.size if job.state is JobState.DONE else job.bytes_sent,
                   error=job.error, batch=job.batch, finished_at=job.finished_at, url=job.url)

    @property
    def fraction(self) -> float:
        if self.state is JobState.DONE:
            return 1.0
        if self.size <= 0:
            return 0.0
        return min(1.0, self.bytes_sent / self.size)

    @property
    def summary(self) -> str:
        return failure_summary(self.error)


@dataclass
class Totals:
    files: int
    counts: Counter[JobState]
    total_bytes: int
    sent_bytes: int
    speed: float

    @property
    def in_flight(self) -> int:
        return sum(self.counts[s] for s in (JobState.QUEUED, JobState.SIGNING, JobState.UPLOADING))


class QueueModel(QAbstractTableModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._rows: list[Row] = []
        self._index: dict[int, int] = {}
        self._counts: Counter[JobState] = Counter()
        self._total_bytes = 0
        self._sent_bytes = 0
        self._active: set[int] = set()

    # -- Qt model API -------------------------------------------------------------------------------
    def rowCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008 - Qt's signature
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: ModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(Column)

    def headerData(self, section: int, orientation: Qt.Orientation,
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal or role != Qt.ItemDataRole.DisplayRole:
            return None
        return {
            Column.NAME: self.tr("File"),
            Column.PROGRESS: self.tr("Progress"),
            Column.STATE: self.tr("Status"),
            Column.SPEED: self.tr("Speed"),
            Column.TIME_LEFT: self.tr("Time left"),
            Column.KEY: self.tr("Stored as"),
        }.get(Column(section))

    def data(self, index: ModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(row, column)
        if role == PROGRESS_ROLE:
            # No bar for uploads that stopped for good: an empty bar would read as "not started".
            return None if row.state in (JobState.FAILED, JobState.CANCELLED) else row.fraction
        if role == JOB_ID_ROLE:
            return row.job_id
        if role == STATE_ROLE:
            return row.state.value
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(row, column)
        if role == Qt.ItemDataRole.AccessibleTextRole:
            if column == Column.PROGRESS:
                return self.tr("{percent} percent").format(percent=int(row.fraction * 100))
            return self._display(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in (Column.SPEED, Column.TIME_LEFT):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return self._look(row, column, role)

    def _look(self, row: Row, column: int, role: int) -> Any:
        """A failed row is told by an icon and words first; its tint and bold status only add to them, so
        it reads without colour too. The tint is laid over the palette's own base colour, so it stays
        readable in light and dark themes alike."""
        failed = row.state is JobState.FAILED
        if role == Qt.ItemDataRole.DecorationRole and column == Column.NAME:
            if failed:
                return state_icon("failed")
            return state_icon("done") if row.state is JobState.DONE else None
        if role == Qt.ItemDataRole.BackgroundRole and failed:
            return failure_tint()
        if role == Qt.ItemDataRole.FontRole and failed and column == Column.STATE:
            font = QFont(QApplication.font())
            font.setBold(True)
            return font
        return None

    def _display(self, row: Row, column: int) -> str:
        if column == Column.NAME:
            return row.name
        if column == Column.PROGRESS:
            return "" if row.state in (JobState.FAILED, JobState.CANCELLED) else f"{int(row.fraction * 100)} %"
        if column == Column.STATE:
            if row.state is JobState.FAILED and row.summary:
                return self.tr("Failed: {summary}").format(summary=row.summary)
            if row.note and (row.state.active or row.state is JobState.DONE):
                return row.note
            return state_label(row.state)
        if column == Column.SPEED:
            return format_speed(row.speed) if row.state is JobState.UPLOADING and row.speed > 0 else ""
        if column == Column.TIME_LEFT:
            if row.state is JobState.UPLOADING and row.speed > 0:
                return format_duration(max(0, row.size - row.bytes_sent) / row.speed)
            return ""
        if column == Column.KEY:
            return row.key
        return ""

    def _tooltip(self, row: Row, column: int) -> str | None:
        if row.state is JobState.FAILED and row.error:
            explanation = row.error.get("explanation") or {}
            parts = [row.summary]
            if isinstance(explanation, dict) and explanation.get("action"):
                parts.append(str(explanation["action"]))
            parts.append(self.tr("Press Enter for details."))
            return "\n".join(p for p in parts if p)
        if column == Column.NAME:
            return row.path
        if column == Column.KEY:
            return row.key
        if column == Column.STATE and row.note:
            return row.note
        return None

    # -- reading ------------------------------------------------------------------------------------
    def row_of(self, job_id: int) -> int | None:
        return self._index.get(job_id)

    def row_at(self, row: int) -> Row:
        return self._rows[row]

    def get(self, job_id: int) -> Row | None:
        i = self._index.get(job_id)
        return None if i is None else self._rows[i]

    def rows(self) -> Sequence[Row]:
        return self._rows

    def job_ids(self, states: Iterable[JobState] | None = None) -> list[int]:
        wanted = set(states) if states is not None else None
        return [r.job_id for r in self._rows if wanted is None or r.state in wanted]

    def totals(self) -> Totals:
        speed = sum(self._rows[self._index[j]].speed for j in self._active if j in self._index)
        return Totals(files=len(self._rows), counts=Counter(self._counts), total_bytes=self._total_bytes,
                      sent_bytes=self._sent_bytes, speed=speed)

    # -- bookkeeping for totals ---------------------------------------------------------------------
    def _account(self, row: Row, sign: int) -> None:
        self._counts[row.state] += sign
        # Cancelled and failed files will not be sent: the total is what is being sent or was sent, so the
        # bar reaches 100 % when that is done (the failures are counted beside it).
        if row.state not in (JobState.CANCELLED, JobState.FAILED):
            self._total_bytes += sign * row.size
            self._sent_bytes += sign * (row.size if row.state is JobState.DONE else min(row.bytes_sent, row.size))
        if row.state is JobState.UPLOADING:
            if sign > 0:
                self._active.add(row.job_id)
            else:
                self._active.discard(row.job_id)

    # -- changing -----------------------------------------------------------------------------------
    def add_rows(self, rows: Sequence[Row]) -> list[Row]:
        """Append the rows whose job is not shown yet, with one insert; return the ones added."""
        fresh: list[Row] = []
        seen: set[int] = set()
        for row in rows:
            if row.job_id in self._index or row.job_id in seen:
                continue
            seen.add(row.job_id)
            fresh.append(row)
        if not fresh:
            return []
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
        for offset, row in enumerate(fresh):
            self._rows.append(row)
            self._index[row.job_id] = first + offset
            self._account(row, +1)
        self.endInsertRows()
        return fresh

    def add_jobs(self, jobs: Sequence[Job]) -> None:
        """Show jobs read from the engine; rows already shown take the engine's details."""
        changed: list[int] = []
        for job in jobs:
            i = self._index.get(job.id)
            if i is None:
                continue
            row = self._rows[i]
            if not row.profile or row.batch != job.batch:
                row.profile = job.profile
                row.batch = job.batch
                changed.append(i)
        self.add_rows([Row.from_job(j) for j in jobs if j.id not in self._index])
        self._rows_changed(changed)

    def apply_events(self, events: Sequence[Event]) -> tuple[list[Row], list[int]]:
        """Apply state changes; return the rows that finished uploading, and job ids not shown yet."""
        now = time.time()
        # Rows first seen in this batch; a tiny file's QUEUED, STARTED and DONE often arrive together, and
        # the later events must reach the new row too.
        new_rows: dict[int, Row] = {}
        unknown: list[int] = []
        done: list[Row] = []
        changed: list[int] = []
        removed: list[int] = []
        for event in events:
            jid = event.job_id
            if jid is None:
                continue
            i = self._index.get(jid)
            if i is None:
                fresh = new_rows.get(jid)
                if fresh is not None:
                    if event.kind is EventKind.REMOVED:
                        del new_rows[jid]
                        continue
                    self._apply(fresh, event, now)
                    if fresh.state is JobState.DONE and event.kind is EventKind.DONE:
                        done.append(fresh)
                elif event.kind is EventKind.QUEUED and event.path:
                    new_rows[jid] = Row(job_id=jid, path=event.path, size=event.total, key=event.key or "",
                                        state=JobState.QUEUED, batch=str(event.extra.get("batch", "")),
                                        profile=str(event.extra.get("profile", "")))
                elif event.kind is not EventKind.REMOVED:
                    unknown.append(jid)
                continue
            row = self._rows[i]
            if event.kind is EventKind.REMOVED:
                removed.append(jid)
                continue
            self._account(row, -1)
            self._apply(row, event, now)
            self._account(row, +1)
            if row.state is JobState.DONE and event.kind is EventKind.DONE:
                done.append(row)
            changed.append(i)
        if new_rows:
            self.add_rows(list(new_rows.values()))
        self._rows_changed(changed)
        if removed:
            self.remove_ids(removed)
        return done, [j for j in unknown if j not in self._index]

    def _apply(self, row: Row, event: Event, now: float) -> None:
        kind = event.kind
        if kind is EventKind.QUEUED:
            row.state = JobState.QUEUED
            row.bytes_sent = 0
            row.error = None
            row.note = ""
        elif kind is EventKind.STARTED:
            row.state = JobState.UPLOADING
            row.bytes_sent = 0
            row.speed = 0.0
            row.sample_time = time.monotonic()
            row.sample_bytes = 0
            row.note = ""
            if event.total:
                row.size = event.total
        elif kind is EventKind.RETRY:
            row.state = JobState.UPLOADING
            reason = event.extra.get("reason") or failure_summary(event.failure)
            row.note = self.tr("Trying again in {seconds} s").format(seconds=int(event.retry_in or 0))
            if reason:
                row.note += f" ({reason})"
            row.speed = 0.0
        elif kind is EventKind.DONE:
            row.state = JobState.DONE
            row.bytes_sent = row.size = event.total or row.size
            row.error = None
            row.key = event.key or row.key  # a name already taken was numbered, or a service chose it
            row.url = str(event.extra.get("url") or row.url)
            row.note = self.tr("Already there; not sent again") if event.extra.get("already_there") else ""
            row.speed = 0.0
            row.finished_at = now
        elif kind is EventKind.FAILED:
            row.state = JobState.FAILED
            row.error = event.failure
            row.note = ""
            row.speed = 0.0
            row.bytes_sent = 0
        elif kind is EventKind.PAUSED:
            row.state = JobState.PAUSED
            row.bytes_sent = 0
            row.speed = 0.0
            row.note = ""
        elif kind is EventKind.CANCELLED:
            row.state = JobState.CANCELLED
            row.bytes_sent = 0
            row.speed = 0.0
            row.note = ""

    def apply_progress(self, latest: dict[int, Event]) -> None:
        now = time.monotonic()
        changed: list[int] = []
        for jid, event in latest.items():
            i = self._index.get(jid)
            if i is None:
                continue
            row = self._rows[i]
            if row.state not in (JobState.UPLOADING, JobState.SIGNING):
                continue
            self._account(row, -1)
            row.state = JobState.UPLOADING
            if event.total:
                row.size = event.total
            dt = now - row.sample_time
            if dt > 0.05:
                sample = max(0.0, (event.bytes_sent - row.sample_bytes) / dt)
                row.speed = sample if row.speed <= 0 else \
                    (1 - _SPEED_SMOOTHING) * row.speed + _SPEED_SMOOTHING * sample
                row.sample_time = now
                row.sample_bytes = event.bytes_sent
            row.bytes_sent = event.bytes_sent
            row.note = ""
            self._account(row, +1)
            changed.append(i)
        self._rows_changed(changed)

    def remove_ids(self, job_ids: Iterable[int]) -> None:
        indices = sorted({self._index[j] for j in job_ids if j in self._index}, reverse=True)
        if not indices:
            return
        # Remove runs of neighbouring rows together: one signal per run, not per row.
        runs: list[tuple[int, int]] = []
        start = end = indices[0]
        for i in indices[1:]:
            if i == start - 1:
                start = i
            else:
                runs.append((start, end))
                start = end = i
        runs.append((start, end))
        if len(runs) > 200:
            self.beginResetModel()
            for first, last in runs:
                self._drop(first, last)
            self._reindex()
            self.endResetModel()
            return
        for first, last in runs:
            self.beginRemoveRows(QModelIndex(), first, last)
            self._drop(first, last)
            self.endRemoveRows()
        self._reindex()

    def _drop(self, first: int, last: int) -> None:
        for row in self._rows[first:last + 1]:
            self._account(row, -1)
            self._index.pop(row.job_id, None)
        del self._rows[first:last + 1]

    def _reindex(self) -> None:
        self._index = {row.job_id: i for i, row in enumerate(self._rows)}

    def clear(self) -> None:
        self.beginResetModel()
        self._rows.clear()
        self._index.clear()
        self._counts.clear()
        self._active.clear()
        self._total_bytes = self._sent_bytes = 0
        self.endResetModel()

    def _rows_changed(self, rows: list[int]) -> None:
        if not rows:
            return
        last_column = len(Column) - 1
        if len(rows) > 64:
            # One signal for a big change (pause all, retry all) instead of thousands.
            self.dataChanged.emit(self.index(min(rows), 0), self.index(max(rows), last_column))
            return
        for i in sorted(set(rows)):
            self.dataChanged.emit(self.index(i, 0), self.index(i, last_column))


class ProgressDelegate(QStyledItemDelegate):
    """Paints a native progress bar in the cell; no widget per row."""

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: ModelIndex) -> None:
        value = index.data(PROGRESS_ROLE)
        if value is None:
            super().paint(painter, option, index)
            return
        widget = option.widget
        style = widget.style() if widget is not None else QApplication.style()
        view_option = QStyleOptionViewItem(option)
        self.initStyleOption(view_option, index)
        view_option.text = ""
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, view_option, painter, widget)
        bar = QStyleOptionProgressBar()
        bar.rect = option.rect.adjusted(3, 3, -3, -3)
        bar.palette = option.palette
        bar.state = option.state | QStyle.StateFlag.State_Horizontal
        bar.direction = option.direction
        bar.fontMetrics = option.fontMetrics
        bar.minimum = 0
        bar.maximum = 1000
        bar.progress = int(float(value) * 1000)
        bar.text = f"{int(float(value) * 100)} %"
        bar.textVisible = True
        bar.textAlignment = Qt.AlignmentFlag.AlignCenter
        style.drawControl(QStyle.ControlElement.CE_ProgressBar, bar, painter, widget)
