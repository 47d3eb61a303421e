"""Keeping the system awake during uploads: every platform path, none of which may ever raise.

The D-Bus tests run a private ``dbus-daemon`` with small jeepney services standing in for
systemd-logind and the desktop's ScreenSaver, so the real protocol (including passing the logind lock
as a file descriptor) is exercised. macOS and Windows are covered with a fake ``caffeinate`` on PATH
and a stand-in for ``ctypes.windll``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import selectors
import signal
import socket
import stat
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from jeepney import HeaderFields, Message, MessageType, new_error, new_method_return
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection

from desktop_uploader.core import keepawake
from desktop_uploader.core.keepawake import KeepAwake
from tests.plugins.keychain import private_session_bus

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="D-Bus is only used on Linux")
posix_only = pytest.mark.skipif(sys.platform == "win32", reason="the fake caffeinate is a shell script")

DEADLINE = 10.0
NO_SOCKET = "unix:path=/nonexistent"
REASON = "Uploading 3 files"


def wait_until(predicate: Callable[[], bool], what: str, timeout: float = DEADLINE) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}")
        time.sleep(0.01)


# --- a private D-Bus ---------------------------------------------------------------------------------


@pytest.fixture
def private_bus(tmp_path: Path) -> Iterator[str]:
    """A throwaway ``dbus-daemon``'s address."""
    with private_session_bus(tmp_path / "bus", purpose="the D-Bus keep-awake paths cannot be tested",
                             timeout=DEADLINE) as address:
        yield address


Handler = Callable[[Message], Message | None]


class FakeService:
    """A D-Bus service on its own thread: owns ``name`` and answers calls with ``handler``.

    Every method call is recorded as ``(member, body)`` before it is answered; a handler returning
    None leaves the caller waiting, like a hung service.
    """

    def __init__(self, address: str, name: str, handler: Handler, *, enable_fds: bool = False) -> None:
        self.calls: list[tuple[str, tuple[Any, ...]]] = []
        self._handler = handler
        self._changed = threading.Condition()
        self._stop = threading.Event()
        self._error: BaseException | None = None
        self._conn = open_dbus_connection(bus=address, enable_fds=enable_fds)
        try:
            reply = self._conn.send_and_get_reply(message_bus.RequestName(name), timeout=DEADLINE)
            assert reply.body == (1,), f"could not own {name}: {reply.body!r}"  # 1: primary owner
        except BaseException:
            self._conn.close()
            raise
        self._thread = threading.Thread(target=self._serve, name=f"fake {name}", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        try:
            while not self._stop.is_set():
                try:
                    msg = self._conn.receive(timeout=0.05)
                except TimeoutError:
                    continue
                if msg.header.message_type is not MessageType.method_call:
                    continue
                with self._changed:
                    self.calls.append((member(msg), tuple(msg.body)))
                    self._changed.notify_all()
                reply = self._handler(msg)
                if reply is not None:
                    self._conn.send(reply)
        except BaseException as exc:
            self._error = exc

    def wait_for_call(self, member: str) -> tuple[Any, ...]:
        def found() -> tuple[Any, ...] | None:
            return next((body for name, body in self.calls if name == member), None)

        with self._changed:
            if not self._changed.wait_for(lambda: found() is not None, timeout=DEADLINE):
                pytest.fail(f"{member} was never called; calls: {self.calls!r}")
            body = found()
        assert body is not None
        return body

    def members(self) -> list[str]:
        with self._changed:
            return [name for name, _ in self.calls]

    def close(self) -> None:
        self._stop.set()
        self._thread.join(DEADLINE)
        self._conn.close()
        assert not self._thread.is_alive(), "the fake service thread did not stop"
        if self._error is not None:
            raise self._error


@contextlib.contextmanager
def fake_service(address: str, name: str, handler: Handler, *, enable_fds: bool = False) -> Iterator[FakeService]:
    service = FakeService(address, name, handler, enable_fds=enable_fds)
    try:
        yield service
    finally:
        service.close()


def member(msg: Message) -> str:
    return str(msg.header.fields[HeaderFields.member])


def unknown_method(msg: Message) -> Message:
    return new_error(msg, "org.freedesktop.DBus.Error.UnknownMethod", "s", (f"no {member(msg)}",))


class ScreenSaver:
    """Answers Inhibit with a fixed cookie and UnInhibit with nothing."""

    COOKIE = 4242

    def __call__(self, msg: Message) -> Message:
        name = member(msg)
        if name == "Inhibit":
            return new_method_return(msg, "u", (self.COOKIE,))
        if name == "UnInhibit":
            return new_method_return(msg)
        return unknown_method(msg)


@pytest.fixture
def no_system_bus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", NO_SOCKET)


# --- Linux -------------------------------------------------------------------------------------------


def test_this_machine_never_raises() -> None:
    """Whatever this machine offers (often nothing, in a container), acquire answers and release is safe."""
    awake = KeepAwake()
    try:
        held = awake.acquire()
        assert isinstance(held, bool)
        assert awake.held is held
        if not held:
            assert awake.describe().startswith("not available: ")
            assert len(awake.describe()) > len("not available: ")
    finally:
        awake.release()
        awake.release()
    assert not awake.held


@linux_only
def test_without_any_bus_both_reasons_are_given(monkeypatch: pytest.MonkeyPatch, no_system_bus: None) -> None:
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    awake = KeepAwake(platform="linux")

    assert awake.describe() == "not in use"
    assert awake.acquire() is False
    assert not awake.held
    assert awake.describe() == (
        "not available: systemd-logind: no system bus (No such file or directory); "
        "ScreenSaver: no session bus (DBUS_SESSION_BUS_ADDRESS is not set)"
    )
    awake.release()
    awake.release()


@linux_only
def test_screensaver_on_a_real_session_bus(
    private_bus: str, monkeypatch: pytest.MonkeyPatch, no_system_bus: None
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)
    with fake_service(private_bus, "org.freedesktop.ScreenSaver", ScreenSaver()) as service:
        awake = KeepAwake(REASON, platform="linux")

        assert awake.acquire() is True
        assert awake.held
        assert "ScreenSaver" in awake.describe()
        assert service.wait_for_call("Inhibit") == ("desktop-uploader", REASON)
        assert awake.acquire() is True  # already held: no second Inhibit
        assert service.members() == ["Inhibit"]

        awake.release()
        assert service.wait_for_call("UnInhibit") == (ScreenSaver.COOKIE,)
        assert not awake.held
        awake.release()
        assert service.members() == ["Inhibit", "UnInhibit"]
        assert awake.describe().endswith("(released)")


@linux_only
def test_session_bus_found_through_xdg_runtime_dir(
    private_bus: str, monkeypatch: pytest.MonkeyPatch, no_system_bus: None, tmp_path: Path
) -> None:
    # The fixture's bus socket lives at tmp_path/bus, which is exactly where $XDG_RUNTIME_DIR/bus points.
    assert stat.S_ISSOCK((tmp_path / "bus").stat().st_mode)
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    with fake_service(private_bus, "org.freedesktop.ScreenSaver", ScreenSaver()) as service:
        awake = KeepAwake(platform="linux")
        assert awake.acquire() is True
        awake.release()
        assert service.members() == ["Inhibit", "UnInhibit"]


@linux_only
def test_session_bus_without_a_screensaver(
    private_bus: str, monkeypatch: pytest.MonkeyPatch, no_system_bus: None
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)
    awake = KeepAwake(platform="linux")

    assert awake.acquire() is False
    assert not awake.held
    description = awake.describe()
    assert description.startswith("not available: ")
    assert "ScreenSaver: org.freedesktop.DBus.Error.ServiceUnknown" in description
    awake.release()


@linux_only
def test_logind_lock_is_held_as_a_file_descriptor(private_bus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """logind hands back a descriptor; the lock lasts exactly as long as we keep it open."""
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", private_bus)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", NO_SOCKET)
    # The service's end of the lock: the read side of a pipe sees end-of-file once every copy of the
    # write side, including the one sent to KeepAwake, is closed.
    lock_read, lock_write = os.pipe()

    def logind(msg: Message) -> Message:
        if member(msg) == "Inhibit":
            return new_method_return(msg, "h", (lock_write,))
        return unknown_method(msg)

    try:
        with fake_service(private_bus, "org.freedesktop.login1", logind, enable_fds=True) as service:
            awake = KeepAwake(REASON, platform="linux")
            assert awake.acquire() is True
            assert awake.describe() == "systemd-logind inhibitor"
            assert service.wait_for_call("Inhibit") == ("sleep:idle", "desktop-uploader", REASON, "block")
            os.close(lock_write)
            lock_write = -1

            with selectors.DefaultSelector() as selector:
                selector.register(lock_read, selectors.EVENT_READ)
                assert selector.select(0.1) == [], "the lock was let go while still held"
                awake.release()
                assert selector.select(DEADLINE), "release did not close the lock's descriptor"
            assert os.read(lock_read, 1) == b""
            assert not awake.held
            awake.release()
    finally:
        os.close(lock_read)
        if lock_write >= 0:
            os.close(lock_write)


@linux_only
def test_logind_refusal_falls_back_to_screensaver(private_bus: str, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", private_bus)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)

    def refusing_logind(msg: Message) -> Message:
        return new_error(msg, "org.freedesktop.DBus.Error.AccessDenied", "s", ("Permission denied",))

    with (
        fake_service(private_bus, "org.freedesktop.login1", refusing_logind) as logind,
        fake_service(private_bus, "org.freedesktop.ScreenSaver", ScreenSaver()) as screensaver,
    ):
        awake = KeepAwake(platform="linux")
        assert awake.acquire() is True
        assert "ScreenSaver" in awake.describe()
        assert logind.members() == ["Inhibit"]
        awake.release()
        assert screensaver.members() == ["Inhibit", "UnInhibit"]


@linux_only
def test_a_service_that_never_answers_does_not_hold_up_acquire(
    private_bus: str, monkeypatch: pytest.MonkeyPatch, no_system_bus: None
) -> None:
    # The same timeout also bounds connecting to the bus, which must succeed here even on a busy machine.
    monkeypatch.setattr(keepawake, "DBUS_TIMEOUT", 2.0)
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", private_bus)
    with fake_service(private_bus, "org.freedesktop.ScreenSaver", lambda msg: None):
        awake = KeepAwake(platform="linux")
        started = time.monotonic()
        assert awake.acquire() is False
        assert time.monotonic() - started < 15
        assert awake.describe().endswith("ScreenSaver: no answer within 2 s")


class MuteBus:
    """A socket that accepts connections and then says nothing, or only gets through authentication."""

    def __init__(self, path: Path, *, authenticate: bool) -> None:
        self._authenticate = authenticate
        self._stop = threading.Event()
        self._listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self._listener.bind(str(path))
        self._listener.listen(4)
        self._listener.settimeout(0.05)
        self._thread = threading.Thread(target=self._serve, name="mute bus", daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        accepted: list[socket.socket] = []
        try:
            while not self._stop.is_set():
                try:
                    conn, _ = self._listener.accept()
                except TimeoutError:
                    continue
                accepted.append(conn)
                if self._authenticate:
                    self._auth(conn)
        finally:
            for conn in accepted:
                conn.close()

    def _auth(self, conn: socket.socket) -> None:
        # Just enough of the SASL exchange for a client to send BEGIN; after that, silence.
        conn.settimeout(DEADLINE)
        pending = b""
        while True:
            chunk = conn.recv(1024)
            if not chunk:
                return
            pending += chunk
            while b"\r\n" in pending:
                line, pending = pending.split(b"\r\n", 1)
                line = line.lstrip(b"\0")
                if line.startswith(b"AUTH"):
                    conn.sendall(b"OK 0123456789abcdef0123456789abcdef\r\n")
                elif line.startswith(b"NEGOTIATE_UNIX_FD"):
                    conn.sendall(b"AGREE_UNIX_FD\r\n")
                elif line.startswith(b"BEGIN"):
                    return

    def close(self) -> None:
        self._stop.set()
        self._thread.join(DEADLINE)
        self._listener.close()
        assert not self._thread.is_alive()


@linux_only
@pytest.mark.parametrize("authenticate", [False, True], ids=["silent", "authenticates-then-silent"])
def test_a_bus_that_never_answers_does_not_hold_up_acquire(
    authenticate: bool, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(keepawake, "DBUS_TIMEOUT", 1.0)
    monkeypatch.setenv("DBUS_SYSTEM_BUS_ADDRESS", f"unix:path={tmp_path / 'mute'}")
    monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    bus = MuteBus(tmp_path / "mute", authenticate=authenticate)
    try:
        awake = KeepAwake(platform="linux")
        # The message proves the bounded wait ended it, not a connection error.
        assert awake.acquire() is False
        assert "systemd-logind: no system bus (no answer within 1 s)" in awake.describe()
    finally:
        bus.close()


def test_jeepney_missing_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "jeepney", None)  # makes "import jeepney" raise ImportError
    awake = KeepAwake(platform="linux")
    assert awake.acquire() is False
    assert "jeepney is not installed" in awake.describe()


def test_unknown_platform_is_reported() -> None:
    awake = KeepAwake(platform="plan9")
    assert awake.acquire() is False
    assert awake.describe() == "not available: no supported way to keep the system awake on 'plan9'"
    awake.release()


def test_after_a_failure_the_next_attempt_waits(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    awake = KeepAwake(platform="plan9", clock=lambda: now[0])
    tries: list[None] = []
    real = awake._acquire_for_platform

    def counted() -> Any:
        tries.append(None)
        return real()

    monkeypatch.setattr(awake, "_acquire_for_platform", counted)
    assert awake.acquire() is False
    now[0] += keepawake.RETRY_AFTER_FAILURE - 1
    assert awake.acquire() is False
    assert len(tries) == 1  # not tried again for every file
    now[0] += 2
    assert awake.acquire() is False
    assert len(tries) == 2
    assert "plan9" in awake.describe()


# --- macOS -------------------------------------------------------------------------------------------

FAKE_CAFFEINATE = """#!/bin/sh
# Record our pid and arguments (renamed into place so the test never reads half a file), then stay
# running like the real caffeinate until terminated.
printf '%s\\n' "$$" "$@" > "$(dirname "$0")/argv.tmp"
mv "$(dirname "$0")/argv.tmp" "$(dirname "$0")/argv.txt"
exec sleep 600
"""


@pytest.fixture
def fake_caffeinate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Put a fake ``caffeinate`` first on PATH; returns the file it writes its pid and argv to."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "caffeinate"
    script.write_text(FAKE_CAFFEINATE, encoding="utf-8")
    script.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    return bin_dir / "argv.txt"


def _read_caffeinate_record(record: Path) -> tuple[int, list[str]]:
    wait_until(record.exists, "the fake caffeinate to start")
    pid, *argv = record.read_text(encoding="utf-8").splitlines()
    record.unlink()
    return int(pid), argv


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


@posix_only
def test_caffeinate_runs_until_release(fake_caffeinate: Path) -> None:
    awake = KeepAwake(platform="darwin")

    assert awake.acquire() is True
    assert awake.describe() == "caffeinate"
    pid, argv = _read_caffeinate_record(fake_caffeinate)
    assert "-i" in argv
    assert argv[argv.index("-w") + 1] == str(os.getpid())
    assert awake.held and not _gone(pid)

    awake.release()
    assert _gone(pid)  # terminated and reaped by release itself
    assert not awake.held
    awake.release()


@posix_only
def test_caffeinate_killed_elsewhere_is_started_again(fake_caffeinate: Path) -> None:
    awake = KeepAwake(platform="darwin")
    assert awake.acquire() is True
    first, _ = _read_caffeinate_record(fake_caffeinate)

    os.kill(first, signal.SIGTERM)
    wait_until(lambda: not awake.held, "KeepAwake to notice caffeinate has gone")
    try:
        assert awake.acquire() is True
        second, _ = _read_caffeinate_record(fake_caffeinate)
        assert second != first
    finally:
        awake.release()
    assert _gone(second)


@posix_only
def test_caffeinate_missing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    awake = KeepAwake(platform="darwin")
    assert awake.acquire() is False
    assert awake.describe() == "not available: caffeinate was not found"


# --- Windows -----------------------------------------------------------------------------------------


class FakeKernel32:
    """Records SetThreadExecutionState calls as (thread id, flags)."""

    def __init__(self, result: int = 1) -> None:
        self.result = result
        self.calls: list[tuple[int, int]] = []
        self._lock = threading.Lock()

    def SetThreadExecutionState(self, flags: ctypes.c_uint32) -> int:
        with self._lock:
            self.calls.append((threading.get_ident(), flags.value))
        return self.result

    def recorded(self) -> list[tuple[int, int]]:
        with self._lock:
            return list(self.calls)


def _install_kernel32(monkeypatch: pytest.MonkeyPatch, kernel32: FakeKernel32) -> None:
    monkeypatch.setattr(ctypes, "windll", SimpleNamespace(kernel32=kernel32), raising=False)


def _in_thread(action: Callable[[], object]) -> int:
    """Run ``action`` on a new thread, as the engine's workers do; returns that thread's id."""
    errors: list[BaseException] = []

    def run() -> None:
        try:
            action()
        except BaseException as exc:
            errors.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(DEADLINE)
    assert not thread.is_alive() and not errors, errors
    assert thread.ident is not None
    return thread.ident


def test_windows_sets_and_clears_from_one_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel32 = FakeKernel32()
    _install_kernel32(monkeypatch, kernel32)
    awake = KeepAwake(platform="win32")
    results: list[bool] = []

    acquirer = _in_thread(lambda: results.append(awake.acquire()))
    assert results == [True]
    assert awake.held
    assert awake.describe() == "SetThreadExecutionState"
    assert awake.acquire() is True  # idempotent: still one set call
    assert len(kernel32.recorded()) == 1

    releaser = _in_thread(awake.release)
    assert not awake.held
    calls = kernel32.recorded()
    assert [flags for _, flags in calls] == [0x80000001, 0x80000000]  # CONTINUOUS|SYSTEM_REQUIRED, then clear
    owner = {thread for thread, _ in calls}
    assert len(owner) == 1, "the state was set and cleared from different threads"
    # The keep-awake thread outlived both workers, so its id cannot be one of theirs.
    assert owner.isdisjoint({acquirer, releaser, threading.get_ident()})
    awake.release()
    assert len(kernel32.recorded()) == 2


def test_windows_refusal_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    kernel32 = FakeKernel32(result=0)
    _install_kernel32(monkeypatch, kernel32)
    awake = KeepAwake(platform="win32")

    assert awake.acquire() is False
    assert awake.describe() == "not available: SetThreadExecutionState refused the request"
    assert [flags for _, flags in kernel32.recorded()] == [0x80000001]
    awake.release()


@pytest.mark.skipif(sys.platform == "win32", reason="ctypes.windll exists on Windows")
def test_windows_without_windll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delattr(ctypes, "windll", raising=False)
    awake = KeepAwake(platform="win32")
    assert awake.acquire() is False
    assert awake.describe() == "not available: ctypes.windll.kernel32 is not available"
