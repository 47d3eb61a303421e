"""The Uppy Companion protocol client against the reference endpoint and a real SeaweedFS: multipart
uploads through the engine, resume, cancel, presigned POST forms, and the service's errors."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_uploader.core import secrets as sec
from desktop_uploader.core.config import KIND_ENDPOINT, PROTOCOL_COMPANION, Profile
from desktop_uploader.core.factory import make_signer
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.form_upload import post_file
from desktop_uploader.core.health import OUTAGE_STRIKES, DestinationHealth
from desktop_uploader.core.http import make_session
from desktop_uploader.core.models import EventKind, JobState, UploadTarget
from desktop_uploader.core.multipart import stored_upload
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import FormSigner, MultipartSigner, PutSigner
from desktop_uploader.core.signers.companion import CompanionSigner
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.transfer import Control, Interrupted
from desktop_uploader.devserver import SeaweedServer
from tests.core.s3_proxy import S3Proxy
from tests.core.test_multipart import (
    FAST_RETRY,
    PART,
    CountingSession,
    Settings,
    expected_etag,
    make_engine,
    open_uploads,
    run_to_end,
    start_slow_multipart,
    stop_after_parts,
    wait_for_state,
    write_random,
)
from tests.plugins.endpoint import EndpointFactory, EndpointFixture
from tests.plugins.keychain import MemoryKeyring

MiB = 1024 * 1024


def companion_profile(endpoint: EndpointFixture, **kw: object) -> Profile:
    return Profile(name="comp", kind=KIND_ENDPOINT, endpoint_url=endpoint.url, protocol=PROTOCOL_COMPANION,
                   **kw)  # type: ignore[arg-type]


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring) -> SecretStore:
    return SecretStore(memory_keyring)


@pytest.fixture
def session() -> Iterator[requests.Session]:
    s = make_session()
    try:
        yield s
    finally:
        s.close()


def only_object(seaweed: SeaweedServer, bucket: str) -> tuple[str, bytes, str]:
    client = seaweed.client()
    [entry] = client.list_objects_v2(Bucket=bucket).get("Contents") or []
    obj = client.get_object(Bucket=bucket, Key=entry["Key"])
    with obj["Body"] as body:
        return entry["Key"], body.read(), obj["ETag"].strip('"')


def test_factory_makes_a_companion_signer(reference_endpoint: EndpointFixture, secrets: SecretStore,
                                          session: requests.Session) -> None:
    signer = make_signer(companion_profile(reference_endpoint), session, secrets)
    assert isinstance(signer, CompanionSigner)
    # A Companion service hands out forms and multipart uploads, never PUT links for whole files.
    assert isinstance(signer, FormSigner) and isinstance(signer, MultipartSigner)
    assert not isinstance(signer, PutSigner)


def test_multipart_through_companion(seaweed: SeaweedServer, bucket: str, reference_endpoint: EndpointFixture,
                                     secrets: SecretStore, store: JobStore, tmp_path: Path) -> None:
    data = write_random(tmp_path / "drone footage.mp4", 23 * MiB)  # 4 full parts and a 3 MiB tail
    counting = CountingSession()
    engine, events = make_engine(store, companion_profile(reference_endpoint), secrets,
                                 Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY), counting)
    [job] = engine.add_paths([tmp_path / "drone footage.mp4"], "comp").jobs
    run_to_end(engine)

    done = store.get(job.id)
    assert done is not None and done.state is JobState.DONE, done
    key, body, etag = only_object(seaweed, bucket)
    # The service chose the key: a random folder, then the file's name.
    assert key.endswith("/drone footage.mp4") and key != job.key
    assert body == data
    assert etag == expected_etag(data, PART) == done.etag
    assert counting.part_puts == 5 and counting.max_inflight >= 2
    # All five part links came in one round trip through the batch route.
    assert [p.rsplit("/", 1)[-1] for p in counting.signing_paths] == ["batch"]
    assert open_uploads(seaweed, bucket) == []
    assert [e.bytes_sent for e in events.of(EventKind.PROGRESS)][-1] == len(data)


def test_companion_upload_resumes_with_the_services_key(seaweed: SeaweedServer, bucket: str,
                                                        reference_endpoint: EndpointFixture,
                                                        secrets: SecretStore, store: JobStore,
                                                        tmp_path: Path) -> None:
    data = write_random(tmp_path / "scan.tif", 40 * MiB)  # 8 parts
    profile = companion_profile(reference_endpoint)
    first = CountingSession()
    engine, _ = make_engine(store, profile, secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY, rate_limit=16 * MiB,
                                     part_concurrency=2), first)
    [job] = engine.add_paths([tmp_path / "scan.tif"], "comp").jobs
    stop_after_parts(engine, store, job.id, 3)
    committed = set(store.parts(job.id))
    known = stored_upload(store, job)
    assert known is not None and known.key != job.key  # the service's key is what is remembered

    second = CountingSession()
    engine2, _ = make_engine(store, profile, secrets, Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY),
                             second)
    run_to_end(engine2)
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    assert second.part_puts == 8 - len(committed)
    key, body, etag = only_object(seaweed, bucket)
    assert key == known.key and body == data and etag == expected_etag(data, PART)


def test_vanished_upload_starts_over(seaweed: SeaweedServer, bucket: str, reference_endpoint: EndpointFixture,
                                     secrets: SecretStore, store: JobStore, tmp_path: Path) -> None:
    data = write_random(tmp_path / "log.bin", 30 * MiB)
    profile = companion_profile(reference_endpoint)
    engine, _ = make_engine(store, profile, secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY, rate_limit=12 * MiB))
    [job] = engine.add_paths([tmp_path / "log.bin"], "comp").jobs
    stop_after_parts(engine, store, job.id, 1)
    known = stored_upload(store, job)
    assert known is not None
    # The upload expires on the server (a lifecycle rule, or another client aborted it). The app holds the
    # endpoint's id, which carries the storage's id bound to the key and token.
    storage_id = known.upload_id.rpartition("~")[0]
    seaweed.client().abort_multipart_upload(Bucket=bucket, Key=known.key, UploadId=storage_id)

    engine2, _ = make_engine(store, profile, secrets, Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY))
    run_to_end(engine2)
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    key, body, _ = only_object(seaweed, bucket)
    assert key != known.key and body == data


def test_cancel_through_companion_aborts(seaweed: SeaweedServer, bucket: str, reference_endpoint: EndpointFixture,
                                         secrets: SecretStore, store: JobStore, tmp_path: Path) -> None:
    engine, job, _ = start_slow_multipart(store, companion_profile(reference_endpoint), secrets,
                                          tmp_path / "big.iso")
    try:
        engine.cancel([job.id])
        wait_for_state(store, job.id, JobState.CANCELLED)
    finally:
        engine.close()
    assert open_uploads(seaweed, bucket) == []
    assert store.get_multipart(job.id) is None


# -- presigned POST ---------------------------------------------------------------------------------------
def test_presigned_post_streams_a_small_file(seaweed: SeaweedServer, bucket: str,
                                             reference_endpoint: EndpointFixture, secrets: SecretStore,
                                             session: requests.Session, tmp_path: Path) -> None:
    data = write_random(tmp_path / "form.pdf", 3 * MiB + 17)
    signer = CompanionSigner(companion_profile(reference_endpoint), session, secrets)
    seen: list[int] = []
    form = signer.sign_post(UploadTarget("reports/form.pdf", "application/pdf", len(data)))
    with open(tmp_path / "form.pdf", "rb") as fh:
        result = post_file(session, form, fh, len(data), filename="form.pdf", content_type="application/pdf",
                           on_bytes=seen.append, control=Control())
    key = (form.fields or {})["key"]
    assert key.endswith("/form.pdf")
    assert result.status == 201
    assert result.etag == result.md5_hex == hashlib.md5(data).hexdigest()
    assert seen == sorted(seen) and seen[-1] == len(data)
    obj = seaweed.client().get_object(Bucket=bucket, Key=key)
    with obj["Body"] as body:
        assert body.read() == data
    assert obj["ContentType"] == "application/pdf"


def test_presigned_post_of_a_small_file_goes_in_one_piece(seaweed: SeaweedServer, bucket: str,
                                                         reference_endpoint: EndpointFixture, secrets: SecretStore,
                                                         session: requests.Session, tmp_path: Path) -> None:
    data = write_random(tmp_path / "note.txt", 16 * 1024 + 3)
    signer = CompanionSigner(companion_profile(reference_endpoint), session, secrets)
    seen: list[int] = []
    form = signer.sign_post(UploadTarget("notes/note.txt", "text/plain", len(data)))
    with open(tmp_path / "note.txt", "rb") as fh:
        result = post_file(session, form, fh, len(data), filename="note.txt", content_type="text/plain",
                           on_bytes=seen.append, control=Control())
    assert result.status == 201
    assert result.etag == result.md5_hex == hashlib.md5(data).hexdigest()
    assert seen == [len(data)]  # one piece: one progress report
    key = (form.fields or {})["key"]
    obj = seaweed.client().get_object(Bucket=bucket, Key=key)
    with obj["Body"] as body:
        assert body.read() == data
    assert obj["ContentType"] == "text/plain"


def test_presigned_post_stops_when_asked(reference_endpoint: EndpointFixture, secrets: SecretStore,
                                         session: requests.Session, tmp_path: Path) -> None:
    data = write_random(tmp_path / "a.bin", 4 * MiB)
    signer = CompanionSigner(companion_profile(reference_endpoint), session, secrets)
    control = Control()

    def progress(sent: int) -> None:
        if sent >= MiB:
            control.stop("pause")

    form = signer.sign_post(UploadTarget("a.bin", "application/octet-stream", len(data)))
    with open(tmp_path / "a.bin", "rb") as fh, pytest.raises(Interrupted) as info:
        post_file(session, form, fh, len(data), filename="a.bin", content_type="application/octet-stream",
                  on_bytes=progress, control=control)
    assert info.value.reason == "pause"


def test_a_form_whose_answer_was_lost_is_posted_again_not_stored_twice(
        seaweed: SeaweedServer, bucket: str, reference_endpoint_factory: EndpointFactory, secrets: SecretStore,
        store: JobStore, tmp_path: Path) -> None:
    """The service names each form's object itself: a new form for a file whose body arrived but whose
    answer did not would store it a second time. The same form goes again - within the file's retries, and
    after it waited for its destination."""
    proxy = S3Proxy(seaweed.endpoint_url)
    try:
        endpoint = reference_endpoint_factory(s3_endpoint_url=proxy.url)
        data = write_random(tmp_path / "survey.csv", 20 * 1024)
        engine, events = make_engine(store, companion_profile(endpoint), secrets, Settings(retry=FAST_RETRY))
        engine.health = DestinationHealth(min_backoff=0.05, max_backoff=0.1)
        [job] = engine.add_paths([tmp_path / "survey.csv"], "comp").jobs
        proxy.lose_answers = OUTAGE_STRIKES + 2  # the file's tries, then two probes of its destination
        run_to_end(engine)
    finally:
        proxy.stop()
    assert proxy.answers_lost == OUTAGE_STRIKES + 2
    assert [e.extra["state"] for e in events.of(EventKind.DESTINATION)] == ["unreachable", "reachable"]
    finished = store.get(job.id)
    assert finished is not None and finished.state is JobState.DONE, finished
    key, body, _ = only_object(seaweed, bucket)
    assert finished.key == key and body == data


# -- the service's errors ---------------------------------------------------------------------------------
def test_token_is_sent_from_the_keychain(reference_endpoint_factory: EndpointFactory, secrets: SecretStore,
                                         session: requests.Session) -> None:
    endpoint = reference_endpoint_factory(shared_token="s3cret-token")
    bare = CompanionSigner(companion_profile(endpoint), session, secrets)
    with pytest.raises(UploadError) as info:
        bare.create_multipart(UploadTarget("a.bin", "application/octet-stream", 10 * MiB))
    failure = info.value.failure
    assert failure.http_status == 401 and not failure.retryable and failure.signer == "companion"
    assert "s3cret-token" not in str(failure.to_dict())

    secrets.set("comp", sec.header_field("x-api-key"), "s3cret-token")
    signer = CompanionSigner(companion_profile(endpoint, secret_headers=["x-api-key"]), session, secrets)
    key, upload_id = signer.create_multipart(UploadTarget("a.bin", "application/octet-stream", 10 * MiB))
    assert signer.list_parts(key, upload_id) == []
    signer.abort_multipart(key, upload_id)
    with pytest.raises(UploadError) as gone:
        signer.list_parts(key, upload_id)
    assert gone.value.failure.code == "NoSuchUpload"


def test_unreachable_service_is_retryable(secrets: SecretStore, session: requests.Session) -> None:
    profile = Profile(name="comp", kind=KIND_ENDPOINT, endpoint_url="http://127.0.0.1:9",
                      protocol=PROTOCOL_COMPANION)
    signer = CompanionSigner(profile, session, secrets)
    with pytest.raises(UploadError) as info:
        signer.sign_part("k", "u", 1, MiB)
    assert info.value.failure.code == "EndpointUnreachable" and info.value.failure.retryable


def test_forms_come_over_one_kept_connection_straight_through_the_pool(
        reference_endpoint: EndpointFixture, secrets: SecretStore, wan_factory: Any,
        wan_ca_env: dict[str, str]) -> None:
    """A form per file: each call goes straight through requests' own pool (a fifth or so less of the
    client's CPU per call than through requests), over one TLS connection kept open."""
    link = wan_factory("127.0.0.1", reference_endpoint.running.port)
    session = make_session()  # after wan_ca_env: it trusts the link's certificate
    through_requests: list[str] = []
    send = session.send

    def counted(request: requests.PreparedRequest, **kw: Any) -> requests.Response:
        through_requests.append(request.url or "")
        return send(request, **kw)

    session.send = counted  # type: ignore[method-assign]
    signer = CompanionSigner(Profile(name="comp", kind=KIND_ENDPOINT, endpoint_url=link.url,
                                     protocol=PROTOCOL_COMPANION), session, secrets)
    try:
        forms = [signer.sign_post(UploadTarget(f"in/f{i}.bin", "application/octet-stream", 10)) for i in range(20)]
    finally:
        session.close()
    assert [(form.fields or {})["key"].rsplit("/", 1)[-1] for form in forms] == [f"f{i}.bin" for i in range(20)]
    assert link.stats().accepted == 1
    assert through_requests == []
