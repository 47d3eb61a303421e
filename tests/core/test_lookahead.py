"""Links fetched ahead: a worker waits for the call already fetching its link, and a link whose file a
worker took meanwhile is not kept (it would crowd out the links of the files after it).

The signer here hands out links without a network: what is tested is the look-ahead's bookkeeping, with
each signing call held open until the test lets it answer. Links through a real endpoint are tested in
test_field_networks.py.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest

from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.lookahead import PARALLEL_SINGLE, LinkLookahead, _batches
from desktop_uploader.core.models import JobState, NewJob, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import BatchPutSigner, PutSigner
from desktop_uploader.core.store import JobStore

PROFILE = "far"


class _HeldBatchSigner(BatchPutSigner):
    """Signs batches only when the test releases each call."""

    signs_remotely = True

    def __init__(self) -> None:
        self.calls: list[list[str]] = []
        self.entered = threading.Semaphore(0)
        self.release = threading.Semaphore(0)

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        raise AssertionError("the look-ahead signs in batches here")

    def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
        self.calls.append([t.key for t in targets])
        self.entered.release()
        assert self.release.acquire(timeout=30)
        return [SignedRequest("PUT", f"https://storage.example/{t.key}", expires_at=time.time() + 3600)
                for t in targets]

    def describe(self) -> dict[str, str]:
        return {"kind": "held"}


@pytest.fixture
def store(tmp_path: Path) -> Iterator[JobStore]:
    jobs = JobStore(tmp_path / "queue.db")
    jobs.add_jobs([NewJob(f"/data/f{i}", 10, 0, f"f{i}", "application/octet-stream", PROFILE) for i in range(20)])
    yield jobs
    jobs.close()


def _claim(store: JobStore) -> int:
    job = store.claim_next([PROFILE])
    assert job is not None
    return job.id


def test_a_worker_waits_for_the_link_on_its_way_and_late_links_are_not_kept(store: JobStore) -> None:
    signer = _HeldBatchSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 8, margin=60)
    try:
        ahead.wanted(PROFILE)
        # Nothing fetched yet: the links the two files in flight need come in a short call, the rest in a
        # second one made at the same time.
        for _ in range(2):
            assert signer.entered.acquire(timeout=30)
        assert sorted(signer.calls) == [["f0", "f1"], ["f2", "f3", "f4", "f5", "f6", "f7"]]

        # Two workers take f0 and f1 while the calls are out: one will not wait, the other does.
        first, second = _claim(store), _claim(store)
        assert ahead.take(first, wait=0) is None  # it signs for itself
        got: list[SignedRequest | None] = []
        waiter = threading.Thread(target=lambda: got.append(ahead.take(second)))
        waiter.start()
        signer.release.release()
        signer.release.release()
        waiter.join(30)
        assert got and got[0] is not None and got[0].url.endswith("/f1")

        # f0's link came after its worker signed for itself: it is not kept, so the next call fills the
        # look-ahead up to its depth again (f2 to f7 are ready, two more are wanted), in one batch now.
        ahead.wanted(PROFILE)
        assert signer.entered.acquire(timeout=30)
        assert signer.calls[2] == ["f8", "f9"]
        signer.release.release()
    finally:
        signer.release.release()
        ahead.close()


def test_primed_before_the_workers_start_the_first_files_wait_for_their_batch(store: JobStore) -> None:
    """Without priming, each of the first workers takes its file before the look-ahead looks, and signs it
    alone: on a far service a connection and three round trips each, where one batch takes one."""
    signer = _HeldBatchSigner()
    lookahead_may_look = threading.Event()

    def signer_for(_profile: str) -> _HeldBatchSigner:
        # The look-ahead's own thread is held back: what the workers find is what prime() did before they came.
        if threading.current_thread().name == "link-lookahead":
            assert lookahead_may_look.wait(30)
        return signer

    ahead = LinkLookahead(store, signer_for, depth=lambda: 8, margin=60)
    try:
        ahead.prime(PROFILE)  # as Engine.start() does, before any worker exists
        # The workers start and take the first files at once: each waits for the call fetching its link.
        got: list[SignedRequest | None] = []
        claimed = [_claim(store), _claim(store)]
        waiters = [threading.Thread(target=lambda job_id=job_id: got.append(ahead.take(job_id))) for job_id in claimed]
        for waiter in waiters:
            waiter.start()
        for _ in range(2):
            assert signer.entered.acquire(timeout=30)
        assert sorted(signer.calls) == [["f0", "f1"], ["f2", "f3", "f4", "f5", "f6", "f7"]]
        signer.release.release()
        signer.release.release()
        for waiter in waiters:
            waiter.join(30)
        assert sorted(link.url.rsplit("/", 1)[-1] for link in got if link is not None) == ["f0", "f1"]
        lookahead_may_look.set()
        # Topping up then asks for the files after the ones ready (f2 to f7), not again for f0 and f1.
        ahead.wanted(PROFILE)
        assert signer.entered.acquire(timeout=30)
        assert signer.calls[2] == ["f8", "f9"]
        signer.release.release()
    finally:
        lookahead_may_look.set()
        signer.release.release()
        ahead.close()


def test_priming_leaves_one_by_one_links_to_the_workers(store: JobStore) -> None:
    signer = _HeldSingleSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 8, margin=60)
    try:
        ahead.prime(PROFILE)
        assert ahead.take(_claim(store), wait=0) is None  # nothing planned: the worker signs for itself
        assert not signer.asked
    finally:
        signer.release.set()
        ahead.close()


def test_a_failed_call_leaves_the_workers_to_sign_for_themselves(store: JobStore) -> None:
    class _Refusing(_HeldBatchSigner):
        def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
            super().sign_batch(targets)
            raise UploadError(Failure(code="EndpointUnreachable", message="down", stage="sign", retryable=True))

    signer = _Refusing()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 4, margin=60)
    try:
        ahead.wanted(PROFILE)
        for _ in range(2):  # both calls of a cold start are out
            assert signer.entered.acquire(timeout=30)
        job = _claim(store)
        got: list[SignedRequest | None] = []
        waiter = threading.Thread(target=lambda: got.append(ahead.take(job)))
        waiter.start()
        signer.release.release()
        signer.release.release()
        waiter.join(30)
        assert not waiter.is_alive() and got == [None]
    finally:
        ahead.close()


class _HeldSingleSigner(PutSigner):
    """Signs one file per call, each call held until the test releases it."""

    signs_remotely = True

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.lock = threading.Lock()
        self.entered = threading.Semaphore(0)
        self.release = threading.Event()

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        with self.lock:
            self.asked.append(target.key)
        self.entered.release()
        assert self.release.wait(30)
        return SignedRequest("PUT", f"https://storage.example/{target.key}", expires_at=time.time() + 3600)

    def describe(self) -> dict[str, str]:
        return {"kind": "held-single"}


def test_one_by_one_a_worker_waits_only_for_a_call_already_out(store: JobStore) -> None:
    signer = _HeldSingleSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: PARALLEL_SINGLE + 4, margin=60)
    first_waiting = PARALLEL_SINGLE  # f0 .. f(n-1) are being signed; the next four wait their turn
    try:
        ahead.wanted(PROFILE)
        for _ in range(PARALLEL_SINGLE):
            assert signer.entered.acquire(timeout=30)
        claimed = [_claim(store) for _ in range(PARALLEL_SINGLE + 2)]

        # The turn of the next file has not come: its worker signs for itself at once instead of queueing
        # behind the others.
        got: list[SignedRequest | None] = []
        worker = threading.Thread(target=lambda: got.append(ahead.take(claimed[first_waiting])))
        worker.start()
        worker.join(10)
        assert not worker.is_alive() and got == [None]
        assert ahead.take(claimed[first_waiting + 1], wait=0) is None

        signer.release.set()
        link = ahead.take(claimed[0])
        assert link is not None and link.url.endswith("/f0")
        for _ in range(2):  # the two files after the skipped ones are asked for
            assert signer.entered.acquire(timeout=30)
        ahead.close()
        # Files taken before their turn were never asked for; the ones after them were.
        skipped = {f"f{first_waiting}", f"f{first_waiting + 1}"}
        assert not skipped & set(signer.asked)
        assert {f"f{first_waiting + 2}", f"f{first_waiting + 3}"} <= set(signer.asked)
    finally:
        signer.release.set()
        ahead.close()


class _PerFileSigner(PutSigner):
    """Signs one file per call; each call is held until the test releases that file's key."""

    signs_remotely = True

    def __init__(self) -> None:
        self.asked: list[str] = []
        self.cond = threading.Condition()
        self.released: set[str] = set()

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        with self.cond:
            self.asked.append(target.key)
            self.cond.notify_all()
            assert self.cond.wait_for(lambda: target.key in self.released, timeout=30)
        return SignedRequest("PUT", f"https://storage.example/{target.key}", expires_at=time.time() + 3600)

    def let(self, *keys: str) -> None:
        with self.cond:
            self.released.update(keys)
            self.cond.notify_all()

    def wait_asked(self, keys: set[str]) -> None:
        with self.cond:
            assert self.cond.wait_for(lambda: keys <= set(self.asked), timeout=30), (keys, self.asked)

    def describe(self) -> dict[str, str]:
        return {"kind": "per-file"}


def test_one_by_one_links_are_topped_up_while_slow_calls_are_still_out(tmp_path: Path) -> None:
    """A slow call does not hold back the links after it: as workers take links, more are asked for at
    once, not when the last call of a round has answered."""
    jobs = JobStore(tmp_path / "queue.db")
    jobs.add_jobs([NewJob(f"/data/f{i}", 10, 0, f"f{i}", "application/octet-stream", PROFILE) for i in range(40)])
    signer = _PerFileSigner()
    depth = PARALLEL_SINGLE + 8  # eight calls out at once, eight more links planned behind them
    ahead = LinkLookahead(jobs, lambda _profile: signer, depth=lambda: depth, margin=60)
    try:
        ahead.wanted(PROFILE)
        signer.wait_asked({f"f{i}" for i in range(PARALLEL_SINGLE)})
        slow = [f"f{i}" for i in range(4, PARALLEL_SINGLE)]  # these four do not answer
        signer.let(*(f"f{i}" for i in range(4)))
        for i in range(4):
            link = ahead.take(_claim(jobs))
            assert link is not None and link.url.endswith(f"/f{i}")
        signer.let(*(f"f{i}" for i in range(PARALLEL_SINGLE, depth)))
        ahead.wanted(PROFILE)
        # Four links were taken, so four more files are asked for, while the slow calls are still out.
        signer.wait_asked({f"f{i}" for i in range(depth, depth + 4)})
        with signer.cond:
            assert not set(slow) & signer.released
        assert f"f{depth + 4}" not in signer.asked  # topped up to the depth, no further
    finally:
        signer.let(*(f"f{i}" for i in range(40)))
        ahead.close()
        jobs.close()


def test_one_by_one_calls_start_in_the_order_their_files_were_planned(tmp_path: Path) -> None:
    """More calls planned than may be out at once: as each call answers, the next one to start is the next
    file in the queue, not one planned after it (whose worker would then sign for itself instead)."""
    jobs = JobStore(tmp_path / "queue.db")
    jobs.add_jobs([NewJob(f"/data/f{i:02d}", 10, 0, f"f{i:02d}", "application/octet-stream", PROFILE)
                   for i in range(60)])
    signer = _PerFileSigner()
    depth = 48  # 12 calls out at once (a quarter of the depth), 36 waiting: more than the pool's threads
    out = depth // 4
    ahead = LinkLookahead(jobs, lambda _profile: signer, depth=lambda: depth, margin=60)
    try:
        ahead.wanted(PROFILE)
        signer.wait_asked({f"f{i:02d}" for i in range(out)})
        for done in range(depth - out):
            signer.let(f"f{done:02d}")
            signer.wait_asked({f"f{out + done:02d}"})
            with signer.cond:
                assert signer.asked[out:] == [f"f{i:02d}" for i in range(out, out + done + 1)]
    finally:
        signer.let(*(f"f{i:02d}" for i in range(60)))
        ahead.close()
        jobs.close()


@pytest.mark.parametrize(("count", "first", "sizes"), [
    (20, None, [8, 8, 4]),  # links to spare already: full batches
    (20, 3, [3, 8, 8, 1]),  # a cold start: the files in flight first, in a short call of their own
    (2, 3, [2]),  # fewer files than in flight: one call
    (20, 0, [8, 8, 4]),
])
def test_batches_put_the_links_needed_now_in_a_short_first_call(count: int, first: int | None,
                                                                 sizes: list[int], store: JobStore) -> None:
    jobs = store.list_jobs()[:count]
    batches = _batches(jobs, 8, first=first)
    assert [len(b) for b in batches] == sizes
    assert [job for batch in batches for job in batch] == jobs


class _CountingBatchSigner(_HeldBatchSigner):
    """Answers each batch at once; counts the calls."""

    def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
        self.release.release()
        return super().sign_batch(targets)


def test_batches_are_topped_up_from_three_quarters_full_not_per_file(store: JobStore) -> None:
    """Topped up at every file taken, a fast link made one signing call (billed, for a Lambda) per file.
    The look-ahead is refilled once a quarter of it is used, in one call."""
    signer = _CountingBatchSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60)
    try:
        ahead._fill(PROFILE)  # what the look-ahead's thread does when a file is taken: here, in step
        assert signer.calls == [[f"f{i}" for i in range(4)], [f"f{i}" for i in range(4, 16)]]
        for i in range(3):  # 13 of 16 links still ready: no call
            link = ahead.take(_claim(store))
            assert link is not None and link.url.endswith(f"/f{i}")
            ahead._fill(PROFILE)
        assert len(signer.calls) == 2
        assert ahead.take(_claim(store)) is not None
        ahead._fill(PROFILE)  # 12 left: the four missing links come in one call
        assert signer.calls[2:] == [["f16", "f17", "f18", "f19"]]
    finally:
        ahead.close()


def test_links_of_files_that_left_the_queue_do_not_hold_back_the_next(store: JobStore) -> None:
    signer = _CountingBatchSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60)
    try:
        ahead._fill(PROFILE)  # f0 .. f15 ready
        cancelled = [job.id for job in store.list_jobs() if job.key in {f"f{i}" for i in range(4, 16)}]
        store.set_many(cancelled, JobState.CANCELLED, expect=(JobState.QUEUED,))
        ahead.discard(cancelled)  # as Engine.cancel does
        ahead._fill(PROFILE)  # four links left of sixteen: the files still queued after them are fetched
        assert signer.calls[2:] == [["f16", "f17", "f18", "f19"]]
    finally:
        ahead.close()


def test_each_destination_counts_only_its_own_links(store: JobStore) -> None:
    """An engine serving two destinations: links ready for one do not stop the other's being fetched."""
    store.add_jobs([NewJob(f"/data/o{i}", 10, 0, f"o{i}", "application/octet-stream", "other") for i in range(16)])
    signer = _CountingBatchSigner()
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60)
    try:
        ahead._fill("other")
        assert sorted(key for call in signer.calls for key in call) == sorted(f"o{i}" for i in range(16))
        ahead._fill(PROFILE)
        assert sorted(key for call in signer.calls[2:] for key in call) == sorted(f"f{i}" for i in range(16))
    finally:
        ahead.close()


class _FailingBatchSigner(BatchPutSigner):
    """Every call fails with ``failure`` while ``down``; signs otherwise."""

    signs_remotely = True

    def __init__(self, failure: Failure) -> None:
        self.failure = failure
        self.down = True
        self.calls: list[list[str]] = []

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        raise AssertionError("the look-ahead signs in batches here")

    def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
        self.calls.append([t.key for t in targets])
        if self.down:
            raise UploadError(self.failure)
        return [SignedRequest("PUT", f"https://storage.example/{t.key}", expires_at=time.time() + 3600)
                for t in targets]

    def describe(self) -> dict[str, str]:
        return {"kind": "failing"}


REFUSED = Failure(code="ConnectionRefused", message="refused", stage="sign", network_error="refused")
FORBIDDEN = Failure(code="AccessDenied", message="not this key", stage="sign", http_status=403)


def test_a_call_failing_for_the_destination_holds_the_look_ahead_until_a_worker_gets_an_answer(
        store: JobStore) -> None:
    """Every planned call would try the dead link once more; the workers' probes find when it is back."""
    signer = _FailingBatchSigner(REFUSED)
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60)
    try:
        ahead._fill(PROFILE)  # what the look-ahead's thread does when a file is taken: here, in step
        assert len(signer.calls) == 2  # the first files' short batch and the rest, both refused
        ahead._fill(PROFILE)
        ahead._fill(PROFILE)
        assert len(signer.calls) == 2
        signer.down = False
        ahead.answered(PROFILE)  # a worker's file got an answer from the destination
        ahead._fill(PROFILE)
        assert sorted(key for call in signer.calls[2:] for key in call) == sorted(f"f{i}" for i in range(16))
        assert ahead.take(_claim(store), wait=0) is not None
    finally:
        ahead.close()


def test_a_call_failing_for_its_file_alone_holds_nothing_back(store: JobStore) -> None:
    signer = _FailingBatchSigner(FORBIDDEN)
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60)
    try:
        ahead._fill(PROFILE)
        ahead._fill(PROFILE)  # the destination answered: the links are asked for again
        assert len(signer.calls) == 4
    finally:
        ahead.close()


def test_nothing_is_fetched_ahead_for_a_destination_that_is_down(store: JobStore) -> None:
    signer = _CountingBatchSigner()
    up = False
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: 16, margin=60, reachable=lambda _p: up)
    try:
        ahead._fill(PROFILE)
        assert signer.calls == []
        up = True  # a probe found it back
        ahead._fill(PROFILE)
        assert sorted(key for call in signer.calls for key in call) == sorted(f"f{i}" for i in range(16))
    finally:
        ahead.close()


class _DownSingleSigner(PutSigner):
    """Signs one file per call, each call held until the test lets it answer: refused while ``down``."""

    signs_remotely = True

    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []  # (key, down when asked)
        self.cond = threading.Condition()
        self.down = True
        self.let_fail = 0
        self.failed = 0

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        with self.cond:
            down = self.down
            self.asked.append((target.key, down))
            self.cond.notify_all()
            if down:
                assert self.cond.wait_for(lambda: self.let_fail > 0, timeout=30)
                self.let_fail -= 1
                self.failed += 1
                self.cond.notify_all()
                raise UploadError(REFUSED)
        return SignedRequest("PUT", f"https://storage.example/{target.key}", expires_at=time.time() + 3600)

    def wait(self, condition: Callable[[], bool]) -> None:
        with self.cond:
            assert self.cond.wait_for(condition, timeout=30), self.asked

    def describe(self) -> dict[str, str]:
        return {"kind": "down-single"}


def test_one_by_one_calls_planned_behind_a_call_refused_are_not_made(store: JobStore) -> None:
    """A service that signs one file per call (Companion): the calls out when the link died fail, and the
    ones planned behind them are dropped, not sent into the dead link one after another."""
    signer = _DownSingleSigner()
    depth = 2 * PARALLEL_SINGLE  # as many calls planned to wait as are out
    ahead = LinkLookahead(store, lambda _profile: signer, depth=lambda: depth, margin=60)
    try:
        ahead.wanted(PROFILE)
        signer.wait(lambda: len(signer.asked) == PARALLEL_SINGLE)
        with signer.cond:
            signer.let_fail = PARALLEL_SINGLE
            signer.cond.notify_all()
        # The workers take those files; each finds its call over, without a link, and signs for itself.
        for _ in range(PARALLEL_SINGLE):
            assert ahead.take(_claim(store)) is None
        ahead.wanted(PROFILE)  # and asks for the links after it
        with signer.cond:
            signer.down = False
        ahead.answered(PROFILE)  # a worker's probe got through
        ahead.wanted(PROFILE)
        rest = {f"f{i}" for i in range(PARALLEL_SINGLE, 20)}  # the fixture queues 20 files
        signer.wait(lambda: len(signer.asked) >= PARALLEL_SINGLE + len(rest))
        ahead.close()
        # Nothing was asked for while the link was down beyond the calls already out; then each file after
        # the ones taken, once.
        assert [down for _, down in signer.asked] == [True] * PARALLEL_SINGLE + [False] * len(rest)
        assert sorted(key for key, _ in signer.asked[PARALLEL_SINGLE:]) == sorted(rest)
    finally:
        with signer.cond:
            signer.down = False
            signer.let_fail = 1000
            signer.cond.notify_all()
        ahead.close()
