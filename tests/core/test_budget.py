from __future__ import annotations

import threading

import pytest

from desktop_uploader.core.budget import ConnectionBudget
from desktop_uploader.core.transfer import Control, Interrupted


def test_slots_are_shared_and_waiting_stops_on_pause() -> None:
    budget = ConnectionBudget(2)
    held = threading.Event()
    done = threading.Event()

    def holder() -> None:
        with budget.slot(), budget.slot():
            held.set()
            done.wait(10)

    thread = threading.Thread(target=holder)
    thread.start()
    assert held.wait(10)
    control = Control()
    waiting = threading.Thread(target=lambda: control.stop("pause"))
    waiting.start()
    with pytest.raises(Interrupted), budget.slot(control):
        pass
    waiting.join()
    done.set()
    thread.join()
    with budget.slot(), budget.slot():  # both came back
        pass


def test_budget_needs_a_slot() -> None:
    with pytest.raises(ValueError):
        ConnectionBudget(0)


def test_a_bigger_budget_lets_a_waiting_request_through_at_once() -> None:
    budget = ConnectionBudget(1)
    release = threading.Event()
    got_second = threading.Event()

    def hold_one() -> None:
        with budget.slot():
            release.wait(10)

    def want_one() -> None:
        with budget.slot():
            got_second.set()

    holder = threading.Thread(target=hold_one)
    holder.start()
    while budget.in_use != 1:
        threading.Event().wait(0.005)
    waiter = threading.Thread(target=want_one)
    waiter.start()
    assert not got_second.wait(0.3)  # the budget is used up
    budget.resize(2)
    assert got_second.wait(10)
    release.set()
    holder.join()
    waiter.join()
    budget.resize(1)
    assert budget.in_use == 0 and budget.size == 1
    with pytest.raises(ValueError):
        budget.resize(0)
