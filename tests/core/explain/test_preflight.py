"""Pre-flight checks: what is visibly wrong with a link before the upload is sent."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from desktop_uploader.core.explain import ERROR, WARNING, Finding, inspect_link, preflight
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import EMPTY_CHECKSUMS
from tests.core.explain.builders import BUCKET, KEY, NOW, TOKEN, link, v2_url, v4_url

GIB = 1024**3
MIB = 1024**2


def run(signed: SignedRequest, **kw: Any) -> list[Finding]:
    args: dict[str, Any] = {
        "method": signed.method, "key": KEY, "bucket": BUCKET, "headers_to_send": {}, "size": 1000, "now": NOW,
    }
    args.update(kw)
    return preflight(signed, **args)


def codes(findings: list[Finding]) -> list[str]:
    return [f.code for f in findings]


def test_a_good_link_has_no_findings() -> None:
    signed = link(headers={"Content-Type": "image/jpeg"}, signed_headers="content-type;host")
    assert run(signed, headers_to_send={"Content-Type": "image/jpeg", "Content-Length": "1000"}) == []


def test_header_names_are_case_insensitive_and_values_whitespace_normalised() -> None:
    signed = link(headers={"content-type": "image/jpeg"}, signed_headers="content-type;host")
    assert run(signed, headers_to_send={"CONTENT-TYPE": " image/jpeg "}) == []


def test_header_values_are_case_sensitive() -> None:
    signed = link(headers={"Content-Type": "image/jpeg"}, signed_headers="content-type;host")
    found = run(signed, headers_to_send={"Content-Type": "image/JPEG"})
    assert codes(found) == ["Link.content_type_mismatch"]
    assert found[0].facts == {"signed_content_type": "image/jpeg", "sent_content_type": "image/JPEG",
                              "guessed": "no"}
    assert found[0].blocking


def test_expiry_against_the_given_time() -> None:
    signed = link(signed_at=NOW - 900, expires=900)
    assert codes(run(signed, now=NOW - 61)) == []
    assert codes(run(signed, now=NOW - 30)) == ["Link.expires_soon"]
    expired = run(signed, now=NOW + 120)
    assert codes(expired) == ["Link.expired"]
    assert expired[0].facts["expired_ago"] == "2 minutes"
    assert "this computer's" in expired[0].cause


def test_lifetime_limit_is_seven_days() -> None:
    assert codes(run(link(expires=604800, signed_at=NOW))) == []
    assert codes(run(link(expires=604801, signed_at=NOW))) == ["Link.expires_too_long"]


def test_not_yet_valid_beyond_fifteen_minutes_only() -> None:
    assert codes(run(link(signed_at=NOW + 600))) == []
    assert codes(run(link(signed_at=NOW + 1200))) == ["Link.not_yet_valid"]


def test_method_bucket_and_key() -> None:
    assert codes(run(link(), method="POST")) == ["Link.method_mismatch"]
    assert codes(run(link(), bucket="other")) == ["Link.bucket_mismatch"]
    assert codes(run(link(), key="photos/dog.jpg")) == ["Link.key_mismatch"]
    # A part link is a PUT whatever the signer claims.
    part = link(method="POST", extra={"partNumber": "1", "uploadId": "U"})
    assert codes(run(part, method="POST")) == ["Link.method_mismatch"]


def test_keys_compare_decoded() -> None:
    signed = link(path="/photos/my%20cat%2B1.jpg")
    assert run(signed, key="photos/my cat+1.jpg") == []


def test_virtual_hosted_style_on_a_compatible_server() -> None:
    signed = link(host=f"{BUCKET}.minio.example.com", path="/" + KEY)
    assert run(signed) == []
    path_style = link(host="minio.example.com", path=f"/{BUCKET}/{KEY}")
    assert run(path_style) == []


def test_signed_headers_must_be_sent_with_their_values() -> None:
    signed = link(headers={"x-amz-acl": "private", "x-amz-meta-site": "north"},
                  signed_headers="host;x-amz-acl;x-amz-meta-site")
    found = run(signed, headers_to_send={"x-amz-acl": "public-read"})
    assert codes(found) == ["Link.header_value_mismatch", "Link.header_not_sent"]
    assert found[0].facts["signed_value"] == "private" and found[0].facts["sent_value"] == "public-read"
    assert found[1].facts["header"] == "x-amz-meta-site"


def test_unsigned_amz_headers() -> None:
    found = run(link(), headers_to_send={"x-amz-meta-b": "1", "X-Amz-Meta-A": "2", "Content-Type": "x/y"})
    assert codes(found) == ["Link.unsigned_amz_header"]
    assert found[0].facts["header"] == "x-amz-meta-a, x-amz-meta-b"


def test_region_of_the_host_against_the_credential_scope() -> None:
    found = run(link(host="examplebucket.s3.eu-west-1.amazonaws.com"))
    assert codes(found) == ["Link.region_mismatch"]
    assert found[0].facts == {"link_region": "us-east-1", "bucket_region": "eu-west-1"}
    assert run(link(host="examplebucket.s3.eu-west-1.amazonaws.com", region="eu-west-1")) == []


def test_temporary_keys_need_a_token() -> None:
    assert codes(run(link(access_key="ASIAEXAMPLETEMP00001"))) == ["Link.temporary_key_without_token"]
    assert run(link(access_key="ASIAEXAMPLETEMP00001", token=TOKEN)) == []


@pytest.mark.parametrize("algorithm", ["crc32", "crc32c", "crc64nvme", "sha1", "sha256"])
def test_checksum_of_an_empty_body_in_a_part_link(algorithm: str) -> None:
    signed = link(extra={"partNumber": "2", "uploadId": "U", f"x-amz-checksum-{algorithm}": EMPTY_CHECKSUMS[algorithm]})
    found = run(signed, size=8 * MIB)
    assert codes(found) == ["Link.checksum_of_empty"]
    assert found[0].facts["checksum_name"] == f"x-amz-checksum-{algorithm}"
    # An empty body does match it.
    assert run(signed, size=0) == []


def test_signed_content_md5_of_nothing() -> None:
    signed = link(headers={"Content-MD5": EMPTY_CHECKSUMS["content-md5"]}, signed_headers="content-md5;host")
    found = run(signed, headers_to_send={"Content-MD5": EMPTY_CHECKSUMS["content-md5"]}, size=10)
    assert codes(found) == ["Link.checksum_of_empty"]


def test_checksum_algorithm_without_a_value() -> None:
    signed = link(extra={"partNumber": "1", "uploadId": "U", "x-amz-sdk-checksum-algorithm": "CRC32"})
    assert codes(run(signed)) == ["Link.checksum_algorithm_only"]
    assert run(signed, headers_to_send={"x-amz-checksum-crc32": "abcd"})[0].code == "Link.unsigned_amz_header"


def test_chunked_and_wrong_content_length() -> None:
    assert codes(run(link(), headers_to_send={"Transfer-Encoding": "chunked"})) == ["Link.chunked"]
    assert codes(run(link(), headers_to_send={"Content-Length": "999"})) == ["Link.content_length_mismatch"]
    signed = link(headers={"Content-Length": "1000"}, signed_headers="content-length;host")
    assert run(signed) == []
    assert codes(run(signed, size=1001)) == ["Link.content_length_mismatch"]


def test_single_put_limit() -> None:
    assert run(link(), size=5 * GIB) == []
    found = run(link(), size=5 * GIB + 1)
    assert codes(found) == ["Link.single_put_too_large"]
    assert found[0].facts["max_size"] == "5.0 GiB"


def test_part_rules() -> None:
    part = link(extra={"partNumber": "3", "uploadId": "U"})
    assert codes(run(part, size=5 * GIB + 1)) == ["Link.part_too_large"]
    assert codes(run(part, size=MIB, last_part=False)) == ["Link.part_too_small"]
    assert run(part, size=MIB, last_part=True) == []
    assert run(part, size=MIB) == []  # not known whether it is the last part: no guess
    for bad in ("0", "10001", "x"):
        found = run(link(extra={"partNumber": bad, "uploadId": "U"}))
        assert codes(found) == ["Link.part_number_invalid"], bad


def test_sigv2_is_recognised() -> None:
    found = run(link(v2_url(expires_at=NOW + 600)))
    assert codes(found) == ["Link.sigv2"]
    assert found[0].severity == WARNING and not found[0].blocking
    assert codes(run(link(v2_url(expires_at=NOW - 5)))) == ["Link.expired", "Link.sigv2"]


def test_plain_http_is_a_warning_except_on_loopback() -> None:
    assert codes(run(link(host="storage.example.com", scheme="http", path=f"/{BUCKET}/{KEY}"))) == ["Link.insecure"]
    assert run(link(host="127.0.0.1:8333", scheme="http", path=f"/{BUCKET}/{KEY}")) == []
    assert run(link(host="localhost:8333", scheme="http", path=f"/{BUCKET}/{KEY}")) == []


def test_presigned_post_policy() -> None:
    policy = base64.b64encode(json.dumps({
        "expiration": "2026-01-01T01:00:00Z",
        "conditions": [["content-length-range", 1, 2000], ["starts-with", "$key", "photos/"]],
    }).encode()).decode()
    form = SignedRequest("POST", f"https://{BUCKET}.s3.amazonaws.com/",
                         fields={"key": "photos/${filename}", "policy": policy})
    assert run(form, method="POST") == []
    assert codes(run(form, method="POST", size=5000)) == ["Link.post_size_out_of_range"]
    assert codes(run(form, method="POST", key="other/cat.jpg")) == ["Link.key_mismatch"]
    assert codes(run(form, method="POST", now=NOW + 7200)) == ["Link.expired"]


def test_errors_come_before_warnings() -> None:
    found = run(link(v2_url(expires_at=NOW + 600)), key="elsewhere.jpg")
    assert [f.severity for f in found] == [ERROR, WARNING]


def test_findings_carry_catalog_texts() -> None:
    found = run(link(), method="POST")[0]
    assert found.summary and found.cause and found.action and found.admin_action
    assert "POST" in found.cause and "PUT" in found.cause
    assert found.to_dict()["code"] == "Link.method_mismatch"


def test_unparseable_link_stops_early() -> None:
    assert codes(run(link("not a link"))) == ["Link.malformed"]


def test_inspect_link_skips_what_it_cannot_know() -> None:
    signed = link(headers={"Content-Type": "image/jpeg"}, signed_headers="content-type;host;x-amz-acl")
    assert inspect_link(signed, now=NOW) == []
    assert codes(inspect_link(link(signed_at=NOW - 5000), now=NOW)) == ["Link.expired"]
    assert codes(inspect_link(SignedRequest("PUT", v4_url(expires=700000)), now=NOW)) == ["Link.expires_too_long"]
