from __future__ import annotations

import sqlite3
from contextlib import closing
from pathlib import Path

import pytest

from desktop_uploader.core import store as store_module
from desktop_uploader.core.models import JobState, NewJob
from desktop_uploader.core.store import MIGRATIONS, SCHEMA_VERSION, JobStore, QueueDamaged, StoreError, UploadRecord
from tests.plugins.sqlite import is_closed


def _new(i: int, profile: str = "p") -> NewJob:
    return NewJob(path=f"/data/f{i}", size=i, mtime_ns=i, key=f"k{i}", content_type="text/plain",
                  profile=profile, batch="b")


def test_schema_is_migrated_and_wal(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    assert store.schema_version() == SCHEMA_VERSION
    with closing(sqlite3.connect(tmp_path / "q.db")) as conn:
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    store.close()


def test_newer_schema_is_refused_with_a_clear_message(tmp_path: Path,
                                                     sqlite_connections: list[sqlite3.Connection]) -> None:
    conn = sqlite3.connect(tmp_path / "q.db")
    conn.execute(f"PRAGMA user_version={SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer version"):
        JobStore(tmp_path / "q.db")
    # The refused store's own connection is closed too: nobody got a store to close it with.
    assert len(sqlite_connections) == 2 and is_closed(sqlite_connections[1])


def test_a_refused_database_is_closed_again(tmp_path: Path, sqlite_connections: list[sqlite3.Connection]) -> None:
    (tmp_path / "q.db").write_bytes(b"not a database, just some bytes " * 64)
    with pytest.raises(QueueDamaged, match="is damaged"):
        JobStore(tmp_path / "q.db")
    assert len(sqlite_connections) == 1 and is_closed(sqlite_connections[0])


def test_close_closes_the_connection_and_may_be_repeated(tmp_path: Path,
                                                         sqlite_connections: list[sqlite3.Connection]) -> None:
    store = JobStore(tmp_path / "q.db")
    store.add_jobs([_new(1)])
    store.close()
    store.close()
    assert len(sqlite_connections) == 1 and is_closed(sqlite_connections[0])


@pytest.fixture(params=["returning", "select-then-update"])
def claim_way(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> str:
    """Both ways a job is claimed: one UPDATE ... RETURNING, or, where SQLite is older than 3.35, a read
    and a compare-and-set."""
    monkeypatch.setattr(store_module, "_HAS_RETURNING", request.param == "returning")
    return str(request.param)


def test_add_claim_and_state_changes_survive_reopen(tmp_path: Path, claim_way: str) -> None:
    store = JobStore(tmp_path / "q.db")
    jobs = store.add_jobs([_new(1), _new(2)])
    claimed = store.claim_next()
    assert claimed is not None and claimed.id == jobs[0].id
    assert claimed.state is JobState.SIGNING and claimed.attempts == 1
    assert store.set_state(claimed.id, JobState.DONE, etag="abc", bytes_sent=1)
    assert not store.set_state(claimed.id, JobState.FAILED, expect=(JobState.UPLOADING,))
    store.set_state(jobs[1].id, JobState.UPLOADING)
    store.close()
    again = JobStore(tmp_path / "q.db")
    assert again.recover_interrupted() == [jobs[1].id]
    by_id = {j.id: j for j in again.list_jobs()}
    assert by_id[jobs[0].id].state is JobState.DONE and by_id[jobs[0].id].etag == "abc"
    assert by_id[jobs[0].id].finished_at is not None
    assert by_id[jobs[1].id].state is JobState.QUEUED
    again.close()


def test_claim_respects_profiles_and_order(tmp_path: Path, claim_way: str) -> None:
    store = JobStore(tmp_path / "q.db")
    store.add_jobs([_new(1, "a"), _new(2, "b"), _new(3, "b"), _new(4, "b"), _new(5, "c")])
    claimed = store.claim_next(["b"])
    assert claimed is not None and claimed.path == "/data/f2" and claimed.state is JobState.SIGNING
    assert store.claim_next(["d"]) is None
    # Jobs set aside by id, and destinations that are down, are passed over.
    third = next(j for j in store.list_jobs() if j.path == "/data/f3")
    claimed = store.claim_next(["b"], exclude=[third.id])
    assert claimed is not None and claimed.path == "/data/f4"
    claimed = store.claim_next(exclude_profiles=["a", "b"])
    assert claimed is not None and claimed.path == "/data/f5" and claimed.attempts == 1
    assert store.claim_next(exclude_profiles=["a", "b"]) is None
    assert [j.path for j in store.list_jobs([JobState.QUEUED])] == ["/data/f1", "/data/f3"]
    store.close()


def test_a_job_another_process_took_between_look_and_claim_is_not_taken_twice(tmp_path: Path,
                                                                              claim_way: str) -> None:
    mine, theirs = JobStore(tmp_path / "q.db"), JobStore(tmp_path / "q.db")  # two connections, as two processes
    first, second = mine.add_jobs([_new(1), _new(2)])
    taken_by_them: list[int] = []

    def before_statement(sql: str) -> None:
        # The other process claims the job this one has just looked at, before this one marks it.
        if sql.startswith("UPDATE jobs SET state=") and "attempts=attempts+1" in sql and not taken_by_them:
            job = theirs.claim_next()
            assert job is not None
            taken_by_them.append(job.id)

    mine._conn.set_trace_callback(before_statement)
    try:
        got = mine.claim_next()
    finally:
        mine._conn.set_trace_callback(None)
    assert taken_by_them == [first.id]
    assert got is not None and got.id == second.id and got.state is JobState.SIGNING
    assert mine.claim_next() is None
    mine.close()
    theirs.close()


def test_error_round_trip_and_search(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    job = store.add_jobs([_new(1)])[0]
    store.set_state(job.id, JobState.FAILED, error={"code": "AccessDenied", "message": "no"})
    got = store.get(job.id)
    assert got is not None and got.error == {"code": "AccessDenied", "message": "no"}
    assert [j.id for j in store.list_jobs(search="f1")] == [job.id]
    assert store.list_jobs(search="%") == []  # LIKE wildcards are escaped
    store.close()


def test_set_many_and_retry_reset(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    jobs = store.add_jobs([_new(i) for i in range(3)])
    store.set_state(jobs[0].id, JobState.FAILED, error={"code": "x"})
    changed = store.set_many(None, JobState.QUEUED, expect=(JobState.FAILED,), reset_attempts=True)
    assert changed == [jobs[0].id]
    job = store.get(jobs[0].id)
    assert job is not None and job.error is None and job.attempts == 0
    assert store.set_many([], JobState.PAUSED, expect=(JobState.QUEUED,)) == []
    store.close()


def test_multipart_state_is_kept_per_job(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    job = store.add_jobs([_new(1)])[0]
    store.set_multipart(job.id, UploadRecord("upload-1", "k1", 5 * 1024 * 1024, 10, 20))
    store.add_part(job.id, 2, "e2", 10, "m2")
    store.add_part(job.id, 1, "e1", 10, "m1")
    assert store.get_multipart(job.id) == UploadRecord("upload-1", "k1", 5 * 1024 * 1024, 10, 20)
    assert list(store.parts(job.id)) == [1, 2]
    store.remove([job.id])
    assert store.get_multipart(job.id) is None and store.parts(job.id) == {}
    store.close()


def test_multipart_state_keeps_the_checksum_of_the_upload_and_its_parts(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    job = store.add_jobs([_new(1)])[0]
    record = UploadRecord("upload-1", "k1", 5 * 1024 * 1024, 10, 20, checksum_algorithm="CRC32")
    store.set_multipart(job.id, record)
    store.add_part(job.id, 1, "e1", 10, None, "AAAAAA==")
    store.add_part(job.id, 2, "e2", 10, "m2", "AAAAAQ==")
    assert store.get_multipart(job.id) == record
    assert store.parts(job.id) == {1: ("e1", 10, None, "AAAAAA=="), 2: ("e2", 10, "m2", "AAAAAQ==")}
    store.close()


def _queue_before(path: Path, marker: str) -> sqlite3.Connection:
    """A queue database as the version before the migration that mentions ``marker`` left it."""
    version = next(i for i, script in enumerate(MIGRATIONS) if marker in script)
    conn = sqlite3.connect(path)
    for script in MIGRATIONS[:version]:
        conn.executescript(script)
    conn.execute(f"PRAGMA user_version={version}")
    return conn


def test_a_queue_from_before_part_checksums_is_migrated_with_its_uploads(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    with closing(_queue_before(path, "checksum_crc32")) as conn:
        conn.execute("INSERT INTO jobs (id, path, size, mtime_ns, key, content_type, profile, state, created_at, "
                     "updated_at) VALUES (7, '/data/big', 10, 20, 'big', 'text/plain', 'p', 'queued', 0, 0)")
        conn.execute("INSERT INTO multipart VALUES (7, 'upload-1', 'big', 5242880, 10, 20, 0)")
        conn.execute("INSERT INTO parts VALUES (7, 1, 'e1', 5242880, 'm1')")
        conn.commit()
    store = JobStore(path)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        # An upload in progress goes on as it was started: without part checksums.
        assert store.get_multipart(7) == UploadRecord("upload-1", "big", 5242880, 10, 20, None)
        assert store.parts(7) == {1: ("e1", 5242880, "m1", None)}
        store.add_part(7, 2, "e2", 5, "m2")
        assert store.parts(7)[2] == ("e2", 5, "m2", None)
    finally:
        store.close()


def test_a_job_is_found_by_the_key_asked_for_after_it_was_stored_under_another(tmp_path: Path) -> None:
    """A Companion service names each object itself, and a taken name is numbered: queuing the same files again
    must still find their jobs, or a continued batch sends its finished files a second time."""
    store = JobStore(tmp_path / "q.db")
    _numbered, named_by_service, plain = store.add_jobs([
        NewJob(path="/data/a", size=1, mtime_ns=1, key="a (2).csv", requested_key="a.csv",
               content_type="text/csv", profile="p", batch="b"),
        NewJob(path="/data/b", size=1, mtime_ns=1, key="b.csv", content_type="text/csv", profile="p", batch="b"),
        NewJob(path="/data/c", size=1, mtime_ns=1, key="c.csv", content_type="text/csv", profile="p", batch="b"),
    ])
    store.finish(named_by_service.id, key="2f6c/b.csv", etag="e", bytes_sent=1)
    store.set_key(plain.id, "c (2).csv")

    unfinished = store.unfinished_by_file("p")
    assert set(unfinished) == {("/data/a", "a.csv"), ("/data/c", "c.csv")}
    # Each job as it is now: the key it will be stored under.
    assert unfinished[("/data/a", "a.csv")].key == "a (2).csv"
    assert unfinished[("/data/c", "c.csv")].key == "c (2).csv"
    done = store.done_in_batches("p", ["b"])
    assert set(done) == {("/data/b", "b.csv")}
    assert done[("/data/b", "b.csv")].key == "2f6c/b.csv"
    store.close()


def test_the_history_is_asked_for_the_paths_dropped_and_gives_each_ones_newest_upload(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    older, newer, other, _unfinished = store.add_jobs([
        NewJob(path="/data/a", size=1, mtime_ns=1, key="a.csv", content_type="text/csv", profile="p", batch="1"),
        NewJob(path="/data/a", size=2, mtime_ns=2, key="a.csv", content_type="text/csv", profile="p", batch="2"),
        NewJob(path="/data/b", size=1, mtime_ns=1, key="b.csv", content_type="text/csv", profile="p", batch="1"),
        NewJob(path="/data/c", size=1, mtime_ns=1, key="c.csv", content_type="text/csv", profile="p", batch="2"),
    ])
    for job, stored_as in ((older, "x/a.csv"), (newer, "y/a.csv"), (other, "b.csv")):
        store.finish(job.id, key=stored_as, etag="e", bytes_sent=job.size)
    found = store.uploaded_by_file("p", ["/data/a", "/data/c", "/data/zzz"])
    assert list(found) == [("/data/a", "a.csv")]  # /data/b was not asked for; /data/c is not uploaded yet
    assert found[("/data/a", "a.csv")].id == newer.id and found[("/data/a", "a.csv")].key == "y/a.csv"
    assert store.uploaded_by_file("q", ["/data/a"]) == {}
    assert store.uploaded_by_file("p", (f"/data/{i}" for i in range(2500))) == {}  # more than one query's worth
    store.close()


def test_jobs_queued_before_the_key_asked_for_was_kept_are_found_by_their_key(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    with closing(_queue_before(path, "requested_key")) as conn:
        conn.execute("INSERT INTO jobs (id, path, size, mtime_ns, key, content_type, profile, state, batch, "
                     "created_at, updated_at) VALUES (3, '/data/a', 1, 1, 'a.csv', 'text/csv', 'p', 'queued', 'b', "
                     "0, 0)")
        conn.commit()
    store = JobStore(path)
    try:
        assert store.schema_version() == SCHEMA_VERSION
        assert [job.id for job in store.unfinished_by_file("p").values()] == [3]
        assert set(store.unfinished_by_file("p")) == {("/data/a", "a.csv")}
    finally:
        store.close()


def test_has_queued_by_profile(tmp_path: Path) -> None:
    store = JobStore(tmp_path / "q.db")
    assert not store.has_queued()
    job = store.add_jobs([_new(1, "a")])[0]
    assert store.has_queued() and store.has_queued(["a"]) and not store.has_queued(["b"])
    store.set_state(job.id, JobState.DONE)
    assert not store.has_queued(["a"])
    store.close()


def test_counts_of_some_jobs_cover_only_those_however_many(tmp_path: Path) -> None:
    with closing(JobStore(tmp_path / "q.db")) as store:
        jobs = store.add_jobs([_new(i) for i in range(2500)])  # more than one query's worth of ids
        for job in jobs[:1200]:
            store.finish(job.id, key=job.key, etag="e", bytes_sent=job.size)
        store.set_state(jobs[1200].id, JobState.FAILED)
        store.remove([jobs[0].id])
        mine = [j.id for j in jobs[:1300]] + [jobs[5].id, 999_999]  # repeated and unknown ids count once, or not
        assert store.counts(mine) == {JobState.DONE: 1199, JobState.FAILED: 1, JobState.QUEUED: 99}
        assert store.counts() == {JobState.DONE: 1199, JobState.FAILED: 1, JobState.QUEUED: 1299}
        assert store.counts([]) == {}


def test_get_many_reads_any_number_of_jobs_and_skips_removed_ones(tmp_path: Path) -> None:
    with closing(JobStore(tmp_path / "q.db")) as store:
        jobs = store.add_jobs([_new(i) for i in range(2500)])  # more than one query's worth of ids
        store.remove([jobs[10].id])
        wanted = [j.id for j in reversed(jobs)] + [jobs[0].id, 999_999]
        found = store.get_many(wanted)
        assert [j.id for j in found] == sorted({j.id for j in jobs} - {jobs[10].id})
        assert found[0].path == "/data/f0" and found[-1].key == "k2499"
        assert store.get_many([]) == []
