"""A signing endpoint that answers like older or broken deployments do, for the engine's bad-input tests.

It forwards to the real reference endpoint and then reshapes the answer: only ``signed_url`` (as the
classic Lambda does, without saying which header values it signed), or one of many broken answers.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import requests

MODES = ("legacy", "html", "not-json", "no-url", "ftp-url", "wrong-key", "error-string", "error-500",
         "gateway-missing-token")


@contextmanager
def legacy_endpoint(upstream_sign_url: str, mode: str = "legacy") -> Iterator[str]:
    assert mode in MODES
    session = requests.Session()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            if mode == "html":
                return self._send(200, b"<!DOCTYPE html><html><body>Hotel Wi-Fi: accept the terms</body></html>",
                                  "text/html")
            if mode == "not-json":
                return self._send(200, b"signed_url=https://example.invalid/x", "text/plain")
            if mode == "error-string":
                return self._send(400, json.dumps('Missing parameter "contentType"').encode())
            if mode == "error-500":
                return self._send(502, json.dumps({"message": "Internal server error"}).encode())
            if mode == "gateway-missing-token":
                return self._send(403, json.dumps({"message": "Missing Authentication Token"}).encode())
            if mode == "wrong-key":
                query["filekey"] = "someone-else/" + query.get("filekey", "x")
            # The classic Lambda reads these two parameters and nothing else.
            classic = {name: query[name] for name in ("filekey", "contentType") if name in query}
            answer = session.get(upstream_sign_url, params=classic, timeout=10).json()
            url = answer["signed_url"]
            if mode == "no-url":
                return self._send(200, json.dumps({"url_is_missing": True}).encode())
            if mode == "ftp-url":
                url = "ftp://" + url.split("://", 1)[1]
            return self._send(200, json.dumps({"signed_url": url}).encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sign"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        session.close()
