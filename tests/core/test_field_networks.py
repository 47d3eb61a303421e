"""Field networks, for real: SeaweedFS and the reference endpoint behind an emulated WAN link (delay, TLS,
outages, stalls, drips), the engine and the command line in front."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core import warmup
from desktop_uploader.core.config import PROTOCOL_COMPANION, Config, Profile
from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.health import DestinationHealth
from desktop_uploader.core.http import direct_pool, engine_session
from desktop_uploader.core.models import Event, EventKind, Job, JobState, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import BatchPutSigner, FormSigner, Signer
from desktop_uploader.core.store import JobStore
from desktop_uploader.devserver.wan import WanProxy
from tests.core.helpers import (
    FAST_RETRY,
    Recorder,
    close_engine,
    endpoint_profile,
    make_engine,
    run_all,
    store_credentials,
    waits_for_destination,
)
from tests.core.s3_proxy import S3Proxy

KiB = 1024
QUICK_HEALTH = {"min_backoff": 0.1, "max_backoff": 0.5}


def _files(folder: Path, count: int, size: int = 16 * KiB) -> list[Path]:
    folder.mkdir(exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"f{i:03d}.bin"
        path.write_bytes(bytes([i % 251]) * size)
        paths.append(path)
    return paths


def _stored(seaweed: Any, bucket: str) -> dict[str, int]:
    listing = seaweed.client().list_objects_v2(Bucket=bucket, MaxKeys=1000)
    return {o["Key"]: o["Size"] for o in listing.get("Contents", [])}


def _done(events: Recorder) -> int:
    return len(events.of(EventKind.DONE))


def _wait_until(condition: Callable[[], bool], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.01)


def _wait_for_open_connections(engine: Engine, link: WanProxy, before: int, count: int) -> None:
    """Until ``count`` connections through ``link`` were opened since ``before`` and sit connected, idle, in
    the engine's pool for the storage."""
    link.wait_for(lambda stats: stats.accepted - before >= count, timeout=30)
    pool = direct_pool(engine.session, link.url + "/")
    assert pool is not None and pool.pool is not None
    idle = pool.pool.queue
    _wait_until(lambda: sum(1 for conn in list(idle) if conn is not None and conn.is_connected) == count)


def _states(events: Recorder) -> list[str]:
    return [e.extra["state"] for e in events.of(EventKind.DESTINATION)]


@pytest.fixture
def storage_link(seaweed: Any, wan_factory: Any, wan_ca_env: dict[str, str]) -> WanProxy:
    """SeaweedFS behind a TLS link with a 40 ms round trip."""
    proxy: WanProxy = wan_factory("127.0.0.1", seaweed.port, rtt_ms=40)
    return proxy


@pytest.fixture
def far_endpoint(reference_endpoint_factory: Any, storage_link: WanProxy) -> Any:
    """The reference endpoint, signing links for the storage behind the emulated link."""
    return reference_endpoint_factory(s3_endpoint_url=storage_link.url)


def _engine(tmp_path: Path, url: str, *, wrap: Any = None, **settings: Any) -> tuple[Engine, Recorder]:
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(url, **settings.pop("profile", {}))],
                                 wrap=wrap,
                                 settings=EngineSettings(concurrency=settings.pop("concurrency", 4), retry=FAST_RETRY,
                                                         **settings))
    engine.health = DestinationHealth(**QUICK_HEALTH)
    return engine, events


def _send_all(engine: Engine, paths: list[Path], *, prime_links: bool = False, profile: str = "ep") -> list[Job]:
    """Queue ``paths``, send them and close the engine; the jobs as they ended."""
    try:
        engine.add_paths(paths, profile)
        engine.start(prime_links=prime_links)
        assert engine.wait_idle(120)
        return engine.jobs()
    finally:
        close_engine(engine)


def test_storage_outage_mid_batch_waits_and_every_file_arrives(tmp_path: Path, seaweed: Any, bucket: str,
                                                                storage_link: WanProxy, far_endpoint: Any) -> None:
    paths = _files(tmp_path / "in", 60)
    engine, events = _engine(tmp_path, far_endpoint.sign_url)
    try:
        engine.add_paths(paths, "ep")
        engine.start()
        assert events.wait_for(lambda _: _done(events) >= 10)
        storage_link.outage()  # every connection cut, new ones refused
        assert events.wait_for(lambda _: "unreachable" in _states(events))
        refused_before = storage_link.stats().refused
        # While it is down, files wait: one probe at a time, not one attempt per file.
        assert events.wait_for(lambda _: waits_for_destination(events) >= 8)
        storage_link.restore()
        assert engine.wait_idle(120)
        jobs = engine.jobs()
        attempts_while_down = storage_link.stats().refused - refused_before
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 60
    assert not events.of(EventKind.FAILED)
    assert _states(events) == ["unreachable", "reachable"]
    assert attempts_while_down < 30
    assert _stored(seaweed, bucket) == {p.name: 16 * KiB for p in paths}


def test_storage_refusing_every_file_waits_in_one_state(tmp_path: Path, seaweed: Any, bucket: str,
                                                        reference_endpoint_factory: Any) -> None:
    full = S3Proxy(seaweed.endpoint_url)  # a full SeaweedFS answers 500 InternalError to every PUT
    full.fail_puts = True
    endpoint = reference_endpoint_factory(s3_endpoint_url=full.url)
    paths = _files(tmp_path / "in", 12)
    engine, events = _engine(tmp_path, endpoint.sign_url)
    try:
        engine.add_paths(paths, "ep")
        engine.start()
        assert events.wait_for(lambda _: "unreachable" in _states(events))
        assert events.wait_for(lambda _: waits_for_destination(events) >= 8)
        refused = full.puts_refused
        full.fail_puts = False  # space was freed
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
        full.stop()
    assert [j.state for j in jobs] == [JobState.DONE] * 12
    assert not events.of(EventKind.FAILED)
    assert _states(events) == ["unreachable", "reachable"]
    [down] = [e for e in events.of(EventKind.DESTINATION) if e.extra["state"] == "unreachable"]
    assert down.failure is not None and down.failure["http_status"] == 500
    # Bounded: the files already on their way when it filled up, then one probe at a time - not 12 files
    # times six retries each.
    assert refused < 4 + 12
    assert _stored(seaweed, bucket) == {p.name: 16 * KiB for p in paths}


def test_signing_endpoint_down_while_storage_is_up(tmp_path: Path, seaweed: Any, bucket: str,
                                                   reference_endpoint: Any, wan_factory: Any) -> None:
    link = wan_factory("127.0.0.1", reference_endpoint.running.port, rtt_ms=20, tls=False)
    # More files than links are fetched ahead, so some still need the endpoint once it is down.
    paths = _files(tmp_path / "in", 60)
    engine, events = _engine(tmp_path, f"{link.url}/sign")
    try:
        engine.add_paths(paths, "ep")
        engine.start()
        assert events.wait_for(lambda _: _done(events) >= 4)
        link.outage()
        assert events.wait_for(lambda _: "unreachable" in _states(events))
        link.restore()
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 60
    [down] = [e for e in events.of(EventKind.DESTINATION) if e.extra["state"] == "unreachable"]
    assert down.failure is not None and down.failure["code"] == "EndpointUnreachable"
    assert not events.of(EventKind.FAILED)


def test_companion_in_an_outage_sends_no_storm_of_signing_calls(tmp_path: Path, seaweed: Any, bucket: str,
                                                               storage_link: WanProxy, far_endpoint: Any,
                                                               wan_factory: Any) -> None:
    """Companion signs one file per call, so the forms fetched ahead are many calls. When both links die,
    the calls out then fail; the ones planned behind them, and the look-ahead of each probe taken, must not
    follow them into the dead link."""
    endpoint_link: WanProxy = wan_factory("127.0.0.1", far_endpoint.running.port, rtt_ms=20, tls=False)
    paths = _files(tmp_path / "in", 60)
    engine, events = _engine(tmp_path, endpoint_link.url, profile={"protocol": PROTOCOL_COMPANION}, concurrency=16)
    try:
        engine.add_paths(paths, "ep")
        engine.start()
        assert events.wait_for(lambda _: _done(events) >= 10)
        before = endpoint_link.stats().refused + storage_link.stats().refused
        endpoint_link.outage()
        storage_link.outage()
        assert events.wait_for(lambda _: "unreachable" in _states(events))
        # The files out when the links died, then four probes, one at a time, each finding the links still
        # dead and putting its file back.
        assert events.wait_for(lambda _: waits_for_destination(events) >= 16 + 4)
        attempts = endpoint_link.stats().refused + storage_link.stats().refused - before
        endpoint_link.restore()
        storage_link.restore()
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 60
    assert not events.of(EventKind.FAILED)
    # At most: the look-ahead's calls out when the links died (16 for 16 workers) and a new connection for each
    # worker between two files (16), two retries before the failures count as an outage, then a signing call
    # and an upload per probe (8): 42; 6 to 22 in ten runs here. When the forms planned ahead were each asked
    # for once more, 80 to 105.
    assert attempts < 50, attempts
    # Companion names each object itself; a file whose answer the cut lost went again with the same form.
    assert sorted(key.rsplit("/", 1)[-1] for key in _stored(seaweed, bucket)) == sorted(p.name for p in paths)


def test_a_network_change_probes_an_unreachable_destination_at_once(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, far_endpoint: Any) -> None:
    """The window and kiosk mode pass on the system's word that the network changed (network_changed): the
    files go as soon as the destination answers, not at the end of a backoff that may be a minute away."""
    paths = _files(tmp_path / "in", 4)
    engine, events = _engine(tmp_path, far_endpoint.sign_url)
    engine.health = DestinationHealth(min_backoff=30.0, max_backoff=60.0)  # the next probe: 15 s away at least
    try:
        storage_link.outage()
        engine.add_paths(paths, "ep")
        engine.start()
        assert events.wait_for(lambda _: "unreachable" in _states(events))
        storage_link.restore()
        engine.network_changed()
        assert engine.wait_idle(10)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 4
    assert _states(events) == ["unreachable", "reachable"]


@pytest.mark.parametrize("trouble", ["stall", "drip"])
def test_stalled_or_dripping_link_cannot_hold_a_worker(tmp_path: Path, seaweed: Any, bucket: str,
                                                       storage_link: WanProxy, far_endpoint: Any,
                                                       trouble: str) -> None:
    [path] = _files(tmp_path / "in", 1, size=2 * 1024 * KiB)
    engine, events = _engine(tmp_path, far_endpoint.sign_url, stall_timeout=1.0)
    try:
        if trouble == "stall":
            storage_link.blackhole()  # connections are accepted, no byte moves
        else:
            storage_link.drip(2000)  # a few KB a second: every 256 KiB slice needs minutes
        engine.add_paths([path], "ep")
        engine.start()
        assert events.wait_for(lambda _: "unreachable" in _states(events), timeout=60)
        storage_link.restore()
        assert engine.wait_idle(60)
        [job] = engine.jobs()
    finally:
        close_engine(engine)
    assert job.state is JobState.DONE
    [down] = [e for e in events.of(EventKind.DESTINATION) if e.extra["state"] == "unreachable"]
    assert down.failure is not None and down.failure["code"] in ("Timeout", "ConnectionReset", "NetworkError")
    assert _stored(seaweed, bucket) == {path.name: 2 * 1024 * KiB}


class _CountingBatch(BatchPutSigner):
    """The real endpoint signer, counting how links were fetched."""

    def __init__(self, inner: Signer, counts: dict[str, int], lock: threading.Lock) -> None:
        assert isinstance(inner, BatchPutSigner)
        self.inner = inner
        self.name = inner.name
        self.signs_remotely = inner.signs_remotely
        self.counts = counts
        self.lock = lock

    def batch_enabled(self) -> bool:
        return self.inner.batch_enabled()

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        with self.lock:
            self.counts["single"] += 1
        return self.inner.sign_put(target)

    def sign_batch(self, targets: Any) -> list[SignedRequest]:
        with self.lock:
            self.counts["batch"] += 1
            self.counts["batched"] += len(targets)
        return self.inner.sign_batch(targets)

    def describe(self) -> dict[str, str]:
        return self.inner.describe()


def test_links_come_ahead_in_batches(tmp_path: Path, seaweed: Any, bucket: str, far_endpoint: Any) -> None:
    counts = {"single": 0, "batch": 0, "batched": 0}
    lock = threading.Lock()
    paths = _files(tmp_path / "in", 40)
    engine, _ = _engine(tmp_path, far_endpoint.sign_url, profile={"batch_signing": True},
                             wrap=lambda inner: _CountingBatch(inner, counts, lock))
    jobs = _send_all(engine, paths, prime_links=True)  # as the command line starts its engine
    assert [j.state for j in jobs] == [JobState.DONE] * 40
    assert counts["batch"] >= 1 and counts["batched"] == 40
    # Files found their link ready or waited for the call fetching it. The first ones too: their links were
    # asked for before the workers took them, where each worker used to sign its first file alone.
    assert counts["single"] == 0
    assert _stored(seaweed, bucket) == {p.name: 16 * KiB for p in paths}


@pytest.mark.parametrize("prime_links", [False, True])
def test_only_a_primed_start_makes_the_signer_in_the_callers_thread(
        tmp_path: Path, seaweed: Any, bucket: str, far_endpoint: Any, prime_links: bool) -> None:
    """A window opens on files left queued and starts its engine from its own thread: the signer, which may ask
    the keychain and wait for it to be unlocked, is then made by a worker. The command line primes, and makes
    it itself."""
    engine, _ = _engine(tmp_path, far_endpoint.sign_url, profile={"batch_signing": True})
    try:
        engine.add_paths(_files(tmp_path / "in", 3), "ep")  # queued, not sent: left for the next start
    finally:
        close_engine(engine)
    makers: list[str] = []

    def recording(inner: Signer) -> Signer:
        makers.append(threading.current_thread().name)
        return inner

    engine, _ = _engine(tmp_path, far_endpoint.sign_url, profile={"batch_signing": True}, wrap=recording)
    try:
        engine.start(prime_links=prime_links)
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 3
    assert makers and (makers[0] == threading.current_thread().name) is prime_links


class _CountingForms(FormSigner):
    """The real Companion signer, noting which thread asked for each form."""

    signs_remotely = True

    def __init__(self, inner: Signer, askers: list[str], lock: threading.Lock) -> None:
        assert isinstance(inner, FormSigner) and inner.signs_remotely
        self.inner = inner
        self.name = inner.name
        self.askers = askers
        self.lock = lock

    def sign_post(self, target: UploadTarget) -> SignedRequest:
        with self.lock:
            self.askers.append(threading.current_thread().name)
        return self.inner.sign_post(target)

    def describe(self) -> dict[str, str]:
        return self.inner.describe()


def test_companion_forms_come_ahead(tmp_path: Path, seaweed: Any, bucket: str, far_endpoint: Any) -> None:
    askers: list[str] = []
    lock = threading.Lock()
    paths = _files(tmp_path / "in", 30)
    engine, events = _engine(tmp_path, far_endpoint.url, profile={"protocol": PROTOCOL_COMPANION},
                             wrap=lambda inner: _CountingForms(inner, askers, lock))
    jobs = _send_all(engine, paths)
    assert [j.state for j in jobs] == [JobState.DONE] * 30
    assert not events.of(EventKind.RETRY)
    # Only files taken before the first forms were on their way (at most one per worker) asked for their own.
    by_workers = [name for name in askers if not name.startswith("link-lookahead")]
    assert len(by_workers) <= 4 and len(askers) - len(by_workers) >= 26
    # Companion names the objects itself (a folder of its own per file), so count by file name.
    assert sorted(key.rsplit("/", 1)[-1] for key in _stored(seaweed, bucket)) == sorted(p.name for p in paths)


def test_a_second_run_opens_storage_connections_while_its_first_links_are_fetched(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, far_endpoint: Any,
        wan_factory: Any) -> None:
    signing_link = wan_factory("127.0.0.1", far_endpoint.running.port, rtt_ms=20, tls=False)
    engine, _ = _engine(tmp_path, f"{signing_link.url}/sign")
    assert [j.state for j in _send_all(engine, _files(tmp_path / "first", 4))] == [JobState.DONE] * 4

    # The next run on the same queue: its first links are held up on the way.
    signing_link.blackhole()
    before = storage_link.stats().accepted
    second = _files(tmp_path / "second", 4)
    engine, events = _engine(tmp_path, f"{signing_link.url}/sign")
    try:
        engine.add_paths(second, "ep")
        engine.start()
        # One connection per file at once (4), opened to where the last run's files went, before any link.
        _wait_for_open_connections(engine, storage_link, before, 4)
        assert not events.of(EventKind.DONE)
        signing_link.restore()
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 8
    assert storage_link.stats().accepted - before == 4  # the uploads went over them: none opened on top
    assert _stored(seaweed, bucket) == {p.name: 16 * KiB for p in second} | {f"f{i:03d}.bin": 16 * KiB
                                                                          for i in range(4)}


def _asked_ahead(session: Any) -> bool:
    """Whether anything was asked of the network through ``session``: connecting ahead finds its pool first."""
    return bool(session.get_adapter("https://example.org/").direct_pools)


def _idle_connected(session: Any, link: WanProxy) -> int:
    pool = direct_pool(session, link.url + "/")
    assert pool is not None and pool.pool is not None
    return sum(1 for conn in list(pool.pool.queue) if conn is not None and conn.is_connected)


def _run_as_the_command_line(profile: Profile, store: JobStore, session: Any, paths: list[Path]) -> list[Job]:
    """An engine over ``store`` and ``session`` (with what was opened in it ahead), started as `upload` starts
    it, sending ``paths``; the jobs as they ended."""
    config = Config()
    config.profiles[profile.name] = profile
    engine = open_engine(config, profile=profile.name, store=store, session=session,
                         settings=EngineSettings(concurrency=4, retry=FAST_RETRY))
    try:
        return run_all(engine, list(paths), profile.name, timeout=120, prime_links=True)
    finally:
        engine.close()


def test_a_short_run_connects_to_the_service_and_the_storage_before_its_engine_exists(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, far_endpoint: Any,
        wan_factory: Any) -> None:
    """What the command line does while Python loads the engine: one connection to a batch-signing service,
    and one per file at once to where the last run's links pointed. The run then opens none of its own."""
    signing_link = wan_factory("127.0.0.1", far_endpoint.running.port, rtt_ms=20, tls=False)
    profile = endpoint_profile(f"{signing_link.url}/sign", batch_signing=True)
    engine, _ = _engine(tmp_path, profile.endpoint_url, profile={"batch_signing": True})
    assert [j.state for j in _send_all(engine, _files(tmp_path / "first", 4))] == [JobState.DONE] * 4

    signing_before, storage_before = signing_link.stats().accepted, storage_link.stats().accepted
    store = JobStore(tmp_path / "q.db")
    session = engine_session(EngineSettings().max_connections)
    try:
        warmup.connect_for_run(session, store, profile, 4)
        _wait_until(lambda: _idle_connected(session, signing_link) == 1 and _idle_connected(session, storage_link) == 4)
        jobs = _run_as_the_command_line(profile, store, session, _files(tmp_path / "second", 4))
    finally:
        store.close()
    assert [j.state for j in jobs] == [JobState.DONE] * 4
    # The signing call and the uploads went over the connections opened ahead.
    assert signing_link.stats().accepted - signing_before == 1
    assert storage_link.stats().accepted - storage_before == 4


def test_the_first_signing_call_waits_for_the_connection_opened_ahead(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, far_endpoint: Any,
        wan_factory: Any) -> None:
    """The engine is built and its first call made while the connection opened at the start is still on its
    way: the call waits for it rather than opening another (and paying those round trips again)."""
    # Over TLS: its handshake is what takes the round trips (a plain connection opens at once here).
    signing_link = wan_factory("127.0.0.1", far_endpoint.running.port, rtt_ms=300)
    profile = endpoint_profile(f"{signing_link.url}/sign", batch_signing=True)
    store = JobStore(tmp_path / "q.db")
    try:
        before = signing_link.stats().accepted
        session = engine_session(EngineSettings().max_connections)
        warmup.connect_for_run(session, store, profile, 4)
        jobs = _run_as_the_command_line(profile, store, session, _files(tmp_path / "in", 4))
    finally:
        store.close()
    assert [j.state for j in jobs] == [JobState.DONE] * 4
    assert signing_link.stats().accepted - before == 1


@pytest.mark.parametrize("url", ["http://192.0.2.10/sign", "ftp://example.org/sign", "not a url", ""])
def test_connecting_ahead_leaves_an_address_the_run_would_refuse_alone(tmp_path: Path, url: str) -> None:
    """Plain http to another computer (without the profile's consent) is never contacted, and a malformed
    address is left for the run to explain: connecting ahead neither raises nor opens anything."""
    store = JobStore(tmp_path / "q.db")
    session = engine_session(EngineSettings().max_connections)
    try:
        warmup.connect_for_run(session, store, endpoint_profile(url), 4)
        assert not _asked_ahead(session)
    finally:
        session.close()
        store.close()


def test_signing_here_a_short_run_connects_to_where_the_last_run_sent_its_files(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, memory_keyring: Any) -> None:
    """Signing here, the storage's address needs botocore to work out; the origin the last run's files went
    to is opened while the engine loads instead. A profile never used yet gets nothing ahead."""
    profile = Profile(name="loc", kind="local", bucket=bucket, region="us-east-1",
                      s3_endpoint_url=storage_link.url, addressing_style="path")  # if_exists: skip, so listed
    store_credentials(profile.name, seaweed.admin)
    store = JobStore(tmp_path / "q.db")
    session = engine_session(EngineSettings().max_connections)
    try:
        before = storage_link.stats().accepted
        warmup.connect_for_run(session, store, profile, 4)
        assert not _asked_ahead(session)
        assert storage_link.stats().accepted == before
    finally:
        session.close()
        store.close()

    engine, _ = make_engine(tmp_path / "q.db", [profile], settings=EngineSettings(concurrency=4, retry=FAST_RETRY))
    assert [j.state for j in _send_all(engine, _files(tmp_path / "first", 4), profile=profile.name)] == \
        [JobState.DONE] * 4

    second = tmp_path / "second"
    second.mkdir()
    for i in range(4):
        (second / f"next{i}.bin").write_bytes(bytes([i]) * 16 * KiB)
    before = storage_link.stats().accepted
    store = JobStore(tmp_path / "q.db")
    session = engine_session(EngineSettings().max_connections)
    try:
        warmup.connect_for_run(session, store, profile, 4)
        _wait_until(lambda: _idle_connected(session, storage_link) == 4)
        jobs = _run_as_the_command_line(profile, store, session, sorted(second.iterdir()))
    finally:
        store.close()
    assert [j.state for j in jobs] == [JobState.DONE] * 4
    # The bucket's listing and the uploads went over the connections opened ahead.
    assert storage_link.stats().accepted - before == 4
    assert set(_stored(seaweed, bucket)) == {f"f{i:03d}.bin" for i in range(4)} | {f"next{i}.bin" for i in range(4)}


def test_signing_here_opens_storage_connections_while_the_bucket_is_listed(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, memory_keyring: Any) -> None:
    profile = Profile(name="loc", kind="local", bucket=bucket, region="us-east-1",
                      s3_endpoint_url=storage_link.url, addressing_style="path")  # if_exists: skip, so listed
    store_credentials(profile.name, seaweed.admin)
    paths = _files(tmp_path / "in", 6)
    engine, _ = make_engine(tmp_path / "q.db", [profile], settings=EngineSettings(concurrency=4, retry=FAST_RETRY))
    before = storage_link.stats().accepted
    try:
        engine.add_paths(paths, profile.name)
        # Queued, not started: one connection per file at once (4) is open already; the listing went over
        # the first of them rather than opening one of its own.
        _wait_for_open_connections(engine, storage_link, before, 4)
        engine.start()
        assert engine.wait_idle(120)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 6
    assert storage_link.stats().accepted - before == 4  # the uploads went over them: none opened on top
    assert _stored(seaweed, bucket) == {p.name: 16 * KiB for p in paths}


@pytest.mark.parametrize("companion", [False, True], ids=["links", "companion-forms"])
def test_links_fetched_ahead_that_expire_are_fetched_again(tmp_path: Path, seaweed: Any, bucket: str,
                                                           reference_endpoint_factory: Any, companion: bool) -> None:
    # Links live 2 s; the engine wants 30 s left on a link, so every link fetched ahead is too old to use.
    endpoint = reference_endpoint_factory(expires=2)
    paths = _files(tmp_path / "in", 10)
    if companion:
        engine, events = _engine(tmp_path, endpoint.url, profile={"protocol": PROTOCOL_COMPANION},
                                 resign_margin=30.0)
    else:
        engine, events = _engine(tmp_path, endpoint.sign_url, resign_margin=30.0)
    jobs = _send_all(engine, paths)
    assert [j.state for j in jobs] == [JobState.DONE] * 10
    assert not events.of(EventKind.FAILED)


def test_files_at_once_rise_on_a_long_round_trip(tmp_path: Path, seaweed: Any, bucket: str,
                                                 storage_link: WanProxy, far_endpoint: Any) -> None:
    storage_link.shape(rtt_ms=120, rate_bps=None)
    paths = _files(tmp_path / "in", 120, size=4 * KiB)
    engine, events = _engine(tmp_path, far_endpoint.sign_url, concurrency=2, adaptive=True, max_concurrency=16)
    try:
        engine.add_paths(paths, "ep")
        engine.start()
        assert engine.wait_idle(180)
        jobs = engine.jobs()
    finally:
        close_engine(engine)
    assert [j.state for j in jobs] == [JobState.DONE] * 120
    chosen = [e.extra["files_at_once"] for e in events.of(EventKind.CONCURRENCY)]
    assert chosen and max(chosen) > 2
    assert max(chosen) <= 16


def test_upload_command_waits_through_an_outage_and_exits_zero(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, far_endpoint: Any,
        capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_uploader.core import factory, health

    monkeypatch.setattr(health.DestinationHealth, "__init__", _quick_health_init)
    _files(tmp_path / "in", 30)
    seen: list[Event] = []
    real = factory.open_engine

    def opened(*args: Any, **kwargs: Any) -> Engine:
        engine = real(*args, **kwargs)

        def cut_once(event: Event) -> None:
            seen.append(event)
            if event.kind is EventKind.DONE and len([e for e in seen if e.kind is EventKind.DONE]) == 5:
                storage_link.outage()
            if event.kind is EventKind.DESTINATION and event.extra["state"] == "unreachable":
                threading.Thread(target=storage_link.restore, daemon=True).start()

        engine.subscribe(cut_once)
        return engine

    monkeypatch.setattr(factory, "open_engine", opened)
    code = main(["upload", str(tmp_path / "in"), "--endpoint", far_endpoint.sign_url, "--json"])
    out = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert code == 0
    assert not [e for e in out if e["event"] == "failed"]
    assert [e["state"] for e in out if e["event"] == "destination"] == ["unreachable", "reachable"]
    assert len([e for e in out if e["event"] == "done"]) == 30


def test_upload_command_gives_up_after_wait_offline(tmp_path: Path, seaweed: Any, bucket: str,
                                                   storage_link: WanProxy, far_endpoint: Any,
                                                   capsys: pytest.CaptureFixture[str],
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from desktop_uploader.core import health

    monkeypatch.setattr(health.DestinationHealth, "__init__", _quick_health_init)
    _files(tmp_path / "in", 5)
    storage_link.outage()
    code = main(["upload", str(tmp_path / "in"), "--endpoint", far_endpoint.sign_url, "--wait-offline", "2s"])
    err = capsys.readouterr().err
    assert code == 3
    assert "WAITING" in err and "5 file(s) are still queued" in err and "same command" in err


def test_a_proxy_that_cannot_be_reached_is_named_and_the_files_wait(
        tmp_path: Path, seaweed: Any, bucket: str, far_endpoint: Any, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Connections must go through the office's proxy, and it is down: the explanation names the proxy,
    not the storage or the signing service (which the app never reached), and never its password."""
    from desktop_uploader.core import health

    monkeypatch.setattr(health.DestinationHealth, "__init__", _quick_health_init)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    for name in ("HTTPS_PROXY", "HTTP_PROXY"):
        monkeypatch.setenv(name, f"http://alice:s3cr3t-pw@127.0.0.1:{port}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    _files(tmp_path / "in", 3)
    code = main(["upload", str(tmp_path / "in"), "--endpoint", far_endpoint.sign_url, "--wait-offline", "2s",
                 "--json"])
    captured = capsys.readouterr()
    events = [json.loads(line) for line in captured.out.splitlines()]
    assert code == 3
    assert not [e for e in events if e["event"] == "failed"]
    unreachable = [e for e in events if e["event"] == "destination" and e["state"] == "unreachable"]
    assert len(unreachable) == 1
    assert unreachable[0]["code"] == "EndpointUnreachable"
    explanation = unreachable[0]["explanation"]
    assert explanation["summary"].startswith("This network's way out to the internet is not answering")
    assert f"through a proxy (127.0.0.1:{port})" in explanation["cause"]
    assert "3 file(s) are still queued" in captured.err
    assert "s3cr3t-pw" not in captured.out + captured.err


_real_health_init = DestinationHealth.__init__


def _quick_health_init(self: DestinationHealth, **kwargs: Any) -> None:
    _real_health_init(self, **{**kwargs, **QUICK_HEALTH})
