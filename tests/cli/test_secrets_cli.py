"""Secrets stay out of what the command line writes: the queue database, --json records, -v logs, exported
profiles and the process's own arguments."""

from __future__ import annotations

import io
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core.paths import queue_db_path
from tests.cli.test_explain_cmd import run as run_explain
from tests.core.explain.builders import TOKEN, v4_url

ROOT = Path(__file__).resolve().parents[2]
HEADER_VALUE = "custom-header-secret-5f2a9c"


def test_a_custom_named_secret_header_stays_out_of_the_queue_and_json(tmp_path: Path, seaweed: Any, bucket: str,
                                                                      reference_endpoint_factory: Any,
                                                                      memory_keyring: Any,
                                                                      monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    endpoint = reference_endpoint_factory(shared_token="the-token-the-endpoint-wants")
    assert main(["profile", "add", "field", "--endpoint", endpoint.sign_url, "--secret-header", "X-Upload-Token"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(HEADER_VALUE + "\n"))
    assert main(["credentials", "set", "--profile", "field", "--header", "X-Upload-Token"]) == 0
    (tmp_path / "a.txt").write_text("a")
    capsys.readouterr()

    # The endpoint refuses (it wants its own token): the failure, with the request as sent, is stored.
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "field", "--json"]) == 1

    out = capsys.readouterr().out
    failed = [json.loads(line) for line in out.splitlines() if json.loads(line)["event"] == "failed"]
    assert failed and failed[0]["http_status"] == 401
    assert HEADER_VALUE not in out
    queue = queue_db_path()
    on_disk = b"".join(Path(f"{queue}{suffix}").read_bytes() for suffix in ("", "-wal")
                       if Path(f"{queue}{suffix}").exists())
    assert b"X-Upload-Token" in on_disk  # the request is on record...
    assert HEADER_VALUE.encode() not in on_disk  # ...without its value


def test_verbose_logs_show_links_without_their_signatures(tmp_path: Path, seaweed: Any, bucket: str,
                                                          reference_endpoint: Any) -> None:
    (tmp_path / "a.txt").write_text("a")
    result = subprocess.run([sys.executable, "-m", "desktop_uploader", "-v", "upload", str(tmp_path / "a.txt"),
                             "--endpoint", reference_endpoint.sign_url], capture_output=True, text=True,
                            env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert "X-Amz-Signature=REDACTED" in result.stderr  # the request line is logged...
    assert not re.search(r"X-Amz-Signature=[0-9a-f]{64}", result.stderr)  # ...its signature is not


def test_exported_profiles_leave_query_keys_out(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    url = "https://sign.example.org/api/sign?code=Zm9vYmFyZnVuY3Rpb25rZXk&sig=c2FzLXNpZw&key=AIzaExample&v=2"
    assert main(["profile", "add", "field", "--endpoint", url]) == 0
    target = tmp_path / "profiles.json"
    assert main(["fleet", "export", str(target)]) == 0
    exported = target.read_text()
    for secret in ("Zm9vYmFyZnVuY3Rpb25rZXk", "c2FzLXNpZw", "AIzaExample"):
        assert secret not in exported
    assert json.loads(exported)["profiles"]["field"]["endpoint_url"] == "https://sign.example.org/api/sign?v=2"
    err = capsys.readouterr().err
    assert "endpoint_url?code" in err and "endpoint_url?sig" in err and "endpoint_url?key" in err


def _clock_masked(text: str) -> str:
    return re.sub(r"\d{2}:\d{2}:\d{2} UTC", "hh:mm:ss UTC", text)


def test_explain_reads_the_link_from_a_file_or_stdin(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    expired = v4_url(signed_at=time.time() - 7200, expires=900, token=TOKEN)
    link_file = tmp_path / "link.txt"
    link_file.write_text(f"\n{expired}\n")
    code, out, _ = run_explain(["--url-file", str(link_file)], capsys)
    assert code == 0 and "expired" in out.lower() and TOKEN not in out
    code, out_stdin, _ = run_explain(["--url-file", "-"], capsys, stdin=expired + "\n", monkeypatch=monkeypatch)
    # The same explanation; it tells the time now, which may have moved on by a second between the two runs.
    assert code == 0 and _clock_masked(out_stdin) == _clock_masked(out)
    code, _, err = run_explain(["-", "--url-file", "-"], capsys, stdin="", monkeypatch=monkeypatch)
    assert code == 2 and "both come from standard input" in err


def test_explain_help_says_how_to_keep_a_link_out_of_the_arguments(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["explain", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--url-file" in text and "other users of this computer can see its arguments" in text
