"""What happens when a file's name is already taken at the destination: replace it, skip the file when the
same one is there, or keep both by numbering the new one ("photo (2).jpg").

The decision is made twice, cheaply:

- When files are queued, a destination that can list its bucket (access keys on this computer) is listed
  once per folder the batch writes to: identical files are left out, names are numbered, and a different
  file under the same name is reported instead of queued.
- When a file is sent, the link carries ``If-None-Match: *`` (signed into it: botocore presigns it for local
  signing; a signing service's link carries it when the service signs it), so the storage itself refuses to
  replace an object that appeared meanwhile, with 412 PreconditionFailed and no extra request per file.
  That answer is sorted out here: numbered again, or compared (where the destination can look at the
  object) and skipped. Under either rule, an object there that holds exactly the file's bytes is taken as
  the file's own: most often its earlier attempt got through and only the answer was lost.

A signing service whose links do not sign ``If-None-Match`` cannot be kept from replacing files by the app:
such a destination replaces whatever its policy says, and only the service can change that. The connection
test (core/check.py) says so.
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import TYPE_CHECKING

from desktop_uploader.core.config import IF_EXISTS_OVERWRITE, IF_EXISTS_RENAME, IF_EXISTS_SKIP
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.keys import resolve_collisions
from desktop_uploader.core.models import Job, StoredObject
from desktop_uploader.core.signers.base import MultipartSigner, ObjectInspector, Signer
from desktop_uploader.core.transfer import KeyedResult, PutResult

if TYPE_CHECKING:
    from desktop_uploader.core.scan import FoundFile
    from desktop_uploader.core.store import JobStore

log = logging.getLogger(__name__)

OVERWRITE = IF_EXISTS_OVERWRITE
SKIP = IF_EXISTS_SKIP
RENAME = IF_EXISTS_RENAME
MAX_RENAMES = 20  # numbered names tried at send time before giving up
_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")

Lookup = Callable[[Sequence[str]], dict[str, StoredObject]]


@dataclass(frozen=True)
class SkippedResult(KeyedResult):
    """The same file was already stored under the key: nothing was sent."""


@dataclass(frozen=True)
class Sorted:
    """A batch after looking at the destination."""

    keep: list[tuple[FoundFile, str, str]]  # to queue: (file, key asked for, final key)
    already_there: list[tuple[FoundFile, str]]  # the same file is stored under the key
    different: list[tuple[FoundFile, str]]  # another file is stored under the key; not replaced


def policy_of(signer: Signer | None) -> str:
    return signer.if_exists if signer is not None else OVERWRITE


def rules(make_signer: Callable[[], Signer]) -> tuple[str, Lookup | None]:
    """The destination's rule for names already taken, and how to look at what it stores (where it can)."""
    try:
        signer = make_signer()
    except UploadError:  # no keys yet, say: each file fails with that when it is sent
        return OVERWRITE, None
    return policy_of(signer), lookup_for(signer)


def lookup_for(signer: Signer | None) -> Lookup | None:
    """How to find what is stored under a batch's keys, where the destination can list its bucket."""
    if not isinstance(signer, ObjectInspector) or policy_of(signer) == OVERWRITE:
        return None

    def lookup(keys: Sequence[str]) -> dict[str, StoredObject]:
        stored: dict[str, StoredObject] = {}
        for folder in sorted({key.rpartition("/")[0] + "/" if "/" in key else "" for key in keys}):
            stored.update(signer.stored_objects(folder))
        return stored

    return lookup


def same_file(path: Path, size: int, stored: StoredObject) -> bool:
    """Whether ``stored`` holds the file's bytes: the same size, and the same MD5 where its ETag is one
    (multipart and KMS ETags are not; then the size decides)."""
    if stored.size != size:
        return False
    etag = stored.etag.strip('"').lower()
    if not _PLAIN_MD5.match(etag):
        return True
    return _md5_of(path) == etag


def _md5_of(path: Path) -> str | None:
    """The file's MD5 in hex, or None when it cannot be read."""
    digest = hashlib.md5(usedforsecurity=False)
    try:
        with open(path, "rb") as fh:
            for block in iter(lambda: fh.read(1024 * 1024), b""):
                digest.update(block)
    except OSError:
        return None
    return digest.hexdigest()


def sort_batch(wanted: list[tuple[FoundFile, str]], *, policy: str, lookup: Lookup | None,
               taken: Callable[[str], bool]) -> Sorted:
    """Final keys for a batch: numbered against each other and ``taken`` (keys waiting in the queue), and,
    where the destination was listed, against what it already stores."""
    stored: dict[str, StoredObject] = {}
    if lookup is not None and wanted:
        try:
            stored = lookup([key for _, key in wanted])
        except UploadError as exc:  # offline, or not allowed to list: the conditional write still guards
            log.info("could not list the destination before queueing: %s", exc.failure.message)
    already: list[tuple[FoundFile, str]] = []
    different: list[tuple[FoundFile, str]] = []
    if policy == SKIP and stored:
        remaining = []
        for found, key in wanted:
            there = stored.get(key)
            if there is None:
                remaining.append((found, key))
            elif same_file(found.path, found.size, there):
                already.append((found, key))
            else:
                different.append((found, key))
        wanted = remaining
    numbered_against = stored if policy == RENAME else {}
    final = resolve_collisions([key for _, key in wanted],
                               taken=lambda key: taken(key) or key in numbered_against)
    keep = [(found, asked, key) for (found, asked), key in zip(wanted, final, strict=True)]
    return Sorted(keep=keep, already_there=already, different=different)


# -- when sending ----------------------------------------------------------------------------------------

def is_conflict(failure: Failure) -> bool:
    """The storage refused to replace an existing object (a conditional write did not hold)."""
    return failure.http_status == 412 and failure.code == "PreconditionFailed"


Send = Callable[[Job], tuple[PutResult, int]]


def send_new(send: Send, job: Job, signer: Signer, store: JobStore) -> tuple[PutResult, int]:
    """``send(job)``, deciding by the destination's policy what a refusal to replace becomes: the file under
    the next free number, a skipped file, or the failure it is."""
    policy = policy_of(signer)
    original = job.key
    tried = {job.key}
    renames = 0
    while True:
        try:
            result, size = send(job)
        except UploadError as exc:
            if not is_conflict(exc.failure) or policy == OVERWRITE:
                raise
            if policy == SKIP:
                return _skipped(exc, job, signer)
            identical = _identical_there(job, signer)
            if identical is not None:
                # Most likely this file's own upload, whose answer was lost (a connection broken after the body
                # arrived): numbered, the file would be stored twice.
                return identical, job.size
            if renames >= MAX_RENAMES or (isinstance(signer, MultipartSigner) and store.get_multipart(job.id)):
                raise  # a multipart upload is tied to its key; the explanation says what happened
            renames += 1
            job = _numbered(job, original, tried, signer, store)
            tried.add(job.key)
            continue
        return (as_keyed(result, job.key) if renames else result), size


def _skipped(exc: UploadError, job: Job, signer: Signer) -> tuple[PutResult, int]:
    """The key is taken: skip the file when the object there is the same (or cannot be looked at)."""
    there = signer.stored_object(job.key) if isinstance(signer, ObjectInspector) else None
    if isinstance(signer, ObjectInspector) and (there is None or not same_file(Path(job.path), job.size, there)):
        raise exc  # a different file (or one gone again): not replaced, and said so
    etag = there.etag.strip('"').lower() if there is not None else None
    return SkippedResult(etag=etag, md5_hex=None, status=412, key=job.key), job.size


def _identical_there(job: Job, signer: Signer) -> SkippedResult | None:
    """The object under the job's key, when it certainly holds the file's bytes (its ETag is their MD5).
    The size alone is not enough here: a different file taken for this one would be lost."""
    if not isinstance(signer, ObjectInspector):
        return None
    try:
        there = signer.stored_object(job.key)
    except UploadError:
        return None  # cannot look: numbered, as without a way to look
    if there is None or there.size != job.size:
        return None
    etag = there.etag.strip('"').lower()
    if not _PLAIN_MD5.match(etag) or _md5_of(Path(job.path)) != etag:
        return None
    return SkippedResult(etag=etag, md5_hex=None, status=412, key=job.key)


def _numbered(job: Job, original: str, tried: set[str], signer: Signer, store: JobStore) -> Job:
    """``job`` under the next number of its ``original`` key that is not ``tried``, queued or stored."""
    inspector = signer if isinstance(signer, ObjectInspector) else None
    queued = {other.key for other in store.unfinished_by_file(job.profile).values()} - {job.key}

    def taken(key: str) -> bool:
        if key in tried or key in queued:
            return True
        return inspector is not None and inspector.stored_object(key) is not None

    new_key = resolve_collisions([original], taken=taken)[0]
    store.set_key(job.id, new_key)
    return replace(job, key=new_key)


def as_keyed(result: PutResult, key: str) -> KeyedResult:
    """``result`` carrying the key the object was stored under."""
    if isinstance(result, KeyedResult) and result.key == key:
        return result
    values = {f.name: getattr(result, f.name) for f in fields(PutResult)}
    return KeyedResult(**values, key=key)
