"""How many requests may carry file bytes at once, over all files and all parts.

Files and the parts of big files draw from one pool, so four big files share the connections instead of
each opening its own set (the memory and connection blow-up users report about other tools), and a
single big file among small ones can still use several.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol


class _Stoppable(Protocol):
    def check(self) -> None: ...


class ConnectionBudget:
    def __init__(self, size: int) -> None:
        if size < 1:
            raise ValueError("the connection budget must be at least 1")
        self.size = size
        self._free = threading.Semaphore(size)

    @contextmanager
    def slot(self, control: _Stoppable | None = None) -> Iterator[None]:
        """Hold one connection while the body runs; waiting for it is cut short by a pause or cancel."""
        while not self._free.acquire(timeout=0.2):
            if control is not None:
                control.check()
        try:
            yield
        finally:
            self._free.release()
