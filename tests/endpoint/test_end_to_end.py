"""Both protocols over real HTTP against SeaweedFS: the links the endpoint signs really upload."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from desktop_uploader.devserver import SeaweedServer
from tests.plugins.endpoint import EndpointFactory, EndpointFixture

PART = 5 * 1024 * 1024


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _sign(http: requests.Session, endpoint: EndpointFixture, **query: str) -> dict[str, Any]:
    response = http.get(endpoint.sign_url, params=query, timeout=30)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def test_simple_sign_then_put_with_the_returned_headers(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    link = _sign(http, reference_endpoint, filekey="docs/report 2024.pdf", contentType="application/pdf")
    assert link["method"] == "PUT"
    assert link["key"] == "docs/report 2024.pdf"
    put = http.put(link["signed_url"], data=b"%PDF-1.7 test", headers=link["headers"], timeout=30)
    assert put.status_code == 200, put.text
    head = seaweed.client().head_object(Bucket=reference_endpoint.bucket, Key="docs/report 2024.pdf")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentLength"] == len(b"%PDF-1.7 test")


def test_metadata_headers_are_stored(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    link = _sign(http, reference_endpoint, filekey="m.txt", contentType="text/plain", **{"meta-origin": "desk"})
    assert http.put(link["signed_url"], data=b"x", headers=link["headers"], timeout=30).status_code == 200
    head = seaweed.client().head_object(Bucket=reference_endpoint.bucket, Key="m.txt")
    assert head["Metadata"] == {"origin": "desk"}


def test_a_different_content_type_breaks_the_signature(
    reference_endpoint: EndpointFixture, http: requests.Session
) -> None:
    link = _sign(http, reference_endpoint, filekey="t.txt", contentType="text/plain")
    put = http.put(link["signed_url"], data=b"x", headers={"content-type": "text/html"}, timeout=30)
    assert put.status_code == 403
    assert "SignatureDoesNotMatch" in put.text


def test_acl_is_part_of_the_signature(reference_endpoint_factory: EndpointFactory, http: requests.Session) -> None:
    endpoint = reference_endpoint_factory(acl="public-read")
    link = _sign(http, endpoint, filekey="public/a.txt", contentType="text/plain")
    assert link["headers"] == {"content-type": "text/plain", "x-amz-acl": "public-read"}
    without_acl = {k: v for k, v in link["headers"].items() if k != "x-amz-acl"}
    refused = http.put(link["signed_url"], data=b"hello", headers=without_acl, timeout=30)
    assert refused.status_code == 403
    assert "SignatureDoesNotMatch" in refused.text
    accepted = http.put(link["signed_url"], data=b"hello", headers=link["headers"], timeout=30)
    assert accepted.status_code == 200, accepted.text


def test_token_and_prefix_over_http(reference_endpoint_factory: EndpointFactory, http: requests.Session) -> None:
    endpoint = reference_endpoint_factory(shared_token="e2e-token", key_prefix="inbox/")
    query = {"filekey": "inbox/a.txt", "contentType": "text/plain"}
    assert http.get(endpoint.sign_url, params=query, timeout=30).status_code == 401
    auth = {"Authorization": "Bearer e2e-token"}
    assert http.get(endpoint.sign_url, params=query, headers=auth, timeout=30).status_code == 200
    outside = {"filekey": "elsewhere/a.txt", "contentType": "text/plain"}
    assert http.get(endpoint.sign_url, params=outside, headers=auth, timeout=30).status_code == 403


def test_companion_presigned_post(
    reference_endpoint_factory: EndpointFactory, seaweed: SeaweedServer, http: requests.Session
) -> None:
    endpoint = reference_endpoint_factory(key_prefix="web/")
    params = http.get(
        endpoint.url + "/s3/params",
        params={"filename": "photo.png", "type": "image/png", "metadata[album]": "2024"},
        timeout=30,
    )
    assert params.status_code == 200, params.text
    form = params.json()
    assert form["method"] == "POST"
    content = os.urandom(3000)
    posted = http.post(
        form["url"], data=form["fields"], files={"file": ("photo.png", content, "image/png")}, timeout=30
    )
    assert posted.status_code == 201, posted.text
    key = form["fields"]["key"]
    assert key.startswith("web/") and key.endswith("/photo.png")
    s3 = seaweed.client()
    stored = s3.get_object(Bucket=endpoint.bucket, Key=key)
    assert stored["Body"].read() == content
    assert stored["ContentType"] == "image/png"


def test_companion_multipart_upload(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    base = reference_endpoint.url + "/s3/multipart"
    created = http.post(base, json={"filename": "movie.bin", "type": "application/octet-stream"}, timeout=30)
    assert created.status_code == 200, created.text
    key, upload_id = created.json()["key"], created.json()["uploadId"]

    batch = http.get(f"{base}/{upload_id}/batch", params={"key": key, "partNumbers": "1"}, timeout=30)
    assert batch.status_code == 200, batch.text
    single = http.get(f"{base}/{upload_id}/2", params={"key": key}, timeout=30)
    assert single.status_code == 200, single.text

    first, second = os.urandom(PART), os.urandom(1234)
    put1 = http.put(batch.json()["presignedUrls"]["1"], data=first, timeout=60)
    put2 = http.put(single.json()["url"], data=second, timeout=60)
    assert put1.status_code == 200 and put2.status_code == 200, (put1.text, put2.text)

    listed = http.get(f"{base}/{upload_id}", params={"key": key}, timeout=30)
    assert listed.status_code == 200, listed.text
    parts = listed.json()
    assert [(p["PartNumber"], p["Size"]) for p in parts] == [(1, PART), (2, 1234)]
    assert [p["ETag"] for p in parts] == [put1.headers["ETag"], put2.headers["ETag"]]
    assert all(p["LastModified"].endswith("Z") for p in parts)

    done = http.post(
        f"{base}/{upload_id}/complete",
        params={"key": key},
        json={"parts": [{"PartNumber": p["PartNumber"], "ETag": p["ETag"]} for p in parts]},
        timeout=60,
    )
    assert done.status_code == 200, done.text
    assert done.json()["location"]
    stored = seaweed.client().get_object(Bucket=reference_endpoint.bucket, Key=key)["Body"].read()
    assert stored == first + second


def test_companion_abort_removes_the_upload(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    base = reference_endpoint.url + "/s3/multipart"
    created = http.post(base, json={"filename": "gone.bin"}, timeout=30).json()
    key, upload_id = created["key"], created["uploadId"]
    part = http.get(f"{base}/{upload_id}/1", params={"key": key}, timeout=30).json()
    assert http.put(part["url"], data=b"partial", timeout=30).status_code == 200
    s3 = seaweed.client()
    assert len(s3.list_multipart_uploads(Bucket=reference_endpoint.bucket).get("Uploads", [])) == 1

    aborted = http.delete(f"{base}/{upload_id}", params={"key": key}, timeout=30)
    assert (aborted.status_code, aborted.json()) == (200, {})
    assert s3.list_multipart_uploads(Bucket=reference_endpoint.bucket).get("Uploads", []) == []
    listed = http.get(f"{base}/{upload_id}", params={"key": key}, timeout=30)
    assert listed.status_code == 404
    assert listed.json()["error"] == "no_such_upload"


def test_companion_post_policy_enforces_size_and_type(
    reference_endpoint_factory: EndpointFactory, seaweed: SeaweedServer, http: requests.Session
) -> None:
    endpoint = reference_endpoint_factory(max_upload_bytes=10)
    form = http.get(endpoint.url + "/s3/params", params={"filename": "a.txt", "type": "text/plain"}, timeout=30).json()
    too_big = http.post(
        form["url"], data=form["fields"], files={"file": ("a.txt", b"x" * 50, "text/plain")}, timeout=30
    )
    assert too_big.status_code in (400, 403), too_big.text
    retyped = {**form["fields"], "Content-Type": "text/html"}
    wrong_type = http.post(form["url"], data=retyped, files={"file": ("a.txt", b"x", "text/html")}, timeout=30)
    assert wrong_type.status_code == 403, wrong_type.text
    assert seaweed.client().list_objects_v2(Bucket=endpoint.bucket).get("KeyCount", 0) == 0
    fits = http.post(form["url"], data=form["fields"], files={"file": ("a.txt", b"x" * 10, "text/plain")}, timeout=30)
    assert fits.status_code == 201, fits.text
