"""The local HTTP server: same handler over real sockets, quiet, and cleanly stoppable."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import requests

from desktop_uploader.endpoint import RunningEndpoint, S3Client, serve_in_thread
from desktop_uploader.endpoint.__main__ import is_loopback, main

from .conftest import FAKE_SECRET_KEY, OFFLINE

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def endpoint(offline_s3: S3Client) -> Iterator[RunningEndpoint]:
    with serve_in_thread(OFFLINE, s3_client=offline_s3) as running:
        yield running


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def test_urls_have_the_documented_shape(endpoint: RunningEndpoint) -> None:
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+", endpoint.url)
    assert endpoint.sign_url == endpoint.url + "/sign"
    assert endpoint.port > 0
    assert endpoint.config is OFFLINE


def test_sign_over_http(endpoint: RunningEndpoint, http: requests.Session) -> None:
    response = http.get(endpoint.sign_url, params={"filekey": "dir/a b.txt", "contentType": "text/plain"})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    body = response.json()
    assert body["key"] == "dir/a b.txt"
    assert body["method"] == "PUT"
    assert FAKE_SECRET_KEY not in response.text


def test_companion_post_over_http(endpoint: RunningEndpoint, http: requests.Session) -> None:
    response = http.post(endpoint.url + "/s3/multipart", data=b"{oops", headers={"Content-Type": "application/json"})
    assert (response.status_code, response.json()["error"]) == (400, "invalid_json")


@pytest.mark.parametrize(
    ("method", "path", "status", "code"),
    [
        ("GET", "/nowhere", 404, "not_found"),
        ("POST", "/sign", 405, "method_not_allowed"),
        ("PATCH", "/sign", 405, "method_not_allowed"),
        ("GET", "/sign?filekey=%ff&contentType=text/plain", 400, "invalid_query"),
        ("GET", "/sign?filekey=a&filekey=b&contentType=text/plain", 400, "duplicate_parameter"),
    ],
)
def test_errors_are_json_over_http(
    endpoint: RunningEndpoint, http: requests.Session, method: str, path: str, status: int, code: str
) -> None:
    response = http.request(method, endpoint.url + path)
    assert response.status_code == status
    assert response.headers["Content-Type"] == "application/json"
    assert response.json()["error"] == code
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_head_gets_405_without_a_body(endpoint: RunningEndpoint, http: requests.Session) -> None:
    response = http.head(endpoint.sign_url)
    assert response.status_code == 405
    assert response.content == b""


def test_preflight_over_http(endpoint: RunningEndpoint, http: requests.Session) -> None:
    response = http.options(
        endpoint.url + "/s3/multipart",
        headers={"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
    )
    assert response.status_code == 204
    assert response.content == b""
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"


def test_oversized_body_is_refused_before_reading(endpoint: RunningEndpoint) -> None:
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as sock:
        sock.sendall(b"POST /s3/multipart HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n")
        reply = _read_all(sock)
    assert reply.startswith(b"HTTP/1.1 413")
    assert b'"body_too_large"' in reply


def test_chunked_body_is_refused(endpoint: RunningEndpoint) -> None:
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as sock:
        sock.sendall(b"POST /s3/multipart HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n")
        reply = _read_all(sock)
    assert reply.startswith(b"HTTP/1.1 411")


def test_malformed_request_gets_a_json_error(endpoint: RunningEndpoint) -> None:
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as sock:
        sock.sendall(b"GET /sign?filekey=" + b"a" * 70000 + b" HTTP/1.1\r\n\r\n")
        reply = _read_all(sock)
    head, _, body = reply.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 414")
    assert json.loads(body)["error"] == "invalid_request"


def test_connections_are_kept_alive_between_requests(endpoint: RunningEndpoint) -> None:
    request = b"GET /sign?filekey=a.txt&contentType=text/plain HTTP/1.1\r\nHost: x\r\n\r\n"
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as sock:
        answers = []
        for _ in range(2):
            sock.sendall(request)
            answers.append(_read_response(sock))
    for head, body in answers:
        assert head.startswith(b"HTTP/1.1 200")
        assert json.loads(body)["key"] == "a.txt"


def test_an_error_before_the_body_is_read_ends_the_connection(endpoint: RunningEndpoint) -> None:
    with socket.create_connection((endpoint.host, endpoint.port), timeout=5) as sock:
        sock.sendall(b"POST /s3/multipart HTTP/1.1\r\nHost: x\r\nContent-Length: 999999999\r\n\r\n")
        head, _ = _read_response(sock)
        assert b"\r\nConnection: close" in head
        assert sock.recv(1) == b""


def test_stop_ends_kept_alive_connections(offline_s3: S3Client) -> None:
    running = serve_in_thread(OFFLINE, s3_client=offline_s3)
    with socket.create_connection((running.host, running.port), timeout=5) as sock:
        sock.sendall(b"GET /sign?filekey=a.txt&contentType=text/plain HTTP/1.1\r\nHost: x\r\n\r\n")
        assert _read_response(sock)[0].startswith(b"HTTP/1.1 200")
        running.stop()
        assert sock.recv(1) == b""


def _read_response(sock: socket.socket) -> tuple[bytes, bytes]:
    """One response from a kept-alive connection: read the head, then exactly Content-Length bytes."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        assert chunk, "the connection closed before a whole response arrived"
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    match = re.search(rb"(?i)\r\ncontent-length: *(\d+)", head)
    assert match is not None, head
    length = int(match.group(1))
    while len(body) < length:
        body += sock.recv(65536)
    return head, body


def _read_all(sock: socket.socket) -> bytes:
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_requests_are_logged_quietly_and_without_query(
    offline_s3: S3Client, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.DEBUG, logger="desktop_uploader.endpoint")
    with serve_in_thread(OFFLINE, s3_client=offline_s3) as running, requests.Session() as http:
        http.get(running.sign_url, params={"filekey": "a", "contentType": "text/plain", "token": "LEAKME"})
        http.get(running.url + "/s3/multipart/x/1", params={"key": "a", "X-Amz-Signature": "LEAKSIG"})
        with socket.create_connection((running.host, running.port), timeout=5) as sock:
            sock.sendall(b"GET /sign?token=LEAKBAD HTTP/1.1 extra\r\n\r\n")
            _read_all(sock)
    assert "GET /sign -> 200" in caplog.text
    for secret in ("LEAKME", "LEAKSIG", "LEAKBAD"):
        assert secret not in caplog.text
    out, err = capfd.readouterr()
    assert out == "" and err == ""


def test_stop_is_idempotent_and_closes_the_port(offline_s3: S3Client) -> None:
    running = serve_in_thread(OFFLINE, s3_client=offline_s3)
    port = running.port
    running.stop()
    running.stop()
    with pytest.raises(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
        pass


def test_owned_client_is_closed_on_stop() -> None:
    # Without an explicit client the endpoint builds (and must close) its own.
    with serve_in_thread(OFFLINE) as running, requests.Session() as http:
        assert http.get(running.sign_url, params={"filekey": "a", "contentType": "text/plain"}).status_code == 200


def test_ipv6_loopback(offline_s3: S3Client) -> None:
    if not socket.has_ipv6:
        pytest.skip("no IPv6 here")
    try:
        running = serve_in_thread(OFFLINE, host="::1", s3_client=offline_s3)
    except OSError:
        pytest.skip("IPv6 loopback is not configured here")
    with running, requests.Session() as http:
        assert running.url.startswith("http://[::1]:")
        assert http.get(running.sign_url, params={"filekey": "a", "contentType": "text/plain"}).status_code == 200


def test_port_in_use_is_an_error(endpoint: RunningEndpoint, offline_s3: S3Client) -> None:
    with pytest.raises(OSError):
        serve_in_thread(OFFLINE, port=endpoint.port, s3_client=offline_s3)


# --- python -m desktop_uploader.endpoint ------------------------------------------------------------


@pytest.mark.parametrize("host", ["127.0.0.1", "127.1.2.3", "::1", "[::1]", "localhost"])
def test_loopback_hosts(host: str) -> None:
    assert is_loopback(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "::", "192.0.2.10", "example.org", ""])  # noqa: S104
def test_other_hosts_are_not_loopback(host: str) -> None:
    assert not is_loopback(host)


def test_main_refuses_remote_hosts_without_flag(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--host", "0.0.0.0", "--port", "0"]) == 2  # noqa: S104
    assert "--allow-remote" in capsys.readouterr().err


def test_main_reports_missing_configuration(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.delenv("UPLOAD_BUCKET", raising=False)
    assert main(["--port", "0"]) == 2
    assert "UPLOAD_BUCKET" in capsys.readouterr().err


def test_module_runs_in_the_foreground_and_stops_on_sigterm(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "UPLOAD_", "SHARED_TOKEN", "S3_"))}
    env.update(
        PYTHONPATH=str(REPO),
        UPLOAD_BUCKET="cli-bucket",
        S3_ENDPOINT_URL="http://127.0.0.1:9",
        S3_ADDRESSING_STYLE="path",
        AWS_ACCESS_KEY_ID="AKIDCLIFAKE",
        AWS_SECRET_ACCESS_KEY="cli-secret-must-not-print",
        AWS_REGION="us-east-1",
        SHARED_TOKEN="cli-token-must-not-print",
        AWS_CONFIG_FILE=str(tmp_path / "none"),
        AWS_SHARED_CREDENTIALS_FILE=str(tmp_path / "none"),
    )
    proc = subprocess.Popen(
        [sys.executable, "-m", "desktop_uploader.endpoint", "--port", "0"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stderr is not None
        banner = ""
        match = None
        while match is None and (line := proc.stderr.readline()):
            banner += line
            match = re.search(r"on (http://127\.0\.0\.1:\d+) ", line)
        assert match, banner
        url = match.group(1)
        with requests.Session() as http:
            query = {"filekey": "a", "contentType": "text/plain"}
            assert http.get(url + "/sign", params=query).status_code == 401
            ok = http.get(url + "/sign", params=query, headers={"Authorization": "Bearer cli-token-must-not-print"})
            assert ok.status_code == 200
            assert ok.json()["signed_url"].startswith("http://127.0.0.1:9/cli-bucket/a?")
        proc.send_signal(signal.SIGTERM)
        out, err = proc.communicate(timeout=15)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 0
    everything = banner + out + err
    assert "cli-secret-must-not-print" not in everything
    assert "cli-token-must-not-print" not in everything
    assert "Stopped." in err


def test_startup_is_quick(offline_s3: S3Client) -> None:
    started = time.perf_counter()
    with serve_in_thread(OFFLINE, s3_client=offline_s3):
        pass
    assert time.perf_counter() - started < 10  # seconds at most, even on a busy machine; not a hang
