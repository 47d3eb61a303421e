"""Stand-ins for the programs that read our files: file managers' Exec parsing, Windows' argv splitting."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_uploader.integration import Launcher

ROOT = Path(__file__).resolve().parents[2]

# Names a file manager must pass through unchanged. Every one is a legal Linux file name.
TRICKY_NAMES = [
    "plain.txt",
    "with space.txt",
    "single'quote.txt",
    'double"quote.txt',
    "new\nline.txt",
    "tab\there.txt",
    "ünïcødé 日本語 ✓.txt",
    "$HOME `id` $(id) ; & | * ? ~ #.txt",
    "back\\slash\\.txt",
    "percent %F %f %% 100%.txt",
    "-leading-dash.txt",
    "  two leading spaces",
    "folder with space",
]


def make_tricky_files(folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for name in TRICKY_NAMES:
        path = folder / name
        if name.startswith("folder"):
            path.mkdir()
        else:
            path.write_text(name, encoding="utf-8")
        made.append(path)
    return made


def child_env(**extra: str) -> dict[str, str]:
    """The test's environment for a child process, with this checkout importable."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH", "")]))
    env.update(extra)
    return env


@dataclass
class StubLauncher:
    """An executable that records the argv and working folder of every run, one JSON file per run."""

    path: Path
    records: Path

    @classmethod
    def create(cls, folder: Path) -> StubLauncher:
        # The program's own path has a space and a quote in it, so its quoting is tested too.
        bindir = folder / "bin dir 'x'"
        bindir.mkdir(parents=True)
        records = folder / "records"
        records.mkdir()
        path = bindir / "desktop uploader"
        path.write_text(
            f"#!{sys.executable}\n"
            "import json, os, sys, time\n"
            f"name = os.path.join({str(records)!r}, f'{{time.time_ns()}}-{{os.getpid()}}.json')\n"
            "with open(name + '.tmp', 'w', encoding='utf-8') as f:\n"
            "    json.dump({'argv': sys.argv[1:], 'cwd': os.getcwd()}, f)\n"
            "os.replace(name + '.tmp', name)\n",
            encoding="utf-8")
        path.chmod(0o755)
        return cls(path, records)

    @property
    def launcher(self) -> Launcher:
        return Launcher((str(self.path),))

    def calls(self) -> list[dict[str, Any]]:
        return [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.records.glob("*.json"))]


# ------------------------------------------------------------------------------------------- file trees


def tree(root: Path) -> dict[str, tuple[str, ...]]:
    """Every entry under ``root`` with its kind, mode and content hash: equal trees, equal dicts."""
    out: dict[str, tuple[str, ...]] = {}
    for dirpath, dirnames, filenames in os.walk(root):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            info = path.lstat()
            rel = str(path.relative_to(root))
            if stat.S_ISLNK(info.st_mode):
                out[rel] = ("link", os.readlink(path))
            elif stat.S_ISDIR(info.st_mode):
                out[rel] = ("dir", oct(info.st_mode & 0o7777))
            else:
                out[rel] = ("file", oct(info.st_mode & 0o7777), hashlib.sha256(path.read_bytes()).hexdigest())
    return out


# -------------------------------------------------------------------------- desktop entries (XDG, GLib)


def read_desktop_file(text: str) -> dict[str, dict[str, str]]:
    groups: dict[str, dict[str, str]] = {}
    current: dict[str, str] | None = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = groups.setdefault(line[1:-1], {})
            continue
        assert current is not None, f"key outside a group: {line!r}"
        key, sep, value = line.partition("=")
        assert sep, f"not a key=value line: {line!r}"
        assert key not in current, f"duplicate key {key}"
        current[key] = value
    return groups


def unescape_desktop_string(value: str) -> str:
    """The string-type escapes of the Desktop Entry Specification."""
    out, i = [], 0
    escapes = {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}
    while i < len(value):
        c = value[i]
        if c == "\\" and i + 1 < len(value) and value[i + 1] in escapes:
            out.append(escapes[value[i + 1]])
            i += 2
            continue
        out.append(c)
        i += 1
    return "".join(out)


def expand_exec_by_spec(value: str, files: list[str]) -> list[str]:
    """The Exec key as the specification reads it: unescape, split with its quoting, then field codes."""
    line = unescape_desktop_string(value)
    args: list[tuple[str, bool]] = []
    i = 0
    while i < len(line):
        if line[i] == " ":
            i += 1
            continue
        if line[i] == '"':
            i += 1
            chars = []
            while line[i] != '"':
                if line[i] == "\\":
                    assert line[i + 1] in '"`$\\', f"bad escape in quoted argument: {line[i:i + 2]!r}"
                    i += 1
                chars.append(line[i])
                i += 1
            i += 1
            assert i == len(line) or line[i] == " ", "a quoted argument must end at a space"
            args.append(("".join(chars).replace("%%", "%"), True))
            continue
        start = i
        while i < len(line) and line[i] != " ":
            assert line[i] not in "\"'\\><~|&;$*?#()`\t\n", f"reserved character unquoted: {line[i]!r}"
            i += 1
        args.append((line[start:i], False))
    argv: list[str] = []
    for arg, quoted in args:
        if not quoted and arg == "%F":
            argv.extend(files)
        else:
            assert quoted or "%" not in arg.replace("%%", ""), f"unknown field code in {arg!r}"
            argv.append(arg if quoted else arg.replace("%%", "%"))
    return argv


def expand_exec_like_glib(value: str, files: list[str]) -> list[str]:
    """What GLib (GNOME Files, gio, Thunar's desktop files) does: field codes first, then shell splitting."""
    line = unescape_desktop_string(value)
    out, i = [], 0
    while i < len(line):
        if line[i] == "%" and i + 1 < len(line):
            code = line[i + 1]
            if code == "F":
                out.append(" ".join(shlex.quote(f) for f in files))
            elif code == "%":
                out.append("%")
            i += 2
            continue
        out.append(line[i])
        i += 1
    return shlex.split("".join(out), posix=True)


def expand_thunar_command(command: str, files: list[str]) -> list[str]:
    """Thunar puts the g_shell_quote'd paths in place of %F, then splits with g_shell_parse_argv."""
    return shlex.split(command.replace("%F", " ".join(shlex.quote(f) for f in files)), posix=True)


# ------------------------------------------------------------------------------------------- Windows argv


def command_line_to_argv(line: str) -> list[str]:
    """``CommandLineToArgvW``'s rules (as in Windows 7 and later, and the MSVC runtime since 2008)."""
    argv: list[str] = []
    i, n = 0, len(line)
    # The program name: up to the next quote if it starts with one, else to whitespace; no escapes.
    if line.startswith('"'):
        end = line.find('"', 1)
        end = n if end < 0 else end
        argv.append(line[1:end])
        i = end + 1
    else:
        while i < n and line[i] not in " \t":
            i += 1
        argv.append(line[:i])
    while True:
        while i < n and line[i] in " \t":
            i += 1
        if i >= n:
            return argv
        arg: list[str] = []
        quoted = False
        while i < n and (quoted or line[i] not in " \t"):
            if line[i] == "\\":
                count = 0
                while i < n and line[i] == "\\":
                    count += 1
                    i += 1
                if i < n and line[i] == '"':
                    arg.append("\\" * (count // 2))
                    if count % 2:
                        arg.append('"')
                        i += 1
                    continue
                arg.append("\\" * count)
                continue
            if line[i] == '"':
                if quoted and i + 1 < n and line[i + 1] == '"':
                    arg.append('"')
                    i += 2
                    continue
                quoted = not quoted
                i += 1
                continue
            arg.append(line[i])
            i += 1
        argv.append("".join(arg))
