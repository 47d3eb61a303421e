"""Read what a presigned link says about itself: who signed it, when, for how long, for what.

A SigV4 query link carries its own date (X-Amz-Date), lifetime (X-Amz-Expires), credential scope (access key,
date, region, service) and the names of the headers that were signed (X-Amz-SignedHeaders). A SigV2 link
carries AWSAccessKeyId, Signature and an absolute Expires. That is most of what S3 will check, so most of what
S3 can refuse is visible here before a byte is sent.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import parse_qsl, unquote, urlsplit

from desktop_uploader.core.scrub import scrub_url

MAX_PRESIGN_SECONDS = 604800  # SigV4 query links live at most 7 days
SIGV4_ALGORITHM = "AWS4-HMAC-SHA256"

# The checksum of zero bytes for every algorithm S3 accepts. A link that carries one of these for a non-empty
# body was signed before the body was known (SDKs that compute a default checksum at presign time do this).
EMPTY_CHECKSUMS: dict[str, str] = {
    "crc32": "AAAAAA==",
    "crc32c": "AAAAAA==",
    "crc64nvme": "AAAAAAAAAAA=",
    "sha1": "2jmj7l5rSw0yVzCYTNRaCOKNCKsk=",
    "sha256": "47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=",
    "content-md5": "1B2M2Y8AsgTpgAmY7PhCfg==",
}
EMPTY_SHA256_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

_REGION = r"[a-z]{2}(?:-[a-z]+)+-\d+"
# bucket.s3.amazonaws.com, bucket.s3.eu-west-1.amazonaws.com, bucket.s3-eu-west-1.amazonaws.com,
# bucket.s3.dualstack.eu-west-1.amazonaws.com, bucket.s3-accelerate.amazonaws.com, *.amazonaws.com.cn
_AWS_VIRTUAL_RE = re.compile(
    rf"^(?P<bucket>.+?)\.s3(?:[.-](?:dualstack\.)?(?P<region>{_REGION}|external-1|accelerate))?"
    rf"(?:\.dualstack)?\.amazonaws\.com(?:\.cn)?$"
)
_AWS_PATH_RE = re.compile(
    rf"^s3(?:[.-](?:dualstack\.)?(?P<region>{_REGION}|external-1))?\.amazonaws\.com(?:\.cn)?$"
)
# X-Amz-Date is always ISO 8601 basic format in UTC, 20261206T072300Z. Checked by shape and read by
# datetime.fromisoformat: strptime would load its locale machinery (about 15 ms) on a link's first parse.
_AMZ_DATE_RE = re.compile(r"\d{8}T\d{6}Z", re.ASCII)


def host_of(url: str) -> str:
    """The host name of *url*, or "" when it has none or is malformed."""
    try:
        return urlsplit(url.strip()).hostname or ""
    except ValueError:
        return ""


def parse_amz_date(value: str) -> datetime | None:
    value = value.strip()
    if not _AMZ_DATE_RE.fullmatch(value):
        return None
    try:
        return datetime.fromisoformat(value).astimezone(UTC)
    except ValueError:  # the right shape, but no such day or time (month 13, hour 25)
        return None


def aws_host_info(host: str) -> tuple[bool, str | None, str | None]:
    """(is an AWS S3 host, bucket if virtual-hosted, region if the host names one)."""
    host = host.lower()
    m = _AWS_VIRTUAL_RE.match(host)
    if m:
        region = m.group("region")
        return True, m.group("bucket"), _normal_region(region)
    m = _AWS_PATH_RE.match(host)
    if m:
        return True, None, _normal_region(m.group("region"))
    return False, None, None


def _normal_region(region: str | None) -> str | None:
    if region in (None, "accelerate"):
        return None
    if region == "external-1":
        return "us-east-1"
    return region


@dataclass(frozen=True)
class PostPolicy:
    """The parts of a presigned POST policy the app can check before sending."""

    expiration: datetime | None = None
    min_size: int | None = None
    max_size: int | None = None
    key_equals: str | None = None
    key_prefix: str | None = None


@dataclass(frozen=True)
class LinkInfo:
    """Everything a presigned link reveals. ``url`` is the redacted link; secrets never live here."""

    url: str
    scheme: str = ""
    host: str = ""
    path: str = ""
    version: str = "none"  # "v4", "v2", "post" (presigned POST form), "none" (no signature found)
    algorithm: str | None = None
    access_key: str | None = None
    scope_date: str | None = None
    region: str | None = None  # from the credential scope
    service: str | None = None
    signed_at: datetime | None = None
    expires_seconds: int | None = None
    expires_at: datetime | None = None
    signed_headers: tuple[str, ...] = ()
    has_security_token: bool = False
    # x-amz-* and other non-auth parameters (lower-case names): hoisted headers, uploadId, partNumber...
    params: dict[str, str] = field(default_factory=dict)
    is_aws_host: bool = False
    host_region: str | None = None
    bucket: str | None = None  # best guess from host or path
    key: str | None = None
    style: str = "unknown"  # "virtual", "path", "unknown"
    upload_id: str | None = None
    part_number: str | None = None
    post_policy: PostPolicy | None = None
    problems: tuple[str, ...] = ()  # malformed parameters, in plain technical words

    @property
    def is_signed(self) -> bool:
        return self.version != "none"

    @property
    def is_temporary_key(self) -> bool:
        return bool(self.access_key and self.access_key.upper().startswith("ASIA"))

    @property
    def operation(self) -> str:
        """What kind of request the query implies: "part", "create", "complete", "post" or "object"."""
        if self.version == "post":
            return "post"
        if "uploads" in self.params:
            return "create"
        if self.upload_id and self.part_number:
            return "part"
        if self.upload_id:
            return "complete"
        return "object"

    @property
    def expires_epoch(self) -> float | None:
        return self.expires_at.timestamp() if self.expires_at is not None else None

    def targets_key(self, key: str) -> bool:
        """True if the link is for *key*: path '/KEY' (virtual host) or '/BUCKET/KEY' (path style)."""
        return _path_targets_key(self.path, key)

    def implied_method(self) -> str | None:
        """The HTTP method the query itself pins down, when it does."""
        return {"part": "PUT", "create": "POST", "post": "POST"}.get(self.operation)

    def checksums(self) -> dict[str, str]:
        """Checksum values carried in the query (hoisted x-amz-checksum-* and Content-MD5)."""
        out = {}
        for name, value in self.params.items():
            if name.startswith("x-amz-checksum-") and name != "x-amz-checksum-type":
                out[name[len("x-amz-checksum-") :]] = value
            elif name == "content-md5":
                out["content-md5"] = value
        return out


_AUTH_PARAMS = frozenset(
    {
        "x-amz-algorithm",
        "x-amz-credential",
        "x-amz-date",
        "x-amz-expires",
        "x-amz-signedheaders",
        "x-amz-signature",
        "x-amz-security-token",
        "awsaccesskeyid",
        "signature",
        "expires",
    }
)


def _lower_query(query: str) -> dict[str, str]:
    """A query's parameters by lower-case name; the first of repeated names wins."""
    lower: dict[str, str] = {}
    for k, v in parse_qsl(query, keep_blank_values=True):
        lower.setdefault(k.lower(), v)
    return lower


def _path_targets_key(path: str, key: str) -> bool:
    path = unquote(path)
    if path == "/" + key:
        return True
    parts = path.split("/", 2)
    return len(parts) == 3 and bool(parts[1]) and parts[2] == key


@dataclass(frozen=True)
class SigningFacts:
    """What taking and sending a link needs to know of it: the scheme, the headers its signature covers,
    which object it is for and until when it works."""

    version: str  # "v4", or "other" (SigV2, or no query signature)
    signed_headers: tuple[str, ...]
    params: dict[str, str]  # the link's own query parameters by lower-case name, signature parameters left out
    path: str = "/"
    expires_epoch: float | None = None  # as parse_link() reads it; None when the link does not say

    def targets_key(self, key: str) -> bool:
        """True if the link is for *key*: path '/KEY' (virtual host) or '/BUCKET/KEY' (path style)."""
        return _path_targets_key(self.path, key)


def signing_facts(url: str) -> SigningFacts:
    """The part of parse_link() that signing and sending need, without the diagnosis: cheap enough for each
    file (a tenth of parse_link's cost, most of which is making a copy of the link fit to show)."""
    parts = urlsplit(url.strip())
    lower = _lower_query(parts.query)
    params = {k: v for k, v in lower.items() if k not in _AUTH_PARAMS and k != "policy"}
    path = parts.path or "/"
    if "x-amz-credential" not in lower:
        v2_expiry = _sigv2_expiry(lower) if "awsaccesskeyid" in lower and "signature" in lower else None
        return SigningFacts("other", (), params, path, v2_expiry.timestamp() if v2_expiry else None)
    signed = lower.get("x-amz-signedheaders", "")
    signed_at = parse_amz_date(lower.get("x-amz-date", ""))
    lifetime = lower.get("x-amz-expires", "")
    expires = None
    if signed_at is not None and lifetime:
        with contextlib.suppress(ValueError):
            expires = signed_at.timestamp() + int(lifetime)
    return SigningFacts("v4", tuple(h.strip().lower() for h in signed.split(";") if h.strip()), params, path,
                        expires)


def parse_link(url: str, fields: dict[str, str] | None = None) -> LinkInfo:
    """Parse a presigned link (SigV4 or SigV2 query, or a presigned POST with its form ``fields``)."""
    safe_url = scrub_url(url)
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return LinkInfo(url=safe_url, problems=("the link is not a valid web address",))
    if not parts.scheme or not parts.hostname:
        return LinkInfo(url=safe_url, problems=("the link has no scheme or host",))

    lower = _lower_query(parts.query)
    if fields:
        for k, v in fields.items():
            lower.setdefault(k.lower(), v)

    problems: list[str] = []
    host = parts.hostname.lower()
    is_aws, host_bucket, host_region = aws_host_info(host)
    path = parts.path or "/"
    bucket, key, style = _bucket_and_key(path, host_bucket, is_aws)

    algorithm = lower.get("x-amz-algorithm")
    auth = _read_auth(lower, algorithm, post=fields is not None, problems=problems)
    if auth.version == "post" and "key" in lower:
        key = lower["key"]
    version, signed_headers = auth.version, auth.signed_headers

    params = {k: v for k, v in lower.items() if k not in _AUTH_PARAMS and k != "policy"}
    has_token = "x-amz-security-token" in lower or "x-amz-security-token" in signed_headers
    return LinkInfo(
        url=safe_url,
        scheme=parts.scheme.lower(),
        host=host,
        path=path,
        version=version,
        algorithm=algorithm,
        access_key=auth.access_key,
        scope_date=auth.scope_date,
        region=auth.region,
        service=auth.service,
        signed_at=auth.signed_at,
        expires_seconds=auth.expires_seconds,
        expires_at=auth.expires_at,
        signed_headers=signed_headers,
        has_security_token=has_token,
        params=params,
        is_aws_host=is_aws,
        host_region=host_region,
        bucket=bucket,
        key=key,
        style=style,
        upload_id=lower.get("uploadid"),
        part_number=lower.get("partnumber"),
        post_policy=auth.post_policy,
        problems=tuple(problems),
    )


@dataclass
class _Auth:
    """What a link's query (or form) says about its signature."""

    version: str = "none"
    access_key: str | None = None
    scope_date: str | None = None
    region: str | None = None
    service: str | None = None
    signed_at: datetime | None = None
    expires_seconds: int | None = None
    expires_at: datetime | None = None
    signed_headers: tuple[str, ...] = ()
    post_policy: PostPolicy | None = None


def _read_auth(lower: dict[str, str], algorithm: str | None, *, post: bool, problems: list[str]) -> _Auth:
    auth = _Auth()
    if post:
        auth.version = "post"
        auth.post_policy = _parse_policy(lower.get("policy"))
        if auth.post_policy and auth.post_policy.expiration:
            auth.expires_at = auth.post_policy.expiration
    if "x-amz-credential" in lower:
        _read_sigv4(auth, lower, algorithm, problems)
    elif "awsaccesskeyid" in lower and "signature" in lower and auth.version == "none":
        auth.version = "v2"
        auth.access_key = lower["awsaccesskeyid"]
        auth.expires_at = _sigv2_expiry(lower)
        if auth.expires_at is None:
            problems.append("Expires is missing or not a Unix time")
    return auth


def _sigv2_expiry(lower: dict[str, str]) -> datetime | None:
    """A SigV2 link's Expires, an absolute Unix time; None when missing or not one."""
    try:
        return datetime.fromtimestamp(int(lower["expires"]), UTC)
    except (KeyError, ValueError, OverflowError, OSError):
        return None


def _read_sigv4(auth: _Auth, lower: dict[str, str], algorithm: str | None, problems: list[str]) -> None:
    auth.version = "v4" if auth.version == "none" else auth.version
    cred = lower["x-amz-credential"].split("/")
    if len(cred) >= 5 and cred[-1] == "aws4_request":
        auth.access_key, auth.scope_date, auth.region, auth.service = cred[0], cred[1], cred[2], cred[3]
    else:
        auth.access_key = cred[0] or None
        problems.append("X-Amz-Credential is not access-key/date/region/service/aws4_request")
    if algorithm and algorithm != SIGV4_ALGORITHM:
        problems.append(f"X-Amz-Algorithm is {algorithm}, expected {SIGV4_ALGORITHM}")
    if "x-amz-date" in lower:
        auth.signed_at = parse_amz_date(lower["x-amz-date"])
        if auth.signed_at is None:
            problems.append("X-Amz-Date is not in the form YYYYMMDDTHHMMSSZ")
        elif auth.scope_date and auth.signed_at.strftime("%Y%m%d") != auth.scope_date:
            problems.append("the date in X-Amz-Credential differs from X-Amz-Date")
    elif auth.version == "v4":
        problems.append("X-Amz-Date is missing")
    if "x-amz-expires" in lower:
        try:
            auth.expires_seconds = int(lower["x-amz-expires"])
        except ValueError:
            problems.append("X-Amz-Expires is not a whole number of seconds")
    if auth.signed_at is not None and auth.expires_seconds is not None and auth.version == "v4":
        auth.expires_at = datetime.fromtimestamp(auth.signed_at.timestamp() + auth.expires_seconds, UTC)
    signed = lower.get("x-amz-signedheaders", "")
    auth.signed_headers = tuple(h.strip().lower() for h in signed.split(";") if h.strip())
    if auth.version == "v4" and "x-amz-signature" not in lower:
        problems.append("X-Amz-Signature is missing")


def _bucket_and_key(path: str, host_bucket: str | None, is_aws: bool) -> tuple[str | None, str | None, str]:
    raw = path.lstrip("/")
    if host_bucket:
        return host_bucket, unquote(raw) or None, "virtual"
    # Outside AWS the host may still be bucket.endpoint; callers that know the bucket re-check with
    # ``bucket_and_key_for``. Path style is the common case for S3-compatible servers.
    first, _, rest = raw.partition("/")
    if not first:
        return None, None, "path" if is_aws else "unknown"
    return unquote(first), unquote(rest) or None, "path"


def bucket_and_key_for(info: LinkInfo, bucket: str | None) -> tuple[str | None, str | None]:
    """Bucket and key of the link, resolving virtual-hosted style on non-AWS hosts when the bucket is known."""
    if bucket and info.style != "virtual" and info.host.startswith(bucket.lower() + "."):
        first_segment = info.path.lstrip("/").partition("/")[0]
        if unquote(first_segment) != bucket:
            return bucket, unquote(info.path.lstrip("/")) or None
    return info.bucket, info.key


def _parse_policy(policy_b64: str | None) -> PostPolicy | None:
    if not policy_b64:
        return None
    try:
        doc = json.loads(base64.b64decode(policy_b64, validate=False))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(doc, dict):
        return None
    expiration = None
    if isinstance(doc.get("expiration"), str):
        try:
            expiration = datetime.fromisoformat(doc["expiration"].replace("Z", "+00:00"))
        except ValueError:
            expiration = None
    min_size = max_size = None
    key_eq = key_prefix = None
    for cond in doc.get("conditions") or []:
        if isinstance(cond, list) and len(cond) == 3:
            op = str(cond[0]).lower()
            if op == "content-length-range":
                with contextlib.suppress(TypeError, ValueError):
                    min_size, max_size = int(cond[1]), int(cond[2])
            elif str(cond[1]).lower() == "$key":
                if op == "eq":
                    key_eq = str(cond[2])
                elif op == "starts-with":
                    key_prefix = str(cond[2])
        elif isinstance(cond, dict) and "key" in cond:
            key_eq = str(cond["key"])
    return PostPolicy(expiration, min_size, max_size, key_eq, key_prefix)


_SECRET_PARAMS = frozenset(
    {"x-amz-signature", "x-amz-security-token", "signature", "policy", "x-amz-credential-secret"}
)


def link_secrets(url: str, fields: dict[str, str] | None = None) -> tuple[str, ...]:
    """The literal credential values carried by a link, so any later text can be scrubbed of them."""
    out: list[str] = []
    try:
        query = urlsplit(url).query
    except ValueError:
        query = ""
    pairs = parse_qsl(query, keep_blank_values=True) + list((fields or {}).items())
    for k, v in pairs:
        if k.lower() in _SECRET_PARAMS and v and v != "REDACTED":
            out.append(v)
    return tuple(out)
