"""The handoff message, checked without Qt: what a launch sends and what the running app accepts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from desktop_uploader.gui import handoff
from desktop_uploader.gui.handoff import (
    MAX_MESSAGE_BYTES,
    MAX_PATHS,
    HandoffMessage,
    MessageError,
    decode_message,
    decode_reply,
    encode_message,
    encode_reply,
)
from tests.integration.helpers import TRICKY_NAMES, child_env


def test_round_trip_keeps_every_name_and_makes_relative_paths_absolute() -> None:
    names = [f"/data/{name}" for name in TRICKY_NAMES] + ["relative/one.txt", "../up.txt", "./dot.txt"]
    # A Linux file name need not be UTF-8: Python carries its bytes as lone surrogates.
    undecodable = "/data/" + b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    data = encode_message([*names, undecodable], "/home/me/work")

    assert data.endswith(b"\n") and data.count(b"\n") == 1
    assert data.isascii()
    message = decode_message(data)
    assert message == HandoffMessage(cwd="/home/me/work", paths=(
        *[f"/data/{name}" for name in TRICKY_NAMES],
        "/home/me/work/relative/one.txt", "/home/me/up.txt", "/home/me/work/dot.txt", undecodable))
    assert json.loads(data) == {"version": 1, "cwd": "/home/me/work", "paths": list(message.paths)}


def test_no_paths_is_a_valid_message() -> None:
    assert decode_message(encode_message([], "/")) == HandoffMessage("/", ())


@pytest.mark.parametrize("paths, cwd", [
    (["a"], "relative/cwd"),
    ([""], "/"),
    (["/a\0b"], "/"),
])
def test_encode_refuses_what_cannot_be_a_path(paths: list[str], cwd: str) -> None:
    with pytest.raises(MessageError):
        encode_message(paths, cwd)


def test_encode_refuses_too_many_or_too_long() -> None:
    with pytest.raises(MessageError, match="Too many"):
        encode_message(["/x"] * (MAX_PATHS + 1), "/")
    with pytest.raises(MessageError, match="too long"):
        encode_message(["/" + "x" * 4096] * 2100, "/")


@pytest.mark.parametrize("data, reason", [
    (b"", "not valid JSON"),
    (b"not json\n", "not valid JSON"),
    (b"[1, 2]\n", "not a JSON object"),
    (b'{"cwd": "/", "paths": []}\n', "no protocol version"),
    (b'{"version": true, "cwd": "/", "paths": []}\n', "no protocol version"),
    (b'{"version": "1", "cwd": "/", "paths": []}\n', "no protocol version"),
    (b'{"version": 2, "cwd": "/", "paths": []}\n', "version 2 is not supported"),
    (b'{"version": 1, "paths": []}\n', "working directory"),
    (b'{"version": 1, "cwd": "rel", "paths": []}\n', "working directory"),
    (b'{"version": 1, "cwd": "/", "paths": "/a"}\n', "paths are missing"),
    (b'{"version": 1, "cwd": "/", "paths": ["a"]}\n', "absolute"),
    (b'{"version": 1, "cwd": "/", "paths": [1]}\n', "absolute"),
    (b'{"version": 1, "cwd": "/", "paths": ["/a\\u0000"]}\n', "absolute"),
    (b'{"version": 1, "cwd": "/", "paths": []}\n{"version": 1}\n', "single line"),
    ('{"version": 1, "cwd": "/", "paths": ["/é"]}\n'.encode(), "not valid JSON"),  # the wire is ASCII
], ids=lambda value: value if isinstance(value, str) else None)
def test_decode_refuses_malformed_messages(data: bytes, reason: str) -> None:
    with pytest.raises(MessageError, match=reason):
        decode_message(data)


def test_decode_refuses_oversized_messages_before_parsing() -> None:
    with pytest.raises(MessageError, match="too large"):
        decode_message(b" " * (MAX_MESSAGE_BYTES + 1))


def test_replies() -> None:
    assert decode_reply(encode_reply().rstrip(b"\n")) is None
    assert decode_reply(encode_reply("no thanks")) == "no thanks"
    assert decode_reply(b"garbage") == "The running app sent an unreadable reply."
    assert decode_reply(b'{"ok": "yes"}') == "The running app refused the paths."


def test_socket_name_depends_on_user_and_app_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    first = handoff.socket_name()
    monkeypatch.setenv("DESKTOP_UPLOADER_HOME", str(tmp_path))
    second = handoff.socket_name()
    monkeypatch.setenv("USER", "someone-else")
    monkeypatch.setenv("LOGNAME", "someone-else")
    third = handoff.socket_name()
    assert len({first, second, third}) == 3


def test_handoff_module_loads_no_qt_and_says_when_no_app_runs() -> None:
    code = ("import sys; from desktop_uploader.gui import handoff; import desktop_uploader.integration; "
            "assert not [m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))], 'Qt was imported'; "
            "sys.exit(handoff.main(['/nowhere']))")
    result = subprocess.run([sys.executable, "-c", code], env=child_env(), capture_output=True, text=True,
                            timeout=60, check=False)
    assert result.returncode == 1, result.stderr
    assert result.stderr == ""
