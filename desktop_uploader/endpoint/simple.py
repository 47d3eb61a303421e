"""The simple protocol: one presigned PUT link per ``GET /sign?filekey=KEY&contentType=TYPE``, or up to
:data:`MAX_BATCH` links per ``POST /sign/batch``.

With ``NO_OVERWRITE`` set, every link except a status object's carries ``if-none-match: *`` in its signed
headers: the storage then refuses (412 PreconditionFailed) to replace an object that exists, and a client
that leaves the header out breaks the signature. S3 and SeaweedFS honour the condition, so nothing is
checked here beforehand; a store that ignores it would silently replace the object.

A batch saves a round trip per file on a slow link: ``{"files": [{"filekey", "contentType", "metadata"},
...]}`` (or the bare list) is answered with ``{"signed_urls": [...]}``, one object per file in the same
order, each exactly what ``GET /sign`` answers for that file. Every file is checked before anything is
signed; the first one that fails refuses the whole request with that check's status and code, and the
error body names it by ``index`` (counting from 0).
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Iterable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

from . import links
from .auth import Caller
from .config import EndpointConfig, S3Client
from .validation import ApiError, bad_request, check_content_type, check_crc32, check_metadata

META_PREFIX = "meta-"
MAX_BATCH = 100
STATUS_CONTENT_TYPE = "application/json"


def sign_put(query: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller) -> dict[str, Any]:
    key = _required(query, "filekey")
    content_type = _required(query, "contentType")
    metadata = (
        (name[len(META_PREFIX) :], value) for name, value in query.items() if name.lower().startswith(META_PREFIX)
    )
    checksum = check_crc32(query.get("checksumCRC32"))
    return _sign_checked(*_checked(key, content_type, metadata, config, caller), config, s3, caller, checksum)


def sign_batch(body: Any, config: EndpointConfig, s3: S3Client, caller: Caller) -> dict[str, Any]:
    """``POST /sign/batch``: links for up to :data:`MAX_BATCH` files, all checked before any is signed."""
    files = body.get("files") if isinstance(body, dict) else body
    if not isinstance(files, list):
        raise bad_request("invalid_body", 'The body must be {"files": [...]} or a JSON list of files.')
    if not files:
        raise bad_request("invalid_body", "The list of files is empty.")
    if len(files) > MAX_BATCH:
        raise bad_request(
            "too_many_files", f"At most {MAX_BATCH} files can be signed at once; this request has {len(files)}."
        )
    checked = [_batch_item(index, item, config, caller) for index, item in enumerate(files)]
    return {"signed_urls": [_sign_checked(*item[:3], config, s3, caller, item[3]) for item in checked]}


def _batch_item(index: int, item: Any, config: EndpointConfig,
                caller: Caller) -> tuple[str, str, dict[str, str], str | None]:
    try:
        if not isinstance(item, dict):
            raise bad_request("invalid_body", "Each file must be a JSON object with filekey and contentType.")
        key, content_type = _string_field(item, "filekey"), _string_field(item, "contentType")
        metadata = item.get("metadata") or {}
        if not isinstance(metadata, dict):
            raise bad_request("invalid_metadata", "'metadata' must be a JSON object.")
        return (*_checked(key, content_type, metadata.items(), config, caller), check_crc32(item.get("checksumCRC32")))
    except ApiError as exc:
        raise ApiError(
            exc.status, exc.code, f"File {index}: {exc.message}", exc.headers, {**exc.details, "index": index}
        ) from None


def _string_field(item: Mapping[str, Any], name: str) -> str:
    value = item.get(name)
    if value is None or value == "":
        raise bad_request("missing_parameter", f"The field {name!r} is required.")
    if not isinstance(value, str):
        raise bad_request("invalid_body", f"The field {name!r} must be a string.")
    return value


def _checked(
    key: str, content_type: str, metadata: Iterable[tuple[str, Any]], config: EndpointConfig, caller: Caller
) -> tuple[str, str, dict[str, str]]:
    caller.check_key(key)
    if caller.is_status_key(key):
        check_status_type(content_type)
    else:
        check_content_type(content_type, config)
    return key, content_type, check_metadata(metadata)


def check_status_type(content_type: str) -> None:
    """Status objects are small JSON documents; nothing else may be stored under their names."""
    if content_type.split(";", 1)[0].strip().lower() != STATUS_CONTENT_TYPE:
        raise ApiError(403, "content_type_not_allowed", f"Device status objects must be {STATUS_CONTENT_TYPE}.")


def _sign_checked(
    key: str, content_type: str, metadata: Mapping[str, str], config: EndpointConfig, s3: S3Client, caller: Caller,
    checksum_crc32: str | None = None,
) -> dict[str, Any]:
    params: dict[str, Any] = {"Bucket": config.bucket, "Key": key, "ContentType": content_type}
    values = {"content-type": content_type}
    # A device rewrites its status object every few minutes; everything else may be written once.
    if config.no_overwrite and not caller.is_status_key(key):
        params["IfNoneMatch"] = "*"
        values["if-none-match"] = "*"
    if config.acl:
        params["ACL"] = config.acl
        values["x-amz-acl"] = config.acl
    if metadata:
        params["Metadata"] = dict(metadata)
        values.update({f"x-amz-meta-{name}": value for name, value in metadata.items()})
    if checksum_crc32:  # the storage then refuses bytes that do not match (400 BadDigest)
        params["ChecksumCRC32"] = checksum_crc32
        values["x-amz-checksum-crc32"] = checksum_crc32

    url = _presign_put(s3, params, values, config.expires)
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


def _presign_put(s3: S3Client, params: Mapping[str, Any], headers: Mapping[str, str], expires: int) -> str:
    """A PUT link for ``params`` whose signature covers ``headers`` (what ``params`` put in the request):
    one level below the client where make_s3_client made it (see :mod:`.links`), else through the client."""
    from botocore.exceptions import BotoCoreError, ClientError

    quick = links.signer_for(s3)
    if quick is None:
        return presign(s3, "put_object", params, expires, "PUT")
    try:
        return quick.put(params["Bucket"], params["Key"], headers, expires)
    except (BotoCoreError, ClientError, ValueError) as exc:
        raise signing_failed(exc) from None


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
