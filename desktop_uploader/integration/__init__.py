"""Putting "Upload to S3" into the user's file manager, and taking it out again. No Qt here.

- Linux: a desktop entry (with an "Upload to S3" action), a GNOME Files script, a Dolphin service menu
  and a Thunar custom action.
- Windows: per-user Explorer verbs for files and folders (``HKEY_CURRENT_USER\\Software\\Classes``) and a
  Send To shortcut.
- macOS: a Finder Quick Action in ``~/Library/Services``.

Starting with the user's session (the window in the tray, or kiosk mode) is apart, in :mod:`.autostart`.

Everything is per user and needs no admin rights. A manifest in the app's data folder records what install
wrote, so uninstall removes exactly that. On Linux, what a system package already installed for every user
(see ``linux.SYSTEM_WIDE``) gets no per-user copy.
"""

from __future__ import annotations

from desktop_uploader.integration.common import (
    ACTION_LABEL,
    PLATFORMS,
    IntegrationError,
    Launcher,
    current_platform,
)
from desktop_uploader.integration.manager import Target, install, status, uninstall
from desktop_uploader.integration.plan import ComponentResult, Report

__all__ = [
    "ACTION_LABEL",
    "PLATFORMS",
    "ComponentResult",
    "IntegrationError",
    "Launcher",
    "Report",
    "Target",
    "current_platform",
    "install",
    "status",
    "uninstall",
]
