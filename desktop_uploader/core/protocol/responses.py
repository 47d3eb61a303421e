"""Make sense of response bodies: S3 XML errors, signing-endpoint JSON, HTML pages, saved HTTP exchanges."""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote_plus

from defusedxml import ElementTree as defused_tree
from defusedxml.common import DefusedXmlException

if TYPE_CHECKING:
    from xml.etree.ElementTree import Element  # the type only; parsing always goes through defusedxml

# Canonical spelling of the elements S3 and S3-compatible servers put in <Error>; servers differ in case.
_CANONICAL = {
    name.lower(): name
    for name in (
        "Code",
        "Message",
        "Resource",
        "RequestId",
        "HostId",
        "Key",
        "BucketName",
        "Bucket",
        "Region",
        "Endpoint",
        "AWSAccessKeyId",
        "StringToSign",
        "SignatureProvided",
        "StringToSignBytes",
        "CanonicalRequest",
        "CanonicalRequestBytes",
        "HeadersNotSigned",
        "X-Amz-Expires",
        "Expires",
        "ServerTime",
        "RequestTime",
        "MaxAllowedSkewMilliseconds",
        "X-Amz-Date",
        "ProposedSize",
        "MaxSizeAllowed",
        "MinSizeAllowed",
        "PartNumber",
        "ETag",
        "UploadId",
        "ArgumentName",
        "ArgumentValue",
        "Method",
        "ResourceType",
        "Header",
        "ExpectedDigest",
        "CalculatedDigest",
        "ClientComputedContentSHA256",
        "S3ComputedContentSHA256",
        "Condition",
    )
}
# Some servers (and S3 for a few services) wrap the error: <ErrorResponse><Error>...</Error></ErrorResponse>.
_CODE_RE = re.compile(r"(?is)<(?:\w+:)?Code>\s*([^<]*?)\s*</(?:\w+:)?Code>")
_MESSAGE_RE = re.compile(r"(?is)<(?:\w+:)?Message>\s*([^<]*?)\s*</(?:\w+:)?Message>")
_ELEMENT_RE = re.compile(r"(?is)<([A-Za-z][\w.-]*)>([^<]*)</\1>")
_TITLE_RE = re.compile(r"(?is)<title[^>]*>(.*?)</title>")
_TAG_RE = re.compile(r"(?s)<[^>]+>")
_STATUS_LINE_RE = re.compile(r"^HTTP/\d(?:\.\d)?\s+(\d{3})(?:[ \t][^\r\n]*)?\r?\n")


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1].split(":")[-1]


def _text(body: bytes | str) -> str:
    if isinstance(body, bytes):
        return body.decode("utf-8", "replace")
    return body


def parse_s3_error(body: bytes | str) -> dict[str, str]:
    """The fields of an S3 ``<Error>`` document, tolerant of namespaces, wrappers, case and truncation.

    Returns ``{}`` when the body is not an S3-style error. Element names are returned in S3's spelling when
    known (``Code``, ``Message``, ``RequestId``...), otherwise as found.
    """
    text = _text(body).lstrip("\ufeff \t\r\n")
    if not text.startswith("<") or looks_like_html(text):
        return {}
    try:
        root = defused_tree.fromstring(text.encode("utf-8"))
    except (defused_tree.ParseError, DefusedXmlException, ValueError):
        return _regex_error_fields(text)
    error = _find_error(root)
    if error is None:
        return {}
    out: dict[str, str] = {}
    for child in error:
        if len(child):  # nested structure: not part of the flat error record
            continue
        name = _local(str(child.tag))
        value = (child.text or "").strip()
        out.setdefault(_CANONICAL.get(name.lower(), name), value)
    if "Code" not in out:
        return {}
    return out


@dataclass(frozen=True)
class ListedObject:
    key: str
    size: int
    etag: str


def parse_list_page(body: bytes) -> tuple[list[ListedObject], str | None]:
    """One ListObjectsV2 answer (asked with ``encoding-type=url``): its objects, and the token for the next
    page, None on the last. Raises ValueError when the body is no such answer."""
    fields, entries = _page(body, "ListBucketResult", "Contents", "listing")
    url_encoded = fields.get("EncodingType") == "url"
    objects: list[ListedObject] = []
    for values in entries:
        key = unquote_plus(values.get("Key", "")) if url_encoded else values.get("Key", "")
        size = values.get("Size", "0")
        objects.append(ListedObject(key=key, size=int(size) if size.isdigit() else 0, etag=values.get("ETag", "")))
    return objects, _next_page(fields, "NextContinuationToken", "listing", "token")


@dataclass(frozen=True)
class ListedPart:
    number: int
    etag: str
    size: int


def parse_parts_page(body: bytes) -> tuple[list[ListedPart], str | None]:
    """One ListParts answer: the parts of a multipart upload the storage holds, and the marker for the next
    page, None on the last. Raises ValueError when the body is no such answer."""
    fields, entries = _page(body, "ListPartsResult", "Part", "list of parts")
    parts: list[ListedPart] = []
    for values in entries:
        number, size = values.get("PartNumber", "").strip(), values.get("Size", "0").strip()
        if number.isdigit():
            parts.append(ListedPart(number=int(number), etag=values.get("ETag", "").strip().strip('"'),
                                    size=int(size) if size.isdigit() else 0))
    return parts, _next_page(fields, "NextPartNumberMarker", "list of parts", "marker")


def _page(body: bytes, document: str, entry: str, what: str) -> tuple[dict[str, str], list[dict[str, str]]]:
    """A page of a paged S3 answer: the ``document``'s own fields (stripped) and each ``entry`` element's
    fields (as they are: a key may begin or end with a space). Raises ValueError when the body is no such page."""
    try:
        root = defused_tree.fromstring(body)
    except (defused_tree.ParseError, DefusedXmlException) as exc:
        raise ValueError(f"the {what} is not readable XML: {exc}") from None
    if _local(root.tag) != document:
        raise ValueError(f"the answer is a {_local(root.tag)!r} document, not a {what}")
    fields = {_local(child.tag): (child.text or "").strip() for child in root if not len(child)}
    entries = [{_local(child.tag): child.text or "" for child in item} for item in root if _local(item.tag) == entry]
    return fields, entries


def _next_page(fields: dict[str, str], name: str, what: str, called: str) -> str | None:
    """Where the next page starts (the field ``name``), None on the last page."""
    if fields.get("IsTruncated", "").lower() != "true":
        return None
    where = fields.get(name)
    if not where:
        raise ValueError(f"the {what} goes on but gives no {called} for its next page")
    return where


def answer_field(body: bytes, document: str, name: str) -> str | None:
    """The text of ``name`` in an S3 answer that must be a ``document`` (an InitiateMultipartUploadResult's
    UploadId, say); None when the body is no such document or lacks the field."""
    try:
        root = defused_tree.fromstring(body)
    except (defused_tree.ParseError, DefusedXmlException):
        return None
    if _local(str(root.tag)) != document:
        return None
    for child in root:
        if _local(str(child.tag)) == name:
            return (child.text or "").strip()
    return None


def _find_error(root: Element) -> Element | None:
    if _local(str(root.tag)).lower() == "error":
        return root
    for el in root.iter():
        if _local(str(el.tag)).lower() == "error" and len(el):
            return el
    # A bare document with a <Code> child (some gateways) counts as an error record.
    if any(_local(str(c.tag)).lower() == "code" for c in root):
        return root
    return None


def _regex_error_fields(text: str) -> dict[str, str]:
    """Fallback for truncated or malformed XML (bodies are stored cut at a few KiB)."""
    code = _CODE_RE.search(text)
    if not code:
        return {}
    out: dict[str, str] = {}
    for m in _ELEMENT_RE.finditer(text):
        name = _CANONICAL.get(m.group(1).lower(), m.group(1))
        out.setdefault(name, html.unescape(m.group(2).strip()))
    out["Code"] = html.unescape(code.group(1))
    msg = _MESSAGE_RE.search(text)
    if msg:
        out["Message"] = html.unescape(msg.group(1))
    return out


def looks_like_html(text: str) -> bool:
    head = text.lstrip("\ufeff \t\r\n")[:512].lower()
    return head.startswith(("<!doctype html", "<html", "<head", "<body", "<meta", "<script", "<title")) or (
        "<html" in head and "<error" not in head
    )


def body_kind(body: bytes | str, content_type: str | None = None) -> str:
    """One of "empty", "xml", "json", "html", "text" — from the content first, the Content-Type second."""
    text = _text(body).strip().lstrip("\ufeff")
    if not text:
        return "empty"
    if looks_like_html(text):
        return "html"
    if text.startswith("<"):
        return "xml"
    if text[0] in "{[\"":
        try:
            json.loads(text)
        except ValueError:
            pass
        else:
            return "json"
    ctype = (content_type or "").lower()
    if "html" in ctype:
        return "html"
    if "xml" in ctype:
        return "xml"
    return "text"


def html_title(body: bytes | str) -> str:
    m = _TITLE_RE.search(_text(body))
    if not m:
        return ""
    return " ".join(html.unescape(_TAG_RE.sub(" ", m.group(1))).split())[:120]


def html_text(body: bytes | str, limit: int = 2000) -> str:
    """Visible words of an HTML page (scripts and styles dropped), for keyword checks and excerpts."""
    text = re.sub(r"(?is)<(script|style)[^>]*>.*?</\1>", " ", _text(body))
    return " ".join(html.unescape(_TAG_RE.sub(" ", text)).split())[:limit]


def endpoint_message(body: bytes | str) -> tuple[str, dict[str, Any]]:
    """The human message of a signing endpoint's JSON error and the JSON object itself.

    API Gateway answers ``{"message": "..."}``, Lambda function URLs ``{"Message": "..."}``, Lambda errors
    ``{"errorMessage": "...", "errorType": "..."}``, and a function that stringifies a thrown string answers a
    bare JSON string. Returns ("", {}) when nothing usable is found.
    """
    text = _text(body).strip()
    try:
        doc = json.loads(text)
    except ValueError:
        return "", {}
    if isinstance(doc, str):
        return doc.strip(), {}
    if not isinstance(doc, dict):
        return "", {}
    for name in ("message", "Message", "errorMessage", "error_description", "error", "detail", "msg"):
        value = doc.get(name)
        if isinstance(value, str) and value.strip():
            return value.strip(), doc
        if isinstance(value, dict):
            inner = value.get("message") or value.get("Message")
            if isinstance(inner, str) and inner.strip():
                return inner.strip(), doc
    return "", doc


def split_http_message(text: str) -> tuple[int | None, dict[str, str], str]:
    """Split a saved HTTP response (``curl -i`` output) into status, headers and body.

    Text that does not start with a status line is returned as the body. With several responses in a row
    (``100 Continue`` or redirects followed by ``curl -L``), the last one counts.
    """
    status: int | None = None
    headers: dict[str, str] = {}
    rest = text.lstrip("\ufeff")
    while True:
        m = _STATUS_LINE_RE.match(rest)
        if not m:
            break
        status = int(m.group(1))
        headers = {}
        rest = rest[m.end() :]
        while True:
            line, sep, after = rest.partition("\n")
            line = line.rstrip("\r")
            if not sep and not line:
                rest = ""
                break
            rest = after
            if not line:
                break
            name, colon, value = line.partition(":")
            if colon:
                headers[name.strip()] = value.strip()
    return status, headers, rest
