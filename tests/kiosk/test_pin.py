"""The admin PIN: stored as a salted scrypt hash only, checked in constant time, wrong tries lock out."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_uploader.kiosk.pin import LockoutPolicy, PinError, PinStore, hash_pin, record_matches
from tests.kiosk.helpers import FakeClock

POLICY = LockoutPolicy(free_attempts=2, base_seconds=10, factor=2, max_seconds=40)


def test_pin_is_stored_as_salted_scrypt_hash(tmp_path: Path) -> None:
    store = PinStore(tmp_path / "pin.json")
    assert not store.is_set()
    store.set_pin("246810")
    text = (tmp_path / "pin.json").read_text()
    assert "246810" not in text
    record = json.loads(text)["pin"]
    assert record["algorithm"] == "scrypt" and record["n"] >= 2**14
    # The same PIN twice gives different records: each has its own salt.
    other = hash_pin("246810")
    assert other["salt"] != record["salt"] and other["hash"] != record["hash"]
    assert record_matches(other, "246810") and not record_matches(other, "246811")
    assert store.verify("246810").ok
    assert not store.verify("246811").ok


def test_short_pin_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PinError, match="at least 4"):
        PinStore(tmp_path / "pin.json").set_pin("12")


def test_wrong_attempts_lock_out_for_a_growing_time_that_survives_a_restart(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "pin.json"
    store = PinStore(path, clock=clock, policy=POLICY)
    store.set_pin("2468")

    first = store.verify("1111")
    assert not first.ok and first.locked_for == 0 and first.failures == 1
    second = store.verify("1111")
    assert not second.ok and second.locked_for == 10
    # While locked, even the right PIN is not checked.
    refused = store.verify("2468")
    assert not refused.ok and not refused.tried and refused.locked_for == pytest.approx(10)

    # A restart does not reset the lockout.
    clock.advance(4)
    restarted = PinStore(path, clock=clock, policy=POLICY)
    assert restarted.locked_for() == pytest.approx(6)
    clock.advance(6)
    assert restarted.verify("1111").locked_for == 20
    clock.advance(20)
    assert restarted.verify("1111").locked_for == 40
    clock.advance(40)
    assert restarted.verify("1111").locked_for == 40  # capped
    clock.advance(40)

    ok = restarted.verify("2468")
    assert ok.ok and restarted.failures() == 0 and restarted.locked_for() == 0


def test_clock_set_back_cannot_stretch_a_lockout(tmp_path: Path) -> None:
    clock = FakeClock()
    store = PinStore(tmp_path / "pin.json", clock=clock, policy=POLICY)
    store.set_pin("2468")
    store.verify("0000")
    store.verify("0000")
    clock.advance(-86_400)
    assert store.locked_for() == 10


def test_damaged_pin_file_does_not_unlock(tmp_path: Path) -> None:
    path = tmp_path / "pin.json"
    path.write_text("{not json")
    store = PinStore(path)
    with pytest.raises(PinError, match="cannot be read"):
        store.verify("2468")


def test_pin_fixed_by_the_admin_cannot_be_changed_here(tmp_path: Path) -> None:
    store = PinStore(tmp_path / "pin.json", fixed_record=hash_pin("9753"))
    assert store.is_set() and store.fixed
    assert store.verify("9753").ok
    with pytest.raises(PinError, match="locked configuration"):
        store.set_pin("1234")


def test_thousands_of_wrong_tries_never_break_the_right_pin(tmp_path: Path) -> None:
    clock = FakeClock()
    path = tmp_path / "pin.json"
    store = PinStore(path, clock=clock, policy=POLICY)
    store.set_pin("2468")
    # A counter that has run up over months (or was edited): the back-off arithmetic used to overflow.
    data = json.loads(path.read_text())
    data.update(failures=5000, locked_until=0.0)
    path.write_text(json.dumps(data))
    assert store.locked_for() == 0
    wrong = store.verify("1111")
    assert not wrong.ok and wrong.locked_for == POLICY.max_seconds
    clock.advance(POLICY.max_seconds)
    assert store.verify("2468").ok


@pytest.mark.parametrize("edit", [{"failures": "none"}, {"failures": -3, "locked_until": "never"},
                                  {"failures": 1.5}])
def test_an_edited_lock_out_locks_for_longest_instead_of_unlocking(tmp_path: Path, edit: dict[str, object]) -> None:
    clock = FakeClock()
    path = tmp_path / "pin.json"
    store = PinStore(path, clock=clock, policy=POLICY)
    store.set_pin("2468")
    store.verify("0000")
    store.verify("0000")  # locked now
    data = json.loads(path.read_text())
    data.update(edit)
    path.write_text(json.dumps(data))
    assert store.locked_for() == POLICY.max_seconds
    refused = store.verify("2468")
    assert not refused.ok and not refused.tried


def test_a_pin_that_was_set_and_vanished_is_missing_not_unset(tmp_path: Path) -> None:
    store = PinStore(tmp_path / "config" / "pin.json", marker=tmp_path / "data" / "pin-was-set")
    assert not store.missing()
    store.set_pin("2468")
    (tmp_path / "config" / "pin.json").unlink()
    assert not store.is_set() and store.missing()
