"""The simple protocol: one presigned PUT link per ``GET /sign?filekey=KEY&contentType=TYPE``."""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from .config import EndpointConfig, S3Client
from .validation import ApiError, bad_request, check_content_type, check_key, check_metadata

META_PREFIX = "meta-"


def sign_put(query: Mapping[str, str], config: EndpointConfig, s3: S3Client) -> dict[str, Any]:
    key = _required(query, "filekey")
    content_type = _required(query, "contentType")
    check_key(key, config)
    check_content_type(content_type, config)
    metadata = check_metadata(
        (name[len(META_PREFIX) :], value) for name, value in query.items() if name.lower().startswith(META_PREFIX)
    )

    params: dict[str, Any] = {"Bucket": config.bucket, "Key": key, "ContentType": content_type}
    values = {"content-type": content_type}
    if config.acl:
        params["ACL"] = config.acl
        values["x-amz-acl"] = config.acl
    if metadata:
        params["Metadata"] = metadata
        values.update({f"x-amz-meta-{name}": value for name, value in metadata.items()})

    url = presign(s3, "put_object", params, config.expires, "PUT")
    link = parse_qs(urlsplit(url).query)
    signed = [h for h in _first(link, "X-Amz-SignedHeaders").split(";") if h and h != "host"]
    # The client must send every signed header with the exact value we signed, and it cannot learn the
    # value from the link itself; a header we cannot name would make the link unusable.
    unknown = [h for h in signed if h not in values]
    if unknown:
        raise ApiError(500, "signing_failed", "The link was signed with headers the endpoint cannot describe.")
    return {
        "signed_url": url,
        "method": "PUT",
        "headers": {h: values[h] for h in signed},
        "expires_at": _expires_at(link, config.expires),
        "key": key,
    }


def presign(s3: S3Client, operation: str, params: Mapping[str, Any], expires: int, method: str) -> str:
    from botocore.exceptions import BotoCoreError, ClientError

    try:
        return s3.generate_presigned_url(operation, Params=params, ExpiresIn=expires, HttpMethod=method)
    except (BotoCoreError, ClientError) as exc:
        raise signing_failed(exc) from None


def signing_failed(exc: Exception) -> ApiError:
    from botocore.exceptions import NoCredentialsError, PartialCredentialsError

    if isinstance(exc, NoCredentialsError | PartialCredentialsError):
        return ApiError(500, "signing_failed", "The endpoint has no usable AWS credentials to sign with.")
    return ApiError(500, "signing_failed", f"The endpoint could not sign the request ({type(exc).__name__}).")


def _required(query: Mapping[str, str], name: str) -> str:
    value = query.get(name)
    if value is None or value == "":
        raise bad_request("missing_parameter", f"The query parameter {name!r} is required.")
    return value


def _first(parsed: Mapping[str, list[str]], name: str) -> str:
    values = parsed.get(name) or [""]
    return values[0]


def _expires_at(link: Mapping[str, list[str]], expires: int) -> int:
    # The link's own signing time is authoritative; the clock here only stands in if it is missing.
    stamp = _first(link, "X-Amz-Date")
    try:
        signed_at = calendar.timegm(time.strptime(stamp, "%Y%m%dT%H%M%SZ"))
    except ValueError:
        signed_at = int(time.time())
    try:
        lifetime = int(_first(link, "X-Amz-Expires"))
    except ValueError:
        lifetime = expires
    return signed_at + lifetime
