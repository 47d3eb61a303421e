"""The queue database in trouble: private files, a full disk mid-batch, a failed commit. Nothing hangs, nothing
is lost, and the reason is said in plain words."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.core.models import EventKind, JobState, NewJob
from desktop_uploader.core.paths import data_dir, queue_db_path
from desktop_uploader.core.store import JobStore, StoreError
from tests.core.helpers import close_engine, endpoint_profile, make_engine
from tests.plugins.disk import SmallDisk, fill


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_the_queue_database_and_its_folder_are_private() -> None:
    old = os.umask(0o022)  # the usual one, under which files come out readable by everybody
    try:
        store = JobStore(queue_db_path())
        store.recover_interrupted()  # a write, so the -wal and -shm files exist
        for suffix in ("", "-wal", "-shm"):
            mode = stat.S_IMODE(os.stat(f"{store.path}{suffix}").st_mode)
            assert mode == 0o600, (suffix, oct(mode))
        store.close()
        assert stat.S_IMODE(data_dir().stat().st_mode) == 0o700
    finally:
        os.umask(old)


def test_a_full_disk_mid_batch_stops_the_engine_with_a_reason(tmp_path: Path, small_disk: SmallDisk, seaweed: Any,
                                                              bucket: str, reference_endpoint: Any) -> None:
    disk = small_disk(tmp_path / "disk")
    files = tmp_path / "files"
    files.mkdir()
    for i in range(40):
        (files / f"f{i:02}.txt").write_text(f"file {i}")
    engine, events = make_engine(disk / "queue.sqlite3", [endpoint_profile(reference_endpoint.sign_url)])
    try:
        queued = engine.add_paths([files], "ep").jobs
        filler = fill(disk)
        engine.start()
        # Before: workers died on the database error and this waited for ever.
        assert engine.wait_idle(timeout=60)
        assert engine.fatal is not None and "is full" in engine.fatal
        stopped = events.of(EventKind.STOPPED)
        assert len(stopped) == 1 and "is full" in stopped[0].extra["reason"]
    finally:
        close_engine(engine)
    filler.unlink()
    # With space again, every file is still there: finished, or waiting for the next start.
    store = JobStore(disk / "queue.sqlite3")
    try:
        store.recover_interrupted()
        jobs = store.list_jobs()
        assert len(jobs) == len(queued)
        assert {j.state for j in jobs} <= {JobState.DONE, JobState.QUEUED}
    finally:
        store.close()


def test_a_commit_that_fails_is_rolled_back(tmp_path: Path, small_disk: SmallDisk) -> None:
    disk = small_disk(tmp_path / "disk")
    store = JobStore(disk / "queue.sqlite3")
    try:
        filler = fill(disk)
        many = [NewJob(path=f"/data/{i}.txt", size=1, mtime_ns=0, key=f"k/{i}" * 20, content_type="text/plain",
                       profile="p") for i in range(2000)]
        with pytest.raises(StoreError, match="is full"):
            store.add_jobs(many)
        filler.unlink()
        # The connection is usable again: no transaction was left open by the failed one.
        assert len(store.add_jobs(many[:3])) == 3
    finally:
        store.close()
