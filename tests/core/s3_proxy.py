"""A pass-through proxy in front of the real SeaweedFS that can inject the faults a real deployment shows:
a flipped byte in one part, a CompleteMultipartUpload answered 200 with an error inside, every PUT refused
with 500 (a full disk), a slow request body, a storage that will not start a multipart upload with a
checksum algorithm (501, as some S3-compatible ones answer), a part's checksum echoed wrong, and an answer
lost on the way back (the request was carried out, the connection broke before its answer)."""

from __future__ import annotations

import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from desktop_uploader.core.ratelimit import RateLimiter


class S3Proxy:
    """Forwards every request to SeaweedFS unchanged (Host included, so signatures still match), except
    that it can flip one byte of a chosen part's body and can slow down request bodies."""

    def __init__(self, upstream: str, *, rate: int | None = None) -> None:
        parts = urlsplit(upstream)
        self.upstream = (parts.hostname or "127.0.0.1", parts.port or 80)
        self.corrupt_part: int | None = None
        self.fail_complete = False  # answer CompleteMultipartUpload with 200 and an <Error> body
        self.fail_puts = False  # answer every PUT 500 InternalError, as SeaweedFS does when its disk is full
        self.refuse_checksum_algorithm = False  # answer 501 to a CreateMultipartUpload with a checksum algorithm
        self.wrong_echo_part: int | None = None  # this part's answer echoes another x-amz-checksum-crc32
        self.lose_answers = 0  # this many of the next requests are carried out, and their answers dropped
        self.lose_completions = 0  # the same, counting CompleteMultipartUpload requests only
        self.answers_lost = 0
        self.puts_refused = 0
        self.corrupt_times = 0
        self.corrupted = 0
        self.limiter = RateLimiter(rate)
        self.lock = threading.Lock()
        self.part_ok: list[int] = []  # part numbers the server accepted, in order
        self.active = 0
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                pass

            def _forward(self) -> None:
                with proxy.lock:
                    proxy.active += 1
                try:
                    proxy.forward(self)
                finally:
                    with proxy.lock:
                        proxy.active -= 1

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)
        self.thread.start()

    def forward(self, handler: BaseHTTPRequestHandler) -> None:
        length = int(handler.headers.get("Content-Length") or 0)
        chunks: list[bytes] = []
        remaining = length
        while remaining > 0:
            block = handler.rfile.read(min(256 * 1024, remaining))
            if not block:
                handler.close_connection = True
                return  # the client went away mid-body: nothing reaches the server
            self.limiter.consume(len(block))
            chunks.append(block)
            remaining -= len(block)
        body = b"".join(chunks)
        query = parse_qs(urlsplit(handler.path).query)
        number = int(query["partNumber"][0]) if "partNumber" in query else None
        if number is not None and handler.command == "PUT" and number == self.corrupt_part:
            with self.lock:
                flip = self.corrupted < self.corrupt_times
                self.corrupted += flip
            if flip:
                body = body[:100] + bytes([body[100] ^ 0xFF]) + body[101:]
        if self.fail_puts and handler.command == "PUT":
            with self.lock:
                self.puts_refused += 1
            _reply_error(handler, 500, "InternalError", "We encountered an internal error. Please try again.")
            return
        starts_upload = "uploads" in parse_qs(urlsplit(handler.path).query, keep_blank_values=True)
        if self.refuse_checksum_algorithm and handler.command == "POST" and starts_upload \
                and handler.headers.get("x-amz-checksum-algorithm"):
            _reply_error(handler, 501, "NotImplemented", "Header 'x-amz-checksum-algorithm' is not implemented")
            return
        if self.fail_complete and handler.command == "POST" and "uploadId" in query:
            # S3 may answer a completion 200 and put the error in the body.
            _reply_error(handler, 200, "InternalError", "We encountered an internal error. Please try again.")
            return
        conn = http.client.HTTPConnection(*self.upstream, timeout=60)
        try:
            headers = {k: v for k, v in handler.headers.items() if k.lower() not in ("connection", "keep-alive")}
            conn.request(handler.command, handler.path, body=body if length else None, headers=headers)
            response = conn.getresponse()
            payload = response.read()
            if number is not None and handler.command == "PUT" and response.status == 200:
                with self.lock:
                    self.part_ok.append(number)
        finally:
            conn.close()
        completion = handler.command == "POST" and "uploadId" in query
        with self.lock:
            lose = self.lose_answers > 0 or (completion and self.lose_completions > 0)
            if lose and self.lose_answers > 0:
                self.lose_answers -= 1
            elif lose:
                self.lose_completions -= 1
            self.answers_lost += lose
        if lose:
            handler.close_connection = True
            return
        try:
            handler.send_response(response.status)
            for name, value in response.getheaders():
                if name.lower() == "x-amz-checksum-crc32" and number is not None and number == self.wrong_echo_part:
                    value = "AAAAAA=="
                if name.lower() not in ("connection", "keep-alive", "transfer-encoding", "content-length"):
                    handler.send_header(name, value)
            # A HEAD's answer has no body but tells the object's length.
            length_header = response.getheader("Content-Length") if handler.command == "HEAD" else None
            handler.send_header("Content-Length", length_header or str(len(payload)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(payload)
        except OSError:
            handler.close_connection = True  # the client is gone (killed on purpose)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(10)


def _reply_error(handler: BaseHTTPRequestHandler, status: int, code: str, message: str) -> None:
    """An S3 error document with *status*."""
    payload = (f'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>{code}</Code>'
               f"<Message>{message}</Message></Error>").encode()
    handler.send_response(status)
    handler.send_header("Content-Type", "application/xml")
    handler.send_header("Content-Length", str(len(payload)))
    handler.end_headers()
    handler.wfile.write(payload)
