"""A destination's probes back off gently: one at a time, never past the cap."""

from __future__ import annotations

import random

from desktop_uploader.core import failure as f
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.health import DestinationHealth, DestinationState


class _Longest(random.Random):
    """Always the longest wait the jitter allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_probes_grow_by_half_up_to_the_cap_and_one_answer_ends_the_outage() -> None:
    now = [0.0]
    health = DestinationHealth(min_backoff=2.0, max_backoff=60.0, clock=lambda: now[0], rng=_Longest())
    refused = Failure(code=f.CONNECTION_REFUSED, message="refused", stage=f.STAGE_UPLOAD)
    waits = []
    for attempt in range(12):
        change = health.failed("p", DestinationState.UNREACHABLE, refused, probe=attempt > 0)
        assert (change is not None) == (attempt == 0)  # announced once, when it goes down
        blocked, wait = health.blocked()
        assert blocked == {"p"} and wait is not None
        waits.append(round(wait, 2))
        now[0] += wait
        assert health.blocked() == (set(), None)  # due: one file may go as the probe
        assert health.taken("p")
        assert health.blocked()[0] == {"p"}  # and only one
    assert waits[:6] == [2.0, 3.0, 4.5, 6.75, 10.12, 15.19]
    assert max(waits) == 60.0
    change = health.succeeded("p", probe=True)
    assert change is not None and change.state is DestinationState.REACHABLE
    assert health.retry_in("p") is None
