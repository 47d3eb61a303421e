"""The message catalog: every sentence the explanation layer can show, as translatable data.

``resources/errors/<locale>.json`` holds ``{"format": 1, "locale": ..., "meta": {...}, "entries": {id: entry}}``.
An entry has ``summary``, ``cause``, ``action``, ``admin_action`` (texts with ``{placeholder}`` slots filled
from the evidence; a part in ``[[double brackets]]`` is left out when any of its slots has no value),
``retrying`` (optional: what the app does by itself while it keeps trying, never shown beside a final
failure), ``retryable`` and ``fixed_by``: who can remove the cause (one of ``FIXERS``: the person at the
computer, nobody because the app retries by itself, or the administrator of the storage, of the
proxy/CDN/gateway in front of it, of the signing service, or of the local network); ``admin_action`` says
what that person changes.

English is the base: other locales translate texts (the shipped German file translates every one), and a text
a translation lacks comes from English, as do ``retryable`` and ``fixed_by``, which are not matters of language.
The language follows the user interface's (``ui_locale``), which the window sets from Qt's choice.
"""

from __future__ import annotations

import json
import locale as locale_mod
import os
import re
import sys
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from typing import Any

from desktop_uploader import resource_files

TEXT_FIELDS = ("summary", "cause", "action", "admin_action")
# What the app does about it by itself while it keeps trying ("The app will try again."): shown only where
# it still will, never beside a failure that is final.
OPTIONAL_TEXT_FIELDS = ("retrying",)
# Who can remove a cause. "app": nobody needs to, the app waits and retries by itself.
FIXERS = ("user", "app", "storage_admin", "proxy_admin", "signing_admin", "network_admin")
BASE_LOCALE = "en"
CATALOG_FORMAT = 1
_PLACEHOLDER_RE = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_OPTIONAL_RE = re.compile(r"\[\[(.*?)\]\]", re.S)
_MAX_FACT_CHARS = 400


# Every slot a catalog text may use, with what fills it. Diagnosis code provides these names; a catalog (or a
# translation) that uses any other name is a bug the test suite catches.
FACTS: dict[str, str] = {
    "access_key": "access key id from the link's credential scope (not secret)",
    "acl": "the canned ACL the link or request sets (x-amz-acl)",
    "argument_name": "S3's ArgumentName",
    "argument_value": "S3's ArgumentValue",
    "body_excerpt": "start of a response body that is not an S3 error (redacted)",
    "limit_setting": "where the answering product's request-size limit is configured",
    "bucket": "bucket from S3's answer, the app's request or the link",
    "bucket_region": "the bucket's real region (x-amz-bucket-region, Region, redirect)",
    "bytes_sent": "bytes of the body sent before the failure",
    "checksum_name": "checksum header or algorithm involved",
    "checksum_value": "checksum value carried by the link",
    "condition": "S3's Condition element",
    "content_length": "Content-Length stated by the link or the request",
    "endpoint": "S3's Endpoint element (PermanentRedirect)",
    "endpoint_host": "host of the signing endpoint",
    "endpoint_message": "the signing endpoint's own error message (redacted)",
    "endpoint_status": "HTTP status of the signing endpoint's answer",
    "error_detail": "the failure's own message (redacted)",
    "expired_ago": "how long before the reference time the link expired",
    "expires_at": "when the link expires (UTC)",
    "expires_in": "how long the link remains valid",
    "expires_seconds": "the link's X-Amz-Expires",
    "failure_code": "the engine's failure code",
    "header": "header name(s) involved",
    "host": "host the request went to",
    "key": "object key",
    "kms_key": "KMS key id named in the request",
    "lifetime": "the link's lifetime, in words",
    "link_bucket": "bucket the link is for",
    "link_key": "key the link is for",
    "link_method": "HTTP method the link was signed for",
    "link_region": "region in the link's credential scope",
    "local_time": "this computer's time (UTC)",
    "location": "Location header of a redirect",
    "max_parts": "largest part number",
    "max_seconds": "longest allowed link lifetime in seconds",
    "max_size": "size limit, in words",
    "max_size_allowed": "S3's MaxSizeAllowed",
    "method": "HTTP method used",
    "min_part_size": "smallest allowed part, in words",
    "min_size": "smallest allowed size, in words",
    "min_size_allowed": "S3's MinSizeAllowed",
    "now_time": "reference time used to judge the link (UTC)",
    "page_title": "title of an HTML page answered instead of S3",
    "part_number": "multipart part number",
    "problem": "what is malformed in the link",
    "proposed_size": "S3's ProposedSize",
    "request_id": "S3's request id",
    "responder": "product that wrote the answer (CloudFront, nginx, MinIO...)",
    "proxy": "host:port of the proxy connections go through (never its user name or password)",
    "responder_evidence": "the headers or page text that identify who answered",
    "resource": "S3's Resource",
    "retry_after": "how long the server asked to wait",
    "s3_code": "S3's error Code",
    "s3_header": "S3's Header element",
    "s3_message": "S3's error Message (redacted)",
    "sent_content_type": "Content-Type sent",
    "sent_value": "header value sent",
    "server": "the Server header of the answer",
    "server_time": "the storage server's time (UTC)",
    "signed_at": "the link's X-Amz-Date (UTC)",
    "signed_content_type": "Content-Type the link was signed with",
    "signed_headers": "the link's X-Amz-SignedHeaders",
    "signed_value": "header value the link was signed with",
    "size": "size of the file or part, in words",
    "skew": "difference between this computer's and the server's clock, in words",
    "skew_direction": "'ahead of' or 'behind'",
    "status": "HTTP status of the answer",
    "time_source": "whose clock judged the link ('the storage server's' or 'this computer's')",
    "typical_limit": "the answering product's request-size limit out of the box, in words",
    "upload_id": "multipart upload id",
    "valid_in": "how far in the future the link starts",
    "via": "products the answer passed through (a CDN or proxy in front of the storage)",
}


class CatalogError(Exception):
    """The catalog file is missing or malformed (a packaging bug, not a user problem)."""


@dataclass(frozen=True)
class Entry:
    id: str
    summary: str
    cause: str
    action: str
    admin_action: str
    retryable: bool
    fixed_by: str
    retrying: str = ""

    def texts(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in (*TEXT_FIELDS, *OPTIONAL_TEXT_FIELDS)}


@dataclass(frozen=True)
class Catalog:
    locale: str
    meta: dict[str, Any]
    entries: dict[str, Entry]

    def get(self, entry_id: str) -> Entry:
        try:
            return self.entries[entry_id]
        except KeyError:
            raise CatalogError(f"no catalog entry {entry_id!r}") from None

    def has(self, entry_id: str) -> bool:
        return entry_id in self.entries

    def word(self, name: str) -> str:
        words = self.meta.get("words", {})
        value = words.get(name) if isinstance(words, dict) else None
        return str(value) if value is not None else name

    @property
    def unknown(self) -> str:
        return str(self.meta.get("unknown", "(not known)"))

    def render(self, entry_id: str, facts: dict[str, str]) -> dict[str, str]:
        entry = self.get(entry_id)
        return {name: fill(text, facts, self.unknown) for name, text in entry.texts().items()}

    # Formatting of values that end up in sentences; unit words come from the catalog so they translate.

    def duration(self, seconds: float) -> str:
        seconds = abs(seconds)
        units = self.meta.get("durations", {})
        for name, size in (("days", 86400), ("hours", 3600), ("minutes", 60)):
            if seconds >= size * (2 if name == "days" else 1):
                n = round(seconds / size)
                return _plural(units, name, n)
        return _plural(units, "seconds", round(seconds))

    @staticmethod
    def time(value: datetime | float) -> str:
        if not isinstance(value, datetime):
            value = datetime.fromtimestamp(value, UTC)
        return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S UTC")

    @staticmethod
    def size(n: int) -> str:
        if n < 1024:
            return f"{n} B"
        value = float(n)
        for unit in ("KiB", "MiB", "GiB", "TiB"):
            value /= 1024
            if value < 1024:
                return f"{value:.1f} {unit}"
        return f"{value:.1f} PiB"


def _plural(units: Any, name: str, n: int) -> str:
    singular = name[:-1]
    if isinstance(units, dict):
        template = units.get(singular if n == 1 else name)
        if isinstance(template, str):
            return template.replace("{n}", str(n))
    return f"{n} {singular if n == 1 else name}"


def placeholders(text: str) -> list[str]:
    return _PLACEHOLDER_RE.findall(text)


def fill(text: str, facts: dict[str, str], unknown: str) -> str:
    """Fill ``{name}`` slots; drop ``[[optional parts]]`` whose slots have no value.

    Values are inserted in a single last pass, so braces or brackets inside a value (S3's message, an
    endpoint's answer) are never expanded.
    """

    def optional(m: re.Match[str]) -> str:
        inner = m.group(1)
        return inner if all(facts.get(name) for name in placeholders(inner)) else ""

    text = _OPTIONAL_RE.sub(optional, text)

    def one(m: re.Match[str]) -> str:
        value = facts.get(m.group(1))
        if value is None or value == "":
            return unknown
        value = " ".join(str(value).split())
        return value if len(value) <= _MAX_FACT_CHARS else value[: _MAX_FACT_CHARS - 1] + "…"

    return _PLACEHOLDER_RE.sub(one, text)


_ui_locale: str | None = None


def set_ui_locale(name: str | None) -> None:
    """Explanations follow the language the window chose (a Qt locale name such as "de_DE"); None forgets it."""
    global _ui_locale
    _ui_locale = name or None


def ui_locale() -> str:
    """The user interface's language: what the window set, else what Qt would pick from the system.

    On Linux Qt takes the first of ``LANGUAGE`` (a colon-separated list), ``LC_ALL``, ``LC_MESSAGES``, ``LANG``;
    on Windows the user's display language. "C" and "POSIX" mean English.
    """
    if _ui_locale:
        return _ui_locale
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(var, "").split(":")[0].strip()
        if value:
            return _plain_locale(value)
    if sys.platform == "win32":
        import ctypes

        lcid = ctypes.windll.kernel32.GetUserDefaultUILanguage()
        return locale_mod.windows_locale.get(lcid, BASE_LOCALE)
    return _plain_locale(locale_mod.getlocale()[0] or "")


def _plain_locale(value: str) -> str:
    name = value.split(".")[0].split("@")[0]
    return BASE_LOCALE if name in ("", "C", "POSIX") else name


def _candidates(locale: str) -> list[str]:
    norm = locale.replace("-", "_").strip()
    out = []
    if norm:
        out.append(norm)
        if "_" in norm:
            out.append(norm.split("_", 1)[0])
    if BASE_LOCALE not in out:
        out.append(BASE_LOCALE)
    return out


def _read_resource(name: str) -> str | None:
    return resource_files.read_text("errors", name)


def _parse(raw: str, name: str) -> dict[str, Any]:
    try:
        doc = json.loads(raw)
    except ValueError as exc:
        raise CatalogError(f"{name}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict) or not isinstance(doc.get("entries"), dict):
        raise CatalogError(f"{name}: expected an object with 'entries'")
    if doc.get("format") != CATALOG_FORMAT:
        raise CatalogError(f"{name}: unsupported catalog format {doc.get('format')!r}")
    return doc


def load_catalog(locale: str | None = None) -> Catalog:
    """The catalog for *locale* (by default the user interface's), falling back per text to the language,
    then to English."""
    return _load_catalog(locale or ui_locale())


@cache
def _load_catalog(locale: str) -> Catalog:
    base_raw = _read_resource(f"{BASE_LOCALE}.json")
    if base_raw is None:
        raise CatalogError("the English error catalog (resources/errors/en.json) is missing")
    base = _parse(base_raw, f"{BASE_LOCALE}.json")
    layers: list[dict[str, Any]] = []
    chosen = BASE_LOCALE
    for cand in reversed(_candidates(locale)):
        if cand == BASE_LOCALE:
            continue
        raw = _read_resource(f"{cand}.json")
        if raw is not None:
            layers.append(_parse(raw, f"{cand}.json"))
            chosen = cand

    meta: dict[str, Any] = dict(base.get("meta") or {})
    for layer in layers:
        for k, v in (layer.get("meta") or {}).items():
            meta[k] = {**meta[k], **v} if isinstance(v, dict) and isinstance(meta.get(k), dict) else v

    entries: dict[str, Entry] = {}
    for entry_id, raw_entry in base["entries"].items():
        if not isinstance(raw_entry, dict):
            raise CatalogError(f"entry {entry_id!r} is not an object")
        texts: dict[str, str] = {}
        for fname in TEXT_FIELDS:
            value = raw_entry.get(fname)
            if not isinstance(value, str) or not value.strip():
                raise CatalogError(f"entry {entry_id!r} lacks {fname!r}")
            texts[fname] = value
        for fname in OPTIONAL_TEXT_FIELDS:
            value = raw_entry.get(fname, "")
            if not isinstance(value, str):
                raise CatalogError(f"entry {entry_id!r}: {fname!r} must be text")
            texts[fname] = value
        for layer in layers:
            override = layer["entries"].get(entry_id)
            if isinstance(override, dict):
                texts.update({k: v for k, v in override.items()
                              if k in (*TEXT_FIELDS, *OPTIONAL_TEXT_FIELDS) and isinstance(v, str) and texts.get(k)})
        retryable = raw_entry.get("retryable")
        if not isinstance(retryable, bool):
            raise CatalogError(f"entry {entry_id!r} lacks a true/false 'retryable'")
        fixed_by = raw_entry.get("fixed_by")
        if fixed_by not in FIXERS:
            raise CatalogError(f"entry {entry_id!r} has no 'fixed_by' among {', '.join(FIXERS)}")
        entries[entry_id] = Entry(id=entry_id, retryable=retryable, fixed_by=str(fixed_by), **texts)
    return Catalog(locale=chosen, meta=meta, entries=entries)


def clear_catalog_cache() -> None:
    """Forget loaded catalogs (after the files changed, in tests)."""
    _load_catalog.cache_clear()
