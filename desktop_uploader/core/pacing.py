"""How many files to send at once: found by measuring, not fixed.

On a long round trip one connection sends few small files a second, so more of them in flight pay off; on a
full link or a struggling server more only add trouble. The controller climbs one file at a time while the
measured goodput improves (additive increase), steps back when a climb did not pay, and halves when errors
rise (multiplicative decrease) — always between 1 and a cap: the user's own number when one is given, else
:data:`AUTO_CAP`. Until the first climb that does not pay (or the first trouble) it doubles instead of
climbing by one, as TCP's slow start does: on a long round trip a batch of a few hundred
files would otherwise be over before the number found its level. Connections open one per new worker as it
needs one, and the ones open are reused.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from desktop_uploader.core.config import AUTO_CONCURRENCY, Profile
from desktop_uploader.core.engine_settings import EngineSettings
from desktop_uploader.core.models import Event, EventKind

AUTO_CAP = 32
# A little above what aws cli (10) keeps in flight: on a long round trip the first half second decides much of
# a batch of small files, and 16 connections are still no storm for any storage.
AUTO_START = 16
# One finished file is worth this many bytes when goodput is scored: small files count by how many arrive,
# big ones by their bytes.
FILE_WORTH = 64 * 1024
IMPROVEMENT = 1.05  # a climb that does not gain 5 % is not worth its connection
MIN_WINDOW_SECONDS = 0.5
MIN_WINDOW_FILES = 4
HOLD_WINDOWS = 3  # after a climb that did not pay, wait this many windows before trying again


def profile_concurrency_range(override: int | None, profile: Profile | None) -> tuple[int, int]:
    """concurrency_range() for a run: the frontend's number (a command-line flag), else the profile's."""
    return concurrency_range(override or (profile.concurrency if profile is not None else AUTO_CONCURRENCY))


def concurrency_range(chosen: int) -> tuple[int, int]:
    """(files at once to start with, the most files at once) for a user's number, or 0 for automatic: a
    user's number is never exceeded."""
    if chosen <= 0:
        return AUTO_START, AUTO_CAP
    return chosen, chosen


@dataclass
class _Window:
    started: float
    files: int = 0
    bytes: int = 0
    trouble: bool = False


class ConcurrencyController:
    """Thread-safe; ``record`` and ``trouble`` return the new number when it changed, else None."""

    def __init__(self, start: int, cap: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self.cap = max(1, cap)
        self.current = max(1, min(start, self.cap))
        self._clock = clock
        self._lock = threading.Lock()
        self._window = _Window(clock())
        self._best: float | None = None  # the score at the current level before the last climb
        self._climbed = False
        self._hold = 0
        self._slow_start = True  # doubling, until a climb does not pay
        self._before_climb = self.current

    def set_cap(self, cap: int) -> int | None:
        with self._lock:
            self.cap = max(1, cap)
            return self._set(min(self.current, self.cap))

    def reset(self, start: int) -> int | None:
        """Start again from ``start`` (the user chose a number)."""
        with self._lock:
            self._best, self._climbed, self._hold, self._slow_start = None, False, 0, True
            self._window = _Window(self._clock())
            return self._set(start)

    def record(self, size: int) -> int | None:
        """A file of ``size`` bytes was uploaded."""
        with self._lock:
            window = self._window
            window.files += 1
            window.bytes += size
            elapsed = self._clock() - window.started
            if window.files < max(MIN_WINDOW_FILES, self.current) or elapsed < MIN_WINDOW_SECONDS:
                return None
            score = (window.bytes + window.files * FILE_WORTH) / elapsed
            self._window = _Window(self._clock())
            if window.trouble:
                return None  # trouble() already reacted to this window
            return self._judge(score)

    def recovered(self) -> None:
        """A destination answers again after an outage: find the level again by doubling, as at the start
        (the outage halved the number down to a level that says nothing about the link)."""
        with self._lock:
            self._best, self._climbed, self._hold, self._slow_start = None, False, 0, True
            self._window = _Window(self._clock())

    def trouble(self) -> int | None:
        """A retry or a destination failure: halve, at most once per window."""
        with self._lock:
            if self._window.trouble:
                return None
            self._window.trouble = True
            self._best = None
            self._climbed = False
            self._slow_start = False
            self._hold = HOLD_WINDOWS
            return self._set(max(1, self.current // 2))

    def _judge(self, score: float) -> int | None:
        if self._climbed:
            self._climbed = False
            if self._best is not None and score < self._best * IMPROVEMENT:
                self._hold = HOLD_WINDOWS
                back = self._before_climb if self._slow_start else self.current - 1
                self._slow_start = False
                return self._set(back)  # the climb did not pay: step back down
        self._best = score
        if self._hold > 0:
            self._hold -= 1
            return None
        if self.current < self.cap:
            self._climbed = True
            self._before_climb = self.current
            return self._set(self.current * 2 if self._slow_start else self.current + 1)
        return None

    def _set(self, value: int) -> int | None:
        value = max(1, min(self.cap, value))
        if value == self.current:
            return None
        self.current = value
        return value


class Pace:
    """The engine's files-at-once: the user's number, or the controller's when the engine adapts. Applies a
    new number through ``apply`` and announces it as a CONCURRENCY event."""

    def __init__(self, settings: EngineSettings, apply: Callable[[int], None],
                 emit: Callable[[Event], None]) -> None:
        self._settings = settings
        self._apply = apply
        self._emit = emit
        self._controller = ConcurrencyController(settings.concurrency, settings.max_concurrency) \
            if settings.adaptive else None

    def set_by_user(self, files: int) -> None:
        if self._controller is None:
            self._apply(max(1, min(AUTO_CAP, int(files))))
            return
        start, cap = concurrency_range(int(files))
        self._settings.max_concurrency = cap
        changed = self._controller.set_cap(cap)
        if int(files) > 0:  # the user's own number: start there
            changed = self._controller.reset(start)
        self._apply(self._controller.current)
        if changed is not None:
            self._announce(self._controller.current)

    def uploaded(self, size: int) -> None:
        if self._controller is not None:
            self._changed(self._controller.record(size))

    def trouble(self) -> None:
        if self._controller is not None:
            self._changed(self._controller.trouble())

    def recovered(self) -> None:
        if self._controller is not None:
            self._controller.recovered()

    def _changed(self, files: int | None) -> None:
        if files is not None:
            self._apply(files)
            self._announce(files)

    def _announce(self, files: int) -> None:
        self._emit(Event(EventKind.CONCURRENCY, extra={"files_at_once": files}))
