"""The admin's locked configuration: values laid over the user's settings that win everywhere.

Two layers, both JSON files in the format below:

- the system-wide file ``locked-config.json`` in the platform's site config folder (``/etc/xdg/desktop-uploader``
  on Linux - always that folder, whatever ``XDG_CONFIG_DIRS`` says -, ``C:\\ProgramData\\desktop-uploader`` on
  Windows, ``/Library/Application Support/desktop-uploader`` on macOS), writable by administrators only. Nothing
  a user can set (environment variables, options, ``DESKTOP_UPLOADER_HOME``) moves or hides it;
- a file given with ``--locked-config FILE`` or ``DESKTOP_UPLOADER_LOCKED_CONFIG``, for devices set up without
  administrator rights. It may only add restrictions: where both fix a value, the system-wide file's wins.

Layout::

    {
      "version": 1,
      "default_profile": "field",
      "profiles": {"field": {"endpoint_url": "https://sign.example.org/sign", "key_template": "..."}},
      "settings": {"rate_limit_kib": 0},
      "kiosk": {"enabled": true, "profile": "field", "watch_folders": ["/media/card/DCIM"],
                "unmetered_only": true, "after_upload": "copy", "sent_folder": "/home/field/Sent"},
      "admin_pin": {"algorithm": "scrypt", ...}
    }

Every value given there overrides the user's own settings and is shown as fixed. A profile named there
but missing locally is created from the locked values. Secrets are never accepted in it: they go to the
keychain with ``desktop-uploader credentials set``. The ``settings`` and ``kiosk`` sections are checked
against the tables in :mod:`desktop_uploader.core.settings`; the ``admin_pin`` record belongs to kiosk
mode, which checks it when it starts.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any

import platformdirs

from desktop_uploader.core import settings as spec
from desktop_uploader.core.config import Config, Profile, ProfileError
from desktop_uploader.core.paths import APP_NAME
from desktop_uploader.core.secret_scan import find_secrets

LOCKED_CONFIG_ENV = "DESKTOP_UPLOADER_LOCKED_CONFIG"
LOCKED_CONFIG_FILE = "locked-config.json"

_LOCKED_TOP_LEVEL = frozenset({"version", "default_profile", "profiles", spec.SECTION_APP, spec.SECTION_KIOSK,
                               "admin_pin", "comment"})


class LockdownError(ValueError):
    """The locked configuration or an import file cannot be used; the message says what to fix."""


@dataclass(frozen=True)
class LockedConfig:
    path: Path | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_profile: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    kiosk: dict[str, Any] = field(default_factory=dict)
    admin_pin: dict[str, Any] | None = None
    sources: tuple[Path, ...] = ()  # every file that contributed, the system-wide one first
    system_pin: bool = False  # admin_pin comes from the system-wide file

    @property
    def active(self) -> bool:
        return self.path is not None

    def locked_profile_fields(self, name: str) -> frozenset[str]:
        return frozenset(self.profiles.get(name, {}))

    def locked_kiosk_fields(self) -> frozenset[str]:
        return frozenset(self.kiosk)

    def locked_settings(self) -> frozenset[str]:
        return frozenset(self.settings)


def _system_config_dir() -> Path:
    if sys.platform.startswith("linux"):
        return Path("/etc/xdg") / APP_NAME
    if sys.platform == "darwin":
        return Path("/Library/Application Support") / APP_NAME
    return Path(platformdirs.site_config_dir(APP_NAME, appauthor=False))  # Windows: asked of the system itself


# The administrators' folder for this app: fixed per platform, never taken from the environment, so nothing a
# user can set moves or hides what is in it.
SYSTEM_CONFIG_DIR = _system_config_dir()


def system_locked_path() -> Path:
    """The system-wide locked configuration's place."""
    return SYSTEM_CONFIG_DIR / LOCKED_CONFIG_FILE


def locked_config_path(option: str | os.PathLike[str] | None = None) -> Path | None:
    """The locked configuration a user named: the option, else the environment variable; None if neither."""
    if option:
        return Path(option)
    env = os.environ.get(LOCKED_CONFIG_ENV)
    return Path(env) if env else None


def load_admin_locks(option: str | os.PathLike[str] | None = None) -> LockedConfig:
    """The locked configuration in force: the system-wide file if there is one, with the one the user named
    (the option or the environment) adding restrictions where the system-wide file is silent."""
    system_path = system_locked_path()
    system = load_locked(system_path) if system_path.is_file() else LockedConfig()
    return layered(system, load_locked(locked_config_path(option)))


def layered(system: LockedConfig, user: LockedConfig) -> LockedConfig:
    """``user``'s locks under ``system``'s: every value the system-wide file fixes stays as it says."""
    if not user.active:
        return replace(system, sources=(system.path,) if system.path else (), system_pin=system.admin_pin is not None)
    if not system.active:
        return replace(user, sources=(user.path,) if user.path else ())
    names = [*system.profiles, *(n for n in user.profiles if n not in system.profiles)]
    return LockedConfig(
        path=system.path,
        profiles={n: {**user.profiles.get(n, {}), **system.profiles.get(n, {})} for n in names},
        default_profile=system.default_profile or user.default_profile,
        settings={**user.settings, **system.settings},
        kiosk={**user.kiosk, **system.kiosk},
        admin_pin=system.admin_pin if system.admin_pin is not None else user.admin_pin,
        sources=tuple(p for p in (system.path, user.path) if p is not None),
        system_pin=system.admin_pin is not None,
    )


def load_locked(path: Path | None) -> LockedConfig:
    """The locked configuration at ``path`` (an empty one for None). A named file must exist and be valid:
    a kiosk that silently ran without its admin's settings would not be locked down at all."""
    if path is None:
        return LockedConfig()
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        raise LockdownError(f"The locked configuration {path} does not exist.") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LockdownError(f"The locked configuration {path} cannot be read: {exc}") from None
    if not isinstance(raw, dict):
        raise LockdownError(f"The locked configuration {path} must be a JSON object.")
    unknown = sorted(set(raw) - _LOCKED_TOP_LEVEL)
    if unknown:
        raise LockdownError(f"The locked configuration {path} has unknown entries: {', '.join(unknown)}.")
    profiles = raw.get("profiles", {})
    if not isinstance(profiles, dict) or not all(isinstance(v, dict) for v in profiles.values()):
        raise LockdownError("'profiles' in the locked configuration must map names to settings.")
    for name, values in profiles.items():
        found = find_secrets(values)
        if found:
            raise LockdownError(f"The locked profile '{name}' contains what looks like a secret ({', '.join(found)}). "
                                "Secrets belong in the keychain: use 'desktop-uploader credentials set'.")
        known = {f.name for f in fields(Profile)} - {"name"}
        bad = sorted(set(values) - known)
        if bad:
            raise LockdownError(f"The locked profile '{name}' has unknown settings: {', '.join(bad)}.")
    sections: dict[str, dict[str, Any]] = {}
    for key in (spec.SECTION_APP, spec.SECTION_KIOSK):
        if not isinstance(raw.get(key, {}), dict):
            raise LockdownError(f"'{key}' in the locked configuration must be a JSON object.")
        try:
            sections[key] = spec.check_section(key, raw.get(key, {}), lockable_only=True)
        except spec.SettingError as exc:
            raise LockdownError(f"The locked configuration {path}: {exc}") from None
    admin_pin = raw.get("admin_pin")
    if admin_pin is not None and not isinstance(admin_pin, dict):
        raise LockdownError("admin_pin in the locked configuration must be a JSON object.")
    default = raw.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise LockdownError("'default_profile' in the locked configuration must be a name.")
    return LockedConfig(path=path, profiles={n: dict(v) for n, v in profiles.items()}, default_profile=default,
                        settings=sections[spec.SECTION_APP], kiosk=sections[spec.SECTION_KIOSK],
                        admin_pin=admin_pin)


def apply_locked(config: Config, locked: LockedConfig) -> Config:
    """A copy of ``config`` with the locked values laid over it; ``config`` itself is not changed.

    The copy has no path, so saving it by mistake cannot write locked values into the user's file.
    """
    merged = Config(profiles={n: copy.deepcopy(p) for n, p in config.profiles.items()},
                    default_profile=config.default_profile, settings=copy.deepcopy(config.settings), path=None)
    for name, values in locked.profiles.items():
        base = merged.profiles[name].to_dict() if name in merged.profiles else {}
        base.update(copy.deepcopy(values))
        try:
            profile = Profile.from_dict(name, base)
            profile.validate()
        except ProfileError as exc:
            raise LockdownError(f"The locked configuration makes profile '{name}' unusable: {exc}") from None
        merged.profiles[name] = profile
    if locked.default_profile:
        if locked.default_profile not in merged.profiles:
            raise LockdownError(f"The locked default profile '{locked.default_profile}' does not exist.")
        merged.default_profile = locked.default_profile
    for key, value in locked.settings.items():
        if key == spec.SECTION_KIOSK:
            continue
        merged.settings[key] = copy.deepcopy(value)
    kiosk = dict(merged.settings.get(spec.SECTION_KIOSK) or {})
    kiosk.update(copy.deepcopy(locked.kiosk))
    merged.settings[spec.SECTION_KIOSK] = kiosk
    return merged


def effective_config(config: Config, locked: LockedConfig | None) -> Config:
    """The settings every surface works with: ``config`` itself when nothing is locked, else the copy
    with the admin's values laid over it (see apply_locked)."""
    return apply_locked(config, locked) if locked is not None and locked.active else config


