"""The engine's HTTP session: small uploads straight through requests' own pool, and failures named alike
whichever way a request went."""

from __future__ import annotations

import hashlib
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import requests
import urllib3

from desktop_uploader.core import failure as f
from desktop_uploader.core.factory import explain_failure
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.http import (
    ConnectionsAhead,
    classify_network_error,
    direct_pool,
    make_session,
    refresh_route,
)
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.transfer import put_file


@pytest.fixture
def session(monkeypatch: pytest.MonkeyPatch) -> Iterator[requests.Session]:
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    s = make_session()
    try:
        yield s
    finally:
        s.close()


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_the_direct_pool_is_the_one_requests_uses(session: requests.Session) -> None:
    url = "https://storage.example.org/bucket/key?X-Amz-Signature=abc"
    pool = direct_pool(session, url)
    assert isinstance(pool, urllib3.HTTPSConnectionPool)
    assert (pool.host, pool.port) == ("storage.example.org", 443)
    assert pool.cert_reqs == "CERT_REQUIRED"  # verification stays on
    assert direct_pool(session, "https://storage.example.org/other?x=1") is pool  # one pool per server


def test_no_direct_pool_through_a_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example.org:3128")
    s = make_session()
    try:
        assert direct_pool(s, "https://storage.example.org/bucket/key") is None  # requests routes it
    finally:
        s.close()


@contextmanager
def _proxy_answering(status_line: bytes) -> Iterator[tuple[str, list[bytes]]]:
    """A proxy that reads one request and answers it with ``status_line``: its address, and the first line
    of each request it read."""
    seen: list[bytes] = []
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)

        def answer() -> None:
            conn, _ = listener.accept()
            with conn:
                seen.append(conn.recv(65536).split(b"\r\n", 1)[0])
                conn.sendall(b"HTTP/1.1 " + status_line + b"\r\nProxy-Authenticate: Basic realm=office\r\n"
                             b"Content-Length: 0\r\nConnection: close\r\n\r\n")

        thread = threading.Thread(target=answer)
        thread.start()
        try:
            yield f"127.0.0.1:{listener.getsockname()[1]}", seen
        finally:
            thread.join(10)


def test_a_proxy_set_in_the_computers_settings_carries_the_uploads(monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows' Internet settings and macOS's network settings name a proxy without any HTTPS_PROXY; urllib
    (and requests, through it) reads them with getproxies(), the seam here. Before, only the environment
    variables counted: the app went round the office's proxy, and a network that allows no other way out
    dropped every connection."""
    with _proxy_answering(b"403 Forbidden") as (address, seen):
        settings = {"https": f"http://{address}", "http": f"http://{address}"}
        monkeypatch.setattr(urllib.request, "getproxies", lambda: dict(settings))
        monkeypatch.setattr(requests.utils, "getproxies", lambda: dict(settings))
        with make_session() as s:
            assert direct_pool(s, "https://storage.example.org/bucket/key") is None  # requests routes it
            with pytest.raises(requests.exceptions.ProxyError):
                s.get("https://storage.example.org/bucket/key", timeout=10)
    assert len(seen) == 1 and seen[0].startswith(b"CONNECT storage.example.org:443 HTTP/1.")  # 1.0 before 3.12


def test_the_way_out_is_read_again_when_the_network_changes(monkeypatch: pytest.MonkeyPatch) -> None:
    """The app started at home, where there is no proxy; the office's network allows no way out but its
    proxy. After refresh_route (the engine's network_changed), the session goes through it, and back."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    url = "https://storage.example.org/bucket/key"
    with make_session() as s:
        assert direct_pool(s, url) is not None and not refresh_route(s)
        with _proxy_answering(b"403 Forbidden") as (address, seen):
            monkeypatch.setenv("HTTPS_PROXY", f"http://{address}")
            assert refresh_route(s)
            assert direct_pool(s, url) is None
            with pytest.raises(requests.exceptions.ProxyError):
                s.get(url, timeout=10)
        assert len(seen) == 1 and seen[0].startswith(b"CONNECT storage.example.org:443 ")
        monkeypatch.delenv("HTTPS_PROXY")
        assert refresh_route(s)
        assert direct_pool(s, url) is not None and s.trust_env is False


def test_a_proxy_that_wants_a_password_is_told_from_the_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    """Through a tunnel (every https address), the proxy's 407 reaches the app as an error, not as an answer:
    before, it was "a network error occurred"."""
    with _proxy_answering(b"407 Proxy Authentication Required") as (address, _):
        monkeypatch.setenv("HTTPS_PROXY", f"http://alice:s3cr3t-pw@{address}")
        with make_session() as s, pytest.raises(requests.exceptions.ProxyError) as raised:
            s.get("https://storage.example.org/bucket/key?X-Amz-Signature=abc", timeout=10)
    code, message = classify_network_error(raised.value)
    assert code == f.PROXY_AUTH
    assert message.startswith(f"The proxy {address} asks for a user name and password")
    assert "s3cr3t-pw" not in message
    failure = Failure(code=code, message=message, stage=f.STAGE_UPLOAD)
    explanation = explain_failure(failure, None)
    assert explanation["code"] == "Network.proxy_auth"
    assert f"at {address}" in explanation["cause"]


def test_a_proxy_that_is_not_there_is_named_instead_of_the_storage(monkeypatch: pytest.MonkeyPatch) -> None:
    address = f"127.0.0.1:{_closed_port()}"
    monkeypatch.setenv("HTTPS_PROXY", f"http://{address}")
    with make_session() as s, pytest.raises(requests.exceptions.ProxyError) as raised:
        s.get("https://storage.example.org/bucket/key", timeout=10)
    code, message = classify_network_error(raised.value)
    assert code == f.PROXY_UNREACHABLE
    assert message.startswith(f"The proxy {address} could not be reached: it refused the connection")


def test_no_direct_pool_for_a_transport_of_its_own(session: requests.Session) -> None:
    class Recording(requests.adapters.HTTPAdapter):
        pass

    session.mount("https://", Recording())
    assert direct_pool(session, "https://storage.example.org/bucket/key") is None


def _codes_both_ways(session: requests.Session, url: str, read_timeout: float) -> tuple[str, str]:
    """The failure code of one PUT straight through the pool and of one through requests."""
    pool = direct_pool(session, url)
    assert pool is not None
    with pytest.raises(urllib3.exceptions.HTTPError) as direct:
        pool.urlopen("PUT", url, body=b"x", retries=False, timeout=urllib3.Timeout(connect=5, read=read_timeout))
    with pytest.raises(requests.RequestException) as through_requests:
        session.put(url, data=b"x", timeout=(5, read_timeout))
    return classify_network_error(direct.value)[0], classify_network_error(through_requests.value)[0]


def test_a_refused_connection_is_named_the_same_both_ways(session: requests.Session) -> None:
    url = f"http://127.0.0.1:{_closed_port()}/bucket/key"
    assert _codes_both_ways(session, url, 5) == (f.CONNECTION_REFUSED, f.CONNECTION_REFUSED)


def test_a_server_that_never_answers_is_a_timeout_both_ways(session: requests.Session) -> None:
    with socket.socket() as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(4)  # accepts into the backlog, never reads or answers
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/bucket/key"
        assert _codes_both_ways(session, url, 0.3) == (f.TIMEOUT, f.TIMEOUT)


@pytest.mark.parametrize("size", [1000, 2 * 1024 * 1024], ids=["in-one-piece", "streamed"])
def test_an_upload_names_only_the_path_in_its_request_line(session: requests.Session, tmp_path: Path,
                                                           size: int) -> None:
    """Small uploads go straight through the pool, bigger ones through requests: both send the path and query
    as the request's target, as browsers and S3's own clients do, never the whole URL (a proxy's form)."""
    lines: list[str] = []

    class Storage(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_PUT(self) -> None:
            lines.append(self.requestline)
            body = self.rfile.read(int(self.headers["Content-Length"]))
            self.send_response(200)
            self.send_header("ETag", f'"{hashlib.md5(body, usedforsecurity=False).hexdigest()}"')
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Storage)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        path = tmp_path / "file.bin"
        path.write_bytes(b"x" * size)
        url = f"http://127.0.0.1:{server.server_port}/bucket/dir%20a/file.bin?X-Amz-Signature=abc&x-id=PutObject"
        with open(path, "rb") as fh:
            result = put_file(session, SignedRequest("PUT", url), fh, size)
    finally:
        server.shutdown()
        server.server_close()
    assert result.status == 200
    assert lines == ["PUT /bucket/dir%20a/file.bin?X-Amz-Signature=abc&x-id=PutObject HTTP/1.1"]


def test_a_request_waits_for_the_connection_opened_ahead_for_it() -> None:
    ahead = ConnectionsAhead()
    assert ahead.reserve("https://far.example", 1) == 1
    assert ahead.reserve("https://far.example", 1) == 0  # asked again: nothing more to open
    waited = threading.Event()

    def request() -> None:
        ahead.wait_for_one("https://far.example", timeout=30)
        waited.set()

    first = threading.Thread(target=request)
    first.start()
    assert not waited.wait(0.2)  # the connection is still on its way
    ahead.done("https://far.example", ready=True)
    first.join(30)
    assert waited.is_set()
    ahead.wait_for_one("https://far.example", timeout=30)  # none on its way now: at once
    ahead.wait_for_one("https://near.example", timeout=30)  # nothing was opened ahead there


def test_a_connection_that_never_comes_holds_back_no_more_requests_than_were_opened_ahead() -> None:
    ahead = ConnectionsAhead()
    ahead.reserve("https://far.example", 1)
    started = time.monotonic()
    ahead.wait_for_one("https://far.example", timeout=0.3)  # the one promised: waits, then gives up
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    for _ in range(5):  # the rest open their own connections, as without any opened ahead
        ahead.wait_for_one("https://far.example", timeout=30)
    assert time.monotonic() - started < 1.0


def test_a_failed_connection_ahead_lets_its_request_go_at_once() -> None:
    ahead = ConnectionsAhead()
    ahead.reserve("https://far.example", 1)
    ahead.done("https://far.example", ready=False)
    started = time.monotonic()
    ahead.wait_for_one("https://far.example", timeout=30)
    assert time.monotonic() - started < 1.0
