"""Moving profiles between devices as JSON, without their secrets.

``export_profiles`` strips anything that looks like a secret (token-like query parameters, authorization
headers, key-like values) and reports what it left out. ``import_profiles`` refuses such a file instead.
The keychain entries a profile needs on the new device are listed, so they can be set there.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from desktop_uploader.core.config import KIND_LOCAL, Config, Profile, ProfileError
from desktop_uploader.core.locked import LockdownError, LockedConfig
from desktop_uploader.core.secret_scan import find_secrets, strip_secrets
from desktop_uploader.core.secrets import ACCESS_KEY_ID, SECRET_ACCESS_KEY, header_field

EXPORT_FORMAT = "desktop-uploader/profiles"
EXPORT_VERSION = 1


def secrets_needed(profile: Profile) -> list[str]:
    """The keychain entries a profile needs on a new device."""
    names = [header_field(h) for h in profile.secret_headers]
    if profile.kind == KIND_LOCAL:
        names = [ACCESS_KEY_ID, SECRET_ACCESS_KEY, *names]
    return names


@dataclass(frozen=True)
class ExportResult:
    data: dict[str, Any]
    removed: dict[str, list[str]]  # profile name -> what was left out because it looked secret


def export_profiles(config: Config, names: Iterable[str] | None = None) -> ExportResult:
    chosen = list(names) if names is not None else sorted(config.profiles)
    profiles: dict[str, Any] = {}
    removed: dict[str, list[str]] = {}
    needed: dict[str, list[str]] = {}
    for name in chosen:
        profile = config.get(name)
        clean, dropped = strip_secrets(profile.to_dict())
        profiles[name] = clean
        if dropped:
            removed[name] = dropped
        if secrets_needed(profile):
            needed[name] = secrets_needed(profile)
    data: dict[str, Any] = {"format": EXPORT_FORMAT, "version": EXPORT_VERSION, "profiles": profiles,
                            "secrets_needed": needed}
    if config.default_profile in profiles:
        data["default_profile"] = config.default_profile
    return ExportResult(data=data, removed=removed)


@dataclass(frozen=True)
class ImportResult:
    added: list[str]
    replaced: list[str]
    skipped: list[str]  # already present, not replaced
    secrets_needed: dict[str, list[str]]


def import_profiles(data: Any, config: Config, *, replace: bool = False,
                    locked: LockedConfig | None = None) -> ImportResult:
    """Add the profiles of an export file to ``config`` (not saved here). Refuses secret-looking values."""
    if not isinstance(data, dict) or data.get("format") != EXPORT_FORMAT:
        raise LockdownError("This is not a profile file exported by desktop-uploader.")
    if not isinstance(data.get("version"), int) or data["version"] > EXPORT_VERSION:
        raise LockdownError("This profile file was made by a newer version of desktop-uploader.")
    raw_profiles = data.get("profiles")
    if not isinstance(raw_profiles, dict) or not all(isinstance(v, dict) for v in raw_profiles.values()):
        raise LockdownError("The profile file has no valid 'profiles' table.")
    parsed: dict[str, Profile] = {}
    for name, values in raw_profiles.items():
        found = find_secrets(values)
        if found:
            raise LockdownError(f"Profile '{name}' in the file contains what looks like a secret ({', '.join(found)}). "
                                "Nothing was imported. Remove it from the file and store it with "
                                "'desktop-uploader credentials set' on this device instead.")
        try:
            profile = Profile.from_dict(str(name), values)
            profile.validate()
        except ProfileError as exc:
            raise LockdownError(f"Nothing was imported: {exc}") from None
        if locked is not None and name in locked.profiles:
            raise LockdownError(f"Profile '{name}' is fixed by the locked configuration; nothing was imported.")
        parsed[str(name)] = profile
    added: list[str] = []
    replaced: list[str] = []
    skipped: list[str] = []
    for name, profile in parsed.items():
        if name in config.profiles:
            if not replace:
                skipped.append(name)
                continue
            replaced.append(name)
        else:
            added.append(name)
        config.profiles[name] = profile
    default = data.get("default_profile")
    if isinstance(default, str) and default in config.profiles and not config.default_profile:
        config.default_profile = default
    elif not config.default_profile and config.profiles:
        config.default_profile = sorted(config.profiles)[0]
    needed = {n: secrets_needed(parsed[n]) for n in [*added, *replaced] if secrets_needed(parsed[n])}
    return ImportResult(added=added, replaced=replaced, skipped=skipped, secrets_needed=needed)
