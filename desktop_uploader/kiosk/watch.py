"""Watch folders: every file that lands in them is queued once it is complete, and never twice.

A camera import, a card reader or a survey app writes files over seconds or minutes. A file counts as
complete ("stable") when its size and modification time have not changed for ``stable_seconds`` and it
can be opened for reading; only then is it handed to ``on_ready``. Events from ``watchdog`` say which
paths to look at; a timer thread re-checks them when they are due, so nothing polls in a busy loop. A full
rescan at start finds files that arrived while the app was closed, and a periodic one catches events the
operating system dropped and folders that appear later (a memory card inserted after start).

"Never twice" survives restarts, renames and re-mounts: every queued file is remembered in a small SQLite
database by a SHA-256 of its content and its last known path, plus a fast lookup by (device, inode, size,
mtime) so that files already seen are not read again. A file with known content whose recorded path is
gone is that file renamed, moved or re-mounted, and is not queued again; the same content at a second
live path is a second file (two empty forms) and is queued. An edited file has new content and is queued
again as a new version. Memory cards (FAT/exFAT) have no stable inode numbers across re-mounts, which is
why the content hash, not the inode, is the real key.

After a verified upload a file may optionally be copied or moved into a "sent" folder, keeping its
place below the watch folder. Originals are never deleted by default.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import shutil
import sqlite3
import stat
import string
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from watchdog.events import (
    EVENT_TYPE_CLOSED_NO_WRITE,
    EVENT_TYPE_CREATED,
    EVENT_TYPE_MOVED,
    EVENT_TYPE_OPENED,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch

from desktop_uploader.core.paths import data_dir
from desktop_uploader.core.scan import DEFAULT_SKIP, SkipRule

# Re-exported: the watcher's callers name these choices through this module.
from desktop_uploader.core.settings import AFTER_COPY as AFTER_COPY
from desktop_uploader.core.settings import AFTER_KEEP as AFTER_KEEP
from desktop_uploader.core.settings import AFTER_MOVE as AFTER_MOVE
from desktop_uploader.core.settings import AFTER_UPLOAD_CHOICES as AFTER_UPLOAD_CHOICES

log = logging.getLogger(__name__)

SEEN_DB = "watch.sqlite3"
DEFAULT_STABLE_SECONDS = 3.0
DEFAULT_RESCAN_SECONDS = 60.0
_HASH_CHUNK = 1024 * 1024

ReadyCallback = Callable[[list[Path]], None]
Clock = Callable[[], float]

_STATE_QUEUED = "queued"
_STATE_SENT = "sent"


def _signature(st: os.stat_result) -> str | None:
    """The fast identity of a file version; None where the system gives no inode numbers."""
    if not st.st_ino:
        return None
    # Text, not integers: 128-bit file ids (ReFS) and unsigned device numbers do not fit SQLite's int64.
    return f"{st.st_dev}:{st.st_ino}:{st.st_size}:{st.st_mtime_ns}"


class SeenFiles:
    """Files already handed to the queue: one row per file with its content hash and last known path, plus
    a stat-based shortcut. Thread-safe.

    The same content at two live paths is two files (two empty forms, a photo duplicated on purpose) and
    both are sent; the same content whose recorded path is gone, or now holds something else, is the
    recorded file renamed, moved or re-mounted elsewhere, and is not sent again.
    """

    def __init__(self, path: Path | None = None) -> None:
        self.path = path or data_dir() / SEEN_DB
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None, timeout=30)
        try:
            self._create_schema()
        except BaseException:
            self._conn.close()  # a damaged file must not leave the connection open
            raise

    def _create_schema(self) -> None:
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        self._conn.executescript(
            """
            CREATE TABLE IF NOT EXISTS files (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                fingerprint TEXT NOT NULL,
                size INTEGER NOT NULL,
                path TEXT NOT NULL,
                state TEXT NOT NULL,
                queued_at REAL NOT NULL,
                sent_at REAL
            );
            CREATE INDEX IF NOT EXISTS files_fingerprint ON files(fingerprint);
            CREATE TABLE IF NOT EXISTS sightings (
                signature TEXT PRIMARY KEY,
                file_id INTEGER NOT NULL
            );
            """
        )

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def lookup(self, st: os.stat_result) -> int | None:
        """The file a version was recorded as, from its stat alone (no reading)."""
        sig = _signature(st)
        if sig is None:
            return None
        with self._lock:
            row = self._conn.execute("SELECT file_id FROM sightings WHERE signature = ?", (sig,)).fetchone()
        return int(row[0]) if row else None

    def match(self, fingerprint: str, path: Path, st: os.stat_result) -> int | None:
        """The recorded file that ``path`` (with content ``fingerprint``) is, or None if it is a new one."""
        with self._lock:
            rows = self._conn.execute("SELECT id, path FROM files WHERE fingerprint = ? ORDER BY id",
                                      (fingerprint,)).fetchall()
        for file_id, recorded in rows:
            if recorded == str(path):
                return int(file_id)
        for file_id, recorded in rows:
            try:
                other = os.stat(recorded)
            except OSError:
                return int(file_id)  # gone from there: this is it, renamed, moved or re-mounted
            if os.path.samestat(other, st) or other.st_size != st.st_size:
                return int(file_id)  # a hard link to it, or its old place now holds something else
        return None

    def moved(self, file_id: int, st: os.stat_result, path: Path) -> None:
        """Remember where a recorded file is now, so a later copy of it is told apart from it."""
        sig = _signature(st)
        with self._lock:
            self._conn.execute("UPDATE files SET path = ? WHERE id = ?", (str(path), file_id))
            if sig is not None:
                self._conn.execute("INSERT OR REPLACE INTO sightings (signature, file_id) VALUES (?, ?)",
                                   (sig, file_id))

    def remember(self, fingerprint: str, st: os.stat_result, path: Path) -> int:
        sig = _signature(st)
        with self._lock:
            self._conn.execute("BEGIN")
            try:
                cursor = self._conn.execute(
                    "INSERT INTO files (fingerprint, size, path, state, queued_at) VALUES (?, ?, ?, ?, ?)",
                    (fingerprint, st.st_size, str(path), _STATE_QUEUED, time.time()))
                file_id = int(cursor.lastrowid or 0)
                if sig is not None:
                    self._conn.execute("INSERT OR REPLACE INTO sightings (signature, file_id) VALUES (?, ?)",
                                       (sig, file_id))
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
        return file_id

    def state(self, file_id: int) -> str | None:
        with self._lock:
            row = self._conn.execute("SELECT state FROM files WHERE id = ?", (file_id,)).fetchone()
        return str(row[0]) if row else None

    def mark_sent(self, file_id: int) -> None:
        with self._lock:
            self._conn.execute("UPDATE files SET state = ?, sent_at = ? WHERE id = ?",
                               (_STATE_SENT, time.time(), file_id))

    def count(self) -> int:
        with self._lock:
            row = self._conn.execute("SELECT COUNT(*) FROM files").fetchone()
        return int(row[0])


def fingerprint_file(path: Path, should_stop: Callable[[], bool] = lambda: False) -> str | None:
    """``sha256:<hex>`` of the file's content; None if stopped or unreadable."""
    digest = hashlib.sha256()
    try:
        with open(path, "rb") as fh:
            while True:
                if should_stop():
                    return None
                block = fh.read(_HASH_CHUNK)
                if not block:
                    break
                digest.update(block)
    except OSError as exc:
        log.debug("cannot read %s yet: %s", path, exc)
        return None
    return "sha256:" + digest.hexdigest()


@dataclass
class _Candidate:
    root: Path
    size: int
    mtime_ns: int
    since: float  # clock time the current size and mtime were first seen


@dataclass(frozen=True)
class _Uploaded:
    path: Path
    size: int
    mtime_ns: int


class _Handler(FileSystemEventHandler):
    def __init__(self, watcher: FolderWatcher) -> None:
        super().__init__()
        self._watcher = watcher

    def on_any_event(self, event: FileSystemEvent) -> None:
        # Our own reads (hashing, uploading) produce open/close events; they say nothing new.
        if event.event_type in (EVENT_TYPE_OPENED, EVENT_TYPE_CLOSED_NO_WRITE):
            return
        paths = [os.fsdecode(event.src_path)]
        if event.event_type == EVENT_TYPE_MOVED and event.dest_path:
            paths.append(os.fsdecode(event.dest_path))
        if event.is_directory:
            # A folder's own "modified" event fires for every file created in it; the file's events are
            # what matter. A folder created or moved in is walked, as its files may have no events.
            if event.event_type in (EVENT_TYPE_CREATED, EVENT_TYPE_MOVED):
                self._watcher._dirty_paths([Path(paths[-1])], folder=True)
            return
        self._watcher._dirty_paths([Path(p) for p in paths], folder=False)


class FolderWatcher:
    """Watches ``folders`` and calls ``on_ready(paths)`` for complete, never-seen files.

    ``on_ready`` runs on the watcher's thread; a file counts as queued only once it returned, so a crash
    or an exception in between means the file is offered again later (possibly sent twice, never lost).
    With ``background=False`` no thread is started and the owner calls :meth:`poll` itself (tests drive
    it with a fake ``clock`` that way).
    """

    def __init__(self, folders: Sequence[Path | str], on_ready: ReadyCallback, *,
                 seen: SeenFiles | None = None, stable_seconds: float = DEFAULT_STABLE_SECONDS,
                 rescan_seconds: float = DEFAULT_RESCAN_SECONDS, skip: SkipRule = DEFAULT_SKIP,
                 after_upload: str = AFTER_KEEP, sent_folder: Path | str | None = None,
                 clock: Clock = time.monotonic, background: bool = True,
                 observer_factory: Callable[[], BaseObserver] = Observer) -> None:
        if after_upload not in AFTER_UPLOAD_CHOICES:
            raise ValueError(f"after_upload must be one of {', '.join(AFTER_UPLOAD_CHOICES)}")
        if after_upload != AFTER_KEEP and not sent_folder:
            raise ValueError(f"after_upload '{after_upload}' needs a sent folder")
        self.folders = [Path(os.path.abspath(f)) for f in folders]
        self.on_ready = on_ready
        self._own_seen = seen is None
        self.seen = seen or SeenFiles()
        self.stable_seconds = stable_seconds
        self.rescan_seconds = rescan_seconds
        self.skip = skip
        self.after_upload = after_upload
        self.sent_folder = Path(os.path.abspath(sent_folder)) if sent_folder else None
        self.clock = clock
        self._background = background
        self._observer_factory = observer_factory
        self._observer: BaseObserver | None = None
        self._watches: dict[Path, ObservedWatch] = {}
        self._cond = threading.Condition()
        self._dirty: set[Path] = set()
        self._dirty_dirs: set[Path] = set()
        self._uploaded: list[_Uploaded] = []
        self._candidates: dict[Path, _Candidate] = {}
        self._next_rescan = 0.0  # the first poll scans everything
        self._stopping = False
        self._thread: threading.Thread | None = None
        self._poll_lock = threading.Lock()
        self.queued_count = 0

    # -- life cycle -----------------------------------------------------------------------------------
    def start(self) -> None:
        self._stopping = False
        self._observer = self._observer_factory()
        self._observer.daemon = True
        self._observer.start()
        self._sync_watches()
        if self._background:
            self._thread = threading.Thread(target=self._run, name="folder-watcher", daemon=True)
            self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._observer is not None:
            self._observer.stop()
            self._observer.join(timeout)
            self._observer = None
            self._watches.clear()
        if self._own_seen:
            self.seen.close()

    # -- requests from other threads ------------------------------------------------------------------
    def notify_uploaded(self, path: Path | str, size: int, mtime_ns: int) -> None:
        """The file at ``path`` (as it was: ``size``, ``mtime_ns``) is safely stored on the server."""
        with self._cond:
            self._uploaded.append(_Uploaded(Path(path), size, mtime_ns))
            self._cond.notify_all()

    def rescan(self) -> None:
        """Look at every file in the watch folders again soon."""
        with self._cond:
            self._next_rescan = 0.0
            self._cond.notify_all()

    def pending(self) -> list[Path]:
        """Files seen but not yet stable."""
        with self._cond:
            return sorted(self._candidates)

    def root_for(self, path: Path | str) -> Path | None:
        """The watch folder ``path`` lies in (the deepest one, if folders are nested)."""
        target = Path(os.path.abspath(path))
        best: Path | None = None
        for folder in self.folders:
            if target.is_relative_to(folder) and (best is None or len(folder.parts) > len(best.parts)):
                best = folder
        return best

    def _dirty_paths(self, paths: Iterable[Path], *, folder: bool) -> None:
        with self._cond:
            (self._dirty_dirs if folder else self._dirty).update(paths)
            self._cond.notify_all()

    # -- the work -------------------------------------------------------------------------------------
    def _run(self) -> None:
        while True:
            try:
                wait = self.poll()
            except Exception:  # keep watching; the next poll retries whatever failed
                log.exception("watching folders failed")
                wait = min(self.stable_seconds, 5.0)
            with self._cond:
                if self._stopping:
                    return
                if not (self._dirty or self._dirty_dirs or self._uploaded or self._next_rescan == 0.0):
                    self._cond.wait(wait)
                if self._stopping:
                    return

    def poll(self) -> float:
        """Do whatever is due now; return how many seconds may pass before the next call is needed."""
        with self._poll_lock:
            with self._cond:
                dirty, self._dirty = self._dirty, set()
                dirty_dirs, self._dirty_dirs = self._dirty_dirs, set()
                uploaded, self._uploaded = self._uploaded, []
                rescan_due = self.clock() >= self._next_rescan
            now = self.clock()
            if rescan_due:
                self._sync_watches()
                dirty_dirs.update(f for f in self.folders if f.is_dir())
                with self._cond:
                    self._next_rescan = now + self.rescan_seconds
            for folder in dirty_dirs:
                dirty.update(self._walk(folder))
            for path in dirty:
                self._observe(path, now)
            for item in uploaded:
                self._after_upload(item)
            ready = self._due(now)
            if ready:
                self._deliver(ready, now)
            return self._next_wait()

    def _sync_watches(self) -> None:
        """Watch folders that exist, forget watches of folders that went away (a card was removed)."""
        observer = self._observer
        if observer is None:
            return
        for folder in self.folders:
            present = folder.is_dir()
            watch = self._watches.get(folder)
            if present and watch is None:
                try:
                    self._watches[folder] = observer.schedule(_Handler(self), str(folder), recursive=True)
                except OSError as exc:  # e.g. out of inotify watches: the periodic rescan still works
                    log.warning("cannot watch %s for changes (%s); checking it every %.0f s instead",
                                folder, exc, self.rescan_seconds)
            elif not present and watch is not None:
                with contextlib.suppress(KeyError, OSError):
                    observer.unschedule(watch)
                del self._watches[folder]

    def _excluded(self, path: Path, root: Path) -> bool:
        if self.sent_folder is not None and path.is_relative_to(self.sent_folder):
            return True
        try:
            parts = path.relative_to(root).parts
        except ValueError:
            return True
        return any(self.skip.skips_name(part) for part in parts)

    def _walk(self, folder: Path) -> Iterator[Path]:
        root = self.root_for(folder)
        if root is None:
            return
        for dirpath, dirnames, filenames in os.walk(folder, onerror=lambda exc: log.debug("%s", exc)):
            base = Path(dirpath)
            dirnames[:] = sorted(d for d in dirnames if not self._excluded(base / d, root))
            for name in sorted(filenames):
                path = base / name
                if not self._excluded(path, root):
                    yield path

    def _observe(self, path: Path, now: float) -> None:
        path = Path(os.path.abspath(path))
        root = self.root_for(path)
        if root is None or self._excluded(path, root):
            return
        try:
            st = os.stat(path)
        except OSError:
            with self._cond:
                self._candidates.pop(path, None)
            return
        if stat.S_ISDIR(st.st_mode):
            with self._cond:
                self._dirty_dirs.add(path)
            return
        if not stat.S_ISREG(st.st_mode) or self.skip.skips_stat(st):
            return
        if self.seen.lookup(st) is not None:
            with self._cond:
                self._candidates.pop(path, None)
            return
        with self._cond:
            current = self._candidates.get(path)
            if current is None or (current.size, current.mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._candidates[path] = _Candidate(root, st.st_size, st.st_mtime_ns, now)

    def _due(self, now: float) -> list[tuple[Path, os.stat_result, str]]:
        with self._cond:
            due = [(p, c) for p, c in self._candidates.items() if now - c.since >= self.stable_seconds]
        ready: list[tuple[Path, os.stat_result, str]] = []
        for path, cand in sorted(due, key=lambda item: str(item[0])):
            if self._stopping:
                break
            try:
                st = os.stat(path)
            except OSError:
                self._drop(path)
                continue
            if (st.st_size, st.st_mtime_ns) != (cand.size, cand.mtime_ns):
                self._reset(path, cand, st, now)
                continue
            if self.seen.lookup(st) is not None:
                self._drop(path)
                continue
            fingerprint = fingerprint_file(path, lambda: self._stopping)
            if fingerprint is None:
                # Not readable yet: on Windows a file still open for writing refuses to be shared.
                self._reset(path, cand, st, now)
                continue
            try:
                after = os.stat(path)
            except OSError:
                self._drop(path)
                continue
            if (after.st_size, after.st_mtime_ns) != (st.st_size, st.st_mtime_ns):
                self._reset(path, cand, after, now)
                continue
            known = self.seen.match(fingerprint, path, st)
            if known is not None:
                # Renamed, moved or re-mounted: this file was queued before.
                self.seen.moved(known, st, path)
                self._drop(path)
                continue
            ready.append((path, st, fingerprint))
        return ready

    def _reset(self, path: Path, cand: _Candidate, st: os.stat_result, now: float) -> None:
        with self._cond:
            self._candidates[path] = _Candidate(cand.root, st.st_size, st.st_mtime_ns, now)

    def _drop(self, path: Path) -> None:
        with self._cond:
            self._candidates.pop(path, None)

    def _deliver(self, ready: list[tuple[Path, os.stat_result, str]], now: float) -> None:
        try:
            self.on_ready([path for path, _, _ in ready])
        except Exception:
            # Not remembered, so they are offered again after another stability window.
            log.exception("queueing %d watched file(s) failed; trying again later", len(ready))
            with self._cond:
                for path, _, _ in ready:
                    cand = self._candidates.get(path)
                    if cand is not None:
                        cand.since = now
            return
        for path, st, fingerprint in ready:
            self.seen.remember(fingerprint, st, path)
            self._drop(path)
        self.queued_count += len(ready)

    def _next_wait(self) -> float:
        now = self.clock()
        with self._cond:
            times = [c.since + self.stable_seconds for c in self._candidates.values()]
            times.append(self._next_rescan)
        return max(0.01, min(times) - now)

    # -- after upload ---------------------------------------------------------------------------------
    def _after_upload(self, item: _Uploaded) -> None:
        path = Path(os.path.abspath(item.path))
        root = self.root_for(path)
        if root is None:
            return
        try:
            st = os.stat(path)
        except OSError:
            return
        if (st.st_size, st.st_mtime_ns) != (item.size, item.mtime_ns):
            # Changed after it was sent: this version is new, and will be queued by itself.
            return
        file_id = self.seen.lookup(st)
        if file_id is None:
            fingerprint = fingerprint_file(path)
            if fingerprint is None:
                return
            file_id = self.seen.match(fingerprint, path, st)
            if file_id is None:
                # Queued some other way (e.g. dropped on the window): remembered now, so never queued again.
                file_id = self.seen.remember(fingerprint, st, path)
        state = self.seen.state(file_id)
        # A copy is made once; a file still here although it should have been moved is moved now.
        if self.after_upload != AFTER_KEEP and self.sent_folder is not None and \
                (state != _STATE_SENT or self.after_upload == AFTER_MOVE):
            target = _free_name(self.sent_folder / path.relative_to(root))
            try:
                target.parent.mkdir(parents=True, exist_ok=True)
                if self.after_upload == AFTER_COPY:
                    _copy_atomic(path, target)
                else:
                    shutil.move(str(path), str(target))
            except OSError as exc:
                # Left unmarked, so the next start tries again.
                log.warning("could not %s %s to %s: %s", self.after_upload, path, target, exc)
                return
        if state != _STATE_SENT:
            self.seen.mark_sent(file_id)


def template_for(template: str, root: Path, path: Path) -> str:
    """``template`` with the file's folders below the watch folder put in front of ``{relpath}``.

    The engine names a single file's ``{relpath}`` by its name alone; for watched files the folders below
    the watch folder matter (a card's DCIM/100CANON and DCIM/101CANON both hold an IMG_0001.JPG), so
    they are written into the template as literal text, braces escaped.
    """
    try:
        folders = path.parent.relative_to(root).parts
    except ValueError:
        return template
    if not folders:
        return template

    def literal(text: str) -> str:
        return text.replace("{", "{{").replace("}", "}}")

    lead = "/".join(literal(part.replace("/", "_").replace("\\", "_")) for part in folders) + "/"
    out: list[str] = []
    for text, name, _spec, _conversion in string.Formatter().parse(template):
        out.append(literal(text))
        if name is None:
            continue
        out.append((lead if name == "relpath" else "") + "{" + name + "}")
    return "".join(out)


def _free_name(target: Path) -> Path:
    """``target``, or "name (2).ext" and so on if something is already there; never overwrite."""
    if not target.exists():
        return target
    stem, suffix = target.stem, target.suffix
    number = 2
    while True:
        candidate = target.with_name(f"{stem} ({number}){suffix}")
        if not candidate.exists():
            return candidate
        number += 1


def _copy_atomic(source: Path, target: Path) -> None:
    # Copy under a hidden temporary name and rename at the end, so the sent folder never holds half a file.
    tmp = target.with_name(f".{target.name}.copying")
    try:
        shutil.copy2(source, tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
