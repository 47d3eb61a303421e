"""Watch folders: files are queued once stable, never twice (restarts, renames, copies), and optionally
copied or moved to a sent folder after upload."""

from __future__ import annotations

import shutil
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_uploader.kiosk.watch import AFTER_COPY, AFTER_MOVE, FolderWatcher, SeenFiles, template_for
from tests.kiosk.helpers import FakeClock, wait_for
from tests.plugins.sqlite import is_closed


class Collector:
    def __init__(self) -> None:
        self.batches: list[list[Path]] = []
        self._lock = threading.Lock()

    def __call__(self, paths: list[Path]) -> None:
        with self._lock:
            self.batches.append(list(paths))

    @property
    def paths(self) -> list[Path]:
        with self._lock:
            return [p for batch in self.batches for p in batch]


@pytest.fixture
def seen(tmp_path: Path) -> Iterator[SeenFiles]:
    db = SeenFiles(tmp_path / "seen.sqlite3")
    yield db
    db.close()


def test_a_damaged_record_is_refused_and_closed(tmp_path: Path,
                                                sqlite_connections: list[sqlite3.Connection]) -> None:
    (tmp_path / "seen.sqlite3").write_bytes(b"not a database, just some bytes " * 64)
    with pytest.raises(sqlite3.DatabaseError):
        SeenFiles(tmp_path / "seen.sqlite3")
    assert len(sqlite_connections) == 1 and is_closed(sqlite_connections[0])


def manual(folder: Path, seen: SeenFiles, clock: FakeClock, collector: Collector, **kw: object) -> FolderWatcher:
    """A watcher driven by the test: no thread, a fake clock, rescans on request."""
    watcher = FolderWatcher([folder], collector, seen=seen, clock=clock, background=False, stable_seconds=3,
                            rescan_seconds=10_000, **kw)  # type: ignore[arg-type]
    watcher.start()
    return watcher


def scan(watcher: FolderWatcher) -> None:
    watcher.rescan()
    watcher.poll()


def test_file_being_written_is_not_queued_until_stable(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    clock = FakeClock(0)
    got = Collector()
    watcher = manual(folder, seen, clock, got)
    try:
        target = folder / "recording.wav"
        with open(target, "wb") as fh:
            fh.write(b"a" * 1000)
            fh.flush()
            scan(watcher)
            assert watcher.pending() == [target]
            for _ in range(5):  # keeps growing: each check starts the wait again
                clock.advance(2.5)
                fh.write(b"b" * 1000)
                fh.flush()
                scan(watcher)
                assert got.paths == []
        clock.advance(2.9)
        watcher.poll()
        assert got.paths == []  # unchanged for 2.9 s only
        clock.advance(0.2)
        watcher.poll()
        assert got.paths == [target]
        assert target.stat().st_size == 6000
        assert watcher.pending() == []
    finally:
        watcher.stop()


def test_never_twice_across_restart_rename_and_remount(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    (folder / "sub").mkdir(parents=True)
    first_file = folder / "sub" / "a.jpg"
    first_file.write_bytes(b"photo one")
    clock = FakeClock(0)
    got = Collector()
    watcher = manual(folder, seen, clock, got)
    scan(watcher)
    clock.advance(3)
    watcher.poll()
    assert got.paths == [first_file]
    watcher.stop()

    # Next start: the file is known, also after a rename.
    got2 = Collector()
    watcher = manual(folder, seen, clock, got2)
    try:
        renamed = folder / "renamed.jpg"
        first_file.rename(renamed)
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert got2.paths == []
        # A re-mounted card: same content at the same place, but new inode numbers (here: a new file).
        renamed.unlink()
        renamed.write_bytes(b"photo one")
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert got2.paths == []
        # A deliberate copy next to the original is a second file, and is sent.
        shutil.copy(renamed, folder / "sub" / "copy.jpg")
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert got2.paths == [folder / "sub" / "copy.jpg"]
        got2.batches.clear()
        # Changed content is a new version and is queued.
        renamed.write_bytes(b"photo one, edited")
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert got2.paths == [renamed]
    finally:
        watcher.stop()


def test_identical_files_are_each_sent_once(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for name in ("blank-1.csv", "blank-2.csv", "empty-a.txt", "empty-b.txt"):
        (folder / name).write_bytes(b"id,value\n" if name.startswith("blank") else b"")
    clock = FakeClock(0)
    got = Collector()
    watcher = manual(folder, seen, clock, got)
    try:
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert sorted(p.name for p in got.paths) == ["blank-1.csv", "blank-2.csv", "empty-a.txt", "empty-b.txt"]
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert len(got.paths) == 4
    finally:
        watcher.stop()


def test_failing_callback_offers_the_files_again(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "x.csv").write_text("a,b\n")
    clock = FakeClock(0)
    calls: list[list[Path]] = []

    def flaky(paths: list[Path]) -> None:
        calls.append(paths)
        if len(calls) == 1:
            raise OSError("queue busy")

    watcher = FolderWatcher([folder], flaky, seen=seen, clock=clock, background=False, stable_seconds=1,
                            rescan_seconds=10_000)
    watcher.start()
    try:
        scan(watcher)
        clock.advance(1)
        watcher.poll()
        assert len(calls) == 1
        clock.advance(1)
        watcher.poll()
        assert len(calls) == 2
        assert seen.count() == 1
    finally:
        watcher.stop()


def test_temporary_hidden_and_sent_files_are_left_alone(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    sent = folder / "Sent"
    sent.mkdir(parents=True)
    (folder / "download.part").write_bytes(b"x")
    (folder / ".hidden").write_bytes(b"x")
    (sent / "old.jpg").write_bytes(b"x")
    (folder / "real.jpg").write_bytes(b"x")
    clock = FakeClock(0)
    got = Collector()
    watcher = manual(folder, seen, clock, got, after_upload=AFTER_COPY, sent_folder=sent)
    try:
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        assert got.paths == [folder / "real.jpg"]
    finally:
        watcher.stop()


@pytest.mark.parametrize("action", [AFTER_COPY, AFTER_MOVE])
def test_after_upload_copy_or_move_keeps_the_folder_layout(tmp_path: Path, seen: SeenFiles, action: str) -> None:
    folder = tmp_path / "in"
    sent = tmp_path / "sent"
    (folder / "day1").mkdir(parents=True)
    source = folder / "day1" / "survey.csv"
    source.write_text("id,value\n1,2\n")
    (sent / "day1").mkdir(parents=True)
    (sent / "day1" / "survey.csv").write_text("an older file of the same name")
    clock = FakeClock(0)
    got = Collector()
    watcher = manual(folder, seen, clock, got, after_upload=action, sent_folder=sent)
    try:
        scan(watcher)
        clock.advance(3)
        watcher.poll()
        st = source.stat()
        watcher.notify_uploaded(source, st.st_size, st.st_mtime_ns)
        watcher.poll()
        placed = sent / "day1" / "survey (2).csv"
        assert placed.read_text() == "id,value\n1,2\n"
        assert (sent / "day1" / "survey.csv").read_text() == "an older file of the same name"
        assert source.exists() == (action == AFTER_COPY)
        # Reported again (a restart): nothing more happens.
        watcher.notify_uploaded(source, st.st_size, st.st_mtime_ns)
        watcher.poll()
        assert not (sent / "day1" / "survey (3).csv").exists()
    finally:
        watcher.stop()


def test_file_changed_after_upload_is_not_moved(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "in"
    sent = tmp_path / "sent"
    folder.mkdir()
    source = folder / "notes.txt"
    source.write_text("v1")
    clock = FakeClock(0)
    watcher = manual(folder, seen, clock, Collector(), after_upload=AFTER_MOVE, sent_folder=sent)
    try:
        st = source.stat()
        source.write_text("version two")
        watcher.notify_uploaded(source, st.st_size, st.st_mtime_ns)
        watcher.poll()
        assert source.read_text() == "version two"
        assert not sent.exists()
    finally:
        watcher.stop()


def test_events_drive_the_background_watcher(tmp_path: Path, seen: SeenFiles) -> None:
    folder = tmp_path / "card"
    got = Collector()
    # The folder does not exist yet, as when the card is not inserted.
    watcher = FolderWatcher([folder], got, seen=seen, stable_seconds=0.2, rescan_seconds=0.3)
    watcher.start()
    try:
        (folder / "DCIM").mkdir(parents=True)
        wait_for(lambda: folder in watcher._watches, what="the new folder to be watched")
        (folder / "DCIM" / "IMG_0001.JPG").write_bytes(b"\xff\xd8 one")
        (folder / "DCIM" / "IMG_0002.JPG").write_bytes(b"\xff\xd8 two")
        wait_for(lambda: len(got.paths) == 2, what="both files")
        assert sorted(p.name for p in got.paths) == ["IMG_0001.JPG", "IMG_0002.JPG"]
    finally:
        watcher.stop()


def test_template_keeps_folders_below_the_watch_folder() -> None:
    root = Path("/media/card")
    assert template_for("{device}/{relpath}", root, root / "DCIM" / "100CANON" / "IMG_1.JPG") == \
        "{device}/DCIM/100CANON/{relpath}"
    assert template_for("{relpath}", root, root / "IMG_1.JPG") == "{relpath}"
    assert template_for("{{x}}/{relpath}", root, root / "a{b}" / "f.txt") == "{{x}}/a{{b}}/{relpath}"
    assert template_for("{filename}", root, root / "sub" / "f.txt") == "{filename}"
