"""One key per device: the device table, and where the endpoint reads it and its shared token from.

The table is JSON, kept by the admin (``desktop-uploader fleet add-device`` writes it)::

    {"format": "desktop-uploader/devices", "version": 1,
     "devices": [{"name": "tablet-03", "token_sha256": "<64 hex digits>", "prefix": "uploads/tablet-03/",
                  "status_key": "_devices/tablet-03.json", "enabled": true, "added": "2025-05-01T09:00:00Z"}]}

Only the SHA-256 of each token is stored: the table reveals no token, so it may sit in a plain file or a
parameter. Tokens are random 256-bit values, so a plain hash is as strong as a slow one would be. A
device's token gets links under its ``prefix`` and for its one ``status_key``; ``enabled: false`` revokes
it and leaves every other device working.

Locally the table is a file (``DEVICE_TABLE_FILE``), read again whenever it changes. Deployed, it is a
Secrets Manager secret (``DEVICE_TABLE_SECRET``), as is the shared token (``SHARED_TOKEN_SECRET``); both are
fetched at run time and kept for ``SECRET_TTL`` seconds, so a revocation takes effect within that time
without a redeploy. A table or secret that cannot be read refuses every request (fail closed): a revoked
device must never come back because a file was half-written.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import os
import re
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from .config import ConfigError

logger = logging.getLogger(__name__)

TABLE_FORMAT = "desktop-uploader/devices"
TABLE_VERSION = 1
DEVICE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")
# Marks a device key where it turns up (a paste, a log someone shared), so it can be recognised as one.
TOKEN_PREFIX = "dudk_"  # noqa: S105 - a marker, not a secret
_HEX_DIGEST = re.compile(r"^[0-9a-f]{64}$")


def token_digest(token: str) -> bytes:
    return hashlib.sha256(token.encode("utf-8")).digest()


def new_token() -> str:
    """A fresh device key: 256 random bits."""
    return TOKEN_PREFIX + secrets.token_urlsafe(32)


@dataclass(frozen=True)
class Device:
    name: str
    token_sha256: str
    prefix: str
    status_key: str
    enabled: bool = True
    added: str = ""

    @property
    def digest(self) -> bytes:
        return bytes.fromhex(self.token_sha256)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "token_sha256": self.token_sha256, "prefix": self.prefix,
                "status_key": self.status_key, "enabled": self.enabled, "added": self.added}


@dataclass(frozen=True)
class DeviceTable:
    devices: tuple[Device, ...] = ()

    def find(self, digest: bytes) -> Device | None:
        """The device whose token hashes to ``digest``. Every entry is compared, in constant time each, so
        the answer's timing says nothing about which entry matched or how much of it."""
        found: Device | None = None
        for device in self.devices:
            if hmac.compare_digest(digest, device.digest):
                found = device
        return found

    def get(self, name: str) -> Device | None:
        return next((d for d in self.devices if d.name == name), None)

    def added(self, device: Device) -> DeviceTable:
        if self.get(device.name) is not None:
            raise ConfigError(f"The device table already has a device named {device.name!r}.")
        if self.find(device.digest) is not None:
            raise ConfigError("The device table already has a device with this token.")
        return DeviceTable((*self.devices, device))

    def with_enabled(self, name: str, enabled: bool) -> DeviceTable:
        if self.get(name) is None:
            raise ConfigError(f"The device table has no device named {name!r}.")
        return DeviceTable(tuple(replace(d, enabled=enabled) if d.name == name else d for d in self.devices))

    def to_json(self) -> dict[str, Any]:
        return {"format": TABLE_FORMAT, "version": TABLE_VERSION, "devices": [d.to_dict() for d in self.devices]}

    @classmethod
    def parse(cls, raw: Any) -> DeviceTable:
        """Check a decoded table; ConfigError names the entry and what is wrong (never a token)."""
        if not isinstance(raw, dict) or raw.get("format") != TABLE_FORMAT:
            raise ConfigError(f"The device table is not a {TABLE_FORMAT!r} document.")
        if not isinstance(raw.get("version"), int) or raw["version"] > TABLE_VERSION:
            raise ConfigError("The device table was written by a newer version.")
        entries = raw.get("devices")
        if not isinstance(entries, list):
            raise ConfigError("The device table has no 'devices' list.")
        devices = tuple(_device(index, entry) for index, entry in enumerate(entries))
        names = [d.name for d in devices]
        digests = [d.token_sha256 for d in devices]
        if len(set(names)) != len(names):
            raise ConfigError("The device table names a device twice.")
        if len(set(digests)) != len(digests):
            raise ConfigError("The device table gives two devices the same token.")
        return cls(devices)

    @classmethod
    def loads(cls, text: str) -> DeviceTable:
        try:
            return cls.parse(json.loads(text))
        except ValueError as exc:
            if isinstance(exc, ConfigError):
                raise
            raise ConfigError("The device table is not valid JSON.") from None


def _device(index: int, entry: Any) -> Device:
    where = f"Device table entry {index}"
    if not isinstance(entry, dict):
        raise ConfigError(f"{where} is not an object.")
    name, digest = entry.get("name"), entry.get("token_sha256")
    prefix, status_key = entry.get("prefix"), entry.get("status_key")
    enabled, added = entry.get("enabled", True), entry.get("added", "")
    if not isinstance(name, str) or not DEVICE_NAME.match(name):
        raise ConfigError(f"{where}: 'name' must be 1-64 letters, digits, '.', '_' or '-'.")
    where = f"Device {name!r}"
    if not isinstance(digest, str) or not _HEX_DIGEST.match(digest):
        raise ConfigError(f"{where}: 'token_sha256' must be 64 lower-case hex digits.")
    if not isinstance(prefix, str) or not prefix.endswith("/") or prefix.startswith("/"):
        raise ConfigError(f"{where}: 'prefix' must be a folder such as 'uploads/{name}/' (ending in '/').")
    if ".." in prefix.split("/") or "." in prefix.split("/"):
        raise ConfigError(f"{where}: 'prefix' must not contain '.' or '..' segments.")
    if not isinstance(status_key, str) or not status_key or status_key.startswith("/") or status_key.endswith("/"):
        raise ConfigError(f"{where}: 'status_key' must be an object key such as '_devices/{name}.json'.")
    if not isinstance(enabled, bool):
        raise ConfigError(f"{where}: 'enabled' must be true or false.")
    if not isinstance(added, str):
        raise ConfigError(f"{where}: 'added' must be a date text.")
    return Device(name=name, token_sha256=digest, prefix=prefix, status_key=status_key, enabled=enabled,
                  added=added)


class FileTable:
    """The table in a local file, read again when its size or modification time changes."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._lock = threading.Lock()
        self._stamp: tuple[int, int] | None = None
        self._table = DeviceTable()

    def table(self) -> DeviceTable:
        with self._lock:
            try:
                st = os.stat(self.path)
                stamp = (st.st_mtime_ns, st.st_size)
                if stamp != self._stamp:
                    with open(self.path, encoding="utf-8") as fh:
                        self._table = DeviceTable.loads(fh.read())
                    self._stamp = stamp
            except OSError as exc:
                self._stamp = None
                raise ConfigError(f"The device table file cannot be read ({exc.strerror or exc}).") from None
            except ConfigError:
                self._stamp = None
                raise
            return self._table


SecretsClientFactory = Callable[[], Any]


class CachedSecret:
    """A Secrets Manager secret's text, fetched when first needed and again after ``ttl`` seconds."""

    def __init__(self, secret_id: str, ttl: float, client: SecretsClientFactory,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.secret_id = secret_id
        self.ttl = ttl
        self._client_factory = client
        self._client: Any = None
        self._clock = clock
        self._lock = threading.Lock()
        self._value: str | None = None
        self._fetched = 0.0

    def value(self) -> str:
        with self._lock:
            now = self._clock()
            if self._value is None or now - self._fetched >= self.ttl:
                self._value = self._fetch()
                self._fetched = now
            return self._value

    def _fetch(self) -> str:
        from botocore.exceptions import BotoCoreError, ClientError

        try:
            if self._client is None:
                self._client = self._client_factory()
            answer: Mapping[str, Any] = self._client.get_secret_value(SecretId=self.secret_id)
        except (BotoCoreError, ClientError) as exc:
            code = exc.response.get("Error", {}).get("Code", "") if isinstance(exc, ClientError) else ""
            # The secret's name may be logged; its value never is.
            logger.error("secret %s cannot be read: %s %s", self.secret_id, type(exc).__name__, code)
            raise SecretUnavailable() from None
        text = answer.get("SecretString")
        if not isinstance(text, str):
            logger.error("secret %s holds no text", self.secret_id)
            raise SecretUnavailable()
        return text


class SecretUnavailable(Exception):
    """A secret the endpoint checks tokens against could not be fetched just now."""


class SecretTable:
    """The table in a Secrets Manager secret; parsed once per fetched text."""

    def __init__(self, secret: CachedSecret) -> None:
        self._secret = secret
        self._text: str | None = None
        self._table = DeviceTable()
        self._lock = threading.Lock()

    def table(self) -> DeviceTable:
        text = self._secret.value()
        with self._lock:
            if text != self._text:
                self._table = DeviceTable.loads(text)
                self._text = text
            return self._table


def read_table_file(path: Path) -> DeviceTable:
    """The table in ``path``; an empty table when the file does not exist yet."""
    try:
        text = path.read_text("utf-8")
    except FileNotFoundError:
        return DeviceTable()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"The device table {path} cannot be read: {exc}") from None
    return DeviceTable.loads(text)


def write_table_file(path: Path, table: DeviceTable) -> None:
    """Replace ``path`` in one step, so a running endpoint never reads half a table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".devices-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(table.to_json(), fh, indent=2)
            fh.write("\n")
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
