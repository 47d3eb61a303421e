"""Engine events (delivered on worker threads) turned into Qt signals on the GUI thread.

Workers append events to a list under a lock and wake the GUI thread at most once per flush. The GUI
thread drains the list at most every ``interval_ms``: progress is reduced to the latest value per job,
so a row repaints at most about ten times a second however fast bytes move, while state changes are
passed on in order and none is lost.
"""

from __future__ import annotations

import threading
import time

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from desktop_uploader.core.engine import Engine
from desktop_uploader.core.models import Event, EventKind

MAX_CHANGES_PER_FLUSH = 1000  # state changes handed to the window in one go


class EngineBridge(QObject):
    events = Signal(object)  # list[Event], every event but PROGRESS, in the order the engine sent them
    progress = Signal(object)  # dict[int, Event]: the latest PROGRESS event per job id
    _wake = Signal()

    def __init__(self, engine: Engine, *, interval_ms: int = 100, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._interval = interval_ms / 1000.0
        self._lock = threading.Lock()
        self._pending: list[Event] = []
        self._scheduled = False
        self._closed = False
        self._last_flush = 0.0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)
        self._wake.connect(self._on_wake, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe = engine.subscribe(self._on_event)

    def _on_event(self, event: Event) -> None:
        # Called on engine threads; must return at once and never touch Qt objects but the signal.
        with self._lock:
            if self._closed:
                return
            self._pending.append(event)
            if self._scheduled:
                return
            self._scheduled = True
            self._wake.emit()

    def _on_wake(self) -> None:
        if self._timer.isActive():
            return
        wait = self._interval - (time.monotonic() - self._last_flush)
        self._timer.start(max(0, int(wait * 1000)))

    def flush(self) -> None:
        with self._lock:
            # A big drop queues thousands of files at once: hand them over in slices, so the window
            # repaints and answers input in between instead of freezing while it builds every row.
            # Progress is reduced to one value per job anyway, so only state changes count towards a slice.
            cut = len(self._pending)
            changes = 0
            for i, event in enumerate(self._pending):
                if event.kind is not EventKind.PROGRESS:
                    changes += 1
                    if changes > MAX_CHANGES_PER_FLUSH:
                        cut = i
                        break
            batch, self._pending = self._pending[:cut], self._pending[cut:]
            more = bool(self._pending)
            self._scheduled = more
        self._last_flush = time.monotonic()
        if more:
            self._timer.start(0)
        if not batch:
            return
        ordered: list[Event] = []
        latest: dict[int, Event] = {}
        for event in batch:
            if event.job_id is None:
                ordered.append(event)
            elif event.kind is EventKind.PROGRESS:
                latest[event.job_id] = event
            else:
                # A state change supersedes progress seen before it (a finished row stays at 100 %).
                latest.pop(event.job_id, None)
                ordered.append(event)
        if ordered:
            self.events.emit(ordered)
        if latest:
            self.progress.emit(latest)

    def close(self) -> None:
        with self._lock:
            self._closed = True
            self._pending.clear()
        self._unsubscribe()
        self._timer.stop()
