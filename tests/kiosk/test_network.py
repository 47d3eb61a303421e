"""Reachability: a real HTTP check, any answer counts, backoff capped while offline."""

from __future__ import annotations

import http.server
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from desktop_uploader.core.config import Profile
from desktop_uploader.kiosk.reachability import Reachability, probe_url
from tests.kiosk.helpers import free_port, wait_for


class _Forbidden(http.server.BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:
        self.send_response(403)  # any answer means the server is there
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # keep test output clean


@contextmanager
def http_server(port: int) -> Iterator[None]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), _Forbidden)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_closed_port_is_offline_and_any_http_answer_is_online() -> None:
    port = free_port()
    reach = Reachability(f"http://127.0.0.1:{port}/sign", timeout=2)
    try:
        assert reach.check_now() is False
        with http_server(port):
            assert reach.check_now() is True
    finally:
        reach.stop()


def test_background_check_notices_the_server_coming_and_going() -> None:
    port = free_port()
    changes: list[bool] = []
    reach = Reachability(f"http://127.0.0.1:{port}/", timeout=1, min_backoff=0.05, max_backoff=0.2,
                         check_interval=0.1)
    reach.on_change(changes.append)
    reach.start()
    try:
        wait_for(lambda: changes == [False], what="offline")
        with http_server(port):
            wait_for(lambda: changes == [False, True], what="online")
        wait_for(lambda: changes == [False, True, False], what="offline again")
    finally:
        reach.stop()


def test_backoff_grows_and_is_capped() -> None:
    calls = threading.Event()
    count = 0

    def down() -> bool:
        nonlocal count
        count += 1
        if count >= 6:
            calls.set()
        return False

    reach = Reachability(probe=down, min_backoff=0.01, max_backoff=0.05)
    reach.start()
    try:
        assert calls.wait(10)
        wait_for(lambda: reach.next_check_in is not None, what="a scheduled check")
        assert reach._backoff == 0.05
        assert (reach.next_check_in or 0) <= 0.05
    finally:
        reach.stop()


def test_nudge_checks_at_once() -> None:
    results = iter([False] + [True] * 100)
    reach = Reachability(probe=lambda: next(results), min_backoff=60, max_backoff=60)
    reach.start()
    try:
        wait_for(lambda: reach.online is False, what="first check")
        reach.nudge()
        wait_for(lambda: reach.online is True, timeout=5, what="the nudged check")
    finally:
        reach.stop()


def test_probe_urls() -> None:
    endpoint = Profile(name="e", endpoint_url="https://sign.example.org/api/sign?token=abc")
    assert probe_url(endpoint) == "https://sign.example.org/api/sign"
    local = Profile(name="l", kind="local", bucket="b", region="eu-west-1")
    assert probe_url(local) == "https://s3.eu-west-1.amazonaws.com/"
    custom = Profile(name="c", kind="local", bucket="b", s3_endpoint_url="http://127.0.0.1:8333")
    assert probe_url(custom) == "http://127.0.0.1:8333"
