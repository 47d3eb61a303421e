"""Run engine calls off the GUI thread and hand their results back to it.

Adding a folder scans the disk and writes the queue database; pausing, retrying and listing jobs touch
the database too. None of that may stall the event loop, so each call runs on a worker thread and its
result comes back through a queued signal, on the GUI thread.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal

log = logging.getLogger(__name__)

ResultCallback = Callable[[Any], None]
ErrorCallback = Callable[[BaseException], None]


class TaskRunner(QObject):
    """A single worker thread: calls run in the order they were submitted."""

    _finished = Signal(object)
    busy_changed = Signal(bool)

    def __init__(self, name: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._pending = 0
        self._closed = False
        self._finished.connect(self._deliver, Qt.ConnectionType.QueuedConnection)

    @property
    def pending(self) -> int:
        return self._pending

    def submit(self, fn: Callable[..., Any], *args: Any, on_result: ResultCallback | None = None,
               on_error: ErrorCallback | None = None) -> None:
        if self._closed:
            return
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        future = self._executor.submit(fn, *args)
        future.add_done_callback(lambda f: self._done(f, on_result, on_error))

    def _done(self, future: Future[Any], on_result: ResultCallback | None,
              on_error: ErrorCallback | None) -> None:
        # Runs on the worker thread: only hand over, never touch widgets here.
        with self._lock:
            if self._closed:
                return
            self._finished.emit((future, on_result, on_error))

    def _deliver(self, item: tuple[Future[Any], ResultCallback | None, ErrorCallback | None]) -> None:
        future, on_result, on_error = item
        self._pending -= 1
        if self._pending == 0:
            self.busy_changed.emit(False)
        exc = future.exception()
        if exc is not None:
            if on_error is not None:
                on_error(exc)
            else:
                log.error("background task failed", exc_info=exc)
            return
        if on_result is not None:
            on_result(future.result())

    def shutdown(self, wait: bool = True) -> None:
        with self._lock:
            self._closed = True
        self._executor.shutdown(wait=wait, cancel_futures=True)
