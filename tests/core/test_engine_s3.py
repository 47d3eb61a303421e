"""The engine end to end against a real S3 server (SeaweedFS) and the real reference signing endpoint."""

from __future__ import annotations

import dataclasses
import os
import threading
import time
import typing
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.core.engine import EngineSettings, KeyOptions
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.health import OUTAGE_STRIKES, DestinationHealth
from desktop_uploader.core.models import Event, EventKind, JobState, SignedRequest, UploadTarget
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import PutSigner, Signer
from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner
from desktop_uploader.core.store import JobStore
from tests.core.helpers import (
    FAST_RETRY,
    Recorder,
    close_engine,
    endpoint_profile,
    local_profile,
    make_engine,
    run_all,
    states,
    store_credentials,
    waits_for_destination,
)
from tests.core.legacy_endpoint import legacy_endpoint

TRICKY_NAMES = ["with space.txt", "plus+sign.txt", "hash#tag.txt", "per%cent.txt", "what?.txt",
                "café ünïcödé 東京.txt", "emoji 📷.jpg"]


def _objects(seaweed: Any, bucket: str) -> dict[str, bytes]:
    client = seaweed.client()
    out = {}
    for obj in client.list_objects_v2(Bucket=bucket).get("Contents", []):
        out[obj["Key"]] = client.get_object(Bucket=bucket, Key=obj["Key"])["Body"].read()
    return out


def test_endpoint_signer_uploads_folder_with_tricky_names(tmp_path: Path, seaweed: Any, bucket: str,
                                                         reference_endpoint: Any) -> None:
    folder = tmp_path / "drop"
    (folder / "sub dir").mkdir(parents=True)
    for i, name in enumerate(TRICKY_NAMES):
        (folder / name).write_bytes(f"content {i}".encode())
    (folder / "sub dir" / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024 + 7))
    (folder / "empty.dat").write_bytes(b"")
    (folder / ".hidden").write_text("skip me")
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)])
    try:
        jobs = run_all(engine, [folder], "ep")
    finally:
        close_engine(engine)
    assert set(states(jobs).values()) == {JobState.DONE}
    stored = _objects(seaweed, bucket)
    expected = {"drop/" + n: (folder / n).read_bytes() for n in [*TRICKY_NAMES, "empty.dat"]}
    expected["drop/sub dir/big.bin"] = (folder / "sub dir" / "big.bin").read_bytes()
    assert stored == expected
    head = seaweed.client().head_object(Bucket=bucket, Key="drop/emoji 📷.jpg")
    assert head["ContentType"] == "image/jpeg"
    done = events.of(EventKind.DONE)
    assert len(done) == len(expected) and all(e.etag for e in done)
    progress = [e for e in events.of(EventKind.PROGRESS) if e.key == "drop/sub dir/big.bin"]
    assert progress[-1].bytes_sent == progress[-1].total == 3 * 1024 * 1024 + 7
    # A file sent in one piece is done the moment its bytes count: its done event alone reports them.
    assert {e.key for e in events.of(EventKind.PROGRESS)} == {"drop/sub dir/big.bin"}
    assert {e.key for e in events.of(EventKind.STARTED)} == set(expected)


def test_local_signer_sends_signed_acl_metadata_and_storage_class(
        tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket, acl="public-read", storage_class="STANDARD",
                            metadata={"site": "north-4"})
    store_credentials(profile.name, seaweed.admin)
    (tmp_path / "photo.jpg").write_bytes(b"jpeg bytes")
    signed_urls: list[SignedRequest] = []

    class Spy(PutSigner):
        def __init__(self, inner: Signer) -> None:
            self.inner = inner
            self.name = inner.name

        def sign_put(self, target: UploadTarget) -> SignedRequest:
            signed_urls.append(self.inner.sign_put(target))
            return signed_urls[-1]

        def describe(self) -> dict[str, str]:
            return self.inner.describe()

        def close(self) -> None:
            self.inner.close()

    engine, _ = make_engine(tmp_path / "q.db", [profile], wrap=Spy)
    try:
        jobs = run_all(engine, [tmp_path / "photo.jpg"], profile.name)
    finally:
        close_engine(engine)
    assert jobs[0].state is JobState.DONE, jobs[0].error
    # The link really carried those headers as signed headers, so sending them was required.
    assert "x-amz-acl" in signed_urls[0].url and "x-amz-meta-site" in signed_urls[0].url
    head = seaweed.client().head_object(Bucket=bucket, Key="photo.jpg")
    assert head["Metadata"] == {"site": "north-4"}
    assert head["ContentType"] == "image/jpeg"


def test_endpoint_acl_header_told_in_response(tmp_path: Path, seaweed: Any, bucket: str,
                                              reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(acl="public-read")
    (tmp_path / "a.txt").write_text("acl")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(endpoint.sign_url)])
    try:
        jobs = run_all(engine, [tmp_path / "a.txt"], "ep")
    finally:
        close_engine(engine)
    assert jobs[0].state is JobState.DONE, jobs[0].error


def test_signed_header_with_unknown_value_fails_before_sending(tmp_path: Path, seaweed: Any, bucket: str,
                                                               reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(acl="public-read")
    (tmp_path / "a.txt").write_text("acl")
    with legacy_endpoint(endpoint.sign_url) as url:
        engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(url)])
        try:
            jobs = run_all(engine, [tmp_path / "a.txt"], "ep")
        finally:
            close_engine(engine)
    assert jobs[0].state is JobState.FAILED
    assert jobs[0].error is not None and jobs[0].error["code"] == "SignedHeaderValueUnknown"
    assert "x-amz-acl" in jobs[0].error["message"]
    assert _objects(seaweed, bucket) == {}


def test_signed_header_value_from_profile(tmp_path: Path, seaweed: Any, bucket: str,
                                          reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(acl="public-read")
    (tmp_path / "a.txt").write_text("acl")
    with legacy_endpoint(endpoint.sign_url) as url:
        profile = endpoint_profile(url, signed_header_values={"x-amz-acl": "public-read"})
        engine, _ = make_engine(tmp_path / "q.db", [profile])
        try:
            jobs = run_all(engine, [tmp_path / "a.txt"], "ep")
        finally:
            close_engine(engine)
    assert jobs[0].state is JobState.DONE, jobs[0].error


@pytest.mark.parametrize(("mode", "code"), [
    ("not-json", "EndpointBadResponse"),
    ("no-url", "EndpointMissingURL"),
    ("ftp-url", "EndpointBadURL"),
    ("wrong-key", "EndpointSignedWrongKey"),
    ("error-string", "EndpointError"),
    ("gateway-missing-token", "EndpointError"),
])
def test_bad_endpoint_answers_fail_each_file_clearly(tmp_path: Path, seaweed: Any, bucket: str,
                                                     reference_endpoint: Any, mode: str, code: str) -> None:
    for name in ("one.txt", "two.txt"):
        (tmp_path / name).write_text(name)
    with legacy_endpoint(reference_endpoint.sign_url, mode) as url:
        engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(url)])
        try:
            jobs = run_all(engine, [tmp_path / "one.txt", tmp_path / "two.txt"], "ep")
        finally:
            close_engine(engine)
    assert [j.state for j in jobs] == [JobState.FAILED, JobState.FAILED]
    for job in jobs:
        assert job.error is not None and job.error["code"] == code
        assert job.error["stage"] == "sign"
        assert job.error["message"]
    assert not events.of(EventKind.RETRY)
    assert _objects(seaweed, bucket) == {}


def _down_events(events: Recorder) -> list[Event]:
    return [e for e in events.of(EventKind.DESTINATION) if e.extra["state"] != "reachable"]


@pytest.mark.parametrize(("mode", "code"), [
    ("html", "EndpointReturnedHTML"),  # a Wi-Fi sign-in page answers instead of the endpoint
    ("error-500", "EndpointError"),
])
def test_endpoint_trouble_holds_files_in_the_queue(tmp_path: Path, seaweed: Any, bucket: str,
                                                   reference_endpoint: Any, mode: str, code: str) -> None:
    for name in ("one.txt", "two.txt", "three.txt"):
        (tmp_path / name).write_text(name)
    with legacy_endpoint(reference_endpoint.sign_url, mode) as url:
        engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(url)])
        engine.health = DestinationHealth(min_backoff=0.05, max_backoff=0.2)
        try:
            engine.add_paths([tmp_path / n for n in ("one.txt", "two.txt", "three.txt")], "ep")
            engine.start()
            # Several probes, one at a time, all refused: the state is announced once.
            assert events.wait_for(lambda _: waits_for_destination(events) >= 5)
            assert not engine.wait_idle(0.1)
            engine.stop()
            jobs = engine.jobs()
        finally:
            close_engine(engine)
    assert [j.state for j in jobs] == [JobState.QUEUED] * 3
    assert not events.of(EventKind.FAILED)
    assert len(events.of(EventKind.RETRY)) < OUTAGE_STRIKES + 3  # retried with the file until it counted as an outage
    down = _down_events(events)
    assert len(down) == 1 and down[0].extra["state"] == "unreachable" and down[0].extra["profile"] == "ep"
    assert down[0].failure is not None and down[0].failure["code"] == code
    assert down[0].extra["explanation"]["summary"]
    assert down[0].retry_in is not None and 0 < down[0].retry_in <= 0.2


def test_destination_recovers_and_every_file_arrives(tmp_path: Path, seaweed: Any, bucket: str,
                                                    reference_endpoint: Any) -> None:
    outage = threading.Event()
    outage.set()
    calls: list[bool] = []

    class Flaky(PutSigner):
        """The endpoint's network drops while ``outage`` is set."""

        def __init__(self, inner: Signer) -> None:
            self.inner = inner
            self.name = inner.name

        def sign_put(self, target: UploadTarget) -> SignedRequest:
            calls.append(outage.is_set())
            if outage.is_set():
                raise UploadError(Failure(code="EndpointUnreachable", stage="sign", retryable=True,
                                          network_error="ConnectionRefused", message="refused"))
            return self.inner.sign_put(target)  # type: ignore[attr-defined]

        def describe(self) -> dict[str, str]:
            return self.inner.describe()

    names = [f"f{i}.txt" for i in range(8)]
    for name in names:
        (tmp_path / name).write_text(name)
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)], wrap=Flaky)
    engine.health = DestinationHealth(min_backoff=0.05, max_backoff=0.2)
    try:
        engine.add_paths([tmp_path / n for n in names], "ep")
        engine.start()
        assert events.wait_for(lambda _: waits_for_destination(events) >= 12)
        outage.clear()
        assert engine.wait_idle(60)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * len(names)
    assert not events.of(EventKind.FAILED)
    states = [e.extra["state"] for e in events.of(EventKind.DESTINATION)]
    assert states == ["unreachable", "reachable"]
    # While it was down, only one file at a time tried: far fewer calls than files times retries.
    assert calls.count(True) < 12 + engine.settings.concurrency
    assert set(_objects(seaweed, bucket)) == set(names)


def test_unreachable_endpoint_waits_instead_of_failing(tmp_path: Path) -> None:
    import socket

    with socket.socket() as sock:  # a port that was free a moment ago: nothing listens there
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (tmp_path / "a.txt").write_text("a")
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(f"http://127.0.0.1:{port}/sign")])
    try:
        engine.add_paths([tmp_path / "a.txt"], "ep")
        engine.start()
        assert events.wait_for(lambda _: bool(_down_events(events)))
        engine.stop()
        assert engine.jobs()[0].state is JobState.QUEUED
    finally:
        close_engine(engine)
    down = _down_events(events)
    assert down[0].failure is not None and down[0].failure["code"] == "EndpointUnreachable"
    assert down[0].failure["network_error"] == "ConnectionRefused"
    assert not events.of(EventKind.FAILED)
    assert len(events.of(EventKind.RETRY)) < OUTAGE_STRIKES + 3  # retried with the file until it counted as an outage


def test_missing_profile_fails_the_job_clearly(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        engine.add_paths([tmp_path / "a.txt"], "no-such-profile")
        engine._profiles = None  # this engine serves every profile in the queue
        engine.start()
        assert engine.wait_idle(30)
        job = engine.jobs()[0]
    finally:
        close_engine(engine)
    assert job.state is JobState.FAILED
    assert job.error is not None and job.error["code"] == "ProfileNotFound"


def test_queued_event_goes_out_before_a_worker_can_take_the_job(tmp_path: Path,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    """A frontend must see QUEUED before FAILED, even when a worker is free the instant the job is stored."""
    (tmp_path / "a.txt").write_text("a")
    engine, recorder = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")],
                                   settings=EngineSettings(concurrency=1, retry=FAST_RETRY))
    engine._profiles = None  # serve every profile, so the job fails at once: its profile does not exist
    failed = threading.Event()
    engine.subscribe(lambda e: failed.set() if e.kind is EventKind.FAILED else None)
    real_add_jobs = engine.store.add_jobs

    def add_jobs_then_let_a_worker_in(*args: Any, **kwargs: Any) -> Any:
        jobs = real_add_jobs(*args, **kwargs)
        with engine._cond:
            engine._cond.notify_all()
        # Were the jobs claimable now, the free worker would take one and fail it in this window.
        failed.wait(timeout=0.5)
        return jobs

    monkeypatch.setattr(engine.store, "add_jobs", add_jobs_then_let_a_worker_in)
    try:
        engine.start()
        job_id = engine.add_paths([tmp_path / "a.txt"], "no-such-profile").jobs[0].id
        assert engine.wait_idle(30)
    finally:
        close_engine(engine)
    kinds = [e.kind for e in recorder.events if e.job_id == job_id]
    assert kinds[0] is EventKind.QUEUED
    assert kinds[-1] is EventKind.FAILED


def test_expired_link_is_signed_again(tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    (tmp_path / "late.txt").write_text("late")
    calls: list[SignedRequest] = []

    class ExpiresBeforeUse(PutSigner):
        """Hands out a link that has already expired the first time, and does not say when it expires,
        so only the server's answer can reveal it. Later links live as long as usual: a one-second link
        signed late in a second could expire on its way on a busy machine."""

        def __init__(self, inner: Signer) -> None:
            self.inner = inner
            self.name = inner.name
            self.short = LocalMultipartSigner(dataclasses.replace(profile, link_lifetime=1), SecretStore())

        def sign_put(self, target: UploadTarget) -> SignedRequest:
            signed = (self.short if not calls else self.inner).sign_put(target)
            calls.append(signed)
            if len(calls) == 1:
                deadline = time.monotonic() + 10
                while time.time() < (signed.expires_at or 0) + 1.5 and time.monotonic() < deadline:
                    time.sleep(0.1)
            return SignedRequest(signed.method, signed.url, signed.headers, expires_at=None,
                                 signer=signed.signer)

        def describe(self) -> dict[str, str]:
            return self.inner.describe()

        def close(self) -> None:
            self.short.close()
            self.inner.close()

    engine, events = make_engine(tmp_path / "q.db", [profile], wrap=ExpiresBeforeUse)
    try:
        jobs = run_all(engine, [tmp_path / "late.txt"], profile.name)
    finally:
        close_engine(engine)
    assert jobs[0].state is JobState.DONE, jobs[0].error
    assert len(calls) == 2
    retries = events.of(EventKind.RETRY)
    assert retries and "expired" in retries[0].extra["reason"]


def test_read_only_identity_fails_with_access_denied(tmp_path: Path, seaweed: Any, bucket: str,
                                                     memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.readonly)
    (tmp_path / "a.txt").write_text("nope")
    engine, events = make_engine(tmp_path / "q.db", [profile])
    try:
        jobs = run_all(engine, [tmp_path / "a.txt"], profile.name)
    finally:
        close_engine(engine)
    job = jobs[0]
    assert job.state is JobState.FAILED
    assert job.error is not None
    assert job.error["code"] == "AccessDenied" and job.error["http_status"] == 403
    assert job.attempts == 1  # a permanent 4xx is not retried blindly
    assert job.error["request"]["method"] == "PUT"
    assert "X-Amz-Signature=REDACTED" in job.error["request"]["url"]
    assert seaweed.readonly.secret_key not in str(job.error)
    assert job.error["explanation"]["summary"]
    assert events.of(EventKind.FAILED)[0].failure == job.error


def test_file_changed_mid_upload_is_not_marked_done(tmp_path: Path, seaweed: Any, bucket: str,
                                                   reference_endpoint: Any) -> None:
    target = tmp_path / "growing.log"
    target.write_bytes(b"x" * (3 * 1024 * 1024))
    settings = EngineSettings(concurrency=1, retry=FAST_RETRY.__class__(max_attempts=2, base_delay=0.01,
                                                                         max_delay=0.02))
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)],
                                 settings=settings)

    def keep_writing(event: Any) -> None:
        if event.kind is EventKind.PROGRESS and event.bytes_sent < event.total:
            with open(target, "ab") as fh:
                fh.write(b"more")

    engine.subscribe(keep_writing)
    try:
        jobs = run_all(engine, [target], "ep")
    finally:
        close_engine(engine)
    assert jobs[0].state is JobState.FAILED
    assert jobs[0].error is not None and jobs[0].error["code"] == "FileChangedDuringUpload"
    assert [e.failure["code"] for e in events.of(EventKind.RETRY) if e.failure] == ["FileChangedDuringUpload"]
    assert not events.of(EventKind.DONE)


def test_file_changed_once_is_sent_again_with_new_content(tmp_path: Path, seaweed: Any, bucket: str,
                                                         reference_endpoint: Any) -> None:
    target = tmp_path / "edited.bin"
    target.write_bytes(b"a" * (3 * 1024 * 1024))
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)])
    changed: list[bool] = []

    def edit_once(event: Any) -> None:
        if event.kind is EventKind.PROGRESS and not changed and event.bytes_sent < event.total:
            changed.append(True)
            target.write_bytes(b"b" * (2 * 1024 * 1024))

    engine.subscribe(edit_once)
    try:
        jobs = run_all(engine, [target], "ep")
    finally:
        close_engine(engine)
    assert jobs[0].state is JobState.DONE, jobs[0].error
    assert _objects(seaweed, bucket)["edited.bin"] == b"b" * (2 * 1024 * 1024)


def test_vanished_file_fails_and_queue_goes_on(tmp_path: Path, seaweed: Any, bucket: str,
                                               reference_endpoint: Any) -> None:
    (tmp_path / "gone.txt").write_text("soon gone")
    (tmp_path / "stays.txt").write_text("still here")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)])
    try:
        result = engine.add_paths([tmp_path / "gone.txt", tmp_path / "stays.txt"], "ep")
        (tmp_path / "gone.txt").unlink()
        engine.start()
        assert engine.wait_idle(30)
        jobs = {Path(j.path).name: j for j in engine.jobs()}
    finally:
        close_engine(engine)
    assert len(result.jobs) == 2
    assert jobs["gone.txt"].state is JobState.FAILED
    assert jobs["gone.txt"].error is not None and jobs["gone.txt"].error["code"] == "FileVanished"
    assert jobs["stays.txt"].state is JobState.DONE
    assert _objects(seaweed, bucket) == {"stays.txt": b"still here"}


def test_jobs_in_flight_at_a_crash_resume_on_next_start(tmp_path: Path, seaweed: Any, bucket: str,
                                                        reference_endpoint: Any) -> None:
    (tmp_path / "a.txt").write_text("resume me")
    db = tmp_path / "q.db"
    store = JobStore(db)
    engine, _ = make_engine(db, [endpoint_profile(reference_endpoint.sign_url)])
    added = engine.add_paths([tmp_path / "a.txt"], "ep").jobs
    close_engine(engine)
    # What a kill leaves behind: the row says it was uploading.
    store.set_state(added[0].id, JobState.UPLOADING, bytes_sent=5)
    store.close()
    engine, _ = make_engine(db, [endpoint_profile(reference_endpoint.sign_url)])
    try:
        assert engine.recovered == [added[0].id]
        assert engine.job(added[0].id).state is JobState.QUEUED  # type: ignore[union-attr]
        engine.start()
        assert engine.wait_idle(30)
        job = engine.job(added[0].id)
        assert job is not None and job.state is JobState.DONE, job.error
    finally:
        close_engine(engine)
    assert _objects(seaweed, bucket) == {"a.txt": b"resume me"}


def test_queue_ten_thousand_files_in_one_go(tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"f{i:05d}.txt").write_bytes(b"")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        started = time.perf_counter()
        result = engine.add_paths([folder], "ep", keys=KeyOptions(template="{filename}"))
        elapsed = time.perf_counter() - started
        counts = engine.store.counts()
    finally:
        close_engine(engine)
    print(f"queued 10,000 files in {elapsed:.2f} s")
    assert len(result.jobs) == 10_000
    assert len({j.key for j in result.jobs}) == 10_000
    assert counts == {JobState.QUEUED: 10_000}


def test_same_file_queued_again_resumes_instead_of_duplicating(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        first = engine.add_paths([tmp_path / "a.txt"], "ep")
        second = engine.add_paths([tmp_path / "a.txt"], "ep")
    finally:
        close_engine(engine)
    assert len(first.jobs) == 1 and second.jobs == []
    assert [j.id for j in second.resumed] == [first.jobs[0].id]


def test_a_failed_file_dropped_again_is_queued_again_and_says_so(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("x")
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        job_id = engine.add_paths([tmp_path / "a.txt"], "ep").jobs[0].id
        engine.store.set_state(job_id, JobState.FAILED, error={"code": "Timeout"})
        again = engine.add_paths([tmp_path / "a.txt"], "ep")
        job = engine.job(job_id)
    finally:
        close_engine(engine)
    assert [j.id for j in again.resumed] == [job_id]
    assert job is not None and job.state is JobState.QUEUED and job.attempts == 0
    # Frontends showing the failed row learn that it waits again.
    assert [e.kind for e in events.events if e.job_id == job_id] == [EventKind.QUEUED, EventKind.QUEUED]


@pytest.mark.parametrize("action", ["pause", "cancel"])
def test_pause_and_cancel_stop_a_running_upload(tmp_path: Path, seaweed: Any, bucket: str,
                                                reference_endpoint: Any, action: str) -> None:
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(8 * 1024 * 1024))
    # The server may briefly answer 500 for a key whose previous PUT was cut off: retry like real use.
    patient = RetryPolicy(max_attempts=6, base_delay=0.2, max_delay=1.0)
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)],
                            settings=EngineSettings(concurrency=1, retry=patient))
    stopped: list[int] = []

    def stop_on_progress(event: Any) -> None:
        if event.kind is EventKind.PROGRESS and not stopped:
            stopped.append(event.job_id)
            getattr(engine, action)([event.job_id])

    engine.subscribe(stop_on_progress)
    try:
        jobs = run_all(engine, [big], "ep")
        expected = JobState.PAUSED if action == "pause" else JobState.CANCELLED
        assert jobs[0].state is expected
        assert _objects(seaweed, bucket) == {}
        if action == "pause":
            engine.resume([jobs[0].id])
            assert engine.wait_idle(30)
            assert engine.job(jobs[0].id).state is JobState.DONE  # type: ignore[union-attr]
            assert _objects(seaweed, bucket)["big.bin"] == big.read_bytes()
    finally:
        close_engine(engine)


def test_system_kept_awake_only_while_uploading(tmp_path: Path, seaweed: Any, bucket: str,
                                                reference_endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    import desktop_uploader.core.engine as engine_module

    class RecordingAwake:
        """Stands in for the OS power API, which this machine's test run has no session for."""

        instances: typing.ClassVar[list[RecordingAwake]] = []

        def __init__(self) -> None:
            self.held = False
            self.history: list[bool] = []
            RecordingAwake.instances.append(self)

        def acquire(self) -> bool:
            self.held = True
            self.history.append(True)
            return True

        def release(self) -> None:
            self.held = False
            self.history.append(False)

    monkeypatch.setattr(engine_module, "KeepAwake", RecordingAwake)
    (tmp_path / "a.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)])
    awake = RecordingAwake.instances[-1]
    held_during: list[bool] = []
    idle = threading.Event()
    engine.subscribe(lambda e: held_during.append(awake.held) if e.kind is EventKind.PROGRESS else None)
    engine.subscribe(lambda e: idle.set() if e.kind is EventKind.IDLE else None)
    try:
        jobs = run_all(engine, [tmp_path / "a.bin"], "ep")
        assert jobs[0].state is JobState.DONE
        assert idle.wait(10)  # released before the idle event goes out
        assert held_during and all(held_during)
        assert awake.history[0] is True and awake.held is False
    finally:
        close_engine(engine)


def test_metadata_fixed_at_queue_time_and_paused_adding(tmp_path: Path, seaweed: Any, bucket: str,
                                                        reference_endpoint: Any) -> None:
    (tmp_path / "shot.jpg").write_bytes(b"jpeg")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(reference_endpoint.sign_url)])
    try:
        added = engine.add_paths([tmp_path / "shot.jpg"], "ep", metadata={"operator": "ana", "device": "kiosk-2"},
                                 paused=True)
        engine.start()
        assert engine.wait_idle(10)
        assert [j.state for j in engine.jobs()] == [JobState.PAUSED]
        assert _objects(seaweed, bucket) == {}
        engine.resume([added.jobs[0].id])
        assert engine.wait_idle(30)
        assert engine.job(added.jobs[0].id).state is JobState.DONE  # type: ignore[union-attr]
    finally:
        close_engine(engine)
    head = seaweed.client().head_object(Bucket=bucket, Key="shot.jpg")
    assert head["Metadata"] == {"operator": "ana", "device": "kiosk-2"}


def test_concurrency_changes_while_uploading(tmp_path: Path, seaweed: Any, bucket: str,
                                             reference_endpoint: Any) -> None:
    """More files start at once when the number goes up; when it goes down, the extra workers stop."""
    lock = threading.Condition()
    signing = 0
    most = 0
    release = threading.Event()

    class Gate(PutSigner):
        def __init__(self, inner: Signer) -> None:
            self.inner = inner
            self.name = inner.name

        def sign_put(self, target: UploadTarget) -> SignedRequest:
            nonlocal signing, most
            with lock:
                signing += 1
                most = max(most, signing)
                lock.notify_all()
            try:
                assert release.wait(30)
                return self.inner.sign_put(target)
            finally:
                with lock:
                    signing -= 1

        def describe(self) -> dict[str, str]:
            return self.inner.describe()

        def close(self) -> None:
            self.inner.close()

    for i in range(6):
        (tmp_path / f"f{i}.txt").write_text(str(i))
    profile = endpoint_profile(reference_endpoint.sign_url)
    engine, _ = make_engine(tmp_path / "q.db", [profile], wrap=Gate,
                            settings=EngineSettings(concurrency=1, retry=FAST_RETRY))
    try:
        engine.add_paths([tmp_path / f"f{i}.txt" for i in range(6)], profile.name)
        engine.start()
        with lock:
            assert lock.wait_for(lambda: signing == 1, timeout=30)
        engine.set_concurrency(3)
        with lock:
            assert lock.wait_for(lambda: signing == 3, timeout=30)  # two more started without a restart
        release.set()
        assert engine.wait_idle(60)
        engine.set_concurrency(1)
        with engine._cond:
            assert engine._cond.wait_for(lambda: engine._worker_slots == {0}, timeout=30)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert most == 3
    assert [j.state for j in jobs] == [JobState.DONE] * 6
    assert {o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket)["Contents"]} >= \
        {f"f{i}.txt" for i in range(6)}


def test_a_bad_key_template_queues_nothing_and_names_every_file(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(name)
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile("http://127.0.0.1:9/sign")])
    try:
        result = engine.add_paths([tmp_path / "a.txt", tmp_path / "b.txt"], "ep",
                                  keys=KeyOptions(template="{nope}/{filename}"))
        queued = engine.jobs()
    finally:
        close_engine(engine)
    assert result.jobs == [] and queued == []
    assert sorted(p.path.name for p in result.problems) == ["a.txt", "b.txt"]
    assert all("No valid name could be made" in p.reason and "nope" in p.reason for p in result.problems)
