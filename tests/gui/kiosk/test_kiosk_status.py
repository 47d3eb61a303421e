"""The words the kiosk shows: the status line, each file's state, and the platform's network hints."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from pytestqt.qtbot import QtBot

from desktop_uploader.core import failure as f
from desktop_uploader.core.models import Job, JobState
from desktop_uploader.gui.kiosk.controller import NetState, describe_job, retries_by_itself, status_text
from desktop_uploader.gui.network import SystemNetwork


def job(state: JobState, error: dict[str, Any] | None = None, finished_at: float | None = None) -> Job:
    return Job(id=1, path="/in/a.jpg", size=10, mtime_ns=1, key="a.jpg", content_type="image/jpeg",
               profile="p", state=state, error=error, finished_at=finished_at)


def test_status_line() -> None:
    now = datetime(2024, 5, 3, 15, 0)
    sent = datetime(2024, 5, 3, 14, 2).timestamp()
    assert status_text(waiting=12, sending=0, attention=0, last_sent_at=None, net=NetState.OFFLINE) == \
        "12 files waiting for network"
    assert status_text(waiting=1, sending=0, attention=0, last_sent_at=None, net=NetState.OFFLINE) == \
        "1 file waiting for network"
    assert status_text(waiting=0, sending=0, attention=0, last_sent_at=sent, net=NetState.ONLINE, now=now) == \
        "All sent at 14:02"
    assert status_text(waiting=0, sending=0, attention=3, last_sent_at=sent, net=NetState.ONLINE, now=now) == \
        "3 need attention"
    assert status_text(waiting=2, sending=1, attention=1, last_sent_at=sent, net=NetState.ONLINE, now=now) == \
        "Sending 3 files… · 1 needs attention"
    assert status_text(waiting=4, sending=0, attention=0, last_sent_at=None, net=NetState.METERED) == \
        "4 files waiting for Wi-Fi or a wired network"
    yesterday = (now - timedelta(days=1)).replace(hour=9, minute=30).timestamp()
    assert status_text(waiting=0, sending=0, attention=0, last_sent_at=yesterday, net=NetState.ONLINE,
                       now=now) == "All sent on 02 May at 09:30"
    assert status_text(waiting=0, sending=0, attention=0, last_sent_at=None, net=NetState.UNKNOWN) == \
        "Ready. New files are sent by themselves."


def test_file_states_in_plain_words() -> None:
    network: dict[str, Any] = {"code": f.ENDPOINT_UNREACHABLE, "message": "x", "retryable": True}
    refused: dict[str, Any] = {"code": "AccessDenied", "message": "Access Denied",
               "explanation": {"summary": "The storage refused this upload."}}
    assert describe_job(job(JobState.QUEUED), NetState.ONLINE) == "Waiting to send"
    assert describe_job(job(JobState.PAUSED), NetState.OFFLINE) == "Waiting for network"
    assert describe_job(job(JobState.UPLOADING), NetState.ONLINE, percent=42) == "Sending… 42 %"
    assert describe_job(job(JobState.UPLOADING), NetState.METERED, percent=42) == "Waiting for Wi-Fi"
    assert describe_job(job(JobState.FAILED, network), NetState.OFFLINE) == "Waiting for network"
    assert describe_job(job(JobState.FAILED, network), NetState.ONLINE) == "Will try again shortly"
    assert describe_job(job(JobState.FAILED, refused), NetState.OFFLINE) == \
        "Needs attention: The storage refused this upload."
    done_at = datetime(2024, 5, 3, 14, 2).timestamp()
    assert describe_job(job(JobState.DONE, finished_at=done_at), NetState.OFFLINE) == "Sent at 14:02"
    assert retries_by_itself(job(JobState.FAILED, network))
    assert not retries_by_itself(job(JobState.FAILED, refused))
    assert retries_by_itself(job(JobState.FAILED, {"code": "InternalError", "retryable": True}))


def test_platform_network_information_loads_quietly(qtbot: QtBot) -> None:
    network = SystemNetwork()
    try:
        # Whatever the backend says here, it answers in the types the controller expects.
        assert network.reachable in (True, False, None)
        assert network.metered in (True, False, None)
        assert isinstance(network.medium, str)
    finally:
        network.close()
