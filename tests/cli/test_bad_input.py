"""Hostile or accidental input on the command line: empty paths, names that are not text, names that try to
drive the terminal, damaged settings. Each gets a plain answer and the right exit status, never a traceback."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core.config import config_path
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.store import JobStore
from tests.plugins.disk import SmallDisk, fill, make_read_only


def _keys(seaweed: Any, bucket: str) -> list[str]:
    return [o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", [])]


def test_an_empty_path_is_a_usage_error_not_the_current_folder(tmp_path: Path, seaweed: Any, bucket: str,
                                                                reference_endpoint: Any,
                                                                monkeypatch: pytest.MonkeyPatch,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "private.txt").write_text("not for upload")
    monkeypatch.chdir(tmp_path)
    assert main(["upload", "", "--endpoint", reference_endpoint.sign_url]) == 2
    assert "empty path" in capsys.readouterr().err
    assert _keys(seaweed, bucket) == []


@pytest.mark.skipif(os.name == "nt", reason="Windows file names are UTF-16; no invalid bytes to make")
def test_a_name_that_is_not_text_is_skipped_and_the_rest_uploaded(tmp_path: Path, seaweed: Any, bucket: str,
                                                                   reference_endpoint: Any,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "card"
    folder.mkdir()
    (folder / "good.txt").write_text("fine")
    with open(os.path.join(os.fsencode(folder), b"bad-\xff.txt"), "wb") as fh:
        fh.write(b"latin-1 name")

    assert main(["upload", str(folder), "--endpoint", reference_endpoint.sign_url, "--json"]) == 1

    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    failed = [e for e in events if e["event"] == "failed"]
    assert len(failed) == 1 and failed[0]["path"].endswith("bad-\\xff.txt")
    assert "not valid text" in failed[0]["explanation"]["summary"]
    assert [e["key"] for e in events if e["event"] == "done"] == ["card/good.txt"]
    assert _keys(seaweed, bucket) == ["card/good.txt"]


def test_terminal_control_characters_in_names_are_escaped(tmp_path: Path, seaweed: Any, bucket: str,
                                                          reference_endpoint: Any,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    hostile = tmp_path / "a\x1b[2J\x1b]0;owned\x07\u202etxt.exe"
    hostile.write_text("x")
    (tmp_path / "missing\x1b[31m.txt").touch()
    (tmp_path / "missing\x1b[31m.txt").unlink()

    code = main(["upload", str(hostile), str(tmp_path / "missing\x1b[31m.txt"),
                 "--endpoint", reference_endpoint.sign_url])

    assert code == 1
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\x07" not in err and "\u202e" not in err
    assert "a\\x1b[2J\\x1b]0;owned\\x07\\u202etxt.exe" in err  # shown, escaped
    assert "missing\\x1b[31m.txt" in err
    assert len(_keys(seaweed, bucket)) == 1


def test_wrong_typed_settings_are_one_plain_message(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = config_path()
    path.write_text(json.dumps({"profiles": {"field": {"endpoint_url": "https://x/sign", "concurrency": "6"}}}))
    (tmp_path / "a.txt").write_text("a")
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field"]) == 2
    err = capsys.readouterr().err
    assert "concurrency: must be a whole number" in err and "Traceback" not in err


def test_a_damaged_queue_is_named_kept_and_replaced_on_request(tmp_path: Path, seaweed: Any, bucket: str,
                                                               reference_endpoint: Any,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    queue = queue_db_path()
    queue.write_bytes(b"this is not a database, it was cut off while being copied" * 100)
    (tmp_path / "a.txt").write_text("a")
    upload = ["upload", str(tmp_path / "a.txt"), "--endpoint", reference_endpoint.sign_url]

    assert main(upload) == 2
    err = capsys.readouterr().err
    assert f"The queue database {queue} is damaged" in err and "desktop-uploader queue reset" in err
    assert "Traceback" not in err

    assert main(["queue", "reset"]) == 0
    kept = [p for p in queue.parent.iterdir() if p.name.startswith("queue.sqlite3.damaged-")]
    assert len(kept) == 1 and kept[0].read_bytes().startswith(b"this is not a database")
    assert str(kept[0]) in capsys.readouterr().out
    assert main(upload) == 0
    assert _keys(seaweed, bucket) == ["a.txt"]


def test_a_read_only_queue_folder_is_one_plain_message(tmp_path: Path, small_disk: SmallDisk,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    folder = small_disk(queue_db_path().parent)
    JobStore(folder / "queue.sqlite3").close()
    make_read_only(folder)
    (tmp_path / "a.txt").write_text("a")
    assert main(["upload", str(tmp_path / "a.txt"), "--endpoint", "http://127.0.0.1:9/sign"]) == 2
    err = capsys.readouterr().err
    assert "cannot be written" in err and str(folder) in err and "Traceback" not in err


def test_a_full_disk_at_start_is_one_plain_message(tmp_path: Path, small_disk: SmallDisk,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    fill(small_disk(queue_db_path().parent))
    (tmp_path / "a.txt").write_text("a")
    assert main(["upload", str(tmp_path / "a.txt"), "--endpoint", "http://127.0.0.1:9/sign"]) == 2
    err = capsys.readouterr().err
    assert "is full" in err and "Traceback" not in err
