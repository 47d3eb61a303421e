"""A signing service's answer, read straight from requests' own connection pool where it can be.

A call to a signing service is a few hundred bytes each way, yet requests' own sending (merging settings,
hooks, cookies, building a Response) costs about a fifth of the client's CPU for it: measured, 1.0 ms per
Companion form call through requests, 0.85 ms this way. Through a service that hands out one link or form
per file (Companion's forms, a service without batches) that is paid per file. So a call goes through the
pool requests would use itself (core/http.direct_pool: same TLS settings, same connections) and its answer
is read into a :class:`DirectAnswer`. With a proxy from the environment, or a transport of the caller's
own, the call goes through requests as before; both kinds of answer look alike to the signers
(:class:`Answer`).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from typing import Any, Protocol
from urllib.parse import urlencode, urlsplit

import requests
import urllib3

from desktop_uploader.core.http import AnswerTooLarge, direct_pool

# What requests counts as a redirect (requests.sessions.REDIRECT_STATI).
_REDIRECTS = frozenset({301, 302, 303, 307, 308})


class Answer(Protocol):
    """What the signers read of an answer: a requests.Response or a DirectAnswer."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...  # case-insensitive in both

    @property
    def content(self) -> bytes: ...

    @property
    def is_redirect(self) -> bool: ...

    def close(self) -> None: ...

    def __enter__(self) -> Any: ...

    def __exit__(self, *exc: object) -> Any: ...


class DirectAnswer:
    """An answer from urllib3, its body read in full (at most a limit) before the signers look at it."""

    def __init__(self, raw: urllib3.BaseHTTPResponse) -> None:
        self._raw = raw
        self.status_code = raw.status
        self.headers: Mapping[str, str] = raw.headers
        self.content = b""
        self._read = False  # read in full: the connection is back in the pool, open, and not closed here

    @property
    def is_redirect(self) -> bool:
        return "location" in self.headers and self.status_code in _REDIRECTS

    def read(self, limit: int) -> bytes:
        """The whole body, or AnswerTooLarge beyond ``limit`` bytes (the rest is never read and the
        connection is dropped). Network errors are raised as requests raises them."""
        declared = self.headers.get("Content-Length", "")
        try:
            if declared.isdigit() and int(declared) > limit:
                raise AnswerTooLarge(limit, int(declared))
            body = b""
            while len(body) <= limit:  # to the end: the connection is reused only once nothing is left
                chunk = self._raw.read(limit + 1 - len(body))  # decoded (gzip) bytes, at most that many
                if not chunk:
                    break
                body += chunk
            if len(body) > limit:
                raise AnswerTooLarge(limit, None)
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            self.close()
            raise as_requests_error(exc) from exc
        except BaseException:
            self.close()
            raise
        self._raw.release_conn()  # read to the end: the connection goes back to the pool, open
        self._read = True
        self.content = body
        return body

    def close(self) -> None:
        """Drop the connection (a body left unread must not be taken for the next answer), and give its
        place back to the pool, as requests does."""
        self._raw.close()
        self._raw.release_conn()

    def __enter__(self) -> DirectAnswer:
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._read:
            self.close()


def prepare_call(method: str, url: str, headers: Mapping[str, str], *, params: Mapping[str, str] | None = None,
                 json_body: Any = None) -> requests.PreparedRequest:
    """A call to a signing service, prepared as ``requests.Request(...).prepare()`` prepares it, less what
    such a call never uses: requests parses and re-quotes the service's address and makes an empty cookie
    jar for every call, a fifth of the client's CPU for a call. The address is prepared once by requests
    here, and each call's query is added to it."""
    base = _prepared_url(url)
    if base is None:
        return requests.Request(method, url, headers=dict(headers), params=params, json=json_body).prepare()
    prepared = requests.PreparedRequest()
    prepared.prepare_method(method)
    prepared.url = base + ("&" if "?" in base else "?") + urlencode(params) if params else base
    prepared.prepare_headers(headers)
    prepared.prepare_body(None, None, json_body)
    return prepared


@functools.lru_cache(maxsize=32)
def _prepared_url(url: str) -> str | None:
    """``url`` as requests sends it, or None where requests would do more than add the query at its end (a
    fragment to keep last, a user name and password to send as a header)."""
    prepared = requests.PreparedRequest()
    prepared.prepare_url(url, None)
    if prepared.url is None or "#" in prepared.url or urlsplit(prepared.url).username is not None:
        return None
    return prepared.url


def send_direct(session: requests.Session, prepared: requests.PreparedRequest, *, connect_timeout: float,
                read_timeout: float) -> DirectAnswer | None:
    """Send ``prepared`` through requests' own pool for its server, without following redirects; None when
    the call must go through requests (see core/http.direct_pool). Network errors are raised as requests
    raises them."""
    url = prepared.url or ""
    pool = direct_pool(session, url)
    if pool is None:
        return None
    try:
        # The path, as requests sends it: a full URL would go out in a proxy's form of the request line.
        raw = pool.urlopen(prepared.method or "GET", prepared.path_url, body=prepared.body,
                           headers=dict(prepared.headers),
                           retries=False, redirect=False, assert_same_host=False, preload_content=False,
                           decode_content=True,
                           timeout=urllib3.Timeout(connect=connect_timeout, read=read_timeout))
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise as_requests_error(exc) from exc
    return DirectAnswer(raw)


def as_requests_error(exc: BaseException) -> requests.RequestException:
    """urllib3's exception as the one requests raises for it, so that callers catch one kind."""
    if isinstance(exc, urllib3.exceptions.SSLError):
        return requests.exceptions.SSLError(exc)
    if isinstance(exc, urllib3.exceptions.ConnectTimeoutError) and \
            not isinstance(exc, urllib3.exceptions.NewConnectionError):
        return requests.exceptions.ConnectTimeout(exc)
    if isinstance(exc, urllib3.exceptions.ReadTimeoutError):
        return requests.exceptions.ReadTimeout(exc)
    return requests.exceptions.ConnectionError(exc)
