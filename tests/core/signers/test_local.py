"""Local signing against SeaweedFS: listing a folder and looking at one object through the engine's own HTTP
session."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

import pytest

from desktop_uploader.core import failure as f
from desktop_uploader.core.config import Profile
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.http import make_session
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.local import LocalSigner
from tests.core.helpers import local_profile, store_credentials

KEYS = ["in/plain.txt", "in/site 4 café.jpg", "in/a+b=c&d.txt", "in/percent%20.txt", "in/sub/deeper.txt",
        "other/elsewhere.txt"]


@pytest.fixture
def signer(seaweed: Any, bucket: str, memory_keyring: Any) -> Any:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    session = make_session()
    made = LocalSigner(profile, SecretStore(), session)
    yield made
    made.close()
    session.close()


def test_a_folder_lists_its_own_files_with_any_name(seaweed: Any, bucket: str, signer: LocalSigner) -> None:
    s3 = seaweed.client()
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    listed = signer.stored_objects("in/")
    assert set(listed) == {k for k in KEYS if k.startswith("in/") and k.count("/") == 1}
    assert listed["in/site 4 café.jpg"].size == len("in/site 4 café.jpg".encode())
    stored_etag = s3.head_object(Bucket=bucket, Key="in/plain.txt")["ETag"]
    assert listed["in/plain.txt"].etag.strip('"') == stored_etag.strip('"')
    assert signer.stored_objects("empty/") == {}
    assert "other/elsewhere.txt" in signer.stored_objects("other/")


def test_an_object_is_looked_at_with_a_signed_head_and_no_client(seaweed: Any, bucket: str,
                                                                 signer: LocalSigner) -> None:
    s3 = seaweed.client()
    for key in KEYS:
        s3.put_object(Bucket=bucket, Key=key, Body=key.encode())
    there = signer.stored_object("in/site 4 café.jpg")
    assert there is not None and there.size == len("in/site 4 café.jpg".encode())
    assert there.etag.strip('"') == s3.head_object(Bucket=bucket, Key="in/site 4 café.jpg")["ETag"].strip('"')
    assert signer.stored_object("in/a+b=c&d.txt") is not None
    assert signer.stored_object("in/missing.txt") is None
    assert signer._client is None  # no botocore client built (a few tenths of a second of CPU) to look


def _failure_of(profile: Profile, call: Callable[[LocalSigner], object]) -> Failure:
    """What ``call`` raises, on a signer given no session (it makes and closes its own)."""
    made = LocalSigner(profile, SecretStore())
    try:
        with pytest.raises(UploadError) as raised:
            call(made)
    finally:
        made.close()
    return raised.value.failure


def _wrong_key(seaweed: Any, bucket: str) -> Profile:
    profile = replace(local_profile(seaweed, bucket), name="wrong-key")
    store_credentials(profile.name, replace(seaweed.admin, secret_key="not-the-secret"))
    return profile


def test_a_refused_look_says_so(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    failure = _failure_of(_wrong_key(seaweed, bucket), lambda signer: signer.stored_object("in/plain.txt"))
    assert failure.http_status == 403 and not failure.retryable
    assert "could not be checked" in failure.message


def test_a_refused_listing_says_why(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    failure = _failure_of(_wrong_key(seaweed, bucket), lambda signer: signer.stored_objects("in/"))
    assert failure.code == "SignatureDoesNotMatch"
    assert failure.http_status == 403
    assert "could not be listed" in failure.message


def test_an_unreachable_storage_is_a_network_failure_worth_retrying(seaweed: Any, bucket: str,
                                                                   memory_keyring: Any) -> None:
    profile = replace(local_profile(seaweed, bucket), s3_endpoint_url="http://127.0.0.1:9")  # discard port
    store_credentials(profile.name, seaweed.admin)
    failure = _failure_of(profile, lambda signer: signer.stored_objects("in/"))
    assert failure.code == f.CONNECTION_REFUSED
    assert failure.retryable
