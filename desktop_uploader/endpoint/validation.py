"""Checks on what clients send: object keys, content types, metadata, checksums, part numbers, upload ids."""

from __future__ import annotations

import base64
import binascii
import re
import unicodedata
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from .config import MAX_KEY_BYTES, EndpointConfig

MAX_PART_NUMBER = 10000
MAX_METADATA_BYTES = 2048  # S3's limit on user metadata (names + values, UTF-8)
DEFAULT_CONTENT_TYPE = "application/octet-stream"
MAX_FILENAME_BYTES = 255

_RFC7230_TCHARS = r"[!#$%&'*+.^_`|~0-9A-Za-z-]+"
_MEDIA_TYPE = re.compile(rf"^{_RFC7230_TCHARS}/{_RFC7230_TCHARS}$")
_HEADER_NAME = re.compile(rf"^{_RFC7230_TCHARS}$")
_PRINTABLE_ASCII = re.compile(r"^[\x20-\x7e]*$")
_UPLOAD_ID = re.compile(r"^[\x21-\x7e]{1,1024}$")
_FILENAME_PUNCTUATION = frozenset(" ._-()+,=@!~'&$[]")


class ApiError(Exception):
    """A request the endpoint refuses; becomes ``{"error": code, "message": message}`` with *status*.

    *details* are further fields of that body, such as the ``index`` of the file a batch was refused for.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        headers: Mapping[str, str] | None = None,
        details: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})
        self.details = dict(details or {})

    def body(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, **self.details}


def bad_request(code: str, message: str) -> ApiError:
    return ApiError(400, code, message)


def _has_control(text: str) -> bool:
    return any(unicodedata.category(ch) == "Cc" for ch in text)


def check_key(key: str, prefix: str) -> str:
    """Refuse keys that are malformed (400) or outside ``prefix`` (403); return the key."""
    if not key:
        raise bad_request("invalid_key", "The object key is empty.")
    if _has_control(key):
        raise bad_request("invalid_key", "The object key contains control characters.")
    if any(0xD800 <= ord(ch) <= 0xDFFF for ch in key):
        raise bad_request("invalid_key", "The object key is not valid Unicode.")
    if len(key.encode("utf-8")) > MAX_KEY_BYTES:
        raise bad_request("invalid_key", f"The object key is longer than {MAX_KEY_BYTES} bytes in UTF-8.")
    if key.startswith("/"):
        raise bad_request("invalid_key", "The object key must not start with '/'.")
    if key.endswith("/"):
        raise bad_request("invalid_key", "The object key ends with '/', which names a folder, not a file.")
    # "." and ".." segments are rewritten by some HTTP clients and proxies before the request reaches S3,
    # which would both break the signature and let a key escape the prefix.
    segments = key.split("/")
    if ".." in segments or "." in segments:
        raise bad_request("invalid_key", "The object key must not contain '.' or '..' path segments.")
    if not key.startswith(prefix):
        raise ApiError(403, "key_not_allowed", f"Uploads are only allowed under the prefix {prefix!r}.")
    return key


def check_content_type(value: str, config: EndpointConfig) -> str:
    """Refuse malformed media types (400) and those not in ALLOWED_CONTENT_TYPES (403); return the value."""
    if not value:
        raise bad_request("invalid_content_type", "The content type is empty.")
    if len(value) > 255 or not _PRINTABLE_ASCII.match(value) or value != value.strip():
        raise bad_request("invalid_content_type", "The content type must be printable ASCII of at most 255 characters.")
    essence = value.split(";", 1)[0].strip().lower()
    if not _MEDIA_TYPE.match(essence):
        raise bad_request("invalid_content_type", "The content type is not of the form 'type/subtype'.")
    if not content_type_allowed(essence, config.allowed_content_types):
        raise ApiError(403, "content_type_not_allowed", f"Uploads of type {essence!r} are not allowed here.")
    return value


def content_type_allowed(essence: str, allowed: Iterable[str]) -> bool:
    allowed = tuple(allowed)
    if not allowed:
        return True
    main = essence.split("/", 1)[0]
    for entry in allowed:
        if entry in ("*", "*/*") or entry == essence:
            return True
        if entry.endswith("/*") and entry[:-2] == main:
            return True
    return False


def check_crc32(value: Any) -> str | None:
    """An optional CRC32 as S3 spells it (base64 of 4 bytes); the storage will check the upload against it."""
    if value is None or value == "":
        return None
    try:
        raw = base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        raw = b""
    if len(raw) != 4:
        raise bad_request("invalid_checksum", "checksumCRC32 must be a CRC32 in base64 (4 bytes, e.g. 'AAAAAA==').")
    return str(value)


def check_metadata(items: Iterable[tuple[str, Any]]) -> dict[str, str]:
    """Validate user metadata; names come back lower-cased, as S3 stores them."""
    result: dict[str, str] = {}
    total = 0
    for raw_name, raw_value in items:
        name = str(raw_name).lower()
        if not name or not _HEADER_NAME.match(name):
            raise bad_request("invalid_metadata", "A metadata name may only contain letters, digits and -_.")
        if not isinstance(raw_value, str):
            raise bad_request("invalid_metadata", f"The value of metadata {name!r} must be a string.")
        # Metadata travels as HTTP headers, which S3 only accepts (and SigV4 only signs reliably) in ASCII;
        # surrounding spaces would be trimmed by the client but not by the signer.
        if not _PRINTABLE_ASCII.match(raw_value) or raw_value != raw_value.strip():
            raise bad_request(
                "invalid_metadata",
                f"The value of metadata {name!r} must be printable ASCII without surrounding spaces.",
            )
        if name in result:
            raise bad_request("invalid_metadata", f"Metadata {name!r} is given twice.")
        result[name] = raw_value
        total += len(name) + len(raw_value)
    if total > MAX_METADATA_BYTES:
        raise bad_request("invalid_metadata", f"Metadata is larger than {MAX_METADATA_BYTES} bytes in total.")
    return result


def check_part_number(raw: str) -> int:
    if not raw.isascii() or not raw.isdigit() or len(raw) > 5:
        raise bad_request("invalid_part_number", f"Part numbers are whole numbers from 1 to {MAX_PART_NUMBER}.")
    number = int(raw)
    if not 1 <= number <= MAX_PART_NUMBER:
        raise bad_request("invalid_part_number", f"Part numbers are whole numbers from 1 to {MAX_PART_NUMBER}.")
    return number


def check_upload_id(raw: str) -> str:
    if not _UPLOAD_ID.match(raw):
        raise bad_request("invalid_upload_id", "The upload id is empty or has characters an upload id never has.")
    return raw


def safe_filename(name: str, max_bytes: int = MAX_FILENAME_BYTES) -> str:
    """The last path component of *name*, with characters that cause trouble in URLs or shells replaced."""
    name = unicodedata.normalize("NFC", name)
    name = re.split(r"[/\\]", name)[-1]
    cleaned = "".join(ch if (ch.isalnum() or ch in _FILENAME_PUNCTUATION) else "_" for ch in name)
    cleaned = re.sub(r"\s+", " ", cleaned).strip(" .")
    if not cleaned:
        cleaned = "file"
    if len(cleaned.encode("utf-8")) > max_bytes:
        stem, dot, ext = cleaned.rpartition(".")
        if not dot or len(ext.encode("utf-8")) > 16:
            stem, ext = cleaned, ""
        suffix = f".{ext}" if ext else ""
        budget = max_bytes - len(suffix.encode("utf-8"))
        stem = stem.encode("utf-8")[:budget].decode("utf-8", errors="ignore").rstrip(" .") or "file"
        cleaned = stem + suffix
    return cleaned


def new_object_key(prefix: str, filename: str) -> str:
    """prefix + random segment + sanitized filename: unguessable, never colliding, still readable."""
    head = f"{prefix}{uuid.uuid4().hex}/"
    room = MAX_KEY_BYTES - len(head.encode("utf-8"))
    return head + safe_filename(filename, min(MAX_FILENAME_BYTES, room))
