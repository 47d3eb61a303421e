"""Servers that misbehave on purpose: a signing service that redirects the app's secret headers to another host,
and answers far too large to hold in memory. The app follows redirects only where its secrets may go, and
reads at most a capped amount of any answer. Also what every call to a service carries."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import pytest
import requests

from desktop_uploader.core import failure as fc
from desktop_uploader.core import redact
from desktop_uploader.core.config import Profile
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.http import ANSWER_LIMIT, ERROR_BODY_LIMIT, USER_AGENT, make_session
from desktop_uploader.core.models import SignedRequest, UploadTarget
from desktop_uploader.core.secrets import SecretStore, header_field
from desktop_uploader.core.signers.endpoint import EndpointSigner
from desktop_uploader.core.transfer import put_file

TOKEN = "upload-token-kept-in-the-keychain"
HUGE = 3 * 1024**3  # what the hostile server claims to send
SERVED_AT_MOST = 256 * 1024**2  # what it really sends at most, so a client that reads it all fails, not the box


class Recorder:
    def __init__(self) -> None:
        self.requests: list[dict[str, str]] = []
        self.bytes_sent = 0
        self.done = threading.Event()


Handler = Callable[[BaseHTTPRequestHandler, Recorder], None]


@pytest.fixture
def serve() -> Iterator[Callable[[str, Handler], tuple[str, Recorder]]]:
    """``serve(host, handler)`` runs a small HTTP server on a loopback address; returns its URL and what it
    saw."""
    servers: list[ThreadingHTTPServer] = []

    def start(host: str, handle: Handler) -> tuple[str, Recorder]:
        recorder = Recorder()

        class _Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _any(self) -> None:
                recorder.requests.append({k.lower(): v for k, v in self.headers.items()})
                try:
                    handle(self, recorder)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client stopped reading: what these tests want
                finally:
                    recorder.done.set()

            do_GET = do_POST = do_PUT = _any

            def log_message(self, *args: Any) -> None:
                pass

        server = ThreadingHTTPServer((host, 0), _Handler)
        server.daemon_threads = True
        threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        servers.append(server)
        return f"http://{host}:{server.server_address[1]}", recorder

    try:
        yield start
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def _answer(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any], headers: dict[str, str] | None = None,
            ) -> None:
    data = json.dumps(body).encode()
    handler.send_response(status)
    for name, value in (headers or {}).items():
        handler.send_header(name, value)
    handler.send_header("Content-Type", "application/json")
    handler.send_header("Content-Length", str(len(data)))
    handler.end_headers()
    handler.wfile.write(data)


def _signer(url: str, memory_keyring: Any) -> EndpointSigner:
    secrets = SecretStore()
    secrets.set("hostile", header_field("X-Upload-Token"), TOKEN)
    profile = Profile(name="hostile", endpoint_url=url, secret_headers=["X-Upload-Token"])
    return EndpointSigner(profile, make_session(), secrets)


def test_signing_calls_name_the_app_ask_for_gzip_and_carry_the_secret(serve: Any, memory_keyring: Any) -> None:
    def links(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        if handler.command == "POST":
            size = int(handler.headers["Content-Length"])
            files = json.loads(handler.rfile.read(size))["files"]
            _answer(handler, 200, {"signed_urls": [{"signed_url": f"http://127.0.0.1/{f['filekey']}",
                                                    "key": f["filekey"]} for f in files]})
        else:
            _answer(handler, 200, {"signed_url": "http://127.0.0.1/one.jpg"})

    url, seen = serve("127.0.0.1", links)
    signer = _signer(f"{url}/sign", memory_keyring)
    signer.profile.batch_signing = True
    signer.sign_put(UploadTarget("one.jpg", "image/jpeg", 10))
    signer.sign_batch([UploadTarget(f"{i}.jpg", "image/jpeg", 10) for i in range(3)])
    assert len(seen.requests) == 2
    for headers in seen.requests:
        # Without Accept-Encoding a batch of links (about 50 KB, 5 KB gzipped) comes uncompressed.
        assert headers["user-agent"] == USER_AGENT
        assert "gzip" in headers["accept-encoding"]
        assert headers["accept"] == "application/json"
        assert headers["x-upload-token"] == TOKEN


def _link_for(handler: BaseHTTPRequestHandler) -> str:
    """A link for the key the call asked for."""
    key = parse_qs(urlsplit(handler.path).query)["filekey"][0]
    return f"http://127.0.0.1/bucket/{quote(key)}"


def test_a_signing_call_asks_exactly_what_requests_would_and_keeps_the_services_own_query(
        serve: Any, memory_keyring: Any) -> None:
    paths: list[str] = []

    def links(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        paths.append(handler.path)
        _answer(handler, 200, {"signed_url": _link_for(handler)})

    url, _ = serve("127.0.0.1", links)
    service = f"{url}/prod/sign?stage=field&code=a%2Fb"
    target = UploadTarget("site 4/naïve+café [1].jpg", "image/jpeg", 10, metadata={"taken by": "Ana & Bo"})
    _signer(service, memory_keyring).sign_put(target)
    expected = requests.Request("GET", service, params={"filekey": target.key, "contentType": "image/jpeg",
                                                        "meta-taken by": "Ana & Bo"}).prepare()
    assert paths == [expected.path_url]
    assert paths[0].startswith("/prod/sign?stage=field&code=a%2Fb&filekey=site+4%2Fna%C3%AFve%2Bcaf%C3%A9")


def test_a_signing_call_redacts_what_it_sent_only_for_a_failure(serve: Any, memory_keyring: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """Redacting the call costs a tenth of its CPU, paid per file through a service without batches: it is
    done for a failure's report only, and that report still carries no secret."""
    redacted: list[str] = []
    real = redact.redact_url

    def counting(url: str) -> str:
        redacted.append(url)
        return real(url)

    monkeypatch.setattr(fc, "redact_url", counting)

    def answer(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        if "refuse" in handler.path:
            _answer(handler, 403, {"error": "forbidden", "message": "not for this device"})
        else:
            _answer(handler, 200, {"signed_url": _link_for(handler)})

    url, _ = serve("127.0.0.1", answer)
    signer = _signer(f"{url}/sign", memory_keyring)
    for i in range(5):
        signer.sign_put(UploadTarget(f"site/{i}.jpg", "image/jpeg", 10))
    assert redacted == []
    with pytest.raises(UploadError) as err:
        signer.sign_put(UploadTarget("refuse/photo.jpg", "image/jpeg", 10))
    request = err.value.failure.request
    assert request is not None and request.method == "GET"
    assert request.url.startswith(f"{url}/sign?") and "refuse/photo.jpg" in request.url
    assert request.headers["X-Upload-Token"] != TOKEN
    assert len(redacted) == 1
    assert TOKEN not in json.dumps(err.value.failure.to_dict())


def test_a_redirect_to_another_host_does_not_get_the_secret_header(serve: Any, memory_keyring: Any) -> None:
    other_url, other = serve("127.0.0.2", lambda h, r: _answer(h, 200, {"signed_url": "http://127.0.0.2/x"}))

    def redirect(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        _answer(handler, 307, {}, {"Location": f"{other_url}/collect{handler.path[len('/sign'):]}"})

    url, _ = serve("127.0.0.1", redirect)
    signer = _signer(f"{url}/sign", memory_keyring)
    with pytest.raises(UploadError) as err:
        signer.sign_put(UploadTarget("site/photo.jpg", "image/jpeg", 10))
    failure = err.value.failure
    assert failure.code == fc.ENDPOINT_REDIRECT and "127.0.0.2" in failure.message
    assert "secret headers" in failure.message
    # Before: requests followed it and sent X-Upload-Token to the other host.
    assert other.requests == []
    assert TOKEN not in json.dumps(failure.to_dict())


def test_a_redirect_within_the_same_service_is_followed_with_the_secret(serve: Any, memory_keyring: Any,
                                                                         seaweed: Any, bucket: str,
                                                                         reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(shared_token=TOKEN)

    def moved(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        if handler.path.startswith("/old-sign"):
            _answer(handler, 308, {}, {"Location": "/sign" + handler.path[len("/old-sign"):]})
            return
        query = handler.path.partition("?")[2]
        forwarded = requests.get(f"{endpoint.sign_url}?{query}", timeout=30,
                                 headers={"x-api-key": handler.headers.get("X-Upload-Token", "")})
        _answer(handler, forwarded.status_code, forwarded.json())

    url, recorder = serve("127.0.0.1", moved)
    signed = _signer(f"{url}/old-sign", memory_keyring).sign_put(UploadTarget("site/a.txt", "text/plain", 1))
    assert [r.get("x-upload-token") for r in recorder.requests] == [TOKEN, TOKEN]
    assert f"/{bucket}/site/a.txt" in signed.url


def _stream_forever(declare_length: bool, status: int = 200) -> Handler:
    def handle(handler: BaseHTTPRequestHandler, recorder: Recorder) -> None:
        if handler.command == "PUT":
            handler.rfile.read(int(handler.headers.get("Content-Length", 0)))
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        if declare_length:
            handler.send_header("Content-Length", str(HUGE))
        else:
            handler.send_header("Transfer-Encoding", "chunked")
        handler.end_headers()
        block = b'{"signed_url": "' + b"x" * (64 * 1024)
        while recorder.bytes_sent < SERVED_AT_MOST:
            handler.wfile.write(block if declare_length else b"%x\r\n%s\r\n" % (len(block), block))
            recorder.bytes_sent += len(block)
        handler.close_connection = True

    return handle


@pytest.mark.parametrize("declare_length", [True, False], ids=["content-length", "chunked"])
def test_a_huge_signing_answer_is_refused_after_a_capped_read(serve: Any, memory_keyring: Any,
                                                              declare_length: bool) -> None:
    url, server = serve("127.0.0.1", _stream_forever(declare_length))
    signer = _signer(f"{url}/sign", memory_keyring)
    with pytest.raises(UploadError) as err:
        signer.sign_put(UploadTarget("site/photo.jpg", "image/jpeg", 10))
    assert err.value.failure.code == fc.ENDPOINT_TOO_LARGE
    assert "far larger answer than a link" in err.value.failure.message
    assert server.done.wait(30)
    # What the server got out before the app hung up: the cap plus what the sockets buffer, not 3 GB.
    assert server.bytes_sent < ANSWER_LIMIT + 32 * 1024**2


def test_a_huge_error_answer_to_an_upload_is_cut_short(serve: Any, tmp_path: Path) -> None:
    url, server = serve("127.0.0.1", _stream_forever(declare_length=False, status=500))
    path = tmp_path / "a.txt"
    path.write_bytes(b"hello")
    signed = SignedRequest(method="PUT", url=f"{url}/bucket/a.txt", headers={}, expires_at=None, signer="endpoint")
    with open(path, "rb") as fh, pytest.raises(UploadError) as err:
        put_file(make_session(), signed, fh, 5)
    failure = err.value.failure
    assert failure.http_status == 500 and failure.retryable
    assert failure.response is not None and len(failure.response.body) <= ERROR_BODY_LIMIT
    assert server.done.wait(30)
    assert server.bytes_sent < ERROR_BODY_LIMIT + 32 * 1024**2
