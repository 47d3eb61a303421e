"""What every platform's integration shares: the command to launch, quoting for each launcher's rules."""

from __future__ import annotations

import os
import shlex
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

from desktop_uploader import resource_files

APP_ID = "desktop-uploader"
APP_NAME = "Desktop Uploader"
ACTION_LABEL = "Upload to S3"
ACTION_DESCRIPTION = "Upload the selected files and folders to S3 with Desktop Uploader"
# Arguments that make the launched app take the rest as paths, even a name that starts with "-".
GUI_ARGS = ("gui", "--")

PLATFORMS = ("linux", "windows", "macos")


class IntegrationError(Exception):
    """The integration cannot be installed or removed as asked; the message says why, for the user."""


def current_platform() -> str:
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return "linux"


@dataclass(frozen=True)
class Launcher:
    """The command a file manager runs, before the selected paths: ``program + args``."""

    program: tuple[str, ...]
    args: tuple[str, ...] = GUI_ARGS
    frozen: bool = False  # a built app, whose executable carries the app icon
    in_venv: bool = False  # starts a program inside a virtual environment, which may be moved or deleted

    @property
    def argv(self) -> tuple[str, ...]:
        return self.program + self.args

    @property
    def note(self) -> str:
        """What the person should know about where the menu entries point."""
        if not self.in_venv:
            return ""
        return (f"The menu entries start {self.program[0]}, inside a virtual environment: if it is moved or "
                f"deleted, run `{APP_ID} integrate install` again. Installing the app with pipx (or the built "
                "app) gives a command that stays where it is.")

    @classmethod
    def detect(cls, platform: str | None = None) -> Launcher:
        """The installed app: a frozen build itself, else the installed ``desktop-uploader`` command on the
        PATH when it lives outside a virtual environment (pipx, a system package), else the script beside
        Python.

        Without that script, ``python -m desktop_uploader``; when the package is found only through
        ``PYTHONPATH`` (a source checkout), that setting goes into the command, since a file manager does
        not have it.
        """
        platform = platform or current_platform()
        executable = os.path.abspath(sys.executable)  # not resolved: a venv's python is a symlink out of it
        if getattr(sys, "frozen", False):
            # The Windows build has a console program for the command line and a windowed twin for menus.
            windowed = os.path.join(os.path.dirname(executable), f"{APP_ID}-gui.exe")
            if platform == "windows" and os.path.isfile(windowed):
                return cls((windowed,), frozen=True)
            return cls((executable,), frozen=True)
        bindir = os.path.dirname(executable)
        if platform == "windows":
            # A console program started from Explorer opens a console window; pythonw does not.
            pythonw = os.path.join(bindir, "pythonw.exe")
            if os.path.isfile(pythonw):
                return cls((pythonw, "-m", "desktop_uploader"))
            script = os.path.join(bindir, f"{APP_ID}.exe")
        else:
            script = os.path.join(bindir, APP_ID)
        in_venv = sys.prefix != sys.base_prefix
        installed = _installed_command(bindir) if in_venv and platform != "windows" else None
        if installed is not None:
            return cls((installed,))
        if os.path.isfile(script) and (platform == "windows" or os.access(script, os.X_OK)):
            return cls((script,), in_venv=in_venv)
        program: tuple[str, ...] = (executable, "-m", "desktop_uploader")
        source_root = _source_root_on_pythonpath()
        if source_root is not None and platform != "windows":
            program = ("/usr/bin/env", f"PYTHONPATH={source_root}", *program)
        return cls(program, in_venv=in_venv)


def _installed_command(venv_bindir: str) -> str | None:
    """The ``desktop-uploader`` command on the PATH when it is not this virtual environment's own: a pipx
    link in ~/.local/bin or a system package stays put when a development environment moves."""
    found = shutil.which(APP_ID)
    if found is None:
        return None
    found = os.path.abspath(found)
    return None if os.path.dirname(found) == venv_bindir else found


def _source_root_on_pythonpath() -> str | None:
    import desktop_uploader

    root = os.path.dirname(os.path.dirname(os.path.abspath(desktop_uploader.__file__)))
    entries = [os.path.abspath(p) for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
    return root if root in entries else None


# ---------------------------------------------------------------------------------------------- quoting

_DESKTOP_SAFE = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=+,@")


def desktop_exec_arg(arg: str) -> str:
    """One argument of a desktop entry's ``Exec`` key, quoted by the Desktop Entry Specification.

    Two layers: inside double quotes, ``"``, `````, ``$`` and ``\\`` get a backslash and ``%`` doubles (it
    would start a field code); then the whole value gets the string escapes of every desktop-file value
    (``\\`` doubled, newline/tab/CR as ``\\n``/``\\t``/``\\r``).
    """
    _check_text(arg)
    if arg and all(c in _DESKTOP_SAFE for c in arg):
        quoted = arg
    else:
        inner = "".join("\\" + c if c in '"`$\\' else c for c in arg).replace("%", "%%")
        quoted = f'"{inner}"'
    return desktop_string(quoted)


def desktop_string(value: str) -> str:
    """A desktop-file value with its string escapes (the value stays on one line)."""
    return (value.replace("\\", "\\\\").replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r"))


def desktop_exec(argv: tuple[str, ...] | list[str], field_code: str = "%F") -> str:
    return " ".join([*(desktop_exec_arg(a) for a in argv), field_code])


def shell_quote(arg: str) -> str:
    """POSIX shell quoting, also right for GLib's ``g_shell_parse_argv`` (Thunar's custom actions)."""
    _check_text(arg)
    return shlex.quote(arg)


def shell_command(argv: tuple[str, ...] | list[str]) -> str:
    return " ".join(shell_quote(a) for a in argv)


def windows_arg(arg: str) -> str:
    """One argument quoted so that ``CommandLineToArgvW`` (and the C runtime) give it back unchanged.

    Backslashes are literal except before a double quote: there, each one is doubled, and the quote itself
    gets one more backslash; a closing quote after trailing backslashes needs them doubled too.
    """
    _check_text(arg)
    if arg and not any(c in arg for c in ' \t\n\v"'):
        return arg
    out = ['"']
    backslashes = 0
    for c in arg:
        if c == "\\":
            backslashes += 1
            continue
        if c == '"':
            out.append("\\" * (backslashes * 2 + 1) + '"')
        else:
            out.append("\\" * backslashes + c)
        backslashes = 0
    out.append("\\" * (backslashes * 2) + '"')
    return "".join(out)


def windows_program(path: str) -> str:
    """The program name, which ``CommandLineToArgvW`` reads by simpler rules: quotes, no escapes."""
    _check_text(path)
    if '"' in path:
        raise IntegrationError(f"A program path cannot contain a double quote: {path!r}")
    return f'"{path}"'


def windows_command(argv: tuple[str, ...] | list[str], *placeholders: str) -> str:
    """A command line for a shell verb: program, arguments, then Explorer's placeholders (``"%1"``)."""
    for part in argv:
        # Explorer substitutes %1, %V, %* and the like anywhere in the line and offers no escape.
        if "%" in part:
            raise IntegrationError(f"A path for a Windows shell command cannot contain '%': {part!r}")
    program, *rest = argv
    return " ".join([windows_program(program), *(windows_arg(a) for a in rest), *placeholders])


def _check_text(value: str) -> None:
    if "\0" in value:
        raise IntegrationError("A command cannot contain a NUL character.")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise IntegrationError(f"A command must be valid text, and this is not: {value!r}") from None


# ------------------------------------------------------------------------------------------- resources


def _icons_dir() -> Path | None:
    """``resources/icons``, wherever the app was installed from."""
    path = resource_files.path("icons")
    return path if path.is_dir() else None


def app_icon_svg() -> Path | None:
    icons = _icons_dir()
    path = icons / "app.svg" if icons else None
    return path if path and path.is_file() else None


def app_icon_pngs() -> dict[int, Path]:
    """The rendered sizes a built app ships (``icons/hicolor/NxN/apps``), for desktops that want bitmaps."""
    icons = _icons_dir()
    found: dict[int, Path] = {}
    if icons is None:
        return found
    for path in sorted(icons.glob(f"hicolor/*x*/apps/{APP_ID}.png")):
        width, _x, height = path.parent.parent.name.partition("x")
        if width.isdigit() and width == height:
            found[int(width)] = path
    return found
