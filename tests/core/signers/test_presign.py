"""PUT links signed below the client: same address and scope as botocore's client, accepted by real storage."""

from __future__ import annotations

import datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit

import botocore.auth
import botocore.session
import pytest
import requests
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from desktop_uploader.core.protocol.links import signing_facts
from desktop_uploader.core.signers.presign import (
    BucketAddress,
    LinkSigner,
    address_from_link,
    fixed_address,
    probe_link,
)
from desktop_uploader.devserver.seaweed import SeaweedServer

KEYS = ["plain.txt", "folder/sub dir/naïve café.pdf", "a+b=c&d.txt", "tilde~and%percent", "double//slash",
        "emoji-📷.jpg", "semi;colon,comma'quote"]


def _client(endpoint: str | None, region: str, style: str, token: str | None = None) -> Any:
    return botocore.session.get_session().create_client(
        "s3", region_name=region, endpoint_url=endpoint, aws_access_key_id="AKIDEXAMPLE",
        aws_secret_access_key="secret", aws_session_token=token,
        config=Config(signature_version="s3v4", s3={"addressing_style": style}))  # type: ignore[arg-type]


def _parts(url: str) -> tuple[str, dict[str, str]]:
    split = urlsplit(url)
    query = {k: v[0] for k, v in parse_qs(split.query).items()}
    return f"{split.scheme}://{split.netloc}{split.path}", query


@pytest.mark.parametrize("style", ["path", "virtual"])
def test_a_fixed_endpoint_gives_the_address_and_scope_botocore_gives(style: str) -> None:
    endpoint = "https://storage.example.org:9443"
    client = _client(endpoint, "eu-central-1", style)
    address = fixed_address(endpoint, "my-bucket", "eu-central-1", style)
    assert address is not None
    signer = LinkSigner(address, Credentials("AKIDEXAMPLE", "secret"))
    headers = {"content-type": "image/jpeg", "x-amz-meta-site": "north", "if-none-match": "*"}
    for key in KEYS:
        theirs = client.generate_presigned_url("put_object", ExpiresIn=900, Params={
            "Bucket": "my-bucket", "Key": key, "ContentType": "image/jpeg", "Metadata": {"site": "north"},
            "IfNoneMatch": "*"})
        ours = signer.put(key, headers, 900)
        their_address, their_query = _parts(theirs)
        our_address, our_query = _parts(ours)
        assert our_address == their_address, key
        for name in ("X-Amz-Algorithm", "X-Amz-Expires", "X-Amz-SignedHeaders"):
            assert our_query[name] == their_query[name], (key, name)
        # Same scope; the date part may differ if the clock ticked over midnight between the two.
        assert our_query["X-Amz-Credential"].split("/")[2:] == their_query["X-Amz-Credential"].split("/")[2:]


def test_aws_endpoints_come_from_botocores_rules_and_the_session_token_is_signed() -> None:
    client = _client(None, "ap-southeast-2", "auto", token="session-token")
    address = probe_link(lambda key: str(client.generate_presigned_url(
        "put_object", Params={"Bucket": "field-data", "Key": key}, ExpiresIn=60)))
    # botocore presigns against the bucket's global name and scopes the signature to the region.
    assert address == BucketAddress(base="https://field-data.s3.amazonaws.com/", region="ap-southeast-2")
    ours = LinkSigner(address, Credentials("AKIDEXAMPLE", "secret", "session-token")).put(
        "2026/site 4/photo.jpg", {"content-type": "image/jpeg"}, 300)
    theirs = client.generate_presigned_url("put_object", ExpiresIn=300, Params={
        "Bucket": "field-data", "Key": "2026/site 4/photo.jpg", "ContentType": "image/jpeg"})
    assert _parts(ours)[0] == _parts(theirs)[0]
    assert _parts(ours)[1]["X-Amz-Security-Token"] == "session-token"


def test_the_automatic_style_and_aws_itself_are_left_to_botocore() -> None:
    assert fixed_address("https://minio.example.org", "b", "us-east-1", "auto") is None
    assert fixed_address("", "b", "us-east-1", "path") is None


def test_a_link_without_a_sigv4_scope_is_refused() -> None:
    with pytest.raises(ValueError, match="scope"):
        address_from_link("https://b.s3.amazonaws.com/probe?AWSAccessKeyId=x&Signature=y&Expires=1")


def test_real_storage_takes_the_links_and_refuses_a_header_that_was_not_signed(
        seaweed: SeaweedServer, bucket: str) -> None:
    address = fixed_address(seaweed.endpoint_url, bucket, "us-east-1", "path")
    assert address is not None
    signer = LinkSigner(address, Credentials(seaweed.admin.access_key, seaweed.admin.secret_key))
    headers = {"content-type": "text/plain", "x-amz-meta-site": "north"}
    for key in KEYS:
        body = f"contents of {key}".encode()
        answer = requests.put(signer.put(key, headers, 300), data=body, headers=headers, timeout=30)
        assert answer.status_code == 200, (key, answer.text)
        stored = seaweed.client().get_object(Bucket=bucket, Key=key)
        assert stored["Body"].read() == body
        assert stored["Metadata"] == {"site": "north"}
    # The metadata is part of the signature: another value is refused.
    tampered = requests.put(signer.put("tampered.txt", headers, 300), data=b"x", timeout=30,
                            headers={**headers, "x-amz-meta-site": "south"})
    assert tampered.status_code == 403
    assert "SignatureDoesNotMatch" in tampered.text


ADDRESSES = [
    BucketAddress(base="https://storage.example.org:9443/my-bucket/", region="eu-central-1"),
    BucketAddress(base="https://my-bucket.Storage.Example.org/", region="eu-central-1"),  # the default port
    BucketAddress(base="http://127.0.0.1:80/b/", region="us-east-1"),  # the default port, spelt out
    BucketAddress(base="https://127.0.0.1:443/b/", region="us-east-1"),
    BucketAddress(base="http://[::1]:8333/b/", region="us-east-1"),
    BucketAddress(base="https://field-data.s3.amazonaws.com/", region="ap-southeast-2"),
]


@pytest.mark.parametrize("address", ADDRESSES, ids=lambda a: a.base)
def test_a_link_is_exactly_the_one_botocore_signs_for_the_same_request(
        address: BucketAddress, monkeypatch: pytest.MonkeyPatch) -> None:
    # The signer hands botocore the Host header it worked out once; the signature must not change for it.
    moment = datetime.datetime(2026, 12, 7, 23, 59, 59, tzinfo=datetime.UTC)
    monkeypatch.setattr(botocore.auth, "get_current_datetime", lambda: moment)
    credentials = Credentials("AKIDEXAMPLE", "secret", "session-token")
    signer = LinkSigner(address, credentials)
    headers = {"content-type": "image/jpeg", "x-amz-meta-site": "north", "if-none-match": "*"}
    for key in KEYS:
        request = AWSRequest(method="PUT", url=address.object_url(key), headers=dict(headers))
        botocore.auth.S3SigV4QueryAuth(credentials, "s3", address.region, expires=900).add_auth(request)
        assert signer.put(key, headers, 900) == request.url, key
        url, facts = signer.put_with_facts(key, headers, 900)
        assert url == request.url, key
        # What sending needs to know of the link, as reading the link itself would give it.
        assert facts == signing_facts(url), key
        assert facts.targets_key(key), key
        part = signer.on_object("PUT", key, {"partNumber": "3", "uploadId": "u/1"}, {}, 900)
        request = AWSRequest(method="PUT", url=address.object_url(key), params={"partNumber": "3", "uploadId": "u/1"})
        botocore.auth.S3SigV4QueryAuth(credentials, "s3", address.region, expires=900).add_auth(request)
        assert part == request.url, key
    listing = AWSRequest(method="GET", url=address.bucket_url(), params={"list-type": "2", "prefix": "a b/"})
    botocore.auth.S3SigV4QueryAuth(credentials, "s3", address.region, expires=60).add_auth(listing)
    assert signer.list_bucket({"list-type": "2", "prefix": "a b/"}, 60) == listing.url
