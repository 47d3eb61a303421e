"""What signers can do, as types: the engine asks ``isinstance`` which way a file can be sent.

- :class:`PutSigner` hands out presigned PUT links (the simple endpoint protocol, local signing);
  :class:`BatchPutSigner` also many at once (the reference endpoint's ``POST /sign/batch``);
- :class:`FormSigner` hands out presigned POST forms (Companion's ``/s3/params``);
- :class:`MultipartSigner` drives S3 multipart uploads, signing each part just before it is sent;
- :class:`ObjectRemover` can delete an object again (used by the connection check to tidy up);
- :class:`ObjectInspector` can look at what the destination stores (to never replace a file by accident);
- :class:`GetSigner` can sign a time-limited download link to an uploaded object.

A signer only signs: sending belongs to :mod:`desktop_uploader.core.transfer` and
:mod:`desktop_uploader.core.form_upload`.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Sequence

from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import SignedRequest, StoredObject, UploadedPart, UploadTarget

__all__ = ["BatchPutSigner", "FormSigner", "GetSigner", "MultipartSigner", "ObjectInspector", "ObjectRemover",
           "PutSigner", "SignedRequest", "Signer", "StoredObject", "UploadTarget", "UploadedPart"]


class Signer(ABC):
    """Gets upload links. Implementations raise UploadError with a Failure on any problem."""

    name: str = "signer"
    # The destination's rule for names already taken (core/overwrite.py); set from the profile.
    if_exists: str = "overwrite"
    # Whether each link or form costs a round trip to a far service; the engine then fetches them ahead of need.
    signs_remotely: bool = False

    @abstractmethod
    def describe(self) -> dict[str, str]:
        """Non-secret facts for reports (kind, endpoint host, bucket, region)."""

    def storage_origin(self) -> str | None:
        """Where this signer's links point (``scheme://host[:port]``), where it knows without asking anyone;
        None for a signing service, whose links say it only when they come."""
        return None

    @property
    def clock_offset(self) -> float:
        """The storage's time minus this computer's, in seconds, as the links signed here take it."""
        return 0.0

    def watch_clock(self, watcher: Callable[[float], None]) -> None:  # noqa: B027 - a service keeps its own time
        """Have ``watcher(clock_offset)`` called when the links signed here change the time they carry."""

    def learn_time(self, failure: Failure) -> bool:
        """After the storage refused a link: True when the refusal showed this computer's clock off and links
        signed from now on carry the storage's time (core/clock.py). A service's links carry its own time."""
        return False

    def close(self) -> None:  # noqa: B027 - most signers hold nothing of their own
        """Release what the signer holds; the HTTP session belongs to the engine."""


class PutSigner(Signer):
    # Whether the signer may sign a target's checksum_crc32 into its link (the link's signed headers say
    # whether it did: a signing service may not know how).
    offers_checksums: bool = False

    @abstractmethod
    def sign_put(self, target: UploadTarget) -> SignedRequest: ...


class BatchPutSigner(PutSigner):
    """A PutSigner that can also sign many files in one round trip."""

    max_batch: int = 100

    @abstractmethod
    def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
        """Links for ``targets`` in the same order; raises UploadError when the service refuses the batch."""

    def batch_enabled(self) -> bool:
        return True


class FormSigner(Signer):
    @abstractmethod
    def sign_post(self, target: UploadTarget) -> SignedRequest:
        """A presigned POST form; the object key the service chose is in ``fields["key"]``."""


class MultipartSigner(Signer):
    # Whether the signer can start an upload with a checksum algorithm and sign a part's checksum_crc32 into
    # its link, so the storage checks each part itself (see core/checksums.py).
    offers_part_checksums: bool = False

    @abstractmethod
    def create_multipart(self, target: UploadTarget, *, checksum_algorithm: str | None = None) -> tuple[str, str]:
        """Start an upload, with ``checksum_algorithm`` ("CRC32") when every part will carry its checksum;
        returns (key, upload_id). The key may differ from the one asked for (Companion chooses its own)."""

    @abstractmethod
    def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                  checksum_crc32: str | None = None) -> SignedRequest:
        """A part's link; with ``checksum_crc32`` signed in when the signer offers part checksums."""

    @abstractmethod
    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        """Parts the server has, or None when the signer cannot tell."""

    @abstractmethod
    def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
        """Finish the upload; returns the final ETag when known."""

    @abstractmethod
    def abort_multipart(self, key: str, upload_id: str) -> None: ...


class ObjectRemover(Signer):
    @abstractmethod
    def remove_object(self, key: str) -> bool:
        """Delete ``key``; False when not allowed (a normal, reported outcome)."""


class ObjectInspector(Signer):
    @abstractmethod
    def stored_objects(self, folder: str) -> dict[str, StoredObject]:
        """Every object directly in ``folder`` ("" for the top, else ending in "/"), by key."""

    @abstractmethod
    def stored_object(self, key: str) -> StoredObject | None:
        """The object stored under ``key``, or None."""


class GetSigner(Signer):
    @abstractmethod
    def sign_get(self, key: str, seconds: int) -> str:
        """A link that downloads ``key`` for ``seconds``."""
