"""Pick the catalog entry that explains a failure, and the facts that fill it.

Rules are code; sentences are data. Each rule looks at the evidence (S3's code and message, the findings
from the link, the response) and names a cause; the entry id is ``<S3 code>.<cause>`` when the catalog has
one, else ``<S3 code>``, else an honest fallback that shows S3's own message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain.catalog import Catalog
from desktop_uploader.core.explain.findings import SINGLE_PUT_LIMIT, Analysis, iso_time
from desktop_uploader.core.explain.intermediaries import intermediary_entry
from desktop_uploader.core.explain.providers import message_facts, provider_entry
from desktop_uploader.core.explain.responders import (
    BLOCK_WORDS,
    CAPTIVE_PORTAL,
    PORTAL_WORDS,
    UNKNOWN,
    Responder,
    identify,
)
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.protocol.links import host_of
from desktop_uploader.core.protocol.responses import body_kind, endpoint_message, html_text, html_title
from desktop_uploader.core.scrub import scrub_text

FALLBACK_S3 = "S3.unknown"
FALLBACK_ANY = "Unknown"
_AWS_SERVER = "amazons3"
_MAX_MESSAGE = 300

_LOCAL_ENTRIES = {
    fc.FILE_VANISHED: "Local.file_vanished",
    fc.FILE_UNREADABLE: "Local.file_unreadable",
    fc.FILE_CHANGED: "Local.file_changed",
    fc.PROFILE_INVALID: "Local.profile_invalid",
    fc.PROFILE_MISSING: "Local.profile_missing",
    fc.CREDENTIALS_MISSING: "Local.credentials_missing",
    fc.KEYRING_UNAVAILABLE: "Local.keychain_unavailable",
    fc.INSECURE_URL: "Local.insecure_url",
    fc.ETAG_MISMATCH: "Verify.checksum_mismatch",
    fc.TOO_LARGE: "Local.too_large",
    fc.SIGNED_HEADER_UNKNOWN: "Endpoint.signed_header_unknown",
    fc.ENDPOINT_NO_URL: "Endpoint.no_url",
    fc.ENDPOINT_BAD_URL: "Endpoint.bad_url",
    fc.ENDPOINT_WRONG_KEY: "Endpoint.wrong_key",
    fc.ENDPOINT_REDIRECT: "Endpoint.redirect_refused",
    fc.ENDPOINT_TOO_LARGE: "Endpoint.answer_too_large",
}
_NETWORK_CODES = fc.UNREACHABLE_CODES | {fc.TLS_ERROR}
@dataclass
class _Ctx:
    failure: Failure
    an: Analysis
    catalog: Catalog
    status: int | None
    body: str
    kind: str
    headers: dict[str, str]
    facts: dict[str, str]
    responder: Responder
    used: set[str] = field(default_factory=set)  # findings the chosen explanation already tells

    def finding(self, *codes: str) -> bool:
        f = self.an.find(*codes)
        if f is None:
            return False
        self.facts.update(f.facts)
        self.used.add(f.code)
        return True


def classify(
    failure: Failure, an: Analysis, catalog: Catalog
) -> tuple[str, dict[str, str], set[str], Responder | None]:
    """The catalog entry id for *failure*, the facts (beyond ``an.facts``) it needs, the codes of the
    findings it is based on, and who wrote the answer (None when there was no answer)."""
    resp = failure.response
    status = failure.http_status or (resp.status if resp is not None and resp.status else None)
    body = resp.body if resp is not None else ""
    headers = {k.lower(): v for k, v in (resp.headers if resp is not None else {}).items()}
    host = (host_of(failure.request.url) if failure.request is not None else "") or (
        an.info.host if an.info is not None else "")
    responder = identify(status, headers, body, host=host, s3_code=an.s3.get("Code", ""))
    ctx = _Ctx(failure, an, catalog, status, body, body_kind(body, headers.get("content-type")), headers, {},
               responder)
    _base_facts(ctx)
    _responder_facts(ctx)
    entry = _pick(ctx)
    if not catalog.has(entry) and "." in entry and entry.split(".")[0] in _INTERMEDIARY_PREFIXES:
        entry = entry.split(".")[0] + ".other"
    if not catalog.has(entry):
        entry = FALLBACK_S3 if an.s3.get("Code") else FALLBACK_ANY
    if entry == "Network.captive_portal" and responder.kind != CAPTIVE_PORTAL:
        responder = Responder("portal", "", CAPTIVE_PORTAL, via=responder.via, evidence=responder.evidence)
    return entry, ctx.facts, ctx.used, responder if resp is not None else None


_INTERMEDIARY_PREFIXES = frozenset({"CDN", "Proxy", "APIGateway", "WebServer"})


def _responder_facts(ctx: _Ctx) -> None:
    r = ctx.responder
    if r.name:
        ctx.facts["responder"] = r.name
    if r.via:
        ctx.facts["via"] = ", ".join(r.via)
    if r.evidence:
        ctx.facts["responder_evidence"] = "; ".join(r.evidence)
    if r.limit_setting:
        ctx.facts["limit_setting"] = r.limit_setting
    if r.default_limit:
        ctx.facts["typical_limit"] = ctx.catalog.size(r.default_limit)


def _base_facts(ctx: _Ctx) -> None:
    f, s3, facts = ctx.failure, ctx.an.s3, ctx.facts
    facts["failure_code"] = f.code
    facts["error_detail"] = _short(f.message)
    if ctx.status is not None:
        facts["status"] = str(ctx.status)
    if s3.get("Code"):
        facts["s3_code"] = s3["Code"]
        message = " ".join(filter(None, (s3.get("Message", ""), s3.get("Details", ""))))
        facts["s3_message"] = _short(message) or ctx.catalog.word("no_message")
    for src, dst in (("RequestId", "request_id"), ("HostId", "host_id"), ("Resource", "resource"),
                     ("Endpoint", "endpoint"), ("ArgumentName", "argument_name"),
                     ("ArgumentValue", "argument_value"), ("Header", "s3_header"), ("UploadId", "upload_id"),
                     ("PartNumber", "part_number"), ("ProposedSize", "proposed_size"),
                     ("MaxSizeAllowed", "max_size_allowed"), ("MinSizeAllowed", "min_size_allowed"),
                     ("Condition", "condition")):
        if s3.get(src):
            facts[dst] = _short(s3[src])
    if f.request_id and "request_id" not in facts:
        facts["request_id"] = f.request_id
    bucket = s3.get("BucketName") or s3.get("Bucket") or f.asked.get("bucket") or ctx.an.facts.get("link_bucket")
    key = s3.get("Key") or f.asked.get("key") or ctx.an.facts.get("link_key")
    if bucket:
        facts["bucket"] = bucket
    if key:
        facts["key"] = key
    if f.request is not None:
        facts["method"] = f.request.method.upper()
        facts["bytes_sent"] = str(f.request.bytes_sent)
        length = next((v for k, v in f.request.headers.items() if k.lower() == "content-length"), None)
        if length is not None and length.strip().isdigit():
            facts["content_length"] = length.strip()
        host = host_of(f.request.url)
        if host:
            facts["host"] = host
            if f.stage == fc.STAGE_SIGN:
                facts["endpoint_host"] = host
    if f.stage == fc.STAGE_SIGN and "endpoint_host" not in facts:
        endpoint = f.asked.get("endpoint") or f.asked.get("endpoint_url")
        if endpoint:
            facts["endpoint_host"] = host_of(endpoint) or endpoint
    if f.file_size is not None:
        facts["size"] = ctx.catalog.size(f.file_size)
        facts["size_bytes"] = str(f.file_size)
    server = ctx.headers.get("server")
    if server:
        facts["server"] = server
    retry = f.retry_after
    if retry is None and ctx.headers.get("retry-after", "").strip().isdigit():
        retry = float(ctx.headers["retry-after"])
    if retry is not None:
        facts["retry_after"] = ctx.catalog.duration(retry)
    info = ctx.an.info
    if info is not None and info.upload_id and "upload_id" not in facts:
        facts["upload_id"] = info.upload_id
    if ctx.headers.get("x-amz-bucket-region"):
        facts["bucket_region"] = ctx.headers["x-amz-bucket-region"]
    if ctx.headers.get("location"):
        facts["location"] = _short(ctx.headers["location"])


def _short(text: str) -> str:
    text = " ".join(scrub_text(text).split())
    return text if len(text) <= _MAX_MESSAGE else text[: _MAX_MESSAGE - 1] + "…"


def _pick(ctx: _Ctx) -> str:
    f = ctx.failure
    if ctx.catalog.has(f.code) and f.code.startswith(("Link.", "Clock.")):
        ctx.finding(f.code)
        return f.code
    if f.code in _NETWORK_CODES:
        return _network(ctx)
    if f.code in _LOCAL_ENTRIES:
        return _LOCAL_ENTRIES[f.code]
    code = ctx.an.s3.get("Code", "")
    if not code and f.stage != fc.STAGE_SIGN and f.response is not None:
        entry = _intermediary(ctx)
        if entry:
            return entry
    if code.isdigit() and len(code) == 3:
        # SDKs report a bodiless answer (HEAD) as Code "403", Message "Forbidden".
        ctx.status = ctx.status or int(code)
        ctx.facts["status"] = str(ctx.status)
        return _status_only(ctx)
    if code:
        return _s3(ctx, code)
    if f.stage == fc.STAGE_SIGN or f.code in (fc.ENDPOINT_ERROR, fc.ENDPOINT_BAD_RESPONSE, fc.ENDPOINT_HTML):
        return _endpoint(ctx)
    if f.code in (fc.HTML_RESPONSE, fc.NON_S3_RESPONSE) or ctx.kind in ("html", "json", "text"):
        return _non_s3(ctx)
    if ctx.status is not None:
        return _status_only(ctx)
    if f.stage != fc.STAGE_LOCAL and f.code != fc.UNKNOWN and _looks_like_s3_code(f.code):
        ctx.an.s3.setdefault("Code", f.code)
        ctx.an.s3.setdefault("Message", f.message)
        ctx.facts["s3_code"] = f.code
        ctx.facts["s3_message"] = _short(f.message)
        return _s3(ctx, f.code)
    return FALLBACK_ANY


def _intermediary(ctx: _Ctx) -> str | None:
    """An answer written by a CDN, proxy, gateway or web server in front of the storage."""
    if ctx.kind == "html":
        title = html_title(ctx.body)
        if title:
            ctx.facts["page_title"] = _short(title)
        text = title + " " + html_text(ctx.body)
    else:
        text = ctx.body[:2000]
        if text.strip():
            ctx.facts["body_excerpt"] = _short(text[:200])
    if ctx.responder.kind == UNKNOWN and ctx.status == 413:
        return _s3(ctx, "EntityTooLarge")  # something refused the size without saying who it is
    entry = intermediary_entry(ctx.responder, ctx.status, text)
    if entry == "Network.block_page" and ctx.kind != "html":
        return None
    if entry in ("Network.proxy_auth", "Network.captive_portal") and ctx.kind == "html":
        return _html(ctx) if entry == "Network.captive_portal" else entry
    return entry


def _looks_like_s3_code(code: str) -> bool:
    return bool(re.fullmatch(r"(KMS\.)?[A-Z][A-Za-z0-9]+", code))


# --- S3 error codes ----------------------------------------------------------------------------------------


def _s3(ctx: _Ctx, code: str) -> str:
    special = _provider(ctx, code)
    if special:
        return special
    rule = _S3_RULES.get(code)
    cause = rule(ctx) if rule is not None else None
    if cause and ctx.catalog.has(f"{code}.{cause}"):
        return f"{code}.{cause}"
    if ctx.catalog.has(code):
        return code
    if code.startswith("KMS."):
        return "KMS.other"
    return FALLBACK_S3


def _provider(ctx: _Ctx, code: str) -> str | None:
    """Codes and messages particular to a provider (MinIO, B2, R2, GCS, gateways) or to a refusal that AWS
    words in a message rather than a code (Object Lock, POST policies, payload hashes)."""
    s3 = ctx.an.s3
    message = " ".join(filter(None, (s3.get("Message", ""), s3.get("Details", ""), s3.get("Condition", ""))))
    entry = provider_entry(code, message, method=ctx.facts.get("method", ""))
    if not entry or not ctx.catalog.has(entry):
        return None
    ctx.facts.update(message_facts(message))
    if entry == "AccessDenied.expired":
        ctx.finding("Link.expired")
        _aws_expiry_facts(ctx)
    return entry


def _msg(ctx: _Ctx) -> str:
    return ctx.an.s3.get("Message", "").lower()


def _signature(ctx: _Ctx) -> str | None:
    for finding, cause in (
        ("Link.method_mismatch", "method"),
        ("Link.key_mismatch", "key"),
        ("Link.bucket_mismatch", "bucket"),
        ("Link.content_type_mismatch", "content_type"),
        ("Link.content_type_missing", "content_type_missing"),
        ("Link.header_value_mismatch", "header_value"),
        ("Link.header_not_sent", "header_missing"),
        ("Link.content_length_mismatch", "content_length"),
        ("Link.unsigned_amz_header", "unsigned_header"),
        ("Link.region_mismatch", "region"),
        ("Link.temporary_key_without_token", "temporary_without_token"),
    ):
        if ctx.finding(finding):
            return cause
    info = ctx.an.info
    key = ctx.an.s3.get("Key") or (info.key if info else None) or ""
    if key and re.search(r"[^A-Za-z0-9._~/\-]", key):
        ctx.facts["key"] = key
        return "key_characters"
    req = ctx.failure.request
    if info is not None and info.version == "v4" and req is not None and req.headers:
        # Everything the app can check matches: the signing itself is wrong. Signed here, with keys the
        # person typed, that is theirs to fix; signed elsewhere, the signer's administrator's.
        return "local_secret" if (ctx.failure.signer or "") == "local" else "credentials"
    return None


def _access_denied(ctx: _Ctx) -> str | None:
    msg = _msg(ctx)
    clock_local = ctx.an.find("Clock.skew") is not None and (ctx.failure.signer or "") == "local"
    # A generic "Access Denied" with an expired-looking link is not trusted: the link may have run out during
    # a long transfer that S3 had already authorised. S3 names expiry explicitly when it is the cause.
    if "request has expired" in msg or (not msg.strip(" .") and ctx.finding("Link.expired")):
        ctx.finding("Link.expired")
        _aws_expiry_facts(ctx)
        if clock_local and ctx.finding("Clock.skew"):
            return "clock"
        return "expired"
    if "not yet valid" in msg or ctx.finding("Link.not_yet_valid"):
        ctx.finding("Link.not_yet_valid")
        ctx.finding("Clock.skew")
        return "not_yet_valid"
    if "not signed" in msg or "headers present" in msg or ctx.finding("Link.unsigned_amz_header"):
        ctx.finding("Link.unsigned_amz_header")
        if ctx.an.s3.get("HeadersNotSigned"):
            ctx.facts["header"] = ctx.an.s3["HeadersNotSigned"]
        return "unsigned_headers"
    sse = ctx.an.hints.get("x-amz-server-side-encryption", "")
    if "kms" in msg or sse.startswith("aws:kms"):
        return "kms"
    if ctx.an.hints.get("x-amz-acl", "").startswith("public"):
        return "public_acl"
    return "no_permission"


def _time_fact(ctx: _Ctx, value: str) -> str:
    parsed = iso_time(value)
    return ctx.catalog.time(parsed) if parsed is not None else value


def _aws_expiry_facts(ctx: _Ctx) -> None:
    s3 = ctx.an.s3
    if s3.get("Expires"):
        ctx.facts["expires_at"] = _time_fact(ctx, s3["Expires"])
    if s3.get("ServerTime"):
        ctx.facts["server_time"] = _time_fact(ctx, s3["ServerTime"])
    if s3.get("X-Amz-Expires") and "lifetime" not in ctx.an.facts:
        v = s3["X-Amz-Expires"]
        ctx.facts["lifetime"] = ctx.catalog.duration(int(v)) if v.isdigit() else v


def _invalid_access_key(ctx: _Ctx) -> str | None:
    if ctx.finding("Link.temporary_key_without_token"):
        return "temporary_without_token"
    return "local" if (ctx.failure.signer or "") == "local" else None


def _skewed(ctx: _Ctx) -> str | None:
    s3 = ctx.an.s3
    req_t, srv_t = s3.get("RequestTime"), s3.get("ServerTime")
    if req_t and srv_t:
        a, b = iso_time(req_t), iso_time(srv_t)
        if a is not None and b is not None:
            ctx.facts["skew"] = ctx.catalog.duration(a - b)
            ctx.facts["skew_direction"] = ctx.catalog.word("ahead" if a > b else "behind")
            ctx.facts["server_time"] = _time_fact(ctx, srv_t)
    if "skew_direction" not in ctx.facts:
        ctx.finding("Clock.skew")
    if "skew_direction" not in ctx.facts and "skew_seconds" in ctx.an.facts:
        ahead = int(ctx.an.facts["skew_seconds"]) > 0
        ctx.facts["skew_direction"] = ctx.catalog.word("ahead" if ahead else "behind")
    return None


def _query_params_error(ctx: _Ctx) -> str | None:
    msg = _msg(ctx)
    if ("x-amz-expires" in msg and ("604800" in msg or "week" in msg)) or ctx.finding("Link.expires_too_long"):
        ctx.finding("Link.expires_too_long")
        return "expires_too_long"
    if _region(ctx, msg):
        return "region"
    if "error parsing the x-amz-credential" in msg or "credential is mal-formed" in msg:
        return "credential"
    if re.search(r"x-amz-date (?:must|is)|invalid date", msg):
        return "date"
    return None


_REGION_MSG_RE = re.compile(r"region '[a-z0-9-]+' is wrong|expecting '[a-z]{2}(?:-[a-z]+)+-\d+'")


def _region(ctx: _Ctx, msg: str) -> bool:
    if ctx.finding("Link.region_mismatch"):
        return True
    return bool(_REGION_MSG_RE.search(msg))


def _header_malformed(ctx: _Ctx) -> str | None:
    return "region" if _region(ctx, _msg(ctx)) else None


def _invalid_argument(ctx: _Ctx) -> str | None:
    msg = _msg(ctx)
    arg = ctx.an.s3.get("ArgumentName", "").lower()
    if "signature version 4" in msg or "aws4-hmac-sha256" in msg or ctx.finding("Link.sigv2_kms"):
        return "sigv4_required"
    if arg == "partnumber" or "part number" in msg or ctx.finding("Link.part_number_invalid"):
        return "part_number"
    if "x-amz-expires" in msg or arg == "x-amz-expires" or ctx.finding("Link.expires_too_long"):
        ctx.finding("Link.expires_too_long")
        return "expires"
    return None


def _invalid_request(ctx: _Ctx) -> str | None:
    msg = _msg(ctx)
    if "aws4-hmac-sha256" in msg or "signature version 4" in msg or "authorization mechanism" in msg:
        return "sigv4_required"
    if "checksum" in msg or ctx.finding("Link.checksum_of_empty", "Link.checksum_algorithm_only"):
        ctx.finding("Link.checksum_of_empty", "Link.checksum_algorithm_only")
        return "checksum"
    if "acl" in msg:
        return "acl"
    return None


def _method_not_allowed(ctx: _Ctx) -> str | None:
    if ctx.finding("Link.method_mismatch"):
        return "method"
    info = ctx.an.info
    if info is not None and info.operation == "object" and info.key is None and info.bucket is not None:
        return "no_key"
    return None


def _too_large(ctx: _Ctx) -> str | None:
    size = ctx.failure.file_size
    if ctx.finding("Link.single_put_too_large") or (
        size is not None and size > SINGLE_PUT_LIMIT and ctx.an.info is not None
        and ctx.an.info.operation == "object"
    ):
        ctx.facts.setdefault("max_size", ctx.catalog.size(SINGLE_PUT_LIMIT))
        return "single_put"
    if ctx.finding("Link.post_size_out_of_range") or (ctx.an.info is not None and ctx.an.info.version == "post"):
        return "post_policy"
    return None


def _bad_digest(ctx: _Ctx) -> str | None:
    if ctx.finding("Link.checksum_of_empty"):
        return "checksum_of_empty"
    return None


def _chunked(ctx: _Ctx) -> str | None:
    header = ctx.an.s3.get("Header", "").lower()
    sent = ctx.failure.request.headers if ctx.failure.request else {}
    te = next((v for k, v in sent.items() if k.lower() == "transfer-encoding"), "")
    if ctx.finding("Link.chunked") or header == "transfer-encoding" or "chunked" in te.lower():
        return "chunked"
    return None


def _precondition(ctx: _Ctx) -> str | None:
    sent = {k.lower(): v for k, v in (ctx.failure.request.headers if ctx.failure.request else {}).items()}
    if "if-none-match" in sent or "if-none-match" in ctx.an.hints or "if-none-match" in _msg(ctx):
        return "if_none_match"
    return None


def _internal(ctx: _Ctx) -> str | None:
    server = ctx.headers.get("server", "").lower().replace(" ", "")
    info = ctx.an.info
    not_aws_server = bool(server) and _AWS_SERVER not in server
    not_aws_host = info is not None and bool(info.host) and not info.is_aws_host
    return "s3_compatible" if not_aws_server or not_aws_host else None


def _acl_not_supported(ctx: _Ctx) -> str | None:
    ctx.facts.setdefault("acl", ctx.an.hints.get("x-amz-acl", ""))
    return None


_S3_RULES: dict[str, Callable[[_Ctx], str | None]] = {
    "SignatureDoesNotMatch": _signature,
    "AccessDenied": _access_denied,
    "InvalidAccessKeyId": _invalid_access_key,
    "RequestTimeTooSkewed": _skewed,
    "AuthorizationQueryParametersError": _query_params_error,
    "AuthorizationHeaderMalformed": _header_malformed,
    "InvalidArgument": _invalid_argument,
    "InvalidRequest": _invalid_request,
    "MethodNotAllowed": _method_not_allowed,
    "EntityTooLarge": _too_large,
    "BadDigest": _bad_digest,
    "XAmzContentSHA256Mismatch": _bad_digest,
    "MissingContentLength": _chunked,
    "NotImplemented": _chunked,
    "PreconditionFailed": _precondition,
    "InternalError": _internal,
    "AccessControlListNotSupported": _acl_not_supported,
}


# --- Responses with no S3 error document -------------------------------------------------------------------


def _status_only(ctx: _Ctx) -> str:
    """HEAD answers and empty bodies: the status and the link's findings are all there is."""
    status = ctx.status or 0
    if status in (301, 307, 302, 303, 308):
        location = ctx.headers.get("location", "")
        if "x-amz-bucket-region" in ctx.headers or ".amazonaws.com" in location:
            return _s3(ctx, "PermanentRedirect" if status in (301, 308) else "TemporaryRedirect")
        if location:
            return "Network.captive_portal"
    if status == 403:
        for finding, entry in (
            ("Link.expired", "AccessDenied.expired"),
            ("Link.not_yet_valid", "AccessDenied.not_yet_valid"),
            ("Link.unsigned_amz_header", "AccessDenied.unsigned_headers"),
            ("Link.temporary_key_without_token", "InvalidAccessKeyId.temporary_without_token"),
            ("Link.method_mismatch", "SignatureDoesNotMatch.method"),
            ("Link.key_mismatch", "SignatureDoesNotMatch.key"),
            ("Link.bucket_mismatch", "SignatureDoesNotMatch.bucket"),
            ("Link.content_type_mismatch", "SignatureDoesNotMatch.content_type"),
            ("Link.content_type_missing", "SignatureDoesNotMatch.content_type_missing"),
            ("Link.header_value_mismatch", "SignatureDoesNotMatch.header_value"),
            ("Link.header_not_sent", "SignatureDoesNotMatch.header_missing"),
            ("Link.region_mismatch", "SignatureDoesNotMatch.region"),
        ):
            if ctx.finding(finding):
                return entry
        return "Status.403"
    if status == 400 and ctx.finding("Link.expires_too_long"):
        return "AuthorizationQueryParametersError.expires_too_long"
    if status == 405:
        return _s3(ctx, "MethodNotAllowed")
    if status == 411:
        return _s3(ctx, "MissingContentLength")
    if status == 412:
        return _s3(ctx, "PreconditionFailed")
    if status == 413:
        return _s3(ctx, "EntityTooLarge")
    if status == 429:
        return "SlowDown"
    if status == 500:
        return _s3(ctx, "InternalError")
    if status == 501:
        return _s3(ctx, "NotImplemented")
    if status == 503:
        return "ServiceUnavailable"
    if status in (502, 504):
        return "Status.gateway"
    if status == 407:
        return "Network.proxy_auth"
    if status == 511:
        return "Network.captive_portal"
    if status in (400, 404, 409):
        return f"Status.{status}"
    return "Status.other"


def _non_s3(ctx: _Ctx) -> str:
    status = ctx.status or 0
    if status == 407:
        return "Network.proxy_auth"
    if status == 511:
        return "Network.captive_portal"
    if ctx.kind == "html":
        return _html(ctx)
    if ctx.kind == "empty":
        return _status_only(ctx)
    ctx.facts["body_excerpt"] = _short(ctx.body[:200])
    return "Network.unexpected"


def _html(ctx: _Ctx) -> str:
    title = html_title(ctx.body)
    words = (title + " " + html_text(ctx.body)).lower()
    if title:
        ctx.facts["page_title"] = _short(title)
    location = ctx.headers.get("location")
    if location:
        ctx.facts["portal_host"] = host_of(location)
    if any(w in words for w in BLOCK_WORDS):
        return "Network.block_page"
    if any(w in words for w in PORTAL_WORDS):
        return "Network.captive_portal"
    if (ctx.status or 0) in (502, 503, 504):
        return "Network.gateway_html"
    if ctx.failure.stage == fc.STAGE_SIGN:
        return "Endpoint.html"
    return "Network.html_page"


# --- The signing endpoint ----------------------------------------------------------------------------------


# The project's reference endpoint names its refusals; those a field device meets get words of their own.
_OWN_ENDPOINT_REFUSALS = {
    (403, "device_revoked"): "Endpoint.device_revoked",
    (403, "key_not_allowed"): "Endpoint.key_not_allowed",
}


def _endpoint(ctx: _Ctx) -> str:
    status = ctx.status or 0
    message, doc = endpoint_message(ctx.body)
    if message:
        ctx.facts["endpoint_message"] = _short(message)
    if status:
        ctx.facts["endpoint_status"] = str(status)
    m = message.lower()
    # API Gateway names the error class in a header; saved `curl -i` output keeps it.
    error_type = ctx.headers.get("x-amzn-errortype", "").lower()
    if status in (407, 511) or ctx.kind == "html" or ctx.failure.code == fc.ENDPOINT_HTML:
        return _non_s3(ctx)
    own = _OWN_ENDPOINT_REFUSALS.get((status, str(doc.get("error") or "")))
    if own:
        return own
    if status == 403 and ("missing authentication token" in m or error_type.startswith("missingauthenticationtoken")):
        return "Endpoint.wrong_path"
    if status == 403 and (m.strip(" .") == "forbidden" or error_type.startswith("forbiddenexception")):
        return "Endpoint.api_key"
    if status == 403:
        return "Endpoint.not_authorized"
    if status == 401:
        return "Endpoint.unauthorized"
    if status == 429 or "limit exceeded" in m or "too many requests" in m:
        return "Endpoint.throttled"
    if status == 502:
        return "Endpoint.function_crashed"
    if status == 504:
        return "Endpoint.timeout"
    if status == 503:
        return "Endpoint.unavailable"
    if status >= 500:
        return "Endpoint.server_error"
    if status == 404:
        return "Endpoint.not_found"
    if status == 405:
        return "Endpoint.method_not_allowed"
    if 400 <= status < 500:
        if not message and ctx.body.strip() in ("{}", "null", '""', ""):
            return "Endpoint.empty_error"
        if re.search(r"\bmissing\b.*\bparam", m) or re.search(r"\brequired\b", m):
            return "Endpoint.missing_parameter"
        if not message:
            ctx.facts["endpoint_message"] = _short(ctx.body[:200]) or ctx.catalog.word("no_message")
        return "Endpoint.rejected"
    if ctx.failure.code == fc.ENDPOINT_BAD_RESPONSE or ctx.kind in ("text", "xml"):
        ctx.facts["body_excerpt"] = _short(ctx.body[:200])
        return "Endpoint.bad_response"
    if 200 <= status < 300 or ctx.kind == "json" or doc:
        return "Endpoint.no_url"
    return "Endpoint.bad_response"


# --- Network failures --------------------------------------------------------------------------------------


def _network(ctx: _Ctx) -> str:
    f = ctx.failure
    msg = f.message.lower()
    info = ctx.an.info
    if f.stage == fc.STAGE_SIGN:
        ctx.facts.setdefault("endpoint_host", ctx.facts.get("host", ""))
    code = f.code
    if code == fc.ENDPOINT_UNREACHABLE and f.network_error in _NETWORK_CODES:
        code = f.network_error  # the signer knows why the endpoint could not be reached
    if code in (fc.PROXY_UNREACHABLE, fc.PROXY_AUTH):
        named = re.search(r"\bthe proxy (\S+:\d+)", f.message, re.IGNORECASE)  # see core/http.py
        if named:
            ctx.facts["proxy"] = named.group(1)
        return "Network.proxy_auth" if code == fc.PROXY_AUTH else "Network.proxy_unreachable"
    if code == fc.DNS_FAILURE:
        return "Network.dns"
    if code == fc.CONNECTION_REFUSED:
        return "Network.refused"
    if code == fc.CONNECTION_RESET:
        return "Network.reset"
    if code == fc.TIMEOUT:
        return "Network.connect_timeout" if "connect" in msg else "Network.timeout"
    if code == fc.TLS_ERROR:
        if info is not None and info.is_aws_host and info.style == "virtual" and "." in (info.bucket or ""):
            ctx.facts["bucket"] = info.bucket or ""
            return "Network.tls_bucket_dots"
        if re.search(r"self[- ]signed certificate in certificate chain|unable to get local issuer", msg):
            return "Network.tls_intercepted"
        if "expired" in msg or "not yet valid" in msg:
            return "Network.tls_clock" if ctx.an.find("Clock.skew") or "not yet valid" in msg else "Network.tls"
        return "Network.tls"
    if code == fc.ENDPOINT_UNREACHABLE:
        return "Network.unreachable"
    return "Network.error"
