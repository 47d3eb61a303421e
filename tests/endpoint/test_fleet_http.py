"""Device keys, write-once links, bound upload ids and the prefix boundary, over real HTTP against SeaweedFS."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_uploader.core.config import Profile
from desktop_uploader.core.explain import explain
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.models import UploadTarget
from desktop_uploader.core.secrets import SecretStore, header_field
from desktop_uploader.core.signers.endpoint import EndpointSigner
from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.endpoint.devices import Device, DeviceTable, new_token, token_digest, write_table_file
from tests.plugins.endpoint import EndpointFactory, EndpointFixture

PART = 5 * 1024 * 1024


@pytest.fixture
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture
def tokens() -> dict[str, str]:
    return {"tablet-01": new_token(), "tablet-02": new_token()}


@pytest.fixture
def fleet_endpoint(reference_endpoint_factory: EndpointFactory, tmp_path: Path,
                   tokens: dict[str, str]) -> EndpointFixture:
    table = DeviceTable(tuple(
        Device(name=name, token_sha256=token_digest(token).hex(), prefix=f"uploads/{name}/",
               status_key=f"_devices/{name}.json") for name, token in tokens.items()))
    path = tmp_path / "devices.json"
    write_table_file(path, table)
    return reference_endpoint_factory(key_prefix="uploads", device_table_file=str(path), no_overwrite=True,
                                      shared_token="shared-admin-token-0123456789")


def _sign(http: requests.Session, endpoint: EndpointFixture, token: str, key: str,
          content_type: str = "image/jpeg") -> requests.Response:
    return http.get(endpoint.sign_url, params={"filekey": key, "contentType": content_type},
                    headers={"x-api-key": token}, timeout=30)


def _put(http: requests.Session, link: dict[str, Any], data: bytes) -> requests.Response:
    return http.put(link["signed_url"], data=data, headers=link["headers"], timeout=30)


def test_a_write_once_link_cannot_replace_an_existing_object(
    fleet_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session, tokens: dict[str, str]
) -> None:
    key = "uploads/tablet-01/IMG_0001.JPG"
    first = _sign(http, fleet_endpoint, tokens["tablet-01"], key).json()
    assert first["headers"]["if-none-match"] == "*"
    assert _put(http, first, b"original").status_code == 200
    again = _sign(http, fleet_endpoint, tokens["tablet-01"], key).json()
    refused = _put(http, again, b"replacement")
    assert refused.status_code == 412, refused.text
    assert "<Code>PreconditionFailed</Code>" in refused.text
    # Leaving the condition out breaks the signature rather than getting around it.
    dropped = http.put(again["signed_url"], data=b"replacement", headers={"content-type": "image/jpeg"}, timeout=30)
    assert dropped.status_code == 403, dropped.text
    stored = seaweed.client().get_object(Bucket=fleet_endpoint.bucket, Key=key)["Body"].read()
    assert stored == b"original"


def test_a_device_rewrites_its_status_but_nobody_elses(
    fleet_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session, tokens: dict[str, str]
) -> None:
    for version in (b'{"v": 1}', b'{"v": 2}'):
        link = _sign(http, fleet_endpoint, tokens["tablet-01"], "_devices/tablet-01.json", "application/json")
        assert link.status_code == 200, link.text
        assert _put(http, link.json(), version).status_code == 200
    stored = seaweed.client().get_object(Bucket=fleet_endpoint.bucket, Key="_devices/tablet-01.json")
    assert stored["Body"].read() == b'{"v": 2}'
    other = _sign(http, fleet_endpoint, tokens["tablet-01"], "_devices/tablet-02.json", "application/json")
    assert (other.status_code, other.json()["error"]) == (403, "key_not_allowed")


def test_the_prefix_ends_at_a_folder_boundary(fleet_endpoint: EndpointFixture, http: requests.Session,
                                              tokens: dict[str, str]) -> None:
    # UPLOAD_KEY_PREFIX was given as "uploads", without the slash.
    shared = "shared-admin-token-0123456789"
    assert _sign(http, fleet_endpoint, shared, "uploads/x.jpg").status_code == 200
    refused = _sign(http, fleet_endpoint, shared, "uploads-admin/x.jpg")
    assert (refused.status_code, refused.json()["error"]) == (403, "key_not_allowed")
    sibling = _sign(http, fleet_endpoint, tokens["tablet-01"], "uploads/tablet-01x/a.jpg")
    assert (sibling.status_code, sibling.json()["error"]) == (403, "key_not_allowed")


def test_a_device_key_outside_its_prefix_is_refused_and_the_app_explains_it(
        fleet_endpoint: EndpointFixture, http: requests.Session, tokens: dict[str, str],
        memory_keyring: object) -> None:
    profile = Profile(name="t1", endpoint_url=fleet_endpoint.sign_url, secret_headers=["x-api-key"])
    store = SecretStore()
    store.set("t1", header_field("x-api-key"), tokens["tablet-01"])
    signer = EndpointSigner(profile, http, store)
    assert signer.sign_put(UploadTarget("uploads/tablet-01/ok.jpg", "image/jpeg", 3)).url
    with pytest.raises(UploadError) as info:
        signer.sign_put(UploadTarget("uploads/tablet-02/IMG_0001.JPG", "image/jpeg", 3))
    explanation = explain(info.value.failure)
    assert explanation.code == "Endpoint.key_not_allowed"
    assert "'uploads/tablet-02/IMG_0001.JPG'" in explanation.cause
    assert "Device 'tablet-01' may only upload under 'uploads/tablet-01/'." in explanation.cause
    assert tokens["tablet-01"] not in str(info.value.failure.to_dict())


def test_an_upload_id_is_bound_to_the_key_and_token_that_started_it(
    fleet_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session, tokens: dict[str, str]
) -> None:
    base = fleet_endpoint.url + "/s3/multipart"
    mine, theirs = ({"x-api-key": tokens[name]} for name in ("tablet-01", "tablet-02"))
    created = http.post(base, json={"filename": "movie.bin"}, headers=mine, timeout=30).json()
    key, upload_id = created["key"], created["uploadId"]
    assert key.startswith("uploads/tablet-01/")
    assert "~" in upload_id

    # Another device's key cannot sign parts for it, list it or abort it, even knowing the id.
    for method, path, params in (("GET", f"{base}/{upload_id}/1", {"key": key}),
                                 ("GET", f"{base}/{upload_id}", {"key": key}),
                                 ("DELETE", f"{base}/{upload_id}", {"key": key})):
        answer = http.request(method, path, params=params, headers=theirs, timeout=30)
        assert answer.status_code == 403, (method, path, answer.text)
    # Nor can the bare storage id, or the id with another key under the same prefix.
    bare = upload_id.rpartition("~")[0]
    assert http.get(f"{base}/{bare}/1", params={"key": key}, headers=mine, timeout=30).json()["error"] == \
        "upload_not_yours"
    other_key = key.rsplit("/", 1)[0] + "/other.bin"
    assert http.get(f"{base}/{upload_id}/1", params={"key": other_key}, headers=mine, timeout=30).status_code == 403

    part = http.get(f"{base}/{upload_id}/1", params={"key": key}, headers=mine, timeout=30).json()["url"]
    data = os.urandom(1024)
    put = http.put(part, data=data, timeout=60)
    assert put.status_code == 200, put.text
    done = http.post(f"{base}/{upload_id}/complete", params={"key": key}, headers=mine,
                     json={"parts": [{"PartNumber": 1, "ETag": put.headers["ETag"]}]}, timeout=60)
    assert done.status_code == 200, done.text
    assert seaweed.client().get_object(Bucket=fleet_endpoint.bucket, Key=key)["Body"].read() == data


def test_a_write_once_multipart_upload_cannot_complete_over_an_existing_object(
    fleet_endpoint: EndpointFixture, seaweed: SeaweedServer, http: requests.Session, tokens: dict[str, str]
) -> None:
    base = fleet_endpoint.url + "/s3/multipart"
    mine = {"x-api-key": tokens["tablet-01"]}
    created = http.post(base, json={"filename": "movie.bin"}, headers=mine, timeout=30).json()
    key, upload_id = created["key"], created["uploadId"]
    part = http.get(f"{base}/{upload_id}/1", params={"key": key}, headers=mine, timeout=30).json()["url"]
    put = http.put(part, data=b"multipart bytes", timeout=60)
    # Something else lands on the key meanwhile (it cannot through this endpoint: keys are generated).
    seaweed.client().put_object(Bucket=fleet_endpoint.bucket, Key=key, Body=b"first")
    done = http.post(f"{base}/{upload_id}/complete", params={"key": key}, headers=mine,
                     json={"parts": [{"PartNumber": 1, "ETag": put.headers["ETag"]}]}, timeout=60)
    assert (done.status_code, done.json()["error"]) == (409, "object_exists")
    assert seaweed.client().get_object(Bucket=fleet_endpoint.bucket, Key=key)["Body"].read() == b"first"
