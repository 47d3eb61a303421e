"""The durable job queue: one SQLite row per file, so that no queued file is lost to a crash or kill.

WAL mode lets the GUI read while workers write; every change is its own short transaction, and bulk
inserts are one transaction. Schema changes go through numbered migrations.
"""

from __future__ import annotations

import errno
import json
import os
import sqlite3
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

from desktop_uploader.core.models import Job, JobState, NewJob
from desktop_uploader.core.owner import is_alive, is_this_process, this_process

# Each entry upgrades the schema by one version; never edit a released entry, append a new one.
MIGRATIONS: tuple[str, ...] = (
    """
    CREATE TABLE jobs (
        id INTEGER PRIMARY KEY AUTOINCREMENT,
        path TEXT NOT NULL,
        size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        key TEXT NOT NULL,
        content_type TEXT NOT NULL,
        profile TEXT NOT NULL,
        state TEXT NOT NULL,
        bytes_sent INTEGER NOT NULL DEFAULT 0,
        attempts INTEGER NOT NULL DEFAULT 0,
        error TEXT,
        etag TEXT,
        batch TEXT NOT NULL DEFAULT '',
        created_at REAL NOT NULL,
        updated_at REAL NOT NULL,
        finished_at REAL
    );
    CREATE INDEX jobs_state ON jobs(state);
    CREATE INDEX jobs_key ON jobs(profile, key);
    """,
    # Multipart state: the upload id and every finished part, so a restart continues where it stopped.
    """
    CREATE TABLE multipart (
        job_id INTEGER PRIMARY KEY REFERENCES jobs(id) ON DELETE CASCADE,
        upload_id TEXT NOT NULL,
        key TEXT NOT NULL,
        part_size INTEGER NOT NULL,
        file_size INTEGER NOT NULL,
        mtime_ns INTEGER NOT NULL,
        created_at REAL NOT NULL
    );
    CREATE TABLE parts (
        job_id INTEGER NOT NULL REFERENCES jobs(id) ON DELETE CASCADE,
        part_number INTEGER NOT NULL,
        etag TEXT NOT NULL,
        size INTEGER NOT NULL,
        md5 TEXT,
        PRIMARY KEY (job_id, part_number)
    );
    CREATE TABLE orphan_uploads (
        upload_id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        profile TEXT NOT NULL,
        created_at REAL NOT NULL
    );
    """,
    # Metadata fixed when a file is queued (device, operator of that shift), sent whenever it uploads.
    """
    ALTER TABLE jobs ADD COLUMN metadata TEXT;
    """,
    # The process sending a job ("<pid>:<start time>", see core.owner), so a second run on the same queue
    # leaves it alone while that process lives.
    """
    ALTER TABLE jobs ADD COLUMN owner TEXT;
    """,
    # The uploaded object's address, as the link it was sent to named it (a signing service's bucket and
    # host are not known otherwise).
    """
    ALTER TABLE jobs ADD COLUMN url TEXT;
    """,
    # What was learnt of a destination and holds across runs (whether its storage confirms checksums).
    """
    CREATE TABLE destination_facts (destination TEXT NOT NULL, fact TEXT NOT NULL, value TEXT NOT NULL,
                                    learnt_at REAL NOT NULL, PRIMARY KEY (destination, fact));
    """,
    # Multipart uploads the storage checks by its own CRC32: whether an upload was started that way, and each
    # part's CRC, which completing it must repeat (a storage may not list them).
    """
    ALTER TABLE multipart ADD COLUMN checksum_algorithm TEXT;
    ALTER TABLE parts ADD COLUMN checksum_crc32 TEXT;
    """,
    # The key the batch asked for, kept while ``key`` becomes the one the file was stored under (a numbered
    # name, or one a Companion service chose): queuing the same files again finds a job by what was asked.
    # NULL in rows from before: their key is what was asked, or as near as is known.
    """
    ALTER TABLE jobs ADD COLUMN requested_key TEXT;
    """,
    # Files dropped again are looked up in the history by path (core/planning.py), however long it grew.
    """
    CREATE INDEX jobs_path ON jobs(profile, path);
    """,
)
SCHEMA_VERSION = len(MIGRATIONS)

# A claim is one UPDATE ... RETURNING where SQLite has it (3.35 and later); the Pythons of some long-term
# distributions link an older one.
_HAS_RETURNING = sqlite3.sqlite_version_info >= (3, 35, 0)
_CLAIM = "UPDATE jobs SET state=?, attempts=attempts+1, updated_at=?, owner=?"

_COLUMNS = (
    "id, path, size, mtime_ns, key, content_type, profile, state, bytes_sent, attempts, error, etag, "
    "batch, created_at, updated_at, finished_at, metadata, url"
)
_REQUESTED = "COALESCE(requested_key, key)"
_Chunked = TypeVar("_Chunked", int, str)


class StoreError(Exception):
    """The queue database cannot be used; the message says why in plain words and names the file."""

    def __init__(self, message: str, path: Path | None = None) -> None:
        super().__init__(message)
        self.path = path


class QueueDamaged(StoreError):
    """The database file is not a database any more (a disk fault, a half-copied file)."""


def _id_chunks(job_ids: Iterable[_Chunked]) -> Iterator[tuple[str, list[_Chunked]]]:
    """The distinct ids (or paths) in order, a thousand at a time (well under SQLite's limit on bound
    parameters), each chunk with its ``?`` placeholders."""
    ids = sorted(set(job_ids))
    for start in range(0, len(ids), 1000):
        chunk = ids[start:start + 1000]
        yield ",".join("?" * len(chunk)), chunk


def _plain_error(exc: sqlite3.Error | OSError, path: Path) -> StoreError:
    """What a database or file-system error means for the user, in one sentence that names the file."""
    name = str(getattr(exc, "sqlite_errorname", "") or "")
    if name.startswith(("SQLITE_CORRUPT", "SQLITE_NOTADB")):
        return QueueDamaged(f"The queue database {path} is damaged ({exc}).", path)
    if name == "SQLITE_FULL" or getattr(exc, "errno", None) == errno.ENOSPC:
        return StoreError(f"The disk that holds the queue database {path} is full. Free some space and try "
                          "again; nothing queued was lost.", path)
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN", "SQLITE_PERM", "SQLITE_AUTH")) or \
            isinstance(exc, PermissionError) or getattr(exc, "errno", None) == errno.EROFS:
        return StoreError(f"The queue database {path} cannot be written: the file or its folder is read-only "
                          f"or belongs to someone else ({exc}).", path)
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(f"The queue database {path} stayed locked by another program ({exc}).", path)
    return StoreError(f"The queue database {path} could not be read or written ({exc}).", path)


def set_aside(path: Path | str) -> Path:
    """Move a (damaged) queue database and its journal files out of the way, keeping them for inspection;
    returns where the database went. The next start creates an empty queue."""
    path = Path(path)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    target = path.with_name(f"{path.name}.damaged-{stamp}")
    for suffix in ("", "-wal", "-shm"):
        source = Path(f"{path}{suffix}")
        if source.exists():
            os.replace(source, f"{target}{suffix}")
    return target


def _private_file(path: Path) -> None:
    """The queue holds file names and keys of other people's work: readable by its owner only. SQLite gives
    its -wal and -shm files the database's own permissions."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    for suffix in ("", "-wal", "-shm"):
        with suppress(OSError):  # not ours to change (another owner, Windows): leave it as it is
            os.chmod(f"{path}{suffix}", 0o600)


@dataclass(frozen=True)
class UploadRecord:
    """A multipart upload in progress: enough to continue it after a restart, or to abort it."""

    upload_id: str
    key: str  # the key on the server (a Companion service chooses its own)
    part_size: int
    file_size: int  # the file as it was when the upload started: a changed file starts over
    mtime_ns: int
    checksum_algorithm: str | None = None  # "CRC32": every part carries its CRC, and the completion repeats them


def _row_to_job(row: sqlite3.Row | tuple[Any, ...]) -> Job:
    (jid, path, size, mtime_ns, key, ctype, profile, state, sent, attempts, error, etag, batch, created,
     updated, finished, metadata, url) = tuple(row)
    return Job(
        id=jid, path=path, size=size, mtime_ns=mtime_ns, key=key, content_type=ctype, profile=profile,
        state=JobState(state), bytes_sent=sent, attempts=attempts,
        error=json.loads(error) if error else None, etag=etag, batch=batch, created_at=created,
        updated_at=updated, finished_at=finished, metadata=json.loads(metadata) if metadata else {}, url=url or "",
    )


class JobStore:
    """Thread-safe access to the queue database. One connection, guarded by a lock."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _private_file(self.path)
            self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        except (sqlite3.Error, OSError) as exc:
            raise _plain_error(exc, self.path) from exc
        try:
            with self._db() as conn:
                conn.execute("PRAGMA journal_mode=WAL")
                # NORMAL is durable across application crashes in WAL mode; only a power cut may drop the
                # last commits, which resume handles (a job goes back to queued, never disappears).
                conn.execute("PRAGMA synchronous=NORMAL")
                conn.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except BaseException:
            # Nobody gets a store to close: a refused or unreadable database must not stay open.
            self._conn.close()
            raise

    # -- schema ---------------------------------------------------------------------------------------
    def _migrate(self) -> None:
        with self._db():
            current = self._conn.execute("PRAGMA user_version").fetchone()[0]
            if current > SCHEMA_VERSION:
                raise StoreError(
                    f"The queue database {self.path} was written by a newer version of the app "
                    f"(schema {current}, this version knows {SCHEMA_VERSION}). Update the app."
                )
            for version in range(current, SCHEMA_VERSION):
                with self._tx():
                    for statement in _split_sql(MIGRATIONS[version]):
                        self._conn.execute(statement)
                    self._conn.execute(f"PRAGMA user_version={version + 1}")

    @contextmanager
    def _db(self) -> Iterator[sqlite3.Connection]:
        """The connection, under the lock; its errors become a StoreError that says what to do."""
        with self._lock:
            try:
                yield self._conn
            except sqlite3.Error as exc:
                raise _plain_error(exc, self.path) from exc

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        with self._db() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                # Also when COMMIT itself failed (a full disk): an open transaction would refuse every
                # later BEGIN on this connection.
                if conn.in_transaction:
                    with suppress(sqlite3.Error):
                        conn.execute("ROLLBACK")
                raise

    def schema_version(self) -> int:
        with self._db():
            return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def close(self) -> None:
        """Close the database; closing again does nothing."""
        with self._lock:
            self._conn.close()

    # -- jobs -----------------------------------------------------------------------------------------
    def add_jobs(self, new_jobs: Sequence[NewJob]) -> list[Job]:
        """Insert many jobs in one transaction and return them with their ids."""
        now = time.time()
        jobs: list[Job] = []
        with self._tx() as conn:
            for nj in new_jobs:
                cur = conn.execute(
                    "INSERT INTO jobs (path, size, mtime_ns, key, requested_key, content_type, profile, state, "
                    "batch, created_at, updated_at, metadata) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                    (nj.path, nj.size, nj.mtime_ns, nj.key, nj.requested_key or nj.key, nj.content_type,
                     nj.profile, nj.state.value, nj.batch, now, now,
                     json.dumps(nj.metadata) if nj.metadata else None),
                )
                jobs.append(Job(
                    id=int(cur.lastrowid or 0), path=nj.path, size=nj.size, mtime_ns=nj.mtime_ns, key=nj.key,
                    content_type=nj.content_type, profile=nj.profile, state=nj.state,
                    batch=nj.batch, created_at=now, updated_at=now, metadata=dict(nj.metadata),
                ))
        return jobs

    def get(self, job_id: int) -> Job | None:
        with self._db():
            row = self._conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=?", (job_id,)).fetchone()
        return _row_to_job(row) if row else None

    def get_many(self, job_ids: Iterable[int]) -> list[Job]:
        """The jobs with these ids that still exist, in id order: one query per thousand, not one each."""
        jobs: list[Job] = []
        with self._db():
            for marks, chunk in _id_chunks(job_ids):
                rows = self._conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id IN ({marks}) ORDER BY id",
                                          chunk).fetchall()
                jobs.extend(_row_to_job(row) for row in rows)
        return jobs

    def list_jobs(self, states: Iterable[JobState] | None = None, *, batch: str | None = None,
             limit: int | None = None, search: str | None = None, newest_first: bool = False) -> list[Job]:
        sql = f"SELECT {_COLUMNS} FROM jobs"
        where: list[str] = []
        args: list[Any] = []
        if states is not None:
            values = [s.value for s in states]
            where.append(f"state IN ({','.join('?' * len(values))})")
            args.extend(values)
        if batch is not None:
            where.append("batch=?")
            args.append(batch)
        if search:
            where.append("(path LIKE ? ESCAPE '\\' OR key LIKE ? ESCAPE '\\')")
            like = "%" + search.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            args.extend([like, like])
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY id DESC" if newest_first else " ORDER BY id"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with self._db():
            rows = self._conn.execute(sql, args).fetchall()
        return [_row_to_job(r) for r in rows]

    def counts(self, job_ids: Iterable[int] | None = None) -> dict[JobState, int]:
        """How many jobs are in each state: all of them, or those with these ids (without loading them)."""
        if job_ids is None:
            with self._db():
                rows = self._conn.execute("SELECT state, COUNT(*) FROM jobs GROUP BY state").fetchall()
            return {JobState(s): n for s, n in rows}
        counted: dict[JobState, int] = {}
        with self._db():
            for marks, chunk in _id_chunks(job_ids):
                for state, n in self._conn.execute(
                        f"SELECT state, COUNT(*) FROM jobs WHERE id IN ({marks}) GROUP BY state", chunk):
                    counted[JobState(state)] = counted.get(JobState(state), 0) + n
        return counted

    def unfinished_by_file(self, profile: str) -> dict[tuple[str, str], Job]:
        """Not-yet-done jobs by (path, the key asked for), so queuing the same file again resumes it, also
        after it was given a numbered name. One query for a whole batch instead of one per file."""
        return self._by_requested_key(
            f"SELECT {_COLUMNS}, {_REQUESTED} FROM jobs WHERE profile=? AND state NOT IN (?,?) ORDER BY id",
            (profile, JobState.DONE.value, JobState.CANCELLED.value))

    def done_in_batches(self, profile: str, batches: Iterable[str]) -> dict[tuple[str, str], Job]:
        """Uploaded jobs of these batches by (path, the key asked for): what a batch that is being continued
        already sent, under whatever key it was stored (numbered, or chosen by a Companion service)."""
        names = sorted(set(batches))
        if not names:
            return {}
        return self._by_requested_key(
            f"SELECT {_COLUMNS}, {_REQUESTED} FROM jobs WHERE profile=? AND state=? "
            f"AND batch IN ({','.join('?' * len(names))})",
            (profile, JobState.DONE.value, *names))

    def uploaded_by_file(self, profile: str, paths: Iterable[str]) -> dict[tuple[str, str], Job]:
        """The files at these paths this profile uploaded, by (path, the key asked for): the newest upload of
        each. A query per thousand paths, on the path index: the history may hold far more."""
        found: dict[tuple[str, str], Job] = {}
        for marks, chunk in _id_chunks(paths):
            found.update(self._by_requested_key(
                # "+state": not by the state index, which SQLite would pick, and which holds the whole history.
                f"SELECT {_COLUMNS}, {_REQUESTED} FROM jobs WHERE profile=? AND path IN ({marks}) AND +state=? "
                "ORDER BY id", (profile, *chunk, JobState.DONE.value)))
        return found

    def _by_requested_key(self, sql: str, args: Sequence[Any]) -> dict[tuple[str, str], Job]:
        with self._db():
            rows = self._conn.execute(sql, args).fetchall()
        return {(row[1], row[-1]): _row_to_job(row[:-1]) for row in rows}

    def has_queued(self, profiles: Iterable[str] | None = None) -> bool:
        """Whether any job (of these profiles) waits to be sent; asked after every job, so one cheap query."""
        sql = "SELECT 1 FROM jobs WHERE state=?"
        args: list[Any] = [JobState.QUEUED.value]
        if profiles is not None:
            names = list(profiles)
            sql += f" AND profile IN ({','.join('?' * len(names))})"
            args.extend(names)
        with self._db():
            return self._conn.execute(sql + " LIMIT 1", args).fetchone() is not None

    def peek_queued(self, profile: str, *, limit: int, exclude: Iterable[int] = ()) -> list[Job]:
        """The next queued jobs of ``profile`` in the order workers take them, without claiming them."""
        excluded = list(exclude)
        sql = f"SELECT {_COLUMNS} FROM jobs WHERE state=? AND profile=?"
        args: list[Any] = [JobState.QUEUED.value, profile]
        if excluded:
            sql += f" AND id NOT IN ({','.join('?' * len(excluded))})"
            args.extend(excluded)
        sql += " ORDER BY id LIMIT ?"
        args.append(int(limit))
        with self._db():
            return [_row_to_job(row) for row in self._conn.execute(sql, args).fetchall()]

    def claim_next(self, profiles: Iterable[str] | None = None, exclude: Iterable[int] = (),
                   exclude_profiles: Iterable[str] = ()) -> Job | None:
        """Atomically move the oldest queued job to 'signing' and return it."""
        excluded = list(exclude)
        skipped = list(exclude_profiles)
        where = "state=?"
        args: list[Any] = [JobState.QUEUED.value]
        if profiles is not None:
            names = list(profiles)
            where += f" AND profile IN ({','.join('?' * len(names))})"
            args.extend(names)
        if excluded:
            where += f" AND id NOT IN ({','.join('?' * len(excluded))})"
            args.extend(excluded)
        if skipped:
            where += f" AND profile NOT IN ({','.join('?' * len(skipped))})"
            args.extend(skipped)
        oldest = f"SELECT id FROM jobs WHERE {where} ORDER BY id LIMIT 1"
        with self._db() as conn:
            if _HAS_RETURNING:
                # Choosing and taking in one statement: atomic against other processes without a transaction
                # around it, and one statement fewer on the path every file takes. Its rows are read to the
                # end, so that the statement, and its write, are finished here.
                rows = conn.execute(f"{_CLAIM} WHERE id=({oldest}) RETURNING {_COLUMNS}",
                                    (JobState.SIGNING.value, time.time(), this_process(), *args)).fetchall()
                return _row_to_job(rows[0]) if rows else None
            # Without RETURNING (SQLite before 3.35): a read, then a compare-and-set; a job another process
            # took between the two is simply looked for again.
            while True:
                row = conn.execute(f"SELECT {_COLUMNS} FROM jobs WHERE id=({oldest})", args).fetchone()
                if row is None:
                    return None
                now = time.time()
                if conn.execute(f"{_CLAIM} WHERE id=? AND state=?", (JobState.SIGNING.value, now, this_process(),
                                                                      row[0], JobState.QUEUED.value)).rowcount:
                    job = _row_to_job(row)
                    return replace(job, state=JobState.SIGNING, attempts=job.attempts + 1, updated_at=now)

    def set_state(self, job_id: int, state: JobState, *, expect: Iterable[JobState] | None = None,
                  error: dict[str, Any] | None = None, etag: str | None = None,
                  bytes_sent: int | None = None, clear_error: bool = False,
                  reset_attempts: bool = False) -> bool:
        """Change a job's state; with *expect*, only if it is currently in one of those states."""
        now = time.time()
        sets = ["state=?", "updated_at=?"]
        args: list[Any] = [state.value, now]
        if error is not None:
            sets.append("error=?")
            args.append(json.dumps(error))
        elif clear_error:
            sets.append("error=NULL")
        if etag is not None:
            sets.append("etag=?")
            args.append(etag)
        if bytes_sent is not None:
            sets.append("bytes_sent=?")
            args.append(bytes_sent)
        if reset_attempts:
            sets.append("attempts=0")
        sets.append("finished_at=?")
        args.append(now if state.finished else None)
        sql = f"UPDATE jobs SET {', '.join(sets)} WHERE id=?"
        args.append(job_id)
        if expect is not None:
            values = [s.value for s in expect]
            sql += f" AND state IN ({','.join('?' * len(values))})"
            args.extend(values)
        with self._db() as conn:  # one statement: atomic without a transaction around it
            return conn.execute(sql, args).rowcount > 0

    def finish(self, job_id: int, *, key: str, etag: str, bytes_sent: int, url: str = "") -> None:
        """Record an upload as done: the key and address it was stored under, in one change."""
        now = time.time()
        with self._db() as conn:  # one statement: atomic without a transaction around it
            conn.execute("UPDATE jobs SET state=?, key=?, etag=?, bytes_sent=?, url=?, error=NULL, updated_at=?, "
                         "finished_at=? WHERE id=?",
                         (JobState.DONE.value, key, etag, bytes_sent, url or None, now, now, job_id))

    def set_many(self, job_ids: Sequence[int] | None, state: JobState, *, expect: Iterable[JobState],
                 reset_attempts: bool = False) -> list[int]:
        """Move many jobs at once (pause all, resume all, retry all); returns the ids changed."""
        values = [s.value for s in expect]
        now = time.time()
        with self._tx() as conn:
            sql = f"SELECT id FROM jobs WHERE state IN ({','.join('?' * len(values))})"
            args: list[Any] = list(values)
            if job_ids is not None:
                ids = list(job_ids)
                if not ids:
                    return []
                sql += f" AND id IN ({','.join('?' * len(ids))})"
                args.extend(ids)
            changed = [r[0] for r in conn.execute(sql, args).fetchall()]
            extra = ", attempts=0, error=NULL" if reset_attempts else ""
            conn.executemany(
                f"UPDATE jobs SET state=?, updated_at=?, finished_at=?{extra} WHERE id=?",
                [(state.value, now, now if state.finished else None, jid) for jid in changed],
            )
        return changed

    def update_progress(self, job_id: int, bytes_sent: int) -> None:
        with self._db():
            self._conn.execute("UPDATE jobs SET bytes_sent=?, updated_at=? WHERE id=?",
                               (bytes_sent, time.time(), job_id))

    def set_key(self, job_id: int, key: str) -> None:
        with self._db():
            self._conn.execute("UPDATE jobs SET key=? WHERE id=?", (key, job_id))

    def update_file_facts(self, job_id: int, size: int, mtime_ns: int) -> None:
        with self._db():
            self._conn.execute("UPDATE jobs SET size=?, mtime_ns=? WHERE id=?", (size, mtime_ns, job_id))

    def remove(self, job_ids: Sequence[int]) -> int:
        with self._tx() as conn:
            return conn.executemany("DELETE FROM jobs WHERE id=?", [(j,) for j in job_ids]).rowcount

    def recover_interrupted(self, *, mine_too: bool = True) -> list[int]:
        """Jobs that were signing or uploading when the process sending them died go back to the queue; those
        another running process is sending stay its own. With *mine_too*, also the jobs this process claimed
        earlier (an engine that stopped without putting them back); without it, those are left alone."""
        in_flight = (JobState.SIGNING.value, JobState.UPLOADING.value)
        with self._tx() as conn:
            rows = conn.execute("SELECT id, owner FROM jobs WHERE state IN (?,?)", in_flight).fetchall()
            gone = [jid for jid, owner in rows
                    if (mine_too and is_this_process(owner)) or (not is_this_process(owner) and not is_alive(owner))]
            conn.executemany("UPDATE jobs SET state=?, updated_at=?, finished_at=NULL WHERE id=?",
                             [(JobState.QUEUED.value, time.time(), jid) for jid in gone])
        return gone

    # -- multipart ------------------------------------------------------------------------------------
    def get_multipart(self, job_id: int) -> UploadRecord | None:
        with self._db():
            row = self._conn.execute(
                "SELECT upload_id, key, part_size, file_size, mtime_ns, checksum_algorithm FROM multipart "
                "WHERE job_id=?",
                (job_id,)).fetchone()
        return UploadRecord(*row) if row else None

    def set_multipart(self, job_id: int, record: UploadRecord) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM parts WHERE job_id=?", (job_id,))
            conn.execute("INSERT OR REPLACE INTO multipart (job_id, upload_id, key, part_size, file_size, mtime_ns, "
                         "created_at, checksum_algorithm) VALUES (?,?,?,?,?,?,?,?)",
                         (job_id, record.upload_id, record.key, record.part_size, record.file_size,
                          record.mtime_ns, time.time(), record.checksum_algorithm))

    def clear_multipart(self, job_id: int) -> None:
        with self._tx() as conn:
            conn.execute("DELETE FROM parts WHERE job_id=?", (job_id,))
            conn.execute("DELETE FROM multipart WHERE job_id=?", (job_id,))

    def add_part(self, job_id: int, part_number: int, etag: str, size: int, md5: str | None,
                 checksum_crc32: str | None = None) -> None:
        with self._db():
            self._conn.execute("INSERT OR REPLACE INTO parts VALUES (?,?,?,?,?,?)",
                               (job_id, part_number, etag, size, md5, checksum_crc32))

    def parts(self, job_id: int) -> dict[int, tuple[str, int, str | None, str | None]]:
        """(etag, size, md5, checksum_crc32) of each finished part, by number."""
        with self._db():
            rows = self._conn.execute(
                "SELECT part_number, etag, size, md5, checksum_crc32 FROM parts WHERE job_id=? ORDER BY part_number",
                (job_id,)).fetchall()
        return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}

    def add_orphan_upload(self, upload_id: str, key: str, profile: str) -> None:
        with self._db():
            self._conn.execute("INSERT OR REPLACE INTO orphan_uploads VALUES (?,?,?,?)",
                               (upload_id, key, profile, time.time()))

    def orphan_uploads(self) -> list[tuple[str, str, str]]:
        with self._db():
            rows = self._conn.execute("SELECT upload_id, key, profile FROM orphan_uploads").fetchall()
        return [(str(r[0]), str(r[1]), str(r[2])) for r in rows]

    def drop_orphan_upload(self, upload_id: str) -> None:
        with self._db():
            self._conn.execute("DELETE FROM orphan_uploads WHERE upload_id=?", (upload_id,))


    # -- what is known of destinations -----------------------------------------------------------------
    def destination_fact(self, destination: str, fact: str) -> str | None:
        with self._db():
            row = self._conn.execute("SELECT value FROM destination_facts WHERE destination=? AND fact=?",
                                     (destination, fact)).fetchone()
        return str(row[0]) if row else None

    def set_destination_fact(self, destination: str, fact: str, value: str) -> None:
        with self._db():
            self._conn.execute("INSERT OR REPLACE INTO destination_facts VALUES (?,?,?,?)",
                               (destination, fact, value, time.time()))


def _split_sql(script: str) -> list[str]:
    return [s.strip() for s in script.split(";") if s.strip()]
