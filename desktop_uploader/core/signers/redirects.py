"""Which redirects a call to a signing service may follow.

A signing call carries the profile's secret headers (API keys, tokens). HTTP clients drop only
``Authorization`` when a redirect leads to another host, so a redirect is followed here only within the
same origin (scheme, host and port); to another origin only when the call carries no secret and the link
stays encrypted. Anything else is refused with a sentence that names where the service pointed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import urljoin, urlsplit

import requests

from desktop_uploader.core.config import is_loopback_host

if TYPE_CHECKING:
    from desktop_uploader.core.signers.calls import Answer

MAX_REDIRECTS = 5
_DEFAULT_PORTS = {"http": 80, "https": 443}


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port or _DEFAULT_PORTS.get(parts.scheme)


def target_of(response: Answer, current: str) -> str:
    return urljoin(current, response.headers.get("Location", ""))


def refusal(current: str, target: str, *, carries_secrets: bool, allow_insecure_http: bool) -> str | None:
    """Why the redirect from ``current`` to ``target`` is not followed, or None when it may be."""
    scheme, host, _ = _origin(target)
    where = f"{scheme}://{urlsplit(target).netloc}"
    if scheme not in ("http", "https") or not host:
        return f"The signing service redirected the app to something that is not a web address ({where})."
    if _origin(current) == _origin(target):
        return None
    if _origin(current)[0] == "https" and scheme == "http":
        return (f"The signing service redirected the app from an encrypted address to an unencrypted one ({where}); "
                "the app does not follow it. Put the right https address in the profile.")
    if scheme == "http" and not is_loopback_host(host) and not allow_insecure_http:
        return (f"The signing service redirected the app to an unencrypted address on another computer ({where}); "
                "the app does not follow it.")
    if carries_secrets:
        return (f"The signing service redirected the app to another address ({where}); the app does not take the "
                "profile's secret headers there. If that address is right, put it in the profile.")
    return None


def redirected(prepared: requests.PreparedRequest, target: str, status: int) -> requests.PreparedRequest:
    """The request to send next: 307 and 308 repeat it as it was; 301, 302 and 303 turn a POST into a GET
    without a body, as browsers do."""
    following = prepared.copy()
    if (status == 303 and following.method != "HEAD") or (status in (301, 302) and following.method == "POST"):
        following.method = "GET"
        following.body = None
        for name in ("Content-Length", "Content-Type", "Transfer-Encoding"):
            following.headers.pop(name, None)
    following.prepare_url(target, None)
    return following
