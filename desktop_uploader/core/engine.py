"""The upload engine: the one public API that the GUI, the CLI and kiosk mode drive.

It owns the durable queue, a pool of worker threads and the signers. Frontends call its methods and
subscribe to plain Event values; events are delivered on worker threads, so subscribers must return
quickly (the GUI re-emits them as queued Qt signals).
"""

from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import requests

from desktop_uploader.core.budget import ConnectionBudget
from desktop_uploader.core.clock import clock_note
from desktop_uploader.core.engine_settings import EngineSettings as EngineSettings
from desktop_uploader.core.events import EventHub, Subscriber
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.health import DestinationHealth
from desktop_uploader.core.http import engine_session, refresh_route
from desktop_uploader.core.job_run import Explainer, JobRunner
from desktop_uploader.core.keepawake import KeepAwake
from desktop_uploader.core.lookahead import DEPTH_PER_FILE, MIN_DEPTH, LinkLookahead
from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.core.pacing import Pace
from desktop_uploader.core.planning import BatchPlan, plan_batch
from desktop_uploader.core.planning import KeyOptions as KeyOptions
from desktop_uploader.core.ratelimit import RateLimiter
from desktop_uploader.core.scan import DEFAULT_SKIP, ScanProblem, SkipRule
from desktop_uploader.core.sending import JobSender
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.signers.cache import SignerCache
from desktop_uploader.core.store import JobStore, StoreError
from desktop_uploader.core.transfer import Control

log = logging.getLogger(__name__)

SignerFactory = Callable[[str, requests.Session], Signer]


@dataclass(frozen=True)
class AddResult:
    jobs: list[Job]
    problems: list[ScanProblem]
    resumed: list[Job]
    finished: list[Job] = field(default_factory=list)  # uploaded already by the batch this one continues
    already_there: list[tuple[str, str]] = field(default_factory=list)  # (path, key) not queued: stored already
    sent_before: list[tuple[str, str]] = field(default_factory=list)  # (path, key) not queued: uploaded from here


class Engine:
    def __init__(self, store: JobStore, signer_factory: SignerFactory, *,
                 settings: EngineSettings | None = None, explainer: Explainer | None = None,
                 profiles: Iterable[str] | None = None, session: requests.Session | None = None,
                 owns_store: bool = False) -> None:
        self.store = store
        self._owns_store = owns_store  # close() closes it too
        self.settings = settings or EngineSettings()
        self._profiles = list(profiles) if profiles is not None else None
        self.session = session or engine_session(self.settings.max_connections)
        # Always present, so a limit set later (Settings, kiosk) also slows transfers already running.
        self._limiter = RateLimiter(self.settings.rate_limit)
        # Every worker may hold a connection, so the budget never starves a file of its first one.
        self._budget = ConnectionBudget(max(self.settings.max_connections, self.settings.concurrency))
        self._signers = SignerCache(lambda profile: self._watched(profile, signer_factory(profile, self.session)))
        self._events = EventHub()
        # One lock, two waiting rooms: workers wait in ``_cond`` for files, wait_idle() in ``_settled`` for
        # the engine to go idle. A worker that finds nothing to do wakes only the second: in one room, every
        # idle worker woke the others, and an engine with an empty queue kept a core busy doing nothing.
        lock = threading.RLock()
        self._cond = threading.Condition(lock)
        self._settled = threading.Condition(lock)
        self._active: dict[int, Control] = {}
        self._threads: list[threading.Thread] = []
        self._worker_slots: set[int] = set()  # indices of the workers running now
        self._side_threads: list[threading.Thread] = []
        # The computer must not fall asleep mid-upload; released whenever the queue runs dry.
        self._awake = KeepAwake()
        self._awake_lock = threading.Lock()
        self._running = False
        self._closing = False
        self._held: str | None = None  # why no file is taken now (hold), or None
        self.fatal: str | None = None  # why the engine stopped by itself, if it did
        self._health = DestinationHealth()
        self._pace = Pace(self.settings, self._apply_concurrency, self._emit)
        self._sender = JobSender(store=store, session=self.session, settings=self.settings, limiter=self._limiter,
                                 budget=self._budget, emit=self._emit)
        self._lookahead = LinkLookahead(self.store, self._signers.get,
                                        depth=lambda: max(MIN_DEPTH, DEPTH_PER_FILE * self.settings.concurrency),
                                        margin=self.settings.resign_margin,
                                        reachable=lambda profile: self._health.reachable(profile))
        self._runner = JobRunner(store=store, settings=self.settings, signers=self._signers, sender=self._sender,
                                 lookahead=self._lookahead, health=self._health, pace=self._pace, emit=self._emit,
                                 wake_workers=self._wake_workers, explainer=explainer)
        self.recovered = self.store.recover_interrupted()

    @property
    def health(self) -> DestinationHealth:
        """Each destination's state (reachable, unreachable, slowed), shared by the workers."""
        return self._health

    @health.setter
    def health(self, health: DestinationHealth) -> None:
        """Swap in another (other back-off bounds, say) before start()."""
        self._health = self._runner.health = health

    # -- events ---------------------------------------------------------------------------------------
    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        return self._events.subscribe(callback)

    def _emit(self, event: Event) -> None:
        if event.kind is EventKind.RETRY and event.failure is not None:
            # Errors rise: fewer at once. A link signed again (expired, or signed with a clock found off) is no
            # sign of a crowded link.
            self._pace.trouble()
        self._events.emit(event)

    # -- queueing -------------------------------------------------------------------------------------
    def add_paths(self, paths: Iterable[str | os.PathLike[str]], profile: str, *,
                  keys: KeyOptions | None = None, skip: SkipRule = DEFAULT_SKIP,
                  batch: str | None = None, metadata: dict[str, str] | None = None,
                  paused: bool = False) -> AddResult:
        """Expand folders, name keys, and queue every file in one transaction.

        *metadata* is fixed now and sent with each file whenever it uploads; *paused* files wait for
        resume() (an offline kiosk queues without starting)."""
        batch = batch or uuid.uuid4().hex[:12]
        plan = self.plan_paths(paths, profile, keys=keys, skip=skip, batch=batch, metadata=metadata, paused=paused,
                               listing=None if paused else lambda files: self._warm_during_listing(profile, files))
        new_jobs, resumed, problems = plan.new_jobs, plan.resumed, plan.problems
        requeue = [j.id for j in resumed if j.state in (JobState.FAILED, JobState.PAUSED)] if not paused else []
        # Under the workers' lock: no job can be claimed (and fail) before its QUEUED event has gone
        # out, so every frontend sees a job's events in the order they happened.
        with self._cond:
            jobs = self.store.add_jobs(new_jobs)
            requeued = set(self.store.set_many(requeue, JobState.QUEUED, expect=(JobState.FAILED, JobState.PAUSED),
                                               reset_attempts=True)) if requeue else set()
            for job in jobs:
                self._emit(Event(EventKind.PAUSED if paused else EventKind.QUEUED, job.id, job.path, job.key,
                                 total=job.size, extra={"batch": batch, "profile": profile}))
            for job in resumed:
                if job.id in requeued:  # a failed or paused file dropped again waits once more
                    self._emit(Event(EventKind.QUEUED, job.id, job.path, job.key, total=job.size,
                                     extra={"batch": job.batch, "profile": job.profile}))
            self._cond.notify_all()
        return AddResult(jobs=jobs, problems=problems, resumed=resumed, finished=plan.finished,
                         already_there=plan.already_there, sent_before=plan.sent_before)

    def _warm_during_listing(self, profile: str, files: int) -> None:
        """The bucket is about to be listed before files are queued: a few round trips in which the
        connections their uploads need can be opened (core/warmup.py)."""
        blocked, _ = self.health.blocked()
        if profile in blocked:
            return
        try:
            signer = self._signers.get(profile)
        except UploadError:
            return
        self._sender.warm_up(signer, min(files, self.settings.concurrency))

    def plan_paths(self, paths: Iterable[str | os.PathLike[str]], profile: str, *, keys: KeyOptions | None = None,
                   skip: SkipRule = DEFAULT_SKIP, batch: str = "", metadata: dict[str, str] | None = None,
                   paused: bool = False, listing: Callable[[int], None] | None = None) -> BatchPlan:
        """What add_paths would queue, and under which keys, without queuing anything (a dry run);
        ``listing`` as for plan_batch."""
        return plan_batch(self.store, paths, profile, keys or KeyOptions(), skip=skip, batch=batch,
                          metadata=metadata, paused=paused, signer=lambda: self._signers.get(profile),
                          listing=listing)

    # -- control --------------------------------------------------------------------------------------
    def pause(self, job_ids: Sequence[int] | None = None) -> list[int]:
        changed = self.store.set_many(job_ids, JobState.PAUSED, expect=(JobState.QUEUED,))
        for jid in changed:
            self._emit(Event(EventKind.PAUSED, jid))
        stopped = self._stop_active(job_ids, "pause")
        self._queue_shrank(job_ids)
        return changed + stopped

    def resume(self, job_ids: Sequence[int] | None = None) -> list[int]:
        return self._requeue(job_ids, expect=(JobState.PAUSED,), reset_attempts=False)

    def hold(self, reason: str) -> None:
        """Take no file until release(), for a reason the engine cannot see itself (a metered connection the
        user will not pay for). Files being sent go back to the queue, keeping what reached the storage; no
        file changes state otherwise, so what the user paused stays paused and everything else stays queued."""
        with self._cond:
            self._held = reason
        self._stop_active(None, "hold")

    def release(self) -> None:
        """Take files again after hold()."""
        with self._cond:
            self._held = None
            self._cond.notify_all()

    def network_changed(self) -> None:
        """The system says the network changed (another Wi-Fi, a cable, a VPN, back from sleep): read the
        proxy settings again, and probe the destinations found unreachable now rather than at the end of their
        backoff, which may be a minute away."""
        refresh_route(self.session)
        if self.health.probe_now():
            self._wake_workers()

    @property
    def held(self) -> str | None:
        """The reason given to hold(), while the engine holds its files back; else None."""
        return self._held

    def cancel(self, job_ids: Sequence[int] | None = None) -> list[int]:
        changed = self.store.set_many(job_ids, JobState.CANCELLED,
                                      expect=(JobState.QUEUED, JobState.PAUSED, JobState.FAILED))
        self._discard_uploads(changed)
        for jid in changed:
            self._emit(Event(EventKind.CANCELLED, jid))
        stopped = self._stop_active(job_ids, "cancel")
        self._queue_shrank(job_ids)
        return changed + stopped

    def retry(self, job_ids: Sequence[int] | None = None) -> list[int]:
        return self._requeue(job_ids, expect=(JobState.FAILED, JobState.CANCELLED), reset_attempts=True)

    def _requeue(self, job_ids: Sequence[int] | None, *, expect: tuple[JobState, ...],
                 reset_attempts: bool) -> list[int]:
        # Same lock as add_paths: the QUEUED event goes out before any worker can pick the job up.
        with self._cond:
            changed = self.store.set_many(job_ids, JobState.QUEUED, expect=expect, reset_attempts=reset_attempts)
            for jid in changed:
                self._emit(Event(EventKind.QUEUED, jid))
            self._cond.notify_all()
        return changed

    def remove(self, job_ids: Sequence[int]) -> None:
        self._stop_active(job_ids, "remove")
        with self._cond:
            idle_ids = [j for j in job_ids if j not in self._active]
        self._discard_uploads(idle_ids)
        self.store.remove(idle_ids)
        for jid in idle_ids:
            self._emit(Event(EventKind.REMOVED, jid))
        self._queue_shrank(job_ids)

    def _queue_shrank(self, job_ids: Sequence[int] | None) -> None:
        """Files left the queue without a worker: wait_idle() callers look again at once, and links fetched
        ahead for them are dropped."""
        self._lookahead.discard(job_ids)
        with self._cond:
            self._settled.notify_all()

    def reclaim_abandoned(self) -> list[int]:
        """Files another process claimed and left (it ended or was killed) go back to the queue, and the
        workers look at the queue again now: another run may also have put files back itself."""
        recovered = self.store.recover_interrupted(mine_too=False)
        self._wake_workers()
        return recovered

    def _discard_uploads(self, job_ids: Sequence[int]) -> None:
        """Multipart uploads of jobs that will never finish are aborted on the server, in the background."""
        from desktop_uploader.core.multipart import forget_uploads

        if job_ids and forget_uploads(self.store, job_ids) and self._running:
            self._abort_orphans_soon()

    def _abort_orphans_soon(self) -> None:
        from desktop_uploader.core.multipart import abort_orphans_in_background

        self._side_threads.append(abort_orphans_in_background(self.store, self._signers.get))

    def _stop_active(self, job_ids: Sequence[int] | None, reason: str) -> list[int]:
        with self._cond:
            targets = [(jid, c) for jid, c in self._active.items() if job_ids is None or jid in job_ids]
        for _, control in targets:
            control.stop(reason)
        return [jid for jid, _ in targets]

    # -- reading --------------------------------------------------------------------------------------
    def jobs(self, states: Iterable[JobState] | None = None, *, batch: str | None = None) -> list[Job]:
        return self.store.list_jobs(states, batch=batch)

    def job(self, job_id: int) -> Job | None:
        return self.store.get(job_id)

    def jobs_by_id(self, job_ids: Iterable[int]) -> list[Job]:
        """The jobs with these ids that are still in the queue or its history, in id order."""
        return self.store.get_many(job_ids)

    def history(self, search: str = "", *, limit: int = 1000) -> list[Job]:
        """Uploaded files, newest first; *search* matches part of the path or the key (case-insensitive
        for ASCII letters). The history may hold far more files than a window should load at once."""
        return self.store.list_jobs((JobState.DONE,), search=search.strip() or None, limit=limit,
                                    newest_first=True)

    def counts(self, job_ids: Iterable[int] | None = None) -> dict[JobState, int]:
        """How many jobs are in each state: all, or these (a run's summary at its end), without loading them."""
        return self.store.counts(job_ids)

    # -- running --------------------------------------------------------------------------------------
    def start(self, *, prime_links: bool = False) -> None:
        """Start sending. With ``prime_links``, the first files' links are asked for before the workers take
        those files (LinkLookahead.prime): a short run on a far link starts a few round trips sooner. That makes
        the signer in the caller's thread, which may ask the keychain (and wait for it to be unlocked), so a
        window's thread leaves it to the workers."""
        with self._cond:
            if self._running:
                return
            self._running = True
            self._closing = False
        if self.store.orphan_uploads():
            self._abort_orphans_soon()
        if prime_links:
            self._prime_links()
        with self._cond:
            self._start_workers()

    def _prime_links(self) -> None:
        """The first files' links are asked for before the workers take those files (LinkLookahead.prime)."""
        if self._profiles is not None:
            profiles = list(self._profiles)
        else:
            profiles = [job.profile for job in self.store.list_jobs((JobState.QUEUED,), limit=1)]
        blocked, _ = self.health.blocked()
        for profile in profiles:
            if profile not in blocked:
                self._lookahead.prime(profile)

    def _start_workers(self) -> None:
        """Run one worker per slot below the concurrency; called holding the queue lock."""
        for index in range(self.settings.concurrency):
            if index in self._worker_slots:
                continue
            self._worker_slots.add(index)
            thread = threading.Thread(target=self._worker, args=(index,), name=f"upload-worker-{index}",
                                      daemon=True)
            thread.start()
            self._threads.append(thread)

    def set_concurrency(self, files: int) -> None:
        """Change how many files are sent at once, now (0: automatic, when the engine adapts): more start at
        once, and when there are fewer, the files being sent finish first."""
        self._pace.set_by_user(files)

    def _apply_concurrency(self, files: int) -> None:
        with self._cond:
            self.settings.concurrency = files
            self._budget.resize(max(self.settings.max_connections, files))
            if self._running and not self._closing:
                self._start_workers()
            self._cond.notify_all()  # idle workers above the new number see it and stop

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until nothing is queued or running for this engine; False on timeout."""
        deadline = None if timeout is None else time.monotonic() + timeout
        with self._cond:
            while True:
                if self.fatal is not None or (not self._active and not self._has_queued()):
                    return True
                remaining = None if deadline is None else deadline - time.monotonic()
                if remaining is not None and remaining <= 0:
                    return False
                self._settled.wait(timeout=remaining if remaining is not None else 5.0)

    def close(self, timeout: float = 10.0) -> None:
        """Stop workers (see stop) and release the signers, the HTTP session and an owned queue database."""
        self.stop(timeout)
        self._lookahead.close()
        self._signers.clear()
        self.session.close()
        if self._owns_store:
            self.store.close()

    def stop(self, timeout: float = 10.0) -> None:
        """Stop workers; transfers in flight go back to the queue and resume on the next start()."""
        with self._cond:
            self._closing = True
            controls = list(self._active.values())
            self._wake_all()
        for control in controls:
            control.stop("shutdown")
        for thread in [*self._threads, *self._side_threads]:
            thread.join(timeout)
        self._threads.clear()
        self._side_threads.clear()
        self._running = False
        self._awake.release()

    @property
    def rate_limit(self) -> int | None:
        """The bandwidth limit the transfers obey now, in bytes per second; None = unlimited."""
        return self._limiter.rate

    def set_rate_limit(self, bytes_per_second: int | None) -> None:
        """Change the bandwidth limit over all transfers, including those running now; None = unlimited."""
        self.settings.rate_limit = bytes_per_second or None
        self._limiter.set_rate(self.settings.rate_limit)

    def reload_signers(self) -> None:
        """Forget cached signers (after a profile or its secrets changed)."""
        self._signers.clear()
        self._lookahead.reset()  # links signed with the old settings are of no use either

    def _watched(self, profile: str, signer: Signer) -> Signer:
        """``signer``, telling the frontends when its links find this computer's clock off (core/clock.py)."""
        signer.watch_clock(lambda offset: self._emit(Event(EventKind.CLOCK, extra={
            "profile": profile, "offset": round(offset), "note": clock_note(offset)})))
        return signer

    def _wake_workers(self) -> None:
        with self._cond:
            self._cond.notify_all()

    def _wake_all(self) -> None:
        """Wake the workers and wait_idle() callers; called holding the lock."""
        self._cond.notify_all()
        self._settled.notify_all()

    def _has_queued(self) -> bool:
        return self.store.has_queued(self._profiles)

    def _worker(self, index: int) -> None:
        try:
            self._work(index)
        except Exception as exc:  # the queue cannot be written, or a bug: stop, never hang half-staffed
            with self._cond:  # transfers still running end with the engine's close()
                first, self.fatal, self._closing = self.fatal is None, self.fatal or _stopped_by(exc), True
            if first:
                self._emit(Event(EventKind.STOPPED, extra={"reason": self.fatal}))
            self._work(index)  # sees the engine closing: gives up its slot and wakes wait_idle()

    def _work(self, index: int) -> None:
        while True:
            with self._cond:
                if self._closing or index >= self.settings.concurrency:
                    self._worker_slots.discard(index)
                    self._wake_all()  # wait_idle() or set_concurrency() callers may be waiting
                    return
                if self._held is not None:
                    self._cond.wait(timeout=5.0)  # release() wakes it
                    continue
                blocked, next_probe = self.health.blocked()
                job = self.store.claim_next(self._profiles, exclude_profiles=blocked)
                if job is None:
                    if not self._active:
                        self._settled.notify_all()  # wait_idle() callers; the other workers sleep on
                    self._cond.wait(timeout=min(5.0, next_probe) if next_probe is not None else 5.0)
                    continue
                probe = self.health.taken(job.profile)
                control = Control()
                self._active[job.id] = control
                first = len(self._active) == 1
            if first:
                self._update_awake()
            self._lookahead.wanted(job.profile)
            try:
                self._runner.run(job, control, probe=probe)
            finally:
                with self._cond:
                    self._active.pop(job.id, None)
                    self._cond.notify_all()  # a worker waiting for a file may find one now (a probe answered)
                    if not self._active:
                        # wait_idle() cannot return while a file is being sent: woken at every file, its caller
                        # woke, took the lock and slept again once per file of the batch.
                        self._settled.notify_all()
                    idle = not self._active and not self._closing and not self._has_queued()
                if idle:
                    self._update_awake()
                    self._emit(Event(EventKind.IDLE))

    def _update_awake(self) -> None:
        """Hold the no-sleep lock exactly while something uploads. Serialised, and decided on the state
        as it is now, so a worker finishing the last job cannot undo another one just starting."""
        with self._awake_lock:
            with self._cond:
                busy = bool(self._active) and not self._closing
            if busy:
                self._awake.acquire()  # may take a moment on a slow bus: not under the queue lock
            else:
                self._awake.release()


def _stopped_by(exc: Exception) -> str:
    """Why a worker's error stops the engine, in words for the user; a bug is logged with its traceback."""
    log.error("upload worker stopped: %s", exc, exc_info=not isinstance(exc, StoreError))
    return str(exc) if isinstance(exc, StoreError) else f"The upload engine stopped unexpectedly: {exc!r}"
