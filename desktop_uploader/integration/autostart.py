"""Starting with the user's session: the window, in the tray, to finish what the queue holds; or kiosk mode.

The queue survives a crash or a reboot, but only a running app sends it; a field laptop that lost power, or a
kiosk that restarted at night, must come back by itself. One entry for the current user, recorded in a
manifest of its own (integration/plan.py) so that turning it off removes exactly that:

- Linux: an XDG autostart entry, ``$XDG_CONFIG_HOME/autostart/desktop-uploader.desktop``;
- macOS: a LaunchAgent, ``~/Library/LaunchAgents/io.github.desktop-uploader.autostart.plist`` (RunAtLoad);
- Windows: a shortcut in the Startup folder.
"""

from __future__ import annotations

import plistlib
from dataclasses import dataclass
from pathlib import Path

from desktop_uploader.core import paths
from desktop_uploader.integration.common import (
    APP_ID,
    APP_NAME,
    IntegrationError,
    Launcher,
    desktop_exec_arg,
    desktop_string,
    windows_arg,
)
from desktop_uploader.integration.linux import XdgDirs
from desktop_uploader.integration.manager import Target, status
from desktop_uploader.integration.plan import INSTALLED, CreateShortcut, Manifest, Plan, WriteFile
from desktop_uploader.integration.shortcuts import ShortcutSpec
from desktop_uploader.integration.windows import icon_location

COMPONENT = "start at login"
WINDOW = "window"
KIOSK = "kiosk"
# What each mode starts: the window hidden in the tray (it shows itself when opened again), or kiosk mode.
ARGS = {WINDOW: ("gui", "--minimized"), KIOSK: ("kiosk",)}
LAUNCH_AGENT = "io.github.desktop-uploader.autostart"
_PURPOSE = {WINDOW: "Finish the uploads left in the queue", KIOSK: "Kiosk mode: send what lands in the watched folders"}


def entry_path(platform: str, home: Path, environ: dict[str, str]) -> Path:
    if platform == "linux":
        return XdgDirs.from_env(home, environ).config_home / "autostart" / f"{APP_ID}.desktop"
    if platform == "macos":
        return home / "Library" / "LaunchAgents" / f"{LAUNCH_AGENT}.plist"
    appdata = environ.get("APPDATA")
    if not appdata:
        raise IntegrationError("APPDATA is not set, so the Startup folder cannot be found.")
    return Path(appdata) / "Microsoft" / "Windows" / "Start Menu" / "Programs" / "Startup" / f"{APP_NAME}.lnk"


def desktop_entry(argv: tuple[str, ...], mode: str) -> bytes:
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        f"Name={APP_NAME}",
        "Comment=" + desktop_string(_PURPOSE[mode]),
        "Exec=" + " ".join(desktop_exec_arg(a) for a in argv),
        f"Icon={APP_ID}",
        "Terminal=false",
        "X-GNOME-Autostart-enabled=true",
        f"X-Desktop-Uploader-Autostart={mode}",
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")


def launch_agent(argv: tuple[str, ...]) -> bytes:
    return plistlib.dumps({"Label": LAUNCH_AGENT, "ProgramArguments": list(argv), "RunAtLoad": True,
                           "ProcessType": "Interactive"})


@dataclass
class AutostartTarget(Target):
    """The current user's session start, for one mode; its manifest is apart from the file manager menus'."""

    mode: str = WINDOW
    options: tuple[str, ...] = ()  # after the mode's own arguments: --profile NAME, --locked-config FILE

    @classmethod
    def for_mode(cls, mode: str, platform: str | None = None, launcher: Launcher | None = None,
                 options: tuple[str, ...] = ()) -> AutostartTarget:
        if mode not in ARGS:
            raise IntegrationError(f"Unknown start mode {mode!r}.")
        base = Target.current_user(platform=platform, launcher=launcher)
        return cls(platform=base.platform, home=base.home, launcher=base.launcher,
                   manifest_path=paths.data_dir() / f"autostart-{base.platform}.json", environ=base.environ,
                   registry=base.registry, shortcuts=base.shortcuts, mode=mode, options=options)

    def _platform_plan(self) -> Plan:
        argv = self.launcher.program + ARGS[self.mode] + self.options
        path = entry_path(self.platform, self.home, dict(self.environ))
        if self.platform == "linux":
            op: WriteFile | CreateShortcut = WriteFile(COMPONENT, path, desktop_entry(argv, self.mode))
        elif self.platform == "macos":
            op = WriteFile(COMPONENT, path, launch_agent(argv))
        else:
            program, *rest = argv
            op = CreateShortcut(COMPONENT, path, ShortcutSpec(
                target=program, arguments=" ".join(windows_arg(a) for a in rest), description=_PURPOSE[self.mode],
                icon=icon_location(self.launcher)))
        return Plan(self.platform, argv, [op], [])

    def _refresh(self) -> None:
        return None  # read at the next login: nothing to tell a running desktop


def current_mode(platform: str | None = None) -> str | None:
    """The mode the app starts in at login; None when it does not (never turned on, or its entry is gone)."""
    target = AutostartTarget.for_mode(WINDOW, platform)
    manifest = Manifest.load(target.manifest_path)
    if manifest is None or not status(target).all_in(INSTALLED):
        return None
    started = tuple(manifest.launcher)
    return next((mode for mode, args in ARGS.items()
                 if any(started[i:i + len(args)] == args for i in range(len(started)))), None)
