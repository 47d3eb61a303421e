"""The local SeaweedFS server behaves like a real S3 endpoint, and cleans up after itself."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from botocore.exceptions import ClientError

from desktop_uploader.devserver import SeaweedServer, SeaweedStartError, find_weed
from desktop_uploader.devserver import seaweed as seaweed_module

REPO_ROOT = Path(__file__).resolve().parents[2]


def _error(exc: pytest.ExceptionInfo[ClientError]) -> tuple[int, str]:
    response = exc.value.response
    return response["ResponseMetadata"]["HTTPStatusCode"], response["Error"]["Code"]


def _can_listen(port: int) -> bool:
    # SO_REUSEADDR as every real server sets it: a port is free when a new server could listen on it.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
            sock.listen()
        except OSError:
            return False
    return True


def _process_gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    try:  # reparented after its parent died, it may linger briefly as a zombie
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] == b"Z"
    except OSError:
        return True


def test_find_weed_returns_an_executable() -> None:
    weed = find_weed()
    assert Path(weed).is_file()
    assert os.access(weed, os.X_OK)


def test_admin_uploads_and_downloads(seaweed: SeaweedServer, bucket: str) -> None:
    s3 = seaweed.client()
    body = os.urandom(200_000)

    s3.put_object(Bucket=bucket, Key="dir/file.bin", Body=body, ContentType="application/octet-stream")

    got = s3.get_object(Bucket=bucket, Key="dir/file.bin")
    assert got["Body"].read() == body
    assert got["ContentLength"] == len(body)
    listed = s3.list_objects_v2(Bucket=bucket)
    assert [obj["Key"] for obj in listed.get("Contents", [])] == ["dir/file.bin"]
    assert seaweed.endpoint_url.startswith("http://127.0.0.1:")
    assert seaweed.region == "us-east-1"


def test_one_shared_client_per_identity(seaweed: SeaweedServer) -> None:
    """A new boto3 client loads the whole S3 model again; handing out one per call kept hundreds of them
    alive until the server stopped, and made every full garbage collection in the process take seconds."""
    assert seaweed.readonly is not None
    assert seaweed.client() is seaweed.client() is seaweed.client(seaweed.admin)
    assert seaweed.client(seaweed.readonly) is seaweed.client(seaweed.readonly) is not seaweed.client()


def test_readonly_identity_reads_but_gets_access_denied_on_put(seaweed: SeaweedServer, bucket: str) -> None:
    assert seaweed.readonly is not None
    seaweed.client().put_object(Bucket=bucket, Key="existing.txt", Body=b"hello")
    readonly = seaweed.client(seaweed.readonly)

    assert readonly.get_object(Bucket=bucket, Key="existing.txt")["Body"].read() == b"hello"
    with pytest.raises(ClientError) as denied:
        readonly.put_object(Bucket=bucket, Key="new.txt", Body=b"nope")

    assert _error(denied) == (403, "AccessDenied")


def test_presigned_put_works_and_a_different_content_type_breaks_the_signature(
    seaweed: SeaweedServer, bucket: str
) -> None:
    s3 = seaweed.client()
    url = s3.generate_presigned_url(
        "put_object",
        Params={"Bucket": bucket, "Key": "report.csv", "ContentType": "text/csv"},
        ExpiresIn=300,
    )
    assert "X-Amz-Signature=" in url

    with requests.Session() as http:
        http.trust_env = False  # loopback only: no proxy or CA settings from the environment
        with http.put(url, data=b"a,b\n1,2\n", headers={"Content-Type": "text/csv"}, timeout=10) as ok:
            assert ok.status_code == 200, ok.text
        with http.put(url, data=b"x", headers={"Content-Type": "text/plain"}, timeout=10) as bad:
            assert bad.status_code == 403
            assert "<Code>SignatureDoesNotMatch</Code>" in bad.text

    stored = s3.get_object(Bucket=bucket, Key="report.csv")
    assert stored["Body"].read() == b"a,b\n1,2\n"
    assert stored["ContentType"] == "text/csv"


def test_stop_ends_the_process_frees_the_ports_and_removes_its_files(monkeypatch: pytest.MonkeyPatch) -> None:
    # A long grace, so the timing below tells a clean stop from a kill even on a busy machine.
    monkeypatch.setattr(seaweed_module, "_STOP_GRACE_SECONDS", 30.0)
    server = SeaweedServer(readonly_identity=False)
    started = time.monotonic()
    server.start()
    start_seconds = time.monotonic() - started
    pid, ports, workdir = server.pid, server.ports, server.workdir
    assert server.readonly is None
    assert server.running
    assert not _can_listen(server.port)

    stopping = time.monotonic()
    server.stop()
    stop_seconds = time.monotonic() - stopping

    assert not server.running
    assert _process_gone(pid)
    for port in ports.values():
        assert _can_listen(port), port
        assert _can_listen(port + 10_000), port + 10_000
    assert not workdir.exists()
    leftovers = [
        p
        for p in Path("/tmp").glob("seaweedfs-*-grpc-*.sock")
        if int(p.stem.rsplit("-", 1)[1]) - 10_000 in ports.values()
    ]
    assert leftovers == []
    server.stop()  # idempotent
    # Generous bounds: the point is "seconds, not the 30 s start timeout or the kill after the grace".
    assert start_seconds < 25
    assert stop_seconds < 25


def test_two_servers_run_side_by_side(tmp_path: Path) -> None:
    with (
        SeaweedServer(tmp_path / "one") as one,
        SeaweedServer(tmp_path / "two", readonly_identity=False) as two,
    ):
        assert one.endpoint_url != two.endpoint_url
        assert not set(one.ports.values()) & set(two.ports.values())
        one.create_bucket("only-on-one")
        two.create_bucket("only-on-two")

        assert [b["Name"] for b in one.client().list_buckets()["Buckets"]] == ["only-on-one"]
        assert [b["Name"] for b in two.client().list_buckets()["Buckets"]] == ["only-on-two"]
        # Each server only knows its own keys.
        with pytest.raises(ClientError) as foreign:
            one.client(two.admin).list_buckets()
        assert _error(foreign) == (403, "InvalidAccessKeyId")
    assert not one.running
    assert not two.running
    # A given workdir is left in place (with the log) for inspection.
    assert (tmp_path / "one" / "seaweed" / "weed.log").is_file()


@pytest.mark.skipif(shutil.which("false") is None, reason="needs a 'false' command")
def test_a_server_that_exits_at_once_raises_with_its_log(tmp_path: Path) -> None:
    server = SeaweedServer(tmp_path, weed_binary=shutil.which("false"))

    with pytest.raises(SeaweedStartError, match="exited before it was ready"):
        server.start(timeout=10)

    assert not server.running


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_weed_does_not_outlive_a_killed_parent(tmp_path: Path) -> None:
    script = (
        "import sys, time\n"
        "from desktop_uploader.devserver import SeaweedServer\n"
        "server = SeaweedServer()\n"
        "server.start()\n"
        "print(server.pid, server.port, server.workdir, flush=True)\n"
        "time.sleep(120)\n"
    )
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(REPO_ROOT), os.environ.get("PYTHONPATH")])))
    with subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, stdin=subprocess.DEVNULL, env=env
    ) as parent:
        try:
            assert parent.stdout is not None
            line = parent.stdout.readline().decode().split()
            assert len(line) == 3, f"child printed {line!r}"
            pid, port, workdir = int(line[0]), int(line[1]), Path(line[2])
            assert not _can_listen(port)

            parent.send_signal(signal.SIGKILL)
            parent.wait(timeout=10)

            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and not (_process_gone(pid) and not workdir.exists()):
                time.sleep(0.1)
            assert _process_gone(pid)
            assert _can_listen(port)
            assert not workdir.exists()
        finally:
            if parent.poll() is None:
                parent.kill()
                parent.wait()
