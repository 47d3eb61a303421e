"""The project's reference signing endpoint: hands out presigned S3 upload links.

It serves two protocols from one handler, deployable as an AWS Lambda behind API Gateway
(``desktop_uploader.endpoint.handler.lambda_handler``; see packaging/endpoint/) or runnable locally
(``python -m desktop_uploader.endpoint --host 127.0.0.1 --port 8080``):

Simple protocol
    ``GET /sign?filekey=KEY&contentType=TYPE`` (also ``/`` and any path ending in ``/sign``), optional
    ``meta-NAME=value`` parameters, answers ``{"signed_url", "method": "PUT", "headers", "expires_at",
    "key"}``. ``headers`` are the signed headers (``content-type``, ``x-amz-acl``, ``x-amz-meta-*``) the
    upload must carry with exactly these values.

    ``POST /sign/batch`` (any path ending in ``/sign/batch``) signs up to 100 files in one round trip. Body:
    ``{"files": [{"filekey": KEY, "contentType": TYPE, "metadata": {NAME: VALUE}}, ...]}`` (``metadata``
    optional; a bare JSON list of the same objects is accepted too). Answer: ``{"signed_urls": [...]}``, one
    object per file in the order given, each exactly what ``GET /sign`` answers for it. All files are checked
    before any is signed, with the same rules, token, limits and headers as ``GET /sign``; the first file
    that fails refuses the whole request with the status and error code that file would get from
    ``GET /sign`` (400, or 403 for a key outside the prefix or a type not allowed), and the error body adds
    ``"index"`` (counting from 0). More than 100 files: 400 ``too_many_files``.

Uppy Companion S3 protocol
    ``GET /s3/params``, ``POST /s3/multipart``, ``GET /s3/multipart/{uploadId}/batch``,
    ``GET /s3/multipart/{uploadId}/{partNumber}``, ``GET /s3/multipart/{uploadId}``,
    ``POST /s3/multipart/{uploadId}/complete``, ``DELETE /s3/multipart/{uploadId}``.

Errors are ``{"error": "<code>", "message": "<sentence>"}`` with status 400, 401, 403, 404, 405, 409, 413,
500, 502 or 503. Tokens: 401 ``unauthorized`` (none sent), 403 ``forbidden`` (not known), 403
``device_revoked`` (a device key the admin disabled), 403 ``key_not_allowed`` (outside the caller's prefix),
403 ``upload_not_yours`` (a multipart upload id handed out for another key or token).

One key per device (see :mod:`.devices`): a device table maps the SHA-256 of each device's token to its
name, its key prefix, its one status key and whether it is enabled. A device token gets links only under
its prefix and for its status key; disabling it leaves every other device working. Status objects (a
device's small JSON report, ``STATUS_PREFIX<name>.json``) may always be rewritten and must be JSON.

Settings (environment variables, read by :meth:`EndpointConfig.from_env`):

``UPLOAD_BUCKET``
    Required. The bucket uploads go to.
``UPLOAD_KEY_PREFIX``
    Keys must start with this (default empty: any key). Generated Companion keys are put under it. It is a
    folder: ``uploads`` is read as ``uploads/``, so it never also allows ``uploads-admin/...``.
``ALLOWED_CONTENT_TYPES``
    Comma-separated media types, ``image/*`` style wildcards allowed; empty allows any type.
``URL_EXPIRES``
    Link lifetime in seconds (default 900, at most 604800).
``UPLOAD_ACL``
    Optional canned ACL (e.g. ``public-read``) signed into every link; clients must send it as
    ``x-amz-acl``.
``SHARED_TOKEN``
    Optional. When set, requests must carry ``Authorization: Bearer <token>`` or ``x-api-key: <token>``.
``SHARED_TOKEN_SECRET``
    Instead of ``SHARED_TOKEN``: the id or ARN of a Secrets Manager secret holding it, fetched at run time.
``DEVICE_TABLE_FILE`` / ``DEVICE_TABLE_SECRET``
    The device table, as a local file (read again when it changes) or a Secrets Manager secret.
``SECRET_TTL``
    Seconds a fetched secret is used before it is fetched again (default 60): how long a revocation or a
    rotated token takes to apply.
``STATUS_PREFIX``
    Where device status objects go (default ``_devices/``; empty turns them off).
``NO_OVERWRITE``
    ``true`` signs ``If-None-Match: *`` into every link except status objects and completes multipart
    uploads on the same condition, so an existing object is never replaced (default ``false``).
``MAX_UPLOAD_BYTES``
    Largest object a presigned POST form accepts (default 5 GiB).
``S3_ENDPOINT_URL``
    Optional S3-compatible endpoint (MinIO, SeaweedFS, ...).
``S3_REGION`` / ``AWS_REGION`` / ``AWS_DEFAULT_REGION``
    Signing region, first one set wins (Lambda reserves AWS_REGION, hence S3_REGION).
``S3_ADDRESSING_STYLE``
    ``path``, ``virtual`` or ``auto`` (default).
``ALLOWED_ORIGIN``
    CORS origin (default ``*``); a comma-separated list echoes the matching request origin; ``none`` sends
    no CORS headers (no browser may call). Preflights always answer the same fixed list of headers.

AWS credentials come from boto3's usual chain (the Lambda role, ``AWS_ACCESS_KEY_ID``/... or a profile).
"""

from .config import ConfigError, EndpointConfig, S3Client, make_s3_client
from .handler import handle, lambda_handler, make_lambda_handler
from .server import RunningEndpoint, serve_in_thread

__all__ = [
    "ConfigError",
    "EndpointConfig",
    "RunningEndpoint",
    "S3Client",
    "handle",
    "lambda_handler",
    "make_lambda_handler",
    "make_s3_client",
    "serve_in_thread",
]
