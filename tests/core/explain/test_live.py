"""Real failures from a real S3 server (SeaweedFS), explained.

Links are presigned by boto3 (SigV4, path style, us-east-1) and used with requests, the way the app uses
them; each answer becomes a Failure exactly as the engine records one, then goes through explain().
"""

from __future__ import annotations

import time
import uuid
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain import explain, preflight, report
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.responses import parse_s3_error

pytestmark = pytest.mark.s3

BODY = b"hello from the field\n"


def _presign(client: Any, method: str, params: dict[str, Any], expires: int = 600) -> str:
    url: str = client.generate_presigned_url(method, Params=params, ExpiresIn=expires)
    return url


def _foreign_client(seaweed: Any, access_key: str, secret_key: str) -> Any:
    return boto3.session.Session(
        aws_access_key_id=access_key, aws_secret_access_key=secret_key, region_name="us-east-1",
    ).client("s3", endpoint_url=seaweed.endpoint_url,
             config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))


def _send(signed: SignedRequest, *, method: str | None = None, headers: dict[str, str] | None = None,
          body: bytes = BODY) -> tuple[requests.Response, Failure | None]:
    """Send like the uploader does; on an error answer, record the Failure like the engine does."""
    method = method or signed.method
    sent_headers = {"Content-Length": str(len(body)), **(headers or {})}
    with requests.Session() as session:
        response = session.request(method, signed.url, data=body, headers=sent_headers, timeout=30,
                                   allow_redirects=False)
        response.close()
    if response.status_code < 300:
        return response, None
    s3 = parse_s3_error(response.content)
    failure = Failure(
        code=s3.get("Code") or f"HTTP{response.status_code}",
        message=s3.get("Message") or f"The storage server answered {response.status_code}",
        stage=fc.STAGE_UPLOAD,
        http_status=response.status_code,
        s3_error=s3,
        request_id=s3.get("RequestId") or response.headers.get("x-amz-request-id"),
        request=SentRequest.build(method, signed.url, sent_headers, len(body)),
        response=ReceivedResponse.build(response.status_code, dict(response.headers), response.content),
        signer="endpoint",
        signed_url=signed.url,
        file_size=len(body),
        server_date=response.headers.get("Date"),
    )
    return response, failure


def _explained(signed: SignedRequest, **kw: Any) -> tuple[Failure, Any]:
    _, failure = _send(signed, **kw)
    assert failure is not None, "the server accepted a request that should have failed"
    ex = explain(failure, link=signed)
    assert "diagnosis_error" not in ex.details
    signature = signed.url.rsplit("X-Amz-Signature=", 1)[-1]
    text = report(failure, ex) + str(ex.to_dict())
    assert signature not in text
    return failure, ex


def test_wrong_content_type(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(), "put_object", {"Bucket": bucket, "Key": "a.jpg", "ContentType": "image/jpeg"})
    signed = SignedRequest("PUT", url, headers={"Content-Type": "image/jpeg"})
    failure, ex = _explained(signed, headers={"Content-Type": "text/plain"})
    assert failure.http_status == 403 and failure.code == "SignatureDoesNotMatch"
    assert ex.code == "SignatureDoesNotMatch.content_type"
    assert "'image/jpeg'" in ex.cause and "'text/plain'" in ex.cause
    # The same mistake is caught before sending.
    found = preflight(signed, method="PUT", key="a.jpg", bucket=bucket, headers_to_send={"Content-Type": "text/plain"},
                      size=len(BODY), now=time.time())
    assert [f.code for f in found] == ["Link.content_type_mismatch"]


def test_expired_link(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(), "put_object", {"Bucket": bucket, "Key": "late.txt"}, expires=1)
    signed = SignedRequest("PUT", url)
    deadline = time.monotonic() + 10
    failure = None
    while time.monotonic() < deadline:
        _, failure = _send(signed)
        if failure is not None and "expired" in failure.message.lower():
            break
        time.sleep(0.25)
    assert failure is not None and failure.http_status == 403, "the link did not expire within 10 s"
    ex = explain(failure, link=signed)
    assert ex.code == "AccessDenied.expired"
    assert ex.retryable
    assert "valid for 1 second" in ex.cause
    assert ex.summary == "The upload link ran out of time."
    assert ex.retrying == "The app will get a new one and try again."


def test_read_only_identity(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(seaweed.readonly), "put_object", {"Bucket": bucket, "Key": "ro.txt"})
    failure, ex = _explained(SignedRequest("PUT", url))
    assert failure.code == "AccessDenied"
    assert ex.code == "AccessDenied.no_permission"
    assert seaweed.readonly.access_key in ex.cause
    assert not ex.retryable


def test_unknown_access_key(seaweed: Any, bucket: str) -> None:
    client = _foreign_client(seaweed, "AKIANOSUCHKEY" + uuid.uuid4().hex[:7].upper(), "x" * 40)
    url = _presign(client, "put_object", {"Bucket": bucket, "Key": "k.txt"})
    failure, ex = _explained(SignedRequest("PUT", url))
    assert failure.code == "InvalidAccessKeyId"
    assert ex.code == "InvalidAccessKeyId"


def test_wrong_secret_key(seaweed: Any, bucket: str) -> None:
    client = _foreign_client(seaweed, seaweed.admin.access_key, "WRONG" + "s" * 35)
    url = _presign(client, "put_object", {"Bucket": bucket, "Key": "k.txt"})
    failure, ex = _explained(SignedRequest("PUT", url))
    assert failure.code == "SignatureDoesNotMatch"
    assert ex.code == "SignatureDoesNotMatch.credentials"
    assert seaweed.admin.access_key in ex.cause
    assert seaweed.admin.secret_key not in report(failure, ex)


def test_post_to_a_put_link(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(), "put_object", {"Bucket": bucket, "Key": "p.txt"})
    failure, ex = _explained(SignedRequest("PUT", url), method="POST")
    assert failure.http_status == 405
    assert ex.code == "MethodNotAllowed.method"


def test_missing_bucket(seaweed: Any) -> None:
    # An admin's small PUT makes SeaweedFS create the bucket (its 500 InternalError comes from running out of
    # volumes, not from the bucket); a part upload or a read names the problem.
    missing = "missing-" + uuid.uuid4().hex[:10]
    part = _presign(seaweed.client(), "upload_part", {"Bucket": missing, "Key": "big.bin", "UploadId": "u1",
                                                      "PartNumber": 1})
    failure, ex = _explained(SignedRequest("PUT", part))
    assert (failure.http_status, failure.code) == (404, "NoSuchBucket")
    assert ex.code == "NoSuchBucket"
    assert f"'{missing}'" in ex.cause
    get = _presign(seaweed.client(), "get_object", {"Bucket": missing, "Key": "a.txt"})
    _, ex = _explained(SignedRequest("GET", get), body=b"")
    assert ex.code == "NoSuchBucket"


def test_unsigned_amz_header(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(), "put_object", {"Bucket": bucket, "Key": "m.txt"})
    _, ex = _explained(SignedRequest("PUT", url), headers={"x-amz-meta-site": "north"})
    assert ex.code == "SignatureDoesNotMatch.unsigned_header"
    assert "x-amz-meta-site" in ex.cause


def test_link_lifetime_over_a_week(seaweed: Any, bucket: str) -> None:
    url = _presign(seaweed.client(), "put_object", {"Bucket": bucket, "Key": "w.txt"}, expires=700000)
    failure, ex = _explained(SignedRequest("PUT", url))
    assert failure.code == "AuthorizationQueryParametersError"
    assert ex.code == "AuthorizationQueryParametersError.expires_too_long"
    assert "700000" in ex.cause


def test_missing_key_and_missing_upload(seaweed: Any, bucket: str) -> None:
    client = seaweed.client()
    get = SignedRequest("GET", _presign(client, "get_object", {"Bucket": bucket, "Key": "nothing-here"}))
    _, ex = _explained(get, body=b"")
    assert ex.code == "NoSuchKey"
    head = SignedRequest("HEAD", _presign(client, "head_object", {"Bucket": bucket, "Key": "nothing-here"}))
    failure, ex = _explained(head, body=b"")
    assert failure.response is not None and failure.response.body == ""
    assert ex.code == "Status.404"
    part = SignedRequest("PUT", _presign(client, "upload_part", {"Bucket": bucket, "Key": "x.bin",
                                                                 "UploadId": "no-such-upload", "PartNumber": 1}))
    _, ex = _explained(part)
    assert ex.code == "NoSuchUpload"
