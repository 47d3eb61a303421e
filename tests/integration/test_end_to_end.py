"""From the file manager's menu to the running window: installed entries, tricky names, the real socket.

The installed entries launch the handoff module here (what ``desktop-uploader gui -- PATH...`` does first
when an instance is running), so each test sees exactly what reaches the running instance.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from desktop_uploader.gui.single_instance import InstanceServer
from desktop_uploader.integration import Launcher, Target, install, uninstall
from desktop_uploader.integration import thunar as uca
from tests.integration.helpers import (
    child_env,
    expand_exec_by_spec,
    expand_thunar_command,
    make_tricky_files,
    read_desktop_file,
    tree,
)

HANDOFF = Launcher((sys.executable, "-m", "desktop_uploader.gui.handoff"), args=("--",))


@pytest.fixture
def running(qtbot: QtBot) -> Iterator[tuple[InstanceServer, list[list[str]]]]:
    server = InstanceServer()
    assert server.listen()
    received: list[list[str]] = []
    server.paths_received.connect(received.append)
    yield server, received
    server.close()


@pytest.fixture
def installed(fake_home: Path) -> Iterator[Path]:
    before = tree(fake_home)
    target = Target.current_user("linux", launcher=HANDOFF)
    install(target)
    yield fake_home
    uninstall(target)
    assert tree(fake_home) == before


def _wait_for(qtbot: QtBot, proc: subprocess.Popen[bytes], received: list[list[str]]) -> None:
    qtbot.waitUntil(lambda: proc.poll() is not None and bool(received), timeout=30_000)
    assert proc.returncode == 0


def test_gnome_files_script_to_running_instance(installed: Path, running: tuple[InstanceServer, list[list[str]]],
                                                qtbot: QtBot, tmp_path: Path) -> None:
    _server, received = running
    folder = tmp_path / "files"
    files = [str(p) for p in make_tricky_files(folder)]
    script = installed / ".local/share/nautilus/scripts/Upload to S3"
    proc = subprocess.Popen([str(script), *[Path(f).name for f in files]], cwd=folder, env=child_env())
    _wait_for(qtbot, proc, received)
    assert received == [files]


def test_dolphin_service_menu_to_running_instance(installed: Path, running: tuple[InstanceServer, list[list[str]]],
                                                  qtbot: QtBot, tmp_path: Path) -> None:
    _server, received = running
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    menu = read_desktop_file((installed / ".local/share/kio/servicemenus/desktop-uploader.desktop").read_text("utf-8"))
    argv = expand_exec_by_spec(menu["Desktop Action uploadToS3"]["Exec"], files)
    proc = subprocess.Popen(argv, env=child_env())
    _wait_for(qtbot, proc, received)
    assert received == [files]


def test_thunar_action_to_running_instance(installed: Path, running: tuple[InstanceServer, list[list[str]]],
                                           qtbot: QtBot, tmp_path: Path) -> None:
    _server, received = running
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    action = uca.find(uca.parse((installed / ".config/Thunar/uca.xml").read_bytes()))
    assert action is not None
    proc = subprocess.Popen(expand_thunar_command(action.findtext("command") or "", files), env=child_env())
    _wait_for(qtbot, proc, received)
    assert received == [files]


@pytest.mark.skipif(shutil.which("gio") is None, reason="needs GLib's gio tool (Debian: libglib2.0-bin)")
def test_glib_launch_of_the_desktop_entry_to_running_instance(installed: Path,
                                                              running: tuple[InstanceServer, list[list[str]]],
                                                              qtbot: QtBot, tmp_path: Path) -> None:
    _server, received = running
    files = [str(p) for p in make_tricky_files(tmp_path / "files")]
    proc = subprocess.Popen(["gio", "launch", str(installed / ".local/share/applications/desktop-uploader.desktop"),
                             *files], env=child_env(XDG_CACHE_HOME=str(tmp_path / "cache")))  # GLib's, not ours
    _wait_for(qtbot, proc, received)
    assert received == [files]
