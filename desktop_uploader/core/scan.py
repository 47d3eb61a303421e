"""Turning what the user dropped or named into the list of files to upload.

Files named directly are always taken. Folders are walked recursively, leaving out hidden entries and
the temporary and junk files that applications and operating systems leave behind. Anything that
cannot be taken becomes a ScanProblem with a reason the user can act on, and the scan carries on: one
unreadable folder should not stop the other ten thousand files.

Nothing here opens a file. Special files (named pipes, sockets, devices) are recognised from their
metadata and reported; opening a named pipe would block until some other program writes to it.
"""

from __future__ import annotations

import errno
import fnmatch
import functools
import os
import re
import stat
from collections.abc import Hashable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_SKIP_PATTERNS: tuple[str, ...] = (
    # Office and LibreOffice owner/lock files, present only while a document is open.
    "~$*",
    ".~lock.*#",
    # Downloads and copies still in progress.
    "*.tmp",
    "*.temp",
    "*.part",
    "*.partial",
    "*.crdownload",
    "*.download",
    "*.opdownload",
    # Editor swap, backup and autosave files.
    "*.swp",
    "*.swo",
    "*~",
    "#*#",
    ".#*",
    # Operating system metadata.
    "Thumbs.db",
    "ehthumbs.db",
    "desktop.ini",
    ".DS_Store",
    "._*",
    "Icon\r",
    "__MACOSX",
    "$RECYCLE.BIN",
    "System Volume Information",
)


@functools.lru_cache(maxsize=16)
def _compile(patterns: tuple[str, ...]) -> re.Pattern[str] | None:
    if not patterns:
        return None
    # Case-insensitive on every system, unlike fnmatch.fnmatch, so that "THUMBS.DB" copied from a
    # Windows share is skipped on Linux as well and a rule means the same everywhere.
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns), re.IGNORECASE)


@dataclass(frozen=True)
class SkipRule:
    """Which entries inside a folder are left out. Never applied to paths the user named directly."""

    hidden: bool = True
    patterns: tuple[str, ...] = DEFAULT_SKIP_PATTERNS

    def __post_init__(self) -> None:
        # Settings often arrive as lists; a tuple keeps the rule hashable and immutable.
        object.__setattr__(self, "patterns", tuple(self.patterns))

    def skips_name(self, name: str) -> bool:
        """True if the name alone rules the entry out."""
        if self.hidden and name.startswith("."):
            return True
        matcher = _compile(self.patterns)
        return matcher is not None and matcher.match(name) is not None

    def skips_stat(self, st: os.stat_result) -> bool:
        """True if the entry is marked hidden in its metadata (Windows attribute, macOS flag)."""
        if not self.hidden:
            return False
        if getattr(st, "st_file_attributes", 0) & stat.FILE_ATTRIBUTE_HIDDEN:
            return True
        return bool(getattr(st, "st_flags", 0) & stat.UF_HIDDEN)


DEFAULT_SKIP = SkipRule()


@dataclass(frozen=True)
class FoundFile:
    path: Path
    root: Path | None  # the folder the user dropped; None for a file named directly
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class ScanProblem:
    path: Path
    reason: str  # a plain sentence for the user


@dataclass(frozen=True)
class ScanResult:
    files: list[FoundFile] = field(default_factory=list)
    problems: list[ScanProblem] = field(default_factory=list)


_SPECIAL_KINDS = (
    (stat.S_ISFIFO, "a named pipe"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def _special_reason(mode: int) -> str:
    kind = next((label for test, label in _SPECIAL_KINDS if test(mode)), "a special file")
    return f"This is {kind}, not a regular file, so it was skipped."


def _error_reason(exc: OSError, *, is_link: bool, is_folder: bool = False) -> str:
    what = "folder" if is_folder else "item"
    if exc.errno == errno.ELOOP:
        return "This is a symbolic link that leads back to itself, so it was skipped."
    if isinstance(exc, FileNotFoundError):
        if is_link:
            return "This is a symbolic link to something that is no longer there."
        return f"This {what} disappeared while it was being scanned."
    if isinstance(exc, PermissionError):
        return f"You don't have permission to open this {what}."
    detail = exc.strerror or type(exc).__name__
    return f"This {what} could not be read ({detail})."


@dataclass
class _Folder:
    """A folder being walked: its path, its identity and the entries still to visit."""

    path: Path
    ident: Hashable
    entries: Iterator[os.DirEntry[str]]
    real: str | None = None

    def real_path(self) -> str:
        # Worked out once per folder, and only where listings carry no inode numbers (see _file_ident).
        if self.real is None:
            self.real = os.path.realpath(self.path)
        return self.real


# Whether os.DirEntry.stat() reports inode numbers; on Windows it leaves them at zero.
_INODES_IN_LISTINGS = os.name != "nt"


def _ident(st: os.stat_result) -> Hashable | None:
    if st.st_ino:
        return (st.st_dev, st.st_ino)
    return None


def _file_ident(path: Path, st: os.stat_result, folder: _Folder | None) -> Hashable:
    """What makes two sightings of a file the same file.

    ``folder`` is the folder the entry was listed in, or None when the path was named directly or is a
    link.
    """
    if _INODES_IN_LISTINGS and st.st_ino:
        return (st.st_dev, st.st_ino)
    # Windows listings carry no inode numbers and fetching them costs a call per file, so files are
    # told apart by real path there. Mixing both ways would let a file named directly (whose os.stat
    # has an inode) and the same file found in a folder (whose listing has none) both get in.
    if folder is None:
        return os.path.normcase(os.path.realpath(path))
    # A folder's real path is worked out once; an entry that is not a link lives right inside it.
    return os.path.normcase(os.path.join(folder.real_path(), path.name))


def _sort_key(entry: os.DirEntry[str]) -> tuple[str, str]:
    # Case-insensitive first, so "b.jpg" comes between "A.jpg" and "C.jpg"; the exact name breaks ties
    # so that the order never depends on the order the system listed the folder in.
    return (entry.name.casefold(), entry.name)


class _Scan:
    def __init__(self, rule: SkipRule) -> None:
        self.rule = rule
        self.files: list[FoundFile] = []
        self.problems: list[ScanProblem] = []
        self.seen_files: set[Hashable] = set()
        self.seen_folders: set[Hashable] = set()

    def problem(self, path: Path, reason: str) -> None:
        self.problems.append(ScanProblem(path, reason))

    def add_file(self, path: Path, root: Path | None, st: os.stat_result, ident: Hashable) -> None:
        # The same file can be reached twice: named directly and inside a dropped folder, dropped twice,
        # or through a symbolic link. The first sighting wins.
        if ident in self.seen_files:
            return
        self.seen_files.add(ident)
        if not _is_text(str(path)):
            self.problem(path, "This file's name is not valid text (it was written by a system using another "
                               "character encoding), so it cannot be named on the server. Rename it and add "
                               "it again.")
            return
        self.files.append(FoundFile(path=path, root=root, size=st.st_size, mtime_ns=st.st_mtime_ns))

    def top_level(self, raw: str | Path) -> None:
        if raw == "":
            self.problem(Path(), "An empty path was given.")
            return
        path = Path(os.path.abspath(raw))
        try:
            st = os.stat(path)
        except OSError as exc:
            missing = isinstance(exc, FileNotFoundError | NotADirectoryError)
            if missing and not os.path.islink(path):
                self.problem(path, "This file or folder does not exist.")
            else:
                self.problem(path, _error_reason(exc, is_link=os.path.islink(path)))
            return
        if stat.S_ISREG(st.st_mode):
            self.add_file(path, None, st, _file_ident(path, st, None))
        elif stat.S_ISDIR(st.st_mode):
            self.walk(path, st)
        else:
            self.problem(path, _special_reason(st.st_mode))

    def folder_ident(self, path: Path, st: os.stat_result) -> Hashable:
        ident = _ident(st)
        if ident is None:
            # Windows leaves inode numbers out of directory listings; os.stat fills them in and also
            # sees through junctions, which is what loop detection needs.
            try:
                ident = _ident(os.stat(path))
            except OSError:
                ident = None
        return ident if ident is not None else os.path.normcase(os.path.realpath(path))

    def open_folder(self, path: Path, ident: Hashable) -> _Folder | None:
        try:
            with os.scandir(path) as listing:
                entries = sorted(listing, key=_sort_key)
        except OSError as exc:
            self.problem(path, _error_reason(exc, is_link=False, is_folder=True))
            return None
        return _Folder(path=path, ident=ident, entries=iter(entries))

    def walk(self, root: Path, root_stat: os.stat_result) -> None:
        root_ident = self.folder_ident(root, root_stat)
        if root_ident in self.seen_folders:
            return
        self.seen_folders.add(root_ident)
        first = self.open_folder(root, root_ident)
        if first is None:
            return
        # An explicit stack rather than recursion: folder depth is limited by the file system, not by
        # Python's recursion limit. Depth-first over sorted entries gives files in path order.
        stack = [first]
        ancestors = {root_ident}
        while stack:
            folder = stack[-1]
            entry = next(folder.entries, None)
            if entry is None:
                stack.pop()
                ancestors.discard(folder.ident)
                continue
            child = self.visit(entry, folder, root, ancestors)
            if child is not None:
                stack.append(child)
                ancestors.add(child.ident)

    def visit(
        self, entry: os.DirEntry[str], folder: _Folder, root: Path, ancestors: set[Hashable]
    ) -> _Folder | None:
        """Handle one folder entry; returns the folder to descend into, if it is one."""
        if self.rule.skips_name(entry.name):
            return None
        path = folder.path / entry.name
        try:
            is_link = entry.is_symlink()
            st = entry.stat()  # follows symbolic links
        except OSError as exc:
            self.problem(path, _error_reason(exc, is_link=_is_link(entry)))
            return None
        if self.rule.skips_stat(st):
            return None
        if stat.S_ISDIR(st.st_mode):
            ident = self.folder_ident(path, st)
            if ident in ancestors:
                self.problem(
                    path,
                    "This symbolic link leads back to a folder that contains it, so it was skipped "
                    "to avoid going round in circles.",
                )
                return None
            if ident in self.seen_folders:
                # Already walked through another link or another dropped folder: its files are in.
                return None
            self.seen_folders.add(ident)
            return self.open_folder(path, ident)
        if stat.S_ISREG(st.st_mode):
            self.add_file(path, root, st, _file_ident(path, st, None if is_link else folder))
            return None
        self.problem(path, _special_reason(st.st_mode))
        return None


def _is_text(name: str) -> bool:
    """False for names whose bytes were not valid in the system's encoding: Python keeps them as lone
    surrogates, which no key, database or terminal can take."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _is_link(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_symlink()
    except OSError:
        return False


def scan_paths(paths: Iterable[str | Path], rule: SkipRule = DEFAULT_SKIP) -> ScanResult:
    """Expand files and folders into the files to upload, with a problem for everything left out.

    The result keeps the order of ``paths``; each folder contributes its files sorted by path. Paths
    are made absolute but symbolic links in them are kept, so keys follow the names the user sees.
    """
    scan = _Scan(rule)
    for raw in paths:
        scan.top_level(raw)
    return ScanResult(files=scan.files, problems=scan.problems)
