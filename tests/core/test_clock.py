"""A computer whose clock is wrong still uploads with local signing: the storage's refusal of a link for its time
says the storage's time, and the links signed after it carry that time (core/clock.py)."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import formatdate
from pathlib import Path
from typing import Any

import botocore.auth
import pytest
import requests

from desktop_uploader.core.check import check_connection
from desktop_uploader.core.clock import MIN_CORRECTION, StorageClock, is_time_refusal, storage_time
from desktop_uploader.core.engine import EngineSettings
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import EventKind, JobState
from desktop_uploader.core.transfer import _retry_after
from desktop_uploader.endpoint.server import _RequestHandler
from tests.core.helpers import (
    FAST_RETRY,
    close_engine,
    endpoint_profile,
    local_profile,
    make_engine,
    run_all,
    store_credentials,
)
from tests.plugins.clock import HOUR_BEHIND


def _refusal(message: str, *, code: str = "AccessDenied", date: str | None = None) -> Failure:
    return Failure(code=code, stage="upload", http_status=403, message=message,
                   s3_error={"Code": code, "Message": message},
                   server_date=date)


def _date(offset: float) -> str:
    return formatdate(time.time() + offset, usegmt=True)


@pytest.mark.parametrize(("code", "message", "refused"), [
    ("AccessDenied", "Request has expired", True),
    ("AccessDenied", "Request is not yet valid", True),
    ("RequestTimeTooSkewed", "The difference between the request time and the current time is too large.", True),
    ("AccessDenied", "Access Denied", False),
    ("SignatureDoesNotMatch", "The request signature we calculated does not match", False),
])
def test_a_refusal_for_the_links_time_is_told_from_other_refusals(code: str, message: str, refused: bool) -> None:
    assert is_time_refusal(_refusal(message, code=code)) is refused


def test_the_clock_learns_from_a_refusals_date_once_per_change() -> None:
    storage = StorageClock()
    seen: list[float] = []
    storage.watch(seen.append)
    assert not storage.learn(_refusal("Request has expired"))  # no Date: no evidence
    assert not storage.learn(_refusal("Access Denied", date=_date(3600)))  # not about time
    assert not storage.learn(_refusal("Request has expired", date=_date(MIN_CORRECTION / 3)))  # the clock is right
    assert storage.offset == 0 and not seen

    assert storage.learn(_refusal("Request has expired", date=_date(3600)))
    assert abs(storage.offset - 3600) < 3 and len(seen) == 1
    # Signed with the storage's time and refused all the same: the link is at fault, not the clock.
    assert not storage.learn(_refusal("Request has expired", date=_date(3600)))
    assert len(seen) == 1
    assert abs((storage_time(storage.offset) - datetime.now(UTC).replace(tzinfo=None)).total_seconds() - 3600) < 3

    # The computer's clock was set right meanwhile: its own time again.
    assert storage.learn(_refusal("Request is not yet valid", date=_date(0)))
    assert storage.offset == 0 and seen[-1] == 0


@pytest.mark.parametrize("if_exists", ["skip", "overwrite"])  # the first refusal: the bucket's listing, a file's link
def test_a_computer_whose_clock_is_an_hour_behind_uploads_with_the_storages_time(
        tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any,
        clock_an_hour_behind: Callable[[], None], if_exists: str) -> None:
    profile = local_profile(seaweed, bucket, if_exists=if_exists)
    store_credentials(profile.name, seaweed.admin)
    folder = tmp_path / "day"
    folder.mkdir()
    files = {f"form-{i}.csv": f"row {i}\n".encode() for i in range(4)}
    files["survey.mp4"] = os.urandom(6 * 1024 * 1024 + 3)  # multipart: its start, parts and joining are signed
    for name, data in files.items():
        (folder / name).write_bytes(data)
    settings = EngineSettings(concurrency=3, retry=FAST_RETRY, multipart_threshold=5 * 1024 * 1024,
                              part_size=5 * 1024 * 1024)
    engine, events = make_engine(tmp_path / "q.db", [profile], settings=settings)
    try:
        jobs = run_all(engine, [folder], profile.name)
    finally:
        close_engine(engine)

    assert {j.state for j in jobs} == {JobState.DONE}
    clock_an_hour_behind()  # set right: the test's own client signs with botocore's clock
    client = seaweed.client()
    assert {name: client.get_object(Bucket=bucket, Key=f"day/{name}")["Body"].read() for name in files} == files
    assert not events.of(EventKind.FAILED)
    [told] = events.of(EventKind.CLOCK)  # once, not once per file
    assert abs(told.extra["offset"] + HOUR_BEHIND) < 5 and told.extra["profile"] == profile.name
    assert "60 min behind the storage's" in told.extra["note"]


def test_the_connection_test_passes_and_says_the_clock_is_off(
        seaweed: Any, bucket: str, memory_keyring: Any, clock_an_hour_behind: Callable[[], None]) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    with requests.Session() as session:
        result = check_connection(profile, session)
    assert result.ok, result.explanation
    assert any("60 min behind the storage's; links are signed with the storage's time" in note
               for note in result.notes)


def test_a_signing_services_links_are_read_on_its_own_clock(
        tmp_path: Path, seaweed: Any, bucket: str, reference_endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    # The service an hour ahead of this computer: its links and its answers' Date say so. (This storage takes
    # links from the future; what is tested is that the app does not hold them back as not yet valid.)
    ahead = [3600.0]
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda remove_tzinfo=True: datetime.fromtimestamp(
        time.time() + ahead[0], UTC).replace(tzinfo=None))
    monkeypatch.setattr(_RequestHandler, "date_time_string",
                        lambda self, timestamp=None: formatdate((timestamp or time.time()) + ahead[0], usegmt=True))
    folder = tmp_path / "day"
    folder.mkdir()
    files = {f"note-{i}.txt": f"note {i}\n".encode() for i in range(6)}
    files["photo.jpg"] = os.urandom(600 * 1024)  # big enough for its link to be checked before sending
    for name, data in files.items():
        (folder / name).write_bytes(data)
    profile = endpoint_profile(reference_endpoint.sign_url, batch_signing=True)
    engine, events = make_engine(tmp_path / "q.db", [profile])
    try:
        jobs = run_all(engine, [folder], profile.name, prime_links=True)
    finally:
        close_engine(engine)

    assert {j.state for j in jobs} == {JobState.DONE}, [j.error for j in jobs]
    assert not events.of(EventKind.RETRY)  # no link taken for out of date and fetched again
    ahead[0] = 0.0  # the test's own client signs with botocore's clock
    client = seaweed.client()
    assert {name: client.get_object(Bucket=bucket, Key=f"day/{name}")["Body"].read() for name in files} == files


def test_a_retry_after_date_is_read_against_the_answers_own_date() -> None:
    server_now = round(time.time()) + 3600  # this computer an hour behind the server
    assert _retry_after(formatdate(server_now + 30, usegmt=True), formatdate(server_now, usegmt=True)) == 30
    assert _retry_after("12", None) == 12
    assert _retry_after("soon", formatdate(server_now, usegmt=True)) is None
