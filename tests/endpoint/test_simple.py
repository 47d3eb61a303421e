"""The simple protocol and the shared routing, token and CORS rules, called without HTTP."""

from __future__ import annotations

import time
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from botocore.exceptions import NoCredentialsError

from desktop_uploader.endpoint.handler import resolve

from .conftest import FAKE_ACCESS_KEY, Call


def _signed(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)


def test_sign_returns_link_method_headers_expiry_and_key(call: Call) -> None:
    before = int(time.time())
    status, headers, body = call(query={"filekey": "photos/cat.jpg", "contentType": "image/jpeg"})
    assert status == 200
    assert headers["Content-Type"] == "application/json"
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Cache-Control"] == "no-store"
    assert set(body) == {"signed_url", "method", "headers", "expires_at", "key"}
    assert body["method"] == "PUT"
    assert body["key"] == "photos/cat.jpg"
    assert body["headers"] == {"content-type": "image/jpeg"}
    parts = urlsplit(body["signed_url"])
    assert parts.path == "/uploads-bucket/photos/cat.jpg"
    query = _signed(body["signed_url"])
    assert query["X-Amz-SignedHeaders"] == ["content-type;host"]
    assert query["X-Amz-Credential"][0].startswith(FAKE_ACCESS_KEY + "/")
    assert query["X-Amz-Expires"] == ["900"]
    assert before - 2 <= body["expires_at"] - 900 <= int(time.time()) + 1


@pytest.mark.parametrize("path", ["/", "", "/sign", "/sign/", "/prod/sign", "/v1/api/sign"])
def test_sign_is_served_at_root_and_any_path_ending_in_sign(call: Call, path: str) -> None:
    status, _, body = call(path=path, query={"filekey": "a.txt", "contentType": "text/plain"})
    assert status == 200, body
    assert body["key"] == "a.txt"


def test_acl_is_signed_as_a_header_not_put_in_the_link(call: Call) -> None:
    status, _, body = call(query={"filekey": "a.txt", "contentType": "text/plain"}, acl="public-read")
    assert status == 200
    assert body["headers"] == {"content-type": "text/plain", "x-amz-acl": "public-read"}
    query = _signed(body["signed_url"])
    assert query["X-Amz-SignedHeaders"] == ["content-type;host;x-amz-acl"]
    assert "public-read" not in body["signed_url"]


def test_metadata_parameters_become_signed_headers(call: Call) -> None:
    status, _, body = call(
        query={"filekey": "a.txt", "contentType": "text/plain", "meta-Author": "Ada", "meta-rev": "3"}
    )
    assert status == 200, body
    assert body["headers"] == {
        "content-type": "text/plain",
        "x-amz-meta-author": "Ada",
        "x-amz-meta-rev": "3",
    }
    assert _signed(body["signed_url"])["X-Amz-SignedHeaders"] == ["content-type;host;x-amz-meta-author;x-amz-meta-rev"]


@pytest.mark.parametrize(
    "meta",
    [
        {"meta-name": "Zoë"},
        {"meta-bad name": "x"},
        {"meta-": "x"},
        {"meta-x": " padded"},
        {"meta-x": "a" * 2100},
    ],
)
def test_invalid_metadata_is_refused(call: Call, meta: dict[str, str]) -> None:
    status, _, body = call(query={"filekey": "a.txt", "contentType": "text/plain", **meta})
    assert (status, body["error"]) == (400, "invalid_metadata")


def test_expiry_follows_the_setting(call: Call) -> None:
    status, _, body = call(query={"filekey": "a", "contentType": "text/plain"}, expires=60)
    assert status == 200
    assert _signed(body["signed_url"])["X-Amz-Expires"] == ["60"]
    assert abs(body["expires_at"] - (time.time() + 60)) < 5


@pytest.mark.parametrize(
    ("query", "code"),
    [
        ({}, "missing_parameter"),
        ({"filekey": "a.txt"}, "missing_parameter"),
        ({"contentType": "text/plain"}, "missing_parameter"),
        ({"filekey": "", "contentType": "text/plain"}, "missing_parameter"),
        ({"filekey": "a.txt", "contentType": ""}, "missing_parameter"),
        ({"filekey": "a.txt", "contentType": "plain"}, "invalid_content_type"),
        ({"filekey": "a.txt", "contentType": "text/plain\r\nx-amz-acl: public-read"}, "invalid_content_type"),
        ({"filekey": "a.txt", "contentType": "text/plain "}, "invalid_content_type"),
        ({"filekey": "a.txt", "contentType": "text/" + "x" * 300}, "invalid_content_type"),
    ],
)
def test_missing_or_invalid_parameters_are_400(call: Call, query: dict[str, str], code: str) -> None:
    status, headers, body = call(query=query)
    assert status == 400
    assert body["error"] == code
    assert body["message"].endswith(".")
    assert headers["Content-Type"] == "application/json"


@pytest.mark.parametrize(
    "key",
    [
        "../etc/passwd",
        "a/../b",
        "a/..",
        "./a",
        "a/./b",
        "/absolute",
        "folder/",
        "a\x00b",
        "a\nb",
        "a\tb",
        "a\x7fb",
        "a\x85b",
        "x" * 1025,
        "é" * 513,
    ],
)
def test_bad_keys_are_400(call: Call, key: str) -> None:
    status, _, body = call(query={"filekey": key, "contentType": "text/plain"})
    assert (status, body["error"]) == (400, "invalid_key")


def test_key_of_exactly_1024_bytes_is_accepted(call: Call) -> None:
    key = "é" * 511 + "xx"
    assert len(key.encode()) == 1024
    status, _, body = call(query={"filekey": key, "contentType": "text/plain"})
    assert status == 200
    assert body["key"] == key


def test_keys_with_dots_inside_names_are_fine(call: Call) -> None:
    status, _, body = call(query={"filekey": "a/..hidden/b..c/.profile", "contentType": "text/plain"})
    assert status == 200
    assert unquote(urlsplit(body["signed_url"]).path) == "/uploads-bucket/a/..hidden/b..c/.profile"


def test_keys_outside_the_prefix_are_403(call: Call) -> None:
    ok, _, _ = call(query={"filekey": "incoming/a.txt", "contentType": "text/plain"}, key_prefix="incoming/")
    assert ok == 200
    for key in ("a.txt", "incoming", "other/incoming/a.txt", "Incoming/a.txt"):
        status, _, body = call(query={"filekey": key, "contentType": "text/plain"}, key_prefix="incoming/")
        assert (status, body["error"]) == (403, "key_not_allowed"), key
        assert "incoming/" in body["message"]


@pytest.mark.parametrize(
    ("content_type", "status"),
    [
        ("image/png", 200),
        ("IMAGE/PNG", 200),
        ("image/svg+xml", 200),
        ("application/pdf", 200),
        ("application/pdf; charset=binary", 200),
        ("text/plain", 403),
        ("application/pdfx", 403),
        ("imagex/png", 403),
    ],
)
def test_allowed_content_types_with_wildcards(call: Call, content_type: str, status: int) -> None:
    got, _, body = call(
        query={"filekey": "a", "contentType": content_type},
        allowed_content_types=("image/*", "application/pdf"),
    )
    assert got == status, body
    if status == 403:
        assert body["error"] == "content_type_not_allowed"
    else:
        assert body["headers"]["content-type"] == content_type


def test_duplicate_parameters_are_refused(call: Call) -> None:
    status, _, body = call(query={"filekey": ["a", "b"], "contentType": ["text/plain"]})
    assert (status, body["error"]) == (400, "duplicate_parameter")


def test_list_valued_query_with_single_values_works(call: Call) -> None:
    status, _, body = call(query={"filekey": ["a"], "contentType": ["text/plain"]})
    assert status == 200 and body["key"] == "a"


# --- token -------------------------------------------------------------------------------------------

SIGN = {"filekey": "a.txt", "contentType": "text/plain"}


def test_token_missing_is_401_with_challenge(call: Call) -> None:
    status, headers, body = call(query=SIGN, shared_token="t0ken")
    assert (status, body["error"]) == (401, "unauthorized")
    assert headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer wrong"},
        {"x-api-key": "wrong"},
        {"Authorization": "Bearer t0ken-and-more"},
        {"Authorization": "Bearer T0KEN"},
    ],
)
def test_wrong_token_is_403(call: Call, headers: dict[str, str]) -> None:
    status, _, body = call(query=SIGN, headers=headers, shared_token="t0ken")
    assert (status, body["error"]) == (403, "forbidden")


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": "Bearer t0ken"},
        {"authorization": "bearer t0ken"},
        {"AUTHORIZATION": "BEARER   t0ken  "},
        {"x-api-key": "t0ken"},
        {"X-Api-Key": "t0ken"},
    ],
)
def test_right_token_in_either_header_any_case(call: Call, headers: dict[str, str]) -> None:
    status, _, body = call(query=SIGN, headers=headers, shared_token="t0ken")
    assert status == 200, body


def test_other_authorization_schemes_count_as_missing(call: Call) -> None:
    status, _, _ = call(query=SIGN, headers={"Authorization": "Basic dDBrZW4="}, shared_token="t0ken")
    assert status == 401


def test_token_is_checked_on_companion_routes_too(call: Call) -> None:
    status, _, _ = call(path="/s3/params", query={"filename": "a.png"}, shared_token="t0ken")
    assert status == 401


def test_without_a_configured_token_headers_are_ignored(call: Call) -> None:
    status, _, _ = call(query=SIGN, headers={"Authorization": "Bearer anything"})
    assert status == 200


# --- routing, methods, CORS -------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/nothing", "/sign/extra", "/s3", "/s3/other", "/s3/multipart/id/1/more/x"])
def test_unknown_paths_are_404(call: Call, path: str) -> None:
    status, _, body = call(path=path, query=SIGN)
    assert (status, body["error"]) == (404, "not_found")


@pytest.mark.parametrize(
    ("method", "path", "allow"),
    [
        ("POST", "/sign", "GET, OPTIONS"),
        ("PUT", "/sign", "GET, OPTIONS"),
        ("DELETE", "/s3/params", "GET, OPTIONS"),
        ("GET", "/s3/multipart", "POST, OPTIONS"),
        ("POST", "/s3/multipart/abc", "GET, DELETE, OPTIONS"),
        ("GET", "/s3/multipart/abc/complete", "POST, OPTIONS"),
        ("HEAD", "/sign", "GET, OPTIONS"),
    ],
)
def test_wrong_method_is_405_with_allow(call: Call, method: str, path: str, allow: str) -> None:
    status, headers, body = call(method=method, path=path, query=SIGN)
    assert (status, body["error"]) == (405, "method_not_allowed")
    assert headers["Allow"] == allow


def test_method_check_comes_before_the_token_check(call: Call) -> None:
    status, _, _ = call(method="POST", query=SIGN, shared_token="t0ken")
    assert status == 405


def test_preflight_needs_no_token_and_lists_methods(call: Call) -> None:
    status, headers, body = call(
        method="OPTIONS",
        path="/s3/multipart/abc",
        headers={
            "Origin": "https://app.example",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
        shared_token="t0ken",
    )
    assert status == 204
    assert body is None
    assert headers["Access-Control-Allow-Origin"] == "*"
    assert headers["Access-Control-Allow-Methods"] == "GET, DELETE, OPTIONS"
    assert headers["Access-Control-Allow-Headers"] == "authorization, content-type, x-api-key"


@pytest.mark.parametrize("requested", ["x-admin-override, authorization", "bad header\r\n", "cookie", ""])
def test_preflight_never_echoes_requested_headers(call: Call, requested: str) -> None:
    _, headers, _ = call(method="OPTIONS", headers={"Access-Control-Request-Headers": requested})
    assert headers["Access-Control-Allow-Headers"] == "authorization, content-type, x-api-key"


def test_origin_none_sends_no_cors_headers(call: Call) -> None:
    status, headers, _ = call(query=SIGN, headers={"Origin": "https://app.example"}, allowed_origin="none")
    assert status == 200
    assert not [name for name in headers if name.lower().startswith("access-control-")]


def test_single_allowed_origin_is_always_sent(call: Call) -> None:
    _, headers, _ = call(query=SIGN, allowed_origin="https://app.example")
    assert headers["Access-Control-Allow-Origin"] == "https://app.example"
    assert headers["Vary"] == "Origin"


def test_origin_list_echoes_only_listed_origins(call: Call) -> None:
    origins = "https://a.example,https://b.example"
    _, headers, _ = call(query=SIGN, headers={"Origin": "https://b.example"}, allowed_origin=origins)
    assert headers["Access-Control-Allow-Origin"] == "https://b.example"
    _, headers, _ = call(query=SIGN, headers={"Origin": "https://evil.example"}, allowed_origin=origins)
    assert "Access-Control-Allow-Origin" not in headers


def test_errors_carry_cors_headers_so_browsers_can_read_them(call: Call) -> None:
    status, headers, _ = call(query={})
    assert status == 400
    assert headers["Access-Control-Allow-Origin"] == "*"


def test_resolve_matches_routes_at_the_end_of_the_path() -> None:
    assert resolve("/stage/s3/multipart/up%2Fid/7") is not None
    route = resolve("/stage/s3/multipart/up%2Fid/7")
    assert route is not None and (route.name, route.upload_id, route.part) == ("multipart_part", "up/id", "7")
    batch = resolve("/s3/multipart/x/batch")
    assert batch is not None and batch.name == "multipart_batch"


# --- failures of the signer itself -------------------------------------------------------------------


class _FailingS3:
    def __init__(self, exc: Exception) -> None:
        self.exc = exc

    def generate_presigned_url(self, *args: Any, **kwargs: Any) -> str:
        raise self.exc

    def generate_presigned_post(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        raise self.exc


def test_missing_credentials_are_a_500_in_plain_words(call: Call) -> None:
    status, _, body = call(query=SIGN, s3=_FailingS3(NoCredentialsError()))
    assert (status, body["error"]) == (500, "signing_failed")
    assert "credentials" in body["message"]


def test_unexpected_failures_are_500_without_details(call: Call, caplog: pytest.LogCaptureFixture) -> None:
    status, _, body = call(query=SIGN, s3=_FailingS3(RuntimeError("internal detail SECRET123")))
    assert (status, body["error"]) == (500, "internal_error")
    assert "SECRET123" not in body["message"]
    assert any(r.levelname == "ERROR" for r in caplog.records)


def test_signed_headers_the_endpoint_cannot_name_are_a_500(call: Call) -> None:
    class OddSigner(_FailingS3):
        def generate_presigned_url(self, *args: Any, **kwargs: Any) -> str:
            return "http://s3.test/b/a?X-Amz-SignedHeaders=content-type%3Bhost%3Bx-amz-mystery&X-Amz-Date=x"

    status, _, body = call(query=SIGN, s3=OddSigner(RuntimeError()))
    assert (status, body["error"]) == (500, "signing_failed")
