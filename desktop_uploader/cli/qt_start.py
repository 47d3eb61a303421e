"""Whether Qt can open a window here, and if not, which system package is missing.

When Qt cannot load its platform plugin it aborts the whole process with "Reinstalling the application may
fix this problem", which no reinstall fixes: what is missing is a system library (on Linux usually one of
the xcb libraries). Before the window is opened, the libraries the plugin needs are looked up (``ldd``, a few
milliseconds); the demo goes further and starts Qt once in a child process, so that anything else that
keeps Qt from starting also ends in the terminal instead of an abort.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

_NOT_FOUND = re.compile(r"^\s*(\S+)\s+=>\s+not found", re.M)
_CANNOT_OPEN = re.compile(r"(lib[\w.+-]+\.so[\w.]*): cannot open shared object file")
# Debian/Ubuntu package names that do not follow from the library's name.
_PACKAGES = {
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libOpenGL.so.0": "libopengl0",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libX11-xcb.so.1": "libx11-xcb1",
}
PROBE = "from PySide6.QtWidgets import QApplication; app = QApplication([]); print(app.platformName())"


def package_for(library: str) -> str:
    """The Debian/Ubuntu package that usually holds ``library`` ("libxcb-cursor.so.0" -> "libxcb-cursor0")."""
    if library in _PACKAGES:
        return _PACKAGES[library]
    match = re.fullmatch(r"(lib[\w.+-]+?)\.so\.(\d+).*", library)
    if match is None:
        return library
    name, major = match.group(1).lower(), match.group(2)
    return f"{name}-{major}" if name[-1].isdigit() else f"{name}{major}"


def _platform() -> str:
    chosen = os.environ.get("QT_QPA_PLATFORM", "").split(":")[0]
    if chosen:
        return chosen
    if os.environ.get("WAYLAND_DISPLAY") and not os.environ.get("DISPLAY"):
        return "wayland"
    return "xcb" if os.environ.get("DISPLAY") else ""


def missing_libraries(shared_object: Path) -> list[str]:
    """Libraries ``shared_object`` needs that the system does not have (empty where ``ldd`` is missing)."""
    ldd = shutil.which("ldd")
    if ldd is None or not shared_object.is_file():
        return []
    try:
        out = subprocess.run([ldd, str(shared_object)], capture_output=True, text=True, timeout=10, check=False)
    except (OSError, subprocess.SubprocessError):
        return []
    return sorted(set(_NOT_FOUND.findall(out.stdout)))


def advice(libraries: list[str]) -> str:
    packages = sorted({package_for(lib) for lib in libraries})
    return (f"The window cannot open: Qt needs {', '.join(libraries)}, which this system does not have. "
            f"On Debian or Ubuntu install it with: sudo apt-get install {' '.join(packages)} "
            "(scripts/system-deps.sh in the source installs everything the app uses).")


def why_no_window(plugin: Path | None = None) -> str | None:
    """None when nothing is known to keep Qt from opening a window; else what to install. ``plugin`` is the
    xcb platform plugin to look at (PySide6's own by default)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        import PySide6.QtGui  # loading it is the check: it needs OpenGL, fontconfig and glib
    except ImportError as exc:
        found = _CANNOT_OPEN.findall(str(exc))
        return advice(found) if found else f"The window cannot open: Qt could not be loaded ({exc})."
    if _platform() != "xcb":
        return None
    if plugin is None:
        import PySide6

        plugin = Path(PySide6.__file__).parent / "Qt" / "plugins" / "platforms" / "libqxcb.so"
    missing = missing_libraries(plugin)
    return advice(missing) if missing else None


def qt_starts(timeout: float = 30.0) -> str | None:
    """Start Qt once in a child process: None when it opened, else Qt's own account of why not, with the
    package to install where a library is missing."""
    reason = why_no_window()
    if reason is not None:
        return reason
    try:
        probe = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=timeout,
                               check=False)
    except subprocess.TimeoutExpired:
        return "The window cannot open: Qt did not start within half a minute."
    if probe.returncode == 0:
        return None
    told = [line.strip() for line in probe.stderr.splitlines() if line.strip()]
    found = _CANNOT_OPEN.findall(probe.stderr)
    if found:
        return advice(found)
    useful = [line for line in told if "Reinstalling the application" not in line and "Available platform" not in line]
    return "The window cannot open: " + (" ".join(useful[:3]) or f"Qt stopped with exit status {probe.returncode}.")
