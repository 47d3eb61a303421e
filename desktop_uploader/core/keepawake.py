"""Keep the computer from going to sleep while uploads run.

A laptop that suspends halfway through a large upload stalls it, and a multipart upload left idle for
long enough may have to start again. The engine acquires a :class:`KeepAwake` when work starts and
releases it when the queue drains.

This is strictly best effort. Each platform has its own mechanism, and some machines offer none (a
container without systemd-logind, a minimal window manager without a ScreenSaver service). ``acquire``
then returns False, ``describe`` says why, and uploads carry on regardless: nothing here raises.

- Linux: a systemd-logind inhibitor lock on the system bus, held as a file descriptor; failing that,
  ``org.freedesktop.ScreenSaver.Inhibit`` on the session bus, which stops idle sleep on most desktops.
- Windows: ``SetThreadExecutionState`` on a dedicated thread, since that state belongs to a thread.
- macOS: a ``caffeinate -i -w <pid>`` child process.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from typing import Any, Protocol

log = logging.getLogger(__name__)

APP_ID = "desktop-uploader"

# Longest wait for any single D-Bus step (connecting, saying Hello, each method call). acquire runs on
# an upload worker thread, so a bus that accepts connections but never answers must not hold it up.
DBUS_TIMEOUT = 2.0
# After a failed attempt, how long before trying again: without a session bus (a terminal over SSH, a
# container) every file taken after an idle moment would otherwise pay for opening a bus that is not there.
RETRY_AFTER_FAILURE = 60.0
# How long to wait for the Windows keep-awake thread to start or finish, and for caffeinate to exit.
THREAD_TIMEOUT = 2.0
STOP_GRACE = 2.0

LOGIND_NAME = "org.freedesktop.login1"
LOGIND_PATH = "/org/freedesktop/login1"
LOGIND_INTERFACE = "org.freedesktop.login1.Manager"
# "sleep" blocks suspend and hibernate, "idle" stops the session from being treated as idle; "block"
# (rather than "delay") keeps them from happening for as long as the lock is held.
LOGIND_WHAT = "sleep:idle"
LOGIND_MODE = "block"

SCREENSAVER_NAME = "org.freedesktop.ScreenSaver"
SCREENSAVER_PATH = "/org/freedesktop/ScreenSaver"
SCREENSAVER_INTERFACE = "org.freedesktop.ScreenSaver"

# EXECUTION_STATE flags for SetThreadExecutionState (winbase.h).
ES_CONTINUOUS = 0x80000000
ES_SYSTEM_REQUIRED = 0x00000001

LOGIND_DESCRIPTION = "systemd-logind inhibitor"
SCREENSAVER_DESCRIPTION = "org.freedesktop.ScreenSaver inhibit (session bus)"
WINDOWS_DESCRIPTION = "SetThreadExecutionState"
CAFFEINATE_DESCRIPTION = "caffeinate"


class _Unavailable(Exception):
    """A mechanism cannot be used here; the message says why, in a few words."""


class _Hold(Protocol):
    """One inhibition currently in force."""

    description: str

    def active(self) -> bool: ...

    def release(self) -> None: ...


class KeepAwake:
    """Stop the system sleeping while held; thread-safe, idempotent, and never raises.

    ``acquire`` and ``release`` may be called from different threads. Both may block briefly (each D-Bus
    step is limited to :data:`DBUS_TIMEOUT` seconds), so call them off any GUI thread.
    """

    def __init__(self, reason: str = "Uploading files", *, platform: str | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._reason = reason
        self._platform = sys.platform if platform is None else platform
        self._clock = clock
        self._lock = threading.Lock()
        self._hold: _Hold | None = None
        self._last_description: str | None = None
        self._unavailable: str | None = None
        self._failed_at: float | None = None

    def acquire(self) -> bool:
        """Start inhibiting sleep if not already; True when an inhibition is now held."""
        with self._lock:
            if self._hold is not None:
                if self._hold.active():
                    return True
                # The inhibition ended behind our back (caffeinate was killed, say); take a fresh one.
                self._release_locked()
            if self._failed_at is not None and self._clock() - self._failed_at < RETRY_AFTER_FAILURE:
                return False
            try:
                hold = self._acquire_for_platform()
            except Exception as exc:
                self._unavailable = _explain(exc)
                self._failed_at = self._clock()
                log.debug("Cannot keep the system awake: %s", self._unavailable)
                return False
            self._hold = hold
            self._last_description = hold.description
            self._unavailable = None
            self._failed_at = None
            log.debug("Keeping the system awake with %s", hold.description)
            return True

    def release(self) -> None:
        """Let the system sleep again; does nothing when nothing is held."""
        with self._lock:
            self._release_locked()

    @property
    def held(self) -> bool:
        with self._lock:
            return self._hold is not None and self._hold.active()

    def describe(self) -> str:
        """The mechanism in use (or last used), or ``"not available: <why>"`` after a failed acquire."""
        with self._lock:
            if self._hold is not None:
                return self._hold.description
            if self._unavailable is not None:
                return f"not available: {self._unavailable}"
            if self._last_description is not None:
                return f"{self._last_description} (released)"
            return "not in use"

    def _release_locked(self) -> None:
        hold, self._hold = self._hold, None
        if hold is None:
            return
        try:
            hold.release()
        except Exception as exc:
            log.debug("Releasing %s failed: %s", hold.description, _explain(exc))

    def _acquire_for_platform(self) -> _Hold:
        if self._platform.startswith("linux"):
            return _acquire_dbus(self._reason)
        if self._platform == "win32":
            return _ExecutionStateHold()
        if self._platform == "darwin":
            return _CaffeinateHold()
        raise _Unavailable(f"no supported way to keep the system awake on {self._platform!r}")


def _explain(exc: BaseException) -> str:
    """A short, readable reason for a failure, for describe() and the debug log."""
    if isinstance(exc, _Unavailable):
        return str(exc)
    if isinstance(exc, ImportError):
        return f"{exc.name or 'a required module'} is not installed"
    if isinstance(exc, TimeoutError):
        return f"no answer within {DBUS_TIMEOUT:g} s"
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror
    return f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__


# --- Linux: D-Bus ------------------------------------------------------------------------------------


def _acquire_dbus(reason: str) -> _Hold:
    reasons: list[str] = []
    for label, attempt in (("systemd-logind", _LogindHold), ("ScreenSaver", _ScreenSaverHold)):
        try:
            hold: _Hold = attempt(reason)
        except Exception as exc:
            reasons.append(f"{label}: {_explain(exc)}")
            continue
        if reasons:
            log.debug("Falling back to %s (%s)", hold.description, "; ".join(reasons))
        return hold
    raise _Unavailable("; ".join(reasons))


def _jeepney(module: str = "jeepney") -> Any:
    """Import jeepney (or one of its modules) only when D-Bus is actually used.

    Only Linux needs it, where it comes with keyring's Secret Service backend; elsewhere it may be
    missing, and an ImportError here becomes "not available" rather than a failed upload.
    """
    return importlib.import_module(module)


def _shutdown(sock: socket.socket, fired: threading.Event) -> None:
    # Called from a timer thread: shutting the socket down wakes the blocked reader with end-of-file,
    # where closing it from another thread would not.
    fired.set()
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)


def _open_bus(address: str, *, enable_fds: bool) -> Any:
    """Connect to the bus at a socket address, with every step limited to DBUS_TIMEOUT."""
    blocking = _jeepney("jeepney.io.blocking")
    sock: socket.socket = blocking.prep_socket(address, enable_fds, timeout=DBUS_TIMEOUT)
    # The connection says Hello and waits for the answer with no time limit of its own; cut the socket
    # if the answer does not come in time so the wait ends with an error instead.
    fired = threading.Event()
    watchdog = threading.Timer(DBUS_TIMEOUT, _shutdown, (sock, fired))
    watchdog.daemon = True
    watchdog.start()
    try:
        return blocking.DBusConnection(sock, enable_fds)
    except BaseException as exc:
        sock.close()
        if fired.is_set():
            raise TimeoutError("the bus did not answer Hello") from exc
        raise
    finally:
        watchdog.cancel()


def _session_bus_address() -> str:
    """The session bus's socket address; also found without the variable, as libdbus and sd-bus do."""
    address = os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    if address:
        return str(next(_jeepney("jeepney.bus").get_connectable_addresses(address)))
    runtime_dir = os.environ.get("XDG_RUNTIME_DIR")
    if runtime_dir:
        path = os.path.join(runtime_dir, "bus")
        with contextlib.suppress(OSError):
            if stat.S_ISSOCK(os.stat(path).st_mode):
                return path
    raise _Unavailable("no session bus (DBUS_SESSION_BUS_ADDRESS is not set)")


def _call(conn: Any, message: Any) -> tuple[Any, ...]:
    """Send a method call and return the reply's body; an error reply becomes _Unavailable."""
    jeepney = _jeepney()
    reply = conn.send_and_get_reply(message, timeout=DBUS_TIMEOUT)
    body = tuple(reply.body)
    if reply.header.message_type is jeepney.MessageType.error:
        name = reply.header.fields.get(jeepney.HeaderFields.error_name, "error")
        detail = f": {body[0]}" if body and isinstance(body[0], str) else ""
        _close_fds(body)
        raise _Unavailable(f"{name}{detail}")
    return body


def _close_fds(body: tuple[Any, ...]) -> None:
    file_descriptor = _jeepney().FileDescriptor
    for item in body:
        if isinstance(item, file_descriptor):
            item.close()


class _LogindHold:
    """A systemd-logind inhibitor lock: logind keeps it until the file descriptor it gave us is closed."""

    description = LOGIND_DESCRIPTION

    def __init__(self, reason: str) -> None:
        jeepney = _jeepney()
        try:
            conn = _open_bus(_jeepney("jeepney.bus").find_system_bus(), enable_fds=True)
        except Exception as exc:
            raise _Unavailable(f"no system bus ({_explain(exc)})") from exc
        manager = jeepney.DBusAddress(LOGIND_PATH, bus_name=LOGIND_NAME, interface=LOGIND_INTERFACE)
        message = jeepney.new_method_call(manager, "Inhibit", "ssss", (LOGIND_WHAT, APP_ID, reason, LOGIND_MODE))
        try:
            # The lock lives in the descriptor, not the connection, so the connection can go at once.
            body = _call(conn, message)
        finally:
            conn.close()
        if len(body) != 1 or not isinstance(body[0], jeepney.FileDescriptor):
            _close_fds(body)
            raise _Unavailable(f"unexpected reply to Inhibit: {body!r}")
        self._fd: int | None = int(body[0].to_raw_fd())
        # A child process that inherited the descriptor would keep the machine awake after we let go.
        os.set_inheritable(self._fd, False)

    def active(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)


class _ScreenSaverHold:
    """An ``org.freedesktop.ScreenSaver`` inhibition, tied to the session-bus connection that made it."""

    description = SCREENSAVER_DESCRIPTION

    def __init__(self, reason: str) -> None:
        jeepney = _jeepney()
        self._service: Any = jeepney.DBusAddress(
            SCREENSAVER_PATH, bus_name=SCREENSAVER_NAME, interface=SCREENSAVER_INTERFACE
        )
        address = _session_bus_address()
        try:
            conn = _open_bus(address, enable_fds=False)
        except Exception as exc:
            raise _Unavailable(f"no session bus ({_explain(exc)})") from exc
        try:
            body = _call(conn, jeepney.new_method_call(self._service, "Inhibit", "ss", (APP_ID, reason)))
            if len(body) != 1 or not isinstance(body[0], int):
                raise _Unavailable(f"unexpected reply to Inhibit: {body!r}")
        except BaseException:
            conn.close()
            raise
        # Kept open while held: desktops drop an inhibition when the connection that asked for it goes.
        self._conn: Any = conn
        self._cookie: int = body[0]

    def active(self) -> bool:
        return self._conn is not None

    def release(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            _call(conn, _jeepney().new_method_call(self._service, "UnInhibit", "u", (self._cookie,)))
        finally:
            # Even if UnInhibit failed, closing the connection ends the inhibition on the desktop side.
            conn.close()


# --- Windows -----------------------------------------------------------------------------------------


class _ExecutionStateHold:
    """``SetThreadExecutionState`` held by a thread of our own.

    The execution state belongs to the thread that set it, and the engine acquires and releases from
    different worker threads that may finish at any time, so one small thread sets it, waits, and
    clears it again.
    """

    description = WINDOWS_DESCRIPTION

    def __init__(self) -> None:
        import ctypes  # only Windows needs it, and loading it costs every upload's start elsewhere

        self._ctypes = ctypes
        kernel32 = getattr(getattr(ctypes, "windll", None), "kernel32", None)
        if kernel32 is None:
            raise _Unavailable("ctypes.windll.kernel32 is not available")
        self._set_state: Any = kernel32.SetThreadExecutionState
        self._stop = threading.Event()
        self._started = threading.Event()
        self._error: str | None = None
        self._thread = threading.Thread(target=self._run, name="keep-awake", daemon=True)
        self._thread.start()
        if not self._started.wait(THREAD_TIMEOUT):
            self._stop.set()  # if it does get going later, it clears the state and ends straight away
            raise _Unavailable("the keep-awake thread did not start in time")
        if self._error is not None:
            self._thread.join(THREAD_TIMEOUT)
            raise _Unavailable(self._error)

    def _run(self) -> None:
        try:
            # The argument is a DWORD; passed as a plain int, ctypes would refuse ES_CONTINUOUS as too
            # large for a C int.
            previous = self._set_state(self._ctypes.c_uint32(ES_CONTINUOUS | ES_SYSTEM_REQUIRED))
        except Exception as exc:
            self._error = f"SetThreadExecutionState failed ({_explain(exc)})"
            self._started.set()
            return
        if not previous:
            self._error = "SetThreadExecutionState refused the request"
            self._started.set()
            return
        self._started.set()
        self._stop.wait()
        try:
            self._set_state(self._ctypes.c_uint32(ES_CONTINUOUS))
        except Exception as exc:
            log.debug("Clearing the thread execution state failed: %s", _explain(exc))

    def active(self) -> bool:
        return self._thread.is_alive() and not self._stop.is_set()

    def release(self) -> None:
        self._stop.set()
        self._thread.join(THREAD_TIMEOUT)


# --- macOS -------------------------------------------------------------------------------------------


class _CaffeinateHold:
    """A ``caffeinate -i`` child: it prevents idle sleep until terminated, or until we exit (``-w``)."""

    description = CAFFEINATE_DESCRIPTION

    def __init__(self) -> None:
        executable = shutil.which("caffeinate")
        if executable is None:
            raise _Unavailable("caffeinate was not found")
        self._proc = subprocess.Popen(
            [executable, "-i", "-w", str(os.getpid())],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        returncode = self._proc.poll()
        if returncode is not None:
            raise _Unavailable(f"caffeinate exited at once (exit code {returncode})")

    def active(self) -> bool:
        return self._proc.poll() is None

    def release(self) -> None:
        proc = self._proc
        if proc.poll() is not None:
            return
        proc.terminate()
        try:
            proc.wait(timeout=STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=STOP_GRACE)
