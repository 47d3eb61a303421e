"""Builders for realistic failures: presigned links, S3 error bodies, and the Failure records around them."""

from __future__ import annotations

from email.utils import formatdate
from time import gmtime, strftime
from typing import Any
from urllib.parse import quote, urlencode
from xml.sax.saxutils import escape

from desktop_uploader.core import failure as fc
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.responses import parse_s3_error

NOW = 1_767_225_600.0  # 2026-01-01 00:00:00 UTC: fixed, so texts and expiry maths are reproducible

# Distinctive fake secrets: tests assert that none of them ever appears in any output.
SIGNATURE = "5ec12e7f1a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d"
TOKEN = "FwoGZXIvYXdzEXAMPLEtokenSECRETzz9Qq+Ww/Ee=="
SECRET_KEY = "wJalrXUtnFEMIsecretK7MDENGbPxRfiCYzzSECRET"
API_KEY = "apikeySECRET0123456789abcdefXYZ"
BEARER = "eyJhbGciOiJIUzI1NiJ9.bearerSECRETpayload.sig"
FUNCTION_CODE = "funcCodeSECRETaaaabbbbccccdddd"
ALL_SECRETS = (SIGNATURE, TOKEN, SECRET_KEY, API_KEY, BEARER, FUNCTION_CODE, quote(TOKEN, safe=""))

ACCESS_KEY = "AKIAEXAMPLEKEY000001"
HOST = "examplebucket.s3.amazonaws.com"
BUCKET = "examplebucket"
KEY = "photos/cat.jpg"


def amz_date(t: float) -> str:
    return strftime("%Y%m%dT%H%M%SZ", gmtime(t))


def http_date(t: float) -> str:
    return formatdate(t, usegmt=True)


def v4_url(
    *,
    host: str = HOST,
    path: str = "/" + KEY,
    scheme: str = "https",
    access_key: str = ACCESS_KEY,
    region: str = "us-east-1",
    signed_at: float = NOW - 60,
    expires: int = 900,
    signed_headers: str = "host",
    extra: dict[str, str] | None = None,
    token: str | None = None,
    signature: str = SIGNATURE,
) -> str:
    date = amz_date(signed_at)
    params = dict(extra or {})
    params.update({
        "X-Amz-Algorithm": "AWS4-HMAC-SHA256",
        "X-Amz-Credential": f"{access_key}/{date[:8]}/{region}/s3/aws4_request",
        "X-Amz-Date": date,
        "X-Amz-Expires": str(expires),
        "X-Amz-SignedHeaders": signed_headers,
    })
    if token is not None:
        params["X-Amz-Security-Token"] = token
    params["X-Amz-Signature"] = signature
    return f"{scheme}://{host}{path}?{urlencode(params, quote_via=quote)}"


def v2_url(*, expires_at: float, host: str = HOST, path: str = "/" + KEY, access_key: str = ACCESS_KEY) -> str:
    return f"https://{host}{path}?" + urlencode(
        {"AWSAccessKeyId": access_key, "Expires": str(int(expires_at)), "Signature": "c2lnbmF0dXJlU0VDUkVUdjI="}
    )


def link(
    url: str | None = None,
    *,
    method: str = "PUT",
    headers: dict[str, str] | None = None,
    fields: dict[str, str] | None = None,
    **kw: Any,
) -> SignedRequest:
    return SignedRequest(method=method, url=url or v4_url(**kw), headers=dict(headers or {}), fields=fields,
                         signer="endpoint")


def bare_failure(
    status: int | None, body: str, *, code: str | None = None, headers: dict[str, str] | None = None
) -> Failure:
    """Only the storage's answer is known (no link, no request): as when explaining a saved response."""
    s3 = parse_s3_error(body)
    rh = {"Content-Type": "application/xml", **(headers or {})}
    return Failure(
        code=code or s3.get("Code", fc.UNKNOWN),
        message=s3.get("Message", ""),
        stage=fc.STAGE_UPLOAD,
        http_status=status,
        s3_error=s3,
        response=ReceivedResponse.build(status or 0, rh, body),
        local_time=NOW,
    )


def s3_xml(code: str, message: str = "", **extra: str) -> str:
    parts = [f"<Code>{escape(code)}</Code>"]
    if message:
        parts.append(f"<Message>{escape(message)}</Message>")
    for name, value in extra.items():
        name = name.replace("__", "-")
        parts.append(f"<{name}>{escape(value)}</{name}>")
    parts.append("<RequestId>4442587FB7D0A2F9</RequestId><HostId>hostidEXAMPLE=</HostId>")
    return '<?xml version="1.0" encoding="UTF-8"?>\n<Error>' + "".join(parts) + "</Error>"


_STATUS_NAMES = {403: "AccessDenied", 404: "NotFound", 400: "BadRequest", 405: "MethodNotAllowed"}


def upload_failure(
    *,
    status: int | None,
    body: str = "",
    signed: SignedRequest | None = None,
    method: str | None = None,
    sent_headers: dict[str, str] | None = None,
    response_headers: dict[str, str] | None = None,
    size: int = 1000,
    bytes_sent: int | None = None,
    server_time: float | None = NOW,
    local_time: float = NOW,
    code: str | None = None,
    message: str = "",
    stage: str = fc.STAGE_UPLOAD,
    signer: str = "endpoint",
    asked: dict[str, str] | None = None,
    s3_error: dict[str, str] | None = None,
    network_error: str | None = None,
    exact_headers: dict[str, str] | None = None,
    exact_response_headers: dict[str, str] | None = None,
) -> Failure:
    """A Failure the way the engine records one: redacted request and response, the link, the evidence."""
    signed = signed if signed is not None else link()
    sent = {"Content-Length": str(size), "User-Agent": "desktop-uploader/test"}
    sent.update(sent_headers or {})
    if exact_headers is not None:
        sent = dict(exact_headers)
    rh = {"Content-Type": "application/xml", "Server": "AmazonS3", "x-amz-request-id": "4442587FB7D0A2F9"}
    if server_time is not None:
        rh["Date"] = http_date(server_time)
    rh.update(response_headers or {})
    if exact_response_headers is not None:
        rh = dict(exact_response_headers)
    s3 = s3_error if s3_error is not None else (parse_s3_error(body) if body else {})
    if code is None:
        code = s3.get("Code") or _STATUS_NAMES.get(status or 0, f"HTTP{status}")
    return Failure(
        code=code,
        message=message or s3.get("Message") or f"HTTP {status}",
        stage=stage,
        http_status=status,
        s3_error=s3,
        request=SentRequest.build(
            method or signed.method, signed.url, sent, size if bytes_sent is None else bytes_sent
        ),
        response=ReceivedResponse.build(status, rh, body) if status is not None else None,
        signer=signer,
        signed_url=signed.url,
        asked=dict(asked or {"key": KEY, "content_type": "image/jpeg"}),
        file_size=size,
        local_time=local_time,
        server_date=rh.get("Date") if status is not None else None,
        network_error=network_error,
    )


def endpoint_failure(
    status: int | None,
    body: str = "",
    *,
    code: str | None = None,
    content_type: str = "application/json",
    headers: dict[str, str] | None = None,
    message: str = "",
    network_error: str | None = None,
) -> Failure:
    """A failure of the signing endpoint (API Gateway in front of a function, or a plain server)."""
    url = f"https://abc123.execute-api.eu-west-1.amazonaws.com/prod/sign?filekey=cat.jpg&code={FUNCTION_CODE}"
    sent = SentRequest.build("GET", url, {"x-api-key": API_KEY, "Authorization": f"Bearer {BEARER}"})
    rh = {"Content-Type": content_type, "Date": http_date(NOW), **(headers or {})}
    if code is None:
        code = fc.ENDPOINT_ERROR if status and status >= 400 else fc.ENDPOINT_NO_URL
    return Failure(
        code=code,
        message=message or f"The signing service answered {status}",
        stage=fc.STAGE_SIGN,
        http_status=status,
        request=sent,
        response=ReceivedResponse.build(status, rh, body) if status is not None else None,
        signer="endpoint",
        asked={"key": KEY, "content_type": "image/jpeg"},
        local_time=NOW,
        server_date=rh["Date"] if status is not None else None,
        network_error=network_error,
    )
