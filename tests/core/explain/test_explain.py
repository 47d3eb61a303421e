"""The explain() API as the engine uses it: records shaped like the engine's, serialisation, robustness."""

from __future__ import annotations

import json

import pytest

from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain import Explanation, explain, report
from desktop_uploader.core.explain import classify as classify_mod
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest
from tests.core.explain.builders import NOW, endpoint_failure, link, s3_xml, upload_failure


def test_to_dict_round_trip_and_json() -> None:
    f = upload_failure(status=403, body=s3_xml("AccessDenied", "Access Denied"))
    ex = explain(f, link=link())
    data = ex.to_dict()
    assert set(data) == {"code", "summary", "cause", "action", "admin_action", "retryable", "fixed_by", "retrying",
                         "details"}
    assert data["fixed_by"] == "storage_admin"
    json.dumps(data)  # JSON-serialisable as it is stored in failure.explanation
    back = Explanation.from_dict(json.loads(json.dumps(data)))
    assert back.to_dict() == data
    f.explanation = data
    assert Failure.from_dict(json.loads(json.dumps(f.to_dict()))).explanation == data


def test_details_hold_what_an_admin_needs() -> None:
    f = upload_failure(status=403, body=s3_xml("AccessDenied", "Access Denied"))
    d = explain(f, link=link()).details
    assert d["s3_code"] == "AccessDenied" and d["request_id"] == "4442587FB7D0A2F9" and d["host_id"]
    assert d["status"] == 403 and d["stage"] == "upload"
    assert d["link"]["access_key"] == "AKIAEXAMPLEKEY000001" and d["link"]["expires_seconds"] == 900
    assert d["request"]["method"] == "PUT" and d["response"]["status"] == 403
    assert d["server_time"] == "2026-01-01 00:00:00 UTC"


def test_engine_name_for_a_bodiless_403_uses_the_link() -> None:
    # transfer.py names a bodiless 403 "AccessDenied"; the link shows it had expired.
    signed = link(signed_at=NOW - 5000, expires=900)
    f = upload_failure(status=403, code="AccessDenied", message="The storage server answered 403 Forbidden",
                       signed=signed, method="HEAD")
    assert explain(f, link=signed).code == "AccessDenied.expired"


def test_sdk_style_status_code_from_a_head_request() -> None:
    # boto3 reports a bodiless HEAD 404 as Code "404", Message "Not Found".
    f = Failure(code="404", message="Not Found", stage=fc.STAGE_UPLOAD, http_status=404,
                s3_error={"Code": "404", "Message": "Not Found"}, local_time=NOW)
    assert explain(f).code == "Status.404"


def test_s3_error_during_signing_is_still_an_s3_error() -> None:
    # The local multipart signer meets S3 errors while "signing" (CreateMultipartUpload).
    f = Failure(code="AccessDenied", message="The storage server refused to start a multipart upload: Access Denied",
                stage=fc.STAGE_SIGN, http_status=403, signer="local",
                s3_error={"Code": "AccessDenied", "Message": "Access Denied"}, local_time=NOW)
    assert explain(f).code == "AccessDenied.no_permission"


def test_endpoint_unreachable_uses_the_network_reason() -> None:
    f = endpoint_failure(None, code=fc.ENDPOINT_UNREACHABLE, network_error=fc.DNS_FAILURE,
                         message="The signing service could not be reached. Failed to resolve host")
    ex = explain(f)
    assert ex.code == "Network.dns"
    assert "abc123.execute-api.eu-west-1.amazonaws.com" in ex.cause


def test_s3_code_without_a_response() -> None:
    f = Failure(code="NoSuchUpload", message="The specified upload does not exist", stage=fc.STAGE_UPLOAD,
                local_time=NOW)
    assert explain(f).code == "NoSuchUpload"


def test_captive_portal_at_the_signing_stage() -> None:
    page = "<html><title>Hotspot login</title><body>Accept the terms of use to continue</body></html>"
    f = endpoint_failure(200, page, code=fc.ENDPOINT_HTML, content_type="text/html")
    assert explain(f).code == "Network.captive_portal"


@pytest.mark.parametrize(("status", "retryable"), [(500, True), (507, True), (429, True), (400, False)])
def test_unknown_codes_are_retryable_by_status(status: int, retryable: bool) -> None:
    f = upload_failure(status=status, body=s3_xml("SomethingNew", "A new kind of error"))
    ex = explain(f, link=link())
    assert ex.code == "S3.unknown"
    assert ex.retryable is retryable
    assert "SomethingNew" in ex.cause and "A new kind of error" in ex.cause


def test_a_diagnosis_bug_never_hides_the_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> tuple[str, dict[str, str]]:
        raise RuntimeError("bug in a rule")

    monkeypatch.setattr("desktop_uploader.core.explain.explanation.classify", broken)
    f = upload_failure(status=403, body=s3_xml("AccessDenied", "Access Denied"))
    ex = explain(f, link=link())
    assert ex.code == "S3.unknown"
    assert "Access Denied" in ex.cause
    assert "RuntimeError" in ex.details["diagnosis_error"]
    assert classify_mod.classify is not broken


def test_odd_evidence_does_not_crash() -> None:
    odd = [
        Failure(code="", message="", stage=""),
        Failure(code="AccessDenied", message="", stage=fc.STAGE_UPLOAD, http_status=403,
                response=ReceivedResponse.build(403, {"Date": "not a date"}, b"\xff\xfe<Error><Code>"),
                request=SentRequest.build("PUT", "https://[::1", {}), signed_url="::::"),
        Failure(code="SignatureDoesNotMatch", message="x", stage=fc.STAGE_UPLOAD,
                s3_error={"Code": "SignatureDoesNotMatch", "CanonicalRequest": "PUT"}, signed_url="https://h/?X-Amz-Credential="),
        Failure(code=fc.TIMEOUT, message="", stage=fc.STAGE_SIGN),
    ]
    for f in odd:
        ex = explain(f)
        assert "diagnosis_error" not in ex.details, ex.details.get("diagnosis_error")
        assert ex.summary and report(f, ex)


def test_report_reads_well() -> None:
    signed = link(headers={"Content-Type": "image/jpeg"}, signed_headers="content-type;host")
    f = upload_failure(status=403, body=s3_xml("SignatureDoesNotMatch", "no match"), signed=signed,
                       sent_headers={"Content-Type": "text/plain"}, local_time=NOW + 3600)
    ex = explain(f, link=signed)
    text = report(f, ex)
    # The finding the explanation is built on is not repeated; the unrelated clock problem is listed.
    also = text.split("Also found:", 1)[1].split("Details:", 1)[0]
    assert "Clock.skew" in also and "Link.content_type_mismatch" not in also
    assert [(x["code"], x["explained"]) for x in ex.details["findings"]] == [
        ("Link.content_type_mismatch", True), ("Clock.skew", False)]
    for heading in ("What happened:", "Cause:", "What you can do:", "For the administrator:", "Explanation code:",
                    "Also found:", "Upload link:", "Request:", "Response:", "Storage error:"):
        assert heading in text
    assert "SignatureDoesNotMatch.content_type" in text
    assert "Content-Type: text/plain" in text
    assert "4442587FB7D0A2F9" in text


def test_report_from_a_stored_explanation() -> None:
    # The GUI rebuilds the Explanation from failure.explanation (a dict) to render the report.
    f = upload_failure(status=404, body=s3_xml("NoSuchBucket", "The specified bucket does not exist"))
    f.explanation = explain(f, link=link()).to_dict()
    text = report(f, Explanation.from_dict(f.explanation))
    assert "NoSuchBucket" in text and "What happened:" in text
