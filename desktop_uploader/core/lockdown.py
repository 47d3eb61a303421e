"""Fleet setup: the admin's locked configuration, kiosk settings, and profile export/import without secrets.

Locked configuration
    A JSON file supplied by the admin, found through ``--locked-config FILE``, the environment variable
    ``DESKTOP_UPLOADER_LOCKED_CONFIG``, or ``locked-config.json`` in the platform's site-wide config folder
    (``/etc/xdg/desktop-uploader`` on Linux, ``C:\\ProgramData\\desktop-uploader`` on Windows, ``/Library/
    Application Support/desktop-uploader`` on macOS). Make it read-only for the kiosk user. Layout::

        {
          "version": 1,
          "default_profile": "field",
          "profiles": {"field": {"endpoint_url": "https://sign.example.org/sign", "key_template": "..."}},
          "settings": {"rate_limit_kib": 0},
          "kiosk": {"enabled": true, "profile": "field", "watch_folders": ["/media/card/DCIM"],
                    "unmetered_only": true, "after_upload": "copy", "sent_folder": "/home/field/Sent"},
          "admin_pin": {"algorithm": "scrypt", ...}
        }

    Every value given there overrides the user's own settings and is shown as fixed in the kiosk. A
    profile named there but missing locally is created from the locked values. Secrets are never
    accepted in it: they go to the keychain with ``desktop-uploader credentials set``.

Export and import
    ``export_profiles`` writes profiles as JSON for other devices and strips anything that looks like a
    secret (token-like query parameters, authorization headers, key-like values), reporting what it left
    out. ``import_profiles`` refuses such a file instead: a secret that travelled in a file must be
    noticed, not quietly written to another plain settings file.
"""

from __future__ import annotations

import copy
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import platformdirs

from desktop_uploader.core.after_upload import AFTER_KEEP, AFTER_UPLOAD_CHOICES
from desktop_uploader.core.config import KIND_LOCAL, Config, Profile, ProfileError
from desktop_uploader.core.keys import KeyTemplateError, validate_template
from desktop_uploader.core.paths import APP_NAME, HOME_ENV
from desktop_uploader.core.redact import SECRET_HEADERS, SECRET_QUERY_PARAMS
from desktop_uploader.core.secrets import ACCESS_KEY_ID, SECRET_ACCESS_KEY, header_field

LOCKED_CONFIG_ENV = "DESKTOP_UPLOADER_LOCKED_CONFIG"
LOCKED_CONFIG_FILE = "locked-config.json"
KIOSK_SETTINGS_KEY = "kiosk"
EXPORT_FORMAT = "desktop-uploader/profiles"
EXPORT_VERSION = 1
DEFAULT_KIOSK_TEMPLATE = "{device}/{date}/{relpath}"

_LOCKED_TOP_LEVEL = frozenset({"version", "default_profile", "profiles", "settings", "kiosk", "admin_pin",
                               "comment"})
# Names that suggest a credential, in any field, header or query parameter.
_SECRET_NAME = re.compile(
    r"(?i)(secret|passw|token|api[-_]?key|apikey|access[-_]?key|authori[sz]ation|credential|cookie|"
    r"private[-_]?key|signature|x-amz-security|session[-_]?key|customer-key)"
)
# Values that look like a credential whatever their name: AWS key ids, long random-looking strings.
_KEY_ID = re.compile(r"\b(AKIA|ASIA|AGPA|AIDA|AROA)[A-Z0-9]{16}\b")
_RANDOM_LOOKING = re.compile(r"^[A-Za-z0-9/+=_\-]{24,}$")
# Profile fields that name things (not values) even though their names mention secrets.
_SECRET_NAME_FIELDS = frozenset({"secret_headers"})


class LockdownError(ValueError):
    """The locked configuration or an import file cannot be used; the message says what to fix."""


# -- kiosk settings ---------------------------------------------------------------------------------------
@dataclass
class KioskSettings:
    enabled: bool = False  # open in kiosk mode when the app starts without a command
    profile: str = ""  # "" = the default profile
    watch_folders: list[str] = field(default_factory=list)
    stable_seconds: float = 3.0
    after_upload: str = AFTER_KEEP
    sent_folder: str = ""
    unmetered_only: bool = False
    device_name: str = ""  # "" = the stored device name, else the host name
    # Camera counters restart, so a flat "{relpath}" would let a new IMG_0001.JPG replace yesterday's.
    key_template: str = DEFAULT_KIOSK_TEMPLATE  # "" = the profile's own template
    ask_operator: bool = True

    def validate(self) -> None:
        if self.after_upload not in AFTER_UPLOAD_CHOICES:
            raise LockdownError(f"kiosk.after_upload must be one of {', '.join(AFTER_UPLOAD_CHOICES)}.")
        if self.after_upload != AFTER_KEEP and not self.sent_folder:
            raise LockdownError(f"kiosk.after_upload '{self.after_upload}' needs kiosk.sent_folder.")
        if not 0.2 <= float(self.stable_seconds) <= 3600:
            raise LockdownError("kiosk.stable_seconds must be between 0.2 and 3600.")
        if self.sent_folder:
            sent = Path(os.path.abspath(self.sent_folder))
            for folder in self.watch_folders:
                if Path(os.path.abspath(folder)).is_relative_to(sent):
                    raise LockdownError(f"The watch folder {folder} lies inside the sent folder.")
        if self.key_template:
            try:
                validate_template(self.key_template)
            except KeyTemplateError as exc:
                raise LockdownError(f"kiosk.key_template: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, where: str = "kiosk") -> KioskSettings:
        settings = cls()
        _apply_kiosk_values(settings, data, where=where)
        return settings


def _kiosk_field_types() -> dict[str, type]:
    defaults = KioskSettings()
    return {f.name: type(getattr(defaults, f.name)) for f in fields(KioskSettings)}


def _apply_kiosk_values(settings: KioskSettings, data: Mapping[str, Any], *, where: str) -> None:
    types = _kiosk_field_types()
    for name, value in data.items():
        expected = types.get(name)
        if expected is None:
            raise LockdownError(f"{where}.{name} is not a known kiosk setting.")
        if expected is float and isinstance(value, int | float) and not isinstance(value, bool):
            value = float(value)
        elif expected is list:
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise LockdownError(f"{where}.{name} must be a list of folder paths.")
            value = list(value)
        elif not isinstance(value, expected) or (expected is not bool and isinstance(value, bool)):
            raise LockdownError(f"{where}.{name} must be {expected.__name__}, not {type(value).__name__}.")
        setattr(settings, name, value)


# -- the locked configuration -----------------------------------------------------------------------------
@dataclass(frozen=True)
class LockedConfig:
    path: Path | None = None
    profiles: dict[str, dict[str, Any]] = field(default_factory=dict)
    default_profile: str | None = None
    settings: dict[str, Any] = field(default_factory=dict)
    kiosk: dict[str, Any] = field(default_factory=dict)
    admin_pin: dict[str, Any] | None = None

    @property
    def active(self) -> bool:
        return self.path is not None

    def locked_profile_fields(self, name: str) -> frozenset[str]:
        return frozenset(self.profiles.get(name, {}))

    def locked_kiosk_fields(self) -> frozenset[str]:
        return frozenset(self.kiosk)

    def locked_settings(self) -> frozenset[str]:
        return frozenset(self.settings)


def locked_config_path(option: str | os.PathLike[str] | None = None) -> Path | None:
    """Where the locked configuration is: the option, the environment, or the site-wide file if present."""
    if option:
        return Path(option)
    env = os.environ.get(LOCKED_CONFIG_ENV)
    if env:
        return Path(env)
    if os.environ.get(HOME_ENV):
        # An isolated home (tests, portable installs) never picks up the machine's file by accident.
        return None
    site = Path(platformdirs.site_config_dir(APP_NAME, appauthor=False)) / LOCKED_CONFIG_FILE
    return site if site.is_file() else None


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
    for key in ("settings", "kiosk"):
        if not isinstance(raw.get(key, {}), dict):
            raise LockdownError(f"'{key}' in the locked configuration must be a JSON object.")
    kiosk = dict(raw.get("kiosk", {}))
    _apply_kiosk_values(KioskSettings(), kiosk, where="kiosk")  # type check only
    admin_pin = raw.get("admin_pin")
    if admin_pin is not None:
        from desktop_uploader.core.pin import PinError, validate_record

        try:
            validate_record(admin_pin)
        except PinError as exc:
            raise LockdownError(f"admin_pin in the locked configuration: {exc}") from None
    default = raw.get("default_profile")
    if default is not None and not isinstance(default, str):
        raise LockdownError("'default_profile' in the locked configuration must be a name.")
    return LockedConfig(path=path, profiles={n: dict(v) for n, v in profiles.items()}, default_profile=default,
                        settings=dict(raw.get("settings", {})), kiosk=kiosk, admin_pin=admin_pin)


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
        if key == KIOSK_SETTINGS_KEY:
            continue
        merged.settings[key] = copy.deepcopy(value)
    kiosk = dict(merged.settings.get(KIOSK_SETTINGS_KEY) or {})
    kiosk.update(copy.deepcopy(locked.kiosk))
    merged.settings[KIOSK_SETTINGS_KEY] = kiosk
    return merged


def effective_config(config: Config, locked: LockedConfig | None) -> Config:
    """The settings every surface works with: ``config`` itself when nothing is locked, else the copy
    with the admin's values laid over it (see apply_locked)."""
    return apply_locked(config, locked) if locked is not None and locked.active else config


def kiosk_settings(config: Config, locked: LockedConfig | None = None) -> KioskSettings:
    """The kiosk settings in effect: the user's, with the locked ones laid over them."""
    stored = config.settings.get(KIOSK_SETTINGS_KEY) or {}
    if not isinstance(stored, dict):
        stored = {}
    settings = KioskSettings()
    types = _kiosk_field_types()
    # A damaged user value falls back to the default instead of stopping the kiosk.
    for name, value in stored.items():
        if name in types:
            try:
                _apply_kiosk_values(settings, {name: value}, where="kiosk")
            except LockdownError:
                continue
    if locked is not None:
        _apply_kiosk_values(settings, locked.kiosk, where="kiosk")
    return settings


def save_kiosk_settings(config: Config, wanted: KioskSettings, locked: LockedConfig) -> list[str]:
    """Store the kiosk settings the user may change into ``config`` (the user's own) and save it.

    Locked values are never written, whatever ``wanted`` says; returns the names that were left out
    because they are locked and differ from the locked value.
    """
    wanted.validate()
    current = dict(config.settings.get(KIOSK_SETTINGS_KEY) or {})
    refused: list[str] = []
    for name, value in wanted.to_dict().items():
        if name in locked.kiosk:
            if locked.kiosk[name] != value:
                refused.append(name)
            continue
        current[name] = value
    config.settings[KIOSK_SETTINGS_KEY] = current
    config.save()
    return refused


# -- secrets in profiles ----------------------------------------------------------------------------------
def _looks_secret_name(name: str) -> bool:
    lowered = name.lower()
    return bool(_SECRET_NAME.search(lowered)) or lowered in SECRET_HEADERS or lowered in SECRET_QUERY_PARAMS


def _looks_secret_value(value: str, *, free_text: bool) -> bool:
    """Whether a value looks like a key. Only free-text values (metadata, header values) are judged by
    their shape; the named profile fields (bucket, prefix, ...) only by the unmistakable AWS key ids."""
    if _KEY_ID.search(value):
        return True
    if not free_text or not _RANDOM_LOOKING.match(value):
        return False
    # Random keys mix upper case, lower case and digits; slugs such as "site-42-survey-exports" do not.
    return any(c.isdigit() for c in value) and any(c.isupper() for c in value) and \
        any(c.islower() for c in value)


def _secret_query_names(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    names = [k for k, _ in parse_qsl(parts.query, keep_blank_values=True) if _looks_secret_name(k)]
    if parts.username or parts.password:
        names.append("user:password in the address")
    return names


def find_secrets(values: Mapping[str, Any]) -> list[str]:
    """Where in a profile's settings something looks like a secret (empty if nothing does)."""
    found: list[str] = []
    for name, value in values.items():
        if name not in _SECRET_NAME_FIELDS and _looks_secret_name(name):
            found.append(name)
            continue
        if isinstance(value, str):
            if name.endswith("url"):
                found.extend(f"{name}?{q}" for q in _secret_query_names(value))
            if _looks_secret_value(value, free_text=False) and not name.endswith("url"):
                found.append(name)
        elif isinstance(value, dict):
            for key, inner in value.items():
                if _looks_secret_name(str(key)) or (isinstance(inner, str) and
                                                    _looks_secret_value(inner, free_text=True)):
                    found.append(f"{name}.{key}")
    return found


def strip_secrets(values: Mapping[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """A copy of a profile's settings with secret-looking entries removed, and what was removed."""
    clean: dict[str, Any] = {}
    removed: list[str] = []
    for name, value in values.items():
        if name not in _SECRET_NAME_FIELDS and _looks_secret_name(name):
            removed.append(name)
            continue
        if isinstance(value, str) and name.endswith("url"):
            secret_params = _secret_query_names(value)
            if secret_params:
                value = _without_params(value)
                removed.extend(f"{name}?{q}" for q in secret_params)
        elif isinstance(value, str) and _looks_secret_value(value, free_text=False):
            removed.append(name)
            continue
        elif isinstance(value, dict):
            kept = {}
            for key, inner in value.items():
                if _looks_secret_name(str(key)) or (isinstance(inner, str) and
                                                    _looks_secret_value(inner, free_text=True)):
                    removed.append(f"{name}.{key}")
                else:
                    kept[key] = inner
            value = kept
        clean[name] = copy.deepcopy(value)
    return clean, removed


def _without_params(url: str) -> str:
    parts = urlsplit(url)
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _looks_secret_name(k)]
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment))


# -- export and import ------------------------------------------------------------------------------------
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
