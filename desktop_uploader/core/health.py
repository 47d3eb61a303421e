"""One health state per destination (a profile: its signing endpoint and its storage together).

A failure about the destination rather than the file — a refused, reset or timed-out connection, a name
that does not resolve, a 5xx answer, a captive portal's page, SlowDown — says nothing about the file: every
other file to that destination would meet it too. So the destination becomes *unreachable* (or *slowed*),
its files stay queued instead of failing one by one, and one file at a time probes it, backing off with
jitter from about 2 s to 60 s. The first success, or any answer that is about a file, makes it reachable
again and everything resumes.
"""

from __future__ import annotations

import random
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from desktop_uploader.core import failure as f
from desktop_uploader.core.failure import Failure

# A web page where the storage or the endpoint should answer: most often a Wi-Fi sign-in page.
_PORTAL_CODES = frozenset({f.ENDPOINT_HTML, f.HTML_RESPONSE})
_SLOW_CODES = frozenset({"SlowDown", "TooManyRequests", "RequestLimitExceeded"})
# 5xx answers that are about the request, not the server's state.
_NOT_OUTAGE_5XX = frozenset({501, 505})


class DestinationState(StrEnum):
    REACHABLE = "reachable"
    UNREACHABLE = "unreachable"
    SLOWED = "slowed"


def destination_trouble(failure: Failure) -> DestinationState | None:
    """The state a failure puts its destination in, or None when the failure is about the file alone."""
    if failure.code in _SLOW_CODES or failure.http_status == 429:
        return DestinationState.SLOWED
    # 407: the network's proxy wants a password before it forwards anything, as through a tunnel (PROXY_AUTH).
    if failure.code in f.UNREACHABLE_CODES or failure.code in _PORTAL_CODES or failure.http_status == 407:
        return DestinationState.UNREACHABLE
    status = failure.http_status
    if status is not None and status >= 500 and status not in _NOT_OUTAGE_5XX:
        return DestinationState.SLOWED if status == 503 and failure.code == "SlowDown" else \
            DestinationState.UNREACHABLE
    return None


@dataclass(frozen=True)
class HealthChange:
    profile: str
    state: DestinationState
    retry_in: float  # seconds until the next probe; 0 when reachable
    failure: Failure | None


OUTAGE_STRIKES = 3  # failures about the destination in a row, with no success between, that make an outage


# The wait before the next probe is at most this share of how long the destination has been down (within the
# backoff's bounds): the probe that finds it back comes at most about a third of the outage after its return,
# and a long outage is still probed seldom.
PROBE_SHARE = 0.3


@dataclass
class _Destination:
    state: DestinationState = DestinationState.REACHABLE
    strikes: int = 0  # destination failures in a row while reachable
    failures: int = 0  # probes failed in a row
    next_probe: float = 0.0  # monotonic time
    probing: bool = False
    since: float = 0.0  # monotonic time it stopped being reachable


class DestinationHealth:
    """Health of every destination; thread-safe. ``clock`` and ``rng`` are for tests."""

    def __init__(self, *, min_backoff: float = 2.0, max_backoff: float = 60.0,
                 clock: Callable[[], float] = time.monotonic, rng: random.Random | None = None) -> None:
        self.min_backoff = min_backoff
        self.max_backoff = max_backoff
        self._clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not secrecy
        self._lock = threading.Lock()
        self._destinations: dict[str, _Destination] = {}

    def state(self, profile: str) -> DestinationState:
        with self._lock:
            return self._destinations.get(profile, _Destination()).state

    def reachable(self, profile: str) -> bool:
        return self.state(profile) is DestinationState.REACHABLE

    def down_since(self, profile: str) -> float | None:
        """Monotonic time since when ``profile`` has not been reachable, or None while it is."""
        with self._lock:
            dest = self._destinations.get(profile)
            return None if dest is None or dest.state is DestinationState.REACHABLE else dest.since

    def blocked(self) -> tuple[set[str], float | None]:
        """(profiles no file may be taken for now, seconds until one of them may be probed)."""
        now = self._clock()
        blocked: set[str] = set()
        soonest: float | None = None
        with self._lock:
            for name, dest in self._destinations.items():
                if dest.state is DestinationState.REACHABLE:
                    continue
                if dest.probing or now < dest.next_probe:
                    blocked.add(name)
                    if not dest.probing:
                        wait = dest.next_probe - now
                        soonest = wait if soonest is None else min(soonest, wait)
        return blocked, soonest

    def taken(self, profile: str) -> bool:
        """A file of ``profile`` was taken; True when it is the probe of a troubled destination."""
        with self._lock:
            dest = self._destinations.get(profile)
            if dest is None or dest.state is DestinationState.REACHABLE:
                return False
            dest.probing = True
            return True

    def strike(self, profile: str, *, probe: bool) -> bool:
        """A failure about the destination: True when it counts as an outage - the destination is already
        down, this was its probe, or the failures came :data:`OUTAGE_STRIKES` times in a row. A single reset
        among many good transfers is retried with the file instead."""
        with self._lock:
            dest = self._destinations.setdefault(profile, _Destination())
            if probe or dest.state is not DestinationState.REACHABLE:
                return True
            dest.strikes += 1
            return dest.strikes >= OUTAGE_STRIKES

    def succeeded(self, profile: str, *, probe: bool) -> HealthChange | None:
        """The destination answered about a file (done, or refused for the file's own reasons)."""
        with self._lock:
            dest = self._destinations.get(profile)
            if dest is None:
                return None
            if dest.state is DestinationState.REACHABLE:
                dest.strikes = 0
                return None
            if not probe:
                return None  # only a probe decides: a file that was already on its way cannot flap the state
            self._destinations[profile] = _Destination()
            return HealthChange(profile, DestinationState.REACHABLE, 0.0, None)

    def failed(self, profile: str, trouble: DestinationState, failure: Failure, *,
               probe: bool) -> HealthChange | None:
        """A destination-level failure; returns the change to announce when the state changed (each failed
        probe only pushes the next one further out)."""
        with self._lock:
            dest = self._destinations.setdefault(profile, _Destination())
            was = dest.state
            if was is not DestinationState.REACHABLE and not probe:
                return None  # files that were already on their way when it went down
            now = self._clock()
            dest.failures += 1
            dest.probing = False
            if was is DestinationState.REACHABLE:
                dest.since = now
            dest.state = trouble
            cap = min(self.max_backoff, max(self.min_backoff, PROBE_SHARE * (now - dest.since)))
            wait = failure.retry_after if failure.retry_after is not None else self._rng.uniform(cap / 2, cap)
            wait = min(max(wait, 0.0), self.max_backoff)
            dest.next_probe = now + wait
            return HealthChange(profile, trouble, wait, failure) if trouble is not was else None

    def retry_in(self, profile: str) -> float | None:
        """Seconds until ``profile`` is tried again, or None while it is reachable."""
        with self._lock:
            dest = self._destinations.get(profile)
            if dest is None or dest.state is DestinationState.REACHABLE:
                return None
            return max(0.0, dest.next_probe - self._clock())

    def probe_now(self) -> bool:
        """Let every unreachable destination be probed at once, instead of at the end of its backoff (the
        network changed: it may well be back). One that asked to be slowed down keeps its wait. True when one
        may be probed now."""
        now = self._clock()
        found = False
        with self._lock:
            for dest in self._destinations.values():
                if dest.state is DestinationState.UNREACHABLE and not dest.probing:
                    dest.next_probe = min(dest.next_probe, now)
                    found = True
        return found

    def released(self, profile: str) -> None:
        """The probe ended without an answer either way (paused, cancelled, shut down): probe again now."""
        with self._lock:
            dest = self._destinations.get(profile)
            if dest is not None:
                dest.probing = False
