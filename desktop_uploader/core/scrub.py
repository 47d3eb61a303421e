"""A second, stricter redaction pass for everything the explanation layer shows or stores.

``core.redact`` removes the secrets the rest of the engine knows about. Error answers carry a few more: S3
echoes the session token in ``<Token-0>`` (ExpiredToken, InvalidToken), the signature it received in
``<SignatureProvided>``, and the canonical request (which contains the security token) as hex bytes. Signing
endpoints put API keys and function keys in query strings and JSON. This module scrubs those too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

from desktop_uploader.core.redact import REDACTED, redact_headers, redact_text, redact_url

# XML elements of S3 error answers whose whole content is, or encodes, a credential.
_SECRET_ELEMENTS = ("SignatureProvided", "Token-\\d+", "SecurityToken", "SessionToken", "SecretAccessKey")
# Elements that are only noise in a report and may hex-encode the security token.
_BYTES_ELEMENTS = ("StringToSignBytes", "CanonicalRequestBytes")
_SECRET_ELEMENT_RE = re.compile(
    r"(?is)<(" + "|".join(_SECRET_ELEMENTS + _BYTES_ELEMENTS) + r")>(.*?)(</\1>|$)",
)
# Query parameters beyond those core.redact knows: Azure-style function keys (code), SAS signatures (sig),
# and the usual names for passwords and session tokens.
_EXTRA_QUERY_RE = re.compile(
    r"(?i)([?&;](?:code|sig|password|passwd|pwd|secret|client_secret|session_token|sessiontoken|"
    r"x-amz-security-token|x-api-key|api-key|auth|auth_token|key-pair-id|policy)=)[^&\s\"'<>]+"
)
# "name: value" or "name=value" for header-like secrets inside free text (logs, saved responses).
_HEADER_LINE_RE = re.compile(
    r"(?im)^([ \t]*(?:x-amz-security-token|x-api-key|api-key|proxy-authorization|authorization|cookie|"
    r"set-cookie|x-amz-server-side-encryption-customer-key)[ \t]*:[ \t]*)(.+)$"
)
# JSON members whose value is a credential.
_JSON_SECRET_RE = re.compile(
    r"(?i)(\"(?:token|access_token|id_token|refresh_token|api_?key|x-api-key|secret|secret_?key|password|"
    r"secretAccessKey|aws_secret_access_key|sessionToken|session_token|securityToken|signature|"
    r"authorization)\"\s*:\s*\")((?:[^\"\\]|\\.)*)(\")"
)
_BEARER_RE = re.compile(r"(?i)\b(Bearer\s+)[A-Za-z0-9._~+/=-]{8,}")
# user:password@ in any URL inside text.
_USERINFO_RE = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://)[^/@\s:]+:[^/@\s]+@")
# "Signature=<hex>" inside Authorization headers and SigV2 query strings is handled by core.redact; a bare
# SigV4 signature after a "Signature" label (as in some server logs) is caught here.
_LABELLED_SIG_RE = re.compile(r"(?i)(signature[\"']?\s*[:=]\s*[\"']?)[0-9a-f]{64}\b")


def scrub_text(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Redact every credential pattern known to the app, then any literal secret passed in."""
    out = _SECRET_ELEMENT_RE.sub(lambda m: f"<{m.group(1)}>{REDACTED}{m.group(3)}", text)
    out = redact_text(out)
    out = _EXTRA_QUERY_RE.sub(lambda m: m.group(1) + REDACTED, out)
    out = _HEADER_LINE_RE.sub(lambda m: m.group(1) + REDACTED, out)
    out = _JSON_SECRET_RE.sub(lambda m: m.group(1) + REDACTED + m.group(3), out)
    out = _BEARER_RE.sub(lambda m: m.group(1) + REDACTED, out)
    out = _USERINFO_RE.sub(lambda m: m.group(1) + REDACTED + "@", out)
    out = _LABELLED_SIG_RE.sub(lambda m: m.group(1) + REDACTED, out)
    for secret in sorted({s for s in extra_secrets if s and len(s) >= 8}, key=len, reverse=True):
        out = out.replace(secret, REDACTED)
    return out


def scrub_s3_fields(fields: Mapping[str, str]) -> dict[str, str]:
    """The fields of an S3 error with what they echo of the credentials removed: the signature and tokens
    go entirely, the byte dumps too; the canonical request and string to sign keep their shape (the
    explanation compares them with the link) without the security token."""
    hidden = re.compile(r"(?i)^(" + "|".join(_SECRET_ELEMENTS + _BYTES_ELEMENTS) + r")$")
    return {name: REDACTED if hidden.match(name) else scrub_text(str(value)) for name, value in fields.items()}


def scrub_url(url: str) -> str:
    """A link as it may be shown: credential values removed, everything useful for diagnosis kept."""
    return scrub_text(redact_url(url))


def scrub_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: scrub_text(v) for k, v in redact_headers(headers).items()}


def scrub_obj(value: Any, extra_secrets: Iterable[str] = ()) -> Any:
    """Scrub every string inside a JSON-like structure (dicts, lists, scalars)."""
    secrets = tuple(extra_secrets)
    if isinstance(value, str):
        return scrub_text(value, secrets)
    if isinstance(value, Mapping):
        return {str(k): scrub_obj(v, secrets) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [scrub_obj(v, secrets) for v in value]
    return value


class SecretFilter(logging.Filter):
    """Scrubs every log record a handler writes, including third-party ones: at debug level urllib3 logs each
    request line, and a presigned link's signature and session token are in it."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: let logging report it as usual
            return True
        clean = scrub_text(message)
        if clean != message:
            record.msg, record.args = clean, None
        if record.exc_info and not record.exc_text:
            record.exc_text = scrub_text(logging.Formatter().formatException(record.exc_info))
        return True


def redact_logs(logger: logging.Logger | None = None) -> None:
    """Put a SecretFilter on every handler of ``logger`` (the root logger by default)."""
    for handler in (logger or logging.getLogger()).handlers:
        if not any(isinstance(existing, SecretFilter) for existing in handler.filters):
            handler.addFilter(SecretFilter())
