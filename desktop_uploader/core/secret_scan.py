"""Finding and removing what looks like a secret in profile settings.

Used wherever settings travel as plain files: the admin's locked configuration and profile export/import.
A secret that travelled in a file must be noticed, not quietly written to another plain settings file.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from desktop_uploader.core.redact import SECRET_HEADERS, SECRET_QUERY_PARAMS

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


# Short query parameter names that carry keys in common gateways: Azure Functions' code, SAS signatures' sig,
# Google-style key.
_SECRET_QUERY_NAMES = frozenset({"code", "sig", "key", "auth", "pwd", "pass"})


def _secret_param(name: str, value: str) -> bool:
    return name.lower() in _SECRET_QUERY_NAMES or _looks_secret_name(name) or \
        _looks_secret_value(value, free_text=True)


def _secret_query_names(url: str) -> list[str]:
    try:
        parts = urlsplit(url)
    except ValueError:
        return []
    names = [k for k, v in parse_qsl(parts.query, keep_blank_values=True) if _secret_param(k, v)]
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
    kept = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if not _secret_param(k, v)]
    netloc = parts.hostname or ""
    if parts.port:
        netloc = f"{netloc}:{parts.port}"
    return urlunsplit((parts.scheme, netloc, parts.path, urlencode(kept), parts.fragment))


