"""One realistic scenario per catalog entry: the right entry is chosen and every slot in its texts is filled.

The table doubles as a reachability check: a catalog entry without a scenario (or a scenario for an entry that
does not exist) fails ``test_every_catalog_entry_has_a_scenario``.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain import Finding, diagnose, explain, load_catalog, preflight
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import EMPTY_SHA256_HEX
from tests.core.explain.builders import (
    BUCKET,
    HOST,
    KEY,
    NOW,
    TOKEN,
    bare_failure,
    endpoint_failure,
    http_date,
    link,
    s3_xml,
    upload_failure,
    v2_url,
)

GIB = 1024**3
MIB = 1024**2


@dataclass
class Texts:
    code: str
    summary: str
    cause: str
    action: str
    admin_action: str


def _explained(f: Failure, signed: SignedRequest | None = None) -> Texts:
    ex = explain(f, link=signed)
    assert "diagnosis_error" not in ex.details, ex.details["diagnosis_error"]
    return Texts(ex.code, ex.summary, ex.cause, ex.action, ex.admin_action)


def _finding(findings: list[Finding], code: str) -> Texts:
    matches = [f for f in findings if f.code == code]
    assert matches, f"{code} not among {[f.code for f in findings]}"
    f = matches[0]
    return Texts(f.code, f.summary, f.cause, f.action, f.admin_action)


def _s3(status: int, code: str, message: str = "", *, signed: SignedRequest | None = None, **kw: object) -> Texts:
    """An S3 XML error answering an upload; extra XML elements are keyword args whose names start upper-case."""
    xml_extra = {k: str(v) for k, v in kw.items() if k[0].isupper()}
    other = {k: v for k, v in kw.items() if not k[0].isupper()}
    signed = signed or link()
    f = upload_failure(status=status, body=s3_xml(code, message, **xml_extra), signed=signed, **other)  # type: ignore[arg-type]
    return _explained(f, signed)


def _pre(signed: SignedRequest, **kw: object) -> list[Finding]:
    args: dict[str, object] = {
        "method": signed.method, "key": KEY, "bucket": BUCKET, "headers_to_send": {}, "size": 1000, "now": NOW,
    }
    args.update(kw)
    return preflight(signed, **args)  # type: ignore[arg-type]


def _network(code: str, message: str, *, stage: str = fc.STAGE_UPLOAD, signed: SignedRequest | None = None,
             network_error: str | None = None) -> Texts:
    signed = signed or link()
    f = upload_failure(status=None, signed=signed, code=code, message=message, stage=stage,
                       network_error=network_error)
    return _explained(f, signed)


def _local(code: str, message: str) -> Texts:
    return _explained(Failure(code=code, message=message, stage=fc.STAGE_LOCAL, file_size=7 * GIB))


def _html(status: int, html: str, *, headers: dict[str, str] | None = None) -> Texts:
    rh = {"Content-Type": "text/html; charset=utf-8", "Server": "nginx", **(headers or {})}
    f = upload_failure(status=status, body=html, response_headers=rh, code=fc.HTML_RESPONSE)
    return _explained(f, link())


def _front(status: int, body: str, headers: dict[str, str], *, content_type: str = "text/html",
           signed: SignedRequest | None = None, **kw: object) -> Texts:
    """An answer written by something in front of the storage: only the headers given, no storage ids."""
    signed = signed or link()
    rh = {"Content-Type": content_type, "Date": http_date(NOW), **headers}
    f = upload_failure(status=status, body=body, signed=signed, exact_response_headers=rh,  # type: ignore[arg-type]
                       code=fc.HTML_RESPONSE if "html" in content_type else None, **kw)
    return _explained(f, signed)


def _page(title: str, text: str, footer: str = "") -> str:
    return (f"<html><head><title>{title}</title></head><body><center><h1>{title}</h1></center>{text}"
            f"<hr>{footer}</body></html>")


def _endpoint(status: int | None, body: str = "", **kw: object) -> Texts:
    return _explained(endpoint_failure(status, body, **kw))  # type: ignore[arg-type]


def _policy(conditions: list[object]) -> str:
    doc = {"expiration": "2026-01-01T01:00:00Z", "conditions": conditions}
    return base64.b64encode(json.dumps(doc).encode()).decode()


CT_LINK = dict(signed_headers="content-type;host")
ACL_LINK = dict(signed_headers="host;x-amz-acl")
EXPIRED = dict(signed_at=NOW - 2000, expires=900)
ASIA = dict(access_key="ASIAEXAMPLETEMP00001")
REGION_HOST = dict(host="examplebucket.s3.eu-west-1.amazonaws.com")
PART = dict(extra={"partNumber": "3", "uploadId": "upl-EXAMPLE-1"})
EMPTY_CRC_PART = dict(extra={"partNumber": "2", "uploadId": "upl-EXAMPLE-1", "x-amz-checksum-crc32": "AAAAAA==",
                             "x-amz-sdk-checksum-algorithm": "CRC32"})
SEAWEED = {"Server": "SeaweedFS 8000GB 4.48"}
SDNM = ("The request signature we calculated does not match the signature you provided. Check your key and "
        "signing method.")
PORTAL = ("<html><head><title>Guest Wi-Fi Login</title></head><body><h1>Welcome to Hotel Wi-Fi</h1>"
          "<p>Please accept the terms of use to connect to the internet.</p></body></html>")
BLOCK = ("<!DOCTYPE html><html><head><title>Website blocked</title></head><body>Access to this site is blocked "
         "by your organization's web filter (category: file sharing). Zscaler</body></html>")
NGINX_502 = ("<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>"
             "</body></html>")
WEBSITE = "<!doctype html><html><head><title>Example Corp - Home</title></head><body>Our products</body></html>"

APIGW = "abc123.execute-api.eu-west-1.amazonaws.com"
CLOUDFRONT = {"Server": "CloudFront", "X-Cache": "Error from cloudfront",
              "Via": "1.1 5d53b9570a535c2d94ce93c20abbd471.cloudfront.net (CloudFront)",
              "X-Amz-Cf-Id": "qZye4osXZxupOb06RAuK9UXOZIGwGOd2m4evBPg2h1VbQuiga1F97A=="}
CLOUDFRONT_403 = ("<HTML><HEAD><TITLE>ERROR: The request could not be satisfied</TITLE></HEAD><BODY><H1>403 ERROR</H1>"
                  "<H2>The request could not be satisfied.</H2>This distribution is not configured to allow the HTTP "
                  "request method that was used for this request. The distribution supports only cachable requests."
                  "<PRE>Generated by cloudfront (CloudFront)</PRE></BODY></HTML>")
AKAMAI_403 = ("<html><head><title>Access Denied</title></head><body><h1>Access Denied</h1>You don't have permission "
              "to access \"http://upload.example.com/photos/cat.jpg\" on this server.<p>Reference "
              "#18.ef3a2f17.1619133194.15bcf105</p></body></html>")

SCENARIOS: dict[str, Callable[[], Texts]] = {
    # --- SignatureDoesNotMatch, by cause ---
    "SignatureDoesNotMatch.method": lambda: _s3(403, "SignatureDoesNotMatch", SDNM, method="POST"),
    "SignatureDoesNotMatch.key": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, asked={"key": "photos/dog.jpg", "content_type": "image/jpeg"}),
    "SignatureDoesNotMatch.bucket": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, asked={"bucket": "otherbucket", "key": KEY}),
    "SignatureDoesNotMatch.content_type": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, signed=link(headers={"Content-Type": "image/jpeg"}, **CT_LINK),
        sent_headers={"Content-Type": "application/octet-stream"}),
    "SignatureDoesNotMatch.content_type_missing": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, signed=link(headers={"Content-Type": "image/jpeg"}, **CT_LINK)),
    "SignatureDoesNotMatch.header_value": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, signed=link(headers={"x-amz-acl": "private"}, **ACL_LINK),
        sent_headers={"x-amz-acl": "public-read"}),
    "SignatureDoesNotMatch.header_missing": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM,
        signed=link(headers={"x-amz-meta-project": "north"}, signed_headers="host;x-amz-meta-project")),
    "SignatureDoesNotMatch.content_length": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM,
        signed=link(headers={"Content-Length": "500"}, signed_headers="content-length;host")),
    "SignatureDoesNotMatch.unsigned_header": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, sent_headers={"x-amz-meta-site": "north"}, response_headers=SEAWEED),
    "SignatureDoesNotMatch.region": lambda: _s3(403, "SignatureDoesNotMatch", SDNM, signed=link(**REGION_HOST)),
    "SignatureDoesNotMatch.temporary_without_token": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, signed=link(**ASIA)),
    "SignatureDoesNotMatch.key_characters": lambda: _s3(
        403, "SignatureDoesNotMatch", SDNM, signed=link(path="/photos/my%20cat%2B1.jpg"),
        asked={"key": "photos/my cat+1.jpg"}),
    "SignatureDoesNotMatch.credentials": lambda: _s3(403, "SignatureDoesNotMatch", SDNM),
    "SignatureDoesNotMatch.local_secret": lambda: _s3(403, "SignatureDoesNotMatch", SDNM, signer="local"),
    "SignatureDoesNotMatch": lambda: _explained(bare_failure(403, s3_xml("SignatureDoesNotMatch", SDNM))),
    # --- AccessDenied, by cause ---
    "AccessDenied.no_permission": lambda: _s3(403, "AccessDenied", "Access Denied"),
    "AccessDenied.expired": lambda: _s3(
        403, "AccessDenied", "Request has expired", signed=link(**EXPIRED), X__Amz__Expires="900",
        Expires="2025-12-31T23:42:40Z", ServerTime="2026-01-01T00:00:00Z"),
    "AccessDenied.clock": lambda: _s3(
        403, "AccessDenied", "Request has expired", signed=link(signed_at=NOW - 3600 - 5, expires=900),
        local_time=NOW - 3600, signer="local"),
    "AccessDenied.not_yet_valid": lambda: _s3(
        403, "AccessDenied", "Request is not yet valid", signed=link(signed_at=NOW + 3600)),
    "AccessDenied.unsigned_headers": lambda: _s3(
        403, "AccessDenied", "There were headers present in the request which were not signed",
        HeadersNotSigned="x-amz-acl", sent_headers={"x-amz-acl": "private"}),
    "AccessDenied.kms": lambda: _s3(
        403, "AccessDenied", "User: arn:aws:iam::111122223333:user/signer is not authorized to perform: "
        "kms:GenerateDataKey on resource: arn:aws:kms:us-east-1:111122223333:key/1234abcd"),
    "AccessDenied.public_acl": lambda: _s3(
        403, "AccessDenied", "Access Denied", signed=link(headers={"x-amz-acl": "public-read"}, **ACL_LINK),
        sent_headers={"x-amz-acl": "public-read"}),
    "AccessControlListNotSupported": lambda: _s3(
        400, "AccessControlListNotSupported", "The bucket does not allow ACLs",
        signed=link(headers={"x-amz-acl": "public-read"}, **ACL_LINK), sent_headers={"x-amz-acl": "public-read"}),
    # --- credentials and tokens ---
    "InvalidAccessKeyId": lambda: _s3(
        403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records."),
    "InvalidAccessKeyId.local": lambda: _s3(
        403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
        signer="local"),
    "InvalidAccessKeyId.temporary_without_token": lambda: _s3(
        403, "InvalidAccessKeyId", "The AWS Access Key Id you provided does not exist in our records.",
        signed=link(**ASIA)),
    "ExpiredToken": lambda: _s3(
        400, "ExpiredToken", "The provided token has expired.", Token__0=TOKEN, signed=link(token=TOKEN, **ASIA)),
    "InvalidToken": lambda: _s3(
        400, "InvalidToken", "The provided token is malformed or otherwise invalid.", Token__0=TOKEN,
        signed=link(token=TOKEN, **ASIA)),
    "TokenRefreshRequired": lambda: _s3(400, "TokenRefreshRequired", "The provided token must be refreshed."),
    "RequestTimeTooSkewed": lambda: _s3(
        403, "RequestTimeTooSkewed", "The difference between the request time and the current time is too large.",
        RequestTime="20251231T230000Z", ServerTime="2026-01-01T00:00:00Z", MaxAllowedSkewMilliseconds="900000"),
    # --- query and header authorization ---
    "AuthorizationQueryParametersError.expires_too_long": lambda: _s3(
        400, "AuthorizationQueryParametersError",
        "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less "
        "than 604800 seconds", signed=link(expires=700000)),
    "AuthorizationQueryParametersError.region": lambda: _s3(
        400, "AuthorizationQueryParametersError",
        "Error parsing the X-Amz-Credential parameter; the region 'us-east-1' is wrong; expecting 'eu-west-1'",
        Region="eu-west-1"),
    "AuthorizationQueryParametersError.credential": lambda: _s3(
        400, "AuthorizationQueryParametersError",
        'Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting '
        '"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request".'),
    "AuthorizationQueryParametersError.date": lambda: _s3(
        400, "AuthorizationQueryParametersError", "X-Amz-Date must be in the ISO8601 Long Format"),
    "AuthorizationQueryParametersError": lambda: _s3(
        400, "AuthorizationQueryParametersError",
        "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, "
        "X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."),
    "AuthorizationHeaderMalformed.region": lambda: _s3(
        400, "AuthorizationHeaderMalformed",
        "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'ap-southeast-2'",
        Region="ap-southeast-2"),
    "AuthorizationHeaderMalformed": lambda: _s3(
        400, "AuthorizationHeaderMalformed", "The authorization header is malformed; a non-empty Access Key "
        "(AKID) must be provided in the credential."),
    "InvalidArgument.sigv4_required": lambda: _s3(
        400, "InvalidArgument", "Requests specifying Server Side Encryption with AWS KMS managed keys require "
        "AWS Signature Version 4.", ArgumentName="Authorization", signed=link(v2_url(expires_at=NOW + 600))),
    "InvalidArgument.part_number": lambda: _s3(
        400, "InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive",
        ArgumentName="partNumber", ArgumentValue="0", PartNumber="0"),
    "InvalidArgument.expires": lambda: _s3(
        400, "InvalidArgument", "X-Amz-Expires must be non-negative", ArgumentName="X-Amz-Expires"),
    "InvalidArgument": lambda: _s3(
        400, "InvalidArgument", "Invalid storage class.", ArgumentName="x-amz-storage-class",
        ArgumentValue="FROZEN"),
    "InvalidRequest.sigv4_required": lambda: _s3(
        400, "InvalidRequest", "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256."),
    "InvalidRequest.checksum": lambda: _s3(
        400, "InvalidRequest", "Checksum Type mismatch occurred, expected checksum Type: null, actual checksum "
        "Type: crc32c", signed=link(**PART), sent_headers={"x-amz-checksum-crc32c": "yZRlqg=="}),
    "InvalidRequest.acl": lambda: _s3(
        400, "InvalidRequest", "Bucket cannot have ACLs set with ObjectOwnership's BucketOwnerEnforced setting"),
    "InvalidRequest": lambda: _s3(400, "InvalidRequest", "Missing required header for this request: x-amz-date"),
    # --- location ---
    "PermanentRedirect": lambda: _s3(
        301, "PermanentRedirect", "The bucket you are attempting to access must be addressed using the specified "
        "endpoint.", Bucket=BUCKET, Endpoint="examplebucket.s3.eu-west-1.amazonaws.com"),
    "TemporaryRedirect": lambda: _s3(
        307, "TemporaryRedirect", "Please re-send this request to the specified temporary endpoint.",
        Bucket=BUCKET, Endpoint="examplebucket.s3-eu-west-1.amazonaws.com",
        response_headers={"Location": "https://examplebucket.s3-eu-west-1.amazonaws.com/photos/cat.jpg",
                          "x-amz-bucket-region": "eu-west-1"}),
    "NoSuchBucket": lambda: _s3(404, "NoSuchBucket", "The specified bucket does not exist", BucketName=BUCKET),
    "NoSuchKey": lambda: _s3(404, "NoSuchKey", "The specified key does not exist.", Key=KEY, method="GET",
                             signed=link(method="GET")),
    "NoSuchUpload": lambda: _s3(
        404, "NoSuchUpload", "The specified upload does not exist.", UploadId="upl-EXAMPLE-1", signed=link(**PART)),
    "MethodNotAllowed.method": lambda: _s3(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource.", method="POST",
        Method="POST", ResourceType="OBJECT"),
    "MethodNotAllowed.no_key": lambda: _s3(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
        signed=link(path="/")),
    "MethodNotAllowed": lambda: _s3(
        405, "MethodNotAllowed", "The specified method is not allowed against this resource.",
        Resource="/photos/cat.jpg"),
    # --- sizes, parts, integrity ---
    "EntityTooLarge.single_put": lambda: _s3(
        400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", size=6 * GIB,
        bytes_sent=64 * MIB, ProposedSize=str(6 * GIB), MaxSizeAllowed=str(5 * GIB)),
    "EntityTooLarge.post_policy": lambda: _s3(
        400, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", method="POST",
        signed=SignedRequest("POST", f"https://{HOST}/", fields={
            "key": KEY, "policy": _policy([["content-length-range", 0, 1000]]), "x-amz-signature": "abc"}),
        size=5000),
    "EntityTooLarge": lambda: _s3(
        413, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size", size=100 * MIB,
        ProposedSize=str(100 * MIB), MaxSizeAllowed=str(50 * MIB), response_headers=SEAWEED),
    "EntityTooSmall": lambda: _s3(
        400, "EntityTooSmall", "Your proposed upload is smaller than the minimum allowed object size.",
        ProposedSize="1048576", MinSizeAllowed="5242880", PartNumber="1", method="POST",
        signed=link(method="POST", extra={"uploadId": "upl-EXAMPLE-1"})),
    "InvalidPart": lambda: _s3(
        400, "InvalidPart", "One or more of the specified parts could not be found.", PartNumber="2",
        UploadId="upl-EXAMPLE-1", ETag="abc", method="POST", signed=link(method="POST", extra={"uploadId": "u"})),
    "InvalidPartOrder": lambda: _s3(
        400, "InvalidPartOrder", "The list of parts was not in ascending order.", method="POST",
        signed=link(method="POST", extra={"uploadId": "u"})),
    "BadDigest.checksum_of_empty": lambda: _s3(
        400, "BadDigest", "The CRC32 you specified did not match the calculated checksum.",
        signed=link(**EMPTY_CRC_PART), size=8 * MIB),
    "BadDigest": lambda: _s3(
        400, "BadDigest", "The Content-MD5 you specified did not match what we received.",
        ExpectedDigest="1B2M2Y8AsgTpgAmY7PhCfg==", CalculatedDigest="XrY7u+Ae7tCTyyK7j1rNww=="),
    "InvalidDigest": lambda: _s3(400, "InvalidDigest", "The Content-MD5 you specified is not valid."),
    "XAmzContentSHA256Mismatch.checksum_of_empty": lambda: _s3(
        400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was "
        "computed.", signed=link(headers={"x-amz-content-sha256": EMPTY_SHA256_HEX},
                                 signed_headers="host;x-amz-content-sha256"),
        sent_headers={"x-amz-content-sha256": EMPTY_SHA256_HEX}),
    "XAmzContentSHA256Mismatch": lambda: _s3(
        400, "XAmzContentSHA256Mismatch", "The provided 'x-amz-content-sha256' header does not match what was "
        "computed.", ClientComputedContentSHA256="abc", S3ComputedContentSHA256="def"),
    "MissingContentLength.chunked": lambda: _s3(
        411, "MissingContentLength", "You must provide the Content-Length HTTP header.",
        exact_headers={"Transfer-Encoding": "chunked"}),
    "MissingContentLength": lambda: _s3(
        411, "MissingContentLength", "You must provide the Content-Length HTTP header.", exact_headers={}),
    "NotImplemented.chunked": lambda: _s3(
        501, "NotImplemented", "A header you provided implies functionality that is not implemented",
        Header="Transfer-Encoding"),
    "NotImplemented": lambda: _s3(
        501, "NotImplemented", "A header you provided implies functionality that is not implemented",
        Header="x-amz-object-lock-mode"),
    "RequestTimeout": lambda: _s3(
        400, "RequestTimeout", "Your socket connection to the server was not read from or written to within the "
        "timeout period. Idle connections will be closed.", bytes_sent=65536),
    "IncompleteBody": lambda: _s3(
        400, "IncompleteBody", "You did not provide the number of bytes specified by the Content-Length HTTP "
        "header", bytes_sent=400),
    "PreconditionFailed.if_none_match": lambda: _s3(
        412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
        Condition="If-None-Match", sent_headers={"If-None-Match": "*"}),
    "PreconditionFailed": lambda: _s3(
        412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold",
        Condition="If-Match", sent_headers={"If-Match": '"abc"'}),
    # --- server side ---
    "SlowDown": lambda: _s3(503, "SlowDown", "Please reduce your request rate.",
                            response_headers={"Retry-After": "5"}),
    "ServiceUnavailable": lambda: _s3(503, "ServiceUnavailable", "Service is unable to handle request."),
    "InternalError.s3_compatible": lambda: _s3(
        500, "InternalError", "We encountered an internal error, please try again.", BucketName="missing-bucket",
        signed=link(host="127.0.0.1:8333", path="/missing-bucket/cat.jpg", scheme="http"), response_headers=SEAWEED,
        asked={"key": "cat.jpg"}),
    "InternalError": lambda: _s3(500, "InternalError", "We encountered an internal error. Please try again."),
    "KMS.DisabledException": lambda: _s3(400, "KMS.DisabledException", "arn:aws:kms:us-east-1:1:key/abc is disabled."),
    "KMS.NotFoundException": lambda: _s3(
        400, "KMS.NotFoundException", "Invalid keyId abc",
        signed=link(headers={"x-amz-server-side-encryption": "aws:kms",
                             "x-amz-server-side-encryption-aws-kms-key-id": "alias/uploads"},
                    signed_headers="host;x-amz-server-side-encryption;x-amz-server-side-encryption-aws-kms-key-id"),
        sent_headers={"x-amz-server-side-encryption": "aws:kms",
                      "x-amz-server-side-encryption-aws-kms-key-id": "alias/uploads"}),
    "KMS.KMSInvalidStateException": lambda: _s3(
        400, "KMS.KMSInvalidStateException", "arn:aws:kms:us-east-1:1:key/abc is pending deletion."),
    "KMS.ThrottlingException": lambda: _s3(503, "KMS.ThrottlingException", "Rate exceeded"),
    "KMS.other": lambda: _s3(400, "KMS.InvalidKeyUsageException", "The key cannot be used for encryption."),
    "InvalidBucketName": lambda: _s3(400, "InvalidBucketName", "The specified bucket is not valid.",
                                     BucketName="Bad_Name"),
    "KeyTooLongError": lambda: _s3(400, "KeyTooLongError", "Your key is too long"),
    "MalformedXML": lambda: _s3(400, "MalformedXML", "The XML you provided was not well-formed."),
    "QuotaExceeded": lambda: _s3(403, "QuotaExceeded", "Bucket quota exceeded"),
    "S3.unknown": lambda: _s3(
        409, "OperationAborted", "A conflicting conditional operation is currently in progress against this resource."),
    # --- bodiless answers (HEAD) ---
    "Status.400": lambda: _explained(upload_failure(status=400, method="HEAD", signed=link(method="HEAD"))),
    "Status.403": lambda: _explained(upload_failure(status=403, method="HEAD", signed=link(method="HEAD"))),
    "Status.404": lambda: _explained(upload_failure(status=404, method="HEAD", signed=link(method="HEAD"))),
    "Status.409": lambda: _explained(upload_failure(status=409)),
    "Status.gateway": lambda: _explained(upload_failure(status=504)),
    "Status.other": lambda: _explained(upload_failure(status=418)),
    # --- answers that are not from the storage ---
    "Network.captive_portal": lambda: _html(302, PORTAL, headers={"Location": "http://wifi.hotel.example/login"}),
    "Network.block_page": lambda: _html(403, BLOCK),
    "Network.gateway_html": lambda: _html(502, NGINX_502),
    "Network.html_page": lambda: _html(404, WEBSITE),
    "Network.proxy_auth": lambda: _explained(upload_failure(
        status=407, code="ProxyAuthenticationRequired", response_headers={"Proxy-Authenticate": 'Basic realm="x"'})),
    "Network.unexpected": lambda: _explained(upload_failure(
        status=400, body='{"error": "unsupported"}', response_headers={"Content-Type": "application/json"})),
    # --- answers written in front of the storage: CDNs, proxies, gateways, web servers ---
    "CDN.method": lambda: _front(403, CLOUDFRONT_403, CLOUDFRONT),
    "CDN.too_large": lambda: _front(413, _page("413 Request Entity Too Large", "", "<center>cloudflare</center>"),
                                    {"Server": "cloudflare", "CF-RAY": "80dce51d29821942-FRA"}, size=150 * MIB),
    "CDN.forbidden": lambda: _front(403, AKAMAI_403, {"Server": "AkamaiGHost"}),
    "CDN.gateway": lambda: _front(522, _page("upload.example.com | 522: Connection timed out", "Cloudflare Ray ID"),
                                  {"Server": "cloudflare", "CF-RAY": "7faa23b91daf3b12-IAD"}),
    "CDN.other": lambda: _front(418, "Fastly error: unknown domain upload.example.com", {
        "X-Served-By": "cache-fra-etou8220022-FRA"}, content_type="text/plain"),
    "Proxy.method": lambda: _front(405, _page("405 Not Allowed", "", "<center>nginx</center>"), {"Server": "nginx"}),
    "Proxy.too_large": lambda: _front(413, _page("413 Request Entity Too Large", "", "<center>nginx/1.21.3</center>"),
                                      {"Server": "nginx/1.21.3"}, size=2 * MIB),
    "Proxy.forbidden": lambda: _front(403, "<html><body><h1>403 Forbidden</h1>\nRequest forbidden by administrative "
                                           "rules.\n</body></html>", {}),
    "Proxy.not_found": lambda: _front(404, _page("404 Not Found", "", "<center>nginx</center>"), {"Server": "nginx"}),
    "Proxy.timeout": lambda: _front(408, _page("408 Request Time-out", "", "<center>nginx</center>"),
                                    {"Server": "nginx"}, bytes_sent=4096),
    "Proxy.gateway": lambda: _front(503, "upstream connect error or disconnect/reset before headers. reset reason: "
                                         "connection failure", {"server": "envoy"}, content_type="text/plain"),
    "Proxy.other": lambda: _front(400, _page("400 Bad Request", "Your browser sent a request that this server could "
                                             "not understand.", "<address>Apache/2.4.57 (Debian) Server at "
                                             "files.example.org Port 443</address>"), {"Server": "Apache/2.4.57"}),
    "APIGateway.forbidden": lambda: _front(403, '{"message":"Forbidden"}', {
        "x-amzn-ErrorType": "ForbiddenException"}, content_type="application/json", signed=link(host=APIGW)),
    "APIGateway.not_found": lambda: _front(403, '{"message":"Missing Authentication Token"}', {
        "x-amzn-ErrorType": "MissingAuthenticationTokenException"}, content_type="application/json",
        signed=link(host=APIGW)),
    "APIGateway.too_large": lambda: _front(413, '{"message":"Request Too Long"}', {"x-amz-apigw-id": "Ab1=="},
                                           content_type="application/json", signed=link(host=APIGW), size=12 * MIB),
    "APIGateway.gateway": lambda: _front(504, '{"message": "Endpoint request timed out"}', {
        "x-amz-apigw-id": "Ab1=="}, content_type="application/json", signed=link(host=APIGW)),
    "APIGateway.other": lambda: _front(400, '{"message": "Invalid request body"}', {"x-amz-apigw-id": "Ab1=="},
                                       content_type="application/json", signed=link(host=APIGW)),
    "WebServer.method": lambda: _front(405, _page("405 - HTTP verb used to access this page is not allowed.", ""),
                                       {"Server": "Microsoft-IIS/10.0"}),
    "WebServer.too_large": lambda: _front(413, _page("413 Request Entity Too Large", ""),
                                          {"Server": "Microsoft-IIS/10.0"}, size=40 * MIB),
    "WebServer.other": lambda: _front(404, _page("404 - File or directory not found.", ""),
                                      {"Server": "Microsoft-IIS/10.0"}),
    "Network.proxy_too_large": lambda: _front(413, _page("ERROR: The requested URL could not be retrieved", ""), {
        "Server": "squid/5.7", "X-Squid-Error": "ERR_TOO_BIG 0"}, size=300 * MIB),
    "Network.proxy_other": lambda: _front(400, _page("ERROR: The requested URL could not be retrieved", ""), {
        "Server": "squid/3.4.8", "X-Squid-Error": "ERR_INVALID_URL 0"}),
    # --- provider differences ---
    "CredentialsNotSupported": lambda: _s3(400, "CredentialsNotSupported",
                                           "This request does not support given credentials type."),
    "MinIO.storage_full": lambda: _s3(
        507, "XMinioStorageFull", "Storage backend has reached its minimum free drive threshold. Please delete a few "
        "objects to proceed.", response_headers={"Server": "MinIO"}),
    "MinIO.quota": lambda: _s3(400, "XMinioAdminBucketQuotaExceeded", "Bucket quota exceeded"),
    "MinIO.unavailable": lambda: _s3(503, "XMinioWriteQuorum", "Multiple disks failures, unable to write data."),
    "MinIO.object_name": lambda: _s3(400, "XMinioInvalidObjectName", "Object name contains unsupported characters."),
    "B2.cap_exceeded": lambda: _s3(403, "AccessDenied", "Cannot upload files, storage cap exceeded."),
    "B2.not_entitled": lambda: _s3(403, "AccessDenied", "not entitled"),
    "InvalidArgument.unsupported_header": lambda: _s3(
        400, "InvalidArgument", "Unsupported header 'x-amz-checksum-sha256' received for this API call."),
    "R2.part_sizes": lambda: _s3(400, "InvalidPart", "All non-trailing parts must have the same length.",
                                 signed=link(**PART)),
    "InvalidRequest.object_lock": lambda: _s3(
        400, "InvalidRequest", "Content-MD5 OR x-amz-checksum- HTTP header is required for Put Object requests with "
        "Object Lock parameters"),
    "InvalidArgument.payload_hash": lambda: _s3(
        400, "InvalidArgument", "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD, "
        "or a valid sha256 value."),
    "AccessDenied.post_policy": lambda: _s3(
        403, "AccessDenied", 'Invalid according to Policy: Policy Condition failed: ["starts-with", "$key", '
        '"uploads/"]'),
    "AccessDenied.post_policy_expired": lambda: _s3(
        403, "AccessDenied", "Invalid according to Policy: Policy expired."),
    "InvalidArgument.post_field": lambda: _s3(
        400, "InvalidArgument", "Bucket POST must contain a field named 'key'.  If it is specified, please check the "
        "order of the fields."),
    "PreconditionFailed.post_form": lambda: _s3(
        412, "PreconditionFailed", "At least one of the pre-conditions you specified did not hold", method="POST",
        Condition="Bucket POST must be of the enclosure-type multipart/form-data"),
    "BucketAlreadyOwnedByYou.put_to_bucket": lambda: _s3(
        409, "BucketAlreadyOwnedByYou", "Your previous request to create the named bucket succeeded and you already "
        "own it.", signed=link(path="/")),
    "Link.outlives_session": lambda: _finding(_pre(link(token=TOKEN, expires=86400)), "Link.outlives_session"),
    # --- network failures ---
    "Network.dns": lambda: _network(fc.DNS_FAILURE, "Failed to resolve 'examplebucket.s3.amazonaws.com'"),
    "Network.refused": lambda: _network(fc.CONNECTION_REFUSED, "[Errno 111] Connection refused"),
    "Network.reset": lambda: _network(fc.CONNECTION_RESET, "Connection reset by peer"),
    "Network.timeout": lambda: _network(fc.TIMEOUT, "Read timed out. (read timeout=120)"),
    "Network.connect_timeout": lambda: _network(fc.TIMEOUT, "Connection to host timed out. (connect timeout=15)"),
    "Network.tls": lambda: _network(fc.TLS_ERROR, "certificate verify failed: Hostname mismatch"),
    "Network.tls_intercepted": lambda: _network(
        fc.TLS_ERROR, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate in "
        "certificate chain"),
    "Network.tls_bucket_dots": lambda: _network(
        fc.TLS_ERROR, "certificate verify failed: Hostname mismatch",
        signed=link(host="photos.example.com.s3.amazonaws.com")),
    "Network.tls_clock": lambda: _network(fc.TLS_ERROR, "certificate verify failed: certificate is not yet valid"),
    "Network.unreachable": lambda: _explained(endpoint_failure(
        None, code=fc.ENDPOINT_UNREACHABLE, message="The signing service could not be reached.")),
    "Network.error": lambda: _network(fc.NETWORK_ERROR, "('Connection aborted.', RemoteDisconnected())"),
    "Network.proxy_unreachable": lambda: _network(
        fc.PROXY_UNREACHABLE, "The proxy proxy.corp.example:3128 could not be reached: it refused the connection: "
        "HTTPSConnectionPool(host='examplebucket.s3.amazonaws.com', port=443): Max retries exceeded (Caused by "
        "ProxyError('Unable to connect to proxy', NewConnectionError(\"[Errno 111] Connection refused\")))"),
    # --- the signing endpoint ---
    "Endpoint.wrong_path": lambda: _endpoint(403, '{"message":"Missing Authentication Token"}'),
    "Endpoint.api_key": lambda: _endpoint(403, '{"message":"Forbidden"}'),
    "Endpoint.not_authorized": lambda: _endpoint(403, '{"Message":"User is not authorized to access this resource"}'),
    "Endpoint.unauthorized": lambda: _endpoint(401, '{"message":"Unauthorized"}'),
    "Endpoint.device_revoked": lambda: _endpoint(
        403, '{"error": "device_revoked", "message": "The key of device \'tablet-02\' was revoked."}'),
    "Endpoint.key_not_allowed": lambda: _endpoint(
        403, '{"error": "key_not_allowed", "message": "Device \'tablet-01\' may only upload under \'uploads/t1/\'."}'),
    "Endpoint.throttled": lambda: _endpoint(429, '{"message":"Too Many Requests"}', headers={"Retry-After": "3"}),
    "Endpoint.function_crashed": lambda: _endpoint(502, '{"message": "Internal server error"}'),
    "Endpoint.timeout": lambda: _endpoint(504, '{"message": "Endpoint request timed out"}'),
    "Endpoint.unavailable": lambda: _endpoint(503, '{"message": "Service Unavailable"}'),
    "Endpoint.server_error": lambda: _endpoint(500, '{"errorMessage": "boom", "errorType": "TypeError"}'),
    "Endpoint.not_found": lambda: _endpoint(404, '{"message": "Not Found"}'),
    "Endpoint.method_not_allowed": lambda: _endpoint(405, '{"message": "Method Not Allowed"}'),
    "Endpoint.empty_error": lambda: _endpoint(400, "{}"),
    "Endpoint.missing_parameter": lambda: _endpoint(
        400, json.dumps('Missing required parameters "filekey" and "contentType"')),
    "Endpoint.rejected": lambda: _endpoint(400, json.dumps("Only photos may be uploaded here")),
    "Endpoint.bad_response": lambda: _endpoint(200, "OK, signed!", code=fc.ENDPOINT_BAD_RESPONSE,
                                               content_type="text/plain"),
    "Endpoint.no_url": lambda: _endpoint(200, '{"url": null}', code=fc.ENDPOINT_NO_URL),
    "Endpoint.bad_url": lambda: _endpoint(
        200, '{"signed_url": "s3://bucket/key"}', code=fc.ENDPOINT_BAD_URL,
        message="The signing service returned something that is not an http(s) link."),
    "Endpoint.wrong_key": lambda: _endpoint(200, '{"signed_url": "https://x/other.jpg"}', code=fc.ENDPOINT_WRONG_KEY,
                                            message="The signing service returned a link for '/other.jpg'."),
    "Endpoint.redirect_refused": lambda: _endpoint(
        302, "", code=fc.ENDPOINT_REDIRECT, message="The signing service redirected the app to another address "
        "(https://other.example.net); the app does not take the profile's secret headers there."),
    "Endpoint.answer_too_large": lambda: _endpoint(
        200, "", code=fc.ENDPOINT_TOO_LARGE, message="The signing service sent a far larger answer than a link."),
    "Endpoint.signed_header_unknown": lambda: _endpoint(
        200, "{}", code=fc.SIGNED_HEADER_UNKNOWN, message="The link signs x-amz-meta-site, whose value is unknown."),
    "Endpoint.html": lambda: _endpoint(200, WEBSITE, code=fc.ENDPOINT_HTML, content_type="text/html"),
    # --- local ---
    "Local.file_vanished": lambda: _local(fc.FILE_VANISHED, "/data/cat.jpg no longer exists"),
    "Local.file_unreadable": lambda: _local(fc.FILE_UNREADABLE, "Permission denied: /data/cat.jpg"),
    "Local.file_changed": lambda: _local(fc.FILE_CHANGED, "size changed from 1000 to 2000 bytes"),
    "Local.profile_invalid": lambda: _local(fc.PROFILE_INVALID, "profile 'field': endpoint_url is empty"),
    "Local.profile_missing": lambda: _local(fc.PROFILE_MISSING, "no profile named 'field'"),
    "Local.credentials_missing": lambda: _local(fc.CREDENTIALS_MISSING, "x-api-key for profile 'field' not set"),
    "Local.keychain_unavailable": lambda: _local(fc.KEYRING_UNAVAILABLE, "No recommended backend was available"),
    "Local.insecure_url": lambda: _local(fc.INSECURE_URL, "http://storage.example.com is not encrypted"),
    "Local.too_large": lambda: _local(fc.TOO_LARGE, "7 GiB is more than a single PUT allows"),
    "Verify.checksum_mismatch": lambda: _local(fc.ETAG_MISMATCH, "ETag abc differs from MD5 def"),
    "Unknown": lambda: _local(fc.UNKNOWN, "Unexpected error: RuntimeError('x')"),
    # --- findings about a link (preflight) ---
    "Link.malformed": lambda: _finding(
        _pre(link(f"https://{HOST}/{KEY}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=garbage"
                  "&X-Amz-Date=yesterday&X-Amz-SignedHeaders=host&X-Amz-Signature=abc")), "Link.malformed"),
    "Link.unsigned": lambda: _finding(_pre(link(f"https://{HOST}/{KEY}")), "Link.unsigned"),
    "Link.sigv2": lambda: _finding(_pre(link(v2_url(expires_at=NOW + 600))), "Link.sigv2"),
    "Link.insecure": lambda: _finding(_pre(link(host="storage.example.com", scheme="http",
                                                path=f"/{BUCKET}/{KEY}")), "Link.insecure"),
    "Link.expires_too_long": lambda: _finding(_pre(link(expires=700000)), "Link.expires_too_long"),
    "Link.expired": lambda: _finding(_pre(link(**EXPIRED)), "Link.expired"),
    "Link.expires_soon": lambda: _finding(_pre(link(signed_at=NOW - 880, expires=900)), "Link.expires_soon"),
    "Link.not_yet_valid": lambda: _finding(_pre(link(signed_at=NOW + 3600)), "Link.not_yet_valid"),
    "Link.method_mismatch": lambda: _finding(_pre(link(), method="POST"), "Link.method_mismatch"),
    "Link.bucket_mismatch": lambda: _finding(_pre(link(), bucket="otherbucket"), "Link.bucket_mismatch"),
    "Link.key_mismatch": lambda: _finding(_pre(link(), key="photos/dog.jpg"), "Link.key_mismatch"),
    "Link.content_type_missing": lambda: _finding(
        _pre(link(headers={"Content-Type": "image/jpeg"}, **CT_LINK)), "Link.content_type_missing"),
    "Link.content_type_mismatch": lambda: _finding(
        _pre(link(headers={"Content-Type": "image/jpeg"}, **CT_LINK), headers_to_send={"Content-Type": "image/png"}),
        "Link.content_type_mismatch"),
    "Link.header_not_sent": lambda: _finding(
        _pre(link(headers={"x-amz-acl": "private"}, **ACL_LINK)), "Link.header_not_sent"),
    "Link.header_value_mismatch": lambda: _finding(
        _pre(link(headers={"x-amz-acl": "private"}, **ACL_LINK), headers_to_send={"x-amz-acl": "public-read"}),
        "Link.header_value_mismatch"),
    "Link.content_length_mismatch": lambda: _finding(
        _pre(link(), headers_to_send={"Content-Length": "10"}), "Link.content_length_mismatch"),
    "Link.unsigned_amz_header": lambda: _finding(
        _pre(link(), headers_to_send={"x-amz-meta-site": "north"}), "Link.unsigned_amz_header"),
    "Link.chunked": lambda: _finding(_pre(link(), headers_to_send={"Transfer-Encoding": "chunked"}), "Link.chunked"),
    "Link.temporary_key_without_token": lambda: _finding(_pre(link(**ASIA)), "Link.temporary_key_without_token"),
    "Link.region_mismatch": lambda: _finding(_pre(link(**REGION_HOST)), "Link.region_mismatch"),
    "Link.sigv2_kms": lambda: _finding(
        _pre(link(v2_url(expires_at=NOW + 600), headers={"x-amz-server-side-encryption": "aws:kms"})),
        "Link.sigv2_kms"),
    "Link.checksum_of_empty": lambda: _finding(_pre(link(**EMPTY_CRC_PART), size=8 * MIB), "Link.checksum_of_empty"),
    "Link.checksum_algorithm_only": lambda: _finding(
        _pre(link(extra={"partNumber": "1", "uploadId": "u", "x-amz-sdk-checksum-algorithm": "CRC32"})),
        "Link.checksum_algorithm_only"),
    "Link.part_number_invalid": lambda: _finding(
        _pre(link(extra={"partNumber": "10001", "uploadId": "u"})), "Link.part_number_invalid"),
    "Link.single_put_too_large": lambda: _finding(_pre(link(), size=6 * GIB), "Link.single_put_too_large"),
    "Link.part_too_large": lambda: _finding(_pre(link(**PART), size=6 * GIB), "Link.part_too_large"),
    "Link.part_too_small": lambda: _finding(_pre(link(**PART), size=MIB, last_part=False), "Link.part_too_small"),
    "Link.post_size_out_of_range": lambda: _finding(
        _pre(SignedRequest("POST", f"https://{HOST}/", fields={
            "key": KEY, "policy": _policy([["content-length-range", 1, 1000]]), "x-amz-signature": "abc"}),
            size=5000), "Link.post_size_out_of_range"),
    "Link.ok": lambda: _explained(Failure(code="Link.ok", message="", stage=fc.STAGE_UPLOAD, local_time=NOW),
                                  link()),
    "Clock.skew": lambda: _finding(diagnose(upload_failure(status=403, local_time=NOW + 2400)), "Clock.skew"),
}


def test_every_catalog_entry_has_a_scenario() -> None:
    entries = set(load_catalog().entries)
    assert sorted(entries - set(SCENARIOS)) == []
    assert sorted(set(SCENARIOS) - entries) == []


_LEFTOVER = re.compile(r"\{[A-Za-z_]\w*\}|\[\[|\]\]")


@pytest.mark.parametrize("entry_id", sorted(SCENARIOS))
def test_scenario_picks_its_entry_and_fills_every_slot(entry_id: str) -> None:
    texts = SCENARIOS[entry_id]()
    assert texts.code == entry_id
    unknown = load_catalog().unknown
    for name in ("summary", "cause", "action", "admin_action"):
        value = getattr(texts, name)
        assert value.strip(), name
        assert unknown not in value, f"{entry_id}.{name} has an unfilled slot: {value}"
        assert not _LEFTOVER.search(value), f"{entry_id}.{name}: {value}"
    assert len(texts.summary.split()) <= 25, texts.summary
