"""The queue model applies engine events in order, also when a job's whole life arrives in one batch."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from desktop_uploader.core.models import Event, EventKind, JobState
from desktop_uploader.gui.queue_model import QueueModel


def _queued(job_id: int, name: str) -> Event:
    return Event(EventKind.QUEUED, job_id, f"/data/{name}", name, total=10, extra={"batch": "b"})


def test_a_jobs_whole_life_in_one_batch_reaches_its_new_row(qtbot: QtBot) -> None:
    # A tiny file can be queued, sent and finished between two repaints of the window.
    model = QueueModel()
    done, unknown = model.apply_events([
        _queued(1, "a.txt"), _queued(2, "b.txt"), _queued(3, "c.txt"), _queued(4, "d.txt"),
        Event(EventKind.STARTED, 1, "/data/a.txt", "a.txt", total=10),
        Event(EventKind.DONE, 1, "/data/a.txt", "a.txt", bytes_sent=10, total=10, etag="e"),
        Event(EventKind.FAILED, 2, "/data/b.txt", "b.txt", failure={"code": "AccessDenied"}),
        Event(EventKind.REMOVED, 3),
        Event(EventKind.PAUSED, 4),
    ])
    assert [(r.job_id, r.state) for r in model.rows()] == [
        (1, JobState.DONE), (2, JobState.FAILED), (4, JobState.PAUSED)]
    assert [r.job_id for r in done] == [1]
    assert unknown == []
    totals = model.totals()
    assert totals.counts[JobState.DONE] == 1 and totals.counts[JobState.FAILED] == 1
    assert totals.counts[JobState.QUEUED] == 0


def test_events_of_a_job_not_shown_yet_are_reported_as_unknown(qtbot: QtBot) -> None:
    model = QueueModel()
    done, unknown = model.apply_events([Event(EventKind.STARTED, 7), Event(EventKind.DONE, 7)])
    assert model.rowCount() == 0 and done == [] and unknown == [7, 7]
