"""A guard against a reference-counting bug in some Qt for Python builds, detected at run time.

PySide6 6.12.0 running on Python 3.11 returns ``None`` from every void Qt method, and ``True`` from
``Signal.emit()``, without taking a new reference: each call takes one reference away from the
singleton. Python 3.12 made these objects immortal, so there it is harmless; on 3.11 the process aborts
("none_dealloc: deallocating None") after some thousands of calls, which a window doing periodic
updates reaches within minutes.

:func:`protect_singletons` checks whether the running bindings have the bug and, if so, gives ``None``,
``True`` and ``False`` a reference count so large that no session can use it up, which is what Python
3.12 does for every interpreter. On bindings without the bug it changes nothing.
"""

from __future__ import annotations

import ctypes
import logging
import sys
import threading

from PySide6.QtCore import QObject, Signal

log = logging.getLogger(__name__)

_RESERVE = 1 << 40  # references added to each singleton; one is lost per affected call
_PROBES = 64
_lock = threading.Lock()
_result: bool | None = None


class _Probe(QObject):
    fired = Signal()


def _leaks(obj: object, call: object) -> bool:
    before = sys.getrefcount(obj)
    for _ in range(_PROBES):
        call()  # type: ignore[operator]
    return before - sys.getrefcount(obj) >= _PROBES - 4


def protect_singletons() -> bool:
    """Apply the guard if needed; True if the running bindings have the bug."""
    global _result
    with _lock:
        if _result is not None:
            return _result
        if sys.version_info >= (3, 12) or sys.implementation.name != "cpython":
            _result = False
            return False
        probe = _Probe()
        broken = _leaks(None, lambda: probe.setObjectName("probe")) or _leaks(True, probe.fired.emit)
        probe.deleteLater()
        if broken:
            for singleton in (None, True, False):
                # ob_refcnt is the first field of every object in CPython 3.11 and earlier.
                ctypes.c_ssize_t.from_address(id(singleton)).value += _RESERVE
            log.info("These Qt for Python bindings lose references to None/True; guarded against it. "
                        "Use PySide6 6.11 or Python 3.12 or later to avoid the work-around.")
        _result = broken
        return broken
