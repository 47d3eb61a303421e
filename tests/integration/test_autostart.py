"""Starting with the session: the entry each platform reads at login, what it starts, and that 'off' removes
exactly it."""

from __future__ import annotations

import plistlib
import subprocess
from pathlib import Path

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.integration import install, status, uninstall
from desktop_uploader.integration.autostart import KIOSK, LAUNCH_AGENT, WINDOW, AutostartTarget, current_mode
from desktop_uploader.integration.plan import INSTALLED, REMOVED, SKIPPED
from desktop_uploader.integration.shortcuts import MemoryShortcuts
from tests.integration.helpers import StubLauncher, expand_exec_by_spec, read_desktop_file

ENTRY = ".config/autostart/desktop-uploader.desktop"


def _started_by(entry: Path) -> list[str]:
    return expand_exec_by_spec(read_desktop_file(entry.read_text(encoding="utf-8"))["Desktop Entry"]["Exec"], [])


def test_the_window_starts_at_login_in_the_tray(fake_home: Path, stub: StubLauncher) -> None:
    target = AutostartTarget.for_mode(WINDOW, "linux", launcher=stub.launcher)
    report = install(target)

    assert [r.state for r in report.results] == [INSTALLED]
    entry = fake_home / ENTRY
    fields = read_desktop_file(entry.read_text(encoding="utf-8"))["Desktop Entry"]
    assert (fields["Type"], fields["Name"], fields["X-GNOME-Autostart-enabled"]) == (
        "Application", "Desktop Uploader", "true")
    argv = _started_by(entry)
    assert argv == [str(stub.path), "gui", "--minimized"]
    subprocess.run(argv, check=True, timeout=30)  # what the session runs at login, quoting and all
    assert [call["argv"] for call in stub.calls()] == [["gui", "--minimized"]]
    assert current_mode("linux") == WINDOW


def test_kiosk_mode_replaces_the_window_and_off_removes_exactly_it(fake_home: Path, stub: StubLauncher) -> None:
    others = fake_home / ".config" / "autostart"
    others.mkdir(parents=True)
    (others / "nextcloud.desktop").write_text("[Desktop Entry]\nType=Application\nExec=nextcloud\n")
    install(AutostartTarget.for_mode(WINDOW, "linux", launcher=stub.launcher))
    install(AutostartTarget.for_mode(KIOSK, "linux", launcher=stub.launcher))

    assert _started_by(fake_home / ENTRY) == [str(stub.path), "kiosk"]
    assert current_mode("linux") == KIOSK
    report = uninstall(AutostartTarget.for_mode(WINDOW, "linux", launcher=stub.launcher))
    assert [r.state for r in report.results] == [REMOVED]
    assert sorted(p.name for p in others.iterdir()) == ["nextcloud.desktop"]  # the folder and the rest stay
    assert current_mode("linux") is None


def test_an_entry_that_is_not_ours_is_left_alone(fake_home: Path, stub: StubLauncher,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    entry = fake_home / ENTRY
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nType=Application\nExec=someone-elses-script\n")
    report = install(AutostartTarget.for_mode(WINDOW, "linux", launcher=stub.launcher))
    assert [r.state for r in report.results] == [SKIPPED]
    assert entry.read_text() == "[Desktop Entry]\nType=Application\nExec=someone-elses-script\n"
    assert current_mode("linux") is None
    assert main(["autostart", "on"]) == 1
    assert "Could not turn on starting at login" in capsys.readouterr().out


def test_a_mac_starts_it_with_a_launch_agent(fake_home: Path, stub: StubLauncher) -> None:
    target = AutostartTarget.for_mode(KIOSK, "macos", launcher=stub.launcher)
    install(target)
    agent = plistlib.loads((fake_home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT}.plist").read_bytes())
    assert agent == {"Label": LAUNCH_AGENT, "ProgramArguments": [str(stub.path), "kiosk"], "RunAtLoad": True,
                     "ProcessType": "Interactive"}
    assert [r.state for r in status(target).results] == [INSTALLED]


def test_windows_starts_it_from_the_startup_folder(fake_home: Path, stub: StubLauncher,
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    target = AutostartTarget.for_mode(WINDOW, "windows", launcher=stub.launcher)
    target.shortcuts = MemoryShortcuts()
    install(target)
    shortcut = tmp_path / "Roaming" / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup" / \
        "Desktop Uploader.lnk"
    spec = MemoryShortcuts.read(shortcut)
    assert (spec.target, spec.arguments) == (str(stub.path), "gui --minimized")


def test_the_command_turns_it_on_and_off(fake_home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["autostart", "status"]) == 0
    assert capsys.readouterr().out.strip() == "Does not start at login."
    assert main(["autostart", "on", "--kiosk"]) == 0
    assert "Starts at login: kiosk mode, watching its folders." in capsys.readouterr().out
    assert (fake_home / ENTRY).is_file()
    assert main(["autostart", "status", "--json"]) == 0
    assert '"starts": "kiosk"' in capsys.readouterr().out
    assert main(["autostart", "off"]) == 0
    assert capsys.readouterr().out.strip() == "Does not start at login any more."
    assert not (fake_home / ENTRY).exists()


def test_kiosk_mode_starts_with_the_admins_locked_configuration(fake_home: Path, tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    # A device set up without admin rights names its lock on the command line; at login it must be named too,
    # or kiosk mode would start unlocked.
    monkeypatch.chdir(tmp_path)
    assert main(["autostart", "on", "--kiosk", "--profile", "field", "--locked-config", "locked.json"]) == 0
    argv = _started_by(fake_home / ENTRY)
    assert argv[1:] == ["kiosk", "--profile", "field", "--locked-config", str(tmp_path / "locked.json")]
    assert current_mode("linux") == KIOSK
    capsys.readouterr()
    assert main(["autostart", "on", "--locked-config", "locked.json"]) == 2
    assert "--locked-config goes with --kiosk" in capsys.readouterr().err
