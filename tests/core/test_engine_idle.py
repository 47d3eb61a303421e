"""An engine with nothing to do: its workers sleep, and whoever waits for it to go idle hears at once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import threading
import time
from pathlib import Path
from typing import Any

from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.models import EventKind, JobState
from desktop_uploader.core.store import JobStore
from tests.core.helpers import (
    close_engine,
    endpoint_profile,
    local_profile,
    make_engine,
    run_all,
    store_credentials,
)

WORKERS = 8
WAIT = 6.0  # seconds wait_idle() may wait in the cancel test
NAP = 5.0  # seconds an idle worker sleeps without news (engine.py)
ROOT = Path(__file__).resolve().parents[2]


class _Claims:
    """Counts the workers' looks at the queue."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        self._cond = threading.Condition()
        self._claim = engine.store.claim_next
        engine.store.claim_next = self._counted  # type: ignore[method-assign,assignment]

    def _counted(self, *args: object, **kwargs: object) -> object:
        with self._cond:
            self.count += 1
            self._cond.notify_all()
        return self._claim(*args, **kwargs)  # type: ignore[arg-type]

    def wait_for(self, count: int) -> bool:
        with self._cond:
            return self._cond.wait_for(lambda: self.count >= count, timeout=30)


def test_idle_workers_do_not_wake_each_other(tmp_path: Path) -> None:
    """A window left open with an empty queue, or a kiosk between drops: the workers look for files once
    and then sleep until there is news. Each used to wake all the others whenever it found nothing, which
    kept a core busy for as long as the app stayed open."""
    engine = Engine(JobStore(tmp_path / "q.db"), lambda profile, session: None,  # type: ignore[arg-type,return-value]
                    settings=EngineSettings(concurrency=WORKERS), owns_store=True)
    claims = _Claims(engine)
    try:
        engine.start()
        time.sleep(1.0)  # an idle second: what matters is how often the queue was asked meanwhile
        asked = claims.count
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


def test_files_left_by_a_dead_run_are_taken_over_at_once(tmp_path: Path) -> None:
    """Another run claimed a file and died. When the waiting run takes its files over, its sleeping workers
    hear of it at once, not after their nap."""
    (tmp_path / "a.txt").write_text("a")
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        [job] = engine.add_paths([tmp_path / "a.txt"], "ep").jobs
        holder = subprocess.run([sys.executable, "-c", textwrap.dedent(f"""
            from desktop_uploader.core.store import JobStore
            print(JobStore({str(tmp_path / "q.db")!r}).claim_next().id)  # and ends, holding it
            """)], capture_output=True, text=True, timeout=60, check=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)})
        assert int(holder.stdout) == job.id
        claims = _Claims(engine)
        engine.start()
        assert claims.wait_for(engine.settings.concurrency)  # every worker looked, found nothing, sleeps
        assert not events.of(EventKind.STARTED)
        asked_at = time.monotonic()
        assert engine.reclaim_abandoned() == [job.id]
        assert events.wait_for(lambda seen: any(e.kind is EventKind.STARTED for e in seen), timeout=10)
        taken_after = time.monotonic() - asked_at
    finally:
        close_engine(engine)
    assert taken_after < NAP / 2  # a worker's nap without news is 5 s


class _Wakes:
    """Counts how often whoever waits in wait_idle() is woken (or its wait runs out)."""

    def __init__(self, engine: Engine) -> None:
        self.count = 0
        settled = engine._settled
        wait = settled.wait

        def counted(timeout: float | None = None) -> bool:
            woken = wait(timeout)
            self.count += 1  # under the engine's lock, which the wait took back
            return woken

        settled.wait = counted  # type: ignore[method-assign]


def test_whoever_waits_for_the_engine_sleeps_through_the_batch(tmp_path: Path, seaweed: Any, bucket: str,
                                                              memory_keyring: Any) -> None:
    """The command line waits in wait_idle() while its files go. It can only return once nothing is being
    sent, so being woken at every finished file only cost it a wake-up, the engine's lock and a sleep per
    file, on the path every file takes."""
    files = 40
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(files):
        (folder / f"f{i:02d}.txt").write_text(f"file {i}")
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    engine, _ = make_engine(tmp_path / "q.db", [profile], settings=EngineSettings(concurrency=4))
    wakes = _Wakes(engine)
    try:
        jobs = run_all(engine, [folder], profile.name)
    finally:
        close_engine(engine)
    assert [job.state for job in jobs] == [JobState.DONE] * files
    # Woken when the last file is done (and, rarely, when every worker is between two files at once);
    # at every file, it was woken about 40 times.
    assert wakes.count <= 5, wakes.count
