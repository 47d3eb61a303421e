"""Sending a file with a presigned POST form (the way Companion services hand out single uploads).

The form is streamed as multipart/form-data with the file field last (S3 ignores fields after the file),
so memory stays constant whatever the size. A small file's form is built in memory and sent in one piece,
as small PUTs are (transfer.SMALL_BODY): streaming it would cost more CPU than its bytes.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from typing import Any

import requests
from urllib3 import encode_multipart_formdata

from desktop_uploader.core import failure as f
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.http import STALL_TIMEOUT
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.transfer import (
    CHUNK,
    SMALL_BODY,
    Control,
    FileChanged,
    PutResult,
    read_small,
    send_body,
)

_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")


class _FormFileReader:
    """The file field of a form: a byte range of an open file, read in 1 MiB blocks with progress, stop
    checks, bandwidth limit and MD5, handed out in whatever sizes the encoder asks for."""

    def __init__(self, fh: Any, offset: int, length: int, *, on_bytes: Callable[[int], None] | None,
                 control: Control | None, throttle: Callable[[int], None] | None, md5: bool) -> None:
        self._fh = fh
        self._pos = offset
        self._left = length  # not yet read from the file
        self._buffer = b""
        self._on_bytes = on_bytes
        self._control = control
        self._throttle = throttle
        self.md5 = hashlib.md5(usedforsecurity=False) if md5 else None
        self.sent = 0

    @property
    def len(self) -> int:  # what requests-toolbelt asks to size the form
        return self._left + len(self._buffer)

    def read(self, n: int = -1) -> bytes:
        if not self._buffer and self._left > 0:
            if self._control is not None:
                self._control.check()
            self._fh.seek(self._pos)
            block = self._fh.read(min(CHUNK, self._left))
            if not block:
                raise FileChanged("the file got shorter while it was being sent")
            if self._throttle is not None:
                self._throttle(len(block))
            if self.md5 is not None:
                self.md5.update(block)
            self._pos += len(block)
            self._left -= len(block)
            self._buffer = block
        if n is None or n < 0:
            n = len(self._buffer)
        out, self._buffer = self._buffer[:n], self._buffer[n:]
        self.sent += len(out)
        if out and self._on_bytes is not None:
            self._on_bytes(self.sent)
        return out


def post_file(session: requests.Session, signed: SignedRequest, fh: Any, size: int, *, filename: str,
              content_type: str, on_bytes: Callable[[int], None] | None = None, control: Control | None = None,
              throttle: Callable[[int], None] | None = None, verify_md5: bool = True,
              offset: int = 0, stall_timeout: float = STALL_TIMEOUT) -> PutResult:
    """Send *size* bytes of *fh* with a presigned POST form, streaming (constant memory)."""
    # S3 ignores every form field after the file, so the file goes last.
    fields: list[tuple[str, Any]] = list((signed.fields or {}).items())
    if 0 < size <= SMALL_BODY:
        data, md5 = read_small(fh, offset, size, control=control, throttle=throttle, verify_md5=verify_md5)
        body, form_type = encode_multipart_formdata([*fields, ("file", (filename, data, content_type))])
        result = send_body(session, signed, "POST", body, {"Content-Type": form_type}, size,
                           bytes_sent=lambda: size, stall_timeout=stall_timeout, md5_hex=lambda: md5)
        if on_bytes is not None:
            on_bytes(size)
        return _checked(result, signed, size)
    # Only streamed forms need requests-toolbelt: a run of small files does not pay its import.
    from requests_toolbelt import MultipartEncoder

    reader = _FormFileReader(fh, offset, size, on_bytes=on_bytes, control=control, throttle=throttle,
                             md5=verify_md5)
    fields.append(("file", (filename, reader, content_type)))
    encoder = MultipartEncoder(fields=fields)
    headers = {"Content-Type": encoder.content_type, "Content-Length": str(encoder.len)}
    result = send_body(session, signed, "POST", encoder, headers, size, bytes_sent=lambda: reader.sent,
                       stall_timeout=stall_timeout,
                       md5_hex=lambda: reader.md5.hexdigest() if reader.md5 is not None else None)
    return _checked(result, signed, size)


def _checked(result: PutResult, signed: SignedRequest, size: int) -> PutResult:
    """``result``, once the storage's ETag matches the MD5 of what was sent (where it is one)."""
    encrypted = result.encryption in ("aws:kms", "aws:kms:dsse") or result.customer_key
    etag, md5_hex = result.etag, result.md5_hex
    if md5_hex and etag and _PLAIN_MD5.match(etag) and not encrypted and etag != md5_hex:
        raise UploadError(Failure(
            code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=True, signer=signed.signer, file_size=size,
            message=f"The storage server stored different bytes than were sent (its checksum {etag}, "
                    f"ours {md5_hex}).",
        ))
    return result
