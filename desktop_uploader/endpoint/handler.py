"""One request handler for both protocols, plus the AWS Lambda entry point.

:func:`handle` is the transport-free core: the local HTTP server and :func:`lambda_handler` only translate
to and from it.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import os
import threading
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote

from . import companion, simple
from .auth import Caller
from .compression import compress
from .config import ConfigError, EndpointConfig, S3Client, make_s3_client
from .validation import ApiError, bad_request, check_upload_id

logger = logging.getLogger(__name__)

JsonBody = dict[str, Any] | list[Any]
HandlerResult = tuple[int, dict[str, str], JsonBody | None]

MAX_BODY_BYTES = 2 * 1024 * 1024  # a complete request for 10,000 parts fits with room to spare
ALLOWED_REQUEST_HEADERS = "authorization, content-type, x-api-key"


@dataclass(frozen=True)
class Route:
    name: str
    methods: tuple[str, ...]
    upload_id: str | None = None
    part: str | None = None


def resolve(path: str) -> Route | None:
    """Match a path (percent-encoded, any prefix such as an API Gateway stage) to a route.

    Routes are matched at the end of the path so the endpoint works under whatever base path it is
    mounted at.
    """
    segments = [unquote(s) for s in path.split("/") if s]
    if not segments or segments[-1] == "sign":
        return Route("sign", ("GET",))
    tail2, tail3, tail4 = segments[-2:], segments[-3:-1], segments[-4:-2]
    if tail2 == ["s3", "params"]:
        return Route("params", ("GET",))
    if tail2 == ["s3", "multipart"]:
        return Route("multipart_create", ("POST",))
    if len(segments) >= 3 and tail3 == ["s3", "multipart"]:
        return Route("multipart_upload", ("GET", "DELETE"), upload_id=segments[-1])
    if len(segments) >= 4 and tail4 == ["s3", "multipart"]:
        upload_id, last = segments[-2], segments[-1]
        if last == "batch":
            return Route("multipart_batch", ("GET",), upload_id=upload_id)
        if last == "complete":
            return Route("multipart_complete", ("POST",), upload_id=upload_id)
        return Route("multipart_part", ("GET",), upload_id=upload_id, part=last)
    if tail2 == ["sign", "batch"]:
        return Route("sign_batch", ("POST",))
    return None


def handle(
    method: str,
    path: str,
    query: Mapping[str, str | Sequence[str]],
    headers: Mapping[str, str],
    body: bytes,
    config: EndpointConfig,
    s3_client: S3Client,
) -> HandlerResult:
    """Answer one request. Never raises: every failure becomes a JSON error response.

    *path* is the request path as sent (percent-encoded); *query* maps each parameter to its value or to
    the list of its values; *headers* may use any case. Returns (status, response headers, JSON body or
    None for an empty body).
    """
    lowered = {k.lower(): v for k, v in headers.items()}
    method = method.upper()
    base = cors_headers(config, lowered.get("origin"))
    try:
        route = resolve(path)
        if route is None:
            raise ApiError(
                404, "not_found", "There is nothing at this path. Use /sign, /sign/batch or the /s3/ routes."
            )
        if method == "OPTIONS":
            return 204, {**base, **_preflight_headers(route)}, None
        if method not in route.methods:
            raise ApiError(
                405,
                "method_not_allowed",
                f"This path accepts {' and '.join(route.methods)}, not {method}.",
                {"Allow": ", ".join((*route.methods, "OPTIONS"))},
            )
        caller = config.authenticator.caller(lowered)
        status, payload = 200, _dispatch(route, method, _single_values(query), body, config, s3_client, caller)
        return status, {**base, "Content-Type": "application/json"}, payload
    except ApiError as exc:
        if exc.status >= 500:
            logger.warning("signing endpoint: %s %s -> %d %s", method, _route_name(path), exc.status, exc.code)
        return exc.status, {**base, **exc.headers, "Content-Type": "application/json"}, exc.body()
    except Exception:
        logger.exception("signing endpoint: unexpected failure for %s %s", method, _route_name(path))
        error = ApiError(500, "internal_error", "The endpoint failed unexpectedly; the failure has been logged.")
        return 500, {**base, "Content-Type": "application/json"}, error.body()


def _dispatch(
    route: Route,
    method: str,
    query: Mapping[str, str],
    body: bytes,
    config: EndpointConfig,
    s3: S3Client,
    caller: Caller,
) -> JsonBody:
    if route.name == "sign":
        return simple.sign_put(query, config, s3, caller)
    if route.name == "sign_batch":
        return simple.sign_batch(_json_body(body), config, s3, caller)
    if route.name == "params":
        return companion.upload_parameters(query, config, s3, caller)
    if route.name == "multipart_create":
        return companion.create_multipart(_json_body(body), config, s3, caller)
    upload_id = check_upload_id(route.upload_id or "")
    if route.name == "multipart_batch":
        return companion.sign_parts_batch(upload_id, query, config, s3, caller)
    if route.name == "multipart_part":
        return companion.sign_part(upload_id, route.part or "", query, config, s3, caller)
    if route.name == "multipart_complete":
        return companion.complete_multipart(upload_id, query, _json_body(body), config, s3, caller)
    if method == "DELETE":
        return companion.abort_multipart(upload_id, query, config, s3, caller)
    return companion.list_parts(upload_id, query, config, s3, caller)


def cors_headers(config: EndpointConfig, origin: str | None) -> dict[str, str]:
    # Signed links must not be served from a shared cache to someone else.
    headers = {"Cache-Control": "no-store"}
    origins = config.allowed_origins()
    if not origins:
        return headers
    if "*" in origins:
        headers["Access-Control-Allow-Origin"] = "*"
    else:
        headers["Vary"] = "Origin"
        if len(origins) == 1:
            headers["Access-Control-Allow-Origin"] = origins[0]
        elif origin and origin in origins:
            headers["Access-Control-Allow-Origin"] = origin
    return headers


def _preflight_headers(route: Route) -> dict[str, str]:
    # Always the same fixed list: echoing whatever a page asks for would let it send headers the endpoint
    # never meant to accept from a browser.
    return {
        "Access-Control-Allow-Methods": ", ".join((*route.methods, "OPTIONS")),
        "Access-Control-Allow-Headers": ALLOWED_REQUEST_HEADERS,
        "Access-Control-Max-Age": "600",
    }


def error_response(exc: ApiError, config: EndpointConfig, request_headers: Mapping[str, str]) -> HandlerResult:
    """The response for a request refused before it reached :func:`handle` (unreadable query or body)."""
    origin = {k.lower(): v for k, v in request_headers.items()}.get("origin")
    return (
        exc.status,
        {**cors_headers(config, origin), **exc.headers, "Content-Type": "application/json"},
        exc.body(),
    )


def _single_values(query: Mapping[str, str | Sequence[str]]) -> dict[str, str]:
    result: dict[str, str] = {}
    for name, value in query.items():
        if isinstance(value, str):
            result[name] = value
            continue
        values = list(value)
        # Two values for one parameter are ambiguous (which key was meant?), so refuse rather than guess.
        if len(values) > 1:
            raise bad_request("duplicate_parameter", f"The query parameter {name!r} is given more than once.")
        result[name] = values[0] if values else ""
    return result


def _json_body(body: bytes) -> Any:
    if len(body) > MAX_BODY_BYTES:
        raise ApiError(413, "body_too_large", f"The request body is larger than {MAX_BODY_BYTES} bytes.")
    if not body.strip():
        raise bad_request("invalid_body", "The request needs a JSON body.")
    try:
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise bad_request("invalid_json", "The request body is not valid JSON.") from None


def _route_name(path: str) -> str:
    route = resolve(path)
    return route.name if route else "(unknown path)"


def encode_body(payload: JsonBody | None) -> bytes:
    if payload is None:
        return b""
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def parse_query_string(raw: str) -> dict[str, list[str]]:
    """Parse a raw query string strictly: invalid percent-encoded UTF-8 is a client error."""
    try:
        return parse_qs(raw, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise bad_request("invalid_query", "The query string is not valid percent-encoded UTF-8.") from None


# --- AWS Lambda -------------------------------------------------------------------------------------------

LambdaHandler = Callable[[Mapping[str, Any], Any], dict[str, Any]]


def make_lambda_handler(
    config: EndpointConfig | None = None,
    s3_client: S3Client | None = None,
    env: Mapping[str, str] | None = None,
) -> LambdaHandler:
    """A Lambda handler bound to *config* and *s3_client*, or to ones built from *env* on first use.

    Building lazily means a misconfigured function answers each request with a clear 500 instead of
    failing to start, and a warm function reuses one client.
    """
    lock = threading.Lock()
    state: dict[str, Any] = {}

    def current() -> tuple[EndpointConfig, S3Client]:
        with lock:
            if "config" not in state:
                cfg = config if config is not None else EndpointConfig.from_env(os.environ if env is None else env)
                state["client"] = s3_client if s3_client is not None else make_s3_client(cfg)
                state["config"] = cfg
            return state["config"], state["client"]

    def handler(event: Mapping[str, Any], context: Any) -> dict[str, Any]:
        try:
            cfg, client = current()
        except Exception as exc:
            if isinstance(exc, ConfigError):
                logger.error("signing endpoint is misconfigured: %s", exc)
                error = ApiError(500, "config_error", f"The endpoint is misconfigured: {exc}")
            else:
                # e.g. botocore refusing the region; its message may quote settings, so it stays in the log.
                logger.exception("signing endpoint could not build its S3 client")
                error = ApiError(500, "config_error", "The endpoint could not set up its S3 client.")
            return _to_lambda(
                500,
                {
                    "Content-Type": "application/json",
                    "Access-Control-Allow-Origin": "*",
                    "Cache-Control": "no-store",
                },
                error.body(),
            )
        try:
            method, path, query, headers, body = _from_event(event)
        except ApiError as exc:
            return _to_lambda(*error_response(exc, cfg, _event_headers(event)))
        # Only payload 2.0 (HTTP APIs, function URLs) turns a base64 body back into bytes for every answer;
        # a REST API does so only for its configured binary media types, and compresses on its own instead.
        accept_encoding = headers.get("accept-encoding") if event.get("version") == "2.0" else None
        return _to_lambda(*handle(method, path, query, headers, body, cfg, client), accept_encoding=accept_encoding)

    return handler


def _from_event(
    event: Mapping[str, Any],
) -> tuple[str, str, dict[str, list[str]] | dict[str, str], dict[str, str], bytes]:
    """Read an API Gateway proxy event, REST (payload 1.0) or HTTP API (payload 2.0)."""
    context = event.get("requestContext") or {}
    if event.get("version") == "2.0":
        method = str((context.get("http") or {}).get("method") or "GET")
        path = str(event.get("rawPath") or "/")
        stage = str(context.get("stage") or "")
        # Named stages appear in rawPath; strip so that GET <stage-url>?filekey=... reaches the root route.
        if stage and stage != "$default" and (path == f"/{stage}" or path.startswith(f"/{stage}/")):
            path = path[len(stage) + 1 :] or "/"
        raw_query = event.get("rawQueryString")
        query: dict[str, list[str]] | dict[str, str]
        if isinstance(raw_query, str):
            query = parse_query_string(raw_query)
        else:
            query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
        headers = _event_headers(event)
    else:
        method = str(event.get("httpMethod") or "GET")
        path = str(event.get("path") or "/")
        multi = event.get("multiValueQueryStringParameters")
        if multi:
            query = {str(k): [str(x) for x in (v or [])] for k, v in multi.items()}
        else:
            query = {str(k): str(v) for k, v in (event.get("queryStringParameters") or {}).items()}
        headers = _event_headers(event)
    raw_body = event.get("body") or ""
    if event.get("isBase64Encoded"):
        try:
            body = base64.b64decode(raw_body, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise bad_request("invalid_body", "The request body is not valid base64.") from None
    else:
        body = raw_body.encode("utf-8") if isinstance(raw_body, str) else bytes(raw_body)
    return method, path, query, headers, body


def _event_headers(event: Mapping[str, Any]) -> dict[str, str]:
    """Request headers with lower-case names; repeated REST API headers are joined as HTTP would."""
    headers: dict[str, str] = {}
    for name, values in (event.get("multiValueHeaders") or {}).items():
        headers[str(name).lower()] = ", ".join(str(v) for v in (values or []))
    for name, value in (event.get("headers") or {}).items():
        headers.setdefault(str(name).lower(), str(value))
    return headers


def _to_lambda(status: int, headers: Mapping[str, str], payload: JsonBody | None, *,
               accept_encoding: str | None = None) -> dict[str, Any]:
    body = encode_body(payload)
    if accept_encoding is not None:
        body, encoding_headers = compress(body, accept_encoding)
        headers = {**headers, **encoding_headers}
        if "Content-Encoding" in encoding_headers:
            return {"statusCode": status, "headers": headers, "body": base64.b64encode(body).decode("ascii"),
                    "isBase64Encoded": True}
    return {
        "statusCode": status,
        "headers": dict(headers),
        "body": body.decode("utf-8"),
        "isBase64Encoded": False,
    }


lambda_handler: LambdaHandler = make_lambda_handler()
"""The function to name in the Lambda configuration: settings come from the function's environment."""
