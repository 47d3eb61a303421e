from __future__ import annotations

from desktop_uploader.core.failure import Failure, SentRequest
from desktop_uploader.core.redact import redact_headers, redact_text, redact_url

SIG = "f3a9c0ffee0123456789abcdef0123456789abcdef0123456789abcdef012345"
TOKEN = "IQoJb3JpZ2luX2VjEXAMPLETOKENVALUE"


def test_url_keeps_diagnosis_and_drops_secrets() -> None:
    url = (f"https://b.s3.amazonaws.com/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Date=20260101T000000Z"
           f"&X-Amz-Expires=600&X-Amz-Signature={SIG}&X-Amz-Security-Token={TOKEN}")
    out = redact_url(url)
    assert SIG not in out and TOKEN not in out
    assert "X-Amz-Date=20260101T000000Z" in out and "X-Amz-Expires=600" in out


def test_headers_and_text() -> None:
    assert redact_headers({"Authorization": "Bearer abc", "x-api-key": "k", "Content-Type": "a/b"}) == {
        "Authorization": "REDACTED", "x-api-key": "REDACTED", "Content-Type": "a/b"}
    text = f"GET /x?X-Amz-Signature={SIG} Authorization: Bearer {TOKEN}"
    out = redact_text(text)
    assert SIG not in out and TOKEN not in out


def test_failure_record_is_redacted_on_creation() -> None:
    url = f"https://h/k?X-Amz-Signature={SIG}"
    failure = Failure(code="x", message=f"failed at {url}", stage="upload", signed_url=url,
                      request=SentRequest.build("PUT", url, {"x-api-key": TOKEN}))
    assert SIG not in str(failure.to_dict()) and TOKEN not in str(failure.to_dict())
