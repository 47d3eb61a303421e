"""`desktop-uploader integrate install|uninstall|status`: output, JSON and exit codes."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from desktop_uploader.cli import integrate_cmd
from desktop_uploader.integration import linux
from tests.integration.helpers import tree


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="desktop-uploader")
    integrate_cmd.register(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["integrate", *argv])
    code = args.func(args)
    out, err = capsys.readouterr()
    return code, out, err


def test_install_status_uninstall(fake_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = tree(fake_home)
    code, out, _ = _run(capsys, "status", "--platform", "linux")
    assert code == 1 and "not installed  GNOME Files script" in out

    code, out, err = _run(capsys, "install", "--platform", "linux")
    assert code == 0, err
    assert "installed  Dolphin service menu" in out
    assert str(fake_home / ".local/share/nautilus/scripts/Upload to S3") in out
    assert "thunar -q" in out

    code, out, _ = _run(capsys, "status", "--platform", "linux", "--json")
    assert code == 0
    result = json.loads(out)
    assert result["action"] == "status" and result["installed_at"]
    assert {c["component"]: c["state"] for c in result["components"]} == {
        "app icon": "installed", "desktop entry": "installed", "GNOME Files script": "installed",
        "Dolphin service menu": "installed", "Thunar custom action": "installed"}

    code, out, _ = _run(capsys, "uninstall", "--platform", "linux")
    assert code == 0 and out.startswith("Removed “Upload to S3” for Linux:")
    assert tree(fake_home) == before

    code, out, _ = _run(capsys, "uninstall", "--platform", "linux")
    assert code == 0 and "Nothing to remove" in out


def test_dry_run_shows_another_platforms_entries_and_writes_nothing(fake_home: Path, tmp_path: Path,
                                                                    capsys: pytest.CaptureFixture[str],
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    before = tree(fake_home)
    code, out, err = _run(capsys, "install", "--platform", "windows", "--dry-run")
    assert code == 0, err
    assert "would install  Explorer menu for files" in out
    assert r"HKEY_CURRENT_USER\Software\Classes\*\shell\DesktopUploader\command" in out
    assert tree(fake_home) == before and not (tmp_path / "AppData").exists()


def test_registry_entries_off_windows_fail_clearly(fake_home: Path, tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPDATA", str(tmp_path / "AppData"))
    code, out, err = _run(capsys, "install", "--platform", "windows")
    assert code == 1 and out == ""
    assert "only be written on Windows" in err


def test_macos_files_can_be_generated_anywhere(fake_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _run(capsys, "install", "--platform", "macos")
    assert code == 0 and "Finder Quick Action" in out
    assert (fake_home / "Library/Services/Upload to S3.workflow/Contents/document.wflow").is_file()
    assert _run(capsys, "uninstall", "--platform", "macos")[0] == 0
    assert not (fake_home / "Library").exists()


def test_skipped_component_makes_install_fail(fake_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    script = fake_home / ".local/share/nautilus/scripts/Upload to S3"
    script.parent.mkdir(parents=True)
    script.write_text("mine")
    code, out, _ = _run(capsys, "install", "--platform", "linux")
    assert code == 1
    assert "skipped    GNOME Files script" in out and "already exists" in out
    _run(capsys, "uninstall", "--platform", "linux")
    assert script.read_text() == "mine"


def test_install_succeeds_beside_the_system_package(fake_home: Path, system_data: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    for relative in linux.SYSTEM_WIDE.values():
        (system_data / relative).parent.mkdir(parents=True, exist_ok=True)
        (system_data / relative).write_text("[Desktop Entry]\n", encoding="utf-8")

    code, out, err = _run(capsys, "install", "--platform", "linux")
    assert code == 0, err
    assert f"system-wide  Dolphin service menu\n{' ' * 17}{system_data}/kio/servicemenus/" in out
    assert "thunar -q" not in out
    code, out, _ = _run(capsys, "status", "--platform", "linux", "--json")
    assert code == 0
    assert {c["component"]: c["state"] for c in json.loads(out)["components"]} == {
        "app icon": "system-wide", "desktop entry": "system-wide", "GNOME Files script": "installed",
        "Dolphin service menu": "system-wide", "Thunar custom action": "system-wide"}
