"""How a taken job is settled (core/job_run.py), through the engine against the real reference endpoint."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_uploader.core.config import Config
from desktop_uploader.core.engine import Engine, EngineSettings
from desktop_uploader.core.factory import signer_factory
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.models import EventKind, JobState, SignedRequest
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.store import JobStore
from tests.core.helpers import FAST_RETRY, Recorder, endpoint_profile


def test_a_failing_explainer_still_settles_every_file(tmp_path: Path, reference_endpoint: Any,
                                                      caplog: pytest.LogCaptureFixture) -> None:
    """Explaining is an extra: when it breaks, the failed file is FAILED all the same, with its code, and
    the files after it upload."""
    config = Config()
    config.profiles["ep"] = endpoint_profile(reference_endpoint.sign_url)
    inner = signer_factory(config, SecretStore())

    def factory(name: str, session: requests.Session) -> Signer:
        return inner(name, session)

    def broken_explainer(failure: Failure, link: SignedRequest | None) -> dict[str, Any] | None:
        raise RuntimeError("catalog missing")

    (tmp_path / "lost.txt").write_text("no profile")
    (tmp_path / "fine.txt").write_text("uploads")
    engine = Engine(JobStore(tmp_path / "q.db"), factory, settings=EngineSettings(concurrency=1, retry=FAST_RETRY),
                    explainer=broken_explainer, owns_store=True)
    events = Recorder()
    engine.subscribe(events)
    try:
        with caplog.at_level(logging.ERROR, logger="desktop_uploader.core.job_run"):
            lost = engine.add_paths([tmp_path / "lost.txt"], "no-such-profile").jobs[0]
            fine = engine.add_paths([tmp_path / "fine.txt"], "ep").jobs[0]
            engine.start()
            assert engine.wait_idle(30)
        settled = {job.id: job for job in engine.jobs_by_id([lost.id, fine.id])}
    finally:
        engine.close()
    assert settled[fine.id].state is JobState.DONE
    assert settled[lost.id].state is JobState.FAILED
    error = settled[lost.id].error
    assert error is not None and error["code"] == "ProfileNotFound" and error.get("explanation") is None
    [failed] = events.of(EventKind.FAILED)
    assert failed.job_id == lost.id
    assert "explaining a failure failed" in caplog.text
