"""Sending one job: open the file, sign, send (a PUT link, a POST form or a multipart upload), retry what is
worth retrying, fetch a fresh link when one expires, and verify what the storage stored.

The engine decides which job runs and what its outcome means for the queue and the destination; this
module only sends.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import BinaryIO
from urllib.parse import quote

import requests

from desktop_uploader.core import clock
from desktop_uploader.core import failure as f
from desktop_uploader.core.budget import ConnectionBudget
from desktop_uploader.core.checksums import ChecksumPolicy, destination_of
from desktop_uploader.core.clock import is_time_refusal
from desktop_uploader.core.engine_settings import EngineSettings
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER, crc32_of
from desktop_uploader.core.health import DestinationState, destination_trouble
from desktop_uploader.core.models import Event, EventKind, Job, JobState, SignedRequest, UploadTarget
from desktop_uploader.core.ratelimit import RateLimiter
from desktop_uploader.core.signers.base import FormSigner, MultipartSigner, PutSigner, Signer
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.transfer import (
    SMALL_BODY,
    Control,
    FileChanged,
    KeyedResult,
    PutResult,
    headers_to_send,
    is_expired_link_failure,
    object_address,
    put_file,
)
from desktop_uploader.core.warmup import StorageWarmup

log = logging.getLogger(__name__)

_PLAIN_MD5 = re.compile(r"^[0-9a-f]{32}$")
PREFLIGHT_MIN_SIZE = 256 * 1024  # links for smaller files are not checked before sending


@dataclass(frozen=True)
class _Send:
    """One attempt at sending a job's open file."""

    job: Job
    fh: BinaryIO
    control: Control
    progress: Callable[[int], None]
    throttle: Callable[[int], None] | None


class JobSender:
    """Sends jobs for an engine, sharing its queue, HTTP session, settings, bandwidth limit and connection
    budget."""

    def __init__(self, *, store: JobStore, session: requests.Session, settings: EngineSettings,
                 limiter: RateLimiter, budget: ConnectionBudget, emit: Callable[[Event], None]) -> None:
        self.store = store
        self.session = session
        self.settings = settings
        self._limiter = limiter
        self._budget = budget
        self._emit = emit
        self._checksums = ChecksumPolicy(store)
        self._warmup = StorageWarmup(store, session)

    def warm_up(self, signer: Signer, connections: int) -> None:
        """Open connections to where ``signer``'s files go, or went last time (see core/warmup.py)."""
        self._warmup.warm(destination_of(signer), connections, signer.storage_origin())

    def send(self, job: Job, signer: Signer, control: Control, *, link: SignedRequest | None = None,
             outage: Callable[[], bool] = lambda: True) -> tuple[PutResult, int]:
        """Send ``job`` until it is uploaded, starting with ``link`` when one was fetched ahead; raises
        UploadError (final), Interrupted (stopped) or DestinationDown (the destination, not the file, failed).

        ``outage`` is asked after each failure about the destination: True sends the file back to wait with
        the destination; False retries it here, and a file whose tries run out that way waits all the same,
        since nothing was wrong with the file itself."""
        policy = self.settings.retry
        attempt = 0
        resigns = 0
        corrections = 0
        signed: SignedRequest | None = link
        while True:
            attempt += 1
            control.check()
            try:
                return self._attempt(job, signer, signed, control, fresh_claim=attempt == 1 and resigns == 0)
            except _NeedsLink as need:
                # A correction happens once per change of the clock: not counted with the links run out of time.
                corrected = isinstance(need, _ClockCorrected) and corrections < _MAX_CLOCK_CORRECTIONS
                if not corrected and resigns >= policy.max_resigns:
                    raise UploadError(need.failure, need.signed) from None
                corrections += corrected
                resigns += not corrected
                attempt -= 1
                reason = "signing again with the storage's time" if corrected else "link expired; getting a new one"
                self._emit(Event(EventKind.RETRY, job.id, job.path, job.key, retry_in=0.0, attempt=attempt,
                                 extra={"reason": reason}))
                signed = None
                continue
            except _Retryable as retry:
                signed = retry.signed
                failure = retry.failure
                trouble = destination_trouble(failure)
                if trouble is not None and (outage() or attempt >= policy.max_attempts):
                    raise DestinationDown(failure, trouble, signed) from None
                if attempt >= policy.max_attempts:
                    raise UploadError(failure, signed) from None
                delay = policy.delay(attempt, failure)
                self._emit(Event(EventKind.RETRY, job.id, job.path, job.key, retry_in=delay, attempt=attempt,
                                 failure=failure.to_dict()))
                self.store.set_state(job.id, JobState.UPLOADING, error=failure.to_dict())
                control.wait(delay)

    def _attempt(self, job: Job, signer: Signer, signed: SignedRequest | None, control: Control, *,
                 fresh_claim: bool) -> tuple[PutResult, int]:
        try:
            fh = open(job.path, "rb")  # noqa: SIM115 - closed below, kept open across sign + send
        except FileNotFoundError:
            raise UploadError(Failure(code=f.FILE_VANISHED, stage=f.STAGE_LOCAL,
                                      message=f"The file {job.path} is no longer there.")) from None
        except OSError as exc:
            raise UploadError(Failure(code=f.FILE_UNREADABLE, stage=f.STAGE_LOCAL,
                                      message=f"The file {job.path} cannot be read: {exc.strerror}")) from None
        with fh:
            st = os.fstat(fh.fileno())
            if st.st_size != job.size or st.st_mtime_ns != job.mtime_ns:
                # Edited since it was queued: send the current version, and remember its facts.
                self.store.update_file_facts(job.id, st.st_size, st.st_mtime_ns)
                job = replace(job, size=st.st_size, mtime_ns=st.st_mtime_ns)
            send = _Send(job, fh, control, self._progress_callback(job), self._limiter.throttle(control))
            if job.size > self.settings.multipart_threshold and isinstance(signer, MultipartSigner):
                # Parts are signed one by one, just before each is sent.
                result = self._multipart(send, signer)
            elif isinstance(signer, FormSigner):
                result, signed = self._send_form(send, signer, signed)
            elif isinstance(signer, PutSigner):
                result, signed = self._send_put(send, signer, signed, fresh_claim=fresh_claim)
            else:
                raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_LOCAL,
                                          message=f"The signer '{signer.name}' cannot send single files."))
            after = _stat_or_none(job.path)
            if after is None or after.st_size != st.st_size or after.st_mtime_ns != st.st_mtime_ns:
                raise _Retryable(self._changed(job), None)  # a link may carry the old bytes' checksum
            self._verify(job, result, signed)
            return result, job.size

    def _send_form(self, send: _Send, signer: FormSigner,
                   ahead: SignedRequest | None) -> tuple[PutResult, SignedRequest]:
        """A presigned POST form: the one fetched ahead (or used by the attempt before) while it is fresh,
        else one signed for this attempt; the result carries the key the service chose.

        A retry posts the same form again: the service names each form's object itself, so a new form for a
        file whose answer was lost (the body went through, the connection broke) would store it twice."""
        from desktop_uploader.core.form_upload import post_file

        job = send.job
        target = UploadTarget(job.key, job.content_type, job.size, job.metadata)
        form = self._fresh_form(job, signer, target, ahead)
        self.store.set_state(job.id, JobState.UPLOADING)
        filename = target.key.rsplit("/", 1)[-1] or "file"
        key = (form.fields or {})["key"]

        def post() -> PutResult:
            result = post_file(self.session, form, send.fh, job.size, filename=filename,
                               content_type=target.content_type, on_bytes=send.progress, control=send.control,
                               throttle=send.throttle, verify_md5=self.settings.verify_md5,
                               stall_timeout=self.settings.stall_timeout)
            return KeyedResult(etag=result.etag, md5_hex=result.md5_hex, status=result.status,
                               encryption=result.encryption, customer_key=result.customer_key,
                               server_date=result.server_date, key=key,
                               url=object_address(form.url).rstrip("/") + "/" + quote(key, safe="/~"))

        with self._budget.slot(send.control):
            result = self._guarded(job, signer, form, post)  # a form that turns out expired is fetched again
        if result.url:
            self._warmup.seen(destination_of(signer), result.url)
        return result, form

    def _fresh_form(self, job: Job, signer: FormSigner, target: UploadTarget,
                    ahead: SignedRequest | None) -> SignedRequest:
        if ahead is not None and ahead.fields is not None and not ahead.expires_within(self.settings.resign_margin):
            return ahead
        try:
            return signer.sign_post(target)
        except UploadError as exc:
            self._decorate(exc.failure, job)
            if exc.failure.retryable:
                raise _Retryable(exc.failure, None) from None
            raise

    def _send_put(self, send: _Send, signer: PutSigner, signed: SignedRequest | None, *,
                  fresh_claim: bool) -> tuple[PutResult, SignedRequest]:
        """A presigned PUT, with the link from an earlier attempt while it is still fresh."""
        job = send.job
        verify = self.settings.verify_md5
        destination = destination_of(signer)
        if signed is None or signed.expires_within(self.settings.resign_margin):
            if not fresh_claim:  # claiming the job marked it signing already
                self.store.set_state(job.id, JobState.SIGNING)
            checksum = self._checksum(send, signer, destination)
            try:
                signed = signer.sign_put(UploadTarget(job.key, job.content_type, job.size, job.metadata,
                                                      checksum_crc32=checksum))
            except UploadError as exc:
                self._decorate(exc.failure, job)
                if exc.failure.retryable:
                    raise _Retryable(exc.failure, None) from None
                raise
        headers = self._preflight(job, signed)
        sent_checksum = headers.get(CHECKSUM_HEADER)
        md5 = self._checksums.needs_md5(destination, verify=verify, signed_checksum=sent_checksum is not None)
        self.store.set_state(job.id, JobState.UPLOADING)
        link = signed
        with self._budget.slot(send.control):
            result = self._guarded(job, signer, link, lambda: put_file(
                self.session, link, send.fh, job.size, on_bytes=send.progress, control=send.control,
                throttle=send.throttle, verify_md5=md5, headers=headers,
                stall_timeout=self.settings.stall_timeout))
        if sent_checksum is not None and verify:
            failure = self._checksums.answered(destination, sent_checksum, result, md5_checked=md5).failure
            if failure is not None:
                failure.signer = link.signer
                raise _Retryable(self._decorate(failure, job), None)
        self._warmup.seen(destination, link.url)
        return result, link

    def _checksum(self, send: _Send, signer: PutSigner, destination: str) -> str | None:
        """The file's CRC32 for the link, where the storage can check it (see core/checksums.py)."""
        job = send.job
        if not self._checksums.wanted(destination, job.size, verify=self.settings.verify_md5,
                                      offered=signer.offers_checksums):
            return None
        try:
            return crc32_of(send.fh, 0, job.size, send.control.check)
        except EOFError:
            raise _Retryable(self._changed(job), None) from None

    def _guarded(self, job: Job, signer: Signer, link: SignedRequest | None,
                 send: Callable[[], PutResult]) -> PutResult:
        """Run one transfer, sorting its failures into retry, fresh link, or final."""
        try:
            return send()
        except FileChanged:
            raise _Retryable(self._changed(job), None) from None  # a link may carry the old bytes' checksum
        except UploadError as exc:
            failure = self._decorate(exc.failure, job)
            if signer.learn_time(failure) or (link is not None and link.clock_offset != signer.clock_offset
                                               and is_time_refusal(failure)):
                # Refused for this computer's clock, now known (here or by another file): signed again.
                raise _ClockCorrected(failure, None) from None
            if is_expired_link_failure(failure) and link is not None:
                raise _NeedsLink(failure, link) from None
            if failure.code == "BadDigest" and link is not None and CHECKSUM_HEADER in link.headers:
                # The storage refused bytes that did not match the checksum computed before sending: they
                # changed on the way, or the file did. A fresh checksum and link, then again.
                failure.retryable = True
                raise _Retryable(failure, None) from None
            if failure.retryable:
                raise _Retryable(failure, link) from None
            raise UploadError(failure, link or exc.link) from None

    def _preflight(self, job: Job, signed: SignedRequest) -> dict[str, str]:
        """The headers to send; refuses a link that would certainly be rejected, before any byte goes out."""
        try:
            headers = headers_to_send(signed)
        except UploadError as exc:
            self._decorate(exc.failure, job)
            raise UploadError(exc.failure, signed) from None
        if job.size < PREFLIGHT_MIN_SIZE:
            # Sending a small file costs about as much as checking its link, and a failure is explained
            # from the same evidence afterwards.
            return headers
        from desktop_uploader.core.explain.findings import preflight  # loaded only when a big file is sent

        findings = preflight(signed, method=signed.method, key=job.key, bucket=None, headers_to_send=headers,
                             size=job.size, now=clock.machine_time() + signed.clock_offset)
        blocking = [finding for finding in findings if finding.blocking]
        if not blocking:
            return headers
        first = blocking[0]
        failure = self._decorate(Failure(
            code=first.code, stage=f.STAGE_SIGN, signer=signed.signer, signed_url=signed.url,
            message=first.cause, explanation=first.to_dict(),
        ), job)
        if first.code.startswith("Link.expired"):
            raise _NeedsLink(failure, signed)
        raise UploadError(failure, signed)

    def _multipart(self, send: _Send, signer: MultipartSigner) -> PutResult:
        from desktop_uploader.core.multipart import MultipartContext, upload_multipart

        job = send.job
        self.store.set_state(job.id, JobState.UPLOADING)
        ctx = MultipartContext(store=self.store, session=self.session, job=job, signer=signer, fh=send.fh,
                               control=send.control, on_bytes=send.progress, settings=self.settings,
                               emit=self._emit, throttle=send.throttle, budget=self._budget,
                               checksums=self._checksums)
        return self._guarded(job, signer, None, lambda: upload_multipart(ctx))

    def _verify(self, job: Job, result: PutResult, signed: SignedRequest | None) -> None:
        if not (self.settings.verify_md5 and result.md5_hex and result.etag):
            return
        etag = result.etag.lower()
        encrypted = result.encryption in ("aws:kms", "aws:kms:dsse") or result.customer_key
        if _PLAIN_MD5.match(etag) and not encrypted and etag != result.md5_hex:
            raise _Retryable(self._decorate(Failure(
                code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=True,
                signer=signed.signer if signed else None,
                message=f"The storage server stored different bytes than were sent (its checksum {etag}, "
                        f"ours {result.md5_hex}).",
            ), job), signed)

    def _changed(self, job: Job) -> Failure:
        return self._decorate(Failure(
            code=f.FILE_CHANGED, stage=f.STAGE_LOCAL, retryable=True,
            message=f"The file {job.path} changed while it was being sent; it was not marked as uploaded.",
        ), job)

    @staticmethod
    def _decorate(failure: Failure, job: Job) -> Failure:
        failure.file_size = job.size
        failure.file_mtime_ns = job.mtime_ns
        failure.asked = failure.asked or {"key": job.key, "content_type": job.content_type}
        return failure

    def _progress_callback(self, job: Job) -> Callable[[int], None]:
        if job.size <= SMALL_BODY:
            # Sent in one piece, its bytes count once the answer is in, just before the done event that
            # carries them: a progress event would be one more per file (in --json, a line), saying the same.
            return _no_progress
        interval = self.settings.progress_interval
        last_emit = 0.0
        last_store = time.monotonic()

        def on_bytes(sent: int) -> None:
            nonlocal last_emit, last_store
            now = time.monotonic()
            if now - last_emit >= interval or sent == job.size:
                last_emit = now
                self._emit(Event(EventKind.PROGRESS, job.id, job.path, job.key, bytes_sent=sent,
                                 total=job.size))
            if now - last_store >= 2.0:
                last_store = now
                self.store.update_progress(job.id, sent)

        return on_bytes


def _no_progress(sent: int) -> None:
    pass


class _Retryable(Exception):
    def __init__(self, failure: Failure, signed: SignedRequest | None) -> None:
        super().__init__(failure.code)
        self.failure = failure
        self.signed = signed


class _NeedsLink(_Retryable):
    pass


_MAX_CLOCK_CORRECTIONS = 3  # per file: a storage whose servers disagree about the time cannot keep it going


class _ClockCorrected(_NeedsLink):
    """The storage refused a link for the time it was signed with; the signer has learnt the storage's time."""


class DestinationDown(Exception):
    """The destination, not the file, failed: the engine puts the file back in the queue."""

    def __init__(self, failure: Failure, trouble: DestinationState, signed: SignedRequest | None = None) -> None:
        super().__init__(failure.code)
        self.failure = failure
        self.trouble = trouble
        self.signed = signed  # the link in use, for the file's next turn while it is fresh


def _stat_or_none(path: str) -> os.stat_result | None:
    try:
        return os.stat(path)
    except OSError:
        return None
