"""Sending one file with one presigned PUT: streamed, constant memory, exactly the signed headers."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, BinaryIO, cast
from urllib.parse import urlsplit

import requests
import requests.adapters
import urllib3

from desktop_uploader.core import failure as f
from desktop_uploader.core.clock import date_header_time
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER, OverlappedMD5
from desktop_uploader.core.http import (
    ERROR_BODY_LIMIT,
    SEND_SLICE,
    STALL_TIMEOUT,
    USER_AGENT,
    classify_network_error,
    direct_pool,
    read_capped,
)
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import LinkInfo, SigningFacts, signing_facts
from desktop_uploader.core.protocol.responses import parse_s3_error

CHUNK = 1024 * 1024
SINGLE_PUT_LIMIT = 5 * 1024**3
SMALL_BODY = SEND_SLICE  # files up to this size are read and sent in one piece
RETRYABLE_S3_CODES = frozenset({"SlowDown", "RequestTimeout", "InternalError", "ServiceUnavailable",
                                "OperationAborted", "RequestTimeTooSkewed"})
RETRYABLE_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class Interrupted(Exception):
    """The user paused or cancelled, or the engine is shutting down, while bytes were flowing."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Control:
    """Shared between a running transfer and the engine: the way to stop it mid-stream."""

    def __init__(self) -> None:
        self.stop_reason: str | None = None
        self._event = threading.Event()

    def stop(self, reason: str) -> None:
        if self.stop_reason is None:
            self.stop_reason = reason
        self._event.set()

    def check(self) -> None:
        if self.stop_reason is not None:
            raise Interrupted(self.stop_reason)

    def wait(self, seconds: float) -> None:
        """Sleep that a stop request cuts short."""
        self._event.wait(seconds)
        self.check()


class FileChanged(Exception):
    pass


class FileBody:
    """An iterable request body over a byte range of a file, with a length so requests sends
    Content-Length (S3 refuses chunked transfer encoding on presigned PUTs)."""

    def __init__(self, fh: BinaryIO, offset: int, length: int, *,
                 on_bytes: Callable[[int], None] | None = None, control: Control | None = None,
                 throttle: Callable[[int], None] | None = None, md5: bool = True) -> None:
        self._fh = fh
        self._offset = offset
        self._length = length
        self._on_bytes = on_bytes
        self._control = control
        self._throttle = throttle
        self.md5 = OverlappedMD5() if md5 else None
        self.sent = 0

    def __len__(self) -> int:
        return self._length

    def close(self) -> None:
        if self.md5 is not None:
            self.md5.close()

    def __iter__(self) -> Iterator[bytes]:
        fh = self._fh
        fh.seek(self._offset)
        remaining = self._length
        self.sent = 0
        if self.md5 is not None:
            self.md5.close()
            self.md5 = OverlappedMD5()
        while remaining > 0:
            if self._control is not None:
                self._control.check()
            block = fh.read(min(CHUNK, remaining))
            if not block:
                # The file got shorter while we were sending it.
                raise FileChanged("the file got shorter while it was being sent")
            if self._throttle is not None:
                self._throttle(len(block))
            if self.md5 is not None:
                self.md5.update(block)
            remaining -= len(block)
            view = memoryview(block)
            for start in range(0, len(block), SEND_SLICE):
                piece = view[start:start + SEND_SLICE]
                self.sent += len(piece)
                yield piece  # type: ignore[misc]  # http.client sends any bytes-like object
                if self._on_bytes is not None:
                    self._on_bytes(self.sent)


def headers_to_send(signed: SignedRequest, link: LinkInfo | SigningFacts | None = None) -> dict[str, str]:
    """Exactly the headers the link was signed for, with the values the signer used, and no unsigned
    x-amz-* header. Raises UploadError when a signed header's value is unknown."""
    facts = link or signed.link or signing_facts(signed.url)
    known = {k.lower(): v for k, v in signed.headers.items()}
    out: dict[str, str] = {}
    if facts.version == "v4":
        query = facts.params  # lower-case names, the signature's own parameters left out
        for name in facts.signed_headers:
            if name in ("host", "content-length"):
                continue  # set by the HTTP layer from the URL and the body
            if name in known:
                out[name] = known[name]
            elif name in query:
                out[name] = query[name]
            else:
                raise UploadError(Failure(
                    code=f.SIGNED_HEADER_UNKNOWN, stage=f.STAGE_SIGN, signer=signed.signer,
                    signed_url=signed.url,
                    message=f"The link was signed with the header '{name}', but the signer did not say "
                            "which value it used, so the upload would be refused.",
                ))
        for name, value in known.items():
            if name not in out and not name.startswith("x-amz-"):
                out[name] = value
    else:
        # SigV2 or an unknown scheme: send what the signer says it used, nothing more.
        out.update(known)
    return out


@dataclass(frozen=True)
class PutResult:
    etag: str | None
    md5_hex: str | None
    status: int
    encryption: str = ""  # x-amz-server-side-encryption: KMS ETags are not MD5s
    customer_key: bool = False  # SSE-C: neither
    server_date: str | None = None  # the answer's Date header, for clock checks
    url: str = ""  # the object's address: the link without its signature (a PUT link names the object)
    checksum_crc32: str | None = None  # the CRC32 the storage computed and checked, when it says so


@dataclass(frozen=True)
class KeyedResult(PutResult):
    """A finished upload and the object key it was stored under, which a Companion service may have chosen
    differently from the key the job asked for."""

    key: str = ""


def put_file(session: requests.Session, signed: SignedRequest, fh: BinaryIO, size: int, *,
             on_bytes: Callable[[int], None] | None = None, control: Control | None = None,
             throttle: Callable[[int], None] | None = None, verify_md5: bool = True,
             offset: int = 0, headers: dict[str, str] | None = None,
             stall_timeout: float = STALL_TIMEOUT) -> PutResult:
    """PUT *size* bytes of open file *fh* from *offset* to the signed link; raise UploadError on failure.

    *headers* are the ones headers_to_send() chose, when the caller already asked it."""
    headers = dict(headers) if headers is not None else headers_to_send(signed)
    if size > SINGLE_PUT_LIMIT:
        raise UploadError(Failure(code=f.TOO_LARGE, stage=f.STAGE_LOCAL, signer=signed.signer,
                                  message="S3 takes at most 5 GiB in a single upload; this file needs a "
                                          "multipart upload.", file_size=size))
    # An empty file must go as an explicit Content-Length: 0, never as chunked.
    headers["Content-Length"] = str(size)
    if 0 < size <= SMALL_BODY:
        return _put_small(session, signed, fh, offset, size, headers, on_bytes=on_bytes, control=control,
                          throttle=throttle, verify_md5=verify_md5, stall_timeout=stall_timeout)
    body = FileBody(fh, offset, size, on_bytes=on_bytes, control=control, throttle=throttle, md5=verify_md5)
    empty_md5 = hashlib.md5(b"", usedforsecurity=False).hexdigest() if verify_md5 else None
    try:
        return send_body(session, signed, signed.method, body if size else b"", headers, size,
                         bytes_sent=lambda: body.sent, stall_timeout=stall_timeout,
                         md5_hex=lambda: body.md5.hexdigest() if (body.md5 is not None and size) else empty_md5)
    finally:
        body.close()


def _put_small(session: requests.Session, signed: SignedRequest, fh: BinaryIO, offset: int, size: int,
               headers: dict[str, str], *, on_bytes: Callable[[int], None] | None, control: Control | None,
               throttle: Callable[[int], None] | None, verify_md5: bool, stall_timeout: float) -> PutResult:
    # A small file goes in one piece: streaming it block by block costs more CPU than its bytes do, and
    # a folder of small files is where that adds up.
    data, md5 = read_small(fh, offset, size, control=control, throttle=throttle, verify_md5=verify_md5)
    result = send_body(session, signed, signed.method, data, headers, size, bytes_sent=lambda: size,
                       md5_hex=lambda: md5, stall_timeout=stall_timeout)
    if on_bytes is not None:
        on_bytes(size)
    return result


def read_small(fh: BinaryIO, offset: int, size: int, *, control: Control | None,
               throttle: Callable[[int], None] | None, verify_md5: bool) -> tuple[bytes, str | None]:
    """A small file's bytes (and their MD5 when verifying), read in one piece for sending in one piece."""
    if control is not None:
        control.check()
    fh.seek(offset)
    data = fh.read(size)
    if len(data) < size:
        raise FileChanged("the file got shorter while it was being sent")
    if throttle is not None:
        throttle(size)
    return data, hashlib.md5(data, usedforsecurity=False).hexdigest() if verify_md5 else None


def send_body(session: requests.Session, signed: SignedRequest, method: str, data: Iterable[bytes] | Any,
              headers: dict[str, str], size: int, *, bytes_sent: Callable[[], int],
              md5_hex: Callable[[], str | None], stall_timeout: float = STALL_TIMEOUT) -> PutResult:
    """Send one request carrying file bytes and turn the answer into a PutResult or an UploadError.
    Shared by presigned PUTs and presigned POST forms."""
    if isinstance(data, bytes) and data and (pool := direct_pool(session, signed.url)) is not None:
        return _send_in_memory(pool, session, signed, method, data, headers, size, md5_hex=md5_hex,
                               stall_timeout=stall_timeout)
    try:
        response = session.request(method, signed.url, data=data, headers=headers,
                                   timeout=(stall_timeout, stall_timeout), allow_redirects=False, stream=True)
        read_capped(response, ERROR_BODY_LIMIT, truncate=True)  # an answer of gigabytes is not read whole
    except (Interrupted, FileChanged):
        raise
    except requests.RequestException as exc:
        if isinstance(exc.__context__, Interrupted | FileChanged):
            raise exc.__context__ from None
        raise _network_failure(exc, method, signed, headers, bytes_sent(), size) from None
    with response:
        if response.status_code // 100 == 2:
            return _put_result(response.status_code, response.headers, signed, method, md5_hex)
        sent = SentRequest.build(method, signed.url, headers, bytes_sent())
        raise UploadError(failure_from_response(response, sent, signed, size))


def _send_in_memory(pool: urllib3.HTTPConnectionPool, session: requests.Session, signed: SignedRequest,
                    method: str, data: bytes, headers: dict[str, str], size: int, *,
                    md5_hex: Callable[[], str | None], stall_timeout: float) -> PutResult:
    """send_body for a body held in memory, straight through requests' own pool (see http.direct_pool)."""
    sent_headers = {"User-Agent": str(session.headers.get("User-Agent") or USER_AGENT), **headers}
    # The path and query, as requests sends them: a whole URL would go out in a proxy's form of the request
    # line, which a storage server that signs over the path as it reads it may get wrong.
    parts = urlsplit(signed.url)
    target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        answer = pool.urlopen(method, target, body=data, headers=sent_headers, retries=False, redirect=False,
                              assert_same_host=False, preload_content=False, decode_content=False,
                              timeout=urllib3.Timeout(connect=stall_timeout, read=stall_timeout))
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        raise _network_failure(exc, method, signed, headers, 0, size) from None
    try:
        if answer.status // 100 != 2:
            # The rare path goes through requests, so a failure is read and explained one way only.
            prepared = requests.Request(method, signed.url, headers=sent_headers).prepare()
            adapter = cast(requests.adapters.HTTPAdapter, session.get_adapter(signed.url))  # direct_pool checked
            response = adapter.build_response(prepared, answer)
            read_capped(response, ERROR_BODY_LIMIT, truncate=True)
            with response:
                raise UploadError(failure_from_response(response, SentRequest.build(method, signed.url, headers, size),
                                                        signed, size))
        rest = answer.read(ERROR_BODY_LIMIT + 1)  # S3 answers an upload with an empty body
    except (urllib3.exceptions.HTTPError, requests.RequestException, OSError) as exc:
        answer.close()
        raise _network_failure(exc, method, signed, headers, size, size) from None
    if len(rest) > ERROR_BODY_LIMIT:
        answer.close()  # unread bytes left: the connection must not be reused
    else:
        answer.release_conn()
    return _put_result(answer.status, answer.headers, signed, method, md5_hex)


def _put_result(status: int, headers: Mapping[str, str], signed: SignedRequest, method: str,
                md5_hex: Callable[[], str | None]) -> PutResult:
    etag = headers.get("ETag")
    return PutResult(
        etag=etag.strip('"').lower() if etag else None, md5_hex=md5_hex(), status=status,
        encryption=headers.get("x-amz-server-side-encryption", ""),
        customer_key="x-amz-server-side-encryption-customer-algorithm" in headers,
        server_date=headers.get("Date"), url=object_address(signed.url) if method == "PUT" else "",
        checksum_crc32=headers.get(CHECKSUM_HEADER))


def _network_failure(exc: BaseException, method: str, signed: SignedRequest, headers: dict[str, str],
                     sent_bytes: int, size: int) -> UploadError:
    code, message = classify_network_error(exc)
    # The record of what was sent is only built when something failed: redaction is not free.
    sent = SentRequest.build(method, signed.url, headers, sent_bytes)
    return UploadError(Failure(code=code, message=message, stage=f.STAGE_UPLOAD, retryable=True, request=sent,
                               signer=signed.signer, signed_url=signed.url, network_error=code, file_size=size))


def object_address(url: str) -> str:
    """A link with its query (signature, expiry, credential) removed: where the object is."""
    return url.split("?", 1)[0].split("#", 1)[0]


def failure_from_response(response: requests.Response, sent: SentRequest, signed: SignedRequest,
                          size: int | None) -> Failure:
    body = response.content
    s3 = parse_s3_error(body)
    status = response.status_code
    code = s3.get("Code") or _status_code_name(status, body, response.headers.get("Content-Type", ""))
    message = s3.get("Message") or f"The storage server answered {status} {response.reason or ''}".strip()
    retry_after = _retry_after(response.headers.get("Retry-After"), response.headers.get("Date"))
    retryable = status in RETRYABLE_STATUS or code in RETRYABLE_S3_CODES
    if status == 403 and code == "RequestTimeTooSkewed":
        retryable = False
    return Failure(
        code=code, message=message, stage=f.STAGE_UPLOAD, http_status=status, retryable=retryable,
        s3_error=s3, request_id=s3.get("RequestId") or response.headers.get("x-amz-request-id"),
        request=sent, response=ReceivedResponse.build(status, dict(response.headers), body),
        signer=signed.signer, signed_url=signed.url, file_size=size,
        server_date=response.headers.get("Date"), retry_after=retry_after,
    )


def _status_code_name(status: int, body: bytes, content_type: str) -> str:
    head = body.lstrip()[:15].lower()
    if "html" in content_type.lower() or head.startswith((b"<!doctype", b"<html")):
        return f.HTML_RESPONSE
    return {400: "BadRequest", 403: "AccessDenied", 404: "NotFound", 405: "MethodNotAllowed",
            407: "ProxyAuthenticationRequired", 411: "MissingContentLength", 412: "PreconditionFailed",
            413: "EntityTooLarge", 429: "TooManyRequests", 500: "InternalError", 501: "NotImplemented",
            503: "ServiceUnavailable", 511: "NetworkAuthenticationRequired"}.get(status, f"HTTP{status}")


def _retry_after(value: str | None, date: str | None) -> float | None:
    """Retry-After in seconds: a number, or a date read against the answer's own Date (this computer's clock
    may be off), else against this computer's."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    at = date_header_time(value)
    if at is None:
        return None
    now = date_header_time(date)
    return max(0.0, at - (now if now is not None else time.time()))


def is_expired_link_failure(failure: Failure) -> bool:
    message = (failure.s3_error.get("Message") or failure.message or "").lower()
    return failure.http_status == 403 and failure.code == "AccessDenied" and "expired" in message
