"""A global bandwidth limit: one token bucket shared by every transfer of an engine.

Transfers ask for bytes before sending them (``FileBody``'s throttle). The bucket may go into debt, so a
block larger than the bucket still goes out; the caller that took the debt waits until it is repaid, which
keeps the long-run rate at the limit however many threads share the bucket.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Protocol

# Credit a quiet bucket may build up, in seconds at the configured rate: enough to smooth over the gaps
# between blocks, small enough that a paused link cannot burst far past the limit afterwards.
BURST_SECONDS = 0.25
# Longest single wait; the rest is waited again after re-reading the rate, so lowering or lifting the
# limit takes effect within this time even for a thread that took on a large debt.
MAX_WAIT_SLICE = 0.5


class _Stoppable(Protocol):
    def wait(self, seconds: float) -> None: ...


class RateLimiter:
    """Thread-safe token bucket; ``bytes_per_second`` of None or 0 means unlimited."""

    def __init__(self, bytes_per_second: int | None, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._lock = threading.Lock()
        self._clock = clock
        self._rate = 0.0
        self._tokens = 0.0
        self._capacity = 0.0
        self._last = clock()
        self.set_rate(bytes_per_second)

    @property
    def rate(self) -> int | None:
        with self._lock:
            return int(self._rate) if self._rate > 0 else None

    def set_rate(self, bytes_per_second: int | None) -> None:
        """Change the limit; applies to bytes requested from now on."""
        if bytes_per_second is not None and bytes_per_second < 0:
            raise ValueError("the rate limit must be positive, or None for no limit")
        with self._lock:
            self._refill()
            self._rate = float(bytes_per_second or 0)
            self._capacity = self._rate * BURST_SECONDS
            # A new limit starts with a full bucket but no carried-over debt or credit from the old one.
            self._tokens = self._capacity

    def _refill(self) -> None:
        now = self._clock()
        if self._rate > 0:
            self._tokens = min(self._capacity, self._tokens + (now - self._last) * self._rate)
        self._last = now

    def _reserve(self, n: int) -> float:
        """Take *n* bytes from the bucket; returns the seconds to wait before sending them."""
        with self._lock:
            if self._rate <= 0:
                return 0.0
            self._refill()
            self._tokens -= n
            return -self._tokens / self._rate if self._tokens < 0 else 0.0

    def consume(self, n: int, control: _Stoppable | None = None) -> None:
        """Block until *n* more bytes may be sent. With a Control, a stop request ends the wait by raising
        Interrupted (Control.wait does that)."""
        wait = self._reserve(n)
        while wait > 0:
            step = min(wait, MAX_WAIT_SLICE)
            if control is not None:
                control.wait(step)
            else:
                time.sleep(step)
            wait -= step
            with self._lock:
                if self._rate <= 0:
                    return  # the limit was lifted while we waited

    def throttle(self, control: _Stoppable | None = None) -> Callable[[int], None]:
        """A ``throttle`` callback for FileBody / put_file bound to one transfer's Control."""

        def take(n: int) -> None:
            self.consume(n, control)

        return take
