"""Where S3-compatible servers say things differently from Amazon S3.

MinIO has codes of its own (``XMinio*``, 507 when its drives are full); Backblaze B2 and Cloudflare R2 refuse
headers they do not support and have limits AWS does not (R2 wants equal part sizes); Google Cloud Storage's
XML API says ``ExpiredToken`` for an expired link, where AWS means an expired session token; gateways refuse
query-string signatures. Each rule maps a code (and words of the message) to a catalog entry; the rules of
``classify`` handle everything that is said as AWS says it.
"""

from __future__ import annotations

import re

# Codes that mean the same as an AWS entry, or have one of their own.
CODE_ENTRIES: dict[str, str] = {
    "XMinioStorageFull": "MinIO.storage_full",
    "XMinioAdminBucketQuotaExceeded": "MinIO.quota",
    "XMinioReadQuorum": "MinIO.unavailable",
    "XMinioWriteQuorum": "MinIO.unavailable",
    "XMinioServerNotInitialized": "MinIO.unavailable",
    "XMinioBackendDown": "MinIO.unavailable",
    "XMinioServerTimedOut": "MinIO.unavailable",
    "XMinioInvalidObjectName": "MinIO.object_name",
    "XMinioObjectExistsAsDirectory": "MinIO.object_name",
    "XMinioParentIsObject": "MinIO.object_name",
    "XMinioInvalidResourceName": "MinIO.object_name",
    "ExpiredRequest": "AccessDenied.expired",  # Cloudflare R2
    "CredentialsNotSupported": "CredentialsNotSupported",
}
# (codes, words in the message, entry); codes is a regular expression the whole code must match. First
# match wins.
MESSAGE_ENTRIES: tuple[tuple[str, str, str], ...] = (
    (r"(?!InvalidArgument$).*",
     r"v2 signature|authorization mechanism you have provided is not supported|aws4-hmac-sha256",
     "InvalidRequest.sigv4_required"),
    ("InvalidRequest", r"content-md5.*(object lock|retention)|(object lock|retention).*content-md5",
     "InvalidRequest.object_lock"),
    ("InvalidPart", r"non-trailing parts must have the same length", "R2.part_sizes"),
    (r".*", r"unsupported header '", "InvalidArgument.unsupported_header"),
    (r".*", r"storage cap exceeded|transaction cap exceeded|cap exceeded", "B2.cap_exceeded"),
    ("AccessDenied", r"^not entitled", "B2.not_entitled"),
    ("AccessDenied", r"invalid according to policy: policy expired", "AccessDenied.post_policy_expired"),
    ("AccessDenied", r"invalid according to policy", "AccessDenied.post_policy"),
    ("InvalidArgument", r"bucket post must contain a field|post requires exactly one file",
     "InvalidArgument.post_field"),
    ("PreconditionFailed", r"bucket post must be of the enclosure-type multipart/form-data",
     "PreconditionFailed.post_form"),
    (r"InvalidArgument|InvalidRequest|NotImplemented|AuthorizationQueryParametersError",
     r"x-amz-content-sha256|streaming-(unsigned-)?(aws4-hmac-sha256-)?payload", "InvalidArgument.payload_hash"),
    ("ExpiredToken", r"signature expired|request has expired", "AccessDenied.expired"),
    ("BucketAlreadyOwnedByYou", r"", "BucketAlreadyOwnedByYou.put_to_bucket"),
    ("BucketAlreadyExists", r"", "BucketAlreadyOwnedByYou.put_to_bucket"),
)
_COMPILED = tuple((re.compile(codes), re.compile(words, re.I | re.S), entry) for codes, words, entry in MESSAGE_ENTRIES)
_CONDITION_RE = re.compile(r"policy condition failed:\s*(.+)$", re.I | re.S)
_HEADER_RE = re.compile(r"unsupported header '([^']+)'", re.I)


def provider_entry(code: str, message: str, *, method: str = "") -> str | None:
    """The catalog entry for an error *code* whose meaning or wording is particular to a provider."""
    for codes, words, entry in _COMPILED:
        if not codes.fullmatch(code) or not words.search(message):
            continue
        if entry == "BucketAlreadyOwnedByYou.put_to_bucket" and method != "PUT":
            continue
        return entry
    return CODE_ENTRIES.get(code)


def message_facts(message: str) -> dict[str, str]:
    """Facts a provider's message spells out: the failed POST policy condition, the refused header."""
    facts: dict[str, str] = {}
    m = _CONDITION_RE.search(message)
    if m:
        facts["condition"] = " ".join(m.group(1).split())
    m = _HEADER_RE.search(message)
    if m:
        facts["header"] = m.group(1)
    return facts
