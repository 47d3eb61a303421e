"""What a CDN, a proxy, a gateway or a web server refused, when one of them answered instead of the storage.

The storage explains itself in an S3 error document; the machines in front of it answer with a status, a
default error page and little else. The status and a few well-known sentences of those pages say what was
refused: the method (a CDN that only serves downloads), the size (a proxy's body limit), the caller (a
firewall rule), or the storage behind them being unreachable. The entry id is ``<Kind>.<refusal>``.
"""

from __future__ import annotations

from desktop_uploader.core.explain.responders import (
    API_GATEWAY,
    CAPTIVE_PORTAL,
    CDN,
    FORWARD_PROXY,
    PROXY,
    WEB_SERVER,
    Responder,
)

_PREFIX = {CDN: "CDN", PROXY: "Proxy", API_GATEWAY: "APIGateway", WEB_SERVER: "WebServer"}
# Status -> what was refused. 52x and 530 are Cloudflare's "the origin did not answer properly".
_REFUSAL = {
    405: "method", 501: "method", 413: "too_large", 401: "forbidden", 403: "forbidden", 404: "not_found",
    408: "timeout", 502: "gateway", 503: "gateway", 504: "gateway", 520: "gateway", 521: "gateway",
    522: "gateway", 523: "gateway", 524: "gateway", 525: "gateway", 526: "gateway", 530: "gateway",
}
# Sentences of default error pages that name the refusal better than their status does.
_METHOD_WORDS = ("not configured to allow the http request method", "method not allowed", "not allowed")
_SIZE_WORDS = ("request entity too large", "payload too large", "request too long", "too large")
_NO_ROUTE_WORDS = ("missing authentication token",)


def refusal(status: int | None, text: str) -> str:
    """What the answer refused: "method", "too_large", "forbidden", "not_found", "timeout", "gateway"
    or "other"."""
    low = text.lower()
    if status in (403, 405) and any(w in low for w in _METHOD_WORDS[:1]):
        return "method"  # CloudFront answers 403 to methods a distribution does not allow
    if status in (400, 403) and any(w in low for w in _SIZE_WORDS[:3]):
        return "too_large"
    if status == 403 and any(w in low for w in _NO_ROUTE_WORDS):
        return "not_found"  # API Gateway's answer for a path or method it has no route for
    return _REFUSAL.get(status or 0, "other")


def intermediary_entry(responder: Responder, status: int | None, text: str) -> str | None:
    """The catalog entry for an answer written by something in front of the storage, or None when the
    answer is the storage's own (or nothing is known about who wrote it)."""
    if responder.kind == CAPTIVE_PORTAL:
        return "Network.captive_portal"
    if responder.kind == FORWARD_PROXY:
        return {407: "Network.proxy_auth", 413: "Network.proxy_too_large", 403: "Network.block_page"}.get(
            status or 0, "Network.proxy_other")
    prefix = _PREFIX.get(responder.kind)
    if prefix is None:
        return None
    what = refusal(status, text)
    if responder.kind == CDN and what == "not_found":
        what = "other"
    if responder.kind == WEB_SERVER and what not in ("method", "too_large"):
        what = "other"
    if responder.kind == API_GATEWAY and what in ("method", "timeout"):
        what = "not_found" if what == "method" else "gateway"
    return f"{prefix}.{what}"
