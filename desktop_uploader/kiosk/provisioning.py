"""Provisioning files: everything a new field device needs from its admin, except (normally) its key.

``desktop-uploader fleet add-device NAME`` writes one per device::

    {"format": "desktop-uploader/provisioning", "version": 1,
     "device": "tablet-03", "profile_name": "fleet",
     "profile": {"kind": "endpoint", "endpoint_url": "https://…/sign", "secret_headers": ["x-api-key"],
                 "prefix": "uploads/tablet-03/", "status_report": true, "status_key": "_devices/tablet-03.json"},
     "locked": {"version": 1, "default_profile": "fleet", "profiles": {"fleet": {…}},
                "kiosk": {"profile": "fleet", "device_name": "tablet-03"}}}

The device's key is printed once to the admin and typed or piped in on the device by ``fleet import``,
which stores it in the keychain as the profile's ``x-api-key`` header. Only when the admin asks for a
one-time file does the key travel in it (``"token"``); importing it then removes the key from the file.
``locked`` is a complete locked configuration, for admins who also fix these settings for the device's
users (see :mod:`desktop_uploader.core.locked`).
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from desktop_uploader.core.config import Profile, ProfileError
from desktop_uploader.core.secret_scan import find_secrets

PROVISIONING_FORMAT = "desktop-uploader/provisioning"
PROVISIONING_VERSION = 1
TOKEN_HEADER = "x-api-key"  # noqa: S105 - a header name, not a secret
DEFAULT_PROFILE_NAME = "fleet"
# Settings the locked part fixes: where files go and where the status goes.
LOCKED_FIELDS = ("kind", "endpoint_url", "protocol", "secret_headers", "prefix", "status_report", "status_key")


class ProvisioningError(ValueError):
    """A provisioning file cannot be made or used; the message says why."""


@dataclass(frozen=True)
class Provisioning:
    device: str
    profile: Profile
    locked: dict[str, Any] = field(default_factory=dict)
    token: str | None = field(default=None, repr=False)

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"format": PROVISIONING_FORMAT, "version": PROVISIONING_VERSION,
                                "device": self.device, "profile_name": self.profile.name,
                                "profile": self.profile.to_dict(), "locked": self.locked}
        if self.token is not None:
            data["token"] = self.token
        return data

    @classmethod
    def from_json(cls, raw: Any) -> Provisioning:
        if not is_provisioning(raw):
            raise ProvisioningError("This is not a desktop-uploader provisioning file.")
        if not isinstance(raw.get("version"), int) or raw["version"] > PROVISIONING_VERSION:
            raise ProvisioningError("This provisioning file was made by a newer version of desktop-uploader.")
        device, name, values = raw.get("device"), raw.get("profile_name"), raw.get("profile")
        locked, token = raw.get("locked") or {}, raw.get("token")
        if not isinstance(device, str) or not device or not isinstance(name, str) or not isinstance(values, dict):
            raise ProvisioningError("The provisioning file lacks the device, the profile or its name.")
        if not isinstance(locked, dict) or (token is not None and (not isinstance(token, str) or not token)):
            raise ProvisioningError("The provisioning file's 'locked' or 'token' entry is damaged.")
        found = find_secrets(values)
        if found:
            raise ProvisioningError(f"The profile in the file contains what looks like a secret ({', '.join(found)}).")
        try:
            profile = Profile.from_dict(name, values)
            profile.validate()
        except ProfileError as exc:
            raise ProvisioningError(str(exc)) from None
        return cls(device=device, profile=profile, locked=locked, token=token)


def is_provisioning(raw: Any) -> bool:
    return isinstance(raw, dict) and raw.get("format") == PROVISIONING_FORMAT


def make_provisioning(device: str, *, endpoint_url: str, prefix: str, status_key: str, protocol: str = "simple",
                      profile_name: str = DEFAULT_PROFILE_NAME, token: str | None = None) -> Provisioning:
    """The file for one device; ``token`` only for a one-time file."""
    profile = Profile(name=profile_name, endpoint_url=endpoint_url, protocol=protocol,
                      secret_headers=[TOKEN_HEADER], prefix=prefix, status_report=True, status_key=status_key)
    try:
        profile.validate()
    except ProfileError as exc:
        raise ProvisioningError(str(exc)) from None
    values = profile.to_dict()
    locked = {"version": 1, "default_profile": profile_name,
              "profiles": {profile_name: {name: values[name] for name in LOCKED_FIELDS}},
              "kiosk": {"profile": profile_name, "device_name": device}}
    return Provisioning(device=device, profile=profile, locked=locked, token=token)


def write_json(path: Path, data: dict[str, Any], *, mode: int = 0o600) -> None:
    """Write ``data`` in one step; by default readable by its owner only (a one-time file holds a key)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".provisioning-", suffix=".json")
    try:
        os.chmod(tmp, mode)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def forget_token(path: Path, provisioning: Provisioning) -> None:
    """Rewrite a one-time file without its key, once the key is in the keychain."""
    plain = Provisioning(device=provisioning.device, profile=provisioning.profile, locked=provisioning.locked)
    write_json(path, plain.to_json())
