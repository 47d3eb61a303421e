"""`fleet` commands: PIN from stdin only, export/import without secrets, identity, locked check."""

from __future__ import annotations

import argparse
import io
import json
import sys
from pathlib import Path

import pytest

from desktop_uploader.cli import kiosk_cmd
from desktop_uploader.cli.common import UsageError
from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.locked import LockedConfig
from desktop_uploader.kiosk import pin_place
from desktop_uploader.kiosk.pin import PinStore, record_matches


def run(*argv: str, stdin: str = "") -> int:
    """Parse with the commands registered the way cli/main.py does, then run with ``stdin`` piped in."""
    parser = argparse.ArgumentParser(prog="desktop-uploader")
    sub = parser.add_subparsers(dest="command")
    kiosk_cmd.register(sub)
    args = parser.parse_args(argv)
    old = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        code: int = args.func(args)
    finally:
        sys.stdin = old
    return code


@pytest.fixture
def as_user(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run the command as an ordinary user (the tests themselves may run as root)."""
    monkeypatch.setattr(pin_place, "is_administrator", lambda: False)


@pytest.fixture
def as_admin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pin_place, "is_administrator", lambda: True)


def test_set_pin_reads_stdin_and_never_takes_an_argument(as_user: None) -> None:
    assert run("fleet", "set-pin", stdin="975310\n") == 0
    assert PinStore().verify("975310").ok
    with pytest.raises(SystemExit):
        run("fleet", "set-pin", "1234")


def test_set_pin_print_record(capsys: pytest.CaptureFixture[str], as_user: None) -> None:
    assert run("fleet", "set-pin", "--print-record", stdin="8642\n") == 0
    record = json.loads(capsys.readouterr().out)
    assert record_matches(record, "8642")
    assert not PinStore().is_set()


def test_set_pin_refuses_short(as_user: None) -> None:
    with pytest.raises(UsageError, match="at least 4"):
        run("fleet", "set-pin", stdin="12\n")


def test_export_then_import_on_another_device(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="https://sign.example.org/sign?api_key=hunter2",
                       secret_headers=["Authorization"]))
    config.save()
    out = tmp_path / "fleet.json"
    assert run("fleet", "export", str(out)) == 0
    err = capsys.readouterr().err
    assert "endpoint_url?api_key" in err and "credentials set --profile field" in err
    assert "hunter2" not in out.read_text()
    with pytest.raises(UsageError, match="exists"):
        run("fleet", "export", str(out))

    # "Another device": a fresh home.
    monkeypatch.setenv("DESKTOP_UPLOADER_HOME", str(tmp_path / "other-device"))
    assert run("fleet", "import", str(out)) == 0
    printed = capsys.readouterr().out
    assert "Added: field" in printed
    assert "credentials set --profile field --header Authorization" in printed
    assert Config.load().profiles["field"].endpoint_url == "https://sign.example.org/sign"


def test_identity_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fleet", "identity", "--device-name", "field-07", "--json") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["device_name"] == "field-07" and len(info["install_id"]) == 36
    assert run("fleet", "identity", "--json") == 0
    assert json.loads(capsys.readouterr().out)["install_id"] == info["install_id"]


def test_show_locked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text(json.dumps({"profiles": {"field": {"endpoint_url": "https://s.example.org/sign"}},
                                  "kiosk": {"profile": "field", "unmetered_only": True}}))
    assert run("fleet", "show-locked", "--locked-config", str(locked), "--json") == 0
    info = json.loads(capsys.readouterr().out)
    assert info["kiosk"] == ["profile", "unmetered_only"] and info["profiles"] == {"field": ["endpoint_url"]}
    assert kiosk_cmd.starts_in_kiosk(str(locked)) is False
    locked.write_text(json.dumps({"kiosk": {"enabled": True}}))
    assert kiosk_cmd.starts_in_kiosk(str(locked)) is True


def test_replacing_the_pin_needs_the_current_one(as_user: None) -> None:
    assert run("fleet", "set-pin", stdin="975310\n") == 0
    # Before: any user could set a new PIN without knowing the old one.
    with pytest.raises(UsageError, match="not the current admin PIN"):
        run("fleet", "set-pin", stdin="111111\n222222\n")
    assert PinStore().verify("975310").ok
    assert run("fleet", "set-pin", stdin="975310\n222222\n") == 0
    assert PinStore().verify("222222").ok and not PinStore().verify("975310").ok


def test_wrong_current_pins_lock_the_change_out_too(as_user: None) -> None:
    assert run("fleet", "set-pin", stdin="975310\n") == 0
    for _ in range(2):
        with pytest.raises(UsageError, match="not the current admin PIN"):
            run("fleet", "set-pin", stdin="000000\n222222\n")
    with pytest.raises(UsageError, match="Too many wrong PINs"):
        run("fleet", "set-pin", stdin="000000\n222222\n")
    with pytest.raises(UsageError, match="not the current admin PIN"):  # locked: even the right one waits
        run("fleet", "set-pin", stdin="975310\n222222\n")


def test_an_administrators_pin_is_kept_where_the_user_cannot_change_it(as_admin: None,
                                                                       monkeypatch: pytest.MonkeyPatch,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fleet", "set-pin", stdin="864213\n") == 0
    path = pin_place.system_pin_path()
    assert str(path) in capsys.readouterr().out and oct(path.stat().st_mode & 0o777) == "0o644"
    store = pin_place.open_pin_store(LockedConfig())
    assert store.fixed and store.verify("864213").ok
    assert not PinStore().is_set()  # nothing in the user's own folder
    monkeypatch.setattr(pin_place, "is_administrator", lambda: False)
    with pytest.raises(UsageError, match="locked by your administrator"):
        run("fleet", "set-pin", stdin="864213\n111111\n")


def test_a_deleted_pin_record_cannot_be_replaced_by_whoever_is_there(as_user: None) -> None:
    assert run("fleet", "set-pin", stdin="975310\n") == 0
    PinStore().path.unlink()
    store = pin_place.open_pin_store(LockedConfig())
    assert store.missing()
    with pytest.raises(UsageError, match="needs administrator rights"):
        run("fleet", "set-pin", stdin="111111\n")
