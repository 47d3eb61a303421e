"""Signing-endpoint failure modes from a local HTTP server that answers like API Gateway and its functions.

The app's real endpoint signer talks to it; the Failure it raises goes through explain().
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests

from desktop_uploader.core import failure as fc
from desktop_uploader.core.config import Profile
from desktop_uploader.core.explain import explain, report
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.models import UploadTarget
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.endpoint import EndpointSigner

_JSON = "application/json"
# path -> (status, content type, body, extra headers)
ROUTES: dict[str, tuple[int, str, str, dict[str, str]]] = {
    "/wrong-stage": (403, _JSON, '{"message":"Missing Authentication Token"}',
                     {"x-amzn-ErrorType": "MissingAuthenticationTokenException"}),
    "/api-key": (403, _JSON, '{"message":"Forbidden"}', {"x-amzn-ErrorType": "ForbiddenException"}),
    "/unauthorized": (401, _JSON, '{"message":"Unauthorized"}', {}),
    "/throttled": (429, _JSON, '{"message":"Too Many Requests"}', {"Retry-After": "2"}),
    "/crashed": (502, _JSON, '{"message": "Internal server error"}', {}),
    "/slow": (504, _JSON, '{"message": "Endpoint request timed out"}', {}),
    "/seed": (400, _JSON, json.dumps('Missing parameter "contentType" Got undefined'), {}),
    "/stringified-error": (400, _JSON, "{}", {}),
    "/refuses": (400, _JSON, json.dumps("Only photos may be uploaded here"), {}),
    "/no-url": (200, _JSON, '{"ok": true}', {}),
    "/not-json": (200, "text/plain", "signed!", {}),
    "/portal": (200, "text/html", "<html><head><title>Airport Free WiFi</title></head><body>Please sign in and "
                "accept the terms of use</body></html>", {}),
    "/bad-url": (200, _JSON, '{"signed_url": "ftp://files.example.com/cat.jpg"}', {}),
}


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        status, ctype, body, headers = ROUTES.get(self.path.split("?", 1)[0], (404, _JSON, '{"message":"x"}', {}))
        data = body.encode()
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture(scope="module")
def fake_gateway() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _sign(endpoint_url: str) -> fc.Failure:
    profile = Profile(name="field", endpoint_url=endpoint_url)
    with requests.Session() as session:
        signer = EndpointSigner(profile, session, SecretStore())
        with pytest.raises(UploadError) as info:
            signer.sign_put(UploadTarget(key="photos/cat.jpg", content_type="image/jpeg", size=10))
    return info.value.failure


@pytest.mark.parametrize(
    ("path", "entry"),
    [
        ("/wrong-stage", "Endpoint.wrong_path"),
        ("/api-key", "Endpoint.api_key"),
        ("/unauthorized", "Endpoint.unauthorized"),
        ("/throttled", "Endpoint.throttled"),
        ("/crashed", "Endpoint.function_crashed"),
        ("/slow", "Endpoint.timeout"),
        ("/seed", "Endpoint.missing_parameter"),
        ("/stringified-error", "Endpoint.empty_error"),
        ("/refuses", "Endpoint.rejected"),
        ("/no-url", "Endpoint.no_url"),
        ("/not-json", "Endpoint.bad_response"),
        ("/portal", "Network.captive_portal"),
        ("/bad-url", "Endpoint.bad_url"),
        ("/nowhere", "Endpoint.not_found"),
    ],
)
def test_endpoint_answers(fake_gateway: str, path: str, entry: str) -> None:
    failure = _sign(fake_gateway + path)
    assert failure.stage == fc.STAGE_SIGN
    ex = explain(failure)
    assert ex.code == entry, ex.cause
    assert "diagnosis_error" not in ex.details
    assert report(failure, ex)


def test_endpoint_message_is_shown_to_the_admin(fake_gateway: str) -> None:
    ex = explain(_sign(fake_gateway + "/refuses"))
    assert "Only photos may be uploaded here" in ex.cause


def test_endpoint_not_listening() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    failure = _sign(f"http://127.0.0.1:{port}/prod/sign")
    ex = explain(failure)
    assert failure.code == fc.ENDPOINT_UNREACHABLE
    assert ex.code == "Network.refused"
    assert "127.0.0.1" in ex.cause and ex.retryable
