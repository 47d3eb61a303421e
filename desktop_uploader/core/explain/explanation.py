"""``explain()``: from a structured Failure (and the link it used) to a plain-language Explanation."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from desktop_uploader.core.explain.catalog import Catalog, load_catalog
from desktop_uploader.core.explain.classify import FALLBACK_ANY, FALLBACK_S3, classify
from desktop_uploader.core.explain.findings import Analysis, analyse
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import LinkInfo, host_of
from desktop_uploader.core.protocol.responses import body_kind
from desktop_uploader.core.scrub import scrub_headers, scrub_obj, scrub_text, scrub_url

# Elements of S3's error body that only add noise (or encode secrets) in a report.
_DROP_S3_FIELDS = frozenset({"StringToSignBytes", "CanonicalRequestBytes"})
_BODY_EXCERPT = 1500


@dataclass
class Explanation:
    """What went wrong, for the field worker (``summary``) and for the admin (the rest)."""

    code: str  # catalog entry id, e.g. "SignatureDoesNotMatch.content_type"
    summary: str
    cause: str
    action: str
    admin_action: str
    retryable: bool
    fixed_by: str = ""  # who can remove the cause: one of catalog.FIXERS
    retrying: str = ""  # what the app does by itself meanwhile; only for failures it still retries
    details: dict[str, Any] = field(default_factory=dict)
    # Literal secrets seen in the link; used by report() for a last redaction pass, never serialised.
    secrets: tuple[str, ...] = field(default=(), repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "summary": self.summary,
            "cause": self.cause,
            "action": self.action,
            "admin_action": self.admin_action,
            "retryable": self.retryable,
            "fixed_by": self.fixed_by,
            "retrying": self.retrying,
            "details": scrub_obj(self.details, self.secrets),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        return cls(
            code=str(data.get("code", FALLBACK_ANY)),
            summary=str(data.get("summary", "")),
            cause=str(data.get("cause", "")),
            action=str(data.get("action", "")),
            admin_action=str(data.get("admin_action", "")),
            retryable=bool(data.get("retryable", False)),
            fixed_by=str(data.get("fixed_by", "")),
            retrying=str(data.get("retrying", "")),
            details=dict(data.get("details") or {}),
        )


def explain(failure: Failure, *, link: SignedRequest | None = None, locale: str | None = None) -> Explanation:
    """Explain *failure* in *locale* (by default the user interface's language). Never raises for odd
    evidence: the worst case is an honest generic explanation."""
    catalog = load_catalog(locale)
    diagnosis_error = None
    try:
        an = analyse(failure, link, catalog)
        entry_id, extra, used, responder = classify(failure, an, catalog)
    except Exception as exc:  # a diagnosis bug must not hide the failure itself
        diagnosis_error = f"{type(exc).__name__}: {scrub_text(str(exc))}"
        an = Analysis(info=None, findings=[], facts={}, hints={}, s3=dict(failure.s3_error))
        entry_id, used, responder = (FALLBACK_S3 if an.s3.get("Code") else FALLBACK_ANY), set(), None
        extra = {
            "failure_code": failure.code,
            "error_detail": scrub_text(failure.message),
            "s3_code": an.s3.get("Code", ""),
            "s3_message": scrub_text(an.s3.get("Message", "")),
            "status": str(failure.http_status or ""),
        }
    secrets = an.secrets
    facts = {k: scrub_text(v, secrets) for k, v in {**an.facts, **extra}.items()}
    texts = {k: scrub_text(v, secrets) for k, v in catalog.render(entry_id, facts).items()}
    entry = catalog.get(entry_id)
    retryable = entry.retryable
    status = failure.http_status or (failure.response.status if failure.response else None)
    if entry_id in (FALLBACK_S3, "Status.other") and status is not None:
        # The catalog cannot know an unknown code's nature; the status class is the best guide.
        retryable = status >= 500 or status in (408, 429)

    details = _details(failure, an, facts, catalog, entry_id, used)
    if responder is not None:
        details["responder"] = responder.to_dict()
    if diagnosis_error:
        details["diagnosis_error"] = diagnosis_error
    return Explanation(
        code=entry_id,
        retryable=retryable,
        fixed_by=entry.fixed_by,
        details=scrub_obj(details, secrets),
        secrets=secrets,
        **texts,
    )


def _link_details(info: LinkInfo, catalog: Catalog) -> dict[str, Any]:
    out: dict[str, Any] = {
        "url": scrub_url(info.url),
        "version": info.version,
        "host": info.host,
        "operation": info.operation,
        "bucket": info.bucket,
        "key": info.key,
        "access_key": info.access_key,
        "region": info.region,
        "signed_headers": list(info.signed_headers),
        "has_security_token": info.has_security_token,
    }
    if info.signed_at:
        out["signed_at"] = catalog.time(info.signed_at)
    if info.expires_seconds is not None:
        out["expires_seconds"] = info.expires_seconds
    if info.expires_at:
        out["expires_at"] = catalog.time(info.expires_at)
    if info.upload_id:
        out["upload_id"] = info.upload_id
    if info.part_number:
        out["part_number"] = info.part_number
    if info.problems:
        out["problems"] = list(info.problems)
    return {k: v for k, v in out.items() if v not in (None, "", [])}


def _details(
    failure: Failure, an: Analysis, facts: dict[str, str], catalog: Catalog, entry_id: str, used: set[str]
) -> dict[str, Any]:
    d: dict[str, Any] = {
        "locale": catalog.locale,
        "failure_code": failure.code,
        "stage": failure.stage,
        "message": failure.message,
    }
    status = failure.http_status or (failure.response.status if failure.response else None)
    if status is not None:
        d["status"] = status
    if failure.signer:
        d["signer"] = failure.signer
    if an.s3:
        d["s3_error"] = {
            k: v for k, v in an.s3.items() if k not in _DROP_S3_FIELDS
        }
        if "Code" in an.s3:
            d["s3_code"] = an.s3["Code"]
            d["s3_message"] = an.s3.get("Message", "")
    request_id = failure.request_id or an.s3.get("RequestId")
    if request_id:
        d["request_id"] = request_id
    if an.s3.get("HostId"):
        d["host_id"] = an.s3["HostId"]
    if failure.request is not None:
        d["request"] = {
            "method": failure.request.method,
            "url": scrub_url(failure.request.url),
            "host": host_of(failure.request.url),
            "headers": scrub_headers(failure.request.headers),
            "bytes_sent": failure.request.bytes_sent,
        }
    if failure.response is not None:
        body = failure.response.body or ""
        d["response"] = {
            "status": failure.response.status,
            "headers": scrub_headers(failure.response.headers),
            "body_kind": body_kind(body, failure.response.headers.get("Content-Type")),
            "body_excerpt": scrub_text(body[:_BODY_EXCERPT]),
        }
    if an.info is not None:
        d["link"] = _link_details(an.info, catalog)
    if failure.file_size is not None:
        d["file_size"] = failure.file_size
    if failure.asked:
        d["asked"] = dict(failure.asked)
    for name in ("server_time", "local_time", "skew"):
        if name in facts:
            d[name] = facts[name]
    if failure.retry_after is not None:
        d["retry_after"] = failure.retry_after
    # "explained": the finding is what the explanation itself says; the others are further problems.
    d["findings"] = [{**f.to_dict(), "explained": f.code in used or f.code == entry_id} for f in an.findings]
    d["facts"] = dict(facts)
    d["entry"] = entry_id
    return d
