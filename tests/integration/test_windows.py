"""Windows: the registry keys, command lines and Send To shortcut, checked on any OS through the fakes."""

from __future__ import annotations

import random
import subprocess
from pathlib import Path

import pytest

from desktop_uploader.integration import IntegrationError, Launcher, Target, install, status, uninstall
from desktop_uploader.integration.common import windows_arg, windows_command, windows_program
from desktop_uploader.integration.plan import CHANGED, INSTALLED, KEPT, MISSING, REMOVED, SKIPPED
from desktop_uploader.integration.registry import MemoryRegistry, parent_keys
from desktop_uploader.integration.shortcuts import MemoryShortcuts
from tests.integration.helpers import command_line_to_argv, tree

PROGRAM = r"C:\Users\Zoë O'Neil\AppData\Local\Programs\Desktop Uploader\desktop-uploader-gui.exe"
FILE_KEY = r"Software\Classes\*\shell\DesktopUploader"
FOLDER_KEY = r"Software\Classes\Directory\shell\DesktopUploader"

# What Explorer may put in place of %1: anything but the characters Windows forbids in names (<>:"/\|?*).
EXPLORER_PATHS = [
    r"C:\plain.txt",
    r"C:\Users\Zoë\My Documents\with space.txt",
    r"C:\quote's & ampersand ^caret %PATH% 100%.txt",
    r"D:\ünïcødé\日本語 ✓\file;comma,semi=equals.txt",
    r"\\server\share\folder with space",
    r"C:\folder\-leading-dash",
]


@pytest.fixture
def appdata(tmp_path: Path) -> Path:
    path = tmp_path / "AppData" / "Roaming"
    (path / "Microsoft" / "Windows" / "SendTo").mkdir(parents=True)
    return path


@pytest.fixture
def registry() -> MemoryRegistry:
    # What HKEY_CURRENT_USER already holds: other apps' verbs, which must survive untouched.
    return MemoryRegistry({
        r"Software\Classes\Directory\shell\OtherApp": {"MUIVerb": "Other app"},
        r"Software\Classes\Directory\shell\OtherApp\command": {"": '"C:\\Other\\other.exe" "%1"'},
        r"Software\Microsoft\Windows\CurrentVersion\Run": {},
    })


@pytest.fixture
def target(appdata: Path, registry: MemoryRegistry, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Target:
    monkeypatch.setenv("APPDATA", str(appdata))
    target = Target.current_user("windows", launcher=Launcher((PROGRAM,), frozen=True))
    target.registry = registry
    target.shortcuts = MemoryShortcuts()
    return target


def test_windows_arg_round_trips_through_command_line_to_argv() -> None:
    samples = ["", "plain", "with space", 'quote"inside', "trailing\\", "trailing space\\", 'back\\"quote',
               "\\\\server\\share\\", "tab\there", "many\\\\\\\\\"quotes\"\\", "ünï 日本", "%1 & ^ |"]
    rng = random.Random(20240229)
    alphabet = 'ab \\\t"é%&^'
    samples += ["".join(rng.choice(alphabet) for _ in range(rng.randrange(12))) for _ in range(500)]
    line = " ".join([windows_program(PROGRAM), *(windows_arg(sample) for sample in samples)])
    assert command_line_to_argv(line) == [PROGRAM, *samples]
    # Python's own quoting (the C runtime's rules) reads the same way.
    assert command_line_to_argv(f'"{PROGRAM}" ' + subprocess.list2cmdline(samples)) == [PROGRAM, *samples]
    assert windows_arg("simple") == "simple" and windows_arg("a b") == '"a b"'


def test_command_lines_refuse_what_explorer_would_misread() -> None:
    with pytest.raises(IntegrationError, match="'%'"):
        windows_command([r"C:\100%\app.exe"], '"%1"')
    with pytest.raises(IntegrationError, match="double quote"):
        windows_command(['C:\\a"b\\app.exe'])


def test_install_writes_verbs_for_files_and_folders_and_a_send_to_shortcut(target: Target, registry: MemoryRegistry,
                                                                         appdata: Path) -> None:
    before = registry.snapshot()
    report = install(target)
    assert [r.state for r in report.results] == [INSTALLED] * 3

    after = registry.snapshot()
    added = {key: values for key, values in after.items() if key not in before}
    command = f'"{PROGRAM}" gui -- "%1"'
    verb = {"MUIVerb": "Upload to S3", "MultiSelectModel": "Player", "Icon": f"{PROGRAM},0"}
    assert added == {
        r"Software\Classes\*": {},
        r"Software\Classes\*\shell": {},
        FILE_KEY: verb,
        FILE_KEY + r"\command": {"": command},
        FOLDER_KEY: verb,
        FOLDER_KEY + r"\command": {"": command},
    }
    assert {key: after[key] for key in before} == before

    shortcut = appdata / "Microsoft" / "Windows" / "SendTo" / "Upload to S3.lnk"
    spec = MemoryShortcuts.read(shortcut)
    assert spec.target == PROGRAM and spec.arguments == "gui --" and spec.icon == f"{PROGRAM},0"


@pytest.mark.parametrize("path", EXPLORER_PATHS)
def test_each_path_explorer_substitutes_arrives_unchanged(path: str, target: Target, registry: MemoryRegistry) -> None:
    install(target)
    for key in (FILE_KEY, FOLDER_KEY):
        command = (registry.read_values(key + r"\command") or {})[""]
        # Explorer replaces %1 with the item's full path, and the app's C runtime splits the line.
        assert command_line_to_argv(command.replace("%1", path)) == [PROGRAM, "gui", "--", path]


def test_send_to_passes_every_selected_item(target: Target, appdata: Path) -> None:
    install(target)
    spec = MemoryShortcuts.read(appdata / "Microsoft" / "Windows" / "SendTo" / "Upload to S3.lnk")
    # Send To appends each item, quoted when it has spaces, after the shortcut's arguments.
    line = f'"{spec.target}" {spec.arguments} ' + subprocess.list2cmdline(EXPLORER_PATHS)
    assert command_line_to_argv(line) == [PROGRAM, "gui", "--", *EXPLORER_PATHS]


def test_python_launcher_without_icon(appdata: Path, registry: MemoryRegistry, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPDATA", str(appdata))
    launcher = Launcher((r"C:\Python 3.12\pythonw.exe", "-m", "desktop_uploader"))
    target = Target.current_user("windows", launcher=launcher)
    target.registry, target.shortcuts = registry, MemoryShortcuts()
    install(target)
    verb = registry.read_values(FILE_KEY) or {}
    assert "Icon" not in verb
    command = (registry.read_values(FILE_KEY + r"\command") or {})[""]
    assert command == r'"C:\Python 3.12\pythonw.exe" -m desktop_uploader gui -- "%1"'


def test_uninstall_leaves_the_registry_and_send_to_as_before(target: Target, registry: MemoryRegistry,
                                                             appdata: Path) -> None:
    before, files_before = registry.snapshot(), tree(appdata)
    install(target)
    report = uninstall(target)
    assert [r.state for r in report.results] == [REMOVED] * 3
    assert registry.snapshot() == before
    assert tree(appdata) == files_before


def test_parents_that_gained_other_keys_are_kept(target: Target, registry: MemoryRegistry) -> None:
    install(target)
    registry.write_values(r"Software\Classes\*\shell\SomeoneElse", {"MUIVerb": "Theirs"})
    uninstall(target)
    assert not registry.key_exists(FILE_KEY)
    assert registry.read_values(r"Software\Classes\*\shell\SomeoneElse") == {"MUIVerb": "Theirs"}


def test_an_existing_verb_that_is_not_ours_is_left_alone(target: Target, registry: MemoryRegistry) -> None:
    registry.write_values(FOLDER_KEY, {"MUIVerb": "Somebody else's"})
    before = registry.snapshot()
    report = install(target)
    states = {r.component: r.state for r in report.results}
    assert states == {"Explorer menu for files": INSTALLED, "Explorer menu for folders": SKIPPED,
                      "Send To shortcut": INSTALLED}
    assert registry.read_values(FOLDER_KEY) == {"MUIVerb": "Somebody else's"}
    uninstall(target)
    assert registry.snapshot() == before


def test_status_reads_the_registry(target: Target, registry: MemoryRegistry, appdata: Path) -> None:
    install(target)
    assert {r.state for r in status(target).results} == {INSTALLED}
    registry.write_values(FILE_KEY + r"\command", {"": "something else"})
    registry.delete_key(FOLDER_KEY + r"\command")
    (appdata / "Microsoft" / "Windows" / "SendTo" / "Upload to S3.lnk").unlink()
    states = {r.component: r.state for r in status(target).results}
    assert states == {"Explorer menu for files": CHANGED, "Explorer menu for folders": MISSING,
                      "Send To shortcut": MISSING}


def test_registry_writes_need_windows_without_a_writer(appdata: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("APPDATA", str(appdata))
    target = Target.current_user("windows", launcher=Launcher((PROGRAM,)))
    target.registry = None
    with pytest.raises(IntegrationError, match="only be written on Windows"):
        install(target)
    assert install(target, dry_run=True).results  # a preview works anywhere


def test_memory_registry_behaves_like_the_registry() -> None:
    registry = MemoryRegistry()
    registry.write_values(r"A\B\C", {"x": "1"})
    assert registry.key_exists("a\\b") and registry.read_values("A\\b") == {}
    assert registry.read_values(r"a\B\c") == {"x": "1"}  # names are case-insensitive
    with pytest.raises(OSError, match="subkeys"):
        registry.delete_key("A")
    registry.delete_key(r"A\B\C")
    assert not registry.has_subkeys(r"A\B")
    registry.delete_key("missing")
    assert parent_keys(r"A\B\C") == ["A", r"A\B"]


def test_what_cannot_be_removed_stays_on_record(target: Target, registry: MemoryRegistry) -> None:
    before = registry.snapshot()
    install(target)
    target.registry = None  # as if uninstall were run where there is no registry
    report = uninstall(target)
    states = {r.component: r.state for r in report.results}
    assert states == {"Explorer menu for files": KEPT, "Explorer menu for folders": KEPT,
                      "Send To shortcut": REMOVED}
    assert target.manifest_path.exists()

    target.registry = registry
    assert {r.state for r in uninstall(target).results} == {REMOVED}
    assert registry.snapshot() == before
    assert not target.manifest_path.exists()
