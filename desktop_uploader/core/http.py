"""One pooled HTTP session for the engine, and the mapping of network exceptions to failure codes."""

from __future__ import annotations

import os
import ssl
import threading
import urllib.request
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, cast
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3
from urllib3.util.wait import wait_for_read

from desktop_uploader import __version__
from desktop_uploader.core import failure as f
from desktop_uploader.core.config import MAX_CONCURRENCY
from desktop_uploader.core.trust import trusted_context

if TYPE_CHECKING:
    from requests.adapters import _HostParams, _PoolKwargs  # the stubs' names for requests' two dicts

USER_AGENT = f"desktop-uploader/{__version__}"
CONNECT_TIMEOUT = 15.0
# A transfer that moves no bytes for this long - connecting, sending or waiting for the answer - is abandoned
# and tried again (EngineSettings.stall_timeout). Python's socket timeout bounds a whole sendall(), so the
# body goes out in slices of SEND_SLICE: a link that drips fewer than SEND_SLICE bytes per stall timeout
# (8.5 KiB/s by default) cannot hold a worker for ever either.
STALL_TIMEOUT = 30.0
SEND_SLICE = 256 * 1024
# The most of an answer that is read: a signing service's (a link is a few hundred bytes, a batch of a hundred
# links well under this) and an error's (S3's error documents are a few hundred bytes; the start is enough
# to explain one). A server that sends more is broken or hostile and must not fill the memory.
ANSWER_LIMIT = 1024 * 1024
ERROR_BODY_LIMIT = 64 * 1024


def make_session(pool_size: int = 16) -> requests.Session:
    session = requests.Session()
    # Retries are the engine's job (it knows about link expiry and backoff); urllib3 must not add its own.
    adapter = EngineAdapter(pool_connections=4, pool_maxsize=pool_size, max_retries=0)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = USER_AGENT
    _route(session, proxied=bool(system_proxies()))
    return session


def _route(session: requests.Session, *, proxied: bool) -> None:
    """Proxies (the environment's, or the computer's settings) and CA bundles from the environment
    (REQUESTS_CA_BUNDLE) are honoured, and verification is always on. requests re-reads them on every request,
    which costs more than the rest of a small upload; with no proxy, the bundle's name is read once instead."""
    session.trust_env = proxied
    session.verify = True if proxied else (_named_bundle() or True)


def _named_bundle() -> str | None:
    """The CA bundle the environment names for requests, which replaces this computer's authorities."""
    return os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE") or None


def refresh_route(session: requests.Session) -> bool:
    """Read the proxy settings again, after the network changed: a laptop that started the app at home is now
    on the office's network, whose only way out is its proxy (or the other way round). True when the way
    changed. A session of the caller's own making is left alone."""
    adapters = {session.get_adapter(f"{scheme}://host/") for scheme in ("https", "http")}
    if any(type(adapter) is not EngineAdapter for adapter in adapters):
        return False
    proxied = bool(system_proxies())
    if proxied == session.trust_env:
        return False
    _route(session, proxied=proxied)
    for adapter in adapters:
        cast(EngineAdapter, adapter).direct_pools.clear()
    return True


def system_proxies() -> dict[str, str]:
    """The proxies this computer names, as requests finds them: HTTPS_PROXY and the like, else Windows'
    Internet settings or macOS's network settings. An office that allows the web only through its proxy
    often sets it there alone, and a connection that tries to go round it is dropped."""
    return {scheme: url for scheme, url in urllib.request.getproxies().items() if scheme != "no" and url}


def route_notes(session: requests.Session, urls: Iterable[str]) -> list[str]:
    """How ``urls`` are reached, for an admin checking a profile on an office network: the proxy each goes
    through (host and port, never its credentials), and a CA bundle that replaces this computer's authorities."""
    notes: list[str] = []
    for url in dict.fromkeys(urls):
        proxies = requests.utils.get_environ_proxies(url) if session.trust_env else session.proxies
        proxy = requests.utils.select_proxy(url, proxies)
        if proxy:
            where = urllib3.util.parse_url(proxy if "://" in proxy else f"http://{proxy}")
            notes.append(f"Connections to {urlsplit(url).hostname} go through the proxy {where.host}:"
                         f"{where.port or (443 if where.scheme == 'https' else 80)}.")
    # A session that reads the environment on every request finds the bundle's name there, not in .verify.
    held = session.verify if isinstance(session.verify, str) else None
    bundle = _named_bundle() if session.trust_env else held
    if bundle and any(url.startswith("https://") for url in urls):
        notes.append(f"Certificates are checked against {bundle} alone (REQUESTS_CA_BUNDLE or CURL_CA_BUNDLE), "
                     "not against the authorities this computer trusts.")
    return notes


def engine_session(max_connections: int) -> requests.Session:
    """The engine's session: a connection for each file the engine may send at once (its concurrency may grow
    to MAX_CONCURRENCY) and a few for signing calls."""
    return make_session(pool_size=max(max_connections, MAX_CONCURRENCY) + 4)


def direct_pool(session: requests.Session, url: str) -> urllib3.HTTPConnectionPool | None:
    """requests' own connection pool for ``url``'s server, so that a small upload can skip requests'
    per-request work (building and merging the request, hooks, cookies): about half a millisecond of CPU,
    as much as the rest of sending 16 KiB. Only for a session made by make_session() that reads no proxy
    from the environment: then the pool, its TLS settings and the route are exactly those requests uses.
    None otherwise, and the caller goes through requests."""
    if session.trust_env or session.proxies:
        return None
    adapter = session.get_adapter(url)
    if type(adapter) is not EngineAdapter:  # a transport of its own: let it do its work
        return None
    parts = urlsplit(url)
    key = (parts.scheme, parts.netloc, repr(session.verify), repr(session.cert))
    pool = adapter.direct_pools.get(key)
    if pool is not None and pool.pool is not None:  # a pool the manager dropped is closed: ask again
        return pool
    origin = requests.PreparedRequest()
    origin.prepare(method="PUT", url=f"{parts.scheme}://{parts.netloc}/")
    found = adapter.get_connection_with_tls_context(origin, session.verify, proxies=None, cert=session.cert)
    if not isinstance(found, urllib3.HTTPConnectionPool):
        return None
    adapter.direct_pools[key] = found
    return found


class EngineAdapter(requests.adapters.HTTPAdapter):
    """requests' adapter, remembering the pools direct_pool() found: looking one up costs more than the rest
    of that call."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.direct_pools: dict[tuple[str, str, str, str], urllib3.HTTPConnectionPool] = {}
        self.ahead = ConnectionsAhead()

    def build_connection_pool_key_attributes(self, request: requests.PreparedRequest, verify: bool | str,
                                             cert: str | tuple[str, str] | None = None
                                             ) -> tuple[_HostParams, _PoolKwargs]:
        """requests' pool key, with the TLS context of core/trust.py for a verified connection: this computer's
        authorities, loaded once, instead of certifi's list read again for every new connection."""
        host_params, pool_kwargs = super().build_connection_pool_key_attributes(request, verify, cert)
        if host_params["scheme"] == "https" and verify and cert is None:
            pool_kwargs.pop("ca_certs", None)
            pool_kwargs.pop("ca_cert_dir", None)
            pool_kwargs["ssl_context"] = trusted_context(verify)
        return host_params, pool_kwargs

    def cert_verify(self, conn: Any, url: str, verify: bool | str, cert: Any) -> None:
        super().cert_verify(conn, url, verify, cert)  # type: ignore[no-untyped-call]  # untyped in the stubs
        if conn.conn_kw.get("ssl_context") is not None and verify and cert is None:
            conn.ca_certs = conn.ca_cert_dir = None  # in the pool's context already: not to be read again

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        super().init_poolmanager(*args, **kwargs)
        # A new mapping: urllib3's default one is shared by every pool manager in the process.
        self.poolmanager.pool_classes_by_scheme = {**self.poolmanager.pool_classes_by_scheme,
                                                   "https": _HTTPSConnectionPool}


class ConnectionsAhead:
    """Connections opened ahead of the requests that will use them (core/warmup.py), per origin
    (``scheme://host[:port]``). Thread-safe.

    A request that finds no idle connection opens its own, even while one is being opened ahead for it: a
    run's first signing call, made before the connection opened at its start is ready, would pay the new
    connection's round trips all over again. So a signing call first waits for one of those (wait_for_one)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._asked: dict[str, int] = {}  # connections asked for, per origin
        self._opening: dict[str, int] = {}  # being opened now
        self._ready: dict[str, int] = {}  # opened and handed to the pool
        self._claimed: dict[str, int] = {}  # of those, promised to a waiting request

    def reserve(self, origin: str, connections: int) -> int:
        """How many more to open so that ``connections`` have been asked for ``origin``."""
        with self._cond:
            more = connections - self._asked.get(origin, 0)
            if more < 1:
                return 0
            self._asked[origin] = connections
            self._opening[origin] = self._opening.get(origin, 0) + more
            return more

    def done(self, origin: str, *, ready: bool) -> None:
        """One connection asked for ``origin`` is in the pool (``ready``), or could not be opened."""
        with self._cond:
            self._opening[origin] -= 1
            if ready:
                self._ready[origin] = self._ready.get(origin, 0) + 1
            self._cond.notify_all()

    def wait_for_one(self, origin: str, timeout: float) -> None:
        """While connections to ``origin`` are being opened ahead, wait until one of them is ready for this
        request (or none is left on its way, or ``timeout``)."""
        with self._cond:
            ticket = self._claimed.get(origin, 0)
            if not self._opening.get(origin) or ticket >= self._asked.get(origin, 0):
                return  # none on its way, or each is promised to an earlier request
            self._claimed[origin] = ticket + 1
            self._cond.wait_for(lambda: self._ready.get(origin, 0) > ticket or not self._opening.get(origin),
                                timeout=timeout)


def await_connection_ahead(session: requests.Session, url: str) -> None:
    """Before a request to ``url``: wait for a connection being opened ahead to its server, if there is one
    (see ConnectionsAhead)."""
    if not url.startswith(("https://", "http://")):
        return  # requests refuses it, as it should
    adapter = session.get_adapter(url)
    if type(adapter) is EngineAdapter:
        parts = urlsplit(url)
        adapter.ahead.wait_for_one(f"{parts.scheme}://{parts.netloc}", CONNECT_TIMEOUT)


class _HTTPSConnection(urllib3.connection.HTTPSConnection):
    """urllib3's, except that an idle connection whose only unread bytes are TLS session tickets still counts
    as connected. A TLS 1.3 server sends its tickets a round trip after the handshake, and urllib3 takes an
    idle connection whose socket is readable for one the server closed: a connection opened ahead
    (core/warmup.py) would be dropped and another opened, the very wait it was opened to save."""

    @property
    def is_connected(self) -> bool:
        sock = self.sock
        if sock is None:
            return False
        if not wait_for_read(sock, timeout=0.0):
            return True
        return isinstance(sock, ssl.SSLSocket) and _only_tls_records(sock)


class _HTTPSConnectionPool(urllib3.HTTPSConnectionPool):
    ConnectionCls = _HTTPSConnection


def _only_tls_records(sock: ssl.SSLSocket) -> bool:
    """Read what is waiting on an idle TLS socket without blocking: True when it was only TLS's own records
    (tickets, key updates), which the read takes in; False for application bytes or the end of the stream."""
    timeout = sock.gettimeout()
    sock.setblocking(False)
    try:
        sock.recv(1)
        return False  # application bytes nobody asked for, or b"": closed
    except ssl.SSLWantReadError:
        return not wait_for_read(sock, timeout=0.0)
    except OSError:
        return False  # close_notify, reset
    finally:
        sock.settimeout(timeout)


class AnswerTooLarge(Exception):
    """An answer was larger than the caller is prepared to read; nothing beyond the limit was read."""

    def __init__(self, limit: int, declared: int | None) -> None:
        size = f"{declared:,} bytes" if declared is not None else f"more than {limit:,} bytes"
        super().__init__(f"The answer was {size}; at most {limit:,} bytes are read.")
        self.limit = limit
        self.declared = declared


def read_capped(response: requests.Response, limit: int, *, truncate: bool = False) -> bytes:
    """Read the body of a response sent with ``stream=True``, at most ``limit`` bytes, and keep it as the
    response's content (``response.content``, ``.json()`` then work as usual). Beyond the limit: raise
    AnswerTooLarge, or with ``truncate`` keep only the start; either way the rest is never read and the
    connection is dropped instead of reused."""
    declared = response.headers.get("Content-Length", "")
    chunks: list[bytes] = []
    total = 0
    try:
        if not truncate and declared.isdigit() and int(declared) > limit:
            raise AnswerTooLarge(limit, int(declared))
        for chunk in response.iter_content(64 * 1024):
            if total + len(chunk) > limit:
                if not truncate:
                    raise AnswerTooLarge(limit, None)
                chunks.append(chunk[: limit - total])
                response.close()
                break
            chunks.append(chunk)
            total += len(chunk)
    except BaseException:
        response.close()
        raise
    body = b"".join(chunks)
    response._content = body  # requests' own slot for a body already read
    return body


# How the resolvers of Linux, macOS and Windows, and urllib3, say that a name could not be found.
_NAME_NOT_FOUND = ("name or service not known", "nodename nor servname", "getaddrinfo failed", "failed to resolve",
                   "temporary failure in name resolution", "no address associated")


def classify_network_error(exc: BaseException) -> tuple[str, str]:
    """(failure code, plain message) for an exception raised while talking HTTP."""
    text = str(exc)
    chain: list[BaseException] = []
    cur: BaseException | None = exc
    while cur is not None and len(chain) < 10:
        chain.append(cur)
        cur = cur.__cause__ or cur.__context__
    if isinstance(exc, requests.exceptions.ProxyError) or \
            any(isinstance(e, urllib3.exceptions.ProxyError) for e in _reasons(chain)):
        return _proxy_failure(exc, text)
    if isinstance(exc, requests.exceptions.SSLError | urllib3.exceptions.SSLError) or \
            any(isinstance(e, ssl.SSLError) for e in chain):
        return f.TLS_ERROR, f"The secure connection could not be verified: {text}"
    # urllib3 counts a refused connection as a connect timeout; requests (and so this) does not.
    if isinstance(exc, requests.exceptions.Timeout) or (isinstance(exc, urllib3.exceptions.TimeoutError)
                                                        and not isinstance(exc, urllib3.exceptions.NewConnectionError)):
        return f.TIMEOUT, f"The server did not answer in time: {text}"
    lowered = text.lower()
    if any(marker in lowered for marker in _NAME_NOT_FOUND):
        return f.DNS_FAILURE, f"The server's name could not be found: {text}"
    if any(isinstance(e, ConnectionRefusedError) for e in chain) or "connection refused" in lowered:
        return f.CONNECTION_REFUSED, f"The server refused the connection: {text}"
    if any(isinstance(e, ConnectionResetError | BrokenPipeError) for e in chain) or \
            "connection reset" in lowered or "broken pipe" in lowered or "connection aborted" in lowered:
        return f.CONNECTION_RESET, f"The connection was cut off: {text}"
    return f.NETWORK_ERROR, f"A network error occurred: {text}"


def _reasons(chain: list[BaseException]) -> list[BaseException]:
    """The chain with what urllib3 gave up on: requests wraps its MaxRetryError, whose ``reason`` is the
    error itself and in no exception's cause."""
    found = list(chain)
    for e in chain:
        for inner in (*e.args, getattr(e, "reason", None)):
            if isinstance(inner, urllib3.exceptions.MaxRetryError) and inner.reason is not None:
                found += [inner, inner.reason]
            elif isinstance(inner, urllib3.exceptions.ProxyError):
                found.append(inner)
    return found


def _proxy_failure(exc: BaseException, text: str) -> tuple[str, str]:
    """A connection that had to go through a proxy and did not get past it: the proxy is named (its host
    and port, never its credentials), not the server behind it, which was never contacted."""
    proxy = ""
    for e in _reasons([exc]):
        url = getattr(e.pool, "proxy", None) if isinstance(e, urllib3.exceptions.MaxRetryError) else None
        if isinstance(url, urllib3.util.Url) and url.host:
            proxy = f"{url.host}:{url.port or (443 if url.scheme == 'https' else 80)}"
            break
    name = f"The proxy {proxy}" if proxy else "The proxy"
    lowered = text.lower()
    if "407" in lowered and "proxy authentication" in lowered:
        return f.PROXY_AUTH, f"{name} asks for a user name and password (407): {text}"
    if any(marker in lowered for marker in _NAME_NOT_FOUND):
        reason = "its name could not be found"
    elif "connection refused" in lowered:
        reason = "it refused the connection"
    elif "timed out" in lowered or "timeout" in lowered:
        reason = "it did not answer in time"
    else:
        reason = "the connection through it failed"
    return f.PROXY_UNREACHABLE, f"{name} could not be reached: {reason}: {text}"
