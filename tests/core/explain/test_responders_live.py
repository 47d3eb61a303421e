"""Who answered, live: SeaweedFS behind the reference endpoint, and a refusing proxy in front of SeaweedFS.

The proxy is a few lines of ``http.server`` on 127.0.0.1 that answers like nginx: it refuses bodies over a size
and POST with nginx's own error pages, and passes everything else to SeaweedFS unchanged (Host included, so
links signed for the proxy's address stay valid).
"""

from __future__ import annotations

import http.client
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import urlsplit

import boto3
import pytest
import requests
from botocore.config import Config

from desktop_uploader.core.config import Profile
from desktop_uploader.core.explain import explain
from desktop_uploader.core.failure import Failure, SentRequest
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import SignedRequest, UploadTarget
from desktop_uploader.core.signers.endpoint import EndpointSigner
from desktop_uploader.core.transfer import failure_from_response

pytestmark = pytest.mark.s3

LIMIT = 64 * 1024
_PAGE = ("<html>\r\n<head><title>{title}</title></head>\r\n<body>\r\n<center><h1>{title}</h1></center>\r\n"
         "<hr><center>nginx/1.24.0</center>\r\n</body>\r\n</html>\r\n")


class _RefusingProxy(BaseHTTPRequestHandler):
    upstream: tuple[str, int] = ("127.0.0.1", 0)

    def do_PUT(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        body = self._read(length)
        if length > LIMIT:
            self._refuse(413, "413 Request Entity Too Large")
            return
        conn = http.client.HTTPConnection(*self.upstream, timeout=30)
        try:
            conn.request(self.command, self.path, body=body, headers=dict(self.headers.items()))
            answer = conn.getresponse()
            data = answer.read()
            self.send_response(answer.status)
            for name, value in answer.getheaders():
                if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                    self.send_header(name, value)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        finally:
            conn.close()

    def do_POST(self) -> None:
        self._read(int(self.headers.get("Content-Length", "0")))
        self._refuse(405, "405 Not Allowed")

    def _read(self, length: int) -> bytes:
        return self.rfile.read(length) if length else b""

    def _refuse(self, status: int, title: str) -> None:
        page = _PAGE.format(title=title).encode()
        self.send_response(status)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(page)))
        self.end_headers()
        self.wfile.write(page)

    def version_string(self) -> str:
        return "nginx/1.24.0"  # the Server header, as nginx sends it

    def log_message(self, format: str, *args: object) -> None:
        """Keep test output quiet."""


@pytest.fixture
def refusing_proxy(seaweed: Any) -> Iterator[str]:
    parts = urlsplit(seaweed.endpoint_url)
    handler = type("Handler", (_RefusingProxy,), {"upstream": (parts.hostname, parts.port)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def _presign(seaweed: Any, endpoint: str, bucket: str, key: str) -> SignedRequest:
    client = boto3.session.Session(
        aws_access_key_id=seaweed.admin.access_key, aws_secret_access_key=seaweed.admin.secret_key,
        region_name="us-east-1",
    ).client("s3", endpoint_url=endpoint, config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    url: str = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
    return SignedRequest("PUT", url, signer="endpoint")


def _send(signed: SignedRequest, method: str, body: bytes) -> tuple[int, Failure | None]:
    headers = {"Content-Length": str(len(body))}
    with requests.Session() as session:
        response = session.request(method, signed.url, data=body, headers=headers, timeout=30)
        response.close()
    if response.status_code < 300:
        return response.status_code, None
    sent = SentRequest.build(method, signed.url, headers, len(body))
    return response.status_code, failure_from_response(response, sent, signed, len(body))


def test_post_to_a_put_link_from_the_reference_endpoint(seaweed: Any, reference_endpoint: Any) -> None:
    profile = Profile(name="field", endpoint_url=reference_endpoint.sign_url)
    with requests.Session() as session:
        signed = EndpointSigner(profile, session, SecretStore()).sign_put(
            UploadTarget(key="site-4/notes.txt", content_type="text/plain", size=5))
    status, failure = _send(signed, "POST", b"hello")
    assert status == 405 and failure is not None
    ex = explain(failure, link=signed, locale="en")
    assert ex.code == "MethodNotAllowed.method"
    # SeaweedFS sends no Server header with its errors: the S3 error document says the storage itself answered.
    assert ex.details["responder"] == {"id": "storage", "name": "", "kind": "storage"}
    assert "The request used POST but the link was made for PUT" in ex.cause
    assert ex.fixed_by == "signing_admin"


def test_a_proxy_that_refuses_the_size_is_named(seaweed: Any, bucket: str, refusing_proxy: str) -> None:
    small = _presign(seaweed, refusing_proxy, bucket, "through-proxy/small.txt")
    assert _send(small, "PUT", b"x" * 1000) == (200, None)  # the proxy passes small uploads to the storage

    big = _presign(seaweed, refusing_proxy, bucket, "through-proxy/big.bin")
    status, failure = _send(big, "PUT", b"x" * (4 * LIMIT))
    assert status == 413 and failure is not None
    ex = explain(failure, link=big, locale="en")
    assert ex.code == "Proxy.too_large"
    assert ex.details["responder"] == {"id": "nginx", "name": "nginx", "kind": "proxy",
                                       "evidence": ["Server: nginx/1.24.0", "page text: <center>nginx/1.24.0</center>"]}
    assert ex.summary == ("The nginx server in front of the storage refuses files this large. Ask your administrator "
                          "to raise its limit.")
    assert "refused the request body of 256.0 KiB with 413" in ex.cause
    assert "client_max_body_size" in ex.cause and ex.fixed_by == "proxy_admin"
    german = explain(failure, link=big, locale="de")
    assert german.summary.startswith("Der Server nginx vor dem Speicher lehnt so große Dateien ab.")


def test_a_proxy_that_refuses_the_method_is_named(seaweed: Any, bucket: str, refusing_proxy: str) -> None:
    signed = _presign(seaweed, refusing_proxy, bucket, "through-proxy/post.txt")
    status, failure = _send(signed, "POST", b"hello")
    assert status == 405 and failure is not None
    ex = explain(failure, link=signed, locale="en")
    assert ex.code == "Proxy.method"
    assert ex.details["responder"]["id"] == "nginx"
    assert ex.cause.startswith("nginx answered 405 to POST instead of passing it on to the storage")
