"""Diagnosis rules: what is wrong with a link, or with the exchange that used it.

``preflight`` runs before a request is sent and finds what would certainly (or likely) fail, so the upload
is not wasted. ``diagnose`` runs after a failure and adds what the response reveals: the server's clock, the
bucket's real region, the request as S3 saw it. Both return ``Finding`` records whose texts come from the
catalog's ``Link.*`` and ``Clock.*`` entries.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote

from desktop_uploader.core.clock import date_header_time
from desktop_uploader.core.config import is_loopback_host
from desktop_uploader.core.explain.catalog import Catalog, load_catalog
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import (
    EMPTY_CHECKSUMS,
    EMPTY_SHA256_HEX,
    MAX_PRESIGN_SECONDS,
    LinkInfo,
    aws_host_info,
    bucket_and_key_for,
    link_secrets,
    parse_amz_date,
    parse_link,
)
from desktop_uploader.core.protocol.responses import parse_s3_error
from desktop_uploader.core.redact import REDACTED, SECRET_HEADERS
from desktop_uploader.core.scrub import scrub_text

ERROR = "error"  # the request will fail (or did fail) because of this
WARNING = "warning"  # the request may fail, or something is off that an admin should fix

MAX_SKEW_SECONDS = 15 * 60  # what S3 tolerates between the request's time and its own
SINGLE_PUT_LIMIT = 5 * 1024**3
PART_MAX = 5 * 1024**3
PART_MIN = 5 * 1024**2
MAX_PARTS = 10000
EXPIRES_SOON_SECONDS = 60
MAX_SESSION_SECONDS = 12 * 3600  # the longest an assumed-role session (and so a link it signs) lives
_EXPECTING_RE = re.compile(r"expecting\s+'([a-z0-9-]+)'", re.I)
_WRONG_REGION_RE = re.compile(r"region\s+'([a-z0-9-]+)'\s+is wrong", re.I)


@dataclass(frozen=True)
class Finding:
    """One problem found in a link or an exchange, with the catalog texts that describe it."""

    code: str  # a catalog entry id, e.g. "Link.expired"
    severity: str  # ERROR or WARNING
    facts: dict[str, str] = field(default_factory=dict)
    summary: str = ""
    cause: str = ""
    action: str = ""
    admin_action: str = ""
    retrying: str = ""

    @property
    def blocking(self) -> bool:
        """True when sending the request would certainly be refused."""
        return self.severity == ERROR

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "severity": self.severity,
            "facts": dict(self.facts),
            "summary": self.summary,
            "cause": self.cause,
            "action": self.action,
            "admin_action": self.admin_action,
        }


@dataclass
class _Exchange:
    """What is known about one use of a link; any part may be unknown (None)."""

    info: LinkInfo
    link_method: str | None = None
    signed_values: dict[str, str] = field(default_factory=dict)  # lower-case header -> value signed
    guessed_values: frozenset[str] = frozenset()  # signed values inferred from what the app asked for
    method: str | None = None
    headers: dict[str, str] | None = None  # lower-case header -> value sent
    size: int | None = None
    bucket: str | None = None
    key: str | None = None
    now: float | None = None
    now_from_server: bool = False
    last_part: bool | None = None


@dataclass
class Analysis:
    """The evidence gathered about a failure, shared by diagnosis and classification."""

    info: LinkInfo | None
    findings: list[Finding]
    facts: dict[str, str]
    hints: dict[str, str]  # non-problems worth knowing: acl, kms, if_none_match, s3_seen_method...
    s3: dict[str, str]
    secrets: tuple[str, ...] = ()  # literal secrets seen in the link, for the final redaction pass

    def find(self, *codes: str) -> Finding | None:
        for f in self.findings:
            if f.code in codes:
                return f
        return None


class _Collector:
    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self.raw: list[tuple[str, str, dict[str, str]]] = []

    def add(self, code: str, severity: str, **facts: str) -> None:
        if not any(c == code and f == facts for c, _, f in self.raw):
            self.raw.append((code, severity, facts))

    def has(self, *codes: str) -> bool:
        return any(c in codes for c, _, _ in self.raw)

    def findings(self, common: dict[str, str]) -> list[Finding]:
        out = []
        for code, severity, facts in self.raw:
            merged = {**common, **facts}
            texts = self.catalog.render(code, merged)
            out.append(Finding(code=code, severity=severity, facts=facts, **texts))
        # Errors first; within a severity keep rule order (most specific rules run first).
        return sorted(out, key=lambda f: 0 if f.severity == ERROR else 1)


def _norm(value: str) -> str:
    return " ".join(value.split())


def _lower_headers(headers: dict[str, str] | None) -> dict[str, str] | None:
    if headers is None:
        return None
    return {k.lower().strip(): _norm(str(v)) for k, v in headers.items()}


def _common_facts(info: LinkInfo, catalog: Catalog) -> dict[str, str]:
    facts: dict[str, str] = {"host": info.host, "link_url": info.url}
    if info.access_key:
        facts["access_key"] = info.access_key
    if info.region:
        facts["link_region"] = info.region
    if info.bucket:
        facts["link_bucket"] = info.bucket
    if info.key:
        facts["link_key"] = info.key
    if info.signed_at:
        facts["signed_at"] = catalog.time(info.signed_at)
    if info.expires_at:
        facts["expires_at"] = catalog.time(info.expires_at)
    if info.expires_seconds is not None:
        facts["expires_seconds"] = str(info.expires_seconds)
        facts["lifetime"] = catalog.duration(info.expires_seconds)
    elif info.signed_at is None and info.expires_at is not None:
        facts["lifetime"] = catalog.unknown
    if info.signed_headers:
        facts["signed_headers"] = ", ".join(info.signed_headers)
    return facts


def _link_checks(ex: _Exchange, col: _Collector, hints: dict[str, str]) -> None:
    info, cat = ex.info, col.catalog
    if info.problems:
        col.add("Link.malformed", ERROR, problem="; ".join(info.problems))
        if not info.host:
            return
    if info.version == "none":
        col.add("Link.unsigned", WARNING)
    elif info.version == "v2":
        col.add("Link.sigv2", WARNING)

    if info.scheme == "http" and not is_loopback_host(info.host):
        col.add("Link.insecure", WARNING)

    _time_checks(ex, col)
    _target_checks(ex, col)
    _header_checks(ex, col, hints)
    _credential_checks(ex, col)
    _checksum_checks(ex, col)
    _size_checks(ex, col, cat)


def _time_checks(ex: _Exchange, col: _Collector) -> None:
    info, cat = ex.info, col.catalog
    source = cat.word("server_clock" if ex.now_from_server else "local_clock")
    if info.expires_seconds is not None and info.expires_seconds > MAX_PRESIGN_SECONDS:
        col.add(
            "Link.expires_too_long",
            ERROR,
            expires_seconds=str(info.expires_seconds),
            max_seconds=str(MAX_PRESIGN_SECONDS),
        )
    elif info.expires_seconds is not None and info.expires_seconds <= 0:
        col.add("Link.expired", ERROR, expired_ago=cat.duration(0), time_source=source)
    elif info.has_security_token and (info.expires_seconds or 0) > MAX_SESSION_SECONDS:
        col.add("Link.outlives_session", WARNING)  # the link dies with the session that signed it
    if ex.now is None:
        return
    if info.expires_at is not None and not col.has("Link.expires_too_long", "Link.expired"):
        left = info.expires_at.timestamp() - ex.now
        if left <= 0:
            col.add(
                "Link.expired",
                ERROR,
                expired_ago=cat.duration(-left),
                now_time=cat.time(ex.now),
                time_source=source,
            )
        elif left < EXPIRES_SOON_SECONDS:
            col.add("Link.expires_soon", WARNING, expires_in=cat.duration(left))
    if info.signed_at is not None:
        ahead = info.signed_at.timestamp() - ex.now
        if ahead > MAX_SKEW_SECONDS:
            col.add(
                "Link.not_yet_valid",
                ERROR,
                valid_in=cat.duration(ahead),
                now_time=cat.time(ex.now),
                time_source=source,
            )


def _target_checks(ex: _Exchange, col: _Collector) -> None:
    info = ex.info
    expected = info.implied_method() or (ex.link_method.upper() if ex.link_method else None)
    if ex.method and expected and ex.method.upper() != expected:
        col.add("Link.method_mismatch", ERROR, method=ex.method.upper(), link_method=expected)
    link_bucket, link_key = bucket_and_key_for(info, ex.bucket)
    if ex.bucket and link_bucket and link_bucket != ex.bucket:
        col.add("Link.bucket_mismatch", ERROR, bucket=ex.bucket, link_bucket=link_bucket)
    if ex.key is not None and info.version == "post" and info.post_policy is not None:
        policy = info.post_policy
        if policy.key_equals is not None and "${filename}" not in policy.key_equals:
            if policy.key_equals != ex.key:
                col.add("Link.key_mismatch", ERROR, key=ex.key, link_key=policy.key_equals)
        elif policy.key_prefix is not None and not ex.key.startswith(policy.key_prefix):
            col.add("Link.key_mismatch", ERROR, key=ex.key, link_key=policy.key_prefix + "…")
    elif ex.key is not None and link_key is not None and "${filename}" not in link_key and link_key != ex.key:
        col.add("Link.key_mismatch", ERROR, key=ex.key, link_key=link_key)


def _header_checks(ex: _Exchange, col: _Collector, hints: dict[str, str]) -> None:
    info, sent = ex.info, ex.headers
    signed = set(info.signed_headers)
    for name in ("x-amz-acl", "x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                 "if-none-match", "if-match", "x-amz-grant-full-control", "x-amz-grant-read"):
        value = ex.signed_values.get(name) or info.params.get(name) or (sent or {}).get(name)
        if value:
            hints[name] = value

    if sent is None:
        return
    for name in info.signed_headers:
        if name in ("host", "content-length"):
            continue  # set by the HTTP client itself; content-length is checked against the size
        signed_value = ex.signed_values.get(name)
        if name not in sent:
            if name == "content-type":
                col.add("Link.content_type_missing", ERROR, signed_content_type=signed_value or "")
            else:
                col.add("Link.header_not_sent", ERROR, header=name, signed_value=signed_value or "")
            continue
        if signed_value is None or name in SECRET_HEADERS or sent[name] == REDACTED:
            continue
        if _norm(signed_value) != sent[name]:
            if name == "content-type":
                col.add(
                    "Link.content_type_mismatch",
                    ERROR,
                    signed_content_type=_norm(signed_value),
                    sent_content_type=sent[name],
                    guessed="yes" if name in ex.guessed_values else "no",
                )
            else:
                col.add(
                    "Link.header_value_mismatch",
                    ERROR,
                    header=name,
                    signed_value=_norm(signed_value),
                    sent_value=sent[name],
                )
    if "content-length" in signed and ex.size is not None:
        value = ex.signed_values.get("content-length")
        if value is not None and value.strip().isdigit() and int(value) != ex.size:
            col.add("Link.content_length_mismatch", ERROR, content_length=value.strip(), size=str(ex.size))

    if info.version == "v4":
        unsigned = sorted(h for h in sent if h.startswith("x-amz-") and h not in signed)
        if unsigned:
            col.add("Link.unsigned_amz_header", ERROR, header=", ".join(unsigned))
    if "chunked" in sent.get("transfer-encoding", "").lower():
        col.add("Link.chunked", ERROR)
    length = sent.get("content-length")
    if length is not None and length.isdigit() and ex.size is not None and int(length) != ex.size:
        col.add("Link.content_length_mismatch", ERROR, content_length=length, size=str(ex.size))


def _credential_checks(ex: _Exchange, col: _Collector) -> None:
    info = ex.info
    sent_token = ex.headers is not None and "x-amz-security-token" in ex.headers
    if info.is_temporary_key and not info.has_security_token and not sent_token:
        col.add("Link.temporary_key_without_token", ERROR)
    if info.region and info.host_region and info.region != info.host_region:
        col.add("Link.region_mismatch", ERROR, link_region=info.region, bucket_region=info.host_region)
    if info.version == "v2" and ex.signed_values.get("x-amz-server-side-encryption", "").startswith("aws:kms"):
        col.add("Link.sigv2_kms", ERROR)


def _checksum_checks(ex: _Exchange, col: _Collector) -> None:
    info = ex.info
    values: dict[str, str] = dict(info.checksums())
    for source in (ex.signed_values, ex.headers or {}):
        for name, value in source.items():
            if name.startswith("x-amz-checksum-") and name not in ("x-amz-checksum-type",
                                                                   "x-amz-checksum-algorithm"):
                values.setdefault(name[len("x-amz-checksum-") :], value)
            elif name == "content-md5":
                values.setdefault("content-md5", value)
    if ex.size is not None and ex.size > 0:
        for alg, value in values.items():
            if EMPTY_CHECKSUMS.get(alg) == value.strip():
                label = alg if alg == "content-md5" else f"x-amz-checksum-{alg}"
                col.add("Link.checksum_of_empty", ERROR, checksum_name=label, checksum_value=value,
                        size=str(ex.size))
        sha = ex.signed_values.get("x-amz-content-sha256") or info.params.get("x-amz-content-sha256", "")
        if sha.lower() == EMPTY_SHA256_HEX:
            col.add("Link.checksum_of_empty", ERROR, checksum_name="x-amz-content-sha256",
                    checksum_value=sha, size=str(ex.size))
    algorithm = info.params.get("x-amz-sdk-checksum-algorithm")
    sends_checksum = any(h.startswith("x-amz-checksum-") or h == "x-amz-trailer" for h in (ex.headers or {}))
    if algorithm and not values and ex.headers is not None and not sends_checksum:
        col.add("Link.checksum_algorithm_only", ERROR, checksum_name=algorithm)


def _size_checks(ex: _Exchange, col: _Collector, cat: Catalog) -> None:
    info = ex.info
    op = info.operation
    if op == "part" and info.part_number is not None:
        pn = info.part_number.strip()
        if not pn.isdigit() or not 1 <= int(pn) <= MAX_PARTS:
            col.add("Link.part_number_invalid", ERROR, part_number=pn, max_parts=str(MAX_PARTS))
    if ex.size is None:
        return
    method = (ex.method or ex.link_method or "PUT").upper()
    if op == "object" and method == "PUT" and ex.size > SINGLE_PUT_LIMIT:
        col.add("Link.single_put_too_large", ERROR, size=cat.size(ex.size), max_size=cat.size(SINGLE_PUT_LIMIT))
    elif op == "part" and ex.size > PART_MAX:
        col.add("Link.part_too_large", ERROR, size=cat.size(ex.size), max_size=cat.size(PART_MAX),
                part_number=info.part_number or "")
    elif op == "part" and ex.last_part is False and ex.size < PART_MIN:
        col.add("Link.part_too_small", ERROR, size=cat.size(ex.size), min_part_size=cat.size(PART_MIN),
                part_number=info.part_number or "")
    elif op == "post" and info.post_policy is not None:
        lo, hi = info.post_policy.min_size, info.post_policy.max_size
        if lo is not None and hi is not None and not lo <= ex.size <= hi:
            col.add("Link.post_size_out_of_range", ERROR, size=cat.size(ex.size), min_size=cat.size(lo),
                    max_size=cat.size(hi))


def preflight(
    link: SignedRequest,
    *,
    method: str,
    key: str,
    bucket: str | None,
    headers_to_send: dict[str, str],
    size: int,
    now: float,
    last_part: bool | None = None,
    locale: str | None = None,
) -> list[Finding]:
    """Problems visible before sending *link*; blocking ones (``severity == "error"``) will certainly fail.

    ``last_part`` (for part links) enables the 5 MiB minimum-part check, which does not apply to the last part.
    """
    catalog = load_catalog(locale)
    info = parse_link(link.url, link.fields)
    signed_values = {k.lower(): str(v) for k, v in link.headers.items()}
    ex = _Exchange(
        info=info,
        link_method=link.method,
        signed_values=signed_values,
        method=method,
        headers=_lower_headers(headers_to_send),
        size=size,
        bucket=bucket,
        key=key,
        now=now,
        last_part=last_part,
    )
    col = _Collector(catalog)
    _link_checks(ex, col, {})
    return col.findings(_common_facts(info, catalog))


def inspect_link(link: SignedRequest, *, now: float | None = None, locale: str | None = None) -> list[Finding]:
    """Problems visible in *link* alone, when the request that will use it is not known.

    Checks that need the request (headers, size, method) are skipped rather than guessed.
    """
    catalog = load_catalog(locale)
    info = parse_link(link.url, link.fields)
    ex = _Exchange(
        info=info,
        link_method=link.method,
        signed_values={k.lower(): str(v) for k, v in link.headers.items()},
        now=time.time() if now is None else now,
    )
    col = _Collector(catalog)
    _link_checks(ex, col, {})
    return col.findings(_common_facts(info, catalog))


def diagnose(failure: Failure, link: SignedRequest | None = None, *, locale: str | None = None) -> list[Finding]:
    """Everything the link and the exchange reveal about *failure*, most important first."""
    return analyse(failure, link, load_catalog(locale)).findings


def server_time(failure: Failure) -> float | None:
    date = failure.server_date
    if not date and failure.response is not None:
        date = _header(failure.response.headers, "date")
    return date_header_time(date)


def _header(headers: dict[str, str], name: str) -> str | None:
    for k, v in headers.items():
        if k.lower() == name:
            return v
    return None


def iso_time(value: str) -> float | None:
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
    except ValueError:
        parsed = parse_amz_date(value)
        return parsed.timestamp() if parsed else None


def analyse(failure: Failure, link: SignedRequest | None, catalog: Catalog) -> Analysis:
    """Gather the evidence about *failure*: findings from the link, facts and hints from the response."""
    s3 = dict(failure.s3_error)
    if not s3 and failure.response is not None and failure.response.body:
        s3 = parse_s3_error(failure.response.body)
    resp_headers = {k.lower(): v for k, v in (failure.response.headers if failure.response else {}).items()}
    hints: dict[str, str] = {}
    facts: dict[str, str] = {}
    srv_now = server_time(failure)
    if srv_now is not None:
        facts["server_time"] = catalog.time(srv_now)
    facts["local_time"] = catalog.time(failure.local_time)

    url = link.url if link is not None else (failure.signed_url or (failure.request.url if failure.request else ""))
    info = parse_link(url, link.fields if link is not None else None) if url else None
    secrets = link_secrets(link.url, link.fields) if link is not None else ()

    col = _Collector(catalog)
    if info is not None:
        signed_values = {k.lower(): str(v) for k, v in (link.headers if link else {}).items()}
        guessed: set[str] = set()
        asked_type = failure.asked.get("content_type") or failure.asked.get("content-type")
        if "content-type" in info.signed_headers and "content-type" not in signed_values and asked_type:
            signed_values["content-type"] = asked_type
            guessed.add("content-type")
        req = failure.request
        sent = _lower_headers(req.headers) if req is not None and req.headers else None
        size = None
        if sent is not None and sent.get("content-length", "").isdigit():
            size = int(sent["content-length"])
        elif info.operation == "object" and failure.file_size is not None:
            size = failure.file_size
        bucket = failure.asked.get("bucket") or None
        key = failure.asked.get("key") or None
        now = srv_now if srv_now is not None else failure.local_time
        # S3's own account of the expiry (AWS puts it in the error body) beats the Date header.
        if s3.get("ServerTime"):
            precise = iso_time(s3["ServerTime"])
            if precise is not None:
                now, srv_now = precise, precise
        ex = _Exchange(
            info=info,
            link_method=link.method if link is not None else None,
            signed_values=signed_values,
            guessed_values=frozenset(guessed),
            method=req.method if req is not None else None,
            headers=sent,
            size=size,
            bucket=bucket,
            key=key,
            now=now,
            now_from_server=srv_now is not None,
        )
        _link_checks(ex, col, hints)
        _canonical_request_checks(s3, ex, col, hints)

    _clock_checks(failure, srv_now, col, facts, catalog)
    _region_checks(s3, resp_headers, info, col)
    if s3.get("HeadersNotSigned") and not col.has("Link.unsigned_amz_header"):
        col.add("Link.unsigned_amz_header", ERROR, header=s3["HeadersNotSigned"])

    common = _common_facts(info, catalog) if info is not None else {}
    for name, value in hints.items():
        facts.setdefault(_HINT_FACTS.get(name, name), value)
    facts = {**common, **facts}
    findings = col.findings(facts)
    return Analysis(info=info, findings=findings, facts=facts, hints=hints, s3=s3, secrets=secrets)


_HINT_FACTS = {
    "x-amz-acl": "acl",
    "x-amz-server-side-encryption": "sse",
    "x-amz-server-side-encryption-aws-kms-key-id": "kms_key",
    "if-none-match": "if_none_match",
    "if-match": "if_match",
}


def _clock_checks(
    failure: Failure, srv_now: float | None, col: _Collector, facts: dict[str, str], cat: Catalog
) -> None:
    if srv_now is None:
        return
    offset = failure.local_time - srv_now
    facts["skew"] = cat.duration(offset)
    facts["skew_seconds"] = str(round(offset))
    if abs(offset) > MAX_SKEW_SECONDS:
        direction = cat.word("ahead" if offset > 0 else "behind")
        severity = ERROR if (failure.signer or "") == "local" else WARNING
        col.add("Clock.skew", severity, skew=cat.duration(offset), skew_direction=direction,
                server_time=cat.time(srv_now), local_time=cat.time(failure.local_time))


def _region_checks(s3: dict[str, str], headers: dict[str, str], info: LinkInfo | None, col: _Collector) -> None:
    region = headers.get("x-amz-bucket-region") or s3.get("Region")
    message = s3.get("Message", "")
    if not region:
        m = _EXPECTING_RE.search(message)
        region = m.group(1) if m else None
    endpoint = s3.get("Endpoint")
    if not region and endpoint:
        region = aws_host_info(endpoint)[2]
    link_region = info.region if info is not None else None
    if not link_region:
        m = _WRONG_REGION_RE.search(message)
        link_region = m.group(1) if m else None
    if region and link_region and region != link_region and not col.has("Link.region_mismatch"):
        col.add("Link.region_mismatch", ERROR, link_region=link_region, bucket_region=region)


def _canonical_request_checks(s3: dict[str, str], ex: _Exchange, col: _Collector, hints: dict[str, str]) -> None:
    """Compare the request S3 says it received (AWS's CanonicalRequest) with what the link was signed for."""
    text = s3.get("CanonicalRequest")
    if not text:
        return
    lines = text.replace("\r\n", "\n").split("\n")
    if len(lines) < 4:
        return
    seen_method = lines[0].strip().upper()
    hints["s3_seen_method"] = seen_method
    expected = ex.info.implied_method() or (ex.link_method.upper() if ex.link_method else None)
    if expected and seen_method and seen_method != expected and not col.has("Link.method_mismatch"):
        col.add("Link.method_mismatch", ERROR, method=seen_method, link_method=expected)
    seen: dict[str, str] = {}
    for line in lines[3:]:
        if not line.strip():
            break
        name, colon, value = line.partition(":")
        if colon:
            seen[name.strip().lower()] = _norm(value)
    ctype_signed = ex.signed_values.get("content-type")
    differs = ctype_signed is not None and "content-type" in seen and _norm(ctype_signed) != seen["content-type"]
    if differs and ctype_signed is not None and not col.has("Link.content_type_mismatch"):
        col.add(
            "Link.content_type_mismatch",
            ERROR,
            signed_content_type=_norm(ctype_signed),
            sent_content_type=seen["content-type"],
            guessed="yes" if "content-type" in ex.guessed_values else "no",
        )
    for name, value in seen.items():
        signed_value = ex.signed_values.get(name)
        if name in ("host", "content-type") or name in SECRET_HEADERS or signed_value is None:
            continue
        if _norm(signed_value) != value and not col.has("Link.header_value_mismatch"):
            col.add("Link.header_value_mismatch", ERROR, header=name, signed_value=_norm(signed_value),
                    sent_value=value)
    seen_path = unquote(lines[1].strip())
    if ex.info.path and seen_path and unquote(ex.info.path) not in (seen_path, "/" + seen_path.lstrip("/")):
        hints["s3_seen_path"] = scrub_text(seen_path)
