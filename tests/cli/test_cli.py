"""The CLI as scripts use it: JSON events, exit codes, profiles and credentials."""

from __future__ import annotations

import argparse
import io
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import COMMANDS, build_parser, main
from desktop_uploader.core.config import Config
from desktop_uploader.core.secrets import SecretStore
from tests.core.helpers import lock_field_profile

ROOT = Path(__file__).resolve().parents[2]


def _run_cli(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "desktop_uploader", *args], capture_output=True, text=True,
                          input=stdin, env=env, timeout=120, check=False)


def test_upload_json_events_and_exit_zero(tmp_path: Path, seaweed: Any, bucket: str,
                                          reference_endpoint: Any) -> None:
    (tmp_path / "a b.txt").write_text("hello")
    (tmp_path / "big.bin").write_bytes(os.urandom(2 * 1024 * 1024))
    result = _run_cli("upload", str(tmp_path / "a b.txt"), str(tmp_path / "big.bin"),
                      "--endpoint", reference_endpoint.sign_url, "--prefix", "in/", "--json")
    assert result.returncode == 0, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    assert {e["event"] for e in events} >= {"queued", "started", "progress", "done"}
    assert all("path" in e and "event" in e for e in events)
    # As the README says: a file sent in one piece has no progress line; its done line carries the bytes.
    assert {e["key"] for e in events if e["event"] == "progress"} == {"in/big.bin"}
    done = {e["key"]: e for e in events if e["event"] == "done"}
    assert set(done) == {"in/a b.txt", "in/big.bin"}
    assert done["in/a b.txt"]["bytes"] == 5 and done["in/a b.txt"]["etag"]
    body = seaweed.client().get_object(Bucket=bucket, Key="in/a b.txt")["Body"].read()
    assert body == b"hello"


def test_upload_failure_exits_one_with_explained_event(tmp_path: Path, seaweed: Any,
                                                       reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(allowed_content_types=("image/*",))
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "missing-dir").mkdir()
    result = _run_cli("upload", str(tmp_path / "notes.txt"), str(tmp_path / "nope.txt"),
                      "--endpoint", endpoint.sign_url, "--json")
    assert result.returncode == 1, result.stderr
    events = [json.loads(line) for line in result.stdout.splitlines()]
    failed = {Path(e["path"]).name: e for e in events if e["event"] == "failed"}
    assert set(failed) == {"notes.txt", "nope.txt"}
    assert failed["notes.txt"]["http_status"] == 403
    assert failed["notes.txt"]["code"] == "EndpointError"
    for event in failed.values():
        assert set(event["explanation"]) >= {"summary", "cause", "action"}


def test_usage_and_configuration_errors_exit_two(tmp_path: Path) -> None:
    assert _run_cli("upload").returncode == 2
    result = _run_cli("upload", str(tmp_path), "--profile", "nope")
    assert result.returncode == 2 and "no profile named 'nope'" in result.stderr
    result = _run_cli("upload", str(tmp_path), "--endpoint", "http://signer.example.com/sign")
    assert result.returncode == 2 and "endpoint_url" in result.stderr


def test_profile_lifecycle_and_secret_from_stdin(memory_keyring: Any, monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "office", "--endpoint", "https://sign.example.com/prod/sign",
                 "--secret-header", "x-api-key", "--signed-header", "x-amz-acl=public-read"]) == 0
    assert main(["profile", "add", "lab", "--bucket", "field-data", "--region", "eu-west-1"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("AKIAEXAMPLE\nsuper-secret-value\n"))
    assert main(["credentials", "set", "--profile", "lab"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO("api-key-value\n"))
    assert main(["credentials", "set", "--profile", "office", "--header", "x-api-key"]) == 0
    capsys.readouterr()
    assert main(["profile", "list", "--json"]) == 0
    listed = json.loads(capsys.readouterr().out)
    assert listed["default"] == "office" and set(listed["profiles"]) == {"office", "lab"}
    assert listed["profiles"]["office"]["signed_header_values"] == {"x-amz-acl": "public-read"}
    config_text = Config.load().path.read_text()  # type: ignore[union-attr]
    assert "super-secret-value" not in config_text and "api-key-value" not in config_text
    store = SecretStore()
    assert store.get("lab", "secret_access_key") == "super-secret-value"
    assert store.get("office", "header:x-api-key") == "api-key-value"
    assert main(["profile", "remove", "lab"]) == 0
    assert store.get("lab", "secret_access_key") is None
    assert main(["profile", "show", "lab"]) == 2


def test_a_new_profile_does_not_pick_up_keys_left_under_its_name(memory_keyring: Any) -> None:
    memory_keyring.passwords[("desktop-uploader", "lab:access_key_id")] = "AKIDLEFTOVER"
    memory_keyring.passwords[("desktop-uploader", "lab:secret_access_key")] = "leftover"
    assert main(["profile", "add", "lab", "--bucket", "field-data"]) == 0
    assert SecretStore().get("lab", "secret_access_key") is None
    # Changing a profile that exists keeps its keys.
    SecretStore().set("lab", "secret_access_key", "current")
    assert main(["profile", "add", "lab", "--bucket", "field-data-2"]) == 0
    assert SecretStore().get("lab", "secret_access_key") == "current"


def test_credentials_refused_without_a_keychain(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "lab", "--bucket", "b"]) == 0
    assert main(["credentials", "set", "--profile", "lab"]) == 2
    assert "No system keychain" in capsys.readouterr().err


def test_local_profile_upload_in_process(tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    assert main(["profile", "add", "lab", "--bucket", bucket, "--s3-endpoint-url", seaweed.endpoint_url,
                 "--addressing-style", "path", "--meta", "device=kiosk-1"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{seaweed.admin.access_key}\n{seaweed.admin.secret_key}\n"))
    assert main(["credentials", "set", "--profile", "lab"]) == 0
    (tmp_path / "f.csv").write_text("a,b\n")
    assert main(["upload", str(tmp_path / "f.csv"), "--profile", "lab", "--key-template", "{stem}-{device}.{ext}"]) == 0
    keys = [o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket)["Contents"]]
    assert len(keys) == 1 and keys[0].startswith("f-") and keys[0].endswith(".csv")
    head = seaweed.client().head_object(Bucket=bucket, Key=keys[0])
    assert head["Metadata"] == {"device": "kiosk-1"} and head["ContentType"] == "text/csv"


def test_a_computer_whose_clock_is_wrong_uploads_and_says_so(
        tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str], clock_an_hour_behind: Any) -> None:
    assert main(["profile", "add", "lab", "--bucket", bucket, "--s3-endpoint-url", seaweed.endpoint_url,
                 "--addressing-style", "path"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{seaweed.admin.access_key}\n{seaweed.admin.secret_key}\n"))
    assert main(["credentials", "set", "--profile", "lab"]) == 0
    for name in ("a.csv", "b.csv"):
        (tmp_path / name).write_text(name)
    capsys.readouterr()
    assert main(["upload", str(tmp_path / "a.csv"), "--profile", "lab"]) == 0
    err = capsys.readouterr().err
    assert "CLOCK     This computer's clock is 60 min behind the storage's; links are signed with the storage's " \
           "time. Set the clock right when you can" in err
    assert "1 uploaded, 0 failed" in err
    assert main(["upload", str(tmp_path / "b.csv"), "--profile", "lab", "--if-exists", "overwrite", "--json"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    [told] = [e for e in events if e["event"] == "clock"]
    assert told["profile"] == "lab" and abs(told["offset"] - 3600) < 5 and "behind" in told["note"]
    assert [e["key"] for e in events if e["event"] == "done"] == ["b.csv"]


@pytest.mark.parametrize(("argv", "absent"), [
    (["upload", "--help"], ["desktop_uploader.cli.kiosk_cmd", "desktop_uploader.core.check", "boto3"]),
    (["--version"], ["desktop_uploader.cli.upload_cmd", "desktop_uploader.core.engine", "requests"]),
    # The engine loads only once the run's first connections are on their way (core/warmup.py): its
    # loading is what they overlap.
    (["upload", "--help"], ["desktop_uploader.core.engine", "desktop_uploader.core.factory"]),
])
def test_a_command_imports_only_what_it_needs(argv: list[str], absent: list[str]) -> None:
    """Start-up time counts for right-click uploads and scripts: other commands' modules stay unloaded."""
    probe = (
        "import sys\n"
        "from desktop_uploader.cli.main import main\n"
        "try:\n"
        f"    main({argv!r})\n"
        "except SystemExit:\n"
        "    pass\n"
        f"print(sorted(m for m in {absent!r} if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"


def test_an_endpoint_upload_loads_no_keychain(tmp_path: Path, seaweed: Any, bucket: str,
                                              reference_endpoint: Any) -> None:
    """An endpoint without secret headers never needs the keychain, and no upload needs botocore, ctypes (for
    Windows' keep-awake) or strptime's locale tables: each of them costs a script's start."""
    (tmp_path / "a.txt").write_text("a")
    absent = ["keyring", "botocore", "ctypes", "_strptime"]
    probe = (
        "import sys\n"
        "from desktop_uploader.cli.main import main\n"
        f"code = main(['upload', {str(tmp_path / 'a.txt')!r}, '--endpoint', {reference_endpoint.sign_url!r}])\n"
        f"print(code, sorted(m for m in {absent!r} if m in sys.modules))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env,
                          check=False)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr
    assert seaweed.client().get_object(Bucket=bucket, Key="a.txt")["Body"].read() == b"a"


def test_small_files_through_companion_load_no_streaming_form_encoder(tmp_path: Path, seaweed: Any, bucket: str,
                                                                     reference_endpoint: Any) -> None:
    """Small files go as forms built in memory: requests-toolbelt, for streamed forms only, stays unloaded."""
    (tmp_path / "a.txt").write_text("a")
    probe = (
        "import sys\n"
        "from desktop_uploader.cli.main import main\n"
        f"main(['profile', 'add', 'comp', '--endpoint', {reference_endpoint.url!r}, '--protocol', 'companion'])\n"
        f"code = main(['upload', {str(tmp_path / 'a.txt')!r}, '--profile', 'comp'])\n"
        "print(code, sorted(m for m in sys.modules if m.startswith('requests_toolbelt')))\n"
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, env=env,
                          check=False)
    assert done.stdout.strip().splitlines()[-1] == "0 []", done.stderr
    stored = [o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert any(key.endswith("a.txt") for key in stored)


def test_every_registered_command_is_known_to_the_lazy_loader(capsys: pytest.CaptureFixture[str]) -> None:
    # A command missing from COMMANDS would be taken for a file name and opened in the window.
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    assert set(sub.choices) == COMMANDS
    with pytest.raises(SystemExit):
        main(["--help"])
    listed = capsys.readouterr().out
    assert all(command in listed for command in COMMANDS)


def test_upload_uses_the_admins_locked_values(tmp_path: Path, seaweed: Any, bucket: str,
                                               reference_endpoint: Any, monkeypatch: pytest.MonkeyPatch,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    # The user's own profile points nowhere and names keys their way; the admin's lock wins.
    locked = lock_field_profile(tmp_path, reference_endpoint.sign_url, own_prefix="mine/", locked_prefix="locked/")
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(locked))
    (tmp_path / "site.csv").write_text("a,b\n")

    assert main(["upload", str(tmp_path / "site.csv"), "--profile", "field", "--json"]) == 0

    done = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [e["key"] for e in done if e["event"] == "done"] == ["locked/site.csv"]
    assert seaweed.client().get_object(Bucket=bucket, Key="locked/site.csv")["Body"].read() == b"a,b\n"
    assert Config.load().get("field").prefix == "mine/"  # the user's file is left as it was


def test_a_broken_locked_configuration_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(tmp_path / "missing.json"))
    (tmp_path / "a.txt").write_text("a")
    assert main(["upload", str(tmp_path / "a.txt"), "--endpoint", "http://127.0.0.1:9/sign"]) == 2
    assert "missing.json does not exist" in capsys.readouterr().err


def test_names_already_taken_dry_run_and_if_exists(tmp_path: Path, seaweed: Any, bucket: str, memory_keyring: Any,
                                                   monkeypatch: pytest.MonkeyPatch,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "add", "lab", "--bucket", bucket, "--s3-endpoint-url", seaweed.endpoint_url,
                 "--addressing-style", "path", "--prefix", "in"]) == 0
    monkeypatch.setattr(sys, "stdin", io.StringIO(f"{seaweed.admin.access_key}\n{seaweed.admin.secret_key}\n"))
    assert main(["credentials", "set", "--profile", "lab"]) == 0
    (tmp_path / "a.txt").write_text("first\n")
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "lab"]) == 0
    capsys.readouterr()

    # The same file again: skipped by default, and the run counts as a success.
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "lab"]) == 0
    assert "skipped   " in capsys.readouterr().err

    (tmp_path / "a.txt").write_text("second\n")
    (tmp_path / "b.txt").write_text("new\n")
    assert main(["upload", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"), "--profile", "lab",
                 "--if-exists", "rename", "--dry-run", "--json"]) == 0
    plan = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert sorted((p["action"], p["key"]) for p in plan) == [("send", "in/a (2).txt"), ("send", "in/b.txt")]
    assert {o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket)["Contents"]} == {"in/a.txt"}

    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "lab", "--dry-run"]) == 0
    assert "a different file is already stored as 'in/a.txt'" in capsys.readouterr().out.lower()
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "lab", "--if-exists", "rename"]) == 0
    assert {o["Key"] for o in seaweed.client().list_objects_v2(Bucket=bucket)["Contents"]} == {"in/a.txt",
                                                                                                "in/a (2).txt"}
    assert main(["upload", str(tmp_path / "a.txt"), "--profile", "lab", "--if-exists", "overwrite"]) == 0
    assert seaweed.client().get_object(Bucket=bucket, Key="in/a.txt")["Body"].read() == b"second\n"


def test_only_the_program_freezes_what_it_loaded(monkeypatch: pytest.MonkeyPatch,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """Run as the program, main() puts what it has loaded out of the collector's sight; code that calls
    main() with its own arguments and goes on keeps its collector as it was."""
    import gc

    # Not 0 in a fresh interpreter on every Python (3.12 starts with a few hundred): compare with the start.
    at_start = gc.get_freeze_count()
    assert main(["profile", "list"]) == 0
    assert gc.get_freeze_count() == at_start
    monkeypatch.setattr(sys, "argv", ["desktop-uploader", "profile", "list"])
    try:
        assert main() == 0
        assert gc.get_freeze_count() > at_start
    finally:
        gc.unfreeze()
    capsys.readouterr()


def test_a_file_sent_before_through_a_signing_service_is_skipped_and_says_why(
        tmp_path: Path, seaweed: Any, bucket: str, reference_endpoint: Any,
        capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "a.txt").write_text("first\n")
    command = ["upload", str(tmp_path / "a.txt"), "--endpoint", reference_endpoint.sign_url]
    assert main(command) == 0
    capsys.readouterr()

    assert main([*command, "--dry-run", "--json"]) == 0
    [plan] = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert (plan["action"], plan["key"], plan["reason"]) == ("skip", "a.txt", "sent_before")
    assert main(command) == 0
    said = capsys.readouterr().err
    # What it goes by (its own record, not the bucket) and how to send the file once more.
    assert "uploaded from this computer before as a.txt" in said and "--if-exists overwrite" in said
    assert "0 uploaded, 0 failed, 1 skipped" in said
    assert main([*command, "--if-exists", "overwrite", "--json"]) == 0
    assert [json.loads(line)["event"] for line in capsys.readouterr().out.splitlines()][-1] == "done"
