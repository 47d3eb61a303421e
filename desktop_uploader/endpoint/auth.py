"""Who is asking, and what that allows: tokens, device keys, key scopes and bound upload ids.

A request carries ``Authorization: Bearer <token>`` or ``x-api-key: <token>``. The token is hashed with
SHA-256 and compared in constant time with the shared token's hash and every device's; hashing first makes
the comparison independent of the token's length too. A match gives a :class:`Caller`: the shared token
may use the whole ``UPLOAD_KEY_PREFIX``, a device only its own prefix and its one status key. With neither a
shared token nor a device table configured the endpoint is open (local runs on loopback).

Multipart upload ids are handed out bound to the object key and the token that started the upload
(``<S3 upload id>~<MAC>``, the MAC keyed with the token's hash), so a second token holder cannot sign parts
for, list, finish or abort someone else's upload, even knowing its id.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .config import ConfigError
from .devices import CachedSecret, Device, DeviceTable, FileTable, SecretTable, SecretUnavailable, token_digest
from .validation import ApiError, check_key

if TYPE_CHECKING:
    from .config import EndpointConfig

logger = logging.getLogger(__name__)

_STATUS_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}\.json$")
_BINDING_SEPARATOR = "~"
_MAC_BYTES = 16


@dataclass(frozen=True)
class Caller:
    """What one request may do: write under ``prefix``, and status objects (see :meth:`is_status_key`)."""

    prefix: str
    status_prefix: str
    status_key: str | None = None  # a device's one status key; None: any status name under status_prefix
    binding_key: bytes = b""
    device: str | None = None

    def is_status_key(self, key: str) -> bool:
        if self.status_key is not None:
            return key == self.status_key
        if not self.status_prefix or not key.startswith(self.status_prefix):
            return False
        return bool(_STATUS_NAME.match(key[len(self.status_prefix):]))

    def check_key(self, key: str) -> str:
        """The key if this caller may write it; 400 for a malformed key, 403 outside its scope."""
        if self.is_status_key(key):
            return check_key(key, "")
        try:
            return check_key(key, self.prefix)
        except ApiError as exc:
            if exc.status == 403 and self.device is not None:
                raise ApiError(403, "key_not_allowed",
                               f"Device {self.device!r} may only upload under {self.prefix!r}.") from None
            raise

    def bind(self, upload_id: str, key: str) -> str:
        return f"{upload_id}{_BINDING_SEPARATOR}{self._mac(upload_id, key)}"

    def unbind(self, bound: str, key: str) -> str:
        """The storage's upload id inside ``bound``, if this caller started that upload for ``key``."""
        upload_id, separator, mac = bound.rpartition(_BINDING_SEPARATOR)
        if not separator or not upload_id or not hmac.compare_digest(mac, self._mac(upload_id, key)):
            raise ApiError(403, "upload_not_yours",
                           "This upload id was not handed out for this key and token.")
        return upload_id

    def _mac(self, upload_id: str, key: str) -> str:
        message = f"{upload_id}\n{key}".encode()
        digest = hmac.new(self.binding_key, message, hashlib.sha256).digest()[:_MAC_BYTES]
        return base64.urlsafe_b64encode(digest).decode("ascii").rstrip("=")


class Authenticator:
    """Turns request headers into a :class:`Caller`, reading the configured token sources."""

    def __init__(self, config: EndpointConfig) -> None:
        self.config = config
        self._shared: CachedSecret | None = None
        self._table: FileTable | SecretTable | None = None
        if config.shared_token_secret:
            self._shared = CachedSecret(config.shared_token_secret, config.secret_ttl, self._secrets_client)
        if config.device_table_file:
            self._table = FileTable(config.device_table_file)
        elif config.device_table_secret:
            self._table = SecretTable(
                CachedSecret(config.device_table_secret, config.secret_ttl, self._secrets_client))

    @property
    def required(self) -> bool:
        return bool(self.config.shared_token or self._shared or self._table)

    def caller(self, headers: Mapping[str, str]) -> Caller:
        config = self.config
        if not self.required:
            return Caller(prefix=config.key_prefix, status_prefix=config.status_prefix)
        offered = offered_tokens(headers)
        if not offered:
            raise ApiError(
                401,
                "unauthorized",
                "This endpoint needs a token: send 'Authorization: Bearer <token>' or 'x-api-key: <token>'.",
                {"WWW-Authenticate": 'Bearer realm="signing endpoint"'},
            )
        shared, table = self._sources()
        expected = token_digest(shared) if shared else None
        for candidate in offered:
            digest = token_digest(candidate)
            if expected is not None and hmac.compare_digest(digest, expected):
                return Caller(prefix=config.key_prefix, status_prefix=config.status_prefix, binding_key=digest)
            device = table.find(digest) if table is not None else None
            if device is not None:
                return self._device_caller(device, digest)
        raise ApiError(403, "forbidden", "The token is not valid for this endpoint.")

    def _sources(self) -> tuple[str | None, DeviceTable | None]:
        try:
            shared = self._shared.value() if self._shared is not None else self.config.shared_token
            table = self._table.table() if self._table is not None else None
        except SecretUnavailable:
            raise ApiError(503, "auth_unavailable",
                           "The endpoint cannot check tokens right now; try again shortly.") from None
        except ConfigError as exc:
            logger.error("signing endpoint: %s", exc)
            raise ApiError(500, "config_error", "The endpoint's device table cannot be used.") from None
        return shared, table

    def _device_caller(self, device: Device, digest: bytes) -> Caller:
        if not device.enabled:
            raise ApiError(403, "device_revoked",
                           f"The key of device {device.name!r} was revoked by the administrator.")
        config = self.config
        # A device's scope must lie inside what the endpoint's own credentials may write, or its links
        # would all be refused by the storage with a far less helpful answer.
        if not device.prefix.startswith(config.key_prefix):
            logger.error("signing endpoint: device %s has a prefix outside UPLOAD_KEY_PREFIX", device.name)
            raise ApiError(500, "config_error", "This device's prefix lies outside the endpoint's prefix.")
        if not config.status_prefix or not device.status_key.startswith(config.status_prefix):
            logger.error("signing endpoint: device %s has a status key outside STATUS_PREFIX", device.name)
            raise ApiError(500, "config_error", "This device's status key lies outside the status prefix.")
        return Caller(prefix=device.prefix, status_prefix=config.status_prefix, status_key=device.status_key,
                      binding_key=digest, device=device.name)

    def _secrets_client(self) -> Any:
        if self.config.secrets_client is not None:
            return self.config.secrets_client
        import boto3
        from botocore.config import Config

        session = boto3.session.Session(region_name=self.config.region)
        return session.client("secretsmanager", config=Config(
            retries={"max_attempts": 3, "mode": "standard"}, connect_timeout=5, read_timeout=10))


def offered_tokens(headers: Mapping[str, str]) -> list[str]:
    """The tokens a request carries (lower-case header names)."""
    offered: list[str] = []
    scheme, _, credential = headers.get("authorization", "").strip().partition(" ")
    if scheme.lower() == "bearer" and credential.strip():
        offered.append(credential.strip())
    api_key = headers.get("x-api-key", "").strip()
    if api_key:
        offered.append(api_key)
    return offered
