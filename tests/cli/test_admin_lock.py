"""The admin's lock holds on the command line: the system-wide file wins over anything a user can set, a file
the user names only adds restrictions, and options that would change a locked value are refused."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core import locked as lockdown
from desktop_uploader.core.config import Config, Profile


def _keys(seaweed: Any, bucket: str) -> list[str]:
    return sorted(o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", []))


def _system_lock(data: dict[str, Any]) -> Path:
    path = lockdown.system_locked_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({"version": 1, **data}))
    return path


def _own_profile(**values: Any) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="http://127.0.0.1:9/sign", **values))
    config.save()


@pytest.mark.parametrize("option", [["--prefix", "mine/"], ["--key-template", "{filename}"],
                                    ["--endpoint", "http://127.0.0.1:9/sign"], ["--bucket", "elsewhere"]])
def test_options_that_change_a_locked_value_are_refused(tmp_path: Path, seaweed: Any, bucket: str,
                                                        reference_endpoint: Any, option: list[str],
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    _own_profile()
    _system_lock({"profiles": {"field": {"endpoint_url": reference_endpoint.sign_url, "prefix": "locked/",
                                         "key_template": "{relpath}"}}})
    (tmp_path / "a.txt").write_text("a")

    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field", *option]) == 2

    assert "locked by your administrator" in capsys.readouterr().err
    assert _keys(seaweed, bucket) == []


def test_the_system_wide_file_wins_over_the_users_own(tmp_path: Path, seaweed: Any, bucket: str,
                                                      reference_endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    _own_profile()
    _system_lock({"profiles": {"field": {"endpoint_url": reference_endpoint.sign_url, "prefix": "locked/"}}})
    # The user's own "locked" file tries to loosen the prefix and adds a key template of its own.
    mine = tmp_path / "mine.json"
    mine.write_text(json.dumps({"profiles": {"field": {"prefix": "mine/", "key_template": "{stem}-copy.{ext}"}}}))
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(mine))
    (tmp_path / "a.txt").write_text("a")

    # DESKTOP_UPLOADER_HOME is set for every test: it no longer hides the system-wide file either.
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field", "--json"]) == 0

    assert _keys(seaweed, bucket) == ["locked/a-copy.txt"]  # the system's prefix, the user's added template
    # Named by the kiosk's --locked-config instead, the file adds to the system-wide one just the same.
    named = lockdown.load_admin_locks(str(mine))
    assert named.profiles["field"]["prefix"] == "locked/" and named.sources == (lockdown.system_locked_path(), mine)


def test_a_named_file_alone_still_locks(tmp_path: Path, seaweed: Any, bucket: str, reference_endpoint: Any,
                                        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    _own_profile()
    mine = tmp_path / "kiosk-lock.json"
    mine.write_text(json.dumps({"profiles": {"field": {"endpoint_url": reference_endpoint.sign_url,
                                                       "prefix": "kiosk/"}}}))
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(mine))
    (tmp_path / "a.txt").write_text("a")
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field", "--prefix", "other/"]) == 2
    assert "locked by your administrator" in capsys.readouterr().err
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field"]) == 0
    assert _keys(seaweed, bucket) == ["kiosk/a.txt"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="XDG folders are a Linux matter")
def test_xdg_config_dirs_cannot_move_the_system_wide_file(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(tmp_path))
    monkeypatch.setenv("DESKTOP_UPLOADER_HOME", str(tmp_path))
    assert lockdown._system_config_dir() == Path("/etc/xdg/desktop-uploader")
