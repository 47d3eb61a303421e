"""A destination's probes back off gently: one at a time, never past the cap."""

from __future__ import annotations

import random

import pytest

from desktop_uploader.core import failure as f
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.health import DestinationHealth, DestinationState, destination_trouble


class _Longest(random.Random):
    """Always the longest wait the jitter allows."""

    def uniform(self, a: float, b: float) -> float:
        return b


def test_probes_back_off_with_the_outage_up_to_the_cap_and_one_answer_ends_the_outage() -> None:
    now = [0.0]
    health = DestinationHealth(min_backoff=2.0, max_backoff=60.0, clock=lambda: now[0], rng=_Longest())
    refused = Failure(code=f.CONNECTION_REFUSED, message="refused", stage=f.STAGE_UPLOAD)
    waits = []
    for attempt in range(30):
        change = health.failed("p", DestinationState.UNREACHABLE, refused, probe=attempt > 0)
        assert (change is not None) == (attempt == 0)  # announced once, when it goes down
        blocked, wait = health.blocked()
        assert blocked == {"p"} and wait is not None
        waits.append(round(wait, 2))
        now[0] += wait
        assert health.blocked() == (set(), None)  # due: one file may go as the probe
        assert health.taken("p")
        assert health.blocked()[0] == {"p"}  # and only one
    # Every 2 s at first; then a third of the time it has been down, so the probe that finds it back comes
    # at most a third of the outage late; never more than a minute apart.
    assert waits[:6] == [2.0, 2.0, 2.0, 2.0, 2.4, 3.12]
    down = 0.0
    for wait in waits:
        assert wait <= max(2.0, 0.3 * down) + 0.01
        down += wait
    assert waits[-1] == 60.0 and max(waits) == 60.0
    assert sum(1 for wait in waits if wait < 60.0) < 25  # ten minutes down cost about twenty probes, not hundreds
    change = health.succeeded("p", probe=True)
    assert change is not None and change.state is DestinationState.REACHABLE
    assert health.retry_in("p") is None


@pytest.mark.parametrize(("code", "status", "state"), [
    (f.PROXY_UNREACHABLE, None, DestinationState.UNREACHABLE),  # the office's proxy is down
    (f.PROXY_AUTH, None, DestinationState.UNREACHABLE),  # it wants a password, through a tunnel
    ("UnexpectedResponse", 407, DestinationState.UNREACHABLE),  # the same, answered to a plain-http request
    (f.CONNECTION_REFUSED, None, DestinationState.UNREACHABLE),
    ("SlowDown", 503, DestinationState.SLOWED),
    ("AccessDenied", 403, None),  # about the file: it fails alone
])
def test_what_a_failure_says_of_its_destination(code: str, status: int | None, state: DestinationState | None) -> None:
    assert destination_trouble(Failure(code=code, message="", stage=f.STAGE_UPLOAD, http_status=status)) is state


def test_a_changed_network_lets_an_unreachable_destination_be_probed_at_once() -> None:
    now = [100.0]
    health = DestinationHealth(min_backoff=30.0, max_backoff=60.0, clock=lambda: now[0])
    assert not health.probe_now()  # nothing down
    health.failed("down", DestinationState.UNREACHABLE, Failure(code=f.TIMEOUT, message="", stage="upload"),
                  probe=False)
    health.failed("slow", DestinationState.SLOWED, Failure(code="SlowDown", message="", stage="upload",
                                                           retry_after=20.0), probe=False)
    assert health.blocked()[0] == {"down", "slow"} and (health.retry_in("down") or 0) >= 15
    assert health.probe_now()
    blocked, _ = health.blocked()
    assert blocked == {"slow"}  # asked to slow down: its own wait stands
