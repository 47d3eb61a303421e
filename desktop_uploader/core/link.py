"""What a presigned link says about itself: signature version, signed headers, lifetime, scope."""

from __future__ import annotations

import calendar
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, unquote, urlsplit


@dataclass(frozen=True)
class LinkInfo:
    scheme: str
    host: str
    path: str  # decoded
    query: dict[str, str] = field(default_factory=dict)  # as received, original case
    version: str = ""  # "v4", "v2" or "" (not a recognisable presigned link)
    signed_headers: tuple[str, ...] = ()
    access_key: str = ""
    scope_date: str = ""
    region: str = ""
    service: str = ""
    signed_at: float | None = None
    lifetime: int | None = None
    expires_at: float | None = None

    def query_lower(self) -> dict[str, str]:
        return {k.lower(): v for k, v in self.query.items()}

    def has_security_token(self) -> bool:
        return "x-amz-security-token" in self.query_lower()

    def targets_key(self, key: str) -> bool:
        """True if the link's path ends with *key* (path-style '/bucket/key' or virtual-host '/key')."""
        if self.path == "/" + key:
            return True
        parts = self.path.split("/", 2)
        return len(parts) == 3 and bool(parts[1]) and parts[2] == key


def _parse_amz_date(value: str) -> float | None:
    try:
        return float(calendar.timegm(time.strptime(value, "%Y%m%dT%H%M%SZ")))
    except (ValueError, OverflowError):
        return None


def parse_link(url: str) -> LinkInfo:
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    lower = {k.lower(): v for k, v in query.items()}
    scheme, host, path = parts.scheme.lower(), (parts.hostname or "").lower(), unquote(parts.path)
    if lower.get("x-amz-algorithm") == "AWS4-HMAC-SHA256" or "x-amz-signedheaders" in lower:
        credential = lower.get("x-amz-credential", "").split("/")
        signed_at = _parse_amz_date(lower.get("x-amz-date", ""))
        try:
            lifetime: int | None = int(lower.get("x-amz-expires", ""))
        except ValueError:
            lifetime = None
        expires_at = signed_at + lifetime if signed_at is not None and lifetime is not None else None
        return LinkInfo(
            scheme, host, path, query,
            version="v4",
            signed_headers=tuple(h for h in lower.get("x-amz-signedheaders", "").lower().split(";") if h),
            access_key=credential[0] if credential else "",
            scope_date=credential[1] if len(credential) > 1 else "",
            region=credential[2] if len(credential) > 2 else "",
            service=credential[3] if len(credential) > 3 else "",
            signed_at=signed_at,
            lifetime=lifetime,
            expires_at=expires_at,
        )
    if "awsaccesskeyid" in lower and "signature" in lower:
        try:
            expires_v2: float | None = float(lower.get("expires", ""))
        except ValueError:
            expires_v2 = None
        return LinkInfo(scheme, host, path, query, version="v2", access_key=lower["awsaccesskeyid"],
                        expires_at=expires_v2)
    return LinkInfo(scheme, host, path, query)
