"""Named profiles in a JSON file under the platform config folder. Nothing secret is ever written here."""

from __future__ import annotations

import ipaddress
import json
import os
import tempfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from desktop_uploader.core import paths

CONFIG_VERSION = 1
KIND_ENDPOINT = "endpoint"
KIND_LOCAL = "local"
PROTOCOL_SIMPLE = "simple"
PROTOCOL_COMPANION = "companion"
ADDRESSING_STYLES = ("auto", "path", "virtual")
DEFAULT_CONCURRENCY = 6
# What happens when a file's name is already taken at the destination (see core/overwrite.py).
IF_EXISTS_OVERWRITE = "overwrite"
IF_EXISTS_SKIP = "skip"  # when the same file is there; a different one is reported, not replaced
IF_EXISTS_RENAME = "rename"  # keep both: the new file gets a number
IF_EXISTS_CHOICES = (IF_EXISTS_SKIP, IF_EXISTS_RENAME, IF_EXISTS_OVERWRITE)
MAX_CONCURRENCY = 32
AUTO_CONCURRENCY = 0  # a profile's concurrency: found by measuring, up to MAX_CONCURRENCY


class ProfileError(ValueError):
    """A profile is unusable; ``field`` names the setting to fix."""

    def __init__(self, profile: str, field_name: str, message: str) -> None:
        super().__init__(f"Profile '{profile}': {field_name}: {message}")
        self.profile = profile
        self.field = field_name
        self.reason = message


def is_loopback_host(host: str | None) -> bool:
    """True for this computer only: ``localhost`` or a loopback address literal (127.0.0.0/8, ::1).

    Decided on the parsed address, never on how the name starts: ``127.example.org`` is somebody else's."""
    if not host:
        return False
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Profile:
    name: str
    kind: str = KIND_ENDPOINT
    # Signing endpoint
    endpoint_url: str = ""
    protocol: str = PROTOCOL_SIMPLE
    http_method: str = "GET"
    key_param: str = "filekey"
    type_param: str = "contentType"
    url_field: str = "signed_url"
    # The endpoint also answers POST <endpoint path>/batch with links for up to 100 files at once.
    batch_signing: bool = False
    secret_headers: list[str] = field(default_factory=list)  # names; values live in the keychain
    # Values of headers an endpoint signs without telling us (e.g. {"x-amz-acl": "public-read"}).
    signed_header_values: dict[str, str] = field(default_factory=dict)
    # Local signing
    bucket: str = ""
    region: str = "us-east-1"
    s3_endpoint_url: str = ""
    addressing_style: str = "auto"
    acl: str = ""
    storage_class: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    link_lifetime: int = 900
    # Common
    prefix: str = ""
    key_template: str = "{relpath}"
    concurrency: int = AUTO_CONCURRENCY  # files at once: at most this many, or 0 for automatic
    allow_insecure_http: bool = False
    multipart_threshold: int = 64 * 1024 * 1024
    # Device status reports for the fleet's admin: kiosk mode always writes them, the window when
    # status_report is on. Empty status_key: "_devices/{install_id}.json".
    status_report: bool = False
    status_key: str = ""
    if_exists: str = IF_EXISTS_SKIP

    def validate(self) -> None:
        from desktop_uploader.core.keys import KeyTemplateError, validate_template

        def bad(name: str, message: str) -> ProfileError:
            return ProfileError(self.name, name, message)

        if not self.name or "/" in self.name or ":" in self.name or self.name.strip() != self.name:
            raise bad("name", "use a short name without '/', ':' or surrounding spaces")
        if self.kind == KIND_ENDPOINT:
            self._check_url("endpoint_url", self.endpoint_url, required=True)
            if self.protocol not in (PROTOCOL_SIMPLE, PROTOCOL_COMPANION):
                raise bad("protocol", f"must be '{PROTOCOL_SIMPLE}' or '{PROTOCOL_COMPANION}'")
            if self.http_method.upper() not in ("GET", "POST"):
                raise bad("http_method", "must be GET or POST")
            for name in ("key_param", "type_param", "url_field"):
                if not getattr(self, name):
                    raise bad(name, "must not be empty")
        elif self.kind == KIND_LOCAL:
            if not self.bucket:
                raise bad("bucket", "the bucket name is required for local signing")
            if not self.region:
                raise bad("region", "the region is required (for example us-east-1)")
            self._check_url("s3_endpoint_url", self.s3_endpoint_url, required=False)
            if self.addressing_style not in ADDRESSING_STYLES:
                raise bad("addressing_style", f"must be one of {', '.join(ADDRESSING_STYLES)}")
            if not 1 <= self.link_lifetime <= 604800:
                raise bad("link_lifetime", "must be between 1 and 604800 seconds (7 days, the S3 limit)")
        else:
            raise bad("kind", f"must be '{KIND_ENDPOINT}' or '{KIND_LOCAL}'")
        if not 0 <= self.concurrency <= MAX_CONCURRENCY:
            raise bad("concurrency", f"must be between 1 and {MAX_CONCURRENCY}, or 0 for automatic")
        if self.if_exists not in IF_EXISTS_CHOICES:
            raise bad("if_exists", f"must be one of {', '.join(IF_EXISTS_CHOICES)}")
        if self.multipart_threshold < 5 * 1024 * 1024:
            raise bad("multipart_threshold", "must be at least 5 MiB")
        try:
            validate_template(self.key_template)
        except KeyTemplateError as exc:
            raise bad("key_template", str(exc)) from None
        for header in self.secret_headers:
            if not header or any(c in header for c in " :\r\n"):
                raise bad("secret_headers", f"'{header}' is not a valid header name")
        if self.status_key:
            bare = self.status_key.replace("{install_id}", "")
            if self.status_key.startswith("/") or not self.status_key.endswith(".json") or "{" in bare \
                    or "}" in bare or not self.status_key.isprintable() or len(self.status_key) > 512:
                raise bad("status_key", "must be an object name ending in .json, such as "
                                        "_devices/{install_id}.json ({install_id} is the only placeholder)")

    def _check_url(self, name: str, url: str, *, required: bool) -> None:
        if not url:
            if required:
                raise ProfileError(self.name, name, "is required")
            return
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ProfileError(self.name, name, f"'{url}' is not an http(s) address")
        if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not self.allow_insecure_http:
            raise ProfileError(
                self.name, name,
                "plain http is only allowed for this computer (localhost); use https, or set "
                "allow_insecure_http if you accept that links and files travel unencrypted",
            )
        if parts.username or parts.password:
            raise ProfileError(self.name, name, "must not contain a user name or password; "
                               "put tokens in a secret header instead")

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("name")
        return data

    @classmethod
    def from_dict(cls, name: str, data: dict[str, Any]) -> Profile:
        known = {f.name for f in fields(cls)} - {"name"}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ProfileError(name, unknown[0], "is not a known setting")
        for key, value in data.items():
            _check_type(name, key, value)
        return cls(name=name, **data)


def _check_type(profile: str, name: str, value: Any) -> None:
    """A hand-edited settings file may hold a number where text belongs; say which setting, instead of
    failing later somewhere else."""
    default = next(f for f in fields(Profile) if f.name == name)
    example = default.default_factory() if callable(default.default_factory) else default.default
    if isinstance(example, bool):
        ok, what = isinstance(value, bool), "true or false"
    elif isinstance(example, int):
        ok, what = isinstance(value, int) and not isinstance(value, bool), "a whole number"
    elif isinstance(example, str):
        ok, what = isinstance(value, str), "text"
    elif isinstance(example, list):
        ok, what = isinstance(value, list) and all(isinstance(v, str) for v in value), "a list of texts"
    else:
        ok = isinstance(value, dict) and all(isinstance(k, str) and isinstance(v, str) for k, v in value.items())
        what = "a table of texts"
    if not ok:
        raise ProfileError(profile, name, f"must be {what}, not {json.dumps(value)[:60]}")


class ConfigError(Exception):
    pass


@dataclass
class Config:
    profiles: dict[str, Profile] = field(default_factory=dict)
    default_profile: str = ""
    settings: dict[str, Any] = field(default_factory=dict)
    path: Path | None = None

    @classmethod
    def load(cls, path: Path | None = None) -> Config:
        path = path or config_path()
        if not path.exists():
            return cls(path=path)
        try:
            raw = json.loads(path.read_text("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise ConfigError(f"The settings file {path} cannot be read: {exc}") from None
        if not isinstance(raw, dict) or not isinstance(raw.get("profiles", {}), dict) or \
                not isinstance(raw.get("settings", {}), dict) or not isinstance(raw.get("default_profile", ""), str):
            raise ConfigError(f"The settings file {path} is not in the expected format.")
        profiles: dict[str, Profile] = {}
        for name, data in raw.get("profiles", {}).items():
            if not isinstance(data, dict):
                raise ProfileError(name, "*", "must be a table of settings")
            profiles[name] = Profile.from_dict(name, data)
        return cls(profiles=profiles, default_profile=str(raw.get("default_profile", "")),
                   settings=dict(raw.get("settings", {})), path=path)

    def save(self) -> None:
        path = self.path or config_path()
        path.parent.mkdir(parents=True, exist_ok=True)
        data = {
            "version": CONFIG_VERSION,
            "default_profile": self.default_profile,
            "profiles": {n: p.to_dict() for n, p in sorted(self.profiles.items())},
            "settings": self.settings,
        }
        # Write to a temp file and rename, so a crash never leaves a half-written settings file.
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".config-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise

    def get(self, name: str | None) -> Profile:
        name = name or self.default_profile or (next(iter(self.profiles)) if len(self.profiles) == 1 else "")
        if not name:
            raise ConfigError("No profile given and no default profile is set. "
                              "Create one with 'desktop-uploader profile add'.")
        try:
            return self.profiles[name]
        except KeyError:
            known = ", ".join(sorted(self.profiles)) or "none yet"
            raise ConfigError(f"There is no profile named '{name}' (known: {known}).") from None

    def put(self, profile: Profile) -> None:
        profile.validate()
        self.profiles[profile.name] = profile
        if not self.default_profile:
            self.default_profile = profile.name

    def remove(self, name: str) -> Profile:
        profile = self.get(name)
        del self.profiles[name]
        if self.default_profile == name:
            self.default_profile = next(iter(sorted(self.profiles)), "")
        return profile


def config_path() -> Path:
    return paths.config_dir() / "config.json"
