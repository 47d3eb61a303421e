from __future__ import annotations

import builtins
import contextlib
import dataclasses
import os
import random
import socket
import stat
import sys
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast

import pytest

from desktop_uploader.core import scan
from desktop_uploader.core.scan import (
    DEFAULT_SKIP,
    DEFAULT_SKIP_PATTERNS,
    FoundFile,
    ScanProblem,
    ScanResult,
    SkipRule,
    scan_paths,
)

needs_symlinks = pytest.mark.skipif(
    not hasattr(os, "symlink") or sys.platform == "win32", reason="POSIX links"
)
needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")


def touch(path: Path, data: bytes = b"x") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def rel(result: ScanResult, root: Path) -> list[str]:
    return [f.path.relative_to(root).as_posix() for f in result.files]


def problem_for(result: ScanResult, path: Path) -> ScanProblem:
    matches = [p for p in result.problems if p.path == path]
    assert len(matches) == 1, result.problems
    return matches[0]


# --- single files --------------------------------------------------------------------------------


def test_single_file(tmp_path: Path) -> None:
    f = touch(tmp_path / "photo.jpg", b"12345")
    result = scan_paths([f])
    st = f.stat()
    assert result == ScanResult(
        files=[FoundFile(path=f, root=None, size=5, mtime_ns=st.st_mtime_ns)],
        problems=[],
    )


def test_relative_paths_become_absolute(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / "d" / "b.txt")
    monkeypatch.chdir(tmp_path)
    result = scan_paths(["a.txt", "d"])
    assert [f.path for f in result.files] == [tmp_path / "a.txt", tmp_path / "d" / "b.txt"]
    assert result.files[1].root == tmp_path / "d"
    assert all(f.path.is_absolute() for f in result.files)


@pytest.mark.parametrize("name", [".hidden", "Thumbs.db", "work.tmp", "~$report.docx", ".DS_Store", "x~"])
def test_files_named_directly_are_always_taken(tmp_path: Path, name: str) -> None:
    f = touch(tmp_path / name)
    result = scan_paths([f])
    assert [x.path for x in result.files] == [f]
    assert result.problems == []


def test_hidden_folder_named_directly_is_walked(tmp_path: Path) -> None:
    touch(tmp_path / ".config" / "app.ini")
    touch(tmp_path / ".config" / ".secret")
    result = scan_paths([tmp_path / ".config"])
    assert rel(result, tmp_path / ".config") == ["app.ini"]


def test_string_and_path_inputs(tmp_path: Path) -> None:
    a = touch(tmp_path / "a.txt")
    b = touch(tmp_path / "b.txt")
    result = scan_paths([str(a), b])
    assert [f.path for f in result.files] == [a, b]


def test_input_order_is_kept(tmp_path: Path) -> None:
    files = [touch(tmp_path / n) for n in ("c.txt", "a.txt", "b.txt")]
    assert [f.path for f in scan_paths(files).files] == files


def test_accepts_any_iterable(tmp_path: Path) -> None:
    a = touch(tmp_path / "a.txt")
    assert len(scan_paths(iter([a])).files) == 1
    assert scan_paths([]) == ScanResult([], [])


# --- folders -------------------------------------------------------------------------------------


def test_folder_is_walked_recursively_and_sorted(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    names = ["b.txt", "A.txt", "c/z.txt", "c/a/deep.txt", "C2.txt", "a.txt", "c/B.txt", "d/e/f/g.txt"]
    random.Random(4).shuffle(names)
    for name in names:
        touch(root / name)
    result = scan_paths([root])
    assert rel(result, root) == [
        "A.txt",
        "a.txt",
        "b.txt",
        "c/a/deep.txt",
        "c/B.txt",
        "c/z.txt",
        "C2.txt",
        "d/e/f/g.txt",
    ]
    assert all(f.root == root for f in result.files)
    assert result.problems == []
    assert scan_paths([root]) == result


def test_found_file_metadata(tmp_path: Path) -> None:
    f = touch(tmp_path / "d" / "x.bin", b"\0" * 1234)
    os.utime(f, ns=(1_600_000_000_123_456_789, 1_600_000_000_123_456_789))
    (found,) = scan_paths([tmp_path / "d"]).files
    assert found.size == 1234
    assert found.mtime_ns == f.stat().st_mtime_ns


def test_empty_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    assert scan_paths([tmp_path / "empty"]) == ScanResult([], [])


def test_hidden_entries_in_folders_are_skipped(tmp_path: Path) -> None:
    touch(tmp_path / "keep.txt")
    touch(tmp_path / ".hidden")
    touch(tmp_path / ".git" / "config")
    touch(tmp_path / "sub" / ".env")
    touch(tmp_path / "sub" / "keep2.txt")
    assert rel(scan_paths([tmp_path]), tmp_path) == ["keep.txt", "sub/keep2.txt"]


@pytest.mark.parametrize(
    "name",
    [
        "~$report.docx",
        ".~lock.sheet.ods#",
        "a.tmp",
        "A.TMP",
        "a.temp",
        "movie.part",
        "movie.partial",
        "setup.exe.crdownload",
        "page.download",
        ".notes.txt.swp",
        "notes.txt.swp",
        "notes.txt~",
        "#notes#",
        "Thumbs.db",
        "thumbs.db",
        "desktop.ini",
        "Desktop.ini",
        ".DS_Store",
        "._photo.jpg",
        "Icon\r",
    ],
)
def test_junk_files_are_skipped_by_default(tmp_path: Path, name: str) -> None:
    touch(tmp_path / "keep.txt")
    touch(tmp_path / name)
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["keep.txt"]
    assert result.problems == []


@pytest.mark.parametrize(
    "name", ["Cargo.lock", "yarn.lock", "partial.txt", "tmp.txt", "report.tmpl", "a~b.txt"]
)
def test_real_files_that_look_like_junk_are_kept(tmp_path: Path, name: str) -> None:
    # Lock files from package managers are part of a project, unlike an editor's lock files.
    touch(tmp_path / name)
    assert rel(scan_paths([tmp_path]), tmp_path) == [name]


@pytest.mark.parametrize("folder", ["__MACOSX", "page.download", "build.tmp", ".cache"])
def test_skip_rule_applies_to_folder_names(tmp_path: Path, folder: str) -> None:
    touch(tmp_path / folder / "inside.txt")
    touch(tmp_path / "keep.txt")
    assert rel(scan_paths([tmp_path]), tmp_path) == ["keep.txt"]


def test_skip_rule_can_include_hidden(tmp_path: Path) -> None:
    touch(tmp_path / ".env")
    touch(tmp_path / ".git" / "HEAD")
    touch(tmp_path / "Thumbs.db")
    result = scan_paths([tmp_path], SkipRule(hidden=False))
    # .DS_Store-style names are still junk through the patterns; plain dot files now come in.
    assert rel(result, tmp_path) == [".env", ".git/HEAD"]


def test_skip_rule_without_patterns(tmp_path: Path) -> None:
    touch(tmp_path / "Thumbs.db")
    touch(tmp_path / "a.tmp")
    touch(tmp_path / ".hidden")
    assert rel(scan_paths([tmp_path], SkipRule(patterns=())), tmp_path) == ["a.tmp", "Thumbs.db"]
    assert rel(scan_paths([tmp_path], SkipRule(hidden=False, patterns=())), tmp_path) == [
        ".hidden",
        "a.tmp",
        "Thumbs.db",
    ]


def test_custom_patterns(tmp_path: Path) -> None:
    touch(tmp_path / "a.raw")
    touch(tmp_path / "b.RAW")
    touch(tmp_path / "c.jpg")
    touch(tmp_path / "Thumbs.db")
    rule = SkipRule(patterns=("*.raw",))
    assert rel(scan_paths([tmp_path], rule), tmp_path) == ["c.jpg", "Thumbs.db"]


def test_skip_rule_is_frozen_and_hashable() -> None:
    rule = SkipRule(patterns=cast(tuple[str, ...], ["*.a", "*.b"]))
    assert rule.patterns == ("*.a", "*.b")
    assert hash(rule) == hash(SkipRule(patterns=("*.a", "*.b")))
    assert SkipRule() == DEFAULT_SKIP
    assert DEFAULT_SKIP.patterns == DEFAULT_SKIP_PATTERNS
    with pytest.raises(dataclasses.FrozenInstanceError):
        rule.hidden = False  # type: ignore[misc]


def test_hidden_attribute_and_flag() -> None:
    def fake(**fields: int) -> os.stat_result:
        return cast(os.stat_result, SimpleNamespace(**fields))

    assert DEFAULT_SKIP.skips_stat(fake(st_file_attributes=stat.FILE_ATTRIBUTE_HIDDEN))
    assert not DEFAULT_SKIP.skips_stat(fake(st_file_attributes=stat.FILE_ATTRIBUTE_ARCHIVE))
    assert DEFAULT_SKIP.skips_stat(fake(st_flags=stat.UF_HIDDEN))
    assert not DEFAULT_SKIP.skips_stat(fake(st_flags=0))
    assert not DEFAULT_SKIP.skips_stat(fake())
    assert not SkipRule(hidden=False).skips_stat(fake(st_file_attributes=stat.FILE_ATTRIBUTE_HIDDEN))


@pytest.mark.parametrize(
    "name",
    [
        "with spaces.jpg",
        "a+b.jpg",
        "#1.jpg",
        "100%.jpg",
        "what?.jpg",
        "🎉 party.jpg",
        "日本語.txt",
        unicodedata.normalize("NFD", "Café.txt"),
        "new\nline.txt",
    ],
)
def test_unusual_names(tmp_path: Path, name: str) -> None:
    touch(tmp_path / "d" / name)
    result = scan_paths([tmp_path / "d"])
    assert [f.path.name for f in result.files] == [name]


def test_deep_nesting_does_not_hit_the_recursion_limit(tmp_path: Path) -> None:
    depth = sys.getrecursionlimit() + 50
    levels = [str(tmp_path)]
    try:
        for _ in range(depth):  # os.makedirs and Path.mkdir(parents=True) recurse themselves
            levels.append(os.path.join(levels[-1], "d"))
            os.mkdir(levels[-1])
        bottom = touch(Path(levels[-1]) / "bottom.txt")
        (found,) = scan_paths([tmp_path]).files
        assert found.path == bottom
    finally:
        # shutil.rmtree, which pytest uses to clear old temporary folders, recurses too.
        with contextlib.suppress(FileNotFoundError):
            os.remove(os.path.join(levels[-1], "bottom.txt"))
        for level in reversed(levels[1:]):
            with contextlib.suppress(FileNotFoundError):
                os.rmdir(level)


def test_ten_thousand_files(tmp_path: Path) -> None:
    root = tmp_path / "many"
    for d in range(100):
        folder = root / f"dir{d:03d}"
        folder.mkdir(parents=True)
        for i in range(100):
            (folder / f"file{i:03d}.dat").write_bytes(b"")
    result = scan_paths([root])
    assert result.problems == []
    assert len(result.files) == 10_000
    paths = [f.path for f in result.files]
    assert paths == sorted(paths)
    assert len(set(paths)) == 10_000


def test_scan_never_opens_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "d" / "a.txt")
    f = touch(tmp_path / "b.txt")

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the scan opened a file")

    monkeypatch.setattr(builtins, "open", refuse)
    monkeypatch.setattr(os, "open", refuse)
    result = scan_paths([tmp_path / "d", f])
    assert len(result.files) == 2


# --- duplicates ----------------------------------------------------------------------------------


def test_same_file_twice(tmp_path: Path) -> None:
    f = touch(tmp_path / "a.txt")
    result = scan_paths([f, f, str(f), tmp_path / "." / "a.txt"])
    assert [x.path for x in result.files] == [f]


def test_file_and_its_folder(tmp_path: Path) -> None:
    f = touch(tmp_path / "d" / "a.txt")
    touch(tmp_path / "d" / "b.txt")
    result = scan_paths([f, tmp_path / "d"])
    assert [(x.path.name, x.root) for x in result.files] == [("a.txt", None), ("b.txt", tmp_path / "d")]


def test_folder_and_its_subfolder(tmp_path: Path) -> None:
    touch(tmp_path / "d" / "sub" / "a.txt")
    touch(tmp_path / "d" / "b.txt")
    result = scan_paths([tmp_path / "d", tmp_path / "d" / "sub", tmp_path / "d"])
    assert rel(result, tmp_path / "d") == ["b.txt", "sub/a.txt"]
    assert result.problems == []


@pytest.mark.skipif(not hasattr(os, "link"), reason="needs hard links")
def test_hard_links_are_the_same_file(tmp_path: Path) -> None:
    a = touch(tmp_path / "a.txt")
    os.link(a, tmp_path / "b.txt")
    assert rel(scan_paths([tmp_path]), tmp_path) == ["a.txt"]


# --- symbolic links ------------------------------------------------------------------------------


@needs_symlinks
def test_symlinked_file_is_followed(tmp_path: Path) -> None:
    target = touch(tmp_path / "outside" / "real.txt", b"abc")
    root = tmp_path / "drop"
    root.mkdir()
    (root / "link.txt").symlink_to(target)
    (found,) = scan_paths([root]).files
    assert found.path == root / "link.txt"
    assert found.root == root
    assert found.size == 3


@needs_symlinks
def test_symlinked_folder_is_followed(tmp_path: Path) -> None:
    touch(tmp_path / "outside" / "x" / "y.txt")
    root = tmp_path / "drop"
    touch(root / "a.txt")
    (root / "linked").symlink_to(tmp_path / "outside", target_is_directory=True)
    result = scan_paths([root])
    assert rel(result, root) == ["a.txt", "linked/x/y.txt"]
    assert result.problems == []


@needs_symlinks
def test_dropped_folder_may_itself_be_a_link(tmp_path: Path) -> None:
    touch(tmp_path / "real" / "a.txt")
    (tmp_path / "alias").symlink_to(tmp_path / "real", target_is_directory=True)
    (found,) = scan_paths([tmp_path / "alias"]).files
    assert found.path == tmp_path / "alias" / "a.txt"
    assert found.root == tmp_path / "alias"


@needs_symlinks
def test_link_to_a_file_in_the_same_folder_is_not_uploaded_twice(tmp_path: Path) -> None:
    touch(tmp_path / "a.txt")
    (tmp_path / "b.txt").symlink_to(tmp_path / "a.txt")
    assert rel(scan_paths([tmp_path]), tmp_path) == ["a.txt"]


@needs_symlinks
def test_folder_reached_through_two_links_is_walked_once(tmp_path: Path) -> None:
    touch(tmp_path / "shared" / "s.txt")
    root = tmp_path / "drop"
    root.mkdir()
    (root / "l1").symlink_to(tmp_path / "shared", target_is_directory=True)
    (root / "l2").symlink_to(tmp_path / "shared", target_is_directory=True)
    result = scan_paths([root])
    assert rel(result, root) == ["l1/s.txt"]
    assert result.problems == []


@needs_symlinks
def test_symlink_loop_to_an_ancestor(tmp_path: Path) -> None:
    root = tmp_path / "drop"
    touch(root / "a.txt")
    touch(root / "sub" / "b.txt")
    (root / "sub" / "back").symlink_to(root, target_is_directory=True)
    (root / "sub" / "self").symlink_to(root / "sub", target_is_directory=True)
    result = scan_paths([root])
    assert rel(result, root) == ["a.txt", "sub/b.txt"]
    assert {p.path for p in result.problems} == {root / "sub" / "back", root / "sub" / "self"}
    assert all("circles" in p.reason for p in result.problems)


@needs_symlinks
def test_link_that_points_to_itself(tmp_path: Path) -> None:
    touch(tmp_path / "ok.txt")
    (tmp_path / "self").symlink_to(tmp_path / "self")
    (tmp_path / "ping").symlink_to(tmp_path / "pong")
    (tmp_path / "pong").symlink_to(tmp_path / "ping")
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["ok.txt"]
    assert len(result.problems) == 3
    assert all("leads back to itself" in p.reason for p in result.problems)
    top = scan_paths([tmp_path / "self"])
    assert top.files == []
    assert "leads back to itself" in problem_for(top, tmp_path / "self").reason


@needs_symlinks
def test_broken_link(tmp_path: Path) -> None:
    touch(tmp_path / "ok.txt")
    (tmp_path / "dangling").symlink_to(tmp_path / "gone.txt")
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["ok.txt"]
    assert "no longer there" in problem_for(result, tmp_path / "dangling").reason
    top = scan_paths([tmp_path / "dangling"])
    assert "no longer there" in problem_for(top, tmp_path / "dangling").reason


@needs_symlinks
def test_hidden_link_is_skipped_before_being_followed(tmp_path: Path) -> None:
    (tmp_path / ".broken").symlink_to(tmp_path / "gone")
    assert scan_paths([tmp_path]) == ScanResult([], [])


# --- problems ------------------------------------------------------------------------------------


def test_missing_path(tmp_path: Path) -> None:
    ok = touch(tmp_path / "ok.txt")
    missing = tmp_path / "nope.txt"
    under_file = ok / "child.txt"
    result = scan_paths([missing, ok, under_file])
    assert [f.path for f in result.files] == [ok]
    assert [p.path for p in result.problems] == [missing, under_file]
    assert all(p.reason.endswith("does not exist.") for p in result.problems)


def test_empty_path_string() -> None:
    result = scan_paths([""])
    assert result.files == []
    assert result.problems[0].reason == "An empty path was given."


def test_reasons_are_sentences(tmp_path: Path) -> None:
    result = scan_paths([tmp_path / "missing"])
    (problem,) = result.problems
    assert problem.reason[0].isupper()
    assert problem.reason.endswith(".")


@needs_fifo
@pytest.mark.timeout(20)
def test_named_pipe_is_reported_and_never_opened(tmp_path: Path) -> None:
    touch(tmp_path / "ok.txt")
    os.mkfifo(tmp_path / "pipe")
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["ok.txt"]
    assert "named pipe" in problem_for(result, tmp_path / "pipe").reason
    top = scan_paths([tmp_path / "pipe"])
    assert top.files == []
    assert "named pipe" in problem_for(top, tmp_path / "pipe").reason


@pytest.mark.skipif(not hasattr(socket, "AF_UNIX"), reason="needs Unix sockets")
def test_socket_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # socket paths are limited to about 100 bytes
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind("s.sock")
        result = scan_paths([tmp_path])
    assert result.files == []
    assert "socket" in problem_for(result, tmp_path / "s.sock").reason


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
@pytest.mark.timeout(20)
def test_device_is_reported() -> None:
    result = scan_paths(["/dev/null"])
    assert result.files == []
    assert "device" in problem_for(result, Path("/dev/null")).reason


def _deny(monkeypatch: pytest.MonkeyPatch, blocked: Path, error: type[OSError]) -> None:
    real_scandir = os.scandir

    def scandir(path: Any = ".") -> Any:
        if Path(path) == blocked:
            raise error(
                13 if error is PermissionError else 2, os.strerror(13 if error is PermissionError else 2)
            )
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX permissions")
def test_permission_denied_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "a.txt")
    locked = tmp_path / "locked"
    touch(locked / "secret.txt")
    touch(tmp_path / "z.txt")
    locked.chmod(0)
    try:
        if os.access(locked, os.R_OK):
            # Running as root, which reads any folder regardless of its mode: simulate the refusal.
            _deny(monkeypatch, locked, PermissionError)
        result = scan_paths([tmp_path])
    finally:
        locked.chmod(0o755)
    assert rel(result, tmp_path) == ["a.txt", "z.txt"]
    assert "permission" in problem_for(result, locked).reason


def test_permission_denied_on_the_dropped_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "d" / "a.txt")
    _deny(monkeypatch, tmp_path / "d", PermissionError)
    result = scan_paths([tmp_path / "d"])
    assert result.files == []
    assert problem_for(result, tmp_path / "d").reason == "You don't have permission to open this folder."


def test_folder_vanishing_mid_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "a" / "1.txt")
    touch(tmp_path / "b" / "2.txt")
    touch(tmp_path / "c" / "3.txt")
    _deny(monkeypatch, tmp_path / "b", FileNotFoundError)
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["a/1.txt", "c/3.txt"]
    assert "disappeared" in problem_for(result, tmp_path / "b").reason


class _Entry:
    """A directory entry whose stat() can be made to fail or to look like a Windows listing."""

    def __init__(self, real: os.DirEntry[str], fail: OSError | None, no_inode: bool) -> None:
        self._real = real
        self._fail = fail
        self._no_inode = no_inode
        self.name = real.name
        self.path = real.path

    def is_symlink(self) -> bool:
        return self._real.is_symlink()

    def stat(self, *, follow_symlinks: bool = True) -> os.stat_result:
        if self._fail is not None:
            raise self._fail
        st = self._real.stat(follow_symlinks=follow_symlinks)
        if not self._no_inode or self._real.is_symlink():
            return st
        fields = list(st)
        fields[stat.ST_INO] = 0
        fields[stat.ST_DEV] = 0
        extra = {name: getattr(st, name) for name in ("st_atime_ns", "st_mtime_ns", "st_ctime_ns")}
        return os.stat_result(fields, extra)


def _wrap_scandir(monkeypatch: pytest.MonkeyPatch, make: Callable[[os.DirEntry[str]], _Entry]) -> None:
    real_scandir = os.scandir

    class Listing:
        def __init__(self, path: Any) -> None:
            self._inner = real_scandir(path)

        def __enter__(self) -> Iterator[_Entry]:
            return (make(entry) for entry in self._inner)

        def __exit__(self, *exc: object) -> None:
            self._inner.close()

    monkeypatch.setattr(os, "scandir", Listing)


def test_unreadable_entry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    touch(tmp_path / "a.txt")
    touch(tmp_path / "bad.txt")
    touch(tmp_path / "odd.txt")
    failures = {
        "bad.txt": PermissionError(13, "Permission denied"),
        "odd.txt": OSError(5, "Input/output error"),
    }
    _wrap_scandir(monkeypatch, lambda e: _Entry(e, failures.get(e.name), no_inode=False))
    result = scan_paths([tmp_path])
    assert rel(result, tmp_path) == ["a.txt"]
    assert problem_for(result, tmp_path / "bad.txt").reason == "You don't have permission to open this item."
    assert (
        problem_for(result, tmp_path / "odd.txt").reason
        == "This item could not be read (Input/output error)."
    )


@needs_symlinks
def test_systems_without_inode_numbers_in_listings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Windows directory listings report st_ino 0; duplicates and loops must still be caught.
    root = tmp_path / "drop"
    touch(root / "a.txt")
    touch(root / "b.txt")
    touch(root / "sub" / "c.txt")
    (root / "alias.txt").symlink_to(root / "a.txt")
    (root / "sub" / "loop").symlink_to(root, target_is_directory=True)
    _wrap_scandir(monkeypatch, lambda e: _Entry(e, None, no_inode=True))
    monkeypatch.setattr(scan, "_INODES_IN_LISTINGS", False)
    result = scan_paths([root, root / "a.txt", root / "alias.txt"])
    assert rel(result, root) == ["a.txt", "b.txt", "sub/c.txt"]
    assert [p.path for p in result.problems] == [root / "sub" / "loop"]


def test_problems_do_not_stop_the_scan(tmp_path: Path) -> None:
    touch(tmp_path / "d" / "x.txt")
    result = scan_paths([tmp_path / "missing1", tmp_path / "d", tmp_path / "missing2"])
    assert rel(result, tmp_path) == ["d/x.txt"]
    assert len(result.problems) == 2


def test_result_types_are_frozen(tmp_path: Path) -> None:
    f = touch(tmp_path / "a.txt")
    found = scan_paths([f]).files[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        found.size = 0  # type: ignore[misc]
    problem = ScanProblem(tmp_path, "Reason.")
    assert hash(problem) == hash(ScanProblem(tmp_path, "Reason."))
    assert hash(found) == hash(dataclasses.replace(found))
