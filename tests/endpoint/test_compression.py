"""Larger answers (a batch of links) go out gzipped to clients that ask for it: over real HTTP, and from the
Lambda handler where its proxy passes a binary body on (payload 2.0)."""

from __future__ import annotations

import base64
import gzip
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from desktop_uploader.endpoint import make_lambda_handler, make_s3_client
from desktop_uploader.endpoint.compression import MIN_BYTES, accepts_gzip, compress
from desktop_uploader.endpoint.simple import MAX_BATCH
from tests.plugins.endpoint import EndpointFixture

from .conftest import OFFLINE
from .test_lambda import v1_event, v2_event

FILES = [{"filekey": f"many/{i:03d}.txt", "contentType": "text/plain"} for i in range(MAX_BATCH)]


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.mark.parametrize(("header", "expected"), [
    ("gzip, deflate, br", True),
    ("GZIP", True),
    ("x-gzip", True),
    ("*", True),
    ("br;q=1.0, gzip;q=0.5", True),
    ("gzip;q=0", False),
    ("gzip;q=0.0, *", False),  # named codings win over the wildcard
    ("*;q=0", False),
    ("identity", False),
    ("deflate, br", False),
    ("gzip;q=nonsense", False),
    ("", False),
    (None, False),
])
def test_which_accept_encoding_values_allow_gzip(header: str | None, expected: bool) -> None:
    assert accepts_gzip(header) is expected


def test_only_bodies_worth_it_are_compressed_and_the_same_body_gives_the_same_bytes() -> None:
    small = b"{}" * (MIN_BYTES // 2 - 1)
    assert compress(small, "gzip") == (small, {})
    large = json.dumps(FILES).encode()
    assert compress(large, "identity") == (large, {"Vary": "Accept-Encoding"})
    packed, headers = compress(large, "gzip")
    assert headers == {"Content-Encoding": "gzip", "Vary": "Accept-Encoding"}
    assert gzip.decompress(packed) == large and len(packed) < len(large) // 4
    assert compress(large, "gzip")[0] == packed  # no clock in the header


def test_a_batch_of_links_arrives_gzipped_and_plain_when_not_asked(reference_endpoint: EndpointFixture,
                                                                   http: requests.Session) -> None:
    url = reference_endpoint.sign_url + "/batch"
    packed = http.post(url, json={"files": FILES}, stream=True, timeout=30)  # requests asks for gzip
    assert packed.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip"
    on_the_wire = packed.raw.read(decode_content=False)
    assert int(packed.headers["Content-Length"]) == len(on_the_wire)
    links = json.loads(gzip.decompress(on_the_wire))["signed_urls"]
    assert [link["key"] for link in links] == [f["filekey"] for f in FILES]

    plain = http.post(url, json={"files": FILES}, headers={"Accept-Encoding": "identity"}, timeout=30)
    assert plain.status_code == 200 and "Content-Encoding" not in plain.headers
    assert plain.headers["Vary"] == "Accept-Encoding"
    assert len(plain.content) > 4 * len(on_the_wire)
    assert [link["key"] for link in plain.json()["signed_urls"]] == [f["filekey"] for f in FILES]


def _lambda_answer(event: dict[str, Any]) -> dict[str, Any]:
    client = make_s3_client(OFFLINE)
    try:
        answer: dict[str, Any] = make_lambda_handler(OFFLINE, client)(event, None)
        return answer
    finally:
        client.close()


def test_the_lambda_gzips_for_http_apis_and_leaves_rest_apis_to_their_gateway() -> None:
    body = json.dumps({"files": FILES})
    v2 = _lambda_answer(v2_event("POST", "/sign/batch", body=body,
                                 headers={"Content-Type": "application/json", "Accept-Encoding": "gzip"}))
    assert v2["statusCode"] == 200 and v2["isBase64Encoded"] is True
    assert v2["headers"]["Content-Encoding"] == "gzip"
    links = json.loads(gzip.decompress(base64.b64decode(v2["body"])))["signed_urls"]
    assert len(links) == MAX_BATCH

    # A REST API (payload 1.0) passes a base64 body on only for its binary media types: the body stays text.
    v1 = _lambda_answer(v1_event("POST", "/sign/batch", body=body, headers={"Accept-Encoding": "gzip"}))
    assert v1["statusCode"] == 200 and v1["isBase64Encoded"] is False
    assert "Content-Encoding" not in v1["headers"]
    assert len(json.loads(v1["body"])["signed_urls"]) == MAX_BATCH

    # A client that does not ask gets plain JSON from an HTTP API too.
    unasked = _lambda_answer(v2_event("POST", "/sign/batch", body=body))
    assert unasked["isBase64Encoded"] is False and "Content-Encoding" not in unasked["headers"]
    assert len(json.loads(unasked["body"])["signed_urls"]) == MAX_BATCH
