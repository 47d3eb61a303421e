"""Multipart uploads against a real SeaweedFS: parallel parts, resume after shutdown and kill -9, cancel,
orphans, expiring links and corrupted parts (through a byte-flipping proxy)."""

from __future__ import annotations

import calendar
import hashlib
import json
import os
import selectors
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from keyrings.alt.file import PlaintextKeyring  # type: ignore[import-untyped]

from desktop_uploader.core import secrets as sec
from desktop_uploader.core.checksums import ChecksumPolicy, destination_of
from desktop_uploader.core.config import KIND_LOCAL, Config, Profile
from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.factory import explain_failure, make_signer
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.http import make_session
from desktop_uploader.core.models import EventKind, JobState, SignedRequest, UploadedPart, UploadTarget
from desktop_uploader.core.multipart import (
    MAX_PARTS,
    MIN_PART_SIZE,
    abort_orphan_uploads,
    choose_part_size,
    composite_etag,
    forget_uploads,
    part_count,
    stored_upload,
)
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner
from desktop_uploader.core.store import JobStore, UploadRecord
from desktop_uploader.devserver import SeaweedServer
from tests.core.helpers import Recorder
from tests.core.s3_proxy import S3Proxy
from tests.plugins.keychain import MemoryKeyring

MiB = 1024 * 1024
PART = 5 * MiB
FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.02)


@dataclass
class Settings(EngineSettings):
    """EngineSettings with the multipart knobs the module reads when present."""

    part_size: int = PART
    part_concurrency: int = 3


# -- helpers ----------------------------------------------------------------------------------------------
def wait_for(predicate: Callable[[], bool], timeout: float = 30.0, what: str = "condition") -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.01)


def write_random(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def expected_etag(data: bytes, part_size: int) -> str:
    return composite_etag(hashlib.md5(data[i:i + part_size]).hexdigest() for i in range(0, len(data), part_size))


class CountingSession(requests.Session):
    """The engine's session, counting part PUTs and how many were in flight at once."""

    def __init__(self) -> None:
        super().__init__()
        base = make_session(pool_size=16)
        self.adapters = base.adapters
        self.headers = base.headers
        self._lock = threading.Lock()
        self.part_puts = 0
        self.part_ok = 0
        self.inflight = 0
        self.max_inflight = 0
        self.signing_paths: list[str] = []  # paths of the GETs asking a Companion service for links
        self.storage_calls: list[tuple[str, str]] = []  # (method, "uploads" or "partNumber" or "uploadId")

    def request(self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any) -> requests.Response:
        part = method == "PUT" and "partNumber=" in str(url)
        query = parse_qs(urlsplit(str(url)).query, keep_blank_values=True)
        named = next((name for name in ("uploads", "partNumber", "uploadId") if name in query), None)
        if named is not None:
            with self._lock:
                self.storage_calls.append((str(method), named))
        if part:
            with self._lock:
                self.part_puts += 1
                self.inflight += 1
                self.max_inflight = max(self.max_inflight, self.inflight)
        try:
            response = super().request(method, url, *args, **kwargs)
        finally:
            if part:
                with self._lock:
                    self.inflight -= 1
        if part and response.status_code == 200:
            with self._lock:
                self.part_ok += 1
        return response

    def send(self, request: requests.PreparedRequest, **kwargs: Any) -> requests.Response:
        path = urlsplit(request.url or "").path
        if request.method == "GET" and "/s3/multipart/" in path:
            with self._lock:
                self.signing_paths.append(path)
        return super().send(request, **kwargs)


def local_profile(seaweed: SeaweedServer, bucket: str, name: str = "big", endpoint: str | None = None,
                  **kw: Any) -> Profile:
    return Profile(name=name, kind=KIND_LOCAL, bucket=bucket, region="us-east-1",
                   s3_endpoint_url=endpoint or seaweed.endpoint_url, addressing_style="path", **kw)


def store_credentials(store: SecretStore, seaweed: SeaweedServer, profile: str) -> None:
    store.set(profile, sec.ACCESS_KEY_ID, seaweed.admin.access_key)
    store.set(profile, sec.SECRET_ACCESS_KEY, seaweed.admin.secret_key)


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring, seaweed: SeaweedServer) -> SecretStore:
    store = SecretStore(memory_keyring)
    store_credentials(store, seaweed, "big")
    return store


def make_engine(store: JobStore, profile: Profile, secrets: SecretStore, settings: EngineSettings,
                session: requests.Session | None = None) -> tuple[Engine, Recorder]:
    engine = Engine(store, lambda name, s: make_signer(profile, s, secrets), settings=settings,
                    session=session or CountingSession())
    recorder = Recorder()
    engine.subscribe(recorder)
    return engine, recorder


def stop_after_parts(engine: Engine, store: JobStore, job_id: int, count: int) -> None:
    """Run the engine until *count* parts of the job are committed, then shut it down (as a quit or crash
    would leave it)."""
    engine.start()
    try:
        wait_for(lambda: len(store.parts(job_id)) >= count, what=f"{count} committed part(s)")
    finally:
        engine.close()


def start_slow_multipart(store: JobStore, profile: Profile, secrets: SecretStore, path: Path,
                         size: int = 30 * MiB) -> tuple[Engine, Any, bytes]:
    """Start a multipart upload of a new *size* file, slow enough that a pause or cancel surely lands
    before its last part however busy the machine, and wait for its first committed part."""
    data = write_random(path, size)
    engine, _ = make_engine(store, profile, secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY, rate_limit=4 * MiB))
    [job] = engine.add_paths([path], profile.name).jobs
    engine.start()
    try:
        wait_for(lambda: len(store.parts(job.id)) >= 1, what="a committed part")
    except BaseException:
        engine.close()
        raise
    return engine, job, data


def wait_for_state(store: JobStore, job_id: int, state: JobState) -> None:
    wait_for(lambda: (j := store.get(job_id)) is not None and j.state is state, what=f"the job to be {state}")


def run_to_end(engine: Engine, timeout: float = 120.0) -> None:
    engine.start()
    try:
        assert engine.wait_idle(timeout), "the upload did not finish in time"
    finally:
        engine.close()


def s3_bytes(seaweed: SeaweedServer, bucket: str, key: str) -> tuple[bytes, str]:
    obj = seaweed.client().get_object(Bucket=bucket, Key=key)
    with obj["Body"] as body:
        return body.read(), obj["ETag"].strip('"')


def open_uploads(seaweed: SeaweedServer, bucket: str) -> list[str]:
    uploads = seaweed.client().list_multipart_uploads(Bucket=bucket).get("Uploads") or []
    return [str(u.get("UploadId")) for u in uploads]


# -- a proxy between client and SeaweedFS -----------------------------------------------------------------
# -- part sizes -------------------------------------------------------------------------------------------
def test_part_size_rules() -> None:
    assert choose_part_size(100 * MiB) == 8 * MiB
    assert choose_part_size(100 * MiB, 1 * MiB) == MIN_PART_SIZE
    for size in (80 * 1024 * MiB, 100 * 1024**3 + 1, 4 * 1024**4):
        part = choose_part_size(size)
        assert part % MiB == 0 and part >= MIN_PART_SIZE
        assert part_count(size, part) <= MAX_PARTS
    with pytest.raises(UploadError) as info:
        choose_part_size(MAX_PARTS * 5 * 1024**3 + 1)
    assert info.value.failure.code == "FileTooLargeForSinglePut"


def test_composite_etag_of_known_parts() -> None:
    # Two parts "a" and "b": md5(md5("a") || md5("b")) + "-2".
    digest = hashlib.md5(hashlib.md5(b"a").digest() + hashlib.md5(b"b").digest()).hexdigest()
    assert composite_etag([hashlib.md5(b"a").hexdigest(), hashlib.md5(b"b").hexdigest()]) == f"{digest}-2"


# -- end to end -------------------------------------------------------------------------------------------
def test_local_multipart_end_to_end(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                    store: JobStore, tmp_path: Path) -> None:
    data = write_random(tmp_path / "video.bin", 26 * MiB)  # 5 full parts and a 1 MiB tail
    session = CountingSession()
    engine, events = make_engine(store, local_profile(seaweed, bucket), secrets,
                                 Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), session)
    [job] = engine.add_paths([tmp_path / "video.bin"], "big").jobs
    run_to_end(engine)

    done = store.get(job.id)
    assert done is not None and done.state is JobState.DONE, done
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == data
    assert etag == expected_etag(data, PART) == done.etag
    assert etag.endswith("-6")
    assert session.part_puts == 6
    assert session.max_inflight >= 2, "parts were not sent in parallel"
    # Finished uploads leave nothing behind, here or on the server.
    assert store.get_multipart(job.id) is None and store.parts(job.id) == {}
    assert open_uploads(seaweed, bucket) == []
    progress = [e.bytes_sent for e in events.of(EventKind.PROGRESS)]
    assert progress == sorted(progress) and progress[-1] == len(data)


def test_signing_here_an_upload_is_started_and_joined_through_the_engines_connections(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, tmp_path: Path) -> None:
    # Not through a botocore client of its own: making one costs tenths of a second of CPU while the other
    # files wait, and its connections are not those a run opened ahead.
    data = write_random(tmp_path / "video.bin", 12 * MiB)
    session = CountingSession()
    engine, _ = make_engine(store, local_profile(seaweed, bucket, if_exists="skip"), secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), session)
    [job] = engine.add_paths([tmp_path / "video.bin"], "big").jobs
    run_to_end(engine)

    done = store.get(job.id)
    assert done is not None and done.state is JobState.DONE, done
    assert s3_bytes(seaweed, bucket, job.key) == (data, expected_etag(data, PART))
    calls = session.storage_calls
    assert calls[0] == ("POST", "uploads") and calls[-1] == ("POST", "uploadId")
    assert sorted(calls[1:-1]) == [("PUT", "partNumber")] * 3


def test_signing_here_a_big_file_stored_meanwhile_is_not_replaced(seaweed: SeaweedServer, bucket: str,
                                                                   secrets: SecretStore, store: JobStore,
                                                                   tmp_path: Path) -> None:
    write_random(tmp_path / "video.bin", 12 * MiB)
    profile = local_profile(seaweed, bucket, if_exists="skip")

    class SomeoneElseFirst(LocalMultipartSigner):
        def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
            seaweed.client().put_object(Bucket=bucket, Key=key, Body=b"theirs")  # just before the joining
            return super().complete_multipart(key, upload_id, parts)

    engine = Engine(store, lambda name, s: SomeoneElseFirst(profile, secrets, session=s),
                    settings=Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), session=CountingSession(),
                    explainer=explain_failure)
    [job] = engine.add_paths([tmp_path / "video.bin"], "big").jobs
    run_to_end(engine)

    failed = store.get(job.id)
    assert failed is not None and failed.state is JobState.FAILED and failed.error is not None
    assert failed.error["http_status"] == 412
    assert failed.error["explanation"]["code"] == "PreconditionFailed.if_none_match"
    assert "was not replaced" in failed.error["explanation"]["summary"]
    assert s3_bytes(seaweed, bucket, job.key)[0] == b"theirs"


def test_resume_after_shutdown_sends_only_missing_parts(seaweed: SeaweedServer, bucket: str,
                                                        secrets: SecretStore, store: JobStore,
                                                        tmp_path: Path) -> None:
    data = write_random(tmp_path / "disk.img", 40 * MiB)  # 8 parts
    total = 8
    first = CountingSession()
    profile = local_profile(seaweed, bucket)
    # Slow enough that shutdown lands mid-upload.
    engine, _ = make_engine(store, profile, secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY, rate_limit=16 * MiB,
                                     part_concurrency=2), first)
    [job] = engine.add_paths([tmp_path / "disk.img"], "big").jobs
    stop_after_parts(engine, store, job.id, 3)
    committed = set(store.parts(job.id))
    assert len(committed) < total
    assert store.get_multipart(job.id) is not None
    queued = store.get(job.id)
    assert queued is not None and queued.state is JobState.QUEUED
    # Parts cut off by the shutdown never reached the server.
    assert first.part_ok == len(committed)
    assert first.part_puts - first.part_ok <= 2

    second = CountingSession()
    engine2, events = make_engine(store, profile, secrets, Settings(multipart_threshold=8 * MiB,
                                                                     retry=FAST_RETRY), second)
    run_to_end(engine2)
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    assert second.part_puts == total - len(committed)
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == data and etag == expected_etag(data, PART)
    # Progress of the resumed run starts at what was already there, not at zero.
    assert events.of(EventKind.PROGRESS)[0].bytes_sent >= len(committed) * PART


def test_cancel_aborts_the_upload_on_the_server(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                                store: JobStore, tmp_path: Path) -> None:
    engine, job, _ = start_slow_multipart(store, local_profile(seaweed, bucket), secrets, tmp_path / "survey.zip")
    try:
        assert store.get_multipart(job.id) is not None
        engine.cancel([job.id])
        wait_for_state(store, job.id, JobState.CANCELLED)
    finally:
        engine.close()
    assert open_uploads(seaweed, bucket) == []
    assert store.get_multipart(job.id) is None
    assert store.orphan_uploads() == []


def test_pause_keeps_the_upload_for_later(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                          store: JobStore, tmp_path: Path) -> None:
    engine, job, data = start_slow_multipart(store, local_profile(seaweed, bucket), secrets, tmp_path / "clip.mov")
    try:
        engine.pause([job.id])
        wait_for_state(store, job.id, JobState.PAUSED)
        assert store.get_multipart(job.id) is not None
        assert len(open_uploads(seaweed, bucket)) == 1
        engine.set_rate_limit(None)
        engine.resume([job.id])
        assert engine.wait_idle(60)
    finally:
        engine.close()
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    assert s3_bytes(seaweed, bucket, job.key)[0] == data


def test_uploads_of_idle_removed_jobs_are_aborted_later(seaweed: SeaweedServer, bucket: str,
                                                        secrets: SecretStore, store: JobStore,
                                                        tmp_path: Path) -> None:
    profile = local_profile(seaweed, bucket)
    signer = LocalMultipartSigner(profile, secrets)
    try:
        write_random(tmp_path / "a.bin", 6 * MiB)
        engine, _ = make_engine(store, profile, secrets, Settings())
        [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
        engine.close()
        key, upload_id = signer.create_multipart(UploadTarget(job.key, job.content_type, job.size))
        store.set_multipart(job.id, UploadRecord(upload_id, key, PART, job.size, job.mtime_ns))
        assert len(open_uploads(seaweed, bucket)) == 1

        assert forget_uploads(store, [job.id]) == 1
        store.remove([job.id])
        assert store.orphan_uploads() == [(upload_id, key, "big")]
        assert abort_orphan_uploads(store, lambda name: signer) == 1
        assert open_uploads(seaweed, bucket) == []
        assert store.orphan_uploads() == []
        # An upload that is already gone is dropped from the list too.
        store.add_orphan_upload(upload_id, key, "big")
        assert abort_orphan_uploads(store, signer) == 1
        assert store.orphan_uploads() == []
    finally:
        signer.close()


def test_expired_part_link_is_signed_again(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                           store: JobStore, tmp_path: Path) -> None:
    data = write_random(tmp_path / "slow.bin", 12 * MiB)
    profile = local_profile(seaweed, bucket)
    signed_parts: list[int] = []

    class ExpiringFirstLink(LocalMultipartSigner):
        def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                      checksum_crc32: str | None = None) -> SignedRequest:
            signed_parts.append(part_number)
            if part_number == 1 and signed_parts.count(1) == 1:
                params = {"Bucket": bucket, "Key": key, "UploadId": upload_id, "PartNumber": 1}
                url = self.client.generate_presigned_url("upload_part", Params=params, ExpiresIn=1)
                # The link must be past its lifetime when it is used: wait for the clock, not for a thread.
                wait_for(lambda: _expired(url), timeout=5, what="the link to expire")
                return SignedRequest("PUT", url, {}, expires_at=time.time(), signer=self.name)
            return super().sign_part(key, upload_id, part_number, size, checksum_crc32)

    engine = Engine(store, lambda name, s: ExpiringFirstLink(profile, secrets),
                    settings=Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), session=CountingSession())
    [job] = engine.add_paths([tmp_path / "slow.bin"], "big").jobs
    run_to_end(engine)
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    assert signed_parts.count(1) == 2
    assert s3_bytes(seaweed, bucket, job.key)[0] == data


def _expired(url: str) -> bool:
    query = parse_qs(urlsplit(url).query)
    signed_at = calendar.timegm(time.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ"))
    return time.time() > signed_at + int(query["X-Amz-Expires"][0]) + 1


# -- integrity --------------------------------------------------------------------------------------------
def ignoring_checksums(store: JobStore, profile: Profile, secrets: SecretStore) -> None:
    """Remember the profile's storage as one that ignores checksums: its parts are then checked by MD5."""
    signer = LocalMultipartSigner(profile, secrets)
    try:
        ChecksumPolicy(store).refused(destination_of(signer))
    finally:
        signer.close()


# The storage refuses the flipped part itself where the part's CRC is signed into its link (BadDigest); our
# MD5 of the part finds it where the destination ignores checksums.
CORRUPTION_FOUND_BY = [pytest.param("BadDigest", id="storage-crc"), pytest.param("ChecksumMismatch", id="md5")]


@pytest.mark.parametrize("found_by", CORRUPTION_FOUND_BY)
def test_part_corrupted_once_on_the_way_is_sent_again(seaweed: SeaweedServer, bucket: str,
                                                      secrets: SecretStore, store: JobStore, proxy: S3Proxy,
                                                      tmp_path: Path, found_by: str) -> None:
    data = write_random(tmp_path / "a.bin", 12 * MiB)
    proxy.corrupt_part, proxy.corrupt_times = 2, 1
    profile = local_profile(seaweed, bucket, endpoint=proxy.url)
    if found_by == "ChecksumMismatch":
        ignoring_checksums(store, profile, secrets)
    engine, events = make_engine(store, profile, secrets, Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY))
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    run_to_end(engine)
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    assert proxy.corrupted == 1
    retries = events.of(EventKind.RETRY)
    assert [(e.failure or {}).get("code") for e in retries] == [found_by]
    assert retries[0].extra == {"part": 2}
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == data and etag == expected_etag(data, PART)


@pytest.mark.parametrize("found_by", CORRUPTION_FOUND_BY)
def test_part_always_corrupted_fails_the_job(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                             store: JobStore, proxy: S3Proxy, tmp_path: Path, found_by: str) -> None:
    write_random(tmp_path / "a.bin", 12 * MiB)
    proxy.corrupt_part, proxy.corrupt_times = 3, 1000
    profile = local_profile(seaweed, bucket, endpoint=proxy.url)
    if found_by == "ChecksumMismatch":
        ignoring_checksums(store, profile, secrets)
    engine, events = make_engine(store, profile, secrets, Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY))
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    run_to_end(engine)
    failed = store.get(job.id)
    assert failed is not None and failed.state is JobState.FAILED
    assert failed.error is not None and failed.error["code"] == found_by
    assert "part 3" in failed.error["message"]
    assert not events.of(EventKind.DONE)
    client = seaweed.client()
    with pytest.raises(client.exceptions.ClientError):
        client.head_object(Bucket=bucket, Key=job.key)


def test_complete_answering_200_with_an_error_is_a_server_problem(seaweed: SeaweedServer, bucket: str,
                                                                  secrets: SecretStore, store: JobStore,
                                                                  proxy: S3Proxy, tmp_path: Path) -> None:
    write_random(tmp_path / "a.bin", 12 * MiB)
    proxy.fail_complete = True
    engine, events = make_engine(store, local_profile(seaweed, bucket, endpoint=proxy.url), secrets,
                                 Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY))
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    engine.start()
    try:
        # An InternalError hidden in a 200 is the storage's trouble, not the file's: the file waits.
        assert events.wait_for(lambda _: bool(events.of(EventKind.DESTINATION)), timeout=120)
    finally:
        engine.close()
    [down] = events.of(EventKind.DESTINATION)
    assert down.extra["state"] == "unreachable"
    assert down.failure is not None and down.failure["code"] == "InternalError"
    waiting = store.get(job.id)
    assert waiting is not None and waiting.state is JobState.QUEUED
    assert not events.of(EventKind.DONE) and not events.of(EventKind.FAILED)
    # The parts stay for a later retry, which needs to send nothing but the completion again.
    assert len(store.parts(job.id)) == 3


def test_a_joining_whose_answer_was_lost_sends_nothing_again(seaweed: SeaweedServer, bucket: str,
                                                              secrets: SecretStore, store: JobStore,
                                                              proxy: S3Proxy, tmp_path: Path) -> None:
    """The parts were joined, the connection broke before the answer: the retry finds the upload gone. The
    object there is this file's (its ETag is the one our parts make), so the file is done; sent again from
    the start, a 100 MiB file would cost its whole transfer a second time on a field link."""
    data = write_random(tmp_path / "a.bin", 12 * MiB)
    proxy.lose_completions = 1
    engine, events = make_engine(store, local_profile(seaweed, bucket, endpoint=proxy.url), secrets,
                                 Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY))
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    run_to_end(engine)
    assert proxy.answers_lost == 1
    assert sorted(proxy.part_ok) == [1, 2, 3]  # each part sent once
    done = store.get(job.id)
    assert done is not None and done.state is JobState.DONE
    [finished] = events.of(EventKind.DONE)
    assert finished.extra["already_there"] is False
    assert s3_bytes(seaweed, bucket, job.key)[0] == data
    assert store.get_multipart(job.id) is None


def test_composite_etag_mismatch_fails_the_job(seaweed: SeaweedServer, bucket: str, secrets: SecretStore,
                                              store: JobStore, tmp_path: Path) -> None:
    write_random(tmp_path / "a.bin", 12 * MiB)
    profile = local_profile(seaweed, bucket)

    class WrongObjectETag(LocalMultipartSigner):
        def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
            super().complete_multipart(key, upload_id, parts)
            return "0" * 32 + f"-{len(parts)}"  # as if other bytes had been joined

    engine = Engine(store, lambda name, s: WrongObjectETag(profile, secrets),
                    settings=Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), session=CountingSession())
    recorder = Recorder()
    engine.subscribe(recorder)
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    run_to_end(engine)
    failed = store.get(job.id)
    assert failed is not None and failed.state is JobState.FAILED
    assert failed.error is not None and failed.error["code"] == "ChecksumMismatch"
    assert "After joining the parts" in failed.error["message"]
    assert not recorder.of(EventKind.DONE)


# -- kill -9 of the command-line program ------------------------------------------------------------------
def _read_json_line(proc: subprocess.Popen[bytes], selector: selectors.BaseSelector, deadline: float,
                    buffer: bytearray) -> dict[str, Any] | None:
    while b"\n" not in buffer:
        remaining = deadline - time.monotonic()
        if remaining <= 0 or not selector.select(remaining):
            raise AssertionError("no output from the upload command in time")
        assert proc.stdout is not None
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            return None
        buffer.extend(chunk)
    line, _, rest = bytes(buffer).partition(b"\n")
    buffer[:] = rest
    return dict(json.loads(line))


def test_kill_9_mid_upload_then_restart_completes(seaweed: SeaweedServer, bucket: str, tmp_path: Path) -> None:
    size, part = 80 * MiB, 8 * MiB  # above the command's 64 MiB threshold, its default 8 MiB parts
    total = size // part
    data = write_random(tmp_path / "field.tar", size)
    proxy = S3Proxy(seaweed.endpoint_url, rate=8 * MiB)  # slow enough to kill it halfway, even when busy
    home, xdg = tmp_path / "home", tmp_path / "xdg-data"
    try:
        env = {**os.environ, "DESKTOP_UPLOADER_HOME": str(home), "XDG_DATA_HOME": str(xdg),
               "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring",
               "PYTHONPATH": str(Path(__file__).resolve().parents[2])}
        ring = PlaintextKeyring()
        ring.file_path = str(xdg / "python_keyring" / "keyring_pass.cfg")
        store_credentials(SecretStore(ring), seaweed, "field")
        config = Config(profiles={"field": local_profile(seaweed, bucket, "field", endpoint=proxy.url)},
                        default_profile="field", path=home / "config" / "config.json")
        config.save()
        command = [sys.executable, "-m", "desktop_uploader", "upload", str(tmp_path / "field.tar"),
                   "--profile", "field", "--json"]

        proc = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert proc.stdout is not None and proc.stderr is not None
        try:
            with selectors.DefaultSelector() as selector:
                selector.register(proc.stdout, selectors.EVENT_READ)
                buffer = bytearray()
                deadline = time.monotonic() + 60
                while len(proxy.part_ok) < 3:
                    event = _read_json_line(proc, selector, deadline, buffer)
                    if event is None:
                        raise AssertionError(f"the command ended early: {proc.stderr.read().decode()}")
                    assert event["event"] not in ("done", "failed"), event
            os.kill(proc.pid, signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            proc.stderr.close()
        wait_for(lambda: proxy.active == 0, what="requests cut off by the kill to end")
        acked_first = list(proxy.part_ok)
        assert len(acked_first) < total
        queue = JobStore(home / "data" / "queue.sqlite3")
        try:
            [job] = queue.list_jobs()
            committed = set(queue.parts(job.id))
            assert stored_upload(queue, job) is not None
        finally:
            queue.close()
        # Every part the server has was either committed or in flight when the process died.
        assert committed <= set(acked_first) and len(set(acked_first) - committed) <= 4

        proxy.limiter.set_rate(None)
        second = subprocess.run(command, env=env, capture_output=True, timeout=120, check=False)
        assert second.returncode == 0, second.stderr.decode()
        events = [json.loads(line) for line in second.stdout.splitlines()]
        assert events[-1]["event"] == "done", events[-1]
        resent = proxy.part_ok[len(acked_first):]
        # The restart sends exactly the parts the server did not have.
        assert sorted(resent) == sorted(set(range(1, total + 1)) - set(acked_first))
        body, etag = s3_bytes(seaweed, bucket, job.key)
        assert body == data and etag == expected_etag(data, part)
        assert open_uploads(seaweed, bucket) == []
    finally:
        proxy.stop()
