"""No secret survives into an explanation, its dict and JSON form, or the admin report."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain import Explanation, explain, report
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest
from desktop_uploader.core.models import JobState, NewJob, SignedRequest
from desktop_uploader.core.scrub import scrub_text
from desktop_uploader.core.store import JobStore
from tests.core.explain.builders import (
    ALL_SECRETS,
    API_KEY,
    BEARER,
    FUNCTION_CODE,
    NOW,
    SECRET_KEY,
    SIGNATURE,
    TOKEN,
    endpoint_failure,
    link,
    s3_xml,
    upload_failure,
)

TOKEN_HEX = TOKEN.encode().hex(" ")


def _everything(ex: Explanation, f: Failure) -> str:
    return "\n".join([json.dumps(ex.to_dict()), report(f, ex), repr(ex.to_dict())])


def assert_clean(text: str) -> None:
    for secret in ALL_SECRETS:
        assert secret not in text, f"secret leaked: {secret[:12]}…"
    assert TOKEN_HEX not in text
    assert SIGNATURE[:40] not in text


def _s3_failure_full_of_secrets() -> tuple[Failure, SignedRequest]:
    signed = link(token=TOKEN, access_key="ASIAEXAMPLETEMP00001", headers={"Content-Type": "image/jpeg"},
                  signed_headers="content-type;host;x-amz-security-token")
    body = s3_xml(
        "SignatureDoesNotMatch", "The request signature we calculated does not match",
        SignatureProvided=SIGNATURE,
        StringToSignBytes="41 57 53 34",
        CanonicalRequest=f"PUT\n/photos/cat.jpg\nX-Amz-Security-Token={TOKEN}\ncontent-type:text/plain\n\n"
                         "content-type;host\nUNSIGNED-PAYLOAD",
        CanonicalRequestBytes=TOKEN_HEX,
        Token__0=TOKEN,
    )
    f = upload_failure(
        status=403, body=body, signed=signed,
        sent_headers={"Content-Type": "text/plain", "x-amz-security-token": TOKEN,
                      "Authorization": f"AWS4-HMAC-SHA256 Credential=x, Signature={SIGNATURE}"},
        message=f"failed with secret_access_key={SECRET_KEY} and link {signed.url}",
    )
    return f, signed


def test_s3_failure_with_secrets_everywhere() -> None:
    f, signed = _s3_failure_full_of_secrets()
    ex = explain(f, link=signed)
    assert ex.code == "SignatureDoesNotMatch.content_type"
    assert_clean(_everything(ex, f))
    # The useful, non-secret parts stay.
    text = report(f, ex)
    assert "ASIAEXAMPLETEMP00001" in text and "X-Amz-Date=" in text and "REDACTED" in text


def test_expired_token_echo_is_removed() -> None:
    # AWS echoes the session token back in <Token-0>.
    body = s3_xml("ExpiredToken", "The provided token has expired.", Token__0=TOKEN)
    signed = link(token=TOKEN, access_key="ASIAEXAMPLETEMP00001")
    f = upload_failure(status=400, body=body, signed=signed)
    ex = explain(f, link=signed)
    assert ex.code == "ExpiredToken"
    assert_clean(_everything(ex, f))


def test_endpoint_failure_with_api_key_bearer_and_function_code() -> None:
    f = endpoint_failure(401, json.dumps({"message": "Unauthorized", "token": BEARER, "apiKey": API_KEY}),
                         headers={"Set-Cookie": f"session={BEARER}"})
    ex = explain(f)
    assert ex.code == "Endpoint.unauthorized"
    assert_clean(_everything(ex, f))
    assert "execute-api" in report(f, ex)


def test_endpoint_echoing_the_signed_url_in_an_error() -> None:
    signed_url = link(token=TOKEN).url
    f = endpoint_failure(400, json.dumps(f"Refused to sign again: {signed_url}"))
    ex = explain(f)
    assert ex.code == "Endpoint.rejected"
    assert_clean(_everything(ex, f))


def test_network_failure_message_with_a_link() -> None:
    signed = link(token=TOKEN)
    f = upload_failure(status=None, signed=signed, code=fc.CONNECTION_RESET,
                       message=f"HTTPSConnectionPool: Max retries exceeded with url: {signed.url}")
    ex = explain(f, link=signed)
    assert ex.code == "Network.reset"
    assert_clean(_everything(ex, f))


def test_html_page_quoting_secrets() -> None:
    page = (f"<html><head><title>Sign in</title></head><body>Wi-Fi login. Your session: "
            f"<a href='https://portal/?code={FUNCTION_CODE}&x-api-key={API_KEY}'>go</a></body></html>")
    f = upload_failure(status=200, body=page, code=fc.HTML_RESPONSE,
                       response_headers={"Content-Type": "text/html"})
    ex = explain(f, link=link())
    assert ex.code == "Network.captive_portal"
    assert_clean(_everything(ex, f))


def test_secrets_only_the_link_knows_are_removed_from_free_text() -> None:
    # A signature in a form no pattern knows (bare, in a sentence) is still removed: the link is known.
    signed = link()
    f = Failure(code=fc.UNKNOWN, message="unexpected", stage=fc.STAGE_UPLOAD, local_time=NOW,
                response=ReceivedResponse.build(500, {}, f"weird answer mentioning {SIGNATURE} in prose"),
                request=SentRequest.build("PUT", signed.url, {}), http_status=500)
    ex = explain(f, link=signed)
    assert_clean(_everything(ex, f))


@pytest.mark.parametrize(
    "text",
    [
        f"<SignatureProvided>{SIGNATURE}</SignatureProvided>",
        f"<Token-0>{TOKEN}</Token-0>",
        f"<CanonicalRequestBytes>{TOKEN_HEX}</CanonicalRequestBytes>",
        f"https://h/k?X-Amz-Security-Token={TOKEN}&X-Amz-Signature={SIGNATURE}",
        f"https://fn.azurewebsites.net/api/sign?code={FUNCTION_CODE}",
        f"x-api-key: {API_KEY}",
        f"Authorization: Bearer {BEARER}",
        f'{{"secretAccessKey": "{SECRET_KEY}", "sessionToken": "{TOKEN}"}}',
        f"aws_secret_access_key = {SECRET_KEY}",
        f"https://user:{SECRET_KEY}@proxy.example.com:3128/",
        f"signature: {SIGNATURE}",
    ],
)
def test_scrub_text_patterns(text: str) -> None:
    assert_clean(scrub_text(text))


def test_what_the_queue_stores_for_a_failure_holds_no_echoed_secret(tmp_path: Path) -> None:
    # S3 echoes the signature, the session token and the canonical request in its errors; the failure
    # record written to the queue database must not keep them.
    f, _ = _s3_failure_full_of_secrets()
    store = JobStore(tmp_path / "queue.sqlite3")
    job = store.add_jobs([NewJob(path="/data/cat.jpg", size=1, mtime_ns=0, key="photos/cat.jpg",
                                 content_type="image/jpeg", profile="p")])[0]
    store.set_state(job.id, JobState.FAILED, error=f.to_dict())
    stored = store.get(job.id)
    store.close()
    assert stored is not None and stored.error is not None
    assert_clean(json.dumps(stored.error))
    assert stored.error["s3_error"]["SignatureProvided"] == "REDACTED"
    # What the explanation compares stays: the canonical request, minus the token.
    assert stored.error["s3_error"]["CanonicalRequest"].startswith("PUT\n/photos/cat.jpg\nX-Amz-Security-Token=")
    on_disk = b"".join(p.read_bytes() for p in tmp_path.iterdir())
    for secret in ALL_SECRETS:
        assert secret.encode() not in on_disk
