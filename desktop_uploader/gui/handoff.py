"""Handing paths to the running app: the message format, the socket name and the sending side.

Nothing here imports Qt at module level, so a launch that only hands its paths over stays quick, which
matters when a file manager starts the app once per selected file. The listening side is
:class:`desktop_uploader.gui.single_instance.InstanceServer`.

The wire format is one newline-terminated JSON object ``{"version": 1, "cwd": ..., "paths": [...]}``
answered by ``{"version": 1, "ok": true}`` (or ``"ok": false`` and an ``"error"``).

``python -m desktop_uploader.gui.handoff [--] PATH...`` hands paths over and exits: 0 when the running app
took them, 1 when none is running (or it refused them), 2 for bad arguments.
"""

from __future__ import annotations

import argparse
import getpass
import hashlib
import json
import logging
import os
import socket
import stat
import sys
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_uploader.core.paths import HOME_ENV

log = logging.getLogger(__name__)

PROTOCOL_VERSION = 1
# Ten thousand long paths fit comfortably; a peer that sends more is not one of ours.
MAX_MESSAGE_BYTES = 8 * 1024 * 1024
MAX_PATHS = 100_000
MAX_REPLY_BYTES = 4096
DEFAULT_TIMEOUT_MS = 2000
# Unix socket paths must fit in sockaddr_un.sun_path (108 bytes on Linux, 104 on macOS), with room to spare.
_MAX_SOCKET_PATH = 100


class MessageError(ValueError):
    """A handoff message is malformed, too large, or of a protocol version this app does not speak."""


@dataclass(frozen=True)
class HandoffMessage:
    cwd: str
    paths: tuple[str, ...]


# ---------------------------------------------------------------------------------------------- protocol


def _absolute(path: str, cwd: str) -> str:
    # Only joined and normalised, not resolved: the user chose this name, and resolving symlinks would
    # change which folder an upload's keys are named after.
    return os.path.normpath(os.path.join(cwd, path))


def _valid_path(path: object) -> bool:
    return isinstance(path, str) and os.path.isabs(path) and "\0" not in path


def encode_message(paths: Iterable[str], cwd: str) -> bytes:
    """The wire form of a handoff; relative paths are made absolute against ``cwd``.

    JSON's ASCII escapes carry every Python string, including the surrogate-escaped bytes that stand for
    undecodable file names on Linux, so such a path arrives exactly as the sender saw it.
    """
    if not _valid_path(cwd):
        raise MessageError("The working directory must be an absolute path.")
    absolute = []
    for path in paths:
        if not path or "\0" in path:
            raise MessageError("A path is empty or contains a NUL character.")
        absolute.append(_absolute(path, cwd))
    if len(absolute) > MAX_PATHS:
        raise MessageError(f"Too many paths for one launch (at most {MAX_PATHS}).")
    body = json.dumps({"version": PROTOCOL_VERSION, "cwd": cwd, "paths": absolute},
                      ensure_ascii=True, separators=(",", ":"))
    data = body.encode("ascii") + b"\n"
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError(f"The paths are too long to hand over at once ({len(data)} bytes).")
    return data


def decode_message(data: bytes) -> HandoffMessage:
    """Parse and check one message (its trailing newline optional); raise :class:`MessageError`."""
    if len(data) > MAX_MESSAGE_BYTES:
        raise MessageError("The message is too large.")
    if data.endswith(b"\n"):
        data = data[:-1]
    if b"\n" in data:
        raise MessageError("A message is a single line.")
    try:
        value = json.loads(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError) as exc:
        raise MessageError(f"The message is not valid JSON: {exc}") from None
    if not isinstance(value, dict):
        raise MessageError("The message is not a JSON object.")
    version = value.get("version")
    if type(version) is not int:  # bool is an int to isinstance
        raise MessageError("The message has no protocol version.")
    if version != PROTOCOL_VERSION:
        # A newer launcher talking to an older running app: refuse rather than guess at the fields.
        raise MessageError(f"Protocol version {version} is not supported (this app speaks {PROTOCOL_VERSION}).")
    cwd = value.get("cwd")
    paths = value.get("paths")
    if not _valid_path(cwd):
        raise MessageError("The working directory is missing or not absolute.")
    if not isinstance(paths, list) or len(paths) > MAX_PATHS:
        raise MessageError("The paths are missing or too many.")
    if not all(_valid_path(path) for path in paths):
        raise MessageError("Every path must be an absolute path.")
    return HandoffMessage(cwd=str(cwd), paths=tuple(paths))


def encode_reply(error: str | None = None) -> bytes:
    reply: dict[str, Any] = {"version": PROTOCOL_VERSION, "ok": error is None}
    if error is not None:
        reply["error"] = error[:500]
    return json.dumps(reply, ensure_ascii=True).encode("ascii") + b"\n"


def decode_reply(data: bytes) -> str | None:
    """``None`` when the running app accepted the message, else its reason for refusing."""
    try:
        value = json.loads(data.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return "The running app sent an unreadable reply."
    if isinstance(value, dict) and value.get("ok") is True:
        return None
    reason = value.get("error") if isinstance(value, dict) else None
    return reason if isinstance(reason, str) else "The running app refused the paths."


# ------------------------------------------------------------------------------------------ socket name


def _user_name() -> str:
    try:
        return getpass.getuser()
    except (OSError, KeyError):  # no login name in the environment and none in the password database
        return str(os.getuid()) if hasattr(os, "getuid") else "user"


def instance_key() -> str:
    """Different users, and different app homes of one user (tests, portable setups), never share a socket."""
    home = os.environ.get(HOME_ENV) or ""
    if home:
        home = os.path.realpath(home)
    raw = f"{_user_name()}\0{home}".encode("utf-8", "surrogateescape")
    return hashlib.sha256(raw).hexdigest()[:16]


def _private_dir(path: Path) -> Path | None:
    """``path`` as a directory only this user can use, or ``None`` if it belongs to someone else.

    A directory in a shared temp folder may have been made by another user to intercept the socket, so
    it is used only if it is ours, and made private if it is ours but too open.
    """
    try:
        path.mkdir(mode=0o700, exist_ok=True)
        info = path.lstat()
    except OSError as exc:
        log.debug("Cannot use %s for the instance socket: %s", path, exc)
        return None
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        log.warning("Not using %s for the instance socket: it is not a directory owned by this user.", path)
        return None
    if info.st_mode & 0o077:
        try:
            path.chmod(0o700)
        except OSError:
            return None
    return path


def _socket_dirs() -> list[Path]:
    uid = os.getuid()
    candidates = []
    runtime = os.environ.get("XDG_RUNTIME_DIR")
    if runtime and os.path.isabs(runtime) and os.path.isdir(runtime):
        candidates.append(Path(runtime) / "desktop-uploader")
    candidates.append(Path(tempfile.gettempdir()) / f"desktop-uploader-{uid}")
    candidates.append(Path("/tmp") / f"desktop-uploader-{uid}")  # noqa: S108 - ownership-checked, 0700
    return candidates


def socket_name() -> str:
    """The server name for this user and app home: a socket path on Unix, a pipe name on Windows.

    Raises :class:`OSError` when no private directory can be had for the socket.
    """
    key = instance_key()
    if sys.platform == "win32":
        return f"desktop-uploader-{key}"
    for candidate in _socket_dirs():
        full = candidate / f"du-{key}.sock"
        if len(os.fsencode(full)) > _MAX_SOCKET_PATH:
            continue
        directory = _private_dir(candidate)
        if directory is not None:
            return str(directory / full.name)
    raise OSError("No private directory is available for the instance socket.")


# --------------------------------------------------------------------------------------------- sending


def _send_unix(name: str, data: bytes, timeout_ms: int, require_reply: bool) -> bool:
    # A QLocalServer on Unix is a plain AF_UNIX stream socket, so no Qt is needed to reach it.
    deadline = time.monotonic() + timeout_ms / 1000

    def remaining() -> float:
        return max(0.001, deadline - time.monotonic())

    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.settimeout(remaining())
        try:
            sock.connect(name)
        except OSError as exc:  # no socket file, or one left by an app that is gone
            log.debug("No running instance at %s: %s", name, exc)
            return False
        try:
            sock.settimeout(remaining())
            sock.sendall(data)
        except OSError as exc:
            log.warning("The running app did not take the paths: %s", exc)
            return False
        reply = bytearray()
        try:
            while b"\n" not in reply and len(reply) < MAX_REPLY_BYTES:
                sock.settimeout(remaining())
                chunk = sock.recv(MAX_REPLY_BYTES)
                if not chunk:
                    break
                reply += chunk
        except TimeoutError:
            # Still starting up: the message waits in the socket until the app's event loop runs.
            log.debug("No reply from the running app in time; the paths wait in its socket.")
            return not require_reply
        except OSError as exc:
            log.debug("Reading the running app's reply failed: %s", exc)
            return True
    return _accepted(bytes(reply))


def _send_qt(name: str, data: bytes, timeout_ms: int, require_reply: bool) -> bool:
    # Windows' local sockets are named pipes with Qt's own conventions; Qt's client speaks them natively.
    from PySide6.QtCore import QDeadlineTimer
    from PySide6.QtNetwork import QLocalSocket

    deadline = QDeadlineTimer(timeout_ms)
    sock = QLocalSocket()
    try:
        sock.connectToServer(name)
        if not sock.waitForConnected(max(1, deadline.remainingTime())):
            log.debug("No running instance at %s: %s", name, sock.errorString())
            return False
        sock.write(data)
        while sock.bytesToWrite() > 0:
            if deadline.hasExpired() or not sock.waitForBytesWritten(max(1, deadline.remainingTime())):
                log.warning("The running app did not take the paths: %s", sock.errorString())
                return False
        reply = bytearray()
        while b"\n" not in reply and len(reply) < MAX_REPLY_BYTES:
            if deadline.hasExpired() or not sock.waitForReadyRead(max(1, deadline.remainingTime())):
                if sock.state() != QLocalSocket.LocalSocketState.ConnectedState:
                    break
                log.debug("No reply from the running app in time; the paths wait in its socket.")
                return not require_reply
            reply += sock.readAll().data()
        return _accepted(bytes(reply))
    finally:
        sock.abort()


def _accepted(reply: bytes) -> bool:
    if not reply:
        # Closed without a word: an app of this kind always answers, so this one did not read the message.
        log.warning("The running app closed the connection without answering.")
        return False
    refusal = decode_reply(reply.split(b"\n", 1)[0])
    if refusal is not None:
        log.warning("The running app refused the paths: %s", refusal)
        return False
    return True


def send_to_running_instance(paths: Sequence[str], cwd: str, timeout_ms: int = DEFAULT_TIMEOUT_MS, *,
                             name: str | None = None, use_qt: bool | None = None,
                             require_reply: bool = False) -> bool:
    """Hand ``paths`` to this user's running app; ``False`` when none is running or it refused them.

    Needs no event loop and no QApplication. An app that is still starting up reads the message once its
    event loop runs, so when the whole message was written but no reply came within ``timeout_ms`` it
    still counts as delivered, unless ``require_reply`` (then only an answer from the running app counts).
    Raises :class:`MessageError` for paths that cannot be sent at all.
    """
    data = encode_message(paths, cwd)
    try:
        name = name or socket_name()
    except OSError as exc:
        log.warning("%s", exc)
        return False
    if use_qt is None:
        use_qt = sys.platform == "win32"
    send = _send_qt if use_qt else _send_unix
    return send(name, data, timeout_ms, require_reply)


# ------------------------------------------------------------------------------------------------ main


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m desktop_uploader.gui.handoff",
                                     description="Hand files to the running Desktop Uploader window.")
    parser.add_argument("--timeout-ms", type=int, default=DEFAULT_TIMEOUT_MS,
                        help="how long to wait for the running app (default: %(default)s)")
    parser.add_argument("--require-reply", action="store_true",
                        help="succeed only if the running app answers in time (it answers from its event loop)")
    parser.add_argument("paths", nargs="*", metavar="PATH")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    try:
        delivered = send_to_running_instance(args.paths, os.getcwd(), timeout_ms=args.timeout_ms,
                                             require_reply=args.require_reply)
    except MessageError as exc:
        print(f"desktop-uploader: {exc}", file=sys.stderr)
        return 2
    return 0 if delivered else 1


if __name__ == "__main__":
    raise SystemExit(main())
