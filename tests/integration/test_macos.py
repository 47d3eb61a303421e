"""macOS: the Finder Quick Action bundle, checked on its content, and its script run as Automator runs it."""

from __future__ import annotations

import plistlib
import shlex
import subprocess
from pathlib import Path

from pytestqt.qtbot import QtBot

from desktop_uploader.integration import Target, install, status, uninstall
from desktop_uploader.integration.plan import INSTALLED, REMOVED
from tests.integration.helpers import StubLauncher, make_tricky_files, tree

BUNDLE = "Library/Services/Upload to S3.workflow"


def _target(stub: StubLauncher) -> Target:
    return Target.current_user("macos", launcher=stub.launcher)


def test_install_writes_the_workflow_bundle(fake_home: Path, stub: StubLauncher) -> None:
    report = install(_target(stub))
    assert [(r.component, r.state) for r in report.results] == [("Finder Quick Action", INSTALLED)]
    files = {rel for rel, entry in tree(fake_home).items() if entry[0] == "file"}
    assert files == {f"{BUNDLE}/Contents/Info.plist", f"{BUNDLE}/Contents/document.wflow"}

    info = plistlib.loads((fake_home / BUNDLE / "Contents/Info.plist").read_bytes())
    service = info["NSServices"][0]
    assert service["NSMenuItem"] == {"default": "Upload to S3"}
    assert service["NSMessage"] == "runWorkflowAsService"
    assert service["NSRequiredContext"] == {"NSApplicationIdentifier": "com.apple.finder"}
    # Concrete types: files of every kind, and folders.
    assert set(service["NSSendFileTypes"]) >= {"public.data", "public.folder"}

    document = plistlib.loads((fake_home / BUNDLE / "Contents/document.wflow").read_bytes())
    meta = document["workflowMetaData"]
    assert meta["workflowTypeIdentifier"] == "com.apple.Automator.servicesMenu"
    assert meta["serviceInputTypeIdentifier"] == "com.apple.Automator.fileSystemObject"
    assert meta["serviceOutputTypeIdentifier"] == "com.apple.Automator.nothing"
    assert meta["serviceApplicationBundleID"] == "com.apple.finder"
    [entry] = document["actions"]
    action = entry["action"]
    assert action["BundleIdentifier"] == "com.apple.RunShellScript"
    assert action["ActionBundlePath"] == "/System/Library/Automator/Run Shell Script.action"
    params = action["ActionParameters"]
    assert params["inputMethod"] == 1  # the selection as arguments
    assert params["shell"] == "/bin/sh"
    assert shlex.split(params["COMMAND_STRING"])[:4] == [str(stub.path), "gui", "--", "$@"]
    # Install twice, same bytes: the identifiers inside are fixed, not random.
    first = (fake_home / BUNDLE / "Contents/document.wflow").read_bytes()
    install(_target(stub))
    assert (fake_home / BUNDLE / "Contents/document.wflow").read_bytes() == first


def test_the_workflow_script_passes_tricky_names_unchanged(fake_home: Path, stub: StubLauncher, tmp_path: Path,
                                                           qtbot: QtBot) -> None:
    install(_target(stub))
    document = plistlib.loads((fake_home / BUNDLE / "Contents/document.wflow").read_bytes())
    script = document["actions"][0]["action"]["ActionParameters"]["COMMAND_STRING"]
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    # Automator runs the script with the shell it names, the selected items as the positional arguments.
    result = subprocess.run(["/bin/sh", "-c", script, "sh", *files], capture_output=True, timeout=60, check=False)
    assert result.returncode == 0 and result.stdout == b"" and result.stderr == b""
    qtbot.waitUntil(lambda: len(stub.calls()) == 1, timeout=30_000)  # the app is started in the background
    assert stub.calls()[0]["argv"] == ["gui", "--", *files]


def test_uninstall_removes_the_bundle_and_nothing_else(fake_home: Path, stub: StubLauncher) -> None:
    (fake_home / "Library/Services/Someone Else.workflow/Contents").mkdir(parents=True)
    (fake_home / "Library/Services/Someone Else.workflow/Contents/Info.plist").write_bytes(b"theirs")
    before = tree(fake_home)
    install(_target(stub))
    assert {r.state for r in status(_target(stub)).results} == {INSTALLED}
    report = uninstall(_target(stub))
    assert [r.state for r in report.results] == [REMOVED]
    assert tree(fake_home) == before
