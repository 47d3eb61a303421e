"""Links before they are needed: while files upload, the links for the next ones are fetched.

A signing endpoint far away costs a round trip per link; fetched one by one, each file waits for its link and
then for its PUT. So when a worker takes a file, a background thread looks at the next queued files of that
destination (a bounded look-ahead) and signs them — in one request where the endpoint signs batches, else a
few at a time (Companion's presigned POST forms too), topped up as links are taken rather than round by
round: a round that waits for its slowest call leaves the workers without links meanwhile. A worker then
finds its link ready, or waits for the call already fetching it rather than asking for the same link twice.
A link that would expire before use is simply fetched again by the worker, and a failed signing call here is
dropped: the worker signs for itself, so what is wrong with the destination is found, and handled, on the
usual path.

Nothing is fetched ahead for a destination that is not reachable, nor after a call here failed because of the
destination (a refused connection, a 5xx): the workers' probes find when it is back. Without that hold, a
service that signs one file per call had every planned call (up to one per file of the look-ahead) try the
dead link once more.
"""

from __future__ import annotations

import functools
import logging
import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ThreadPoolExecutor, as_completed
from dataclasses import dataclass

from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.health import destination_trouble
from desktop_uploader.core.models import Job, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import BatchPutSigner, FormSigner, PutSigner, Signer
from desktop_uploader.core.store import JobStore

log = logging.getLogger(__name__)

MAX_DEPTH = 100
MIN_DEPTH = 16
# Links kept ready per file in flight: a refill costs the endpoint's round trip, during which every worker
# takes a link or two more.
DEPTH_PER_FILE = 4
# Larger files are signed when they are sent: a round trip is small beside their transfer, and their link can
# then carry the checksum computed just before (core/checksums.py).
SIGN_AHEAD_MAX = 8 * 1024 * 1024
# Links (or forms) fetched at once from a service that signs one file per request: about one per file in
# flight (the workers would otherwise each make that call themselves), within these bounds.
PARALLEL_SINGLE = 8
PARALLEL_SINGLE_MAX = 32
# One-by-one links are topped up once this many are missing: a query of the queue per file taken would cost
# more than it brings.
REFILL_SINGLE = 4
# Batches are topped up once only this share of the look-ahead is left. Topped up at every file taken, a fast
# link made a call for every few files (181 calls for 2,000 files on loopback, each costing the service - a
# billed Lambda, say - far more than the links it brings); from three quarters, 62. The links left keep every
# worker going for about three more files, far longer than a call takes.
REFILL_BATCH_AT = 0.75


@dataclass(frozen=True)
class _Plan:
    """Files whose links one round of the look-ahead fetches."""

    signer: PutSigner | FormSigner
    batcher: BatchPutSigner | None  # None: one call per file
    jobs: Sequence[Job]
    first: int | None  # with nothing held yet, the size of a short first batch (see _batches)


class LinkLookahead:
    def __init__(self, store: JobStore, signer_for: Callable[[str], Signer], depth: Callable[[], int],
                 margin: float, reachable: Callable[[str], bool] = lambda _profile: True) -> None:
        self._store = store
        self._signer_for = signer_for
        self._depth = depth
        self._margin = margin  # a link that expires sooner than this is of no use
        self._reachable = reachable  # the destination's health, as the workers found it
        self._cond = threading.Condition()
        self._links: dict[int, SignedRequest] = {}
        self._planned: set[int] = set()  # jobs whose links this thread is about to fetch or fetching
        self._profile_of: dict[int, str] = {}  # of the jobs ready or planned: each destination counts its own
        self._fetching: set[int] = set()  # of those, the ones a signing call out now is fetching
        self._taken: set[int] = set()  # planned jobs a worker took meanwhile: their links are not kept
        self._calls = 0  # one-by-one signing calls out now
        self._waiting: deque[tuple[PutSigner | FormSigner, Job]] = deque()  # planned calls not started yet
        self._wanted: set[str] = set()
        self._primed: list[_Plan] = []  # first batches planned before the workers started (prime)
        self._signs_here: set[str] = set()  # profiles whose links cost less to sign than to keep
        self._held: set[str] = set()  # profiles whose signing failed here for the destination's sake
        self._closing = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def take(self, job_id: int, wait: float = 30.0) -> SignedRequest | None:
        """The link fetched ahead for ``job_id``, if a fresh one is ready or on its way (waiting up to
        ``wait`` seconds for a signing call that is fetching it: asking again would cost the same round trip
        and one more request)."""
        with self._cond:
            self._cond.wait_for(lambda: job_id not in self._fetching or self._closing, timeout=wait)
            link = self._links.pop(job_id, None)
            if job_id in self._planned:
                self._taken.add(job_id)
        if link is None or link.expires_within(self._margin):
            return None
        return link

    def wanted(self, profile: str) -> None:
        """A file of ``profile`` was just taken: top up the links for the ones after it."""
        with self._cond:
            if self._closing or profile in self._signs_here or not self._may_fetch(profile):
                return
            self._wanted.add(profile)
            self._ensure_thread()
            self._cond.notify_all()

    def answered(self, profile: str) -> None:
        """The destination answered a worker about a file: fetching ahead for it may go on."""
        with self._cond:
            self._held.discard(profile)

    def give_back(self, job: Job, link: SignedRequest) -> None:
        """``job`` goes back to wait for its destination with ``link`` unused or broken off: kept for its next
        turn while it is fresh. That saves a signing call, and a form whose object the service names (Companion)
        stores the file under the same name again rather than twice, should its body have arrived."""
        with self._cond:
            if not self._closing:
                self._links[job.id] = link
                self._profile_of[job.id] = job.profile

    def discard(self, job_ids: Iterable[int] | None) -> None:
        """These jobs (None: all) left the queue - paused, cancelled, removed: their links are dropped, and
        links on their way are not kept. Kept, they would count as ready and hold back the next ones."""
        with self._cond:
            ids = set(self._links) | self._planned if job_ids is None else set(job_ids)
            for job_id in ids:
                self._links.pop(job_id, None)
            self._taken.update(ids & self._planned)

    def reset(self) -> None:
        """Forget what was learnt of the signers (they were made again from changed settings)."""
        with self._cond:
            self._signs_here.clear()
            self._held.clear()
            self._links.clear()
            self._taken.update(self._planned)

    def close(self) -> None:
        with self._cond:
            self._closing = True
            self._cond.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(10)
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)

    def _run(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._closing or bool(self._wanted) or bool(self._primed))
                if self._closing:
                    for plan in self._primed:
                        self._forget([job.id for job in plan.jobs])
                    self._primed.clear()
                    return
                primed = self._primed.pop(0) if self._primed else None
                profile = self._wanted.pop() if primed is None else ""
            try:
                if primed is not None:
                    self._fetch(primed)
                else:
                    self._fill(profile)
            except UploadError:
                pass  # the worker signs for itself and meets the problem there
            except Exception:  # a bug here must not stop uploads, which sign on demand without it
                log.exception("fetching links ahead failed")

    def prime(self, profile: str) -> None:
        """Before the workers start: the links of ``profile``'s first files are asked for now, in batches, and
        the workers that take those files wait for them. Otherwise each of the first workers would sign its own
        file alone, on a connection of its own (a far service: three round trips instead of one), while the
        look-ahead fetched the files after them. Links that come one by one are left to the workers, as are
        profiles that sign here."""
        try:
            signer = self._signer_for(profile)
            if not (isinstance(signer, BatchPutSigner) and signer.batch_enabled() and signer.signs_remotely):
                return
            plan = self._plan(profile, signer)
        except UploadError:
            return  # the workers meet the problem
        except Exception:  # a bug here must not stop uploads, which sign on demand without it
            log.exception("fetching the first links ahead failed")
            return
        if plan is None:
            return
        with self._cond:
            if self._closing:
                self._forget([job.id for job in plan.jobs])
                return
            self._primed.append(plan)  # its files count as being fetched: take() waits for them
            self._ensure_thread()
            self._cond.notify_all()

    def _ensure_thread(self) -> None:
        """Called holding the lock."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="link-lookahead", daemon=True)
            self._thread.start()

    def _may_fetch(self, profile: str) -> bool:
        """Called holding the lock. No links ahead for a destination that is down, or whose signing failed
        here for the destination's sake: its files wait, and the probe that finds it back is a worker's."""
        return profile not in self._held and self._reachable(profile)

    def _fill(self, profile: str) -> None:
        with self._cond:
            if not self._may_fetch(profile):  # it went down since a worker asked
                return
        signer = self._signer_for(profile)
        if not isinstance(signer, PutSigner | FormSigner) or not signer.signs_remotely:
            with self._cond:
                self._signs_here.add(profile)  # and nothing to wake this thread for, per file
            return
        plan = self._plan(profile, signer)
        if plan is not None:
            self._fetch(plan)

    def _plan(self, profile: str, signer: PutSigner | FormSigner) -> _Plan | None:
        """The next files of ``profile`` whose links are to be fetched now, marked as planned; None when
        enough are ready or on their way."""
        batcher = signer if isinstance(signer, BatchPutSigner) and signer.batch_enabled() else None
        with self._cond:
            stale = [job_id for job_id, link in self._links.items() if link.expires_within(self._margin)]
            for job_id in stale:
                del self._links[job_id]
            held = {*self._links, *self._planned}
            for job_id in self._profile_of.keys() - held:
                del self._profile_of[job_id]
            # Ready, or asked for by calls still out; another destination's links are not this one's.
            have = [job_id for job_id in held if self._profile_of.get(job_id) == profile]
        target = min(MAX_DEPTH, self._depth())
        depth = max(0, target - len(have))
        if batcher is None and have and depth < REFILL_SINGLE:
            return None
        if batcher is not None and have and len(have) > target * REFILL_BATCH_AT:
            return None
        jobs = self._store.peek_queued(profile, limit=depth, exclude=have) if depth else []
        jobs = [job for job in jobs if job.size <= SIGN_AHEAD_MAX]
        if not jobs:
            return None
        ids = [job.id for job in jobs]
        with self._cond:
            self._planned.update(ids)
            self._profile_of.update((job_id, profile) for job_id in ids)
            if batcher is not None:  # the batch goes out now: a worker taking one of these files waits for it
                self._fetching.update(ids)
        first = self._depth() // DEPTH_PER_FILE if not have else None
        return _Plan(signer, batcher, jobs, first)

    def _fetch(self, plan: _Plan) -> None:
        if plan.batcher is None:
            self._sign_singles(plan.signer, plan.jobs)
            return
        try:
            self._sign_batches(plan.batcher, _batches(plan.jobs, plan.batcher.max_batch, first=plan.first))
        finally:
            # Links that did not come (a failed call): the workers sign for themselves.
            self._forget([job.id for job in plan.jobs])

    def _forget(self, ids: Sequence[int]) -> None:
        with self._cond:
            for bookkeeping in (self._planned, self._fetching, self._taken):
                bookkeeping.difference_update(ids)
            self._cond.notify_all()

    def _sign_singles(self, signer: PutSigner | FormSigner, jobs: Sequence[Job]) -> None:
        """One call per file, a bounded number out at once; each link is kept as it comes, and this thread
        goes back at once to topping up as the workers take links."""
        with self._cond:
            self._waiting.extend((signer, job) for job in jobs)
        self._start_singles()

    def _start_singles(self) -> None:
        """Start the waiting one-by-one calls in the order they were planned, while fewer than _parallel() are
        out. In order: a file planned first is taken first, and a call that waited for its turn and then lost
        it to a later one (as threads woken together do) left a worker signing for itself a round trip later."""
        while True:
            with self._cond:
                if self._closing:
                    dropped = [job.id for _, job in self._waiting]
                    self._waiting.clear()
                    break
                # A file a worker took meanwhile is signed by that worker: no call for it; nor for a file whose
                # destination failed a call here.
                while self._waiting and (self._waiting[0][1].id in self._taken
                                         or self._waiting[0][1].profile in self._held):
                    self._forget([self._waiting.popleft()[1].id])
                if not self._waiting or self._calls >= self._parallel():
                    return
                signer, job = self._waiting.popleft()
                self._calls += 1
            try:
                future = self._executor().submit(self._sign_one, signer, job)
            except RuntimeError:  # closing: the pool takes no more
                with self._cond:
                    self._calls -= 1
                self._forget([job.id])
                continue
            future.add_done_callback(functools.partial(self._kept_when_done, job))
        self._forget(dropped)

    def _kept_when_done(self, job: Job, done: Future[SignedRequest | None]) -> None:
        self._keep([job], [_result_or_none(done)])
        self._start_singles()

    def _sign_batches(self, signer: BatchPutSigner, batches: Sequence[Sequence[Job]]) -> None:
        """One call per batch, all at once; each batch's links are kept as they come."""
        futures = {self._executor().submit(self._sign_batch, signer, batch): batch for batch in batches}
        for future in as_completed(futures):
            links = future.result()
            if links is not None:
                self._keep(futures[future], links)

    def _sign_batch(self, signer: BatchPutSigner, jobs: Sequence[Job]) -> list[SignedRequest] | None:
        if not self._start_fetching(jobs):
            return None
        try:
            return signer.sign_batch([_target(job) for job in jobs])
        except UploadError as exc:
            self._failed(jobs[0].profile, exc)
            return None

    def _executor(self) -> ThreadPoolExecutor:
        with self._cond:  # this class's thread, and the pool's own as their calls end
            if self._pool is None:
                self._pool = ThreadPoolExecutor(PARALLEL_SINGLE_MAX, thread_name_prefix="link-lookahead")
            return self._pool

    def _sign_one(self, signer: PutSigner | FormSigner, job: Job) -> SignedRequest | None:
        """One call of those _start_singles() counts: about one per file in flight, the calls the workers
        would otherwise each make."""
        try:
            if not self._start_fetching([job]):
                return None
            target = _target(job)
            return signer.sign_put(target) if isinstance(signer, PutSigner) else signer.sign_post(target)
        except UploadError as exc:
            self._failed(job.profile, exc)
            return None
        finally:
            with self._cond:
                self._calls -= 1
                self._cond.notify_all()

    def _failed(self, profile: str, error: UploadError) -> None:
        """A signing call here failed. About the file alone, its worker meets the same answer; about the
        destination, nothing more is fetched for it until a worker finds it answering (answered())."""
        if destination_trouble(error.failure) is not None:
            with self._cond:
                self._held.add(profile)

    def _parallel(self) -> int:
        return max(PARALLEL_SINGLE, min(PARALLEL_SINGLE_MAX, self._depth() // DEPTH_PER_FILE))

    def _start_fetching(self, jobs: Sequence[Job]) -> bool:
        """Mark ``jobs`` as being fetched now (a worker taking one waits for its link); False when workers
        took all of them before their turn."""
        with self._cond:
            wanted = [job.id for job in jobs if job.id not in self._taken]
            if not wanted or self._closing:
                return False
            self._fetching.update(wanted)
            return True

    def _keep(self, jobs: Sequence[Job], links: Sequence[SignedRequest | None]) -> None:
        """Keep the links that came, for files still waiting; a file a worker took meanwhile is being signed
        or sent already, and a link kept for it would only crowd out the next ones."""
        with self._cond:
            for job, link in zip(jobs, links, strict=True):
                if link is not None and not self._closing and job.id not in self._taken:
                    self._links[job.id] = link
                for bookkeeping in (self._planned, self._fetching, self._taken):
                    bookkeeping.discard(job.id)
            self._cond.notify_all()


def _result_or_none(future: Future[SignedRequest | None]) -> SignedRequest | None:
    if future.cancelled():  # closing
        return None
    error = future.exception()
    if error is not None:  # a bug here must not stop uploads, which sign on demand without it
        log.error("fetching a link ahead failed", exc_info=error)
        return None
    return future.result()


def _target(job: Job) -> UploadTarget:
    return UploadTarget(job.key, job.content_type, job.size, job.metadata)


def _batches(jobs: Sequence[Job], size: int, *, first: int | None) -> list[Sequence[Job]]:
    """``jobs`` in batches of at most ``size``. With nothing fetched yet (``first``: about one link per file
    in flight), the first batch holds only what the workers need now: a short batch is signed sooner, and
    the rest come in a call made alongside it."""
    batches: list[Sequence[Job]] = []
    start = 0
    if first is not None and 0 < first < min(size, len(jobs)):
        batches.append(jobs[:first])
        start = first
    batches.extend(jobs[i:i + size] for i in range(start, len(jobs), size))
    return batches
