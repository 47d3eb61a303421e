"""One key per device: the device table, scopes, revocation, status keys and bound upload ids, without HTTP."""

from __future__ import annotations

import base64
import dataclasses
import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from desktop_uploader.endpoint import handle
from desktop_uploader.endpoint.auth import Caller
from desktop_uploader.endpoint.config import ConfigError
from desktop_uploader.endpoint.devices import (
    TOKEN_PREFIX,
    Device,
    DeviceTable,
    new_token,
    read_table_file,
    token_digest,
    write_table_file,
)

from .conftest import OFFLINE, Call


@dataclass
class Fleet:
    path: Path
    tokens: dict[str, str]

    def headers(self, name: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens[name]}"}

    def set_enabled(self, name: str, enabled: bool) -> None:
        table = read_table_file(self.path).with_enabled(name, enabled)
        write_table_file(self.path, table)
        # A table rewritten within the file system's timestamp granularity must still be seen as new.
        stamp = self.path.stat().st_mtime_ns + 1_000_000_000
        os.utime(self.path, ns=(stamp, stamp))


def device(name: str, token: str, *, prefix: str | None = None, enabled: bool = True) -> Device:
    return Device(name=name, token_sha256=token_digest(token).hex(), prefix=prefix or f"uploads/{name}/",
                  status_key=f"_devices/{name}.json", enabled=enabled)


@pytest.fixture
def fleet(tmp_path: Path) -> Fleet:
    tokens = {"tablet-01": new_token(), "tablet-02": new_token()}
    table = DeviceTable(tuple(device(name, token) for name, token in tokens.items()))
    path = tmp_path / "devices.json"
    write_table_file(path, table)
    return Fleet(path, tokens)


def _sign(call: Call, fleet: Fleet, who: str, key: str, content_type: str = "image/jpeg",
          **overrides: Any) -> tuple[int, dict[str, Any]]:
    options: dict[str, Any] = {"key_prefix": "uploads/", "device_table_file": str(fleet.path), **overrides}
    status, _, body = call(query={"filekey": key, "contentType": content_type}, headers=fleet.headers(who),
                           **options)
    return status, body


# --- the table ------------------------------------------------------------------------------------------


def test_tokens_are_long_random_and_marked() -> None:
    tokens = {new_token() for _ in range(20)}
    assert len(tokens) == 20
    assert all(t.startswith(TOKEN_PREFIX) and len(t) >= len(TOKEN_PREFIX) + 43 for t in tokens)


def test_the_table_file_holds_hashes_not_tokens(fleet: Fleet) -> None:
    text = fleet.path.read_text()
    for token in fleet.tokens.values():
        assert token not in text
        assert token_digest(token).hex() in text
    assert read_table_file(fleet.path).get("tablet-01") == device("tablet-01", fleet.tokens["tablet-01"])


def test_a_missing_table_file_reads_as_empty(tmp_path: Path) -> None:
    assert read_table_file(tmp_path / "none.json") == DeviceTable()


@pytest.mark.parametrize(
    ("change", "mentions"),
    [
        ({"format": "other"}, "desktop-uploader/devices"),
        ({"version": 99}, "newer version"),
        ({"devices": {}}, "'devices' list"),
    ],
)
def test_damaged_tables_are_refused(change: dict[str, Any], mentions: str) -> None:
    raw = {**DeviceTable().to_json(), **change}
    with pytest.raises(ConfigError, match=mentions):
        DeviceTable.parse(raw)


@pytest.mark.parametrize(
    ("entry", "mentions"),
    [
        ({"name": "has space"}, "'name'"),
        ({"token_sha256": "abc"}, "token_sha256"),
        ({"prefix": "uploads/t1"}, "ending in '/'"),
        ({"prefix": "/uploads/t1/"}, "'prefix'"),
        ({"prefix": "uploads/../admin/"}, "'..'"),
        ({"status_key": ""}, "status_key"),
        ({"enabled": "no"}, "'enabled'"),
    ],
)
def test_damaged_entries_are_refused_by_name(entry: dict[str, Any], mentions: str) -> None:
    good = device("t1", "secret-token").to_dict()
    with pytest.raises(ConfigError, match=mentions):
        DeviceTable.parse({**DeviceTable().to_json(), "devices": [{**good, **entry}]})


def test_names_and_tokens_are_unique() -> None:
    one = device("t1", "token-a")
    with pytest.raises(ConfigError, match="twice"):
        DeviceTable.parse({**DeviceTable().to_json(), "devices": [one.to_dict(), device("t1", "token-b").to_dict()]})
    with pytest.raises(ConfigError, match="same token"):
        DeviceTable.parse({**DeviceTable().to_json(), "devices": [one.to_dict(), device("t2", "token-a").to_dict()]})
    with pytest.raises(ConfigError, match="already has a device named"):
        DeviceTable((one,)).added(device("t1", "token-c"))


# --- device keys ----------------------------------------------------------------------------------------


def test_a_device_signs_under_its_own_prefix(call: Call, fleet: Fleet) -> None:
    status, body = _sign(call, fleet, "tablet-01", "uploads/tablet-01/2025-05-01/IMG_0001.JPG")
    assert status == 200, body
    assert body["key"] == "uploads/tablet-01/2025-05-01/IMG_0001.JPG"


@pytest.mark.parametrize("key", ["uploads/tablet-02/IMG_0001.JPG", "uploads/other.jpg", "elsewhere/x.jpg",
                                 "uploads/tablet-01-evil/x.jpg"])
def test_a_device_is_refused_outside_its_prefix_with_a_clear_answer(call: Call, fleet: Fleet, key: str) -> None:
    status, body = _sign(call, fleet, "tablet-01", key)
    assert (status, body["error"]) == (403, "key_not_allowed")
    assert body["message"] == "Device 'tablet-01' may only upload under 'uploads/tablet-01/'."


def test_a_revoked_device_is_told_so_and_the_others_keep_working(call: Call, fleet: Fleet) -> None:
    fleet.set_enabled("tablet-02", False)
    status, body = _sign(call, fleet, "tablet-02", "uploads/tablet-02/a.jpg")
    assert (status, body["error"]) == (403, "device_revoked")
    assert "tablet-02" in body["message"] and "revoked" in body["message"]
    assert _sign(call, fleet, "tablet-01", "uploads/tablet-01/a.jpg")[0] == 200


def test_revocation_takes_effect_without_a_restart(call: Call, fleet: Fleet, offline_s3: Any) -> None:
    # One configuration for both requests, as a running server has: the table is read again when it changes.
    config = dataclasses.replace(OFFLINE, key_prefix="uploads/", device_table_file=str(fleet.path))
    query = {"filekey": "uploads/tablet-02/a.jpg", "contentType": "image/jpeg"}
    assert handle("GET", "/sign", query, fleet.headers("tablet-02"), b"", config, offline_s3)[0] == 200
    fleet.set_enabled("tablet-02", False)
    status, _, body = handle("GET", "/sign", query, fleet.headers("tablet-02"), b"", config, offline_s3)
    assert (status, body["error"]) == (403, "device_revoked")
    fleet.set_enabled("tablet-02", True)
    assert handle("GET", "/sign", query, fleet.headers("tablet-02"), b"", config, offline_s3)[0] == 200


def test_unknown_and_missing_tokens(call: Call, fleet: Fleet) -> None:
    query = {"filekey": "uploads/x.jpg", "contentType": "image/jpeg"}
    status, headers, body = call(query=query, device_table_file=str(fleet.path))
    assert (status, body["error"]) == (401, "unauthorized")
    assert headers["WWW-Authenticate"].startswith("Bearer")
    status, _, body = call(query=query, headers={"x-api-key": new_token()}, device_table_file=str(fleet.path))
    assert (status, body["error"]) == (403, "forbidden")


def test_x_api_key_works_as_well_as_bearer(call: Call, fleet: Fleet) -> None:
    status, _, body = call(query={"filekey": "uploads/tablet-01/a.jpg", "contentType": "image/jpeg"},
                           headers={"x-api-key": fleet.tokens["tablet-01"]}, key_prefix="uploads/",
                           device_table_file=str(fleet.path))
    assert status == 200, body


def test_the_shared_token_works_beside_device_keys(call: Call, fleet: Fleet) -> None:
    status, _, body = call(query={"filekey": "uploads/tablet-02/a.jpg", "contentType": "image/jpeg"},
                           headers={"Authorization": "Bearer shared-secret-token"}, key_prefix="uploads/",
                           device_table_file=str(fleet.path), shared_token="shared-secret-token")
    assert status == 200, body


def test_an_unreadable_table_refuses_everyone(call: Call, fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    fleet.path.write_text('{"format": "desktop-uploader/devices", "version": 1, "devices": [')
    with caplog.at_level(logging.ERROR):
        status, body = _sign(call, fleet, "tablet-01", "uploads/tablet-01/a.jpg")
    assert (status, body["error"]) == (500, "config_error")
    assert "device table" in caplog.text
    fleet.path.unlink()
    assert _sign(call, fleet, "tablet-01", "uploads/tablet-01/a.jpg")[0] == 500


def test_a_device_prefix_outside_the_endpoint_prefix_is_a_configuration_error(call: Call, fleet: Fleet) -> None:
    status, body = _sign(call, fleet, "tablet-01", "uploads/tablet-01/a.jpg", key_prefix="incoming/")
    assert (status, body["error"]) == (500, "config_error")


def test_tokens_never_reach_answers_or_logs(call: Call, fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    fleet.set_enabled("tablet-02", False)
    with caplog.at_level(logging.DEBUG):
        answers = [_sign(call, fleet, who, key) for who, key in
                   (("tablet-01", "uploads/tablet-01/a.jpg"), ("tablet-01", "x/y.jpg"), ("tablet-02", "a.jpg"))]
    text = json.dumps(answers) + caplog.text
    assert not [t for t in fleet.tokens.values() if t in text]


# --- status objects -------------------------------------------------------------------------------------


def test_a_device_may_write_its_own_status_object_as_json(call: Call, fleet: Fleet) -> None:
    status, body = _sign(call, fleet, "tablet-01", "_devices/tablet-01.json", "application/json", no_overwrite=True)
    assert status == 200, body
    # Status objects are rewritten every few minutes, so they are never signed as write-once.
    assert "if-none-match" not in body["headers"]
    status, body = _sign(call, fleet, "tablet-01", "_devices/tablet-01.json", "image/jpeg")
    assert (status, body["error"]) == (403, "content_type_not_allowed")


def test_a_device_may_not_write_another_devices_status(call: Call, fleet: Fleet) -> None:
    status, body = _sign(call, fleet, "tablet-01", "_devices/tablet-02.json", "application/json")
    assert (status, body["error"]) == (403, "key_not_allowed")


def test_the_shared_token_may_write_any_status_name_under_the_status_prefix(call: Call) -> None:
    query = {"filekey": "_devices/0b6f7c1e-4f0c-4a54-9a83-3d2b1c0e9f11.json", "contentType": "application/json"}
    assert call(query=query, key_prefix="uploads/")[0] == 200
    for key in ("_devices/sub/x.json", "_devices/x.txt", "_devices/.json"):
        status, _, body = call(query={**query, "filekey": key}, key_prefix="uploads/")
        assert (status, body["error"]) == (403, "key_not_allowed"), key
    status, _, body = call(query=query, key_prefix="uploads/", status_prefix="")
    assert (status, body["error"]) == (403, "key_not_allowed")


def test_companion_status_forms_keep_their_name_and_stay_small(call: Call, fleet: Fleet) -> None:
    status, _, body = call(path="/s3/params", query={"filename": "_devices/tablet-01.json", "type": "application/json"},
                           headers=fleet.headers("tablet-01"), key_prefix="uploads/",
                           device_table_file=str(fleet.path))
    assert status == 200, body
    assert body["fields"]["key"] == "_devices/tablet-01.json"
    policy = json.loads(base64.b64decode(body["fields"]["policy"]))
    assert ["content-length-range", 0, 64 * 1024] in policy["conditions"]
    status, _, body = call(path="/s3/params", query={"filename": "photo.jpg", "type": "image/jpeg"},
                           headers=fleet.headers("tablet-01"), key_prefix="uploads/",
                           device_table_file=str(fleet.path))
    assert body["fields"]["key"].startswith("uploads/tablet-01/")


# --- no overwriting, prefix boundary --------------------------------------------------------------------


def test_no_overwrite_signs_if_none_match_into_the_link(call: Call) -> None:
    status, _, body = call(query={"filekey": "a.txt", "contentType": "text/plain"}, no_overwrite=True)
    assert status == 200, body
    assert body["headers"] == {"content-type": "text/plain", "if-none-match": "*"}
    signed = parse_qs(urlsplit(body["signed_url"]).query)["X-Amz-SignedHeaders"][0].split(";")
    assert "if-none-match" in signed


def test_batches_are_signed_no_overwrite_too(call: Call) -> None:
    files = [{"filekey": "a.txt", "contentType": "text/plain"}, {"filekey": "b.txt", "contentType": "text/plain"}]
    status, _, body = call(method="POST", path="/sign/batch", body={"files": files}, no_overwrite=True)
    assert status == 200, body
    assert [link["headers"]["if-none-match"] for link in body["signed_urls"]] == ["*", "*"]


def test_a_prefix_without_a_slash_ends_at_a_folder_boundary(call: Call) -> None:
    status, _, body = call(query={"filekey": "uploads-admin/x.txt", "contentType": "text/plain"}, key_prefix="uploads")
    assert (status, body["error"]) == (403, "key_not_allowed")
    assert "'uploads/'" in body["message"]
    assert call(query={"filekey": "uploads/x.txt", "contentType": "text/plain"}, key_prefix="uploads")[0] == 200


# --- bound upload ids -----------------------------------------------------------------------------------


def test_an_upload_id_only_works_for_the_token_and_key_it_was_given_for(call: Call, fleet: Fleet) -> None:
    key = "uploads/tablet-01/0123456789abcdef0123456789abcdef/video.mp4"
    mine = Caller(prefix="uploads/tablet-01/", status_prefix="_devices/",
                  binding_key=token_digest(fleet.tokens["tablet-01"])).bind("S3-UPLOAD-1", key)
    options: dict[str, Any] = {"key_prefix": "uploads/", "device_table_file": str(fleet.path)}
    status, _, body = call(path=f"/s3/multipart/{mine}/1", query={"key": key}, headers=fleet.headers("tablet-01"),
                           **options)
    assert status == 200, body
    assert parse_qs(urlsplit(body["url"]).query)["uploadId"] == ["S3-UPLOAD-1"]

    other_key = "uploads/tablet-01/0123456789abcdef0123456789abcdef/other.mp4"
    for upload_id, query in ((mine, {"key": other_key}), ("S3-UPLOAD-1", {"key": key}),
                             (mine.replace("~", "~x"), {"key": key})):
        status, _, body = call(path=f"/s3/multipart/{upload_id}/1", query=query, headers=fleet.headers("tablet-01"),
                               **options)
        assert (status, body["error"]) == (403, "upload_not_yours"), upload_id

    # The shared token holder cannot use the device's upload either.
    status, _, body = call(path=f"/s3/multipart/{mine}/1", query={"key": key},
                           headers={"x-api-key": "shared-secret-token"}, shared_token="shared-secret-token", **options)
    assert (status, body["error"]) == (403, "upload_not_yours")


# --- secrets fetched at run time (the deployed function) ------------------------------------------------


@pytest.fixture
def secrets_stub() -> Any:
    import boto3
    from botocore.stub import Stubber

    client = boto3.session.Session(aws_access_key_id="AKIDEXAMPLE", aws_secret_access_key="example-secret",
                                   region_name="eu-west-1").client("secretsmanager")
    with Stubber(client) as stubber:
        yield client, stubber
        stubber.assert_no_pending_responses()


def _secret(stubber: Any, secret_id: str, text: str) -> None:
    stubber.add_response("get_secret_value", {"SecretString": text, "Name": secret_id}, {"SecretId": secret_id})


def test_the_shared_token_comes_from_its_secret_and_is_kept_for_the_ttl(secrets_stub: Any, offline_s3: Any) -> None:
    client, stubber = secrets_stub
    _secret(stubber, "arn:token", "first-token")
    config = dataclasses.replace(OFFLINE, shared_token_secret="arn:token", secret_ttl=3600, secrets_client=client)
    query = {"filekey": "a.txt", "contentType": "text/plain"}
    for _ in range(3):  # one fetch serves every request within the TTL
        assert handle("GET", "/sign", query, {"x-api-key": "first-token"}, b"", config, offline_s3)[0] == 200
    assert handle("GET", "/sign", query, {}, b"", config, offline_s3)[0] == 401


def test_a_rotated_token_is_picked_up_after_the_ttl(secrets_stub: Any, offline_s3: Any) -> None:
    client, stubber = secrets_stub
    _secret(stubber, "arn:token", "first-token")
    _secret(stubber, "arn:token", "second-token")
    config = dataclasses.replace(OFFLINE, shared_token_secret="arn:token", secret_ttl=0, secrets_client=client)
    query = {"filekey": "a.txt", "contentType": "text/plain"}
    assert handle("GET", "/sign", query, {"x-api-key": "first-token"}, b"", config, offline_s3)[0] == 200
    assert handle("GET", "/sign", query, {"x-api-key": "first-token"}, b"", config, offline_s3)[0] == 403


def test_an_unreachable_secret_refuses_with_503(secrets_stub: Any, offline_s3: Any,
                                                  caplog: pytest.LogCaptureFixture) -> None:
    client, stubber = secrets_stub
    stubber.add_client_error("get_secret_value", "AccessDeniedException", http_status_code=400)
    config = dataclasses.replace(OFFLINE, shared_token_secret="arn:token", secrets_client=client)
    status, _, body = handle("GET", "/sign", {"filekey": "a.txt", "contentType": "text/plain"},
                             {"x-api-key": "any-token"}, b"", config, offline_s3)
    assert (status, body["error"]) == (503, "auth_unavailable")
    assert "AccessDeniedException" in caplog.text and "any-token" not in caplog.text


def test_the_device_table_can_live_in_a_secret(secrets_stub: Any, offline_s3: Any) -> None:
    client, stubber = secrets_stub
    token = new_token()
    table = DeviceTable((device("t1", token),))
    _secret(stubber, "arn:devices", json.dumps(table.to_json()))
    config = dataclasses.replace(OFFLINE, key_prefix="uploads/", device_table_secret="arn:devices",
                                 secrets_client=client)
    query = {"filekey": "uploads/t1/a.jpg", "contentType": "image/jpeg"}
    assert handle("GET", "/sign", query, {"x-api-key": token}, b"", config, offline_s3)[0] == 200
