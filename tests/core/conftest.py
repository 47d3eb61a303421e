"""Fixtures shared by the engine tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_uploader.core.store import JobStore


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    """A fresh queue database for one test."""
    s = JobStore(tmp_path / "queue.sqlite3")
    try:
        yield s
    finally:
        s.close()
