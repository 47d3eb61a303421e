"""The Lambda entry point with API Gateway REST (payload 1.0) and HTTP API (payload 2.0) events."""

from __future__ import annotations

import base64
import dataclasses
import json
from collections.abc import Iterator
from typing import Any, cast

import pytest
from botocore.client import BaseClient
from botocore.stub import ANY, Stubber

from desktop_uploader.endpoint import S3Client, lambda_handler, make_lambda_handler
from desktop_uploader.endpoint.auth import Caller

from .conftest import OFFLINE


def v1_event(
    method: str = "GET",
    path: str = "/sign",
    query: dict[str, str] | None = None,
    multi: dict[str, list[str]] | None = None,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    b64: bool = False,
) -> dict[str, Any]:
    return {
        "resource": "/{proxy+}",
        "path": path,
        "httpMethod": method,
        "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in (headers or {}).items()} or None,
        "queryStringParameters": query,
        "multiValueQueryStringParameters": multi
        if multi is not None
        else ({k: [v] for k, v in query.items()} if query else None),
        "requestContext": {"stage": "prod", "path": f"/prod{path}", "httpMethod": method},
        "body": body,
        "isBase64Encoded": b64,
    }


def v2_event(
    method: str = "GET",
    raw_path: str = "/sign",
    raw_query: str = "",
    headers: dict[str, str] | None = None,
    body: str | None = None,
    b64: bool = False,
    stage: str = "$default",
) -> dict[str, Any]:
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": f"{method} {raw_path}",
        "rawPath": raw_path,
        "rawQueryString": raw_query,
        "headers": {k.lower(): v for k, v in (headers or {}).items()},
        "requestContext": {"http": {"method": method, "path": raw_path}, "stage": stage},
        "isBase64Encoded": b64,
    }
    if body is not None:
        event["body"] = body
    return event


@pytest.fixture
def handler(offline_s3: S3Client) -> Any:
    return make_lambda_handler(OFFLINE, offline_s3)


def _body(response: dict[str, Any]) -> Any:
    assert set(response) >= {"statusCode", "headers", "body"}
    assert response["headers"]["Content-Type"] == "application/json"
    assert "Access-Control-Allow-Origin" in response["headers"]
    return json.loads(response["body"])


def test_rest_api_event(handler: Any) -> None:
    response = handler(v1_event(query={"filekey": "a b.txt", "contentType": "text/plain"}), None)
    assert response["statusCode"] == 200
    body = _body(response)
    assert body["key"] == "a b.txt"
    assert "/uploads-bucket/a%20b.txt?" in body["signed_url"]


def test_rest_api_event_without_any_query_is_400(handler: Any) -> None:
    response = handler(v1_event(query=None), None)
    assert response["statusCode"] == 400
    assert _body(response)["error"] == "missing_parameter"


def test_rest_api_repeated_parameter_is_refused(handler: Any) -> None:
    event = v1_event(
        query={"filekey": "b", "contentType": "text/plain"},
        multi={"filekey": ["a", "b"], "contentType": ["text/plain"]},
    )
    response = handler(event, None)
    assert (response["statusCode"], _body(response)["error"]) == (400, "duplicate_parameter")


def test_rest_api_headers_are_case_insensitive(offline_s3: S3Client) -> None:
    handler = make_lambda_handler(dataclasses.replace(OFFLINE, shared_token="tok"), offline_s3)
    query = {"filekey": "a", "contentType": "text/plain"}
    assert handler(v1_event(query=query, headers={"AUTHORIZATION": "Bearer tok"}), None)["statusCode"] == 200
    assert handler(v1_event(query=query, headers={"X-API-Key": "tok"}), None)["statusCode"] == 200
    assert handler(v1_event(query=query, headers={"X-API-Key": "nope"}), None)["statusCode"] == 403
    assert handler(v1_event(query=query), None)["statusCode"] == 401


def test_http_api_event_with_raw_query(handler: Any) -> None:
    response = handler(v2_event(raw_query="filekey=dir%2Fa%26b.txt&contentType=text%2Fplain&meta-x=1"), None)
    assert response["statusCode"] == 200
    body = _body(response)
    assert body["key"] == "dir/a&b.txt"
    assert body["headers"]["x-amz-meta-x"] == "1"


def test_http_api_named_stage_is_stripped(handler: Any) -> None:
    query = "filekey=a&contentType=text%2Fplain"
    for raw_path in ("/prod", "/prod/", "/prod/sign"):
        response = handler(v2_event(raw_path=raw_path, raw_query=query, stage="prod"), None)
        assert response["statusCode"] == 200, (raw_path, response)


def test_http_api_event_without_raw_query_uses_parameters(handler: Any) -> None:
    event = v2_event()
    del event["rawQueryString"]
    event["queryStringParameters"] = {"filekey": "a", "contentType": "text/plain"}
    assert handler(event, None)["statusCode"] == 200


def test_http_api_bad_percent_encoding_is_400(handler: Any) -> None:
    response = handler(v2_event(raw_query="filekey=%ff&contentType=text%2Fplain"), None)
    assert (response["statusCode"], _body(response)["error"]) == (400, "invalid_query")


@pytest.fixture
def stub(offline_s3: S3Client) -> Iterator[Stubber]:
    with Stubber(cast(BaseClient, offline_s3)) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


@pytest.mark.parametrize("version", ["1.0", "2.0"])
def test_base64_json_body(handler: Any, stub: Stubber, version: str) -> None:
    stub.add_response(
        "create_multipart_upload",
        {"UploadId": "up-1"},
        {"Bucket": "uploads-bucket", "Key": ANY, "ContentType": "video/mp4"},
    )
    raw = base64.b64encode(json.dumps({"filename": "clip.mp4", "type": "video/mp4"}).encode()).decode()
    if version == "1.0":
        event = v1_event(method="POST", path="/s3/multipart", body=raw, b64=True)
    else:
        event = v2_event(method="POST", raw_path="/s3/multipart", body=raw, b64=True)
    response = handler(event, None)
    assert response["statusCode"] == 200, response
    body = _body(response)
    assert body["uploadId"] == Caller(prefix="", status_prefix="_devices/").bind("up-1", body["key"])


def test_plain_json_body(handler: Any, stub: Stubber) -> None:
    stub.add_response("abort_multipart_upload", {}, None)
    stub.add_response("complete_multipart_upload", {"Location": "http://s3/x"}, None)
    bound = Caller(prefix="", status_prefix="_devices/").bind("up-1", "a.bin")
    event = v2_event(
        method="POST",
        raw_path=f"/s3/multipart/{bound}/complete",
        raw_query="key=a.bin",
        body=json.dumps({"parts": [{"PartNumber": 1, "ETag": '"e"'}]}),
    )
    delete = v1_event(method="DELETE", path=f"/s3/multipart/{bound}", query={"key": "a.bin"})
    assert handler(delete, None)["statusCode"] == 200
    response = handler(event, None)
    assert (response["statusCode"], _body(response)) == (200, {"location": "http://s3/x"})


def test_invalid_base64_body_is_400(handler: Any) -> None:
    response = handler(v2_event(method="POST", raw_path="/s3/multipart", body="***", b64=True), None)
    assert response["statusCode"] == 400
    assert json.loads(response["body"])["error"] == "invalid_body"


def test_preflight_has_an_empty_body(handler: Any) -> None:
    response = handler(v2_event(method="OPTIONS", raw_path="/s3/params"), None)
    assert response["statusCode"] == 204
    assert response["body"] == ""
    assert response["headers"]["Access-Control-Allow-Methods"] == "GET, OPTIONS"


def test_missing_configuration_is_a_clear_500() -> None:
    handler = make_lambda_handler(env={"SHARED_TOKEN": "do-not-leak"})
    response = handler(v2_event(raw_query="filekey=a&contentType=text%2Fplain"), None)
    assert response["statusCode"] == 500
    body = json.loads(response["body"])
    assert body["error"] == "config_error"
    assert "UPLOAD_BUCKET" in body["message"]
    assert "do-not-leak" not in response["body"]


def test_configuration_is_read_from_env_once(monkeypatch: pytest.MonkeyPatch) -> None:
    env = {
        "UPLOAD_BUCKET": "env-bucket",
        "S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "AWS_ACCESS_KEY_ID": "AKIDENVFAKE",
        "AWS_SECRET_ACCESS_KEY": "envsecretenvsecret",
        "AWS_REGION": "eu-west-1",
        "S3_ADDRESSING_STYLE": "path",
    }
    for name in ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    handler = make_lambda_handler()
    response = handler(v2_event(raw_query="filekey=a&contentType=text%2Fplain"), None)
    assert response["statusCode"] == 200, response
    url = json.loads(response["body"])["signed_url"]
    assert url.startswith("http://127.0.0.1:9/env-bucket/a?")
    assert "AKIDENVFAKE%2F" in url and "eu-west-1" in url
    monkeypatch.setenv("UPLOAD_BUCKET", "changed")
    again = json.loads(handler(v2_event(raw_query="filekey=a&contentType=text%2Fplain"), None)["body"])
    assert again["signed_url"].startswith("http://127.0.0.1:9/env-bucket/")


def test_module_level_handler_is_a_callable() -> None:
    assert callable(lambda_handler)


def test_client_setup_failure_is_a_500(monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    def broken(config: object) -> S3Client:
        raise ValueError("region 'x y' is invalid")

    monkeypatch.setattr("desktop_uploader.endpoint.handler.make_s3_client", broken)
    handler = make_lambda_handler(env={"UPLOAD_BUCKET": "b"})
    response = handler(v2_event(raw_query="filekey=a&contentType=text%2Fplain"), None)
    assert response["statusCode"] == 500
    assert json.loads(response["body"])["error"] == "config_error"
    assert "x y" not in response["body"]
