"""Reading answers: S3 XML errors (and their S3-compatible variants), endpoint JSON, HTML, saved exchanges."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from desktop_uploader.core.protocol.responses import (
    answer_field,
    body_kind,
    endpoint_message,
    html_title,
    parse_list_page,
    parse_parts_page,
    parse_s3_error,
    split_http_message,
)

AWS_SDNM = """<?xml version="1.0" encoding="UTF-8"?>
<Error><Code>SignatureDoesNotMatch</Code><Message>The request signature we calculated does not match the signature
 you provided. Check your key and signing method.</Message><AWSAccessKeyId>AKIAEXAMPLEKEY000001</AWSAccessKeyId>
<StringToSign>AWS4-HMAC-SHA256
20260101T000000Z
20260101/us-east-1/s3/aws4_request
abc</StringToSign><SignatureProvided>5ec12e7f</SignatureProvided><StringToSignBytes>41 57 53</StringToSignBytes>
<CanonicalRequest>PUT
/photos/cat.jpg
X-Amz-Algorithm=AWS4-HMAC-SHA256
content-type:text/plain
host:examplebucket.s3.amazonaws.com

content-type;host
UNSIGNED-PAYLOAD</CanonicalRequest><RequestId>R1</RequestId><HostId>H1</HostId></Error>"""


def test_aws_error_with_all_its_extras() -> None:
    fields = parse_s3_error(AWS_SDNM)
    assert fields["Code"] == "SignatureDoesNotMatch"
    assert fields["Message"].startswith("The request signature")
    assert fields["RequestId"] == "R1" and fields["HostId"] == "H1"
    assert fields["CanonicalRequest"].splitlines()[0] == "PUT"
    assert fields["AWSAccessKeyId"] == "AKIAEXAMPLEKEY000001"


def test_seaweedfs_error() -> None:
    body = (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>Request has expired'
            b"</Message><Resource>/bkt/c.txt</Resource><RequestId>18EC</RequestId><Key>c.txt</Key>"
            b"<BucketName>bkt</BucketName></Error>")
    assert parse_s3_error(body) == {
        "Code": "AccessDenied", "Message": "Request has expired", "Resource": "/bkt/c.txt", "RequestId": "18EC",
        "Key": "c.txt", "BucketName": "bkt",
    }


@pytest.mark.parametrize(
    "body",
    [
        # a default namespace
        '<Error xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Code>NoSuchKey</Code><Message>m</Message></Error>',
        # a prefixed namespace
        '<s3:Error xmlns:s3="urn:x"><s3:Code>NoSuchKey</s3:Code><s3:Message>m</s3:Message></s3:Error>',
        # wrapped, as some gateways do
        "<ErrorResponse><Error><Type>Sender</Type><Code>NoSuchKey</Code><Message>m</Message></Error></ErrorResponse>",
        # other case
        "<error><code>NoSuchKey</code><message>m</message></error>",
        # a BOM and leading whitespace
        "\ufeff  \n<Error><Code>NoSuchKey</Code><Message>m</Message></Error>",
        # truncated (bodies are stored cut short)
        "<Error><Code>NoSuchKey</Code><Message>m</Message><CanonicalRequest>PUT\n/a",
    ],
)
def test_s3_compatible_variants(body: str) -> None:
    fields = parse_s3_error(body)
    assert fields["Code"] == "NoSuchKey"
    assert fields["Message"] == "m"


def test_missing_message_is_tolerated() -> None:
    # Ceph RGW answers some errors without a Message.
    assert parse_s3_error("<Error><Code>NoSuchBucket</Code><BucketName>b</BucketName></Error>") == {
        "Code": "NoSuchBucket", "BucketName": "b"}


@pytest.mark.parametrize(
    "body",
    ["", "   ", "not xml", '{"message": "x"}', "<html><body>Login</body></html>",
     "<ListBucketResult><Name>b</Name></ListBucketResult>", "<Error><Message>no code</Message></Error>"],
)
def test_not_an_s3_error(body: str) -> None:
    assert parse_s3_error(body) == {}


def test_entity_expansion_is_refused_not_expanded() -> None:
    bomb = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
            "<Error><Code>&lol2;</Code><Message>m</Message></Error>")
    fields = parse_s3_error(bomb)
    assert "lollol" not in "".join(fields.values())


def test_external_entities_are_not_fetched() -> None:
    xxe = ('<?xml version="1.0"?><!DOCTYPE e [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
           "<Error><Code>X</Code><Message>&x;</Message></Error>")
    fields = parse_s3_error(xxe)
    assert "root:" not in "".join(fields.values())


@pytest.mark.parametrize(
    ("body", "content_type", "kind"),
    [
        ("", None, "empty"),
        ("<Error><Code>A</Code></Error>", None, "xml"),
        ('{"message": "Forbidden"}', "text/plain", "json"),
        ('"Missing parameter"', None, "json"),
        ("<!DOCTYPE html><html></html>", None, "html"),
        ("<HTML><HEAD><TITLE>x</TITLE>", None, "html"),
        ("<head><title>Portal</title></head>", None, "html"),
        ("Welcome to the guest network", "text/html", "html"),
        ("upstream connect error", None, "text"),
        ("{not json", None, "text"),
    ],
)
def test_body_kind(body: str, content_type: str | None, kind: str) -> None:
    assert body_kind(body, content_type) == kind


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('{"message": "Missing Authentication Token"}', "Missing Authentication Token"),
        ('{"Message": "Forbidden"}', "Forbidden"),
        ('{"errorMessage": "boom", "errorType": "TypeError"}', "boom"),
        ('"Missing parameter \\"contentType\\" Got undefined"', 'Missing parameter "contentType" Got undefined'),
        ('{"error": {"message": "nested"}}', "nested"),
        ("{}", ""),
        ("[1, 2]", ""),
        ("not json", ""),
    ],
)
def test_endpoint_message(body: str, message: str) -> None:
    assert endpoint_message(body)[0] == message


def test_split_saved_curl_output() -> None:
    text = ("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 403 Forbidden\r\nx-amz-request-id: R1\r\n"
            "Date: Thu, 01 Jan 2026 00:00:00 GMT\r\nContent-Type: application/xml\r\n\r\n<Error><Code>A</Code></Error>")
    status, headers, body = split_http_message(text)
    assert status == 403
    assert headers["x-amz-request-id"] == "R1"
    assert body == "<Error><Code>A</Code></Error>"


def test_split_http2_and_no_body() -> None:
    assert split_http_message("HTTP/2 404\ncontent-length: 0\n") == (404, {"content-length": "0"}, "")
    assert split_http_message("<Error/>") == (None, {}, "<Error/>")


def test_html_title() -> None:
    assert html_title("<html><title> Guest&nbsp;Wi-Fi\n Login </title>") == "Guest Wi-Fi Login"
    assert html_title("<html>no title</html>") == ""


_LISTING = """<?xml version="1.0" encoding="UTF-8"?>
<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Name>field-data</Name><Prefix>site+4%2F</Prefix><KeyCount>2</KeyCount><MaxKeys>2</MaxKeys>
  <Delimiter>%2F</Delimiter><EncodingType>url</EncodingType><IsTruncated>{truncated}</IsTruncated>
  {token}
  <Contents><Key>site+4/caf%C3%A9+photo.jpg</Key><LastModified>2026-12-01T10:00:00.000Z</LastModified>
    <ETag>&quot;9e107d9d372bb6826bd81d3542a419d6&quot;</ETag><Size>1234</Size><StorageClass>STANDARD</StorageClass>
  </Contents>
  <Contents><Key>site+4/a%2Bb.txt</Key><ETag>"abc-2"</ETag><Size>10485760</Size></Contents>
  <CommonPrefixes><Prefix>site+4/sub%2F</Prefix></CommonPrefixes>
</ListBucketResult>"""


def test_a_listing_page_with_url_encoded_keys_and_a_next_page() -> None:
    body = _LISTING.format(truncated="true", token="<NextContinuationToken>1/abc==</NextContinuationToken>")
    objects, token = parse_list_page(body.encode())
    assert [(o.key, o.size, o.etag) for o in objects] == [
        ("site 4/café photo.jpg", 1234, '"9e107d9d372bb6826bd81d3542a419d6"'),
        ("site 4/a+b.txt", 10485760, '"abc-2"'),
    ]
    assert token == "1/abc=="


def test_the_last_listing_page_has_no_token() -> None:
    assert parse_list_page(_LISTING.format(truncated="false", token="").encode())[1] is None


_PARTS = """<?xml version="1.0" encoding="UTF-8"?>
<ListPartsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
  <Bucket>field-data</Bucket><Key>site 4/survey.mp4</Key><UploadId>abc</UploadId>
  <PartNumberMarker>0</PartNumberMarker><MaxParts>2</MaxParts><IsTruncated>{truncated}</IsTruncated>
  {marker}
  <Part><PartNumber>1</PartNumber><LastModified>2026-12-01T10:00:00.000Z</LastModified>
    <ETag>&quot;9e107d9d372bb6826bd81d3542a419d6&quot;</ETag><Size>8388608</Size></Part>
  <Part><PartNumber>2</PartNumber><ETag>"0cc175b9c0f1b6a831c399e269772661"</ETag><Size>5</Size>
    <ChecksumCRC32>AAAAAA==</ChecksumCRC32></Part>
</ListPartsResult>"""


def test_a_page_of_parts_and_the_marker_of_the_next() -> None:
    parts, marker = parse_parts_page(_PARTS.format(truncated="true",
                                                   marker="<NextPartNumberMarker>2</NextPartNumberMarker>").encode())
    assert [(p.number, p.etag, p.size) for p in parts] == [(1, "9e107d9d372bb6826bd81d3542a419d6", 8388608),
                                                           (2, "0cc175b9c0f1b6a831c399e269772661", 5)]
    assert marker == "2"
    # The last page may still name a marker: it is not followed.
    assert parse_parts_page(_PARTS.format(truncated="false",
                                          marker="<NextPartNumberMarker>2</NextPartNumberMarker>").encode())[1] is None


@pytest.mark.parametrize(("parse", "body"), [
    (parse_list_page, b"<Error><Code>AccessDenied</Code></Error>"),
    (parse_list_page, b"<html><body>Sign in to the Wi-Fi</body></html>"),
    (parse_list_page, b"not xml at all"),
    (parse_list_page, _LISTING.format(truncated="true", token="").encode()),  # goes on, but says not where
    (parse_list_page, _PARTS.format(truncated="false", marker="").encode()),  # another document
    (parse_parts_page, b"<Error><Code>NoSuchUpload</Code></Error>"),
    (parse_parts_page, b"not xml at all"),
    (parse_parts_page, _PARTS.format(truncated="true", marker="").encode()),  # goes on, but says not where
])
def test_what_is_no_usable_page_is_refused(parse: Callable[[bytes], object], body: bytes) -> None:
    with pytest.raises(ValueError):
        parse(body)


def test_answer_field_reads_one_field_of_the_expected_document_only() -> None:
    started = (b'<?xml version="1.0" encoding="UTF-8"?><InitiateMultipartUploadResult '
               b'xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Bucket>b</Bucket><Key>k</Key>'
               b'<UploadId> abc-123 </UploadId></InitiateMultipartUploadResult>')
    assert answer_field(started, "InitiateMultipartUploadResult", "UploadId") == "abc-123"
    assert answer_field(started, "CompleteMultipartUploadResult", "UploadId") is None  # another document
    assert answer_field(started, "InitiateMultipartUploadResult", "ETag") is None
    assert answer_field(AWS_SDNM.encode(), "InitiateMultipartUploadResult", "UploadId") is None
    assert answer_field(b"<html><body>Sign in to the Wi-Fi</body>", "InitiateMultipartUploadResult",
                        "UploadId") is None
    assert answer_field(b"", "InitiateMultipartUploadResult", "UploadId") is None
