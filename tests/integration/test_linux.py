"""Linux: every file lands where its file manager reads it, passes any file name through, and goes again."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_uploader.integration import Launcher, Target, common, install, linux, status, uninstall
from desktop_uploader.integration import thunar as uca
from desktop_uploader.integration.plan import (
    CHANGED,
    INSTALLED,
    MISSING,
    NOT_INSTALLED,
    REMOVED,
    SKIPPED,
    SYSTEM_WIDE,
)
from tests.integration.helpers import (
    ROOT,
    StubLauncher,
    expand_exec_by_spec,
    expand_exec_like_glib,
    expand_thunar_command,
    make_tricky_files,
    read_desktop_file,
    tree,
)

APPS = ".local/share/applications/desktop-uploader.desktop"
ICON = ".local/share/icons/hicolor/scalable/apps/desktop-uploader.svg"
NAUTILUS = ".local/share/nautilus/scripts/Upload to S3"
DOLPHIN = ".local/share/kio/servicemenus/desktop-uploader.desktop"
THUNAR = ".config/Thunar/uca.xml"

USERS_UCA = b"""<?xml version="1.0" encoding="UTF-8"?>
<!-- a header comment -->
<actions>
<!-- the user's own actions, laid out their way -->
<action>
    <icon>utilities-terminal</icon>
    <name>Open Terminal Here</name>
    <unique-id>1700000000000000-1</unique-id>
    <command>exo-open --working-directory %f --launch TerminalEmulator</command>
    <description>Example for a custom action</description>
    <patterns>*</patterns>
    <startup-notify/>
    <directories/>
</action>
</actions>
"""


def _home_files(home: Path) -> set[str]:
    return {rel for rel, entry in tree(home).items() if entry[0] == "file"}


def test_install_writes_each_file_where_its_file_manager_reads_it(linux_target: Target, fake_home: Path,
                                                                  stub: StubLauncher) -> None:
    report = install(linux_target)

    assert [r.state for r in report.results] == [INSTALLED] * 5
    assert _home_files(fake_home) == {APPS, ICON, NAUTILUS, DOLPHIN, THUNAR}
    modes = {rel: entry[1] for rel, entry in tree(fake_home).items() if entry[0] == "file"}
    # GNOME Files runs only executable scripts; Dolphin runs user service menus only if executable.
    assert modes == {APPS: "0o644", ICON: "0o644", NAUTILUS: "0o755", DOLPHIN: "0o755", THUNAR: "0o644"}

    entry = read_desktop_file((fake_home / APPS).read_text(encoding="utf-8"))
    main = entry["Desktop Entry"]
    assert main["Type"] == "Application" and main["Name"] == "Desktop Uploader"
    assert main["Icon"] == "desktop-uploader" and main["Terminal"] == "false"
    assert main["Actions"] == "upload;" and entry["Desktop Action upload"]["Name"] == "Upload to S3"
    assert main["StartupWMClass"] == "desktop-uploader"  # the running window's desktop file name
    assert "MimeType" not in main  # never the default app that opens a double-clicked file
    assert (fake_home / ICON).read_bytes().startswith(b"<svg")

    service = read_desktop_file((fake_home / DOLPHIN).read_text(encoding="utf-8"))
    assert service["Desktop Entry"]["Type"] == "Service"
    assert service["Desktop Entry"]["MimeType"] == "all/allfiles;inode/directory;"
    assert service["Desktop Entry"]["Actions"] == "uploadToS3;"
    assert service["Desktop Action uploadToS3"]["Name"] == "Upload to S3"

    script = (fake_home / NAUTILUS).read_text(encoding="utf-8")
    assert script.startswith("#!/bin/sh\n") and script.rstrip().endswith('"$@"')
    assert "NAUTILUS_SCRIPT_SELECTED_FILE_PATHS" not in script

    root = uca.parse((fake_home / THUNAR).read_bytes())
    action = uca.find(root)
    assert action is not None and len(root.findall("action")) == 1
    assert action.findtext("name") == "Upload to S3"
    assert action.findtext("patterns") == "*"
    assert all(action.find(tag) is not None for tag in ("directories", "other-files", "text-files"))
    assert (action.findtext("command") or "").endswith(" %F")

    assert linux_target.manifest_path.is_file()
    assert not linux_target.manifest_path.is_relative_to(fake_home)


def test_xdg_data_and_config_homes_are_honoured(fake_home: Path, stub: StubLauncher, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    install(Target.current_user("linux", launcher=stub.launcher))
    assert (tmp_path / "data" / "applications" / "desktop-uploader.desktop").is_file()
    assert (tmp_path / "data" / "kio" / "servicemenus" / "desktop-uploader.desktop").is_file()
    assert (tmp_path / "data" / "nautilus" / "scripts" / "Upload to S3").is_file()
    assert (tmp_path / "config" / "Thunar" / "uca.xml").is_file()
    assert _home_files(fake_home) == set()


@pytest.mark.parametrize("which", ["desktop entry", "desktop entry action", "Dolphin service menu"])
def test_exec_lines_pass_tricky_names_unchanged(which: str, linux_target: Target, fake_home: Path,
                                                stub: StubLauncher, tmp_path: Path) -> None:
    install(linux_target)
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    if which == "Dolphin service menu":
        exec_line = read_desktop_file((fake_home / DOLPHIN).read_text("utf-8"))["Desktop Action uploadToS3"]["Exec"]
    else:
        groups = read_desktop_file((fake_home / APPS).read_text("utf-8"))
        exec_line = groups["Desktop Entry" if which == "desktop entry" else "Desktop Action upload"]["Exec"]
    expected = [str(stub.path), "gui", "--", *files]

    # The specification's reading and GLib's (field codes, then shell splitting) agree on every name.
    assert expand_exec_by_spec(exec_line, files) == expected
    assert expand_exec_like_glib(exec_line, files) == expected

    subprocess.run(expand_exec_by_spec(exec_line, files), check=True, timeout=60)
    assert [call["argv"] for call in stub.calls()] == [["gui", "--", *files]]


@pytest.mark.skipif(shutil.which("gio") is None, reason="needs GLib's gio tool (Debian: libglib2.0-bin)")
def test_glib_launches_the_desktop_entry_with_tricky_names(linux_target: Target, fake_home: Path,
                                                          stub: StubLauncher, tmp_path: Path, qtbot: QtBot) -> None:
    install(linux_target)
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    subprocess.run(["gio", "launch", str(fake_home / APPS), *files], check=True, timeout=60,
                   capture_output=True)
    qtbot.waitUntil(lambda: len(stub.calls()) == 1, timeout=20_000)
    assert stub.calls()[0]["argv"] == ["gui", "--", *files]


def test_nautilus_script_passes_tricky_names_unchanged(linux_target: Target, fake_home: Path,
                                                       stub: StubLauncher, tmp_path: Path) -> None:
    install(linux_target)
    folder = tmp_path / "files"
    files = [str(p) for p in make_tricky_files(folder)]
    # As GNOME Files runs it: the selection as arguments, in the folder being shown, with the newline-
    # separated list in the environment that the script must not rely on.
    env = {**os.environ, "NAUTILUS_SCRIPT_SELECTED_FILE_PATHS": "\n".join(files) + "\n"}
    subprocess.run([str(fake_home / NAUTILUS), *files], cwd=folder, env=env, check=True, timeout=60)
    # Names relative to the folder arrive as given, with the folder as working directory to resolve them.
    names = [Path(f).name for f in files]
    subprocess.run([str(fake_home / NAUTILUS), *names], cwd=folder, env=env, check=True, timeout=60)
    calls = stub.calls()
    assert [call["argv"] for call in calls] == [["gui", "--", *files], ["gui", "--", *names]]
    assert calls[1]["cwd"] == str(folder)


def test_thunar_command_passes_tricky_names_unchanged(linux_target: Target, fake_home: Path,
                                                      stub: StubLauncher, tmp_path: Path) -> None:
    install(linux_target)
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    action = uca.find(uca.parse((fake_home / THUNAR).read_bytes()))
    assert action is not None
    argv = expand_thunar_command(action.findtext("command") or "", files)
    assert argv == [str(stub.path), "gui", "--", *files]
    subprocess.run(argv, check=True, timeout=60)
    assert [call["argv"] for call in stub.calls()] == [["gui", "--", *files]]


def _populate_unrelated(home: Path) -> None:
    """What a real home already has around the places install writes to."""
    (home / ".local/share/applications").mkdir(parents=True)
    (home / ".local/share/applications/other.desktop").write_text("[Desktop Entry]\nType=Application\n")
    (home / ".config/Thunar").mkdir(parents=True)
    (home / ".config/Thunar/accels.scm").write_text("; Thunar accels\n")
    (home / ".config/Thunar/uca.xml").write_bytes(USERS_UCA)
    (home / ".config/Thunar/uca.xml").chmod(0o600)
    (home / "Documents").mkdir()
    (home / "Documents/report.txt").write_text("report")


@pytest.mark.parametrize("populated", [False, True], ids=["empty home", "lived-in home"])
def test_uninstall_leaves_home_exactly_as_before(populated: bool, linux_target: Target, fake_home: Path) -> None:
    if populated:
        _populate_unrelated(fake_home)
    before = tree(fake_home)

    install(linux_target)
    assert tree(fake_home) != before
    report = uninstall(linux_target)

    assert [r.state for r in report.results] == [REMOVED] * 5
    assert tree(fake_home) == before
    assert not linux_target.manifest_path.exists()
    assert uninstall(linux_target).results == []  # a second uninstall has nothing left to do


def test_thunar_keeps_the_users_actions_and_comments(linux_target: Target, fake_home: Path) -> None:
    _populate_unrelated(fake_home)
    install(linux_target)

    data = (fake_home / THUNAR).read_bytes()
    root = uca.parse(data)
    names = [a.findtext("name") for a in root.findall("action")]
    assert names == ["Open Terminal Here", "Upload to S3"]
    assert b"the user's own actions" in data
    assert (fake_home / THUNAR).stat().st_mode & 0o777 == 0o600


def test_thunar_edits_made_after_install_survive_uninstall(linux_target: Target, fake_home: Path) -> None:
    _populate_unrelated(fake_home)
    install(linux_target)
    # The user adds an action in Thunar, which rewrites the whole file.
    root = uca.parse((fake_home / THUNAR).read_bytes())
    uca.merge(root, uca.ThunarAction(name="Mine", command="mine %f", description="", icon="", unique_id="42"))
    (fake_home / THUNAR).write_bytes(uca.serialize(root))

    uninstall(linux_target)

    left = uca.parse((fake_home / THUNAR).read_bytes())
    assert [a.findtext("name") for a in left.findall("action")] == ["Open Terminal Here", "Mine"]


def test_thunar_file_starts_from_the_system_actions_and_goes_again(linux_target: Target, fake_home: Path,
                                                                   tmp_path: Path) -> None:
    # While the user has no uca.xml, Thunar shows the system's; a new user file must keep those actions.
    system_file = tmp_path / "etc-xdg" / "Thunar" / "uca.xml"
    system_file.parent.mkdir(parents=True)
    system_file.write_bytes(USERS_UCA)
    before = tree(fake_home)

    install(linux_target)
    root = uca.parse((fake_home / THUNAR).read_bytes())
    assert [a.findtext("name") for a in root.findall("action")] == ["Open Terminal Here", "Upload to S3"]

    uninstall(linux_target)
    assert tree(fake_home) == before
    assert system_file.read_bytes() == USERS_UCA


@pytest.mark.parametrize("content", [
    b"<actions><action>",  # cut short
    b'<?xml version="1.0"?><!DOCTYPE actions [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;">]><actions>&b;</actions>',
], ids=["truncated", "entity expansion"])
def test_unreadable_thunar_file_is_left_alone(content: bytes, linux_target: Target, fake_home: Path) -> None:
    (fake_home / ".config/Thunar").mkdir(parents=True)
    (fake_home / THUNAR).write_bytes(content)

    report = install(linux_target)

    states = {r.component: r.state for r in report.results}
    assert states.pop("Thunar custom action") == SKIPPED
    assert set(states.values()) == {INSTALLED}
    assert (fake_home / THUNAR).read_bytes() == content


def test_a_file_that_is_not_ours_is_never_overwritten(linux_target: Target, fake_home: Path) -> None:
    mine = fake_home / NAUTILUS
    mine.parent.mkdir(parents=True)
    mine.write_text("#!/bin/sh\necho my own script\n")
    before = tree(fake_home)

    report = install(linux_target)
    states = {r.component: (r.state, r.detail) for r in report.results}
    assert states["GNOME Files script"][0] == SKIPPED
    assert "already exists" in states["GNOME Files script"][1]
    assert mine.read_text() == "#!/bin/sh\necho my own script\n"

    uninstall(linux_target)
    assert tree(fake_home) == before


def test_status_tells_installed_changed_and_missing(linux_target: Target, fake_home: Path) -> None:
    assert {r.state for r in status(linux_target).results} == {NOT_INSTALLED}
    install(linux_target)
    assert {r.state for r in status(linux_target).results} == {INSTALLED}

    (fake_home / DOLPHIN).write_text("[Desktop Entry]\n")
    (fake_home / NAUTILUS).unlink()
    root = uca.parse((fake_home / THUNAR).read_bytes())
    uca.remove(root)
    (fake_home / THUNAR).write_bytes(uca.serialize(root))

    states = {r.component: r.state for r in status(linux_target).results}
    assert states == {"app icon": INSTALLED, "desktop entry": INSTALLED, "GNOME Files script": MISSING,
                      "Dolphin service menu": CHANGED, "Thunar custom action": MISSING}


def test_install_again_replaces_what_the_last_install_wrote(linux_target: Target, fake_home: Path,
                                                            tmp_path: Path) -> None:
    before = tree(fake_home)
    install(linux_target)
    moved = Launcher(("/opt/Desktop Uploader/desktop-uploader",))
    again = Target.current_user("linux", launcher=moved)

    report = install(again)
    assert {r.state for r in report.results} == {INSTALLED}
    assert "/opt/Desktop Uploader/desktop-uploader" in (fake_home / NAUTILUS).read_text()
    assert len(uca.parse((fake_home / THUNAR).read_bytes()).findall("action")) == 1
    assert "another place" in " ".join(status(linux_target).notes)

    uninstall(again)
    assert tree(fake_home) == before


def test_status_notices_a_launcher_that_is_gone(fake_home: Path, tmp_path: Path) -> None:
    gone = Launcher((str(tmp_path / "nowhere" / "desktop-uploader"),))
    target = Target.current_user("linux", launcher=gone)
    install(target)
    assert "no longer exists" in " ".join(status(target).notes)


def test_source_checkout_launcher_carries_its_pythonpath(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import desktop_uploader

    root = str(Path(desktop_uploader.__file__).resolve().parents[1])
    monkeypatch.setattr("sys.executable", str(tmp_path / "venv" / "bin" / "python"))
    monkeypatch.setenv("PYTHONPATH", root)
    launcher = Launcher.detect("linux")
    assert launcher.argv == ("/usr/bin/env", f"PYTHONPATH={root}", str(tmp_path / "venv" / "bin" / "python"),
                             "-m", "desktop_uploader", "gui", "--")

    script = tmp_path / "venv" / "bin" / "desktop-uploader"
    script.parent.mkdir(parents=True)
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert Launcher.detect("linux").argv == (str(script), "gui", "--")


def test_rendered_icon_sizes_are_installed_when_the_build_has_them(linux_target: Target, fake_home: Path,
                                                                   tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    # A built app ships icons/hicolor/NxN/apps/desktop-uploader.png beside its SVG (see packaging/).
    built = tmp_path / "built" / "icons"
    for size in (16, 48, 256):
        png = built / "hicolor" / f"{size}x{size}" / "apps" / "desktop-uploader.png"
        png.parent.mkdir(parents=True)
        png.write_bytes(b"\x89PNG " + str(size).encode())
    (built / "hicolor" / "scalable" / "apps").mkdir(parents=True)  # not a size: ignored
    monkeypatch.setattr(common, "_icons_dir", lambda: built)
    target = Target.current_user("linux", launcher=linux_target.launcher)
    assert sorted(target.icon_pngs) == [16, 48, 256]
    before = tree(fake_home)
    install(target)
    for size in (16, 48, 256):
        installed = fake_home / f".local/share/icons/hicolor/{size}x{size}/apps/desktop-uploader.png"
        assert installed.read_bytes() == b"\x89PNG " + str(size).encode()
    uninstall(target)
    assert tree(fake_home) == before


# ------------------------------------------------------------------------------- installed for every user


def _install_system_package(system_data: Path, program: Path) -> None:
    """What the Debian package puts under /usr/share, written the way its build writes it."""
    for relative, text in linux.system_menu_files(str(program)).items():
        (system_data / relative).parent.mkdir(parents=True, exist_ok=True)
        (system_data / relative).write_text(text, encoding="utf-8")
    entry = system_data / linux.SYSTEM_WIDE[linux.DESKTOP_ENTRY]
    entry.parent.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "desktop" / "desktop-uploader.desktop", entry)
    icon = system_data / linux.SYSTEM_WIDE[linux.ICON]
    icon.parent.mkdir(parents=True)
    shutil.copy(ROOT / "resources" / "icons" / "app.svg", icon)


def test_what_the_system_package_installed_gets_no_per_user_copy(linux_target: Target, fake_home: Path,
                                                                 system_data: Path, stub: StubLauncher) -> None:
    _install_system_package(system_data, stub.path)
    before = tree(fake_home)

    report = install(linux_target)
    states = {r.component: (r.state, r.where) for r in report.results}
    assert states == {
        "desktop entry": (SYSTEM_WIDE, [str(system_data / "applications/desktop-uploader.desktop")]),
        "app icon": (SYSTEM_WIDE, [str(system_data / "icons/hicolor/scalable/apps/desktop-uploader.svg")]),
        "Dolphin service menu": (SYSTEM_WIDE, [str(system_data / "kio/servicemenus/desktop-uploader.desktop")]),
        "Thunar custom action": (SYSTEM_WIDE, [str(system_data / "Thunar/sendto/desktop-uploader.desktop")]),
        # GNOME Files reads scripts from the user's folder only.
        "GNOME Files script": (INSTALLED, [str(fake_home / NAUTILUS)]),
    }
    assert _home_files(fake_home) == {NAUTILUS}
    assert not any("thunar -q" in note for note in report.notes)
    assert {r.state for r in status(linux_target).results} == {SYSTEM_WIDE, INSTALLED}

    uninstall(linux_target)
    assert tree(fake_home) == before


def test_per_user_copies_made_before_the_package_go_on_the_next_install(linux_target: Target, fake_home: Path,
                                                                        system_data: Path,
                                                                        stub: StubLauncher) -> None:
    install(linux_target)
    assert _home_files(fake_home) == {APPS, ICON, NAUTILUS, DOLPHIN, THUNAR}
    _install_system_package(system_data, stub.path)

    notes = status(linux_target).notes
    assert any("run install again to remove the per-user copies" in note for note in notes)

    install(linux_target)
    assert _home_files(fake_home) == {NAUTILUS}
    assert not any("per-user copies" in note for note in status(linux_target).notes)


@pytest.mark.parametrize("component", [linux.DOLPHIN, linux.THUNAR])
def test_system_menu_entries_pass_tricky_names_unchanged(component: str, stub: StubLauncher,
                                                         tmp_path: Path) -> None:
    entry = read_desktop_file(linux.system_menu_files(str(stub.path))[linux.SYSTEM_WIDE[component]])
    exec_line = entry["Desktop Action uploadToS3" if component == linux.DOLPHIN else "Desktop Entry"]["Exec"]
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    expected = [str(stub.path), "gui", "--", *files]
    assert expand_exec_by_spec(exec_line, files) == expected
    assert expand_exec_like_glib(exec_line, files) == expected
    subprocess.run(expected, check=True, timeout=60)
    assert [call["argv"] for call in stub.calls()] == [["gui", "--", *files]]


def test_menu_entries_prefer_an_installed_command_to_a_virtual_environment(monkeypatch: pytest.MonkeyPatch,
                                                                          tmp_path: Path) -> None:
    venv_bin = tmp_path / "project" / ".venv" / "bin"
    venv_bin.mkdir(parents=True)
    own = venv_bin / "desktop-uploader"
    own.write_text("#!/bin/sh\n")
    own.chmod(0o755)
    monkeypatch.setattr("sys.executable", str(venv_bin / "python"))
    monkeypatch.setattr("sys.prefix", str(venv_bin.parent))
    monkeypatch.setattr("sys.base_prefix", "/usr")
    monkeypatch.delenv("PYTHONPATH", raising=False)

    # Only the environment's own script: used, and the person is told it may move.
    monkeypatch.setenv("PATH", f"{venv_bin}{os.pathsep}/usr/bin")
    launcher = Launcher.detect("linux")
    assert launcher.program == (str(own),) and launcher.in_venv
    assert "virtual environment" in launcher.note and "pipx" in launcher.note

    # An installed command (a pipx link in ~/.local/bin, say) stays put: the entries start that.
    local_bin = tmp_path / "home" / ".local" / "bin"
    local_bin.mkdir(parents=True)
    installed = local_bin / "desktop-uploader"
    installed.write_text("#!/bin/sh\n")
    installed.chmod(0o755)
    monkeypatch.setenv("PATH", f"{local_bin}{os.pathsep}{venv_bin}")
    launcher = Launcher.detect("linux")
    assert launcher.argv == (str(installed), "gui", "--") and launcher.note == ""
