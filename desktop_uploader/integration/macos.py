"""macOS: an "Upload to S3" Quick Action in Finder, as an Automator workflow bundle in ~/Library/Services.

The bundle holds ``Contents/Info.plist`` (the service declaration Finder reads) and
``Contents/document.wflow`` (one "Run Shell Script" action that gets the selected items as arguments and
hands them to the app with ``"$@"``). Both are property lists written with :mod:`plistlib`.
"""

from __future__ import annotations

import plistlib
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

from desktop_uploader.integration.common import ACTION_LABEL, APP_ID, Launcher, shell_command
from desktop_uploader.integration.plan import Operation, Plan, WriteFile

QUICK_ACTION = "Finder Quick Action"
BUNDLE_ID = "io.github.desktop-uploader.upload-to-s3"
FINDER_ID = "com.apple.finder"
FINDER_PATH = "/System/Library/CoreServices/Finder.app"
RUN_SHELL_SCRIPT = "/System/Library/Automator/Run Shell Script.action"
FILE_TYPES = ["public.data", "public.folder", "public.directory"]
# Fixed identifiers keep the generated bundle the same from one install to the next.
_NAMESPACE = uuid.UUID("6f1f4c52-4a51-4d0e-9a39-2f6f0f3c1e01")


def _uuid(name: str) -> str:
    return str(uuid.uuid5(_NAMESPACE, name)).upper()


def workflow_dir(home: Path) -> Path:
    return home / "Library" / "Services" / f"{ACTION_LABEL}.workflow"


def shell_script(launcher: Launcher) -> str:
    # Automator waits for the script and everything holding its output; the app may stay open for hours,
    # so it runs in the background with its output detached. A launch that only hands files over ends at once.
    return f'{shell_command(launcher.argv)} "$@" </dev/null >/dev/null 2>&1 &\n'


def info_plist() -> dict[str, Any]:
    return {
        "CFBundleDevelopmentRegion": "en_US",
        "CFBundleIdentifier": BUNDLE_ID,
        "CFBundleName": ACTION_LABEL,
        "CFBundleShortVersionString": "1.0",
        "NSServices": [{
            "NSMenuItem": {"default": ACTION_LABEL},
            "NSMessage": "runWorkflowAsService",
            "NSRequiredContext": {"NSApplicationIdentifier": FINDER_ID},
            "NSSendFileTypes": FILE_TYPES,
        }],
    }


def document(launcher: Launcher) -> dict[str, Any]:
    input_uuid, output_uuid, action_uuid = _uuid("input"), _uuid("output"), _uuid("action")
    action = {
        "AMAccepts": {"Container": "List", "Optional": True, "Types": ["com.apple.cocoa.string"]},
        "AMActionVersion": "2.0.3",
        "AMApplication": ["Automator"],
        "AMParameterProperties": {"COMMAND_STRING": {}, "CheckedForUserDefaultShell": {}, "inputMethod": {},
                                  "shell": {}, "source": {}},
        "AMProvides": {"Container": "List", "Types": ["com.apple.cocoa.string"]},
        "ActionBundlePath": RUN_SHELL_SCRIPT,
        "ActionName": "Run Shell Script",
        "ActionParameters": {
            "COMMAND_STRING": shell_script(launcher),
            "CheckedForUserDefaultShell": True,
            "inputMethod": 1,  # the input as arguments ("$@"), not on stdin
            "shell": "/bin/sh",
            "source": "",
        },
        "BundleIdentifier": "com.apple.RunShellScript",
        "CFBundleVersion": "2.0.3",
        "CanShowSelectedItemsWhenRun": False,
        "CanShowWhenRun": True,
        "Category": ["AMCategoryUtilities"],
        "Class Name": "RunShellScriptAction",
        "InputUUID": input_uuid,
        "Keywords": ["Shell", "Script", "Command", "Run", "Unix"],
        "OutputUUID": output_uuid,
        "UUID": action_uuid,
        "UnlocalizedApplications": ["Automator"],
        "arguments": {
            "0": {"default value": 0, "name": "inputMethod", "required": "0", "type": "0",
                  "uuid": "0"},
            "1": {"default value": "", "name": "source", "required": "0", "type": "0", "uuid": "1"},
            "2": {"default value": False, "name": "CheckedForUserDefaultShell", "required": "0", "type": "0",
                  "uuid": "2"},
            "3": {"default value": "", "name": "COMMAND_STRING", "required": "0", "type": "0", "uuid": "3"},
            "4": {"default value": "/bin/sh", "name": "shell", "required": "0", "type": "0", "uuid": "4"},
        },
        "isViewVisible": True,
        "location": "309.000000:253.000000",
        "nibPath": f"{RUN_SHELL_SCRIPT}/Contents/Resources/Base.lproj/main.xib",
    }
    return {
        "AMApplicationBuild": "523",
        "AMApplicationVersion": "2.10",
        "AMDocumentVersion": "2",
        "actions": [{"action": action, "isViewVisible": True}],
        "connectors": {},
        "workflowMetaData": {
            "applicationBundleIDsByPath": {FINDER_PATH: FINDER_ID},
            "applicationPaths": [FINDER_PATH],
            "inputTypeIdentifier": "com.apple.Automator.fileSystemObject",
            "outputTypeIdentifier": "com.apple.Automator.nothing",
            "presentationMode": 15,
            "processesInput": False,
            "serviceApplicationBundleID": FINDER_ID,
            "serviceApplicationPath": FINDER_PATH,
            "serviceInputTypeIdentifier": "com.apple.Automator.fileSystemObject",
            "serviceOutputTypeIdentifier": "com.apple.Automator.nothing",
            "serviceProcessesInput": False,
            "systemImageName": "NSActionTemplate",
            "useAutomaticInputType": False,
            "workflowTypeIdentifier": "com.apple.Automator.servicesMenu",
        },
    }


def plan(home: Path, launcher: Launcher) -> Plan:
    contents = workflow_dir(home) / "Contents"
    ops: list[Operation] = [
        WriteFile(QUICK_ACTION, contents / "Info.plist", plistlib.dumps(info_plist(), fmt=plistlib.FMT_XML)),
        WriteFile(QUICK_ACTION, contents / "document.wflow", plistlib.dumps(document(launcher), fmt=plistlib.FMT_XML)),
    ]
    notes = [f"In Finder, select files, then Quick Actions (or Services) → {ACTION_LABEL}. It can be turned "
             "off in System Settings → Keyboard → Keyboard Shortcuts → Services."]
    return Plan("macos", launcher.argv, ops, notes)


def refresh_services() -> None:
    """Ask macOS to re-read the Services folders, so the action shows up without logging out."""
    pbs = Path("/System/Library/CoreServices/pbs")
    if sys.platform == "darwin" and pbs.exists():
        subprocess.run([str(pbs), "-update"], check=False, capture_output=True, timeout=30)


__all__ = ["APP_ID", "QUICK_ACTION", "document", "info_plist", "plan", "refresh_services", "workflow_dir"]
