"""Keychain fixtures: an in-memory keyring, and a real Secret Service (gnome-keyring on a private D-Bus).

``memory_keyring`` is for tests that only need *a* working keyring. ``secret_service`` runs the real
daemon the product talks to on Linux desktops, so the code path through SecretStorage and D-Bus is
exercised for real; it is session-scoped because starting two daemons costs about a second.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import shutil
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import keyring
import keyring.backend
import pytest
from jeepney.bus_messages import message_bus
from jeepney.io.blocking import open_dbus_connection
from keyring.compat import properties
from keyring.errors import PasswordDeleteError

SECRETS_BUS_NAME = "org.freedesktop.secrets"
_START_TIMEOUT = 15.0
_STOP_GRACE = 5.0
_KEYRING_PASSWORD = b"test-keyring-password"


class MemoryKeyring(keyring.backend.KeyringBackend):
    """A keyring that keeps passwords in a dict, for tests only."""

    # Negative priority: keyring registers every backend class it sees, and this one must never be
    # chosen automatically for a process just because a test module imported it.
    @properties.classproperty
    def priority(cls) -> float:
        return -1

    def __init__(self) -> None:
        super().__init__()
        self.passwords: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.passwords.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.passwords[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        try:
            del self.passwords[(service, username)]
        except KeyError:
            raise PasswordDeleteError(f"No password for {username!r} on {service!r}") from None


@pytest.fixture
def memory_keyring() -> Iterator[MemoryKeyring]:
    """Install an empty :class:`MemoryKeyring` as keyring's backend for one test."""
    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    try:
        yield ring
    finally:
        keyring.set_keyring(previous)


@dataclass
class SecretServiceBus:
    """A private session bus with gnome-keyring's Secret Service on it."""

    address: str
    home: Path
    env: dict[str, str] = field(repr=False)


def _require_binary(name: str, package: str, purpose: str = "the real Secret Service cannot be started") -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(
            f"'{name}' is not installed, so {purpose}. "
            f"Install it with: apt-get install -y --no-install-recommends {package} "
            "(.ci/run does this).",
            pytrace=False,
        )
    return path


@contextlib.contextmanager
def private_session_bus(socket: Path, env: dict[str, str] | None = None, *,
                        purpose: str = "a private D-Bus cannot be started",
                        timeout: float = _START_TIMEOUT) -> Iterator[str]:
    """Run a throwaway ``dbus-daemon`` on *socket* (so nothing else can be on it); yield its address."""
    dbus_daemon = _require_binary("dbus-daemon", "dbus-daemon", purpose)
    proc = subprocess.Popen(
        [dbus_daemon, "--session", "--nofork", "--print-address=1", f"--address=unix:path={socket}"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    try:
        assert proc.stdout is not None
        address = _read_line(proc.stdout, time.monotonic() + timeout).decode()
        if not address:
            pytest.fail(f"dbus-daemon did not print its address (exit code {proc.poll()}).", pytrace=False)
        yield address
    finally:
        _stop(proc)
        with contextlib.suppress(OSError):
            socket.unlink()


def _read_line(stream: IO[bytes], deadline: float) -> bytes:
    """Read one line from a child's stdout without blocking past ``deadline``."""
    buffer = b""
    with selectors.DefaultSelector() as selector:
        selector.register(stream, selectors.EVENT_READ)
        while not buffer.endswith(b"\n"):
            remaining = deadline - time.monotonic()
            if remaining <= 0 or not selector.select(remaining):
                break
            chunk = os.read(stream.fileno(), 4096)
            if not chunk:
                break
            buffer += chunk
    return buffer.strip()


def _stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.terminate()
        try:
            proc.wait(timeout=_STOP_GRACE)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def _name_has_owner(address: str, name: str) -> bool:
    try:
        with open_dbus_connection(bus=address) as conn:
            reply = conn.send_and_get_reply(message_bus.NameHasOwner(name), timeout=2)
    except (OSError, TimeoutError, ValueError):
        return False
    return bool(reply.body[0])


def _log_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")[-3000:] or "(empty)"
    except OSError:
        return "(no log)"


@pytest.fixture(scope="session")
def secret_service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SecretServiceBus]:
    """Start dbus-daemon and an unlocked gnome-keyring-daemon for the whole session.

    Tests point ``DBUS_SESSION_BUS_ADDRESS`` at ``secret_service.address`` (with monkeypatch) and use
    ``keyring.backends.SecretService.Keyring()``. Nothing touches the user's own keyring: the
    daemon's HOME and XDG directories live in a temp dir.
    """
    gnome_keyring = _require_binary("gnome-keyring-daemon", "gnome-keyring")

    root = tmp_path_factory.mktemp("secret-service")
    home = root / "home"
    runtime = root / "run"
    for directory in (home / ".local" / "share", home / ".config", home / ".cache", runtime):
        directory.mkdir(parents=True)
    runtime.chmod(0o700)
    env = dict(os.environ)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        XDG_CACHE_HOME=str(home / ".cache"),
        # gnome-keyring puts its control socket here; without it, it falls back to /tmp.
        XDG_RUNTIME_DIR=str(runtime),
    )
    # The keyring must never try to show an unlock prompt on whatever display the developer has.
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)

    deadline = time.monotonic() + _START_TIMEOUT
    keyring_proc: subprocess.Popen[bytes] | None = None
    keyring_log = root / "gnome-keyring.log"
    with contextlib.ExitStack() as stack:
        address = stack.enter_context(private_session_bus(root / "bus", env))

        def stop_keyring() -> None:
            if keyring_proc is not None:
                _stop(keyring_proc)

        stack.callback(stop_keyring)
        env["DBUS_SESSION_BUS_ADDRESS"] = address

        with open(keyring_log, "wb") as log:
            keyring_proc = subprocess.Popen(
                [gnome_keyring, "--foreground", "--unlock", "--components=secrets"],
                stdin=subprocess.PIPE,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=env,
                cwd=home,
            )
        assert keyring_proc.stdin is not None
        # --unlock reads the login keyring's password from stdin up to EOF; a fresh HOME means the
        # keyring is created with this password, unlocked, and becomes the default collection.
        keyring_proc.stdin.write(_KEYRING_PASSWORD)
        keyring_proc.stdin.close()

        while not _name_has_owner(address, SECRETS_BUS_NAME):
            if keyring_proc.poll() is not None:
                pytest.fail(
                    f"gnome-keyring-daemon exited with code {keyring_proc.returncode}:\n{_log_text(keyring_log)}",
                    pytrace=False,
                )
            if time.monotonic() > deadline:
                pytest.fail(
                    f"{SECRETS_BUS_NAME} did not appear on the bus within {_START_TIMEOUT:g} s:\n"
                    f"{_log_text(keyring_log)}",
                    pytrace=False,
                )
            time.sleep(0.05)

        yield SecretServiceBus(address=address, home=home, env=env)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tag the tests that start the daemons, so `-m "not secret_service"` can leave them out.
    for item in items:
        if "secret_service" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.secret_service)
