"""Windows: "Upload to S3" on files and folders in Explorer, and in Send To, for the current user.

Per-user verbs live under ``HKEY_CURRENT_USER\\Software\\Classes`` (no admin rights needed). Explorer puts
each selected path in place of ``"%1"`` and starts one process per item (``MultiSelectModel=Player`` lifts
the default limit of 15 items to 100); the running window gathers them into one batch. Send To starts one
process with every selected path, with no such limit.
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop_uploader.integration.common import (
    ACTION_DESCRIPTION,
    ACTION_LABEL,
    IntegrationError,
    Launcher,
    windows_arg,
    windows_command,
)
from desktop_uploader.integration.plan import CreateShortcut, Operation, Plan, RegistryKey
from desktop_uploader.integration.shortcuts import ShortcutSpec

VERB = "DesktopUploader"
FILES_MENU = "Explorer menu for files"
FOLDERS_MENU = "Explorer menu for folders"
SEND_TO = "Send To shortcut"

CLASSES = "Software\\Classes"
FILE_VERB_KEY = f"{CLASSES}\\*\\shell\\{VERB}"
FOLDER_VERB_KEY = f"{CLASSES}\\Directory\\shell\\{VERB}"


def send_to_dir(appdata: Path) -> Path:
    return appdata / "Microsoft" / "Windows" / "SendTo"


def verb_command(launcher: Launcher) -> str:
    # Windows paths cannot contain a double quote, so "%1" always holds the whole path.
    return windows_command(launcher.argv, '"%1"')


def icon_location(launcher: Launcher) -> str:
    """``path,index`` for the verb and shortcut: a built app carries its icon in its .exe (Python does not)."""
    return f"{launcher.program[0]},0" if launcher.frozen else ""


def plan(appdata: Path | None, launcher: Launcher) -> Plan:
    if appdata is None:
        raise IntegrationError("APPDATA is not set, so the Send To folder cannot be found.")
    icon = icon_location(launcher)
    command = verb_command(launcher)
    verb_values = [("MUIVerb", ACTION_LABEL), ("MultiSelectModel", "Player")]
    if icon:
        verb_values.append(("Icon", icon))
    ops: list[Operation] = []
    for component, key in ((FILES_MENU, FILE_VERB_KEY), (FOLDERS_MENU, FOLDER_VERB_KEY)):
        ops.append(RegistryKey(component, key, tuple(verb_values)))
        ops.append(RegistryKey(component, f"{key}\\command", (("", command),)))
    program, *rest = launcher.argv
    ops.append(CreateShortcut(SEND_TO, send_to_dir(appdata) / f"{ACTION_LABEL}.lnk",
                              ShortcutSpec(target=program, arguments=" ".join(windows_arg(a) for a in rest),
                                           description=ACTION_DESCRIPTION, icon=icon)))
    notes = ["On Windows 11 the entry is under “Show more options” in Explorer's menu."]
    return Plan("windows", launcher.argv, ops, notes)


def notify_explorer() -> None:
    """Tell Explorer that verbs changed, so open windows pick them up without a restart."""
    if sys.platform != "win32":
        return
    import ctypes

    shcne_assocchanged = 0x08000000
    ctypes.windll.shell32.SHChangeNotify(shcne_assocchanged, 0, None, None)
