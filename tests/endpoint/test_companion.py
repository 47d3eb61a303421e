"""Uppy Companion's S3 routes, called without HTTP; S3 API calls go to a botocore Stubber."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import cast
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from botocore.client import BaseClient
from botocore.stub import ANY, Stubber

from desktop_uploader.endpoint import S3Client
from desktop_uploader.endpoint.auth import Caller
from desktop_uploader.endpoint.validation import safe_filename

from .conftest import Call

UPLOAD = "2~abcDEF_123-xyz.456"
KEY = "incoming/0123456789abcdef0123456789abcdef/video.mp4"
# What clients hold: the storage's upload id bound to its key (the offline endpoint needs no token).
OPEN = Caller(prefix="", status_prefix="_devices/")
BOUND = OPEN.bind(UPLOAD, KEY)


@pytest.fixture
def stub(offline_s3: S3Client) -> Iterator[Stubber]:
    with Stubber(cast(BaseClient, offline_s3)) as stubber:
        yield stubber
        stubber.assert_no_pending_responses()


def _policy(fields: dict[str, str]) -> dict[str, object]:
    decoded: dict[str, object] = json.loads(base64.b64decode(fields["policy"]))
    return decoded


# --- presigned POST ----------------------------------------------------------------------------------


def test_params_returns_a_post_form_under_the_prefix(call: Call) -> None:
    status, _, body = call(
        path="/s3/params",
        query={"filename": "holiday photo.jpg", "type": "image/jpeg", "metadata[caption]": "beach"},
        key_prefix="incoming/",
        max_upload_bytes=1000,
        expires=120,
    )
    assert status == 200, body
    assert body["method"] == "POST"
    assert body["expires"] == 120
    assert body["url"] == "http://127.0.0.1:9/uploads-bucket"
    fields = body["fields"]
    assert re.fullmatch(r"incoming/[0-9a-f]{32}/holiday photo\.jpg", fields["key"])
    assert fields["Content-Type"] == "image/jpeg"
    assert fields["success_action_status"] == "201"
    assert fields["x-amz-meta-caption"] == "beach"
    assert "acl" not in fields
    conditions = _policy(fields)["conditions"]
    assert isinstance(conditions, list)
    assert {"Content-Type": "image/jpeg"} in conditions
    assert ["content-length-range", 0, 1000] in conditions
    assert {"x-amz-meta-caption": "beach"} in conditions
    assert {"key": fields["key"]} in conditions


def test_params_signs_the_acl_when_configured(call: Call) -> None:
    _, _, body = call(path="/s3/params", query={"filename": "a.txt", "type": "text/plain"}, acl="public-read")
    assert body["fields"]["acl"] == "public-read"
    assert {"acl": "public-read"} in _policy(body["fields"])["conditions"]  # type: ignore[operator]


def test_params_without_type_uploads_as_octet_stream(call: Call) -> None:
    _, _, body = call(path="/s3/params", query={"filename": "blob", "type": ""})
    assert body["fields"]["Content-Type"] == "application/octet-stream"


def test_params_generates_a_new_key_each_time(call: Call) -> None:
    keys = {call(path="/s3/params", query={"filename": "a.txt"})[2]["fields"]["key"] for _ in range(5)}
    assert len(keys) == 5


@pytest.mark.parametrize(
    ("query", "status", "code"),
    [
        ({}, 400, "missing_parameter"),
        ({"filename": ""}, 400, "missing_parameter"),
        ({"filename": "a.exe", "type": "application/x-msdownload"}, 403, "content_type_not_allowed"),
        ({"filename": "a.png", "type": "image"}, 400, "invalid_content_type"),
        ({"filename": "a.png", "type": "image/png", "metadata[bad name]": "x"}, 400, "invalid_metadata"),
    ],
)
def test_params_refusals(call: Call, query: dict[str, str], status: int, code: str) -> None:
    got, _, body = call(path="/s3/params", query=query, allowed_content_types=("image/*",))
    assert (got, body["error"]) == (status, code)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\me\\report.pdf", "report.pdf"),
        ("..", "file"),
        ("", "file"),
        ("  .hidden  ", "hidden"),
        ("tab\there?.txt", "tab_here_.txt"),
        ("naïve café.txt", "naïve café.txt"),
        ("a%2F..%2Fb.txt", "a_2F.._2Fb.txt"),
        ("new\nline.txt", "new_line.txt"),
    ],
)
def test_filenames_are_sanitized(name: str, expected: str) -> None:
    assert safe_filename(name) == expected


def test_long_filenames_keep_their_extension() -> None:
    name = safe_filename("ü" * 400 + ".jpeg")
    assert name.endswith(".jpeg")
    assert len(name.encode()) <= 255


def test_generated_keys_stay_within_1024_bytes_under_a_long_prefix(call: Call) -> None:
    prefix = "p" * 500 + "/"
    _, _, body = call(path="/s3/params", query={"filename": "x" * 2000 + ".txt"}, key_prefix=prefix)
    key = body["fields"]["key"]
    assert key.startswith(prefix) and key.endswith(".txt")
    assert len(key.encode()) <= 1024


# --- multipart ---------------------------------------------------------------------------------------


def test_create_multipart(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response(
        "create_multipart_upload",
        {"Bucket": "uploads-bucket", "Key": "k", "UploadId": UPLOAD},
        {
            "Bucket": "uploads-bucket",
            "Key": ANY,
            "ContentType": "video/mp4",
            "Metadata": {"name": "video.mp4"},
            "ACL": "bucket-owner-full-control",
        },
    )
    status, _, body = call(
        method="POST",
        path="/s3/multipart",
        body={"filename": "video.mp4", "type": "video/mp4", "metadata": {"name": "video.mp4"}},
        key_prefix="incoming/",
        acl="bucket-owner-full-control",
        s3=offline_s3,
    )
    assert status == 200, body
    assert body["uploadId"] == OPEN.bind(UPLOAD, body["key"])
    assert re.fullmatch(r"incoming/[0-9a-f]{32}/video\.mp4", body["key"])


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        (b"", "invalid_body"),
        (b"{not json", "invalid_json"),
        (b"\xff\xfe", "invalid_json"),
        (b"[1, 2]", "invalid_body"),
        (b'{"type": "video/mp4"}', "missing_parameter"),
        (b'{"filename": "a", "type": 5}', "invalid_content_type"),
        (b'{"filename": "a", "metadata": ["x"]}', "invalid_metadata"),
        (b'{"filename": "a", "metadata": {"n": 1}}', "invalid_metadata"),
    ],
)
def test_create_multipart_refuses_bad_bodies(call: Call, raw: bytes, code: str) -> None:
    status, _, body = call(method="POST", path="/s3/multipart", body=raw)
    assert (status, body["error"]) == (400, code)


def test_batch_signs_each_part_once(call: Call) -> None:
    status, _, body = call(
        path=f"/s3/multipart/{BOUND}/batch",
        query={"key": KEY, "partNumbers": "3,1,2,1"},
        key_prefix="incoming/",
    )
    assert status == 200, body
    urls = body["presignedUrls"]
    assert list(urls) == ["1", "2", "3"]
    for number, url in urls.items():
        query = parse_qs(urlsplit(url).query)
        assert query["partNumber"] == [number]
        assert query["uploadId"] == [UPLOAD]
        assert query["X-Amz-SignedHeaders"] == ["host"]
        assert unquote(urlsplit(url).path) == f"/uploads-bucket/{KEY}"


def test_single_part(call: Call) -> None:
    status, _, body = call(path=f"/s3/multipart/{BOUND}/10000", query={"key": KEY}, expires=300)
    assert status == 200, body
    assert body["expires"] == 300
    assert parse_qs(urlsplit(body["url"]).query)["partNumber"] == ["10000"]


@pytest.mark.parametrize("part", ["0", "10001", "-1", "1.5", "٣", "99999999999"])
def test_part_numbers_outside_1_to_10000_are_refused(call: Call, part: str) -> None:
    status, _, body = call(path=f"/s3/multipart/{BOUND}/{part}", query={"key": KEY})
    assert (status, body["error"]) == (400, "invalid_part_number")
    status, _, body = call(path=f"/s3/multipart/{BOUND}/batch", query={"key": KEY, "partNumbers": f"1,{part}"})
    assert (status, body["error"]) == (400, "invalid_part_number")


def test_batch_needs_part_numbers(call: Call) -> None:
    status, _, body = call(path=f"/s3/multipart/{BOUND}/batch", query={"key": KEY})
    assert (status, body["error"]) == (400, "missing_parameter")


@pytest.mark.parametrize(
    ("method", "suffix"),
    [("GET", "/batch"), ("GET", "/1"), ("GET", ""), ("DELETE", ""), ("POST", "/complete")],
)
@pytest.mark.parametrize(
    ("key", "status", "code"),
    [
        (None, 400, "missing_parameter"),
        ("elsewhere/a", 403, "key_not_allowed"),
        ("incoming/../secret", 400, "invalid_key"),
        ("/incoming/a", 400, "invalid_key"),
    ],
)
def test_every_client_key_is_checked(
    call: Call, method: str, suffix: str, key: str | None, status: int, code: str
) -> None:
    query = {"partNumbers": "1"} | ({"key": key} if key is not None else {})
    got, _, body = call(
        method=method,
        path=f"/s3/multipart/{BOUND}{suffix}",
        query=query,
        body={"parts": [{"PartNumber": 1, "ETag": '"e"'}]},
        key_prefix="incoming/",
    )
    assert (got, body["error"]) == (status, code)


@pytest.mark.parametrize("upload_id", ["%20", "a%20b", "a%0Ab", "%7F"])
def test_odd_upload_ids_are_refused(call: Call, upload_id: str) -> None:
    status, _, body = call(path=f"/s3/multipart/{upload_id}/1", query={"key": KEY})
    assert (status, body["error"]) == (400, "invalid_upload_id")


def test_list_parts_follows_every_page(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    moment = datetime(2024, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)
    base = {"Bucket": "uploads-bucket", "Key": KEY, "UploadId": UPLOAD}
    stub.add_response(
        "list_parts",
        {
            "IsTruncated": True,
            "NextPartNumberMarker": 2,
            "Parts": [
                {"PartNumber": 1, "Size": 5242880, "ETag": '"a"', "LastModified": moment},
                {"PartNumber": 2, "Size": 5242880, "ETag": '"b"', "LastModified": moment},
            ],
        },
        base,
    )
    stub.add_response(
        "list_parts",
        {
            "IsTruncated": False,
            "Parts": [{"PartNumber": 3, "Size": 7, "ETag": '"c"', "LastModified": moment}],
        },
        {**base, "PartNumberMarker": 2},
    )
    status, _, body = call(path=f"/s3/multipart/{BOUND}", query={"key": KEY}, s3=offline_s3)
    assert status == 200, body
    assert body == [
        {"PartNumber": 1, "Size": 5242880, "ETag": '"a"', "LastModified": "2024-05-06T07:08:09.123Z"},
        {"PartNumber": 2, "Size": 5242880, "ETag": '"b"', "LastModified": "2024-05-06T07:08:09.123Z"},
        {"PartNumber": 3, "Size": 7, "ETag": '"c"', "LastModified": "2024-05-06T07:08:09.123Z"},
    ]


def test_list_parts_of_an_empty_upload(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response(
        "list_parts", {"IsTruncated": False}, {"Bucket": "uploads-bucket", "Key": KEY, "UploadId": UPLOAD}
    )
    status, _, body = call(path=f"/s3/multipart/{BOUND}", query={"key": KEY}, s3=offline_s3)
    assert (status, body) == (200, [])


def test_list_parts_stops_when_the_marker_does_not_move(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response("list_parts", {"IsTruncated": True, "NextPartNumberMarker": 0, "Parts": []}, None)
    status, _, body = call(path=f"/s3/multipart/{BOUND}", query={"key": KEY}, s3=offline_s3)
    assert (status, body["error"]) == (502, "storage_error")


def test_complete_sends_parts_in_order(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response(
        "complete_multipart_upload",
        {"Location": "https://uploads-bucket.s3.amazonaws.com/x", "Key": KEY},
        {
            "Bucket": "uploads-bucket",
            "Key": KEY,
            "UploadId": UPLOAD,
            "MultipartUpload": {"Parts": [{"PartNumber": 1, "ETag": '"a"'}, {"PartNumber": 2, "ETag": '"b"'}]},
        },
    )
    status, _, body = call(
        method="POST",
        path=f"/s3/multipart/{BOUND}/complete",
        query={"key": KEY},
        body={"parts": [{"PartNumber": 2, "ETag": '"b"'}, {"PartNumber": 1, "ETag": '"a"'}]},
        s3=offline_s3,
    )
    assert (status, body) == (200, {"location": "https://uploads-bucket.s3.amazonaws.com/x"})


def test_complete_without_location_points_at_the_object(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response("complete_multipart_upload", {"Key": KEY}, None)
    status, _, body = call(
        method="POST",
        path=f"/s3/multipart/{BOUND}/complete",
        query={"key": KEY},
        body={"parts": [{"PartNumber": 1, "ETag": '"a"'}]},
        s3=offline_s3,
    )
    assert status == 200
    assert body["location"] == f"http://127.0.0.1:9/uploads-bucket/{KEY}"


@pytest.mark.parametrize(
    ("payload", "code"),
    [
        ({}, "invalid_body"),
        ({"parts": []}, "invalid_body"),
        ({"parts": "1"}, "invalid_body"),
        ({"parts": [1]}, "invalid_body"),
        ({"parts": [{"PartNumber": True, "ETag": "e"}]}, "invalid_part_number"),
        ({"parts": [{"PartNumber": "1", "ETag": "e"}]}, "invalid_part_number"),
        ({"parts": [{"PartNumber": 0, "ETag": "e"}]}, "invalid_part_number"),
        ({"parts": [{"PartNumber": 10001, "ETag": "e"}]}, "invalid_part_number"),
        ({"parts": [{"PartNumber": 1}]}, "invalid_body"),
        ({"parts": [{"PartNumber": 1, "ETag": ""}]}, "invalid_body"),
        ({"parts": [{"PartNumber": 1, "ETag": "a"}, {"PartNumber": 1, "ETag": "b"}]}, "invalid_body"),
    ],
)
def test_complete_refuses_bad_part_lists(call: Call, payload: object, code: str) -> None:
    status, _, body = call(method="POST", path=f"/s3/multipart/{BOUND}/complete", query={"key": KEY}, body=payload)
    assert (status, body["error"]) == (400, code)


def test_abort(call: Call, stub: Stubber, offline_s3: S3Client) -> None:
    stub.add_response("abort_multipart_upload", {}, {"Bucket": "uploads-bucket", "Key": KEY, "UploadId": UPLOAD})
    status, _, body = call(method="DELETE", path=f"/s3/multipart/{BOUND}", query={"key": KEY}, s3=offline_s3)
    assert (status, body) == (200, {})


@pytest.mark.parametrize(
    ("s3_code", "status", "code"),
    [
        ("NoSuchUpload", 404, "no_such_upload"),
        ("AccessDenied", 502, "storage_error"),
        ("InvalidPart", 400, "invalid_part"),
        ("EntityTooSmall", 400, "part_too_small"),
    ],
)
def test_storage_errors_become_plain_errors(
    call: Call, stub: Stubber, offline_s3: S3Client, s3_code: str, status: int, code: str
) -> None:
    stub.add_client_error("abort_multipart_upload", service_error_code=s3_code, http_status_code=400)
    got, _, body = call(method="DELETE", path=f"/s3/multipart/{BOUND}", query={"key": KEY}, s3=offline_s3)
    assert (got, body["error"]) == (status, code)
    if s3_code == "AccessDenied":
        assert "AccessDenied" in body["message"]


def test_unreachable_storage_is_a_502(call: Call) -> None:
    # Nothing listens on the offline config's port; retries make this take a moment but no longer.
    status, _, body = call(method="DELETE", path=f"/s3/multipart/{BOUND}", query={"key": KEY})
    assert (status, body["error"]) == (502, "storage_unreachable")
