"""Fixtures shared by the engine tests."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_uploader.core.store import JobStore
from desktop_uploader.devserver import SeaweedServer
from tests.core.s3_proxy import S3Proxy


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    """A fresh queue database for one test."""
    s = JobStore(tmp_path / "queue.sqlite3")
    try:
        yield s
    finally:
        s.close()


@pytest.fixture
def proxy(seaweed: SeaweedServer) -> Iterator[S3Proxy]:
    """A proxy between the client and SeaweedFS that can corrupt, refuse or fail chosen requests."""
    p = S3Proxy(seaweed.endpoint_url)
    try:
        yield p
    finally:
        p.stop()
