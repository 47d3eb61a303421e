"""What every signer offers, and the values signers and uploads exchange."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from desktop_uploader.core.failure import Failure

if TYPE_CHECKING:
    from desktop_uploader.core.explain.link import LinkInfo


@dataclass(frozen=True)
class UploadTarget:
    """What the app asks a signer for: one object."""

    key: str
    content_type: str
    size: int
    metadata: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class SignedRequest:
    """A link to send one file (or, for presigned POST, one form) to.

    ``headers`` are the header values the signer used when signing (e.g. Content-Type, x-amz-acl); the
    uploader sends exactly the headers named in the link's X-Amz-SignedHeaders, taking values from here
    first and then from the link's own query.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] | None = None  # presigned POST form fields
    expires_at: float | None = None  # unix time, when known
    signer: str = ""
    # The signer's own reading of ``url``, when it made one; saves parsing the link again to send it.
    link: LinkInfo | None = field(default=None, compare=False, repr=False)

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - (time.time() if now is None else now) <= seconds


class Signer(Protocol):
    """Gets upload links. Implementations raise UploadError with a Failure on any problem."""

    name: str

    def sign_put(self, target: UploadTarget) -> SignedRequest: ...

    def describe(self) -> dict[str, str]:
        """Non-secret facts for reports (kind, endpoint host, bucket, region)."""
        ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class UploadedPart:
    number: int
    etag: str
    size: int


class MultipartSigner(Signer, Protocol):
    """A signer that can also drive S3 multipart uploads (create, sign each part, list, complete, abort)."""

    def create_multipart(self, target: UploadTarget) -> tuple[str, str]:
        """Start an upload; returns (key, upload_id). The key may differ from the one asked for
        (Companion chooses its own)."""
        ...

    def sign_part(self, key: str, upload_id: str, part_number: int, size: int) -> SignedRequest: ...

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        """Parts the server has, or None when the signer cannot tell."""
        ...

    def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
        """Finish the upload; returns the final ETag when known."""
        ...

    def abort_multipart(self, key: str, upload_id: str) -> None: ...


def supports_multipart(signer: Signer) -> bool:
    return all(callable(getattr(signer, name, None)) for name in (
        "create_multipart", "sign_part", "list_parts", "complete_multipart", "abort_multipart"))


def failure_from_signer(code: str, message: str, **kw: object) -> Failure:
    from desktop_uploader.core.failure import STAGE_SIGN

    return Failure(code=code, message=message, stage=STAGE_SIGN, **kw)  # type: ignore[arg-type]
