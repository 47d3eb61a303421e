"""Windows shortcut (``.lnk``) files, behind a small interface so what goes into them is tested on any OS.

The real writer asks Windows' own ``WScript.Shell`` object (through PowerShell, which every supported
Windows has) to save the shortcut; the values travel in environment variables, never spliced into the
script, so no path can change what the script does.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from pathlib import Path


@dataclass(frozen=True)
class ShortcutSpec:
    target: str
    arguments: str
    description: str
    icon: str = ""  # "path,index"; empty for the target's own icon


class ShortcutWriter(ABC):
    @abstractmethod
    def create(self, path: Path, spec: ShortcutSpec) -> None:
        """Write the shortcut file at ``path`` (its folder exists)."""


class MemoryShortcuts(ShortcutWriter):
    """Writes the shortcut's fields as JSON in place of the binary ``.lnk``: for tests and previews."""

    def create(self, path: Path, spec: ShortcutSpec) -> None:
        path.write_text(json.dumps(asdict(spec), indent=1, sort_keys=True) + "\n", encoding="utf-8")

    @staticmethod
    def read(path: Path) -> ShortcutSpec:
        return ShortcutSpec(**json.loads(path.read_text(encoding="utf-8")))


_SCRIPT = (
    "$ErrorActionPreference = 'Stop'; "
    "$s = (New-Object -ComObject WScript.Shell).CreateShortcut($env:DU_LNK_PATH); "
    "$s.TargetPath = $env:DU_LNK_TARGET; "
    "$s.Arguments = $env:DU_LNK_ARGUMENTS; "
    "$s.Description = $env:DU_LNK_DESCRIPTION; "
    "if ($env:DU_LNK_ICON) { $s.IconLocation = $env:DU_LNK_ICON }; "
    "$s.Save()"
)


class PowerShellShortcuts(ShortcutWriter):
    """The real thing, on Windows."""

    def create(self, path: Path, spec: ShortcutSpec) -> None:
        env = dict(os.environ)
        env.update(DU_LNK_PATH=str(path), DU_LNK_TARGET=spec.target, DU_LNK_ARGUMENTS=spec.arguments,
                   DU_LNK_DESCRIPTION=spec.description, DU_LNK_ICON=spec.icon)
        flags = 0
        if sys.platform == "win32":
            flags = subprocess.CREATE_NO_WINDOW  # no console window flashing up during install
        result = subprocess.run(["powershell.exe", "-NoProfile", "-NonInteractive", "-ExecutionPolicy", "Bypass",
                                 "-Command", _SCRIPT], env=env, capture_output=True, text=True, timeout=60,
                                check=False, creationflags=flags)
        if result.returncode != 0 or not path.is_file():
            raise OSError(f"Could not create the shortcut {path}: {result.stderr.strip() or result.returncode}")
