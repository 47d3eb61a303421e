"""Small helpers for the kiosk tests: a settable clock, free ports, waiting with a deadline."""

from __future__ import annotations

import secrets
import socket
import threading
import time
from collections.abc import Callable


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: float = 1_000_000.0) -> None:
        self.now = start
        self._lock = threading.Lock()

    def __call__(self) -> float:
        with self._lock:
            return self.now

    def advance(self, seconds: float) -> None:
        with self._lock:
            self.now += seconds


def free_port() -> int:
    """A loopback port nothing listens on (yet), for a server a test starts later.

    Drawn at random below the kernel's range for outgoing connections (and above the test S3 server's
    ports), so no connection made meanwhile is likely to take it; a port from bind(0) would be exactly one
    the kernel hands out next."""
    for _ in range(200):
        port = 23_000 + secrets.randbelow(9_000)
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(condition: Callable[[], bool], timeout: float = 10.0, what: str = "condition") -> None:
    """Wait until ``condition()`` is true; fail after ``timeout`` seconds. Checks every 20 ms."""
    deadline = time.monotonic() + timeout
    pause = threading.Event()
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:g} s waiting for {what}")
        pause.wait(0.02)
