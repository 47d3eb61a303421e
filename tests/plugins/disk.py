"""A small file system of the test's own, to fill up or make read-only: a tmpfs mounted for one test.

Mounting needs root (or the capability to mount); where the machine does not allow it the test is
skipped with the reason. The mount is removed when the test ends.
"""

from __future__ import annotations

import errno
import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

SmallDisk = Callable[[Path], Path]


def _mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, timeout=30, check=False)


@pytest.fixture
def small_disk() -> Iterator[SmallDisk]:
    """``small_disk(folder)`` mounts a 2 MiB tmpfs on ``folder`` (created if needed) and returns it."""
    mounted: list[Path] = []

    def mount(folder: Path) -> Path:
        if os.name != "posix":
            pytest.skip("needs a POSIX system to mount a small file system")
        folder.mkdir(parents=True, exist_ok=True)
        try:
            result = _mount("-t", "tmpfs", "-o", "size=2m,mode=0700", "tmpfs", str(folder))
        except FileNotFoundError:
            pytest.skip("no 'mount' command to make a small file system")
        if result.returncode != 0:
            pytest.skip(f"this machine does not let the tests mount a small file system: {result.stderr.strip()}")
        mounted.append(folder)
        return folder

    try:
        yield mount
    finally:
        for folder in reversed(mounted):
            subprocess.run(["umount", "-l", str(folder)], capture_output=True, timeout=30, check=False)


def fill(folder: Path) -> Path:
    """Write into ``folder`` until its file system is full; returns the file that fills it."""
    filler = folder / "filler.bin"
    block = b"\0" * 65536
    with open(filler, "wb", buffering=0) as fh:
        try:
            while True:
                fh.write(block)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
        try:  # the last few bytes too, so not even a small write fits
            while True:
                fh.write(b"\0" * 512)
        except OSError as exc:
            if exc.errno != errno.ENOSPC:
                raise
    return filler


def make_read_only(folder: Path) -> None:
    result = _mount("-o", "remount,ro", str(folder))
    if result.returncode != 0:
        pytest.skip(f"this machine does not let the tests remount read-only: {result.stderr.strip()}")
