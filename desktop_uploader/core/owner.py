"""Which process holds a job: its id and start time, so another process can tell a live holder from a dead one.

A job being sent carries a lease naming the process that claimed it. A second run on the same queue leaves
such jobs alone while that process lives, and takes them over once it is gone. The start time guards
against a recycled process id: on Linux it comes from /proc; elsewhere only whether the id is in use is
known, which a recycled id can fool (the job then waits until that process ends too).
"""

from __future__ import annotations

import os
import sys
from functools import lru_cache


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or '' where it cannot be read."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as fh:
            stat = fh.read().decode("ascii", "replace")
    except OSError:
        return ""
    # The command name (field 2) may hold spaces and parentheses; the fields after the last ')' are fixed:
    # state is field 3, starttime field 22.
    fields = stat.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""


@lru_cache(maxsize=1)
def _this_process(pid: int) -> str:
    return f"{pid}:{_start_time(pid)}"


def this_process() -> str:
    """The lease this process writes on the jobs it claims: ``"<pid>:<start time>"``."""
    return _this_process(os.getpid())  # keyed by pid: a forked child is another process


def is_this_process(owner: str | None) -> bool:
    return owner == this_process()


def is_alive(owner: str | None) -> bool:
    """Whether the process named by a lease still runs. No lease (a job claimed by an older version) counts as
    gone."""
    if not owner:
        return False
    pid_text, _, started = owner.partition(":")
    try:
        pid = int(pid_text)
    except ValueError:
        return False
    if pid <= 0:
        return False
    if sys.platform.startswith("linux"):
        now = _start_time(pid)
        return bool(now) and (not started or now == started)
    if os.name == "nt":
        return _windows_alive(pid)
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, it is just not ours to signal
    return True


def _windows_alive(pid: int) -> bool:
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined,unused-ignore]
    query_limited_information, still_active = 0x1000, 259
    handle = kernel32.OpenProcess(query_limited_information, False, pid)
    if not handle:
        return False
    try:
        code = ctypes.c_ulong()
        return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and code.value == still_active
    finally:
        kernel32.CloseHandle(handle)
