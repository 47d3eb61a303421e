"""Parsing presigned links: SigV4 and SigV2 queries, presigned POST policies, bucket and key, region."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest

from desktop_uploader.core.protocol.links import (
    aws_host_info,
    link_secrets,
    parse_amz_date,
    parse_link,
    signing_facts,
)
from tests.core.explain.builders import ACCESS_KEY, NOW, SIGNATURE, TOKEN, v2_url, v4_url


def test_sigv4_link() -> None:
    info = parse_link(v4_url(signed_at=NOW, expires=600, signed_headers="content-type;host", token=TOKEN))
    assert info.version == "v4"
    assert info.access_key == ACCESS_KEY
    assert (info.scope_date, info.region, info.service) == ("20260101", "us-east-1", "s3")
    assert info.signed_at == datetime(2026, 1, 1, tzinfo=UTC)
    assert info.expires_seconds == 600
    assert info.expires_at is not None and info.expires_at.timestamp() == NOW + 600
    assert info.signed_headers == ("content-type", "host")
    assert info.has_security_token
    assert (info.bucket, info.key, info.style) == ("examplebucket", "photos/cat.jpg", "virtual")
    assert info.is_aws_host and info.host_region is None
    assert info.operation == "object" and info.implied_method() is None
    assert not info.problems


def test_the_parsed_link_holds_no_secret() -> None:
    info = parse_link(v4_url(token=TOKEN))
    assert SIGNATURE not in repr(info)
    assert TOKEN not in repr(info) and "FwoGZXIv" not in repr(info)


def test_link_secrets_lists_the_literal_credentials() -> None:
    assert set(link_secrets(v4_url(token=TOKEN))) == {SIGNATURE, TOKEN}


def test_path_style_link_on_a_compatible_server() -> None:
    info = parse_link("http://127.0.0.1:8333/my-bucket/dir/a%20b.txt?X-Amz-Credential=AK%2F20260101%2Fus-east-1"
                      "%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
                      "&X-Amz-Signature=abc&X-Amz-Algorithm=AWS4-HMAC-SHA256")
    assert (info.bucket, info.key, info.style) == ("my-bucket", "dir/a b.txt", "path")
    assert not info.is_aws_host


def test_multipart_links() -> None:
    part = parse_link(v4_url(extra={"partNumber": "7", "uploadId": "U1"}))
    assert part.operation == "part" and part.implied_method() == "PUT"
    assert (part.part_number, part.upload_id) == ("7", "U1")
    assert parse_link(v4_url(extra={"uploads": ""})).operation == "create"
    assert parse_link(v4_url(extra={"uploadId": "U1"})).operation == "complete"


def test_hoisted_parameters_and_checksums() -> None:
    info = parse_link(v4_url(extra={"x-amz-acl": "public-read", "x-amz-checksum-crc32": "AAAAAA==",
                                    "x-amz-sdk-checksum-algorithm": "CRC32"}))
    assert info.params["x-amz-acl"] == "public-read"
    assert info.checksums() == {"crc32": "AAAAAA=="}


def test_sigv2_link() -> None:
    info = parse_link(v2_url(expires_at=NOW + 300))
    assert info.version == "v2"
    assert info.access_key == ACCESS_KEY
    assert info.expires_at is not None and info.expires_at.timestamp() == NOW + 300
    assert info.signed_at is None and info.expires_seconds is None


def test_presigned_post() -> None:
    policy = base64.b64encode(json.dumps({
        "expiration": "2026-01-01T01:00:00Z",
        "conditions": [{"bucket": "b"}, ["starts-with", "$key", "uploads/"], ["content-length-range", 1, 10]],
    }).encode()).decode()
    info = parse_link("https://b.s3.amazonaws.com/", {"key": "uploads/${filename}", "policy": policy,
                                                       "x-amz-credential": "AK/20260101/us-east-1/s3/aws4_request"})
    assert info.version == "post" and info.operation == "post"
    assert info.post_policy is not None
    assert (info.post_policy.min_size, info.post_policy.max_size) == (1, 10)
    assert info.post_policy.key_prefix == "uploads/"
    assert info.expires_at == datetime(2026, 1, 1, 1, tzinfo=UTC)
    assert "policy" not in info.params


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("https://h/k?X-Amz-Credential=onlykey&X-Amz-Date=20260101T000000Z&X-Amz-Signature=s", "X-Amz-Credential"),
        ("https://h/k?X-Amz-Credential=A%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=2026-01-01"
         "&X-Amz-Signature=s", "X-Amz-Date"),
        ("https://h/k?X-Amz-Credential=A%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
         "&X-Amz-Expires=soon&X-Amz-Signature=s", "X-Amz-Expires"),
        ("https://h/k?X-Amz-Credential=A%2F20260101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z",
         "X-Amz-Signature"),
        ("https://h/k?X-Amz-Credential=A%2F20250101%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z"
         "&X-Amz-Signature=s", "differs"),
        ("https://h:notaport/k", "valid web address"),
        ("/just/a/path", "no scheme"),
    ],
)
def test_malformed_links_are_described(url: str, problem: str) -> None:
    assert problem in "; ".join(parse_link(url).problems)


_PATH_STYLE = ("http://127.0.0.1:8333/my-bucket/dir/a%20b.txt?X-Amz-Credential=AK%2F20260101%2Fus-east-1"
               "%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=60&X-Amz-SignedHeaders=host"
               "&X-Amz-Signature=abc&X-Amz-Algorithm=AWS4-HMAC-SHA256")


@pytest.mark.parametrize(
    "url",
    [
        v4_url(signed_at=NOW, expires=600, signed_headers="content-type;host", token=TOKEN),
        v4_url(extra={"partNumber": "7", "uploadId": "U1"}),
        _PATH_STYLE,
        _PATH_STYLE.replace("X-Amz-Expires=60", "X-Amz-Expires=soon"),  # no lifetime to read
        _PATH_STYLE.replace("20260101T000000Z", "2026-01-01"),  # no date to read
        _PATH_STYLE.replace("&X-Amz-Expires=60", ""),
        v2_url(expires_at=NOW + 300),
        v2_url(expires_at=NOW + 300).replace("Expires=", "Expires=x"),
        "https://h/k",  # not signed
    ],
)
def test_signing_facts_read_a_link_as_the_full_parse_does(url: str) -> None:
    """Signers keep the cheap reading for every link they hand out; it must agree with the diagnosis."""
    facts, info = signing_facts(url), parse_link(url)
    assert facts.expires_epoch == info.expires_epoch
    assert facts.signed_headers == info.signed_headers and facts.params == info.params
    assert facts.version == ("v4" if info.version == "v4" else "other")
    for key in ("photos/cat.jpg", "dir/a b.txt", "k", "a b.txt", "other"):
        assert facts.targets_key(key) == info.targets_key(key), key


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("20261206T072300Z", datetime(2026, 12, 6, 7, 23, tzinfo=UTC)),
        (" 20240229T235959Z ", datetime(2024, 2, 29, 23, 59, 59, tzinfo=UTC)),
        ("2026-12-06T07:23:00Z", None),  # ISO 8601, but not the basic form SigV4 uses
        ("20261206T072300", None),  # no Z: not known to be UTC
        ("20261206T072300+0100", None),
        ("20261306T072300Z", None),  # month 13
        ("20250229T000000Z", None),  # not a leap year
        ("２０２６１２０６T072300Z", None),  # digits, but not ASCII ones
        ("", None),
    ],
)
def test_amz_date(value: str, expected: datetime | None) -> None:
    assert parse_amz_date(value) == expected


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("examplebucket.s3.amazonaws.com", (True, "examplebucket", None)),
        ("examplebucket.s3.eu-west-1.amazonaws.com", (True, "examplebucket", "eu-west-1")),
        ("examplebucket.s3-eu-west-1.amazonaws.com", (True, "examplebucket", "eu-west-1")),
        ("my.dotted.bucket.s3.dualstack.ap-southeast-2.amazonaws.com", (True, "my.dotted.bucket", "ap-southeast-2")),
        ("examplebucket.s3-accelerate.amazonaws.com", (True, "examplebucket", None)),
        ("examplebucket.s3-external-1.amazonaws.com", (True, "examplebucket", "us-east-1")),
        ("s3.us-gov-west-1.amazonaws.com", (True, None, "us-gov-west-1")),
        ("s3.cn-north-1.amazonaws.com.cn", (True, None, "cn-north-1")),
        ("s3.amazonaws.com", (True, None, None)),
        ("storage.example.com", (False, None, None)),
    ],
)
def test_aws_hosts(host: str, expected: tuple[bool, str | None, str | None]) -> None:
    assert aws_host_info(host) == expected
