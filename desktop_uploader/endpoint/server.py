"""Run the signing endpoint as a local HTTP server (standard library only), in a thread or the foreground."""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from .compression import compress
from .config import EndpointConfig, S3Client, make_s3_client
from .handler import MAX_BODY_BYTES, encode_body, error_response, handle, parse_query_string
from .validation import ApiError

logger = logging.getLogger(__name__)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Port 0 asks for a free port; SO_REUSEADDR on a fixed port would let two servers share it on some
    # systems, so it stays off.
    allow_reuse_address = False

    def __init__(self, address: tuple[str, int], config: EndpointConfig, s3_client: S3Client) -> None:
        if ":" in address[0]:
            self.address_family = socket.AF_INET6
        self.config = config
        self.s3_client = s3_client
        self._open: set[socket.socket] = set()
        self._open_lock = threading.Lock()
        super().__init__(address, _RequestHandler)

    def track(self, connection: socket.socket, *, is_open: bool) -> None:
        with self._open_lock:
            if is_open:
                self._open.add(connection)
            else:
                self._open.discard(connection)

    def end_connections(self) -> None:
        """End every kept-alive connection, so no handler thread outlives the server."""
        with self._open_lock:
            connections = list(self._open)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _RequestHandler(BaseHTTPRequestHandler):
    server: _Server
    server_version = "desktop-uploader-endpoint"
    sys_version = ""
    # HTTP/1.1 keeps connections open between requests: on a far link every new connection costs a TCP
    # and a TLS handshake, which would otherwise double or triple the time a signing request takes.
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle on, the second waits for the client's delayed ACK.
    disable_nagle_algorithm = True
    timeout = 30.0  # a client that stalls mid-request, or idles between requests, must not hold a thread forever

    def setup(self) -> None:
        super().setup()
        self.server.track(self.connection, is_open=True)

    def finish(self) -> None:
        self.server.track(self.connection, is_open=False)
        super().finish()

    def do_GET(self) -> None:
        self._serve()

    do_POST = do_DELETE = do_OPTIONS = do_PUT = do_PATCH = do_HEAD = do_GET

    def _serve(self) -> None:
        path, _, raw_query = self.path.partition("?")
        headers = {name.lower(): ", ".join(self.headers.get_all(name) or []) for name in set(self.headers.keys())}
        try:
            query = parse_query_string(raw_query)
            body = self._read_body()
        except ApiError as exc:
            status, out_headers, payload = error_response(exc, self.server.config, headers)
            # The body may be unread, and would be taken for the next request: end this connection.
            self._send(status, {**out_headers, "Connection": "close"}, encode_body(payload))
            return
        status, out_headers, payload = handle(
            self.command, path, query, headers, body, self.server.config, self.server.s3_client
        )
        encoded, encoding_headers = compress(encode_body(payload), headers.get("accept-encoding"))
        self._send(status, {**out_headers, **encoding_headers}, encoded)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding"):
            raise ApiError(411, "length_required", "Send the request body with a Content-Length header.")
        raw_length = self.headers.get("Content-Length")
        if not raw_length:
            return b""
        try:
            length = int(raw_length)
        except ValueError:
            raise ApiError(400, "invalid_request", "The Content-Length header is not a number.") from None
        if length < 0:
            raise ApiError(400, "invalid_request", "The Content-Length header is negative.")
        if length > MAX_BODY_BYTES:
            raise ApiError(413, "body_too_large", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
        return self.rfile.read(length)

    def _send(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if status != 204:
            self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and getattr(self, "command", None) != "HEAD" and status != 204:
            self.wfile.write(body)

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        # Requests the standard library rejects itself (malformed request line, huge headers) still get
        # the endpoint's JSON error shape instead of an HTML page.
        try:
            phrase = HTTPStatus(code).phrase
        except ValueError:
            phrase = "Error"
        payload = {"error": "invalid_request" if code < 500 else "internal_error", "message": f"{phrase}."}
        self.close_connection = True
        self._send(code, {"Content-Type": "application/json", "Connection": "close"}, encode_body(payload))

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        # The request line carries the query string, which may hold tokens; log the bare path only.
        command = getattr(self, "command", None) or "-"
        path = (getattr(self, "path", None) or "").partition("?")[0]
        logger.debug("%s %s -> %s", command, path, code)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("request from %s could not be served", self.client_address[0])


class RunningEndpoint:
    """A signing endpoint serving in a background thread. ``stop()`` (or leaving the ``with``) ends it."""

    def __init__(self, server: _Server, thread: threading.Thread, owns_client: bool) -> None:
        self._server = server
        self._thread = thread
        self._owns_client = owns_client
        self._lock = threading.Lock()
        self._stopped = False
        host, port = server.server_address[:2]
        host = str(host)
        self.host = host
        self.port = int(port)
        self.url = f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
        self.sign_url = self.url + "/sign"

    @property
    def config(self) -> EndpointConfig:
        return self._server.config

    def stop(self) -> None:
        with self._lock:
            if self._stopped:
                return
            self._stopped = True
        self._server.shutdown()
        self._server.end_connections()
        self._server.server_close()
        self._thread.join(timeout=10)
        if self._owns_client:
            self._server.s3_client.close()

    def __enter__(self) -> RunningEndpoint:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    def __repr__(self) -> str:
        return f"RunningEndpoint(url={self.url!r}, stopped={self._stopped})"


def serve_in_thread(
    config: EndpointConfig,
    host: str = "127.0.0.1",
    port: int = 0,
    s3_client: S3Client | None = None,
) -> RunningEndpoint:
    """Start serving *config* on host:port (0 = any free port) and return once the socket is listening."""
    owns_client = s3_client is None
    client = make_s3_client(config) if s3_client is None else s3_client
    try:
        server = _Server((host, port), config, client)
    except BaseException:
        if owns_client:
            client.close()
        raise
    thread = threading.Thread(
        target=server.serve_forever,
        kwargs={"poll_interval": 0.05},
        name=f"signing-endpoint-{server.server_address[1]}",
        daemon=True,
    )
    thread.start()
    running = RunningEndpoint(server, thread, owns_client)
    logger.debug("signing endpoint listening on %s", running.url)
    return running
