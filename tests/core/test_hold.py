"""Holding the queue back for a reason the engine cannot see (Engine.hold), against the real SeaweedFS."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from desktop_uploader.core.engine import EngineSettings
from desktop_uploader.core.models import EventKind, JobState
from tests.core.helpers import FAST_RETRY, close_engine, local_profile, make_engine, states, store_credentials

KiB = 1024
MiB = 1024 * KiB


def test_a_held_engine_takes_no_file_until_released(tmp_path: Path, seaweed: Any, bucket: str,
                                                    memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    paths = []
    for i in range(3):
        paths.append(tmp_path / f"f{i}.bin")
        paths[-1].write_bytes(bytes([i]) * 16 * KiB)
    engine, events = make_engine(tmp_path / "q.db", [profile])
    try:
        engine.hold("metered")
        assert engine.held == "metered"
        engine.add_paths(paths, profile.name)
        engine.start()
        assert not engine.wait_idle(0.5)  # the files wait, queued
        assert not events.of(EventKind.STARTED)
        assert set(states(engine.jobs()).values()) == {JobState.QUEUED}
        engine.release()
        assert engine.held is None
        assert engine.wait_idle(30)
        assert set(states(engine.jobs()).values()) == {JobState.DONE}
    finally:
        close_engine(engine)


def test_holding_sends_the_file_in_flight_back_to_the_queue_and_leaves_pauses_alone(
        tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.admin)
    big = tmp_path / "big.bin"
    big.write_bytes(b"b" * 24 * MiB)
    kept = tmp_path / "kept.bin"
    kept.write_bytes(b"k" * KiB)
    engine, events = make_engine(tmp_path / "q.db", [profile],
                                 settings=EngineSettings(concurrency=1, retry=FAST_RETRY, rate_limit=4 * MiB))
    try:
        added = engine.add_paths([kept], profile.name, paused=True)  # the user's own pause
        engine.add_paths([big], profile.name)
        engine.start()
        assert events.wait_for(lambda seen: any(e.kind is EventKind.PROGRESS and e.path == str(big) for e in seen))
        before = len(events.events)
        engine.hold("metered")
        assert events.wait_for(lambda seen: any(e.kind is EventKind.QUEUED and e.path == str(big)
                                                for e in seen[before:]))
        assert states(engine.jobs()) == {"big.bin": JobState.QUEUED, "kept.bin": JobState.PAUSED}
        engine.set_rate_limit(None)
        engine.release()
        assert engine.wait_idle(60)
        assert states(engine.jobs()) == {"big.bin": JobState.DONE, "kept.bin": JobState.PAUSED}
        assert [j.id for j in added.jobs] == [j.id for j in engine.jobs([JobState.PAUSED])]
    finally:
        close_engine(engine)
    assert seaweed.client().head_object(Bucket=bucket, Key="big.bin")["ContentLength"] == 24 * MiB
