"""The files-at-once controller's decisions, on a clock the test moves."""

from __future__ import annotations

import math

from desktop_uploader.core.pacing import (
    AUTO_CAP,
    AUTO_START,
    MIN_WINDOW_SECONDS,
    ConcurrencyController,
    concurrency_range,
)


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def _window(controller: ConcurrencyController, clock: Clock, files_per_second: float) -> int | None:
    """One measuring window of small files arriving at ``files_per_second``; the last decision."""
    # A window needs enough files and enough time, too.
    count = max(4, controller.current, math.ceil(files_per_second * MIN_WINDOW_SECONDS * 1.01))
    decision = None
    for _ in range(count):
        clock.now += 1.0 / files_per_second
        decision = controller.record(1024) or decision
    return decision


def test_climbs_while_more_in_flight_pays_and_never_past_the_cap() -> None:
    clock = Clock()
    controller = ConcurrencyController(2, 5, clock=clock)
    rate = 10.0
    for _ in range(20):
        _window(controller, clock, rate * controller.current)  # each file more in flight adds as much
    assert controller.current == 5


def test_steps_back_when_a_climb_does_not_pay() -> None:
    clock = Clock()
    controller = ConcurrencyController(4, 32, clock=clock)
    assert _window(controller, clock, 40.0) == 8  # first window: slow start tries twice as many
    assert _window(controller, clock, 40.0) == 4  # the link was already full: back down
    assert _window(controller, clock, 40.0) is None  # and hold a while
    assert controller.current == 4


def test_slow_start_doubles_until_a_climb_does_not_pay_then_climbs_by_one() -> None:
    clock = Clock()
    controller = ConcurrencyController(4, 32, clock=clock)
    levels = []
    for _ in range(8):
        # Each file in flight adds as much up to 12 at once; beyond that the link is full.
        _window(controller, clock, 10.0 * min(controller.current, 12))
        levels.append(controller.current)
    # 4 -> 8 -> 16 pay (16 still gains on 8); 32 does not: back to 16, hold three windows, then one at a time.
    assert levels == [8, 16, 32, 16, 16, 16, 16, 17]


def test_halves_on_trouble_once_per_window() -> None:
    clock = Clock()
    controller = ConcurrencyController(16, 32, clock=clock)
    assert controller.trouble() == 8
    assert controller.trouble() is None  # the same burst of errors counts once
    _window(controller, clock, 50.0)
    assert controller.trouble() == 4
    assert controller.set_cap(3) == 3


def test_a_users_number_is_the_most_and_zero_means_automatic() -> None:
    assert concurrency_range(0) == (AUTO_START, AUTO_CAP)
    assert concurrency_range(3) == (3, 3)


def test_after_an_outage_the_level_is_found_again_by_doubling() -> None:
    clock = Clock()
    controller = ConcurrencyController(16, 32, clock=clock)
    for _ in range(4):  # the outage: errors window after window
        controller.trouble()
        _window(controller, clock, 5.0)
    assert controller.current == 1
    controller.recovered()
    levels = []
    for _ in range(4):
        _window(controller, clock, 10.0 * controller.current)  # every file more in flight pays again
        levels.append(controller.current)
    assert levels == [2, 4, 8, 16]
