"""Helpers for engine tests: build engines over real signers, collect events, wait for states."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import requests

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.factory import explain_failure, signer_factory
from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.store import JobStore

FAST_RETRY = RetryPolicy(max_attempts=3, base_delay=0.01, max_delay=0.05, slowdown_base=0.01)


class Recorder:
    """Collects engine events from worker threads."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self._lock = threading.Condition()

    def __call__(self, event: Event) -> None:
        with self._lock:
            self.events.append(event)
            self._lock.notify_all()

    def of(self, kind: EventKind, job_id: int | None = None) -> list[Event]:
        with self._lock:
            return [e for e in self.events if e.kind is kind and (job_id is None or e.job_id == job_id)]

    def wait_for(self, predicate: Callable[[list[Event]], bool], timeout: float = 30.0) -> bool:
        """Block until *predicate* holds for the events so far; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: predicate(self.events), timeout)


def make_engine(store_path: Path, profiles: Iterable[Profile], *, settings: EngineSettings | None = None,
                wrap: Callable[[Signer], Signer] | None = None) -> tuple[Engine, Recorder]:
    config = Config()
    for profile in profiles:
        config.profiles[profile.name] = profile
    inner = signer_factory(config, SecretStore())

    def factory(name: str, session: requests.Session) -> Signer:
        signer = inner(name, session)
        return wrap(signer) if wrap else signer

    engine = Engine(JobStore(store_path), factory,
                    settings=settings or EngineSettings(concurrency=3, retry=FAST_RETRY),
                    explainer=explain_failure, profiles=list(config.profiles))
    recorder = Recorder()
    engine.subscribe(recorder)
    return engine, recorder


def close_engine(engine: Engine) -> None:
    """Stop an engine made by make_engine and close the queue database it was given, as the app does."""
    engine.close()
    engine.store.close()


def run_all(engine: Engine, paths: list[Any], profile: str, timeout: float = 60.0, *, prime_links: bool = False,
            **kw: Any) -> list[Job]:
    result = engine.add_paths(paths, profile, **kw)
    engine.start(prime_links=prime_links)
    assert engine.wait_idle(timeout), "uploads did not finish in time"
    ids = [j.id for j in result.jobs] + [j.id for j in result.resumed]
    jobs = [engine.job(i) for i in ids]
    return [j for j in jobs if j is not None]


def waits_for_destination(events: Recorder) -> int:
    """Files put back in the queue to wait for their destination (each failed probe puts one back)."""
    return sum(1 for e in events.of(EventKind.QUEUED) if e.extra.get("reason") == "destination")


def endpoint_profile(url: str, name: str = "ep", **kw: Any) -> Profile:
    return Profile(name=name, kind="endpoint", endpoint_url=url, **kw)


def local_profile(seaweed: Any, bucket: str, name: str = "loc", **kw: Any) -> Profile:
    return Profile(name=name, kind="local", bucket=bucket, region="us-east-1",
                   s3_endpoint_url=seaweed.endpoint_url, addressing_style="path", **kw)


def store_credentials(profile: str, identity: Any) -> None:
    secrets = SecretStore()
    secrets.set(profile, "access_key_id", identity.access_key)
    secrets.set(profile, "secret_access_key", identity.secret_key)


def states(jobs: list[Job]) -> dict[str, JobState]:
    return {Path(j.path).name: j.state for j in jobs}


__all__ = ["FAST_RETRY", "Config", "Recorder", "close_engine", "endpoint_profile", "local_profile", "make_engine",
           "run_all", "states", "store_credentials", "waits_for_destination"]


def lock_field_profile(tmp_path: Path, sign_url: str, *, own_prefix: str, locked_prefix: str) -> Path:
    """Save the user's profile 'field' (pointing nowhere) and write an admin's locked configuration that
    gives it a working endpoint and another prefix; return the locked file's path."""
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="http://127.0.0.1:9/sign", prefix=own_prefix))
    config.save()
    locked = tmp_path / "locked.json"
    locked.write_text(json.dumps({"version": 1, "profiles": {
        "field": {"endpoint_url": sign_url, "prefix": locked_prefix}}}))
    return locked
