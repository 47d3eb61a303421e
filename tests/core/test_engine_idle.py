"""An engine with nothing to do: its workers sleep, and whoever waits for it to go idle hears at once."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.models import JobState
from desktop_uploader.core.store import JobStore
from tests.core.helpers import endpoint_profile, make_engine

WORKERS = 8
WAIT = 6.0  # seconds wait_idle() may wait in the cancel test


def _counting_claims(engine: Engine) -> list[int]:
    calls = [0]
    claim = engine.store.claim_next

    def counted(*args: object, **kwargs: object) -> object:
        calls[0] += 1
        return claim(*args, **kwargs)  # type: ignore[arg-type]

    engine.store.claim_next = counted  # type: ignore[method-assign,assignment]
    return calls


def test_idle_workers_do_not_wake_each_other(tmp_path: Path) -> None:
    """A window left open with an empty queue, or a kiosk between drops: the workers look for files once
    and then sleep until there is news. Each used to wake all the others whenever it found nothing, which
    kept a core busy for as long as the app stayed open."""
    engine = Engine(JobStore(tmp_path / "q.db"), lambda profile, session: None,  # type: ignore[arg-type,return-value]
                    settings=EngineSettings(concurrency=WORKERS), owns_store=True)
    calls = _counting_claims(engine)
    try:
        engine.start()
        time.sleep(1.0)  # an idle second: what matters is how often the queue was asked meanwhile
        asked = calls[0]
    finally:
        engine.close()
    # Each worker asks once when it starts and again only after its 5 s nap: a storm asks thousands of times.
    assert asked <= 2 * WORKERS


def test_wait_idle_hears_when_the_last_files_are_cancelled(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    (tmp_path / "b.txt").write_text("b")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        jobs = engine.add_paths([tmp_path / "a.txt", tmp_path / "b.txt"], "ep").jobs  # not started: they wait
        answer: list[tuple[bool, float]] = []
        waiter = threading.Thread(
            target=lambda: answer.append((engine.wait_idle(timeout=WAIT), time.monotonic())))
        waiter.start()
        assert not engine.wait_idle(timeout=0.05)
        cancelled_at = time.monotonic()
        engine.cancel([job.id for job in jobs])
        waiter.join(10)
        states = {job.state for job in engine.jobs_by_id([j.id for j in jobs])}
    finally:
        engine.close()
        engine.store.close()
    [(idle, answered_at)] = answer
    assert idle
    # Woken by the cancel, not by the end of its own wait: the notice takes milliseconds.
    assert answered_at - cancelled_at < WAIT / 2
    assert states == {JobState.CANCELLED}
