"""The global bandwidth limit: token-bucket arithmetic on a fake clock, and real threads sharing one."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from desktop_uploader.core.ratelimit import BURST_SECONDS, RateLimiter
from desktop_uploader.core.transfer import Control, Interrupted

MiB = 1024 * 1024


class FakeClock:
    """A clock that only moves when the limiter waits, recording each wait."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.waits: list[float] = []

    def __call__(self) -> float:
        return self.now

    def wait(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.now += seconds


def test_unlimited_never_waits() -> None:
    clock = FakeClock()
    limiter = RateLimiter(None, clock=clock)
    for _ in range(100):
        limiter.consume(MiB, clock)
    assert clock.waits == [] and limiter.rate is None


def test_long_run_rate_is_the_limit() -> None:
    clock = FakeClock()
    limiter = RateLimiter(4 * MiB, clock=clock)
    start = clock.now
    for _ in range(40):  # 40 MiB at 4 MiB/s
        limiter.consume(MiB, clock)
    elapsed = clock.now - start
    # The initial burst allowance is the only thing sent "for free".
    assert elapsed == pytest.approx(40 / 4 - BURST_SECONDS, abs=1e-6)


def test_blocks_larger_than_the_bucket_still_go_out() -> None:
    clock = FakeClock()
    limiter = RateLimiter(100_000, clock=clock)  # bucket of 25 kB, blocks of 1 MiB
    limiter.consume(MiB, clock)
    assert sum(clock.waits) == pytest.approx((MiB - 25_000) / 100_000)
    assert max(clock.waits) <= 0.5  # waited in slices, so a new rate applies soon


def test_idle_time_earns_at_most_the_burst() -> None:
    clock = FakeClock()
    limiter = RateLimiter(MiB, clock=clock)
    limiter.consume(int(MiB * BURST_SECONDS), clock)
    assert clock.waits == []
    clock.now += 3600  # an hour idle
    limiter.consume(MiB, clock)
    assert sum(clock.waits) == pytest.approx(1 - BURST_SECONDS)


def test_changing_the_rate() -> None:
    clock = FakeClock()
    limiter = RateLimiter(MiB, clock=clock)
    limiter.set_rate(2 * MiB)
    assert limiter.rate == 2 * MiB
    limiter.consume(2 * MiB, clock)
    assert sum(clock.waits) == pytest.approx(1 - BURST_SECONDS)
    limiter.set_rate(None)
    clock.waits.clear()
    limiter.consume(100 * MiB, clock)
    assert clock.waits == []
    with pytest.raises(ValueError):
        limiter.set_rate(-1)


def test_threads_share_one_bucket() -> None:
    rate = 8 * MiB
    limiter = RateLimiter(rate)
    blocks, threads = 4, 4  # 16 MiB in 256 KiB blocks over four threads: about 2 s at the limit
    block = 256 * 1024
    start = time.monotonic()

    def send() -> None:
        for _ in range(blocks * 4):
            limiter.consume(block)

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    elapsed = time.monotonic() - start
    expected = (blocks * 4 * threads * block) / rate - BURST_SECONDS
    # The lower bound is the check; the upper one only catches a limiter that is far too slow (a busy
    # machine adds its own delays).
    assert expected * 0.95 <= elapsed <= expected + 10


def test_a_stop_request_ends_the_wait() -> None:
    limiter = RateLimiter(1024)  # a 1 MiB block would take over 15 minutes
    control = Control()
    timer = threading.Timer(0.05, control.stop, args=("pause",))
    timer.start()
    start = time.monotonic()
    try:
        with pytest.raises(Interrupted):
            limiter.consume(MiB, control)
    finally:
        timer.cancel()
        timer.join()
    assert time.monotonic() - start < 5


def test_lifting_the_limit_releases_a_waiting_transfer() -> None:
    limiter = RateLimiter(1024)
    done = threading.Event()

    def send() -> None:
        limiter.consume(MiB)
        done.set()

    thread = threading.Thread(target=send)
    thread.start()
    try:
        limiter.set_rate(None)
        assert done.wait(5)
    finally:
        thread.join(5)




def test_engine_limit_changes_apply_to_the_shared_limiter(tmp_path: Path) -> None:
    from desktop_uploader.core.engine import Engine, EngineSettings
    from desktop_uploader.core.store import JobStore

    engine = Engine(JobStore(tmp_path / "q.db"), lambda name, session: None,  # type: ignore[arg-type,return-value]
                    settings=EngineSettings())
    try:
        assert engine._limiter.rate is None
        engine.set_rate_limit(MiB)
        assert engine._limiter.rate == MiB and engine.settings.rate_limit == MiB
        engine.set_rate_limit(None)
        assert engine._limiter.rate is None
    finally:
        engine.close()
        engine.store.close()
