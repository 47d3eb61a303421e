"""Uppy Companion's S3 protocol: presigned POST forms and presigned multipart uploads.

Keys are generated here for new uploads (prefix + random segment + sanitized filename), so two uploads
never share a key; every key a client sends back is checked against the caller's prefix again, because the
client is not trusted to echo it unchanged. Upload ids go out bound to their key and the caller's token
(see :mod:`.auth`). The one exception to generated keys is a device's status object: asked for by its full
name, it keeps that name, may only be JSON and at most :data:`MAX_STATUS_BYTES`. With ``NO_OVERWRITE`` set,
a multipart upload is completed on condition that no object has the key meanwhile.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from .auth import Caller
from .config import EndpointConfig, S3Client
from .simple import check_status_type, presign, signing_failed
from .validation import (
    DEFAULT_CONTENT_TYPE,
    MAX_PART_NUMBER,
    ApiError,
    bad_request,
    check_content_type,
    check_metadata,
    check_part_number,
    new_object_key,
)

MAX_STATUS_BYTES = 64 * 1024

_METADATA_PARAM = re.compile(r"^metadata\[([^\]]*)\]$")
_ETAG = re.compile(r"^[\x21-\x7e]{1,1024}$")
_STORAGE_CLIENT_ERRORS = {
    "NoSuchUpload": (
        404,
        "no_such_upload",
        "That multipart upload does not exist (finished, aborted or expired).",
    ),
    "InvalidPart": (400, "invalid_part", "A listed part was not uploaded, or its ETag does not match."),
    "InvalidPartOrder": (400, "invalid_part", "The parts are not in ascending order."),
    "EntityTooSmall": (400, "part_too_small", "Every part except the last must be at least 5 MiB."),
    "PreconditionFailed": (409, "object_exists", "An object with this key exists already and may not be replaced."),
}


def upload_parameters(query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller) -> dict[str, Any]:
    """``GET /s3/params``: a presigned POST form for one new object (or a device's status object)."""
    filename = _string(query.get("filename"), "filename")
    metadata = check_metadata(
        (m.group(1), value) for name, value in query.items() if (m := _METADATA_PARAM.match(name))
    )
    status = caller.is_status_key(filename)
    if status:
        content_type = query.get("type") or ""
        check_status_type(content_type)
        key = caller.check_key(filename)
    else:
        content_type = check_content_type(query.get("type") or DEFAULT_CONTENT_TYPE, config)
        key = caller.check_key(new_object_key(caller.prefix, filename))

    fields: dict[str, str] = {"Content-Type": content_type, "success_action_status": "201"}
    if config.acl:
        fields["acl"] = config.acl
    fields.update({f"x-amz-meta-{name}": value for name, value in metadata.items()})
    conditions: list[Any] = [{name: value} for name, value in fields.items()]
    conditions.append(["content-length-range", 0, MAX_STATUS_BYTES if status else config.max_upload_bytes])

    from botocore.exceptions import BotoCoreError, ClientError

    try:
        post = s3.generate_presigned_post(
            Bucket=config.bucket, Key=key, Fields=fields, Conditions=conditions, ExpiresIn=config.expires
        )
    except (BotoCoreError, ClientError) as exc:
        raise signing_failed(exc) from None
    return {"method": "POST", "url": post["url"], "fields": post["fields"], "expires": config.expires}


def create_multipart(body: Any, config: EndpointConfig, s3: S3Client, caller: Caller) -> dict[str, Any]:
    """``POST /s3/multipart`` with ``{filename, type, metadata}``."""
    if not isinstance(body, dict):
        raise bad_request("invalid_body", "The request body must be a JSON object.")
    filename = _string(body.get("filename"), "filename")
    raw_type = body.get("type")
    if raw_type is not None and not isinstance(raw_type, str):
        raise bad_request("invalid_content_type", "'type' must be a string.")
    content_type = check_content_type(raw_type or DEFAULT_CONTENT_TYPE, config)
    raw_metadata = body.get("metadata") or {}
    if not isinstance(raw_metadata, dict):
        raise bad_request("invalid_metadata", "'metadata' must be a JSON object.")
    metadata = check_metadata(raw_metadata.items())
    key = caller.check_key(new_object_key(caller.prefix, filename))

    params: dict[str, Any] = {"Bucket": config.bucket, "Key": key, "ContentType": content_type}
    if metadata:
        params["Metadata"] = metadata
    if config.acl:
        params["ACL"] = config.acl
    response = _call(s3.create_multipart_upload, **params)
    return {"key": key, "uploadId": caller.bind(str(response["UploadId"]), key)}


def sign_part(
    upload_id: str, part: str, query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller
) -> dict[str, Any]:
    """``GET /s3/multipart/{uploadId}/{partNumber}?key=``."""
    key, upload_id = _key_and_upload(query, upload_id, caller)
    number = check_part_number(part)
    return {"url": _part_url(s3, config, key, upload_id, number), "expires": config.expires}


def sign_parts_batch(
    upload_id: str, query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller
) -> dict[str, Any]:
    """``GET /s3/multipart/{uploadId}/batch?key=&partNumbers=1,2``."""
    key, upload_id = _key_and_upload(query, upload_id, caller)
    raw = query.get("partNumbers") or ""
    if not raw.strip():
        raise bad_request("missing_parameter", "The query parameter 'partNumbers' is required.")
    pieces = raw.split(",")
    if len(pieces) > MAX_PART_NUMBER:
        raise bad_request("invalid_part_number", f"At most {MAX_PART_NUMBER} parts can be signed at once.")
    numbers = sorted({check_part_number(p.strip()) for p in pieces})
    return {"presignedUrls": {str(n): _part_url(s3, config, key, upload_id, n) for n in numbers}}


def list_parts(
    upload_id: str, query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller
) -> list[dict[str, Any]]:
    """``GET /s3/multipart/{uploadId}?key=``: every uploaded part, following ListParts pages to the end."""
    key, upload_id = _key_and_upload(query, upload_id, caller)
    parts: list[dict[str, Any]] = []
    marker = 0
    while True:
        params: dict[str, Any] = {"Bucket": config.bucket, "Key": key, "UploadId": upload_id}
        if marker:
            params["PartNumberMarker"] = marker
        page = _call(s3.list_parts, **params)
        for part in page.get("Parts") or []:
            entry: dict[str, Any] = {
                "PartNumber": part.get("PartNumber"),
                "Size": part.get("Size"),
                "ETag": part.get("ETag"),
            }
            modified = part.get("LastModified")
            entry["LastModified"] = _iso(modified) if isinstance(modified, datetime) else modified
            parts.append(entry)
        if not page.get("IsTruncated"):
            return parts
        next_marker = int(page.get("NextPartNumberMarker") or 0)
        # A server that says "truncated" without moving the marker forward would loop forever.
        if next_marker <= marker:
            raise ApiError(502, "storage_error", "The storage returned an inconsistent list of parts.")
        marker = next_marker


def complete_multipart(
    upload_id: str, query: Mapping[str, str], body: Any, config: EndpointConfig, s3: S3Client, caller: Caller
) -> dict[str, Any]:
    """``POST /s3/multipart/{uploadId}/complete?key=`` with ``{"parts": [{"PartNumber", "ETag"}]}``."""
    key, upload_id = _key_and_upload(query, upload_id, caller)
    if not isinstance(body, dict) or not isinstance(body.get("parts"), list) or not body["parts"]:
        raise bad_request("invalid_body", "The body must be a JSON object with a non-empty 'parts' list.")
    parts: dict[int, str] = {}
    for item in body["parts"]:
        if not isinstance(item, dict):
            raise bad_request("invalid_body", "Each part must be an object with PartNumber and ETag.")
        number, etag = item.get("PartNumber"), item.get("ETag")
        if isinstance(number, bool) or not isinstance(number, int) or not 1 <= number <= MAX_PART_NUMBER:
            raise bad_request("invalid_part_number", f"Part numbers are whole numbers from 1 to {MAX_PART_NUMBER}.")
        if not isinstance(etag, str) or not _ETAG.match(etag):
            raise bad_request("invalid_body", f"Part {number} has no valid ETag.")
        if number in parts:
            raise bad_request("invalid_body", f"Part {number} is listed twice.")
        parts[number] = etag
    params: dict[str, Any] = {
        "Bucket": config.bucket,
        "Key": key,
        "UploadId": upload_id,
        "MultipartUpload": {"Parts": [{"PartNumber": n, "ETag": parts[n]} for n in sorted(parts)]},
    }
    if config.no_overwrite:
        params["IfNoneMatch"] = "*"
    response = _call(s3.complete_multipart_upload, **params)
    location = response.get("Location") or _object_url(s3, config, key)
    return {"location": location}


def abort_multipart(
    upload_id: str, query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller
) -> dict[str, Any]:
    """``DELETE /s3/multipart/{uploadId}?key=``."""
    key, upload_id = _key_and_upload(query, upload_id, caller)
    _call(s3.abort_multipart_upload, Bucket=config.bucket, Key=key, UploadId=upload_id)
    return {}


def _part_url(s3: S3Client, config: EndpointConfig, key: str, upload_id: str, number: int) -> str:
    params = {"Bucket": config.bucket, "Key": key, "UploadId": upload_id, "PartNumber": number}
    return presign(s3, "upload_part", params, config.expires, "PUT")


def _object_url(s3: S3Client, config: EndpointConfig, key: str) -> str:
    # Some S3-compatible servers omit Location; a presigned GET with its query removed is the object's
    # plain URL in the configured addressing style, and carries no credentials.
    url = presign(s3, "get_object", {"Bucket": config.bucket, "Key": key}, 60, "GET")
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))


def _key_and_upload(query: Mapping[str, str], bound_upload_id: str, caller: Caller) -> tuple[str, str]:
    """The checked key and the storage's upload id, if this caller started that upload for that key."""
    key = query.get("key")
    if not key:
        raise bad_request("missing_parameter", "The query parameter 'key' is required.")
    key = caller.check_key(key)
    return key, caller.unbind(bound_upload_id, key)


def _string(value: Any, name: str) -> str:
    if not isinstance(value, str) or not value:
        raise bad_request("missing_parameter", f"{name!r} is required and must be a non-empty string.")
    return value


def _iso(moment: datetime) -> str:
    moment = moment.astimezone(UTC) if moment.tzinfo else moment.replace(tzinfo=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{moment.microsecond // 1000:03d}Z"


def _call(operation: Any, **params: Any) -> dict[str, Any]:
    """Run one S3 API call, turning its failures into plain API errors."""
    from botocore.exceptions import (
        BotoCoreError,
        ClientError,
        ConnectionError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
    )

    try:
        result: dict[str, Any] = operation(**params)
        return result
    except ClientError as exc:
        code = str(exc.response.get("Error", {}).get("Code", "Unknown"))
        if code in _STORAGE_CLIENT_ERRORS:
            status, ours, message = _STORAGE_CLIENT_ERRORS[code]
            raise ApiError(status, ours, message) from None
        raise ApiError(502, "storage_error", f"The storage refused the request ({code}).") from None
    except (NoCredentialsError, PartialCredentialsError) as exc:
        raise signing_failed(exc) from None
    except (EndpointConnectionError, ConnectionError):
        raise ApiError(502, "storage_unreachable", "The endpoint could not reach the storage.") from None
    except BotoCoreError as exc:
        raise ApiError(502, "storage_error", f"The storage request failed ({type(exc).__name__}).") from None
