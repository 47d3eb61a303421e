"""A computer whose clock is wrong: an hour behind, for the app and for botocore, which reads the clock itself."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import botocore.auth
import pytest

from desktop_uploader.core import clock

HOUR_BEHIND = -3600.0  # the time zone set as the hour: beyond a link's 15 minutes either way


@pytest.fixture
def clock_an_hour_behind(monkeypatch: pytest.MonkeyPatch) -> Iterator[Callable[[], None]]:
    """The clock an hour behind; the fixture's value sets it right again (for a test's own checks through
    botocore, which the storage would refuse)."""
    behind = [HOUR_BEHIND]

    def machine_time() -> float:
        return time.time() + behind[0]

    monkeypatch.setattr(clock, "machine_time", machine_time)
    monkeypatch.setattr(botocore.auth, "get_current_datetime",
                        lambda remove_tzinfo=True: datetime.fromtimestamp(machine_time(), UTC).replace(tzinfo=None))
    yield lambda: behind.__setitem__(0, 0.0)
