"""The storage's own CRC32 proves an upload where the link can carry it; MD5 where it cannot (SeaweedFS)."""

from __future__ import annotations

import base64
import os
import zlib
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_uploader.core.checksums import CHECKSUM_MIN, ChecksumPolicy, destination_of
from desktop_uploader.core.hashing import crc32_of
from desktop_uploader.core.models import EventKind, JobState, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import PutSigner, Signer
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.transfer import PutResult
from tests.core.helpers import close_engine, endpoint_profile, local_profile, make_engine, run_all, store_credentials
from tests.core.legacy_endpoint import legacy_endpoint

MiB = 1024 * 1024


def _crc(data: bytes) -> str:
    return base64.b64encode(zlib.crc32(data).to_bytes(4, "big")).decode()


def _stored_crc(seaweed: Any, bucket: str, key: str) -> str | None:
    head = seaweed.client().head_object(Bucket=bucket, Key=key, ChecksumMode="ENABLED")
    value: str | None = head.get("ChecksumCRC32")
    return value


def _write(path: Path, size: int) -> bytes:
    data = os.urandom(size)
    path.write_bytes(data)
    return data


def test_crc32_of_a_range_is_s3s_spelling(tmp_path: Path) -> None:
    data = _write(tmp_path / "f", 3 * MiB + 5)
    with open(tmp_path / "f", "rb") as fh:
        assert crc32_of(fh, 0, len(data)) == _crc(data)
        assert crc32_of(fh, 100, 1000) == _crc(data[100:1100])
        with pytest.raises(EOFError):
            crc32_of(fh, len(data) - 10, 20)


def test_a_destination_is_trusted_once_it_echoes_and_left_to_md5_when_it_does_not() -> None:
    policy = ChecksumPolicy()
    echoed = PutResult(etag="e", md5_hex=None, status=200, checksum_crc32="AAAAAA==")
    silent = PutResult(etag="e", md5_hex=None, status=200)
    assert not policy.wanted("p", CHECKSUM_MIN - 1, verify=True, offered=True)  # sent in one piece
    assert not policy.wanted("p", CHECKSUM_MIN, verify=False, offered=True)  # --no-verify: no checksum work
    assert policy.wanted("p", CHECKSUM_MIN, verify=True, offered=True)
    assert policy.needs_md5("p", verify=True, signed_checksum=True)  # on probation: both checks
    assert policy.answered("p", "AAAAAA==", echoed, md5_checked=True).failure is None
    assert not policy.needs_md5("p", verify=True, signed_checksum=True)  # the storage's check suffices
    assert policy.needs_md5("p", verify=True, signed_checksum=False)  # a link without it: MD5
    wrong = policy.answered("p", "AAAAAQ==", echoed, md5_checked=False).failure
    assert wrong is not None and wrong.retryable
    # Another destination ignores the header: MD5 decides this upload, and no CRC is computed after it.
    assert policy.answered("q", "AAAAAA==", silent, md5_checked=True).failure is None
    assert not policy.wanted("q", 10 * MiB, verify=True, offered=True)
    # A trusted one that stops confirming: the upload stands unverified, so it is sent again.
    unproven = policy.answered("p", "AAAAAA==", silent, md5_checked=False).failure
    assert unproven is not None and unproven.retryable


def test_local_signing_has_the_storage_check_every_streamed_file(seaweed: Any, bucket: str, tmp_path: Path,
                                                                 memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    files = {name: _write(tmp_path / name, size) for name, size in
             [("one.bin", 2 * MiB + 3), ("two.bin", CHECKSUM_MIN), ("small.bin", 1000)]}
    engine, events = make_engine(tmp_path / "q.db", [profile])
    try:
        jobs = run_all(engine, [tmp_path / name for name in sorted(files)], profile.name)
    finally:
        close_engine(engine)
    assert {j.state for j in jobs} == {JobState.DONE}
    assert not events.of(EventKind.RETRY)
    for job in jobs:
        data = files[Path(job.path).name]
        expected = _crc(data) if len(data) >= CHECKSUM_MIN else None  # small files: MD5 only
        assert _stored_crc(seaweed, bucket, job.key) == expected
        assert seaweed.client().get_object(Bucket=bucket, Key=job.key)["Body"].read() == data


def test_bytes_that_change_after_their_checksum_are_refused_and_sent_again(
        seaweed: Any, bucket: str, tmp_path: Path, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    path = tmp_path / "edited.bin"
    _write(path, 2 * MiB)
    edited: list[bytes] = []

    class EditAfterSigning(PutSigner):
        """The file is rewritten (same size, same time) after its checksum was signed, once."""

        def __init__(self, inner: Any) -> None:
            self.inner = inner
            self.name = inner.name
            self.if_exists = inner.if_exists
            self.offers_checksums = inner.offers_checksums

        def sign_put(self, target: UploadTarget) -> SignedRequest:
            signed: SignedRequest = self.inner.sign_put(target)
            if not edited:
                stat = path.stat()
                edited.append(os.urandom(2 * MiB))
                path.write_bytes(edited[0])
                os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
            return signed

        def describe(self) -> dict[str, str]:
            return dict(self.inner.describe())

        def close(self) -> None:
            self.inner.close()

    def wrap(signer: Signer) -> Signer:
        return EditAfterSigning(signer)

    engine, events = make_engine(tmp_path / "q.db", [profile], wrap=wrap)
    try:
        [job] = run_all(engine, [path], profile.name)
    finally:
        close_engine(engine)
    assert job.state is JobState.DONE
    assert [e.failure and e.failure.get("code") for e in events.of(EventKind.RETRY)] == ["BadDigest"]
    assert seaweed.client().get_object(Bucket=bucket, Key=job.key)["Body"].read() == edited[0]
    assert _stored_crc(seaweed, bucket, job.key) == _crc(edited[0])


def test_the_reference_endpoint_signs_the_checksum_and_a_classic_one_leaves_it_to_md5(
        reference_endpoint: Any, seaweed: Any, bucket: str, tmp_path: Path) -> None:
    data = _write(tmp_path / "survey.bin", 3 * MiB)
    with legacy_endpoint(reference_endpoint.sign_url) as classic_url:
        for name, url in [("ours", reference_endpoint.sign_url), ("classic", classic_url)]:
            profile = endpoint_profile(url, name=name, prefix=name)
            engine, events = make_engine(tmp_path / f"{name}.db", [profile])
            try:
                [job] = run_all(engine, [tmp_path / "survey.bin"], profile.name)
            finally:
                close_engine(engine)
            assert job.state is JobState.DONE, job.error
            assert not events.of(EventKind.RETRY)
            assert _stored_crc(seaweed, bucket, job.key) == (_crc(data) if name == "ours" else None)


@pytest.mark.parametrize("value", ["notbase64!!", "AAAA", "AAAAAAAA"])
def test_the_reference_endpoint_refuses_a_malformed_checksum(reference_endpoint: Any, value: str) -> None:
    answer = requests.get(reference_endpoint.sign_url, timeout=10, params={
        "filekey": "in/a.bin", "contentType": "application/octet-stream", "checksumCRC32": value})
    assert answer.status_code == 400
    assert answer.json()["error"] == "invalid_checksum"



def test_what_a_destination_showed_is_remembered_by_the_next_run(tmp_path: Path) -> None:
    echoed = PutResult(etag="e", md5_hex=None, status=200, checksum_crc32="AAAAAA==")
    silent = PutResult(etag="e", md5_hex=None, status=200)
    with closing(JobStore(tmp_path / "q.db")) as store:
        first_run = ChecksumPolicy(store)
        first_run.answered("seaweed", "AAAAAA==", echoed, md5_checked=True)
        first_run.answered("old-minio", "AAAAAA==", silent, md5_checked=True)
    with closing(JobStore(tmp_path / "q.db")) as store:
        next_run = ChecksumPolicy(store)
        assert not next_run.needs_md5("seaweed", verify=True, signed_checksum=True)
        assert not next_run.wanted("old-minio", 10 * MiB, verify=True, offered=True)
        assert next_run.needs_md5("never-seen", verify=True, signed_checksum=True)


def test_a_signers_destination_is_named_once_however_many_files_it_signs() -> None:
    class Described(Signer):
        def __init__(self, bucket: str) -> None:
            self.bucket = bucket
            self.described = 0

        def describe(self) -> dict[str, str]:
            self.described += 1
            return {"signer": "local", "bucket": self.bucket}

    first, second = Described("one"), Described("two")
    names = {destination_of(first) for _ in range(100)}
    assert len(names) == 1 and first.described == 1
    assert destination_of(second) not in names and second.described == 1
