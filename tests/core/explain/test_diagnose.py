"""Diagnosis after a failure: what the link, the request as sent and the response reveal together."""

from __future__ import annotations

from desktop_uploader.core.explain import diagnose, explain
from tests.core.explain.builders import NOW, link, s3_xml, upload_failure


def codes(failure: object, signed: object = None) -> list[str]:
    return [f.code for f in diagnose(failure, signed)]  # type: ignore[arg-type]


def test_expiry_is_judged_by_the_servers_clock_when_known() -> None:
    signed = link(signed_at=NOW - 600, expires=900)  # valid until NOW + 300
    # This computer's clock says the link is fine, the server's Date says it expired.
    f = upload_failure(status=403, signed=signed, server_time=NOW + 400, local_time=NOW)
    found = diagnose(f, signed)
    assert [x.code for x in found] == ["Link.expired"]
    assert "storage server's" in found[0].cause
    # And the other way round: a fast local clock does not make the link expired.
    f = upload_failure(status=403, signed=signed, server_time=NOW, local_time=NOW + 400)
    assert codes(f, signed) == []


def test_without_a_date_header_the_local_clock_is_used() -> None:
    signed = link(signed_at=NOW - 2000, expires=900)
    f = upload_failure(status=403, signed=signed, server_time=None)
    found = diagnose(f, signed)
    assert [x.code for x in found] == ["Link.expired"]
    assert "this computer's" in found[0].cause


def test_clock_skew_over_fifteen_minutes() -> None:
    assert codes(upload_failure(status=403, local_time=NOW + 600)) == []
    found = diagnose(upload_failure(status=403, local_time=NOW - 1800))
    assert [x.code for x in found] == ["Clock.skew"]
    assert found[0].severity == "warning"
    assert found[0].facts["skew_direction"] == "behind" and found[0].facts["skew"] == "30 minutes"
    local = diagnose(upload_failure(status=403, local_time=NOW + 1800, signer="local"))
    assert local[0].severity == "error" and local[0].facts["skew_direction"] == "ahead of"


def test_bucket_region_from_the_response_header() -> None:
    f = upload_failure(status=301, response_headers={"x-amz-bucket-region": "eu-central-1"})
    found = diagnose(f)
    assert [x.code for x in found] == ["Link.region_mismatch"]
    assert found[0].facts == {"link_region": "us-east-1", "bucket_region": "eu-central-1"}


def test_bucket_region_from_a_redirect_endpoint() -> None:
    body = s3_xml("PermanentRedirect", "use the endpoint", Endpoint="examplebucket.s3.ap-south-1.amazonaws.com")
    found = diagnose(upload_failure(status=301, body=body))
    assert found[0].facts["bucket_region"] == "ap-south-1"


def test_bucket_region_from_the_message() -> None:
    body = s3_xml("AuthorizationQueryParametersError",
                  "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; "
                  "expecting 'sa-east-1'")
    found = diagnose(upload_failure(status=400, body=body))
    assert found[0].facts == {"link_region": "us-east-1", "bucket_region": "sa-east-1"}


def test_the_canonical_request_shows_what_s3_received() -> None:
    # The app does not know which headers went out (e.g. a proxy added them), but AWS's error body tells.
    canonical = ("PUT\n/photos/cat.jpg\nX-Amz-Algorithm=AWS4-HMAC-SHA256\ncontent-type:application/octet-stream\n"
                 "host:examplebucket.s3.amazonaws.com\n\ncontent-type;host\nUNSIGNED-PAYLOAD")
    body = s3_xml("SignatureDoesNotMatch", "no match", CanonicalRequest=canonical)
    signed = link(headers={"Content-Type": "image/jpeg"}, signed_headers="content-type;host")
    f = upload_failure(status=403, body=body, signed=signed, exact_headers={})
    found = diagnose(f, signed)
    assert [x.code for x in found] == ["Link.content_type_mismatch"]
    assert found[0].facts["sent_content_type"] == "application/octet-stream"
    assert explain(f, link=signed).code == "SignatureDoesNotMatch.content_type"


def test_the_canonical_request_shows_the_method() -> None:
    canonical = "POST\n/photos/cat.jpg\nX-Amz-Algorithm=AWS4-HMAC-SHA256\nhost:h\n\nhost\nUNSIGNED-PAYLOAD"
    body = s3_xml("SignatureDoesNotMatch", "no match", CanonicalRequest=canonical)
    signed = link()
    f = upload_failure(status=403, body=body, signed=signed, exact_headers={})
    assert explain(f, link=signed).code == "SignatureDoesNotMatch.method"


def test_headers_not_signed_element() -> None:
    body = s3_xml("AccessDenied", "There were headers present in the request which were not signed",
                  HeadersNotSigned="x-amz-sdk-checksum-algorithm")
    found = diagnose(upload_failure(status=403, body=body, exact_headers={}))
    assert found[0].code == "Link.unsigned_amz_header"
    assert found[0].facts["header"] == "x-amz-sdk-checksum-algorithm"


def test_the_type_the_app_asked_for_stands_in_for_an_unknown_signed_value() -> None:
    signed = link(signed_headers="content-type;host")  # the signer did not say which type it signed
    f = upload_failure(status=403, body=s3_xml("SignatureDoesNotMatch", "x"), signed=signed,
                       sent_headers={"Content-Type": "text/plain"}, asked={"key": "photos/cat.jpg",
                                                                            "content_type": "image/jpeg"})
    found = diagnose(f, signed)
    assert found[0].code == "Link.content_type_mismatch"
    assert found[0].facts["guessed"] == "yes"


def test_the_redacted_link_in_the_failure_is_enough() -> None:
    # The engine stores the link redacted; its date, lifetime and scope still tell the story.
    f = upload_failure(status=403, body=s3_xml("AccessDenied", "Request has expired"),
                       signed=link(signed_at=NOW - 3000, expires=900))
    assert "REDACTED" in (f.signed_url or "")
    assert codes(f) == ["Link.expired"]
    assert explain(f).code == "AccessDenied.expired"
