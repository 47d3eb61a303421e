"""Every app-wide and kiosk setting, declared once as data.

The Settings dialog, kiosk mode, the command line and the validation of the admin's locked configuration
all read these tables, so a setting's name, type, default and limits cannot drift apart between them.
Profile settings (destinations) live in :mod:`desktop_uploader.core.config`.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

SECTION_APP = "settings"  # the key of app-wide settings in config.json and the locked configuration
SECTION_KIOSK = "kiosk"

RATE_LIMIT_KIB = "rate_limit_kib"
CLOSE_TO_TRAY = "close_to_tray"
PAUSE_ON_METERED = "pause_on_metered"

AFTER_KEEP = "keep"
AFTER_COPY = "copy"
AFTER_MOVE = "move"
AFTER_UPLOAD_CHOICES = (AFTER_KEEP, AFTER_COPY, AFTER_MOVE)
# Camera counters restart, so a flat "{relpath}" would let a new IMG_0001.JPG replace yesterday's.
DEFAULT_KIOSK_TEMPLATE = "{device}/{date}/{relpath}"


class SettingError(ValueError):
    """A value does not fit its setting; the message names the setting and what it takes."""


@dataclass(frozen=True)
class Setting:
    name: str
    type: type
    default: Any
    description: str
    lockable: bool = True  # whether an admin can fix it in the locked configuration
    minimum: float | None = None
    maximum: float | None = None
    choices: tuple[str, ...] = ()

    def check(self, value: Any, *, where: str) -> Any:
        """``value`` converted to this setting's type, or SettingError saying what is wrong."""
        label = f"{where}.{self.name}"
        if self.type is float and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
        elif self.type is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingError(f"{label} must be a list of folder paths.")
            value = list(value)
        elif not isinstance(value, self.type) or (self.type is not bool and isinstance(value, bool)):
            raise SettingError(f"{label} must be {self.type.__name__}, not {type(value).__name__}.")
        if (self.minimum is not None and value < self.minimum) or (self.maximum is not None and value > self.maximum):
            raise SettingError(f"{label} must be between {self.minimum:g} and {self.maximum:g}.")
        if self.choices and value not in self.choices:
            raise SettingError(f"{label} must be one of {', '.join(self.choices)}.")
        return value


APP_SETTINGS: tuple[Setting, ...] = (
    Setting(RATE_LIMIT_KIB, int, 0, "Bandwidth limit over all uploads in KiB/s; 0 means no limit.",
            minimum=0, maximum=10 * 1024 * 1024),
    Setting(CLOSE_TO_TRAY, bool, True, "Keep uploading in the background when the window is closed."),
    # Off by default: for field staff, mobile data is often the only network there is.
    Setting(PAUSE_ON_METERED, bool, False, "Hold uploads back while this computer is on a metered connection "
            "(mobile data, a phone's hotspot), and go on by themselves on Wi-Fi or a wired network."),
)

KIOSK_SETTINGS: tuple[Setting, ...] = (
    Setting("enabled", bool, False, "Open in kiosk mode when the app starts without a command."),
    Setting("profile", str, "", "The destination kiosk mode sends to; empty means the default one."),
    Setting("watch_folders", list, [], "Folders whose new files are queued once they stop changing."),
    Setting("stable_seconds", float, 3.0, "How long a file must stay unchanged before it is queued.",
            minimum=0.2, maximum=3600),
    Setting("after_upload", str, AFTER_KEEP, "What happens to a watched file once it is uploaded.",
            choices=AFTER_UPLOAD_CHOICES),
    Setting("sent_folder", str, "", "Where uploaded files are copied or moved to."),
    Setting("unmetered_only", bool, False, "Send only on networks that are not metered."),
    Setting("device_name", str, "", "The device's name in keys and metadata; empty means the stored one."),
    Setting("key_template", str, DEFAULT_KIOSK_TEMPLATE,
            "How kiosk files are named in the bucket; empty means the destination's own template."),
    Setting("ask_operator", bool, True, "Ask who is working at the start of each shift."),
)

TABLES: Mapping[str, tuple[Setting, ...]] = {SECTION_APP: APP_SETTINGS, SECTION_KIOSK: KIOSK_SETTINGS}


def spec(section: str, name: str) -> Setting:
    for setting in TABLES[section]:
        if setting.name == name:
            return setting
    raise KeyError(f"{section}.{name}")


def check_section(section: str, values: Mapping[str, Any], *, lockable_only: bool = False) -> dict[str, Any]:
    """``values`` checked against the section's table; SettingError for an unknown name or a bad value."""
    known = {s.name: s for s in TABLES[section]}
    checked: dict[str, Any] = {}
    for name, value in values.items():
        setting = known.get(name)
        if setting is None or (lockable_only and not setting.lockable):
            raise SettingError(f"{section}.{name} is not a known {_noun(section)}.")
        checked[name] = setting.check(value, where=section)
    return checked


def read(section: str, stored: Mapping[str, Any] | None) -> dict[str, Any]:
    """Every setting of a section: the stored value where it is valid, else the default. A damaged value
    in the user's own file falls back to the default instead of stopping the app."""
    values: dict[str, Any] = {}
    stored = stored if isinstance(stored, Mapping) else {}
    for setting in TABLES[section]:
        value = setting.default
        if setting.name in stored:
            with contextlib.suppress(SettingError):
                value = setting.check(stored[setting.name], where=section)
        values[setting.name] = list(value) if isinstance(value, list) else value
    return values


def _noun(section: str) -> str:
    return "kiosk setting" if section == SECTION_KIOSK else "setting"
