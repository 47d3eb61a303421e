"""``POST /sign/batch`` over real HTTP and through the Lambda handler, against SeaweedFS: every link uploads."""

from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.endpoint import make_lambda_handler, make_s3_client
from desktop_uploader.endpoint.simple import MAX_BATCH
from tests.plugins.endpoint import EndpointFactory, EndpointFixture, seaweed_endpoint_config

from .test_lambda import v1_event, v2_event

FILES = [
    {"filekey": "batch/a.txt", "contentType": "text/plain"},
    {"filekey": "batch/photo 1.jpg", "contentType": "image/jpeg", "metadata": {"Site": "north-4"}},
    {"filekey": "batch/c.bin", "contentType": "application/octet-stream"},
]


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _batch_url(endpoint: EndpointFixture) -> str:
    return endpoint.sign_url + "/batch"


def _upload_all(http: requests.Session, links: list[dict[str, Any]]) -> None:
    for link in links:
        assert link["method"] == "PUT"
        put = http.put(link["signed_url"], data=link["key"].encode(), headers=link["headers"], timeout=30)
        assert put.status_code == 200, put.text


def test_a_batch_of_three_signs_links_that_all_upload(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    response = http.post(_batch_url(reference_endpoint), json={"files": FILES}, timeout=30)
    assert response.status_code == 200, response.text
    assert response.headers["Content-Type"] == "application/json"
    assert response.headers["Cache-Control"] == "no-store"
    links = response.json()["signed_urls"]
    assert [link["key"] for link in links] == [f["filekey"] for f in FILES]
    assert links[1]["headers"] == {"content-type": "image/jpeg", "x-amz-meta-site": "north-4"}
    assert set(links[0]) == {"signed_url", "method", "headers", "expires_at", "key"}
    _upload_all(http, links)
    client = seaweed.client()
    for item in FILES:
        head = client.head_object(Bucket=reference_endpoint.bucket, Key=item["filekey"])
        assert head["ContentType"] == item["contentType"]
        assert head["ContentLength"] == len(item["filekey"].encode())
    assert client.head_object(Bucket=reference_endpoint.bucket, Key="batch/photo 1.jpg")["Metadata"] == {
        "site": "north-4"
    }


def test_a_bare_list_is_accepted(reference_endpoint: EndpointFixture, http: requests.Session) -> None:
    response = http.post(_batch_url(reference_endpoint), json=FILES[:2], timeout=30)
    assert response.status_code == 200, response.text
    links = response.json()["signed_urls"]
    assert [link["key"] for link in links] == ["batch/a.txt", "batch/photo 1.jpg"]
    _upload_all(http, links)


def test_one_hundred_files_are_signed_and_one_hundred_and_one_refused(
    reference_endpoint: EndpointFixture, http: requests.Session
) -> None:
    files = [{"filekey": f"many/{i:03d}.txt", "contentType": "text/plain"} for i in range(MAX_BATCH + 1)]
    full = http.post(_batch_url(reference_endpoint), json={"files": files[:MAX_BATCH]}, timeout=30)
    assert full.status_code == 200, full.text
    assert len(full.json()["signed_urls"]) == MAX_BATCH
    too_many = http.post(_batch_url(reference_endpoint), json={"files": files}, timeout=30)
    assert too_many.status_code == 400
    assert too_many.json()["error"] == "too_many_files"
    assert "signed_urls" not in too_many.json()


@pytest.mark.parametrize(
    ("bad", "status", "code"),
    [
        ({"filekey": "../escape.txt", "contentType": "text/plain"}, 400, "invalid_key"),
        ({"filekey": "ok.txt", "contentType": "not a type"}, 400, "invalid_content_type"),
        ({"filekey": "ok.txt"}, 400, "missing_parameter"),
        ({"filekey": 7, "contentType": "text/plain"}, 400, "invalid_body"),
        ({"filekey": "ok.txt", "contentType": "text/plain", "metadata": {"name": "Zoë"}}, 400, "invalid_metadata"),
        ("batch/loose.txt", 400, "invalid_body"),
    ],
)
def test_a_bad_file_refuses_the_whole_batch_and_is_named_by_index(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session, bad: Any, status: int,
    code: str,
) -> None:
    files = [*FILES[:2], bad, FILES[2]]
    response = http.post(_batch_url(reference_endpoint), json={"files": files}, timeout=30)
    assert response.status_code == status
    body = response.json()
    assert (body["error"], body["index"]) == (code, 2)
    assert body["message"].startswith("File 2: ")
    assert "signed_urls" not in body


def test_a_key_outside_the_prefix_is_refused_like_the_single_route(
    reference_endpoint_factory: EndpointFactory, http: requests.Session
) -> None:
    endpoint = reference_endpoint_factory(key_prefix="inbox/")
    files = [{"filekey": "inbox/a.txt", "contentType": "text/plain"},
             {"filekey": "elsewhere/b.txt", "contentType": "text/plain"}]
    response = http.post(_batch_url(endpoint), json=files, timeout=30)
    single = http.get(endpoint.sign_url, params=files[1], timeout=30)
    assert response.status_code == single.status_code == 403
    assert response.json()["error"] == single.json()["error"] == "key_not_allowed"
    assert response.json()["index"] == 1


@pytest.mark.parametrize(
    ("body", "code"),
    [(b"{oops", "invalid_json"), (b"", "invalid_body"), (b'{"files": []}', "invalid_body"),
     (b'{"files": {"a": 1}}', "invalid_body"), (b'"just text"', "invalid_body")],
)
def test_malformed_bodies_are_refused(
    reference_endpoint: EndpointFixture, http: requests.Session, body: bytes, code: str
) -> None:
    response = http.post(_batch_url(reference_endpoint), data=body, headers={"Content-Type": "application/json"},
                         timeout=30)
    assert (response.status_code, response.json()["error"]) == (400, code)


def test_the_token_is_required(reference_endpoint_factory: EndpointFactory, http: requests.Session) -> None:
    endpoint = reference_endpoint_factory(shared_token="batch-token")
    refused = http.post(_batch_url(endpoint), json=FILES, timeout=30)
    assert refused.status_code == 401
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")
    wrong = http.post(_batch_url(endpoint), json=FILES, headers={"x-api-key": "nope"}, timeout=30)
    assert wrong.status_code == 403
    accepted = http.post(_batch_url(endpoint), json=FILES, headers={"Authorization": "Bearer batch-token"},
                         timeout=30)
    assert accepted.status_code == 200
    _upload_all(http, accepted.json()["signed_urls"])


def test_the_classic_route_is_untouched(
    reference_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session
) -> None:
    single = http.get(reference_endpoint.sign_url, params={"filekey": "classic.txt", "contentType": "text/plain"},
                      timeout=30)
    assert single.status_code == 200
    assert set(single.json()) == {"signed_url", "method", "headers", "expires_at", "key"}
    _upload_all(http, [single.json()])
    assert seaweed.client().head_object(Bucket=reference_endpoint.bucket, Key="classic.txt")["ContentLength"] > 0
    assert http.post(reference_endpoint.sign_url, json=FILES, timeout=30).status_code == 405
    wrong_method = http.get(_batch_url(reference_endpoint), timeout=30)
    assert wrong_method.status_code == 405
    assert wrong_method.headers["Allow"] == "POST, OPTIONS"


def test_preflight_allows_post(reference_endpoint: EndpointFixture, http: requests.Session) -> None:
    response = http.options(_batch_url(reference_endpoint), headers={
        "Origin": "https://app.example", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type, authorization"}, timeout=30)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Methods"] == "POST, OPTIONS"


@pytest.mark.parametrize("payload", ["v2", "v2-base64", "v1"])
def test_the_lambda_handler_signs_a_batch(
    seaweed: SeaweedServer, bucket: str, http: requests.Session, payload: str
) -> None:
    config = seaweed_endpoint_config(seaweed, bucket)
    client = make_s3_client(config)
    try:
        handler = make_lambda_handler(config, client)
        body = json.dumps({"files": FILES})
        if payload == "v2":
            event = v2_event("POST", "/sign/batch", body=body, headers={"Content-Type": "application/json"})
        elif payload == "v2-base64":
            event = v2_event("POST", "/prod/sign/batch", body=base64.b64encode(body.encode()).decode(), b64=True,
                             stage="prod")
        else:
            event = v1_event("POST", "/sign/batch", body=body)
        response = handler(event, None)
    finally:
        client.close()
    assert response["statusCode"] == 200, response["body"]
    links = json.loads(response["body"])["signed_urls"]
    assert [link["key"] for link in links] == [f["filekey"] for f in FILES]
    _upload_all(http, links)
    assert seaweed.client().head_object(Bucket=bucket, Key="batch/c.bin")["ContentLength"] == len(b"batch/c.bin")
