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
        self._in_use = 0
        self._cond = threading.Condition()

    def resize(self, size: int) -> None:
        """Change the budget at once; connections over a smaller budget finish their request first."""
        if size < 1:
            raise ValueError("the connection budget must be at least 1")
        with self._cond:
            self.size = size
            self._cond.notify_all()

    @property
    def in_use(self) -> int:
        with self._cond:
            return self._in_use

    @contextmanager
    def slot(self, control: _Stoppable | None = None) -> Iterator[None]:
        """Hold one connection while the body runs; waiting for it is cut short by a pause or cancel."""
        with self._cond:
            while self._in_use >= self.size:
                self._cond.wait(timeout=0.2)
                if control is not None:
                    control.check()
            self._in_use += 1
        try:
            yield
        finally:
            with self._cond:
                self._in_use -= 1
                self._cond.notify()
