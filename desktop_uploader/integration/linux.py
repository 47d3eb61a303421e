"""Linux: a desktop entry, and "Upload to S3" in GNOME Files, Dolphin and Thunar, for the current user.

A system package (the .deb) installs the desktop entry, the icon, Dolphin's service menu and a Thunar "Send To"
entry for every user under ``/usr/share``; for each of those found in the XDG data folders, the per-user copy is
left out, so menus do not show the action twice. GNOME Files has no system-wide scripts folder, so its script is
always per user.

Every file manager gets the paths as separate arguments and the launched app gets them unchanged, through
the launcher's own rules: ``%F`` in desktop entries (their Exec quoting), ``"$@"`` in the GNOME Files
script, ``%F`` in Thunar's action (GLib shell quoting). No command line is ever built from a file name.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from desktop_uploader.integration import thunar
from desktop_uploader.integration.common import (
    ACTION_DESCRIPTION,
    ACTION_LABEL,
    APP_ID,
    APP_NAME,
    Launcher,
    desktop_exec,
    desktop_string,
    shell_command,
)
from desktop_uploader.integration.plan import MergeThunarAction, Operation, Plan, WriteFile

DESKTOP_ENTRY = "desktop entry"
ICON = "app icon"
NAUTILUS = "GNOME Files script"
DOLPHIN = "Dolphin service menu"
THUNAR = "Thunar custom action"

# Where a system-wide install puts each component, relative to an XDG data folder such as /usr/share.
SYSTEM_WIDE = {
    DESKTOP_ENTRY: Path("applications", f"{APP_ID}.desktop"),
    ICON: Path("icons", "hicolor", "scalable", "apps", f"{APP_ID}.svg"),
    DOLPHIN: Path("kio", "servicemenus", f"{APP_ID}.desktop"),
    # Thunar's custom actions live only in one uca.xml per user; its "Send To" entries are read from every data
    # folder, so that is the system-wide way in.
    THUNAR: Path("Thunar", "sendto", f"{APP_ID}.desktop"),
}


@dataclass(frozen=True)
class XdgDirs:
    home: Path
    data_home: Path
    config_home: Path
    config_dirs: tuple[Path, ...]
    data_dirs: tuple[Path, ...] = (Path("/usr/local/share"), Path("/usr/share"))

    @classmethod
    def from_env(cls, home: Path, environ: Mapping[str, str]) -> XdgDirs:
        """The XDG Base Directory rules: relative values are invalid and ignored."""

        def one(name: str, default: Path) -> Path:
            value = environ.get(name, "")
            return Path(value) if value and Path(value).is_absolute() else default

        def many(name: str, default: tuple[Path, ...]) -> tuple[Path, ...]:
            dirs = [Path(p) for p in environ.get(name, "").split(":") if p and Path(p).is_absolute()]
            return tuple(dirs) or default

        return cls(home=home, data_home=one("XDG_DATA_HOME", home / ".local" / "share"),
                   config_home=one("XDG_CONFIG_HOME", home / ".config"),
                   config_dirs=many("XDG_CONFIG_DIRS", (Path("/etc/xdg"),)),
                   data_dirs=many("XDG_DATA_DIRS", cls.data_dirs))

    def system_wide(self) -> dict[str, Path]:
        """The components a system package installed for every user, with where each one is."""
        found: dict[str, Path] = {}
        for component, relative in SYSTEM_WIDE.items():
            path = next((d / relative for d in self.data_dirs if (d / relative).is_file()), None)
            if path is not None:
                found[component] = path
        return found

    @property
    def desktop_entry(self) -> Path:
        return self.data_home / "applications" / f"{APP_ID}.desktop"

    @property
    def icon(self) -> Path:
        return self.data_home / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"

    def icon_png(self, size: int) -> Path:
        return self.data_home / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"

    @property
    def nautilus_script(self) -> Path:
        return self.data_home / "nautilus" / "scripts" / ACTION_LABEL

    @property
    def dolphin_service_menu(self) -> Path:
        return self.data_home / "kio" / "servicemenus" / f"{APP_ID}.desktop"

    @property
    def thunar_uca(self) -> Path:
        return self.config_home / "Thunar" / "uca.xml"


def desktop_entry(launcher: Launcher, icon: str) -> str:
    exec_line = desktop_exec(launcher.argv)
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        f"Name={APP_NAME}",
        "GenericName=S3 Uploader",
        f"Comment={desktop_string(ACTION_DESCRIPTION)}",
        f"Icon={icon}",
        f"Exec={exec_line}",
        "Terminal=false",
        "Categories=Network;FileTransfer;",
        "Keywords=S3;upload;bucket;cloud;",
        # A launch that only hands its files to the running window never shows one of its own, so a
        # startup notification would leave a busy cursor spinning until it times out.
        "StartupNotify=false",
        f"StartupWMClass={APP_ID}",
        "Actions=upload;",
        "",
        "[Desktop Action upload]",
        f"Name={ACTION_LABEL}",
        f"Icon={icon}",
        f"Exec={exec_line}",
        "",
    ])


def dolphin_service_menu(launcher: Launcher, icon: str) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Service",
        # Files of every type, and folders.
        "MimeType=all/allfiles;inode/directory;",
        "X-KDE-ServiceTypes=KonqPopupMenu/Plugin",  # still read by KDE Frameworks 5 before 5.85
        "Actions=uploadToS3;",
        "",
        "[Desktop Action uploadToS3]",
        f"Name={ACTION_LABEL}",
        f"Icon={icon}",
        f"Exec={desktop_exec(launcher.argv)}",
        "",
    ])


def nautilus_script(launcher: Launcher) -> str:
    # GNOME Files runs the script with the selected local files as arguments (in its working folder), so
    # "$@" carries every name unchanged; NAUTILUS_SCRIPT_SELECTED_FILE_PATHS is newline-separated and would
    # split a name that contains a newline.
    return "\n".join([
        "#!/bin/sh",
        f"# {ACTION_LABEL}: hands the selected files and folders to {APP_NAME}.",
        f"# Written by `{APP_ID} integrate install`; `{APP_ID} integrate uninstall` removes it.",
        f'exec {shell_command(launcher.argv)} "$@"',
        "",
    ])


def thunar_sendto_entry(launcher: Launcher, icon: str) -> str:
    return "\n".join([
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.5",
        f"Name={ACTION_LABEL}",
        f"Comment={desktop_string(ACTION_DESCRIPTION)}",
        f"Icon={icon}",
        f"Exec={desktop_exec(launcher.argv)}",
        "",
    ])


def system_menu_files(program: str) -> dict[Path, str]:
    """The file-manager entries a system package installs, relative to its data folder (``/usr/share``)."""
    launcher = Launcher((program,))
    return {SYSTEM_WIDE[DOLPHIN]: dolphin_service_menu(launcher, APP_ID),
            SYSTEM_WIDE[THUNAR]: thunar_sendto_entry(launcher, APP_ID)}


def thunar_action(launcher: Launcher, icon: str) -> thunar.ThunarAction:
    # Thunar puts each path in place of %F quoted for g_shell_parse_argv, which also splits this command.
    return thunar.ThunarAction(name=ACTION_LABEL, command=f"{shell_command(launcher.argv)} %F",
                               description=ACTION_DESCRIPTION, icon=icon)


def plan(xdg: XdgDirs, launcher: Launcher, icon_svg: Path | None, icon_pngs: Mapping[int, Path] | None = None
         ) -> Plan:
    system = xdg.system_wide()
    ops: list[Operation] = []
    icon_pngs = icon_pngs or {}
    icon = APP_ID if icon_svg is not None or icon_pngs or ICON in system else "document-send"
    if ICON not in system:
        if icon_svg is not None:
            ops.append(WriteFile(ICON, xdg.icon, icon_svg.read_bytes()))
        # Bitmaps as well where the build rendered them: some panels and docks draw SVG icons poorly.
        ops.extend(WriteFile(ICON, xdg.icon_png(size), path.read_bytes()) for size, path in sorted(icon_pngs.items()))
    if DESKTOP_ENTRY not in system:
        ops.append(WriteFile(DESKTOP_ENTRY, xdg.desktop_entry, desktop_entry(launcher, icon).encode("utf-8")))
    ops.append(WriteFile(NAUTILUS, xdg.nautilus_script, nautilus_script(launcher).encode("utf-8"), executable=True))
    if DOLPHIN not in system:
        # Dolphin only runs service menus outside the system folders if they are executable.
        ops.append(WriteFile(DOLPHIN, xdg.dolphin_service_menu,
                             dolphin_service_menu(launcher, icon).encode("utf-8"), executable=True))
    notes = []
    if THUNAR not in system:
        ops.append(MergeThunarAction(THUNAR, xdg.thunar_uca, thunar_action(launcher, icon),
                                     seeds=tuple(d / "Thunar" / "uca.xml" for d in xdg.config_dirs)))
        notes.append("Thunar reads its actions when it starts: run `thunar -q` (or log out) to see the new one.")
    return Plan("linux", launcher.argv, ops, notes, system_wide={c: str(p) for c, p in system.items()})
