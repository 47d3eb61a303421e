"""Remove secrets from URLs, headers and text before they reach a log, a report or the disk."""

from __future__ import annotations

import re
import threading
from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

REDACTED = "REDACTED"

# Query parameters whose value is a credential (SigV4, SigV2, presigned POST, common token names).
SECRET_QUERY_PARAMS = frozenset(
    {
        "x-amz-signature",
        "x-amz-security-token",
        "signature",
        "x-amz-credential-secret",
        "awssecretaccesskey",
        "token",
        "access_token",
        "api_key",
        "apikey",
        "key-pair-id",
        "policy",
    }
)
SECRET_HEADERS = frozenset(
    {
        "authorization",
        "proxy-authorization",
        "x-api-key",
        "x-amz-security-token",
        "cookie",
        "set-cookie",
        "x-amz-server-side-encryption-customer-key",
        "x-amz-copy-source-server-side-encryption-customer-key",
    }
)
SECRET_FORM_FIELDS = frozenset({"x-amz-signature", "signature", "x-amz-security-token", "policy"})
# Header names a profile may give its own secrets (X-Upload-Token, X-Functions-Key...): hidden by their look too.
_SECRET_NAME_RE = re.compile(r"(?i)token|secret|passw|auth|api[-_]?key|functions-key|signature|session|cookie|"
                             r"credential")
# Values read from the keychain in this process, hidden wherever they turn up, whatever they are called.
_MIN_KNOWN = 6  # shorter ones would blank out ordinary words
_known: set[str] = set()
_known_lock = threading.Lock()

_QUERY_SECRET_RE = re.compile(
    r"(?i)((?:X-Amz-Signature|X-Amz-Security-Token|Signature|access_token|api_key|apikey)=)[^&\s\"'<>]+"
)
_AUTH_HEADER_RE = re.compile(r"(?i)(Authorization:\s*\w+\s+)\S+")
_SECRET_KEY_RE = re.compile(
    r"(?i)(aws_secret_access_key|secret_access_key|secretkey|SecretAccessKey)(\W{1,3})[A-Za-z0-9/+=]{16,}"
)


def remember_secret(value: str | None) -> None:
    """Hide ``value`` from every redacted text from now on (keychain values: header tokens, keys)."""
    if value and len(value) >= _MIN_KNOWN:
        with _known_lock:
            _known.add(value)


def _known_secrets() -> list[str]:
    with _known_lock:
        return sorted(_known, key=len, reverse=True)


def _without_known(text: str) -> str:
    for secret in _known_secrets():
        text = text.replace(secret, REDACTED)
    return text


def is_secret_header(name: str) -> bool:
    return name.lower() in SECRET_HEADERS or _SECRET_NAME_RE.search(name) is not None


def redact_url(url: str) -> str:
    """Return *url* with credential-bearing query values replaced; everything else kept for diagnosis."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return redact_text(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    cleaned = [(k, REDACTED if k.lower() in SECRET_QUERY_PARAMS else v) for k, v in pairs]
    netloc = parts.netloc
    if "@" in netloc:  # user:password@host
        netloc = f"{REDACTED}@{netloc.rsplit('@', 1)[1]}"
    return _without_known(urlunsplit((parts.scheme, netloc, parts.path, urlencode(cleaned, safe="/:;"),
                                      parts.fragment)))


def redact_headers(headers: Mapping[str, str]) -> dict[str, str]:
    return {k: (REDACTED if is_secret_header(k) else _without_known(v)) for k, v in headers.items()}


def redact_text(text: str, extra_secrets: tuple[str, ...] = ()) -> str:
    """Best-effort scrub of free text (response bodies, exception messages)."""
    out = _QUERY_SECRET_RE.sub(lambda m: m.group(1) + REDACTED, text)
    out = _AUTH_HEADER_RE.sub(lambda m: m.group(1) + REDACTED, out)
    out = _SECRET_KEY_RE.sub(lambda m: m.group(1) + m.group(2) + REDACTED, out)
    for secret in extra_secrets:
        if secret and len(secret) >= 4:
            out = out.replace(secret, REDACTED)
    return _without_known(out)
