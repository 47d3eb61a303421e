"""Multipart uploads proven by the storage's own CRC32 part by part (local signing), against a real SeaweedFS:
trust learnt and MD5 left out, bytes changed after their checksum, resume with the stored part CRCs, and the
destinations that get MD5 as before."""

from __future__ import annotations

import base64
import os
import threading
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.core import multipart
from desktop_uploader.core.checksums import ChecksumPolicy, destination_of
from desktop_uploader.core.engine import Engine
from desktop_uploader.core.hashing import CHECKSUM_HEADER
from desktop_uploader.core.models import EventKind, Job, JobState, SignedRequest
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner
from desktop_uploader.core.store import JobStore
from desktop_uploader.devserver import SeaweedServer
from tests.core.helpers import Recorder
from tests.core.s3_proxy import S3Proxy
from tests.core.test_multipart import (
    FAST_RETRY,
    PART,
    CountingSession,
    Settings,
    expected_etag,
    local_profile,
    make_engine,
    run_to_end,
    s3_bytes,
    stop_after_parts,
    store_credentials,
    write_random,
)
from tests.plugins.keychain import MemoryKeyring

MiB = 1024 * 1024
MULTIPART = Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY)


@pytest.fixture
def secrets(memory_keyring: MemoryKeyring, seaweed: SeaweedServer) -> SecretStore:
    store = SecretStore(memory_keyring)
    store_credentials(store, seaweed, "big")
    return store


@dataclass(frozen=True)
class PartSend:
    offset: int
    verify_md5: bool
    checksum: str | None


@pytest.fixture
def part_sends(monkeypatch: pytest.MonkeyPatch) -> list[PartSend]:
    """How every part was sent: whether its MD5 was computed and which checksum its link carried."""
    sends: list[PartSend] = []
    lock = threading.Lock()
    real = multipart.put_file

    def recording(*args: Any, **kwargs: Any) -> Any:
        with lock:
            sends.append(PartSend(kwargs["offset"], kwargs["verify_md5"],
                                  (kwargs.get("headers") or {}).get(CHECKSUM_HEADER)))
        return real(*args, **kwargs)

    monkeypatch.setattr(multipart, "put_file", recording)
    return sends


def crc(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def composite_crc(data: bytes, part_size: int) -> str:
    """The object checksum S3 gives an upload started with CRC32: the CRC of the part CRCs, then "-N"."""
    parts = [data[i:i + part_size] for i in range(0, len(data), part_size)]
    joined = b"".join(zlib.crc32(p).to_bytes(4, "big") for p in parts)
    return f"{crc(joined)}-{len(parts)}"


def stored_crc(seaweed: SeaweedServer, bucket: str, key: str) -> str | None:
    value: str | None = seaweed.client().head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED").get(
        "ChecksumCRC32")
    return value


def checksum_fact(store: JobStore, profile: Any, secrets: SecretStore) -> str | None:
    signer = LocalMultipartSigner(profile, secrets)
    try:
        return store.destination_fact(destination_of(signer), "checksum_crc32")
    finally:
        signer.close()


def finished(store: JobStore, job_id: int) -> None:
    job = store.get(job_id)
    assert job is not None and job.state is JobState.DONE, job


def upload_to_the_end(store: JobStore, profile: Any, secrets: SecretStore, path: Path) -> tuple[Job, Recorder]:
    """One engine run sending *path* through the multipart path; the job once it is done."""
    engine, events = make_engine(store, profile, secrets, MULTIPART)
    [job] = engine.add_paths([path], "big").jobs
    run_to_end(engine)
    finished(store, job.id)
    return job, events


def test_parts_checked_by_the_storage_carry_no_md5_once_it_is_trusted(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, tmp_path: Path,
        part_sends: list[PartSend]) -> None:
    profile = local_profile(seaweed, bucket)
    first = write_random(tmp_path / "first.bin", 26 * MiB)  # 5 full parts and a 1 MiB tail
    job, events = upload_to_the_end(store, profile, secrets, tmp_path / "first.bin")
    assert not events.of(EventKind.RETRY)
    # Every part's link carried its CRC; the first ones, sent on probation, were checked by MD5 as well.
    assert sorted((s.offset, s.checksum) for s in part_sends) == \
        [(o, crc(first[o:o + PART])) for o in range(0, len(first), PART)]
    assert min(part_sends, key=lambda s: s.offset).verify_md5
    assert checksum_fact(store, profile, secrets) == "trusted"
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == first and etag == expected_etag(first, PART)
    assert stored_crc(seaweed, bucket, job.key) == composite_crc(first, PART)

    # The next run knows the storage: no part's MD5 is computed any more.
    part_sends.clear()
    second = write_random(tmp_path / "second.bin", 21 * MiB)
    job, _ = upload_to_the_end(store, profile, secrets, tmp_path / "second.bin")
    assert len(part_sends) == 5
    assert not any(s.verify_md5 for s in part_sends)
    assert all(s.checksum == crc(second[s.offset:s.offset + PART]) for s in part_sends)
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == second and etag == expected_etag(second, PART)
    assert stored_crc(seaweed, bucket, job.key) == composite_crc(second, PART)


def test_a_part_changed_after_its_checksum_is_refused_and_sent_again(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, tmp_path: Path) -> None:
    path = tmp_path / "edited.bin"
    data = bytearray(write_random(path, 12 * MiB))
    profile = local_profile(seaweed, bucket)
    edits: list[int] = []

    class EditAfterSigning(LocalMultipartSigner):
        """Part 2 is rewritten in the file (same size, same time) once its checksum is signed, once."""

        def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                      checksum_crc32: str | None = None) -> SignedRequest:
            signed = super().sign_part(key, upload_id, part_number, size, checksum_crc32)
            if part_number == 2 and not edits:
                edits.append(part_number)
                stat = path.stat()
                data[PART:2 * PART] = os.urandom(PART)
                with open(path, "r+b") as fh:
                    fh.seek(PART)
                    fh.write(data[PART:2 * PART])
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            return signed

    engine = Engine(store, lambda name, s: EditAfterSigning(profile, secrets), settings=MULTIPART,
                    session=CountingSession())
    events = Recorder()
    engine.subscribe(events)
    [job] = engine.add_paths([path], "big").jobs
    run_to_end(engine)
    finished(store, job.id)
    retries = events.of(EventKind.RETRY)
    assert [((e.failure or {}).get("code"), e.extra) for e in retries] == [("BadDigest", {"part": 2})]
    assert "part 2" in (retries[0].failure or {})["message"]
    body, _ = s3_bytes(seaweed, bucket, job.key)
    assert body == bytes(data)
    assert stored_crc(seaweed, bucket, job.key) == composite_crc(bytes(data), PART)


def test_an_interrupted_upload_completes_with_the_part_crcs_it_stored(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, tmp_path: Path) -> None:
    data = write_random(tmp_path / "disk.img", 40 * MiB)  # 8 parts
    profile = local_profile(seaweed, bucket)
    queue = tmp_path / "queue.sqlite3"
    store = JobStore(queue)
    try:
        engine, _ = make_engine(store, profile, secrets, Settings(
            multipart_threshold=8 * MiB, retry=FAST_RETRY, rate_limit=16 * MiB, part_concurrency=2))
        [job] = engine.add_paths([tmp_path / "disk.img"], "big").jobs
        stop_after_parts(engine, store, job.id, 3)
        record = store.get_multipart(job.id)
        committed = store.parts(job.id)
    finally:
        store.close()
    assert record is not None and record.checksum_algorithm == "CRC32"
    assert 3 <= len(committed) < 8
    for number, (_, size, _, part_crc) in committed.items():
        assert part_crc == crc(data[(number - 1) * PART:(number - 1) * PART + size])

    # As after a crash: a new queue connection and nothing remembered in memory. SeaweedFS lists no part
    # checksums, and the completion of an upload started with CRC32 needs every one of them.
    store = JobStore(queue)
    try:
        session = CountingSession()
        engine, events = make_engine(store, profile, secrets, MULTIPART, session)
        run_to_end(engine)
        finished(store, job.id)
        assert not events.of(EventKind.RETRY)
        assert session.part_puts == 8 - len(committed)
    finally:
        store.close()
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == data and etag == expected_etag(data, PART)
    assert stored_crc(seaweed, bucket, job.key) == composite_crc(data, PART)


def test_a_destination_known_to_ignore_checksums_gets_md5_multipart(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, tmp_path: Path,
        part_sends: list[PartSend]) -> None:
    profile = local_profile(seaweed, bucket)
    signer = LocalMultipartSigner(profile, secrets)
    try:
        ChecksumPolicy(store).refused(destination_of(signer))
    finally:
        signer.close()
    data = write_random(tmp_path / "plain.bin", 12 * MiB)
    job, _ = upload_to_the_end(store, profile, secrets, tmp_path / "plain.bin")
    assert len(part_sends) == 3
    assert all(s.verify_md5 and s.checksum is None for s in part_sends)
    body, etag = s3_bytes(seaweed, bucket, job.key)
    assert body == data and etag == expected_etag(data, PART)
    assert stored_crc(seaweed, bucket, job.key) is None  # started without a checksum algorithm


def test_without_verification_parts_carry_neither_check(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, tmp_path: Path,
        part_sends: list[PartSend]) -> None:
    data = write_random(tmp_path / "fast.bin", 12 * MiB)
    engine, _ = make_engine(store, local_profile(seaweed, bucket), secrets,
                            Settings(multipart_threshold=8 * MiB, retry=FAST_RETRY, verify_md5=False))
    [job] = engine.add_paths([tmp_path / "fast.bin"], "big").jobs
    run_to_end(engine)
    finished(store, job.id)
    assert len(part_sends) == 3
    assert not any(s.verify_md5 or s.checksum for s in part_sends)
    assert s3_bytes(seaweed, bucket, job.key)[0] == data


def test_a_storage_refusing_the_checksum_algorithm_gets_md5_multipart(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, proxy: S3Proxy,
        tmp_path: Path, part_sends: list[PartSend]) -> None:
    proxy.refuse_checksum_algorithm = True
    profile = local_profile(seaweed, bucket, endpoint=proxy.url)
    data = write_random(tmp_path / "old-storage.bin", 12 * MiB)
    job, events = upload_to_the_end(store, profile, secrets, tmp_path / "old-storage.bin")
    assert not events.of(EventKind.RETRY)
    assert all(s.verify_md5 and s.checksum is None for s in part_sends)
    assert checksum_fact(store, profile, secrets) == "ignored"
    assert s3_bytes(seaweed, bucket, job.key)[0] == data


def test_a_part_whose_checksum_comes_back_wrong_fails_the_upload(
        seaweed: SeaweedServer, bucket: str, secrets: SecretStore, store: JobStore, proxy: S3Proxy,
        tmp_path: Path) -> None:
    proxy.wrong_echo_part = 2
    write_random(tmp_path / "a.bin", 12 * MiB)
    engine, events = make_engine(store, local_profile(seaweed, bucket, endpoint=proxy.url), secrets, MULTIPART)
    [job] = engine.add_paths([tmp_path / "a.bin"], "big").jobs
    run_to_end(engine)
    failed = store.get(job.id)
    assert failed is not None and failed.state is JobState.FAILED
    assert failed.error is not None and failed.error["code"] == "ChecksumMismatch"
    assert "part 2" in failed.error["message"] and "AAAAAA==" in failed.error["message"]
    assert not events.of(EventKind.DONE)
