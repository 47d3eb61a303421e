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
