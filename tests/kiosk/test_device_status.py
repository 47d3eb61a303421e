"""The status document and the admin's view of it, without a network."""

from __future__ import annotations

import pytest

from desktop_uploader.kiosk.device_status import DeviceStatus, LastFailure, failure_of, status_key
from desktop_uploader.kiosk.fleet_report import StatusObject, build_rows, parse_duration, render_table

NOW = 1_767_225_600.0  # 2026-01-01T00:00:00Z


def _status(**changes: object) -> DeviceStatus:
    values: dict[str, object] = {"install_id": "0b6f7c1e-4f0c-4a54-9a83-3d2b1c0e9f11", "device_name": "tablet-01",
                                 "operator": "Ana", "queued_files": 2, "queued_bytes": 10, "failed_files": 1,
                                 "last_upload_at": NOW - 60, "free_disk_bytes": 5000, "written_at": NOW,
                                 "last_failure": LastFailure("AccessDenied", "Refused.", NOW - 30), **changes}
    return DeviceStatus(**values)  # type: ignore[arg-type]


def test_the_document_round_trips_with_whole_second_times() -> None:
    status = _status()
    data = status.to_json()
    assert data["written_at"] == "2026-01-01T00:00:00Z"
    assert data["last_failure"] == {"code": "AccessDenied", "summary": "Refused.", "at": "2025-12-31T23:59:30Z"}
    assert DeviceStatus.from_json(data) == status


@pytest.mark.parametrize("change", [{"format": "other"}, {"version": 2}, {"written_at": None},
                                    {"queued_files": -1}, {"failed_files": "3"}, {"free_disk_bytes": 1.5}])
def test_damaged_documents_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(ValueError):
        DeviceStatus.from_json({**_status().to_json(), **change})


def test_only_news_counts_as_a_change() -> None:
    status = _status()
    assert status.same_news(_status(written_at=NOW + 900, free_disk_bytes=4000))
    assert not status.same_news(_status(queued_files=3))
    assert not status.same_news(_status(operator="Ben"))
    assert not status.same_news(None)


def test_status_keys_and_failures() -> None:
    assert status_key("", "abc") == "_devices/abc.json"
    assert status_key("_devices/tablet-03.json", "abc") == "_devices/tablet-03.json"
    assert failure_of(None, NOW) is None
    failure = failure_of({"code": "X", "message": "m", "explanation": {"summary": "s" * 500}}, NOW)
    assert failure is not None and (failure.code, len(failure.summary)) == ("X", 300)


@pytest.mark.parametrize(("text", "seconds"), [("90m", 5400), ("24h", 86400), ("2d", 172800), ("1w", 604800),
                                               ("30s", 30), (" 1.5H ", 5400)])
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "24", "0h", "-1d", "soon", "1y"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError, match="such as"):
        parse_duration(text)


def test_last_seen_trusts_the_earlier_clock() -> None:
    ahead = StatusObject("_devices/a.json", _status(device_name="a", written_at=NOW + 86400), NOW - 2 * 86400)
    behind = StatusObject("_devices/b.json", _status(device_name="b", written_at=NOW - 3 * 86400), NOW - 60)
    fine = StatusObject("_devices/c.json", _status(device_name="c", written_at=NOW - 120), NOW - 60)
    rows = {r.name: r for r in build_rows([ahead, behind, fine], now=NOW, stale_after=86400)}
    # A clock running ahead cannot keep a silent device looking alive.
    assert rows["a"].last_seen == NOW - 2 * 86400 and rows["a"].stale
    assert rows["a"].notes() == ["stale", "clock 3 d ahead"]
    assert rows["b"].stale and rows["b"].notes() == ["stale", "clock 2 d behind"]
    assert not rows["c"].stale and rows["c"].notes() == []


def test_unreadable_objects_and_unknown_devices_still_get_rows() -> None:
    broken = StatusObject("_devices/x.json", None, NOW - 60, "unreadable status (not a device status document)")
    rows = build_rows([broken], now=NOW, stale_after=86400,
                      devices={"_devices/t2.json": ("t2", False), "_devices/x.json": ("x", True)})
    assert [(r.name, r.stale, r.revoked, r.notes()) for r in rows] == [
        ("t2", True, True, ["revoked", "never reported"]),
        ("x", False, False, ["unreadable status (not a device status document)"])]
    assert render_table(rows, NOW).splitlines()[-1] == "2 device(s): 1 stale, 1 revoked, 0 file(s) waiting in all."
