"""The endpoint's PUT links signed below the client: the same links botocore's client signs, for any bucket
the config names, with credentials read afresh for each link."""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from botocore.credentials import Credentials

from desktop_uploader.endpoint import EndpointConfig, handle, make_s3_client
from desktop_uploader.endpoint.links import PutLinkSigner, signer_for

from .conftest import OFFLINE, Call

KEYS = ["plain.txt", "folder/sub dir/naïve café.pdf", "a+b=c&d.txt", "tilde~and%percent", "emoji-📷.jpg"]


def _parts(url: str) -> tuple[str, dict[str, str]]:
    split = urlsplit(url)
    return f"{split.scheme}://{split.netloc}{split.path}", {k: v[0] for k, v in parse_qs(split.query).items()}


def _same_link(ours: str, theirs: str) -> None:
    our_address, our_query = _parts(ours)
    their_address, their_query = _parts(theirs)
    assert our_address == their_address
    for name in ("X-Amz-Algorithm", "X-Amz-Expires", "X-Amz-SignedHeaders"):
        assert our_query[name] == their_query[name], name
    # Same key and scope; the date may differ if the clock ticked over midnight between the two.
    assert our_query["X-Amz-Credential"].split("/")[2:] == their_query["X-Amz-Credential"].split("/")[2:]
    assert our_query["X-Amz-Credential"].split("/")[0] == their_query["X-Amz-Credential"].split("/")[0]


@pytest.mark.parametrize(("endpoint", "style", "region"), [
    ("http://127.0.0.1:9", "path", "us-east-1"),
    ("https://storage.example.org:9443/base", "virtual", "eu-central-1"),
    (None, "auto", "ap-southeast-2"),  # AWS itself: botocore's endpoint rules choose the host
])
def test_links_are_the_ones_the_client_signs(endpoint: str | None, style: str, region: str) -> None:
    config = dataclasses.replace(OFFLINE, s3_endpoint_url=endpoint, addressing_style=style, region=region)
    client: Any = make_s3_client(config)
    quick = signer_for(client)
    assert isinstance(quick, PutLinkSigner)
    headers = {"content-type": "image/jpeg", "x-amz-meta-site": "north", "if-none-match": "*",
               "x-amz-acl": "bucket-owner-full-control", "x-amz-checksum-crc32": "AAAAAA=="}
    params = {"ContentType": "image/jpeg", "Metadata": {"site": "north"}, "IfNoneMatch": "*",
              "ACL": "bucket-owner-full-control", "ChecksumCRC32": "AAAAAA=="}
    for bucket in ("uploads-bucket", "other-bucket"):  # a config may name another bucket for the same client
        for key in KEYS:
            theirs = client.generate_presigned_url("put_object", ExpiresIn=900, HttpMethod="PUT",
                                                   Params={"Bucket": bucket, "Key": key, **params})
            _same_link(quick.put(bucket, key, headers, 900), theirs)
    client.close()


def test_credentials_are_read_for_each_link() -> None:
    """Role credentials refresh: a link signed after the refresh carries the new key, not the first one."""
    client: Any = make_s3_client(OFFLINE)
    credentials = Credentials("AKIDFIRSTKEY00000000", "first-secret")
    quick = PutLinkSigner(client, credentials)
    first = _parts(quick.put("uploads-bucket", "a.txt", {"content-type": "text/plain"}, 60))[1]
    credentials.access_key, credentials.secret_key, credentials.token = "AKIDSECONDKEY0000000", "s2", "session-2"
    second = _parts(quick.put("uploads-bucket", "a.txt", {"content-type": "text/plain"}, 60))[1]
    assert first["X-Amz-Credential"].startswith("AKIDFIRSTKEY00000000/")
    assert "X-Amz-Security-Token" not in first
    assert second["X-Amz-Credential"].startswith("AKIDSECONDKEY0000000/")
    assert second["X-Amz-Security-Token"] == "session-2"
    client.close()


def test_a_client_from_elsewhere_signs_through_its_own_pipeline(call: Call) -> None:
    """An embedding that passes its own boto3 client gets the same answer, signed by the client itself."""
    import boto3
    from botocore.config import Config

    theirs: Any = boto3.session.Session(aws_access_key_id=OFFLINE.access_key,
                                        aws_secret_access_key=OFFLINE.secret_key).client(
        "s3", endpoint_url=OFFLINE.s3_endpoint_url, region_name="us-east-1",
        config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    assert signer_for(theirs) is None
    query = {"filekey": "site/photo 1.jpg", "contentType": "image/jpeg", "meta-site": "north"}
    status, _, through_client = call("GET", "/sign", query=query, s3=theirs, no_overwrite=True)
    status_quick, _, quick = call("GET", "/sign", query=query, no_overwrite=True)
    assert status == status_quick == 200
    assert through_client["headers"] == quick["headers"] == {
        "content-type": "image/jpeg", "if-none-match": "*", "x-amz-meta-site": "north"}
    _same_link(quick["signed_url"], through_client["signed_url"])
    theirs.close()


def test_a_batch_is_signed_below_the_client() -> None:
    """The handler takes the quick path for make_s3_client's clients: the client's own pipeline is not run."""
    client: Any = make_s3_client(OFFLINE)
    calls: list[str] = []
    client.meta.events.register("before-sign.s3.PutObject", lambda **kwargs: calls.append("pipeline"))
    body = b'{"files": [' + b",".join(b'{"filekey": "f%d.bin", "contentType": "application/octet-stream"}' % i
                                      for i in range(100)) + b"]}"
    status, _, payload = handle("POST", "/sign/batch", {}, {}, body, OFFLINE, client)
    assert status == 200
    assert isinstance(payload, dict)
    assert len(payload["signed_urls"]) == 100
    assert len(calls) == 1  # the one probe that tells the bucket's address, then none
    client.close()


def test_no_credentials_anywhere_is_refused_cleanly(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    """boto3's chain finds nothing: no quick signer is made, and the answer says what is missing."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
                 "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "none"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    config = EndpointConfig(bucket="b", s3_endpoint_url="http://127.0.0.1:9", region="us-east-1",
                            addressing_style="path")
    client: Any = make_s3_client(config)
    assert signer_for(client) is None
    status, _, payload = handle("GET", "/sign", {"filekey": "a", "contentType": "text/plain"}, {}, b"", config,
                                client)
    assert isinstance(payload, dict)
    assert (status, payload["error"]) == (500, "signing_failed")
    assert "no usable AWS credentials" in payload["message"]
    client.close()
