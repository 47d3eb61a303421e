"""Runs that meet on one queue: two uploads at once, and running the same command again after a kill.

A file is sent by the process that claimed it; another run leaves it alone while that process lives and
takes it over once it is gone. Continuing a batch sends only what it had not finished."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path
from typing import IO, Any

from desktop_uploader.core.models import JobState, NewJob
from desktop_uploader.core.store import JobStore

ROOT = Path(__file__).resolve().parents[2]


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.Popen([sys.executable, "-m", "desktop_uploader", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env)


def _read_until(stream: IO[str], event: str, count: int) -> list[dict[str, Any]]:
    """JSON events from a running upload until ``count`` of kind ``event`` have come (the read blocks, so no
    timing is assumed; the test's timeout guards a run that never gets there)."""
    seen: list[dict[str, Any]] = []
    while sum(1 for e in seen if e["event"] == event) < count:
        line = stream.readline()
        assert line, "the upload ended early"
        seen.append(json.loads(line))
    return seen


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "desktop_uploader", *args], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)


def _killed_after_two_files(command: list[str]) -> list[dict[str, Any]]:
    """The events of a run of ``command`` killed (SIGKILL) as soon as it has said two files are done."""
    killed = _start(*command)
    try:
        assert killed.stdout is not None
        return _read_until(killed.stdout, "done", 2)
    finally:
        killed.send_signal(signal.SIGKILL)
        killed.communicate(timeout=60)


def _events(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _folder(tmp_path: Path, count: int, size: int) -> Path:
    folder = tmp_path / "batch"
    folder.mkdir()
    for i in range(count):
        (folder / f"f{i}.bin").write_bytes(os.urandom(size))
    return folder


def test_two_runs_at_once_never_send_a_file_twice(tmp_path: Path, seaweed: Any, bucket: str,
                                                  reference_endpoint: Any) -> None:
    folder = _folder(tmp_path, 8, 96 * 1024)
    command = ["upload", str(folder), "--endpoint", reference_endpoint.sign_url, "--json",
               "--limit-rate", "256K", "--concurrency", "2"]
    first = _start(*command)
    second: subprocess.Popen[str] | None = None
    try:
        assert first.stdout is not None
        early = _read_until(first.stdout, "started", 2)  # the first run is sending now
        second = _start(*command)
        rest_first, err_first = first.communicate(timeout=120)
        out_second, err_second = second.communicate(timeout=120)
    finally:
        for run in (first, second):
            if run is not None and run.poll() is None:
                run.kill()
                run.communicate()

    assert first.returncode == 0, err_first
    assert second.returncode == 0, err_second
    events = [*early, *_events(rest_first), *_events(out_second)]
    # The second run says which files the first had finished before it started; it sends none of them.
    done = [e["key"] for e in events if e["event"] == "done" and not e.get("already_uploaded")]
    # Before: the second run put the first run's files back in the queue at its start and sent them too.
    assert Counter(done) == Counter(f"batch/f{i}.bin" for i in range(8))
    objects = seaweed.client().list_objects_v2(Bucket=bucket)["Contents"]
    assert len(objects) == 8


def test_the_same_command_after_a_kill_sends_only_the_unfinished_files(tmp_path: Path, seaweed: Any, bucket: str,
                                                                       reference_endpoint: Any) -> None:
    folder = _folder(tmp_path, 6, 64 * 1024)
    command = ["upload", str(folder), "--endpoint", reference_endpoint.sign_url, "--json",
               "--limit-rate", "128K", "--concurrency", "1"]
    before = _killed_after_two_files(command)
    finished_before = {e["key"] for e in before if e["event"] == "done"}

    again = _run(*command)

    assert again.returncode == 0, again.stderr
    done = [e for e in _events(again.stdout) if e["event"] == "done"]
    skipped = {e["key"] for e in done if e.get("already_uploaded")}
    sent = [e["key"] for e in done if not e.get("already_uploaded")]
    assert skipped >= finished_before  # before: sent again
    assert skipped.isdisjoint(sent) and len(sent) == len(set(sent))
    assert skipped | set(sent) == {f"batch/f{i}.bin" for i in range(6)}


def test_after_a_kill_a_companion_batch_sends_only_the_unfinished_files(tmp_path: Path, seaweed: Any, bucket: str,
                                                                        reference_endpoint: Any) -> None:
    """A Companion service stores each file under a name of its own choosing; continuing the batch must still
    know the files it finished by the names the batch asked for."""
    added = _run("profile", "add", "comp", "--endpoint", reference_endpoint.url, "--protocol", "companion")
    assert added.returncode == 0, added.stderr
    folder = _folder(tmp_path, 6, 64 * 1024)
    command = ["upload", str(folder), "--profile", "comp", "--json", "--limit-rate", "128K", "--concurrency", "1"]
    before = _killed_after_two_files(command)
    finished_before = {e["key"].rsplit("/", 1)[-1] for e in before if e["event"] == "done"}

    again = _run(*command)

    assert again.returncode == 0, again.stderr
    stored = Counter(obj["Key"].rsplit("/", 1)[-1]
                     for obj in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", []))
    assert set(stored) == {f"f{i}.bin" for i in range(6)}
    # Before: every file finished before the kill was queued again as new, and stored a second time.
    assert all(stored[name] == 1 for name in finished_before), stored
    skipped = {e["key"].rsplit("/", 1)[-1] for e in _events(again.stdout)
               if e["event"] == "done" and e.get("already_uploaded")}
    assert skipped >= finished_before


def test_a_job_held_by_a_live_process_is_left_to_it_until_it_ends(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    store = JobStore(path)
    job = store.add_jobs([NewJob(path="/data/a", size=1, mtime_ns=0, key="a", content_type="text/plain",
                                 profile="p")])[0]
    holder = subprocess.Popen([sys.executable, "-c", textwrap.dedent(f"""
        import sys
        from desktop_uploader.core.store import JobStore
        store = JobStore({str(path)!r})
        print(store.claim_next().id, flush=True)
        sys.stdin.read()  # hold it until told to end
        """)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert holder.stdout is not None and holder.stdin is not None
    try:
        assert int(holder.stdout.readline()) == job.id
        assert store.recover_interrupted() == []  # before: taken from the live process
        assert store.get(job.id).state is JobState.SIGNING  # type: ignore[union-attr]
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
        holder.stdout.close()
    assert store.recover_interrupted() == [job.id]
    store.close()
