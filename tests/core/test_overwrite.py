"""No file replaces another by accident: each destination's rule for names already taken, against SeaweedFS.

Local signing lists the folder when files are queued and signs ``If-None-Match: *`` into every link, so the
storage itself refuses a replacement that races in later; a signing service whose links sign that header is
handled at send time alone.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from desktop_uploader.core.engine import KeyOptions
from desktop_uploader.core.models import EventKind, JobState
from tests.core.helpers import close_engine, endpoint_profile, local_profile, make_engine, run_all, store_credentials
from tests.core.s3_proxy import S3Proxy

IN = KeyOptions(prefix="in")  # what the window and the command line pass from a destination's folder


def _body(seaweed: Any, bucket: str, key: str) -> bytes:
    data: bytes = seaweed.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return data


def _keys(seaweed: Any, bucket: str) -> set[str]:
    return {o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", [])}


@pytest.fixture
def local(seaweed: Any, bucket: str, memory_keyring: Any) -> Any:
    def make(if_exists: str) -> Any:
        profile = local_profile(seaweed, bucket, if_exists=if_exists)
        store_credentials(profile.name, seaweed.admin)
        return profile
    return make


def test_skip_leaves_out_the_same_file_and_reports_a_different_one(seaweed: Any, bucket: str, local: Any,
                                                                   tmp_path: Path) -> None:
    profile = local("skip")
    (tmp_path / "notes.txt").write_bytes(b"first version\n")
    engine, _ = make_engine(tmp_path / "q.db", [profile])
    try:
        [job] = run_all(engine, [tmp_path / "notes.txt"], profile.name, keys=IN)
        assert job.state is JobState.DONE and job.key == "in/notes.txt"

        again = engine.add_paths([tmp_path / "notes.txt"], profile.name, keys=IN)  # the same file once more
        assert again.jobs == [] and again.already_there == [(str(tmp_path / "notes.txt"), "in/notes.txt")]

        (tmp_path / "notes.txt").write_bytes(b"an edited version\n")
        edited = engine.add_paths([tmp_path / "notes.txt"], profile.name, keys=IN)
        assert edited.jobs == [] and len(edited.problems) == 1
        assert "A different file is already stored as 'in/notes.txt'" in edited.problems[0].reason
    finally:
        close_engine(engine)
    assert _body(seaweed, bucket, "in/notes.txt") == b"first version\n"


def test_rename_keeps_both(seaweed: Any, bucket: str, local: Any, tmp_path: Path) -> None:
    profile = local("rename")
    engine, _ = make_engine(tmp_path / "q.db", [profile])
    try:
        for version in (b"one", b"two", b"three"):
            (tmp_path / "photo.jpg").write_bytes(version)
            [job] = run_all(engine, [tmp_path / "photo.jpg"], profile.name, keys=IN)
            assert job.state is JobState.DONE
    finally:
        close_engine(engine)
    assert _keys(seaweed, bucket) == {"in/photo.jpg", "in/photo (2).jpg", "in/photo (3).jpg"}
    assert _body(seaweed, bucket, "in/photo (3).jpg") == b"three"


def test_overwrite_replaces(seaweed: Any, bucket: str, local: Any, tmp_path: Path) -> None:
    profile = local("overwrite")
    engine, _ = make_engine(tmp_path / "q.db", [profile])
    try:
        for version in (b"old", b"new"):
            (tmp_path / "a.txt").write_bytes(version)
            run_all(engine, [tmp_path / "a.txt"], profile.name, keys=IN)
    finally:
        close_engine(engine)
    assert _keys(seaweed, bucket) == {"in/a.txt"} and _body(seaweed, bucket, "in/a.txt") == b"new"


@pytest.mark.parametrize(("if_exists", "racing", "outcome"), [
    ("skip", b"same bytes", "already there"),
    ("skip", b"other bytes", "refused"),
    ("rename", b"other bytes", "numbered"),
    ("rename", b"same bytes", "already there"),  # kept both, they would be the same file twice
])
def test_a_file_stored_after_queueing_is_not_replaced(seaweed: Any, bucket: str, local: Any, tmp_path: Path,
                                                      if_exists: str, racing: bytes, outcome: str) -> None:
    profile = local(if_exists)
    (tmp_path / "r.bin").write_bytes(b"same bytes")
    engine, recorder = make_engine(tmp_path / "q.db", [profile])
    try:
        result = engine.add_paths([tmp_path / "r.bin"], profile.name, keys=IN)
        seaweed.client().put_object(Bucket=bucket, Key="in/r.bin", Body=racing)  # someone else, meanwhile
        engine.start()
        assert engine.wait_idle(60)
        job = engine.job(result.jobs[0].id)
    finally:
        close_engine(engine)
    assert job is not None
    if outcome == "already there":
        assert job.state is JobState.DONE
        assert recorder.of(EventKind.DONE)[0].extra["already_there"] is True
    elif outcome == "refused":
        assert job.state is JobState.FAILED and job.error is not None
        assert job.error["explanation"]["code"] == "PreconditionFailed.if_none_match"
        assert "was not replaced" in job.error["explanation"]["summary"]
    else:
        assert job.state is JobState.DONE and job.key == "in/r (2).bin"
        assert _body(seaweed, bucket, "in/r (2).bin") == b"same bytes"
    assert _body(seaweed, bucket, "in/r.bin") == racing


@pytest.mark.parametrize("if_exists", ["rename", "skip"])
def test_a_file_whose_answer_was_lost_is_not_stored_twice(seaweed: Any, bucket: str, memory_keyring: Any,
                                                          tmp_path: Path, if_exists: str) -> None:
    """The body arrived, the connection broke before the answer: the retry's link refuses to replace what
    is there now (412). That is this file's own upload, not another file's; "keep both" must not number it."""
    proxy = S3Proxy(seaweed.endpoint_url)
    try:
        profile = replace(local_profile(seaweed, bucket, if_exists=if_exists), s3_endpoint_url=proxy.url)
        store_credentials(profile.name, seaweed.admin)
        (tmp_path / "survey.csv").write_bytes(b"site,depth\n4,12\n")
        engine, recorder = make_engine(tmp_path / "q.db", [profile])
        try:
            [queued] = engine.add_paths([tmp_path / "survey.csv"], profile.name, keys=IN).jobs
            proxy.lose_answers = 1  # the upload's, not the listing's when the file was queued
            engine.start()
            assert engine.wait_idle(60)
            job = engine.job(queued.id)
        finally:
            close_engine(engine)
    finally:
        proxy.stop()
    assert proxy.answers_lost == 1
    assert job is not None and job.state is JobState.DONE and job.key == "in/survey.csv"
    assert _keys(seaweed, bucket) == {"in/survey.csv"}
    assert not recorder.of(EventKind.FAILED)


@contextmanager
def conditional_endpoint(seaweed: Any, bucket: str) -> Iterator[str]:
    """A signing service that refuses replacements by signing If-None-Match into its links and, like the
    classic Lambda, answers with the link alone."""
    client = seaweed.client()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:
            query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
            url = client.generate_presigned_url("put_object", ExpiresIn=300, Params={
                "Bucket": bucket, "Key": query["filekey"], "ContentType": query["contentType"],
                "IfNoneMatch": "*"})
            body = json.dumps({"signed_url": url}).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/sign"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("if_exists", ["skip", "rename"])
def test_a_signing_service_that_signs_if_none_match(seaweed: Any, bucket: str, tmp_path: Path,
                                                    if_exists: str) -> None:
    with conditional_endpoint(seaweed, bucket) as sign_url:
        profile = endpoint_profile(sign_url, if_exists=if_exists)
        engine, _ = make_engine(tmp_path / "q.db", [profile])
        try:
            for version in (b"first", b"second"):
                (tmp_path / "doc.txt").write_bytes(version)
                [job] = run_all(engine, [tmp_path / "doc.txt"], profile.name)
                assert job.state is JobState.DONE, job.error
        finally:
            close_engine(engine)
    expected = {"doc.txt"} if if_exists == "skip" else {"doc.txt", "doc (2).txt"}
    assert _keys(seaweed, bucket) == expected
    assert _body(seaweed, bucket, "doc.txt") == b"first"


def test_a_dry_run_plans_without_queueing(seaweed: Any, bucket: str, local: Any, tmp_path: Path) -> None:
    profile = local("rename")
    seaweed.client().put_object(Bucket=bucket, Key="in/a.txt", Body=b"there")
    (tmp_path / "a.txt").write_bytes(b"here")
    engine, _ = make_engine(tmp_path / "q.db", [profile])
    try:
        plan = engine.plan_paths([tmp_path / "a.txt"], profile.name, keys=IN)
        assert [j.key for j in plan.new_jobs] == ["in/a (2).txt"]
        assert engine.jobs() == []
    finally:
        close_engine(engine)


def test_through_a_signing_service_a_file_uploaded_before_is_skipped(seaweed: Any, bucket: str, tmp_path: Path,
                                                                     reference_endpoint: Any) -> None:
    """A signing service cannot list its bucket: under "skip", this computer's record of what the profile
    uploaded stands in for the listing. The day's folder dropped again sends its new and edited files only;
    through Companion, which names every object itself, nothing gets a second copy; "overwrite" sends all."""
    simple = endpoint_profile(reference_endpoint.sign_url, name="ep")
    companion = endpoint_profile(reference_endpoint.url, name="comp", protocol="companion")
    replacing = endpoint_profile(reference_endpoint.sign_url, name="ep-overwrite", if_exists="overwrite")
    day = tmp_path / "day"
    day.mkdir()
    for name in ("a.csv", "b.csv"):
        (day / name).write_bytes(name.encode())
    engine, _ = make_engine(tmp_path / "q.db", [simple, companion, replacing])
    try:
        for profile in (simple, companion, replacing):
            assert {j.state for j in run_all(engine, [day], profile.name, keys=IN)} == {JobState.DONE}
        stored = _keys(seaweed, bucket)
        (day / "c.csv").write_bytes(b"the next day's file")
        (day / "b.csv").write_bytes(b"b, edited")

        for profile in (simple, companion):
            added = engine.add_paths([day], profile.name, keys=IN)
            assert sorted(Path(j.path).name for j in added.jobs) == ["b.csv", "c.csv"]
            # Reported as sent before, under the key it was stored under (Companion's own for Companion).
            assert added.already_there == []
            [(path, key)] = added.sent_before
            assert path == str(day / "a.csv") and key.endswith("a.csv")
            assert (key == "in/day/a.csv") is (profile is simple)
            engine.start()
            assert engine.wait_idle(60)
        every = run_all(engine, [day], replacing.name, keys=IN)
        assert sorted(Path(j.path).name for j in every) == ["a.csv", "b.csv", "c.csv"]
    finally:
        close_engine(engine)
    new = _keys(seaweed, bucket) - stored
    # Companion's a.csv was not stored a second time: its new objects are the edited b.csv and c.csv.
    assert sorted(k.rsplit("/", 1)[-1] for k in new if not k.startswith("in/")) == ["b.csv", "c.csv"]
    assert {"in/day/c.csv"} <= new
