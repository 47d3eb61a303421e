"""One job, from the moment a worker takes it until it is settled.

A taken job ends one of four ways: uploaded (DONE); failed for a reason about the file (FAILED, explained);
back in the queue because its destination, not the file, failed (it waits there with the destination, never
FAILED for that); or stopped because the user paused, cancelled or removed it, or the app is closing. This
module decides which, records it in the queue and tells the frontends; the engine only hands jobs to it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from desktop_uploader.core import failure as f
from desktop_uploader.core import overwrite
from desktop_uploader.core.engine_settings import EngineSettings
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.health import DestinationHealth, HealthChange
from desktop_uploader.core.lookahead import LinkLookahead
from desktop_uploader.core.models import Event, EventKind, Job, JobState, SignedRequest
from desktop_uploader.core.pacing import Pace
from desktop_uploader.core.sending import DestinationDown, JobSender
from desktop_uploader.core.signers.cache import SignerCache
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.transfer import Control, Interrupted, KeyedResult

log = logging.getLogger(__name__)

Explainer = Callable[[Failure, "SignedRequest | None"], dict[str, Any] | None]

_STATE_AFTER_STOP = {"pause": JobState.PAUSED, "cancel": JobState.CANCELLED, "shutdown": JobState.QUEUED,
                     "hold": JobState.QUEUED, "remove": JobState.CANCELLED}


class JobRunner:
    """Thread-safe: every worker runs its jobs through the same runner."""

    def __init__(self, *, store: JobStore, settings: EngineSettings, signers: SignerCache, sender: JobSender,
                 lookahead: LinkLookahead, health: DestinationHealth, pace: Pace, emit: Callable[[Event], None],
                 wake_workers: Callable[[], None], explainer: Explainer | None) -> None:
        self._store = store
        self._settings = settings
        self._signers = signers
        self._sender = sender
        self._lookahead = lookahead
        self.health = health
        self._pace = pace
        self._emit = emit
        self._wake_workers = wake_workers  # workers waiting for a destination to come back look again
        self._explainer = explainer

    def run(self, job: Job, control: Control, *, probe: bool = False) -> None:
        """Send one job; ``probe`` says it was let through to test a destination that is down."""
        self._emit(Event(EventKind.STARTED, job.id, job.path, job.key, total=job.size, attempt=job.attempts))
        try:
            signer = self._signers.get(job.profile)  # a name already taken is settled by the destination's rule
            if signer.signs_remotely:  # while its link is fetched, connections to the storage are opened
                self._sender.warm_up(signer, self._settings.concurrency)
            result, size = overwrite.send_new(
                lambda j: self._sender.send(j, signer, control, link=self._lookahead.take(j.id),
                                            outage=lambda: self.health.strike(j.profile, probe=probe)),
                job, signer, self._store)
        except DestinationDown as down:
            self._wait_for_destination(job, down, probe=probe)
            return
        except Interrupted as stop:
            if probe:
                self.health.released(job.profile)
            self._stopped(job, stop.reason)
            return
        except UploadError as exc:
            self._answered(job.profile, probe=probe)
            self.fail(job, exc.failure, exc.link)
            return
        except Exception as exc:  # a bug must fail one job, not the worker
            if probe:
                self.health.released(job.profile)
            log.exception("unexpected error uploading job %s", job.id)
            self.fail(job, Failure(code=f.UNKNOWN, message=f"Unexpected error: {exc!r}", stage=f.STAGE_LOCAL), None)
            return
        self._answered(job.profile, probe=probe)
        self._pace.uploaded(size)
        key = (result.key if isinstance(result, KeyedResult) else "") or job.key  # a Companion service names it
        self._store.finish(job.id, key=key, etag=result.etag or "", bytes_sent=size, url=result.url)
        self._emit(Event(EventKind.DONE, job.id, job.path, key, bytes_sent=size, total=size, etag=result.etag,
                         extra={"already_there": isinstance(result, overwrite.SkippedResult), "url": result.url}))

    def fail(self, job: Job, failure: Failure, link: SignedRequest | None) -> None:
        if failure.explanation is None:
            failure.explanation = self._explained(failure, link)
        data = failure.to_dict()
        self._store.set_state(job.id, JobState.FAILED, error=data)
        self._emit(Event(EventKind.FAILED, job.id, job.path, job.key, failure=data, attempt=job.attempts))

    def _stopped(self, job: Job, reason: str) -> None:
        state = _STATE_AFTER_STOP.get(reason, JobState.QUEUED)
        if reason == "remove":
            self._store.remove([job.id])
            self._emit(Event(EventKind.REMOVED, job.id, job.path, job.key))
            return
        self._store.set_state(job.id, state, bytes_sent=0)
        kind = {JobState.PAUSED: EventKind.PAUSED, JobState.CANCELLED: EventKind.CANCELLED}.get(state, EventKind.QUEUED)
        self._emit(Event(kind, job.id, job.path, job.key))

    # -- destination health ---------------------------------------------------------------------------
    def _answered(self, profile: str, *, probe: bool) -> None:
        self._lookahead.answered(profile)
        change = self.health.succeeded(profile, probe=probe)
        if change is not None:
            self._announce(change)
            self._pace.recovered()
            self._wake_workers()  # waiting workers may take its files again

    def _wait_for_destination(self, job: Job, down: DestinationDown, *, probe: bool) -> None:
        """The destination, not the file, failed: the file waits in the queue, never FAILED for that."""
        if down.signed is not None:
            self._lookahead.give_back(job, down.signed)
        self._store.set_state(job.id, JobState.QUEUED, bytes_sent=0)
        self._emit(Event(EventKind.QUEUED, job.id, job.path, job.key, total=job.size,
                         extra={"reason": "destination", "profile": job.profile}))
        change = self.health.failed(job.profile, down.trouble, down.failure, probe=probe)
        if change is not None:
            self._announce(change)
            self._pace.trouble()
        self._wake_workers()

    def _announce(self, change: HealthChange) -> None:
        explanation = self._explained(change.failure, None) if change.failure is not None else None
        self._emit(Event(EventKind.DESTINATION, retry_in=change.retry_in,
                         failure=change.failure.to_dict() if change.failure is not None else None,
                         extra={"profile": change.profile, "state": change.state.value,
                                "explanation": explanation}))

    def _explained(self, failure: Failure, link: SignedRequest | None) -> dict[str, Any] | None:
        """The plain-language explanation, or None: a failing explainer must not stop the engine."""
        try:
            return self._explainer(failure, link) if self._explainer is not None else None
        except Exception:
            log.exception("explaining a failure failed")
            return None
