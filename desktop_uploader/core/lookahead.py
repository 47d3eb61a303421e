"""Links before they are needed: while files upload, the links for the next ones are fetched.

A signing endpoint far away costs a round trip per link; fetched one by one, each file waits for its link and
then for its PUT. So when a worker takes a file, a background thread looks at the next queued files of that
destination (a bounded look-ahead) and signs them — in one request where the endpoint signs batches, else a
few at a time. A worker then finds its link ready. A link that would expire before use is simply fetched
again by the worker, and a failed signing call here is dropped: the worker signs for itself, so what is
wrong with the destination is found, and handled, on the usual path.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor

from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.models import Job, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import BatchPutSigner, PutSigner, Signer
from desktop_uploader.core.store import JobStore

log = logging.getLogger(__name__)

MAX_DEPTH = 100
# Larger files are signed when they are sent: a round trip is small beside their transfer, and their link can
# then carry the checksum computed just before (core/checksums.py).
SIGN_AHEAD_MAX = 8 * 1024 * 1024
_PARALLEL_SINGLE = 4  # links fetched at once from an endpoint that signs one file per request


class LinkLookahead:
    def __init__(self, store: JobStore, signer_for: Callable[[str], Signer], depth: Callable[[], int],
                 margin: float) -> None:
        self._store = store
        self._signer_for = signer_for
        self._depth = depth
        self._margin = margin  # a link that expires sooner than this is of no use
        self._cond = threading.Condition()
        self._links: dict[int, SignedRequest] = {}
        self._wanted: set[str] = set()
        self._signs_here: set[str] = set()  # profiles whose links cost less to sign than to keep
        self._closing = False
        self._thread: threading.Thread | None = None
        self._pool: ThreadPoolExecutor | None = None

    def take(self, job_id: int) -> SignedRequest | None:
        """The link fetched ahead for ``job_id``, if a fresh one is ready."""
        with self._cond:
            link = self._links.pop(job_id, None)
        if link is None or link.expires_within(self._margin):
            return None
        return link

    def wanted(self, profile: str) -> None:
        """A file of ``profile`` was just taken: top up the links for the ones after it."""
        with self._cond:
            if self._closing or profile in self._signs_here:
                return
            self._wanted.add(profile)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="link-lookahead", daemon=True)
                self._thread.start()
            self._cond.notify_all()

    def reset(self) -> None:
        """Forget what was learnt of the signers (they were made again from changed settings)."""
        with self._cond:
            self._signs_here.clear()
            self._links.clear()

    def forget(self, job_ids: Iterable[int]) -> None:
        with self._cond:
            for job_id in job_ids:
                self._links.pop(job_id, None)

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
                self._cond.wait_for(lambda: self._closing or bool(self._wanted))
                if self._closing:
                    return
                profile = self._wanted.pop()
            try:
                self._fill(profile)
            except UploadError:
                pass  # the worker signs for itself and meets the problem there
            except Exception:  # a bug here must not stop uploads, which sign on demand without it
                log.exception("fetching links ahead failed")

    def _fill(self, profile: str) -> None:
        signer = self._signer_for(profile)
        if not isinstance(signer, PutSigner) or not signer.signs_remotely:
            with self._cond:
                self._signs_here.add(profile)  # and nothing to wake this thread for, per file
            return
        with self._cond:
            stale = [job_id for job_id, link in self._links.items() if link.expires_within(self._margin)]
            for job_id in stale:
                del self._links[job_id]
            have = list(self._links)
        depth = max(0, min(MAX_DEPTH, self._depth()) - len(have))
        jobs = self._store.peek_queued(profile, limit=depth, exclude=have) if depth else []
        jobs = [job for job in jobs if job.size <= SIGN_AHEAD_MAX]
        if not jobs:
            return
        targets = [UploadTarget(j.key, j.content_type, j.size, j.metadata) for j in jobs]
        if isinstance(signer, BatchPutSigner) and signer.batch_enabled():
            for start in range(0, len(jobs), signer.max_batch):
                self._keep(jobs[start:start + signer.max_batch],
                           signer.sign_batch(targets[start:start + signer.max_batch]))
        else:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(_PARALLEL_SINGLE, thread_name_prefix="link-lookahead")
            links = list(self._pool.map(lambda t: _sign_or_none(signer, t), targets))
            self._keep(jobs, links)

    def _keep(self, jobs: Sequence[Job], links: Sequence[SignedRequest | None]) -> None:
        with self._cond:
            for job, link in zip(jobs, links, strict=True):
                if link is not None and not self._closing:
                    self._links[job.id] = link


def _sign_or_none(signer: PutSigner, target: UploadTarget) -> SignedRequest | None:
    try:
        return signer.sign_put(target)
    except UploadError:
        return None
