"""Which headers go out with a presigned PUT: exactly the signed ones, with the signer's values."""

from __future__ import annotations

import dataclasses

import boto3
import botocore.config
import pytest

from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import parse_link
from desktop_uploader.core.transfer import headers_to_send


def _presign(**params: object) -> str:
    client = boto3.client("s3", region_name="eu-west-1", aws_access_key_id="AKIAEXAMPLE",
                          aws_secret_access_key="secret",
                          config=botocore.config.Config(signature_version="s3v4",
                                                        s3={"addressing_style": "path"}))
    return str(client.generate_presigned_url("put_object", Params={"Bucket": "b", "Key": "k", **params},
                                              ExpiresIn=600))


def test_signed_headers_take_the_signers_values() -> None:
    url = _presign(ContentType="image/png", ACL="public-read", Metadata={"site": "n4"})
    signed = SignedRequest("PUT", url, {"content-type": "image/png", "x-amz-acl": "public-read",
                                        "x-amz-meta-site": "n4", "x-amz-unsigned": "dropped"})
    assert headers_to_send(signed) == {"content-type": "image/png", "x-amz-acl": "public-read",
                                       "x-amz-meta-site": "n4"}


def test_value_from_the_links_query_when_the_signer_did_not_say() -> None:
    url = _presign(ContentType="text/plain") + "&x-amz-acl=private"
    link = parse_link(url)
    # A signer that signed x-amz-acl and also put its value into the query.
    link = dataclasses.replace(link, signed_headers=(*link.signed_headers, "x-amz-acl"))
    out = headers_to_send(SignedRequest("PUT", url, {"content-type": "text/plain"}), link)
    assert out["x-amz-acl"] == "private"


def test_unknown_signed_header_value_is_an_error() -> None:
    url = _presign(ContentType="text/plain", ACL="public-read")
    with pytest.raises(UploadError) as err:
        headers_to_send(SignedRequest("PUT", url, {"content-type": "text/plain"}))
    assert err.value.failure.code == "SignedHeaderValueUnknown"


def test_content_type_sent_even_when_not_signed() -> None:
    url = _presign()
    assert headers_to_send(SignedRequest("PUT", url, {"content-type": "text/csv"})) == {
        "content-type": "text/csv"}


def test_link_facts() -> None:
    link = parse_link(_presign(ContentType="a/b"))
    assert link.version == "v4" and link.region == "eu-west-1" and link.access_key == "AKIAEXAMPLE"
    assert link.expires_seconds == 600 and link.expires_epoch is not None and link.signed_at is not None
    assert link.targets_key("k") and not link.targets_key("other/k")
