"""When Qt cannot open a window: the missing system library and its package are named, and the demo uses the
terminal instead of aborting."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import PySide6
import pytest

from desktop_uploader.cli.qt_start import missing_libraries, package_for, why_no_window

ROOT = Path(__file__).resolve().parents[2]
XCB_PLUGIN = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"


def test_library_names_become_package_names() -> None:
    assert package_for("libxcb-cursor.so.0") == "libxcb-cursor0"
    assert package_for("libxkbcommon-x11.so.0") == "libxkbcommon-x11-0"
    assert package_for("libxcb-icccm.so.4") == "libxcb-icccm4"
    assert package_for("libEGL.so.1") == "libegl1"
    assert package_for("libglib-2.0.so.0") == "libglib2.0-0"


def test_the_installed_plugin_has_what_it_needs() -> None:
    assert XCB_PLUGIN.is_file()
    assert missing_libraries(XCB_PLUGIN) == []


def test_a_missing_xcb_library_is_named_with_its_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The real plugin, asking for a library this system cannot have: one letter of a name it needs changed.
    data = XCB_PLUGIN.read_bytes()
    assert b"libxcb-cursor.so.0" in data
    qt = tmp_path / "Qt"
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (qt / "lib").symlink_to(XCB_PLUGIN.parents[2] / "lib")  # where the plugin finds Qt's own libraries
    broken = qt / "plugins" / "platforms" / "libqxcb.so"
    broken.write_bytes(data.replace(b"libxcb-cursor.so.0", b"libxcb-cursoq.so.0"))
    assert missing_libraries(broken) == ["libxcb-cursoq.so.0"]
    monkeypatch.setenv("DISPLAY", ":7")
    monkeypatch.delenv("QT_QPA_PLATFORM", raising=False)
    reason = why_no_window(broken)
    assert reason is not None
    assert "libxcb-cursoq.so.0" in reason and "sudo apt-get install libxcb-cursoq0" in reason
    assert "Reinstalling" not in reason
    # Rendering offscreen needs no display libraries: nothing to say.
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert why_no_window(broken) is None


def test_the_demo_uses_the_terminal_when_qt_cannot_start(tmp_path: Path) -> None:
    (tmp_path / "field.txt").write_text("notes")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DESKTOP_UPLOADER_HOME": str(tmp_path / "home"),
           "QT_QPA_PLATFORM": "no-such-platform"}
    result = subprocess.run([sys.executable, "-m", "desktop_uploader", "demo", str(tmp_path / "field.txt")],
                            capture_output=True, text=True, timeout=180, env=env, check=False)
    assert result.returncode == 0, result.stderr
    assert "The window cannot open: " in result.stderr and "no-such-platform" in result.stderr
    assert "Uploading from the terminal instead." in result.stderr
    assert "uploaded  " in result.stderr and "field.txt" in result.stderr
    # What it made, so local signing can be tried against it.
    assert "Local S3 server: http://127.0.0.1:" in result.stderr and "bucket: demo" in result.stderr
    assert "access key ID: " in result.stderr and "secret access key: " in result.stderr
