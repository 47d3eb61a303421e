"""S3 fixtures backed by a real SeaweedFS server (``weed mini``) on loopback.

One server serves the whole test session (it takes about a second to start); each test that needs
a bucket gets a fresh, uniquely named one, so tests cannot see each other's objects.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator

import pytest

from desktop_uploader.devserver import SeaweedServer


@pytest.fixture(scope="session")
def seaweed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[SeaweedServer]:
    """A running SeaweedFS server with an admin and a read-only identity.

    Its data and log (``seaweed.log_path``) live in pytest's temp dir, kept for the last few runs,
    so a failing test's server log can be read afterwards.
    """
    server = SeaweedServer(tmp_path_factory.mktemp("seaweed"), readonly_identity=True)
    server.start()
    try:
        yield server
    finally:
        server.stop()


def _bucket_name(test_name: str) -> str:
    # S3 bucket names: 3-63 characters of lowercase letters, digits and hyphens. The test's name
    # goes in front so a leftover bucket can be traced back to its test.
    stem = re.sub(r"[^a-z0-9]+", "-", test_name.lower()).strip("-")[:40].strip("-") or "t"
    return f"{stem}-{secrets.token_hex(6)}"


@pytest.fixture
def bucket(seaweed: SeaweedServer, request: pytest.FixtureRequest) -> str:
    """Create an empty bucket with a unique name on the session's server and return its name."""
    name = _bucket_name(request.node.name)
    seaweed.create_bucket(name)
    return name


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # Tag the tests that start the server, so `-m "not s3"` can leave them out.
    for item in items:
        if "seaweed" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.s3)
