"""Large files: S3 multipart uploads that survive crashes, expiring links and corrupted parts.

One call of :func:`upload_multipart` sends one file. It is re-entrant: the upload id, the part size and
every finished part are committed to the queue database as they happen, so the next call (a retry by
the engine, or a new process after a crash) reuses the upload, confirms the finished parts with the
server (ListParts) and sends only the missing ones. An upload the server no longer has, although every
part was sent, was most often joined with its answer lost (a broken connection, a crash): where the signer
can look at the object and its ETag is the one the sent parts make, the file is done without sending again.

Parts stream from file offsets (positional reads on the open file, 1 MiB at a time), a few in parallel;
each part's link is signed just before the part is sent and signed again if it expired.

A part is proven as core/checksums.py says. Where the signer signs part checksums (local signing) and the
destination is not known to ignore them, the upload starts with ChecksumAlgorithm CRC32: each part's CRC32 is
computed just before its link is signed and signed into it, the storage refuses other bytes (400 BadDigest:
the part is read, checksummed, signed and sent again) and must echo it, and the completion names every
part's CRC. Until the destination has echoed a checksum, each part's ETag is also checked against the MD5 of
the bytes sent; once it is trusted, parts are sent without an MD5. Elsewhere (Companion, a storage that
ignores the header) each part is checked by MD5 alone. The object's composite ETag (MD5 of the part MD5s
plus "-N") is checked against the server's after completion when every part has its MD5; parts proven by
CRC alone have none, and the storage checks the part CRCs named at completion instead.

The multipart row in the queue database keeps the upload id, the object key the server chose (Companion
picks its own), the size and modification time of the file the parts came from, so parts of an older version
of a file are never joined with new ones, and whether the upload was started with CRC32, so a resumed one
goes on the same way. Each finished part keeps its ETag, MD5 and CRC32: the completion must repeat the CRCs,
and a storage need not list them (SeaweedFS does not).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import threading
import zlib
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any, BinaryIO, cast

import requests

from desktop_uploader.core import failure as f
from desktop_uploader.core.budget import ConnectionBudget
from desktop_uploader.core.checksums import ChecksumPolicy, destination_of
from desktop_uploader.core.engine_settings import EngineSettings
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER, crc32_of, crc32_text
from desktop_uploader.core.models import Event, EventKind, Job, SignedRequest, UploadedPart, UploadTarget
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.signers.base import MultipartSigner, ObjectInspector, Signer
from desktop_uploader.core.store import JobStore, UploadRecord
from desktop_uploader.core.transfer import (
    CHUNK,
    Control,
    FileChanged,
    Interrupted,
    KeyedResult,
    PutResult,
    headers_to_send,
    is_expired_link_failure,
    put_file,
)

log = logging.getLogger(__name__)

MiB = 1024 * 1024
MIN_PART_SIZE = 5 * MiB  # S3's minimum for every part but the last
MAX_PART_SIZE = 5 * 1024 * MiB  # S3's maximum part size
MAX_PARTS = 10_000
DEFAULT_PART_SIZE = 8 * MiB
DEFAULT_PART_CONCURRENCY = 4  # parts in flight per file
CRC32 = "CRC32"  # the checksum algorithm an upload is started with when its parts carry the storage's check

# Reasons for which an interrupted upload is thrown away on the server; "pause" and "shutdown" keep it.
DISCARD_REASONS = frozenset({"cancel", "remove"})

_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")
_COMPOSITE = re.compile(r"^[0-9a-f]{32}-[0-9]+$")
_GONE_CODES = frozenset({"NoSuchUpload", "no_such_upload"})
_RETRY_SLICE = 0.2  # how often a part waiting to retry looks whether the whole upload was halted


@dataclass
class MultipartContext:
    """Everything one multipart upload needs from the engine."""

    store: JobStore
    session: requests.Session
    job: Job
    signer: MultipartSigner
    fh: BinaryIO
    control: Control
    on_bytes: Callable[[int], None]
    settings: EngineSettings
    emit: Callable[[Event], None]
    # The engine's global bandwidth limit (RateLimiter.throttle(control)); None when unlimited.
    throttle: Callable[[int], None] | None = None
    # The engine's pool of connections shared by all files and parts; None = no limit beyond parts.
    budget: ConnectionBudget | None = None
    # What the engine knows of destinations' checksums; None = one of its own over the same queue.
    checksums: ChecksumPolicy | None = None


# -- sizes ------------------------------------------------------------------------------------------------
def choose_part_size(size: int, preferred: int = DEFAULT_PART_SIZE) -> int:
    """A part size of at least *preferred* and 5 MiB that keeps *size* within 10,000 parts (whole MiB)."""
    part = max(preferred, MIN_PART_SIZE)
    needed = -(-size // MAX_PARTS)
    if needed > part:
        part = -(-needed // MiB) * MiB
    if part > MAX_PART_SIZE:
        raise UploadError(Failure(
            code=f.TOO_LARGE, stage=f.STAGE_LOCAL, file_size=size,
            message="The file is larger than S3 can store in one object (10,000 parts of 5 GiB).",
        ))
    return part


def part_count(size: int, part_size: int) -> int:
    return max(1, -(-size // part_size))


def part_range(number: int, size: int, part_size: int) -> tuple[int, int]:
    """(offset, length) of part *number* (from 1)."""
    offset = (number - 1) * part_size
    return offset, max(0, min(part_size, size - offset))


def composite_etag(md5s_hex: Iterable[str]) -> str:
    """The ETag S3 gives a multipart object: MD5 of the concatenated binary part MD5s, then "-N"."""
    digests = [bytes.fromhex(m) for m in md5s_hex]
    return f"{hashlib.md5(b''.join(digests), usedforsecurity=False).hexdigest()}-{len(digests)}"


def _norm_etag(etag: str | None) -> str:
    return (etag or "").strip().strip('"').lower()


def stored_upload(store: JobStore, job: Job) -> UploadRecord | None:
    """The multipart upload the queue remembers for *job*, or None."""
    return store.get_multipart(job.id)


@dataclass(frozen=True)
class _Done:
    etag: str
    size: int
    md5: str | None
    crc32: str | None = None


# -- reading the file -------------------------------------------------------------------------------------
class _PositionalReader:
    """seek/read over a shared file descriptor with pread, so parts running in parallel never move each
    other's file position."""

    def __init__(self, fd: int) -> None:
        self._fd = fd
        self._pos = 0

    def seek(self, pos: int, whence: int = 0) -> int:
        self._pos = pos
        return pos

    def read(self, n: int) -> bytes:
        data = os.pread(self._fd, n, self._pos)
        self._pos += len(data)
        return data

    def close(self) -> None:
        """The descriptor belongs to the engine."""


def _open_reader(ctx: MultipartContext) -> Any:
    if hasattr(os, "pread"):
        return _PositionalReader(ctx.fh.fileno())
    # No positional reads (Windows): each part reads through its own handle.
    return open(ctx.job.path, "rb")  # closed by the caller


def _digests_of_range(ctx: MultipartContext, offset: int, length: int, *,
                      crc: bool) -> tuple[str, str | None] | None:
    """The MD5 (hex) of a byte range and, with *crc*, its CRC32 as S3 spells it; None if the file is shorter."""
    reader = _open_reader(ctx)
    try:
        reader.seek(offset)
        digest = hashlib.md5(usedforsecurity=False)
        value = 0
        remaining = length
        while remaining > 0:
            block = reader.read(min(CHUNK, remaining))
            if not block:
                return None
            digest.update(block)
            if crc:
                value = zlib.crc32(block, value)
            remaining -= len(block)
        return digest.hexdigest(), crc32_text(value) if crc else None
    finally:
        reader.close()


# -- progress ---------------------------------------------------------------------------------------------
class _Progress:
    """Bytes sent for the whole file, never going backwards although parts restart and run in parallel."""

    def __init__(self, on_bytes: Callable[[int], None], committed: int) -> None:
        self._on_bytes = on_bytes
        self._lock = threading.Lock()
        self._committed = committed
        self._inflight: dict[int, int] = {}
        self._reported = -1

    def part(self, number: int, sent: int) -> None:
        with self._lock:
            self._inflight[number] = sent
            self._report()

    def finish(self, number: int, size: int) -> None:
        with self._lock:
            self._inflight.pop(number, None)
            self._committed += size
            self._report()

    def drop(self, number: int) -> None:
        with self._lock:
            self._inflight.pop(number, None)

    def start(self) -> None:
        with self._lock:
            self._report()

    def _report(self) -> None:
        total = self._committed + sum(self._inflight.values())
        if total > self._reported:
            self._reported = total
            self._on_bytes(total)


# -- errors -----------------------------------------------------------------------------------------------
class _Halted(Exception):
    """Another part failed; this one stops taking work."""


def _upload_gone(failure: Failure) -> bool:
    return failure.code in _GONE_CODES


def _gone(failure: Failure) -> UploadError:
    return UploadError(Failure(
        code="NoSuchUpload", stage=failure.stage, http_status=failure.http_status, retryable=True,
        signer=failure.signer, s3_error=failure.s3_error, request=failure.request, response=failure.response,
        message="The storage server no longer has this multipart upload (it was aborted or expired); "
                "the file will be sent again from the start.",
    ))


def _mismatch(number: int, etag: str, md5: str, signer: str | None) -> Failure:
    return Failure(
        code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=True, signer=signer,
        message=f"The storage server stored different bytes for part {number} than were sent "
                f"(its checksum {etag}, ours {md5}).",
    )


def _refused(number: int, failure: Failure) -> None:
    failure.retryable = True
    failure.message = (f"The storage server refused part {number}: the bytes it received do not match the "
                       f"checksum computed from the file just before sending ({failure.message}).")


# -- the upload -------------------------------------------------------------------------------------------
class _Upload:
    def __init__(self, ctx: MultipartContext, signer: MultipartSigner, record: UploadRecord, part_size: int,
                 done: dict[int, _Done], checksums: ChecksumPolicy) -> None:
        self.ctx = ctx
        self.signer = signer
        self.record = record
        self.part_size = part_size
        self.done = done
        self.total = part_count(ctx.job.size, part_size)
        self.policy: RetryPolicy = ctx.settings.retry
        self.verify = ctx.settings.verify_md5
        self.checksums = checksums
        self.destination = destination_of(signer)
        # As the upload was started: its completion needs every part's CRC, --no-verify or not.
        self.crc = record.checksum_algorithm == CRC32
        self.halt = threading.Event()
        self._lock = threading.Lock()
        self._errors: list[BaseException] = []
        self._todo: list[int] = []
        self.throttle = ctx.throttle
        self.progress = _Progress(ctx.on_bytes, sum(d.size for d in done.values()))

    # The whole transfer of the missing parts; raises the first failure once every part has stopped.
    def send_missing(self) -> None:
        self._todo = [n for n in range(self.total, 0, -1) if n not in self.done]  # popped from the end
        self.progress.start()
        if not self._todo:
            return
        workers = min(self.ctx.settings.part_concurrency or 1,
                      len(self._todo))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix=f"part-{self.ctx.job.id}") as pool:
            for future in [pool.submit(self._worker) for _ in range(workers)]:
                future.result()  # _worker never raises; failures are collected
        if self._errors:
            stop = self.ctx.control.stop_reason
            if stop is not None:
                raise Interrupted(stop)
            raise self._errors[0]

    def _next(self) -> int | None:
        with self._lock:
            if self.halt.is_set() or not self._todo:
                return None
            return self._todo.pop()

    def _worker(self) -> None:
        while (number := self._next()) is not None:
            try:
                self._send_part(number)
            except _Halted:
                return
            except BaseException as exc:
                with self._lock:
                    self._errors.append(exc)
                self.halt.set()
                return

    def _wait(self, seconds: float) -> None:
        """A retry delay that a pause/cancel or another part's failure cuts short."""
        remaining = seconds
        while remaining > 0:
            step = min(remaining, _RETRY_SLICE)
            self.ctx.control.wait(step)
            remaining -= step
            if self.halt.is_set():
                raise _Halted

    def _send_part(self, number: int) -> None:
        ctx, job = self.ctx, self.ctx.job
        offset, length = part_range(number, job.size, self.part_size)
        attempt = 1
        resigns = 0
        while True:
            ctx.control.check()
            if self.halt.is_set():
                raise _Halted
            try:
                done = self._put_part(number, offset, length)
            except UploadError as exc:
                self.progress.drop(number)
                failure = exc.failure
                if _upload_gone(failure):
                    raise _gone(failure) from None
                if self.signer.learn_time(failure):
                    continue  # refused for this computer's clock, now known: signed again with the storage's time
                if is_expired_link_failure(failure) and resigns < self.policy.max_resigns:
                    resigns += 1
                    continue
                if failure.code == "BadDigest" and self.crc:
                    # The storage refused bytes that did not match the CRC computed just before signing: they
                    # changed on the way or in the file. Read, checksummed and signed again.
                    _refused(number, failure)
                if not failure.retryable or attempt >= self.policy.max_attempts:
                    if failure.code in (f.ETAG_MISMATCH, "BadDigest"):
                        # Sent again and again and still stored differently: not a passing glitch.
                        failure.retryable = False
                    raise
                delay = self.policy.delay(attempt, failure)
                ctx.emit(Event(EventKind.RETRY, job.id, job.path, job.key, retry_in=delay, attempt=attempt,
                               failure=failure.to_dict(), extra={"part": number}))
                attempt += 1
                self._wait(delay)
                continue
            except BaseException:
                self.progress.drop(number)
                raise
            ctx.store.add_part(job.id, number, done.etag, length, done.md5, done.crc32)
            self.done[number] = done
            self.progress.finish(number, length)
            return

    def _put_part(self, number: int, offset: int, length: int) -> _Done:
        """One attempt at part *number*: checksum, sign, send, check the answer."""
        ctx, record = self.ctx, self.record
        reader = _open_reader(ctx)
        try:
            crc = self._crc_of(reader, offset, length) if self.crc else None
            # Signed now, not earlier: a part that waited in the queue never goes out on a stale link.
            with ctx.budget.slot(ctx.control) if ctx.budget is not None else nullcontext():
                signed = self.signer.sign_part(record.key, record.upload_id, number, length, checksum_crc32=crc)
                headers = headers_to_send(signed)
                sent = headers.get(CHECKSUM_HEADER)  # None when the signer left it out of the link
                md5 = self.checksums.needs_md5(self.destination, verify=self.verify,
                                               signed_checksum=sent is not None)
                result = put_file(ctx.session, signed, reader, length, offset=offset, control=ctx.control,
                                  on_bytes=lambda done: self.progress.part(number, done), headers=headers,
                                  throttle=self.throttle, verify_md5=md5, stall_timeout=ctx.settings.stall_timeout)
        finally:
            reader.close()
        return self._checked(number, length, signed, result, sent=sent, md5_checked=md5, crc=crc)

    def _crc_of(self, reader: Any, offset: int, length: int) -> str:
        try:
            return crc32_of(reader, offset, length, self.ctx.control.check)
        except EOFError:
            raise FileChanged("the file got shorter while a part's checksum was computed") from None

    def _checked(self, number: int, length: int, signed: SignedRequest, result: PutResult, *, sent: str | None,
                 md5_checked: bool, crc: str | None) -> _Done:
        """The part as stored, once its answer proves it; raises UploadError when it does not."""
        etag = _norm_etag(result.etag)
        if not etag:
            raise UploadError(Failure(
                code=f.NON_S3_RESPONSE, stage=f.STAGE_UPLOAD, signer=signed.signer,
                message=f"The storage server accepted part {number} but did not return its ETag, "
                        "which is needed to join the parts.",
            ))
        if sent is not None and self.verify:
            failure = self.checksums.answered(self.destination, sent, result, md5_checked=md5_checked,
                                              part=number).failure
            if failure is not None:
                failure.signer = signed.signer
                raise UploadError(failure)
        md5 = result.md5_hex if md5_checked else None
        encrypted = result.encryption in ("aws:kms", "aws:kms:dsse") or result.customer_key
        if md5 and _PLAIN_MD5.match(etag) and not encrypted and etag != md5:
            raise UploadError(_mismatch(number, etag, md5, signed.signer))
        return _Done(etag, length, md5, crc)

    def complete(self) -> KeyedResult:
        ctx = self.ctx
        ctx.control.check()  # a pause just before the end keeps every part for later
        parts = [UploadedPart(n, part.etag, part.size, part.crc32 if self.crc else None)
                 for n, part in sorted(self.done.items())]
        try:
            final = self.signer.complete_multipart(self.record.key, self.record.upload_id, parts)
        except UploadError as exc:
            if _upload_gone(exc.failure) or exc.failure.code in ("InvalidPart", "invalid_part", "BadDigest"):
                # What we remember does not match the server: start over rather than fail for ever.
                ctx.store.clear_multipart(ctx.job.id)
                exc.failure.retryable = True
            raise
        ctx.store.clear_multipart(ctx.job.id)
        md5s = [self.done[n].md5 for n in sorted(self.done)]
        expected: str | None = None
        if all(md5s) and all(self.done[n].etag == self.done[n].md5 for n in self.done):
            # Only when every part's ETag was its MD5 is the object's ETag derived from them (not with
            # KMS or SSE-C encryption). Parts proven by CRC alone have no MD5: the storage checked the CRCs
            # named above.
            expected = composite_etag(cast(list[str], md5s))
        got = _norm_etag(final)
        if expected is not None and _COMPOSITE.match(got) and got != expected:
            raise UploadError(Failure(
                code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=False, signer=self.signer.name,
                file_size=ctx.job.size,
                message=f"After joining the parts, the storage server's checksum of the file ({got}) differs "
                        f"from ours ({expected}); the stored file is not the one that was sent.",
            ))
        return KeyedResult(etag=got or expected, md5_hex=None, status=200, key=self.record.key)


# SeaweedFS 4.48, as tried against it: an upload started with ChecksumAlgorithm CRC32 is answered with
# x-amz-checksum-algorithm CRC32 (type COMPOSITE); a part's signed x-amz-checksum-crc32 is checked (400
# BadDigest) and echoed, and so is the CRC it computes of a part sent without one; ListParts names no part
# checksums; the completion refuses missing part CRCs (400 InvalidRequest) and wrong ones (400 BadDigest), and
# the object then has a composite CRC32 ("...-N") beside its usual composite ETag.
def _start(ctx: MultipartContext, signer: MultipartSigner, checksums: ChecksumPolicy) -> UploadRecord:
    job = ctx.job
    part_size = choose_part_size(job.size, ctx.settings.part_size)
    target = UploadTarget(job.key, job.content_type, job.size, job.metadata)
    destination = destination_of(signer)
    algorithm = CRC32 if checksums.wanted(destination, job.size, verify=ctx.settings.verify_md5,
                                          offered=signer.offers_part_checksums) else None
    try:
        key, upload_id = signer.create_multipart(target, checksum_algorithm=algorithm)
    except UploadError as exc:
        if algorithm is None or exc.failure.http_status not in (400, 501):
            raise
        # Some S3-compatible storages refuse the algorithm. Started without it, the parts are checked by MD5;
        # only when that start succeeds was it the checksum that was refused.
        key, upload_id = signer.create_multipart(target)
        checksums.refused(destination)
        algorithm = None
    record = UploadRecord(upload_id=upload_id, key=key, part_size=part_size, file_size=job.size,
                          mtime_ns=job.mtime_ns, checksum_algorithm=algorithm)
    ctx.store.set_multipart(job.id, record)
    return record


def _confirm(ctx: MultipartContext, signer: MultipartSigner, record: UploadRecord,
             part_size: int) -> dict[int, _Done] | None:
    """The parts of a stored upload that the server really has; None when the upload is gone."""
    job = ctx.job
    stored = {n: _Done(*facts) for n, facts in ctx.store.parts(job.id).items()}
    total = part_count(job.size, part_size)
    try:
        listed = signer.list_parts(record.key, record.upload_id)
    except UploadError as exc:
        if _upload_gone(exc.failure) or exc.failure.http_status == 404:
            return None
        raise
    done: dict[int, _Done] = {}
    if listed is None:  # the signer cannot list: trust what was committed
        for n, mine in stored.items():
            if 1 <= n <= total and mine.size == part_range(n, job.size, part_size)[1]:
                done[n] = mine
        return done
    for part in listed:
        n = part.number
        if not 1 <= n <= total or part.size != part_range(n, job.size, part_size)[1]:
            continue
        etag = _norm_etag(part.etag)
        kept = stored.get(n)
        if kept is not None and _norm_etag(kept.etag) == etag:
            done[n] = kept
        elif _PLAIN_MD5.match(etag):
            # Finished on the server but not committed here (the app died while the answer was on its
            # way): keep it if it holds exactly our bytes, rather than sending it again.
            offset, length = part_range(n, job.size, part_size)
            digests = _digests_of_range(ctx, offset, length, crc=record.checksum_algorithm == CRC32)
            if digests is not None and digests[0] == etag:
                ctx.store.add_part(job.id, n, etag, length, etag, digests[1])
                done[n] = _Done(etag, length, etag, digests[1])
    return done


def _joined_before(ctx: MultipartContext, signer: MultipartSigner, record: UploadRecord) -> KeyedResult | None:
    """The upload is gone from the server although every part was sent: most often the joining went
    through and only its answer was lost. The object under the key is this file's when its ETag is the
    one the parts sent make; then nothing is sent again. None when that cannot be told."""
    if not isinstance(signer, ObjectInspector):
        return None
    stored = ctx.store.parts(ctx.job.id)
    total = part_count(ctx.job.size, record.part_size)
    if sorted(stored) != list(range(1, total + 1)):
        return None
    etags = [_norm_etag(stored[n][0]) for n in range(1, total + 1)]
    if not all(_PLAIN_MD5.match(etag) for etag in etags):
        return None  # encrypted parts: their ETags are not their MD5s
    try:
        there = signer.stored_object(record.key)
    except UploadError:
        return None
    expected = composite_etag(etags)
    if there is None or there.size != ctx.job.size or _norm_etag(there.etag) != expected:
        return None
    return KeyedResult(etag=expected, md5_hex=None, status=200, key=record.key)


def _abort(ctx: MultipartContext, signer: MultipartSigner, record: UploadRecord) -> None:
    """Throw the upload away on the server; if that fails now, remember it to abort later."""
    try:
        signer.abort_multipart(record.key, record.upload_id)
    except UploadError as exc:
        if not _upload_gone(exc.failure):
            ctx.store.add_orphan_upload(record.upload_id, record.key, ctx.job.profile)
    ctx.store.clear_multipart(ctx.job.id)


def upload_multipart(ctx: MultipartContext) -> KeyedResult:
    """Send ctx.job's file as a multipart upload, resuming a stored one; see the module docstring.

    Returns the object's ETag (the server's, or the composite one computed here when the signer cannot
    tell) and its key."""
    signer = ctx.signer
    job = ctx.job
    known = stored_upload(ctx.store, job)
    reason = ctx.control.stop_reason
    if reason is not None:
        if known is not None and reason in DISCARD_REASONS:
            _abort(ctx, signer, known)
        raise Interrupted(reason)
    done: dict[int, _Done] | None = None
    if known is not None:
        record = known
        if record.file_size != job.size or record.mtime_ns != job.mtime_ns:
            # The file changed since these parts were sent; they must not be joined with new bytes.
            _abort(ctx, signer, record)
        else:
            done = _confirm(ctx, signer, record, record.part_size)
            if done is None:
                joined = _joined_before(ctx, signer, record)
                ctx.store.clear_multipart(job.id)
                if joined is not None:
                    return joined
    checksums = ctx.checksums or ChecksumPolicy(ctx.store)
    if done is None:
        record = _start(ctx, signer, checksums)
        done = {}
    upload = _Upload(ctx, signer, record, record.part_size, done, checksums)
    try:
        upload.send_missing()
        return upload.complete()
    except Interrupted as interrupted:
        if interrupted.reason in DISCARD_REASONS:
            _abort(ctx, signer, record)
        raise
    except UploadError as exc:
        if _upload_gone(exc.failure):
            ctx.store.clear_multipart(job.id)
        raise


# -- uploads nobody is working on any more ----------------------------------------------------------------
def forget_uploads(store: JobStore, job_ids: Iterable[int]) -> int:
    """Move the multipart uploads of jobs that are being removed or cancelled while idle to the orphan
    list, for :func:`abort_orphan_uploads` to abort on the server. Returns how many were moved."""
    moved = 0
    for job_id in job_ids:
        job = store.get(job_id)
        if job is None:
            continue
        record = stored_upload(store, job)
        if record is None:
            continue
        store.add_orphan_upload(record.upload_id, record.key, job.profile)
        store.clear_multipart(job_id)
        moved += 1
    return moved


SignerSource = Signer | Callable[[str], Signer]


def abort_orphans_in_background(store: JobStore, signers: SignerSource) -> threading.Thread:
    """Abort the listed orphan uploads on a thread of their own; returns the started thread."""

    def run() -> None:
        try:
            abort_orphan_uploads(store, signers)
        except Exception:  # offline or a broken profile: the list is kept and tried again next start
            log.exception("aborting abandoned multipart uploads failed")

    thread = threading.Thread(target=run, name="abort-orphans", daemon=True)
    thread.start()
    return thread


def abort_orphan_uploads(store: JobStore, signers: SignerSource) -> int:
    """Abort every upload on the orphan list; *signers* is a signer or a function from profile name to
    signer. Uploads that cannot be aborted now (offline, signer unavailable) stay listed for next time.
    Returns how many were aborted."""
    aborted = 0
    orphans: list[tuple[str, str, str]] = list(store.orphan_uploads())
    for upload_id, key, profile in orphans:
        try:
            signer = signers if isinstance(signers, Signer) else signers(profile)
        except UploadError:
            continue
        if not isinstance(signer, MultipartSigner):
            continue
        try:
            signer.abort_multipart(key, upload_id)
        except UploadError as exc:
            if not _upload_gone(exc.failure) and exc.failure.http_status != 404:
                continue
        store.drop_orphan_upload(upload_id)
        aborted += 1
    return aborted
