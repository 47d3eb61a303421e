#!/usr/bin/env python3
"""Upload benchmark: our CLI against curl, boto3, aws cli and rclone, on one local SeaweedFS server.

Not part of the test suite; run it by hand from the repository root::

    PYTHONPATH=. python benchmarks/upload_bench.py [--size-mib 1024] [--files 500] [--repeat 1]

It starts one SeaweedFS S3 server and the reference signing endpoint in this process, then runs every
client as a child process, so wall time, CPU time and peak RSS are the child's own (``os.wait4`` gives the
resource usage of exactly that child). aws and rclone run with their defaults when installed, invoked as
``benchmarks/wan_bench.py`` does. See ``benchmarks/README.md`` for what each figure means.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from desktop_uploader.devserver.seaweed import SeaweedServer

REPO: Final = Path(__file__).resolve().parents[1]
MiB: Final = 1024 * 1024
GiB: Final = 1024 * MiB
BUCKET: Final = "bench"
REGION: Final = "us-east-1"
LOCAL_PROFILE: Final = "bench-local"
# The reference endpoint as `check` advises using it: batch signing on (POST <base>/sign/batch).
ENDPOINT_PROFILE: Final = "bench-endpoint"
SMALL_FILE_BYTES: Final = 16 * 1024
RUN_TIMEOUT: Final = 1800.0  # seconds; a client that takes longer is killed and reported as failed

# Targets for our CLI (see benchmarks/README.md).
TARGET_RATIO_VS_CURL: Final = 1.10
TARGET_CPU_PER_GIB: Final = 1.0
TARGET_PEAK_RSS_MIB: Final = 80.0
TARGET_FILES_PER_S: Final = 525.0
# Wall time vs curl at two file sizes (other sizes have none), and small files at rclone's rate or better.
SIZE_RATIO_VS_CURL: Final = {200 * MiB: 1.00, GiB: 1.15}
TARGET_FILES_VS_RCLONE: Final = 1.0
RCLONE_REMOTE: Final = "bench"  # configured on the fly through RCLONE_CONFIG_BENCH_* variables

# The peers: boto3 with its defaults (s3transfer: 8 MiB parts, 10 threads), path-style like the CLI.
_BOTO3_PRELUDE: Final = """
import os, sys
import boto3
from botocore.config import Config
s3 = boto3.session.Session(region_name=os.environ["AWS_DEFAULT_REGION"]).client(
    "s3", endpoint_url=sys.argv[1],
    config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
"""
BOTO3_ONE_FILE: Final = _BOTO3_PRELUDE + """
s3.upload_file(sys.argv[4], sys.argv[2], sys.argv[3])
"""
BOTO3_LOOP: Final = _BOTO3_PRELUDE + """
bucket, prefix, folder = sys.argv[2], sys.argv[3], sys.argv[4]
for name in sorted(os.listdir(folder)):
    s3.upload_file(os.path.join(folder, name), bucket, prefix + name)
"""


# -- measuring one child process -----------------------------------------------------------------------


@dataclass
class Measurement:
    """One child process: its own wall time, CPU time and peak RSS, and what it left behind."""

    wall: float
    user: float
    system: float
    peak_rss_kib: int
    rss_exact: bool  # False: ru_maxrss of a child started from this process, an upper bound
    returncode: int
    stdout: str
    stderr: str
    server_cpu: float = 0.0  # CPU the S3 server spent meanwhile (context, not the client's)
    bench_cpu: float = 0.0  # CPU of this process meanwhile: mostly the signing endpoint's thread
    load: float = 0.0  # 1-minute load average (the higher of start and end): other work on the box
    error: str = ""  # set when the run failed or its result did not check out

    @property
    def cpu(self) -> float:
        return self.user + self.system

    @property
    def peak_rss_mib(self) -> float:
        return self.peak_rss_kib / 1024  # Linux reports ru_maxrss in KiB

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.error


def proc_cpu_seconds(pid: int) -> float:
    """utime + stime of a process from /proc (0 when unavailable)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
        fields = stat.rpartition(")")[2].split()
        ticks = int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0.0
    return ticks / os.sysconf("SC_CLK_TCK")


TIME_BINARY: Final = "/usr/bin/time"


def run_measured(
    cmd: Sequence[str],
    env: dict[str, str],
    workdir: Path,
    *,
    server_pid: int | None = None,
    stdin: str | None = None,
    timeout: float = RUN_TIMEOUT,
) -> Measurement:
    """Run *cmd* and return its own resource usage.

    CPU time comes from ``os.wait4`` of exactly this child. Peak RSS comes from GNU time (``%M``) when
    /usr/bin/time exists: Linux carries a process's ru_maxrss over fork and exec, so a child started
    straight from this process (~90 MiB with boto3 loaded) could never report less than that. time is
    small, so what it reports is the command's own peak.
    """
    # Flush dirty pages (earlier uploads the server wrote) so their write-back does not land in this run.
    os.sync()
    out_path = workdir / "child.stdout"
    err_path = workdir / "child.stderr"
    rss_path = workdir / "child.rss"
    rss_path.unlink(missing_ok=True)
    use_time = os.access(TIME_BINARY, os.X_OK)
    argv = [TIME_BINARY, "-f", "%M", "-o", str(rss_path), *cmd] if use_time else list(cmd)
    load_before = os.getloadavg()[0]
    server_before = proc_cpu_seconds(server_pid) if server_pid else 0.0
    bench_before = time.process_time()
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv, stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=out, stderr=err, env=env, cwd=workdir,
        )
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            if stdin is not None and proc.stdin is not None:
                with contextlib.suppress(BrokenPipeError):
                    proc.stdin.write(stdin.encode())
                proc.stdin.close()
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            killer.cancel()
        wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped by wait4; tell Popen
    peak_rss_kib, rss_exact = usage.ru_maxrss, False
    if use_time:
        with contextlib.suppress(OSError, ValueError, IndexError):
            # On failure time writes "Command exited with non-zero status N" first; %M is the last line.
            peak_rss_kib, rss_exact = int(rss_path.read_text().split()[-1]), True
    measurement = Measurement(
        wall=wall, user=usage.ru_utime, system=usage.ru_stime, peak_rss_kib=peak_rss_kib,
        rss_exact=rss_exact, returncode=proc.returncode,
        stdout=out_path.read_text(encoding="utf-8", errors="replace"),
        stderr=err_path.read_text(encoding="utf-8", errors="replace"),
        server_cpu=(proc_cpu_seconds(server_pid) - server_before) if server_pid else 0.0,
        bench_cpu=time.process_time() - bench_before,
        load=max(load_before, os.getloadavg()[0]),
    )
    if proc.returncode != 0:
        measurement.error = f"exit status {proc.returncode}: {_tail(measurement.stderr or measurement.stdout)}"
    for path in (out_path, err_path, rss_path):
        path.unlink(missing_ok=True)
    return measurement


def _tail(text: str, lines: int = 6) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


# -- the setup -------------------------------------------------------------------------------------


def _start_server() -> SeaweedServer:
    from desktop_uploader.devserver.seaweed import SeaweedServer

    class BenchSeaweedServer(SeaweedServer):
        """SeaweedServer with room for gigabytes.

        The test-suite defaults (8 volumes of at most 64 MB) hold 512 MB in all, so a 1 GiB upload fails
        with InternalError; larger volumes also mean fewer volume allocations mid-run.
        """

        def _command(self, weed: str) -> list[str]:
            replace = {"-master.volumeSizeLimitMB=": "1024", "-volume.max=": "64"}
            out: list[str] = []
            for arg in super()._command(weed):
                for flag, value in replace.items():
                    if arg.startswith(flag):
                        arg = flag + value
                out.append(arg)
            return out

    # The server owns its temp dir, so its watchdog removes it even if this process is killed.
    server = BenchSeaweedServer(readonly_identity=False)
    server.start()
    return server


@dataclass
class Bench:
    """Everything the runs share: the server, the endpoint, the environments and the files."""

    tmp: Path
    server: SeaweedServer
    s3: S3Client
    sign_url: str
    base_env: dict[str, str]
    cli_env: dict[str, str]
    boto3_env: dict[str, str]
    aws_env: dict[str, str]
    rclone_env: dict[str, str]
    cli_cmd: list[str]
    uploader_home: Path
    aws: str | None  # None: not installed, no row
    rclone: str | None
    results: dict[str, list[Measurement]] = field(default_factory=dict)

    def record(self, name: str, measurement: Measurement) -> None:
        self.results.setdefault(name, []).append(measurement)
        status = "ok" if measurement.ok else f"FAILED ({measurement.error})"
        print(f"  {name:<28} {measurement.wall:8.2f} s  cpu {measurement.cpu:6.2f} s  "
              f"rss {measurement.peak_rss_mib:6.1f} MiB  {status}", flush=True)

    def run(self, cmd: Sequence[str], env: dict[str, str], *, stdin: str | None = None) -> Measurement:
        return run_measured(cmd, env, self.tmp, server_pid=self.server.pid, stdin=stdin)

    def fresh_queue(self) -> None:
        """Each CLI run starts with an empty queue (the profile settings stay, and so does what the app learnt
        of the destination in the warm-up, as for anyone who has used it before: see _warm_up)."""
        database = self.uploader_home / "data" / "queue.sqlite3"
        if not database.exists():
            return
        with contextlib.closing(sqlite3.connect(database)) as conn, conn:
            for statement in ("DELETE FROM parts", "DELETE FROM multipart", "DELETE FROM orphan_uploads",
                              "DELETE FROM jobs"):
                conn.execute(statement)

    def check_objects(self, measurement: Measurement, prefix: str, count: int, size_each: int) -> None:
        """Fail the measurement unless exactly *count* objects of *size_each* bytes are under *prefix*."""
        if not measurement.ok:
            return
        sizes: list[int] = []
        paginator = self.s3.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=BUCKET, Prefix=prefix):
            sizes.extend(int(obj.get("Size", -1)) for obj in page.get("Contents", []))
        if len(sizes) != count or any(s != size_each for s in sizes):
            measurement.error = (f"server holds {len(sizes)} objects under {prefix!r} "
                                 f"(sizes {sorted(set(sizes))[:3]}), expected {count} of {size_each} bytes")

    def check_cli_events(self, measurement: Measurement, count: int) -> None:
        if not measurement.ok:
            return
        done = failed = 0
        for line in measurement.stdout.splitlines():
            try:
                event = json.loads(line).get("event")
            except (ValueError, AttributeError):
                continue
            done += event == "done"
            failed += event == "failed"
        if done != count or failed:
            measurement.error = f"CLI reported {done} done and {failed} failed, expected {count} done"


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment without the user's AWS settings, so no child picks up real credentials."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("AWS_") or k == "AWS_CA_BUNDLE"}
    env["AWS_CONFIG_FILE"] = str(tmp / "no-aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp / "no-aws-credentials")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    pythonpath = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + pythonpath if pythonpath else "")
    return env


def _cli_env(base: dict[str, str], tmp: Path) -> tuple[dict[str, str], Path]:
    """The CLI's own home and a plaintext keyring in a temp dir (never the user's keychain)."""
    home = tmp / "home"
    uploader_home = tmp / "uploader-home"
    for path in (home / ".local" / "share", home / ".config", uploader_home):
        path.mkdir(parents=True, exist_ok=True)
    env = dict(base)
    env.update(
        HOME=str(home),
        XDG_DATA_HOME=str(home / ".local" / "share"),
        XDG_CONFIG_HOME=str(home / ".config"),
        PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring",
        DESKTOP_UPLOADER_HOME=str(uploader_home),
    )
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env, uploader_home


def _aws_env(boto3_env: dict[str, str], tmp: Path) -> dict[str, str]:
    """boto3's credentials and region, and a config file with the one setting aws needs here: path style."""
    config = tmp / "aws-config"
    config.write_text("[default]\ns3 =\n    addressing_style = path\n", encoding="utf-8")
    return {**boto3_env, "AWS_CONFIG_FILE": str(config)}


def _rclone_env(base: dict[str, str], tmp: Path, server: SeaweedServer) -> dict[str, str]:
    """A remote defined in environment variables and an empty config file: no user rclone settings apply."""
    env = {k: v for k, v in base.items() if not k.startswith("RCLONE_")}
    env.pop("AWS_CA_BUNDLE", None)  # rclone refuses to start while it is set; plain HTTP needs no CA
    config = tmp / "rclone.conf"
    config.write_text("", encoding="utf-8")
    remote = {"TYPE": "s3", "PROVIDER": "Other", "ENDPOINT": server.endpoint_url, "REGION": REGION,
              "FORCE_PATH_STYLE": "true", "ACCESS_KEY_ID": server.admin.access_key,
              "SECRET_ACCESS_KEY": server.admin.secret_key}
    env.update({f"RCLONE_CONFIG_{RCLONE_REMOTE.upper()}_{name}": value for name, value in remote.items()})
    env["RCLONE_CONFIG"] = str(config)
    return env


def _find_aws(env: dict[str, str], cwd: Path) -> str | None:
    """aws next to this interpreter or on PATH, as wan_bench.py finds it.

    A pyenv shim is resolved to the script it would run, so the shim's own start-up (bash and pyenv's
    version lookup, a tenth of a second or more) is not counted as aws's.
    """
    beside = Path(sys.executable).with_name("aws")
    found = str(beside) if beside.exists() else shutil.which("aws")
    if found is None or Path(found).parent.name != "shims":
        return found
    root = Path(found).parent.parent
    with contextlib.suppress(OSError, subprocess.SubprocessError):
        done = subprocess.run([str(root / "libexec" / "pyenv"), "which", "aws"], env={**env, "PYENV_ROOT": str(root)},
                              cwd=cwd, capture_output=True, text=True, timeout=60, check=False)
        if done.returncode == 0 and done.stdout.strip():
            return done.stdout.strip()
    return found


def _setup_cli(cli_cmd: list[str], env: dict[str, str], server: SeaweedServer, sign_url: str, tmp: Path) -> None:
    """Check the CLI starts, add the endpoint profile, then the local-signing one with its key in the keyring."""
    steps: list[tuple[list[str], str | None]] = [
        (["--version"], None),
        (["profile", "add", ENDPOINT_PROFILE, "--endpoint", sign_url, "--batch-signing"], None),
        (["profile", "add", LOCAL_PROFILE, "--bucket", BUCKET, "--region", REGION,
          "--s3-endpoint-url", server.endpoint_url, "--addressing-style", "path"], None),
        (["credentials", "set", "--profile", LOCAL_PROFILE],
         f"{server.admin.access_key}\n{server.admin.secret_key}\n"),
    ]
    for args, stdin in steps:
        done = subprocess.run([*cli_cmd, *args], input=stdin, env=env, cwd=tmp, capture_output=True,
                              text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise SystemExit(f"The CLI step '{' '.join(args[:2])}' failed ({done.returncode}): "
                             f"{_tail(done.stderr or done.stdout)}")


def _warm_up(cli_cmd: list[str], env: dict[str, str], tmp: Path) -> None:
    """One upload of a 1 MiB file per signing mode, not measured: the app learns whether the storage confirms
    the checksums it is sent (core/checksums.py), as it has for anyone who used the destination before."""
    path = tmp / "warm-up.bin"
    _write_random(path, MiB)
    for how in (["--profile", LOCAL_PROFILE], ["--profile", ENDPOINT_PROFILE]):
        done = subprocess.run([*cli_cmd, "upload", str(path), *how, "--prefix", "warm-up/", "--if-exists",
                               "overwrite"], env=env, cwd=tmp, capture_output=True, text=True, timeout=120,
                              check=False)
        if done.returncode != 0:
            raise SystemExit(f"The warm-up upload failed ({done.returncode}): {_tail(done.stderr or done.stdout)}")


def _write_random(path: Path, size: int) -> None:
    block = 8 * MiB
    with open(path, "wb") as out:
        remaining = size
        while remaining > 0:
            n = min(block, remaining)
            out.write(os.urandom(n))
            remaining -= n


@contextlib.contextmanager
def bench_setup(tmp: Path) -> Iterator[Bench]:
    from desktop_uploader.endpoint import EndpointConfig, serve_in_thread

    print("Starting SeaweedFS and the reference signing endpoint ...", flush=True)
    server = _start_server()
    try:
        server.create_bucket(BUCKET)
        s3 = server.client()
        # The first write makes the server allocate its volumes; keep that out of the first measured run.
        s3.put_object(Bucket=BUCKET, Key="warm-up/blob", Body=os.urandom(16 * MiB))
        endpoint = serve_in_thread(EndpointConfig(
            bucket=BUCKET, s3_endpoint_url=server.endpoint_url, region=REGION, addressing_style="path",
            access_key=server.admin.access_key, secret_key=server.admin.secret_key, expires=3600,
        ))
        try:
            base = _clean_env(tmp)
            cli_env, uploader_home = _cli_env(base, tmp)
            boto3_env = dict(base)
            boto3_env.update(AWS_ACCESS_KEY_ID=server.admin.access_key,
                             AWS_SECRET_ACCESS_KEY=server.admin.secret_key, AWS_DEFAULT_REGION=REGION)
            cli_cmd = [sys.executable, "-m", "desktop_uploader"]
            _setup_cli(cli_cmd, cli_env, server, endpoint.sign_url, tmp)
            _warm_up(cli_cmd, cli_env, tmp)
            yield Bench(tmp=tmp, server=server, s3=s3, sign_url=endpoint.sign_url, base_env=base,
                        cli_env=cli_env, boto3_env=boto3_env, aws_env=_aws_env(boto3_env, tmp),
                        rclone_env=_rclone_env(base, tmp, server), cli_cmd=cli_cmd, uploader_home=uploader_home,
                        aws=_find_aws(base, tmp), rclone=shutil.which("rclone"))
        finally:
            endpoint.stop()
    finally:
        print("Stopping SeaweedFS ...", flush=True)
        server.stop()


# -- the scenarios ---------------------------------------------------------------------------------


CURL: Final = "curl -T (presigned PUT)"
BOTO3_ONE: Final = "boto3 upload_file"
CLI_ENDPOINT: Final = "CLI, endpoint signing"
CLI_LOCAL: Final = "CLI, local signing"
CLI_NO_VERIFY: Final = "CLI, endpoint, --no-verify"
BOTO3_LOOPED: Final = "boto3 upload_file loop"
CLI_STARTUP: Final = "CLI start-up (--version)"
AWS_CP: Final = "aws s3 cp"
AWS_CP_RECURSIVE: Final = "aws s3 cp --recursive"
RCLONE_COPY: Final = "rclone copy"


def peer_commands(bench: Bench, source: Path, key_prefix: Callable[[str], str]
                  ) -> list[tuple[str, str, list[str], dict[str, str]]]:
    """(name, key prefix, argv, env) of aws and rclone, those installed, sending *source* with their defaults.

    Only what reaching the local server takes is set (endpoint, path style, credentials, region); the
    credentials go in the environment, as in wan_bench.py. Both name the keys prefix + file name.
    """
    peers: list[tuple[str, str, list[str], dict[str, str]]] = []
    if bench.aws:
        prefix = key_prefix("aws")
        recursive = ["--recursive"] if source.is_dir() else []
        # --only-show-errors: no progress lines, like curl's -sS (and as wan_bench.py runs it).
        peers.append((AWS_CP_RECURSIVE if recursive else AWS_CP, prefix,
                      [bench.aws, "s3", "cp", str(source), f"s3://{BUCKET}/{prefix}", *recursive,
                       "--endpoint-url", bench.server.endpoint_url, "--only-show-errors"], bench.aws_env))
    if bench.rclone:
        prefix = key_prefix("rclone")
        peers.append((RCLONE_COPY, prefix, [bench.rclone, "copy", str(source), f"{RCLONE_REMOTE}:{BUCKET}/{prefix}"],
                      bench.rclone_env))
    return peers


def large_file_round(bench: Bench, path: Path, size: int, round_no: int, curl: str | None) -> None:
    def key_prefix(name: str) -> str:
        return f"large/r{round_no}/{name}/"

    if curl is not None:
        prefix = key_prefix("curl")
        url = bench.s3.generate_presigned_url(
            "put_object", Params={"Bucket": BUCKET, "Key": prefix + path.name}, ExpiresIn=3600)
        # "Expect:" turns off curl's 100-continue wait (requests and boto3 do not send it either).
        m = bench.run([curl, "-sS", "--fail", "-H", "Expect:", "-T", str(path), "-o", os.devnull, url],
                      bench.base_env)
        bench.check_objects(m, prefix, 1, size)
        bench.record(CURL, m)

    prefix = key_prefix("boto3")
    m = bench.run([sys.executable, "-c", BOTO3_ONE_FILE, bench.server.endpoint_url, BUCKET,
                   prefix + path.name, str(path)], bench.boto3_env)
    bench.check_objects(m, prefix, 1, size)
    bench.record(BOTO3_ONE, m)

    for name, prefix, cmd, env in peer_commands(bench, path, key_prefix):
        m = bench.run(cmd, env)
        bench.check_objects(m, prefix, 1, size)
        bench.record(f"large: {name}", m)

    variants = ((CLI_ENDPOINT, "cli-endpoint", ["--profile", ENDPOINT_PROFILE]),
                (CLI_NO_VERIFY, "cli-no-verify", ["--profile", ENDPOINT_PROFILE, "--no-verify"]),
                (CLI_LOCAL, "cli-local", ["--profile", LOCAL_PROFILE]))
    for name, folder, how in variants:
        prefix = key_prefix(folder)
        bench.fresh_queue()
        m = bench.run([*bench.cli_cmd, "upload", str(path), *how, "--prefix", prefix, "--json"], bench.cli_env)
        bench.check_cli_events(m, 1)
        bench.check_objects(m, prefix, 1, size)
        bench.record(f"large: {name}", m)


def small_files_round(bench: Bench, folder: Path, count: int, round_no: int) -> None:
    def key_prefix(name: str) -> str:
        return f"small/r{round_no}/{name}/"

    for name, how in ((CLI_LOCAL, ["--profile", LOCAL_PROFILE]), (CLI_ENDPOINT, ["--profile", ENDPOINT_PROFILE])):
        prefix = key_prefix("cli-local" if name == CLI_LOCAL else "cli-endpoint")
        bench.fresh_queue()
        m = bench.run([*bench.cli_cmd, "upload", str(folder), *how, "--prefix", prefix, "--json"], bench.cli_env)
        bench.check_cli_events(m, count)
        bench.check_objects(m, prefix, count, SMALL_FILE_BYTES)
        bench.record(f"small: {name}", m)

    prefix = key_prefix("boto3-loop")
    m = bench.run([sys.executable, "-c", BOTO3_LOOP, bench.server.endpoint_url, BUCKET, prefix, str(folder)],
                  bench.boto3_env)
    bench.check_objects(m, prefix, count, SMALL_FILE_BYTES)
    bench.record(BOTO3_LOOPED, m)

    for name, prefix, cmd, env in peer_commands(bench, folder, key_prefix):
        m = bench.run(cmd, env)
        bench.check_objects(m, prefix, count, SMALL_FILE_BYTES)
        bench.record(f"small: {name}", m)

    bench.fresh_queue()
    m = bench.run([*bench.cli_cmd, "--version"], bench.cli_env)
    bench.record(CLI_STARTUP, m)


# -- the report ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Summary:
    runs: int
    failed: int
    wall: float  # median over successful runs
    wall_min: float
    wall_max: float
    cpu: float  # median
    rss_mib: float  # largest
    server_cpu: float  # median
    bench_cpu: float  # median


def summarise(runs: list[Measurement]) -> Summary | None:
    good = [m for m in runs if m.ok]
    if not good:
        return None
    walls = [m.wall for m in good]
    return Summary(
        runs=len(runs), failed=len(runs) - len(good), wall=statistics.median(walls), wall_min=min(walls),
        wall_max=max(walls), cpu=statistics.median(m.cpu for m in good),
        rss_mib=max(m.peak_rss_mib for m in good),
        server_cpu=statistics.median(m.server_cpu for m in good),
        bench_cpu=statistics.median(m.bench_cpu for m in good),
    )


def _mark(ok: bool) -> str:
    return "met" if ok else "missed"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |"

    sep = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])


def _wall_cell(s: Summary) -> str:
    if s.runs - s.failed > 1:
        return f"{s.wall:.2f} ({s.wall_min:.2f}-{s.wall_max:.2f})"
    return f"{s.wall:.2f}"


def _size_label(size: int) -> str:
    return f"{size / GiB:g} GiB" if size >= GiB else f"{size / MiB:g} MiB"


def report(bench: Bench, size: int, files: int, notes: Sequence[str]) -> str:
    """The two tables, each with the CLI's targets met or missed, then *notes* (what was not installed)."""
    gib = size / GiB
    lines: list[str] = []
    results = bench.results
    curl = summarise(results.get(CURL, []))
    startup = summarise(results.get(CLI_STARTUP, []))
    startup_note = f" (start-up alone: {startup.cpu:.2f} CPU s)" if startup else ""

    headers = ["client", "wall s", "MiB/s", "vs curl", "client CPU s/GiB", "peak RSS MiB", "server CPU s",
               "endpoint CPU s"]
    cli_large = (f"large: {CLI_ENDPOINT}", f"large: {CLI_NO_VERIFY}", f"large: {CLI_LOCAL}")
    size_ratio = SIZE_RATIO_VS_CURL.get(size)
    rows: list[list[str]] = []
    targets: list[str] = []
    for name in (CURL, BOTO3_ONE, f"large: {AWS_CP}", f"large: {RCLONE_COPY}", *cli_large):
        if name not in results:
            continue
        s = summarise(results[name])
        label = name.removeprefix("large: ")
        if s is None:
            rows.append([label, "FAILED", *[""] * (len(headers) - 2)])
            continue
        ratio = s.wall / curl.wall if curl else None
        cpu_per_gib = s.cpu / gib
        rows.append([
            label, _wall_cell(s), f"{size / MiB / s.wall:.0f}",
            f"{ratio:.2f}x" if ratio is not None else "n/a",
            f"{cpu_per_gib:.2f}", f"{s.rss_mib:.0f}", f"{s.server_cpu:.1f}",
            f"{s.bench_cpu:.2f}" if name == f"large: {CLI_ENDPOINT}" else "",
        ])
        if name in cli_large:
            checks = [f"CPU {cpu_per_gib:.2f} s/GiB {_mark(cpu_per_gib <= TARGET_CPU_PER_GIB)}",
                      f"RSS {s.rss_mib:.0f} MiB {_mark(s.rss_mib <= TARGET_PEAK_RSS_MIB)}"]
            if ratio is not None:
                within = [f"<= {TARGET_RATIO_VS_CURL:.2f}x {_mark(ratio <= TARGET_RATIO_VS_CURL)}"]
                if size_ratio is not None:
                    within.append(f"<= {size_ratio:.2f}x at {_size_label(size)} {_mark(ratio <= size_ratio)}")
                checks.insert(0, f"{ratio:.2f}x curl ({', '.join(within)})")
            targets.append(f"  {label}: " + ", ".join(checks) + startup_note)
    lines.append(f"(1) One file of {size / MiB:.0f} MiB (random bytes, read from the page cache)")
    lines.append(_table(headers, rows))
    by_size = ", ".join(f"<= {r:.2f}x curl at {_size_label(n)}" for n, r in sorted(SIZE_RATIO_VS_CURL.items()))
    if size_ratio is None:
        by_size += f" (none at {_size_label(size)}: run with --size-mib 200 or 1024)"
    lines.append(f"Targets for the CLI: <= {TARGET_RATIO_VS_CURL:.2f}x curl, <= {TARGET_CPU_PER_GIB:.1f} "
                 f"CPU s/GiB, <= {TARGET_PEAK_RSS_MIB:.0f} MiB peak RSS; {by_size}")
    lines.extend(targets)
    lines.append("")

    def peer(name: str) -> Summary | None:
        return summarise(results.get(name, []))

    # Files/s ratios: the same file count on both sides, so the peer's wall time over the row's.
    def versus(s: Summary, other: Summary | None) -> str:
        return f"{other.wall / s.wall:.2f}x" if other else "n/a"

    loop, rclone, aws = peer(BOTO3_LOOPED), peer(f"small: {RCLONE_COPY}"), peer(f"small: {AWS_CP_RECURSIVE}")
    headers = ["client", "wall s", "files/s", "vs rclone", "vs aws cli", "vs boto3 loop", "client CPU s",
               "peak RSS MiB", "server CPU s", "endpoint CPU s"]
    cli_small = (f"small: {CLI_LOCAL}", f"small: {CLI_ENDPOINT}")
    rows = []
    targets = []
    for name in (*cli_small, BOTO3_LOOPED, f"small: {AWS_CP_RECURSIVE}", f"small: {RCLONE_COPY}", CLI_STARTUP):
        if name not in results:
            continue
        s = summarise(results[name])
        label = name.removeprefix("small: ")
        if s is None:
            rows.append([label, "FAILED", *[""] * (len(headers) - 2)])
            continue
        if name == CLI_STARTUP:
            rows.append([label, _wall_cell(s), "", "", "", "", f"{s.cpu:.2f}", f"{s.rss_mib:.0f}", "", ""])
            continue
        rate = files / s.wall
        is_cli = name in cli_small
        rows.append([
            label, _wall_cell(s), f"{rate:.0f}",
            versus(s, rclone) if is_cli else "", versus(s, aws) if is_cli else "", versus(s, loop),
            f"{s.cpu:.2f}", f"{s.rss_mib:.0f}", f"{s.server_cpu:.1f}",
            f"{s.bench_cpu:.2f}" if name == f"small: {CLI_ENDPOINT}" else "",
        ])
        if is_cli:
            vs_rclone = "no rclone figure"
            if rclone:
                rclone_rate = files / rclone.wall
                vs_rclone = f">= rclone's {rclone_rate:.0f} {_mark(rate >= TARGET_FILES_VS_RCLONE * rclone_rate)}"
            targets.append(f"  {label}: {rate:.0f} files/s (>= {TARGET_FILES_PER_S:.0f} "
                           f"{_mark(rate >= TARGET_FILES_PER_S)}, {vs_rclone}), "
                           f"RSS {s.rss_mib:.0f} MiB {_mark(s.rss_mib <= TARGET_PEAK_RSS_MIB)}")
    lines.append(f"(2) {files} files of {SMALL_FILE_BYTES // 1024} KiB in one folder")
    lines.append(_table(headers, rows))
    lines.append(f"Targets for the CLI: >= {TARGET_FILES_PER_S:.0f} files/s (rclone's figure measured earlier on "
                 f"this kind of box), >= rclone's files/s in this run, <= {TARGET_PEAK_RSS_MIB:.0f} "
                 "MiB peak RSS")
    lines.extend(targets)
    lines.append("")
    lines.append("Notes: wall time includes process start-up (the CLI's is in the last row). The CLI verifies "
                 "every upload unless given --no-verify: by the storage's own CRC32 where the link carries it "
                 "(streamed files, multipart parts with local signing), else by MD5 against the ETag (small "
                 "files, parts through a signing service). It runs with its "
                 "default, automatic files-at-once (from 16, up to 32). aws and rclone run with their defaults. "
                 "The endpoint runs in the benchmark process; its CPU is in 'endpoint CPU s', not in the "
                 "client's.")
    lines.extend(notes)
    everything = [m for runs in results.values() for m in runs]
    if everything:
        loads = [m.load for m in everything]
        lines.append(f"1-minute load average during the runs: {min(loads):.1f}-{max(loads):.1f} on "
                     f"{os.cpu_count()} CPUs (anything above ~2 is other work competing; wall times suffer).")
    if any(not m.rss_exact for m in everything):
        lines.append(f"{TIME_BINARY} was not found: peak RSS figures are upper bounds (a child inherits the "
                     "benchmark's own peak RSS).")
    failures = [(n, m.error) for n, runs in results.items() for m in runs if not m.ok]
    for name, error in failures:
        lines.append(f"FAILED run of {name}: {error}")
    return "\n".join(lines)


# -- main --------------------------------------------------------------------------------------------


def _positive(kind: Callable[[str], int]) -> Callable[[str], int]:
    def parse(text: str) -> int:
        value = kind(text)
        if value < 1:
            raise argparse.ArgumentTypeError("must be at least 1")
        return value

    return parse


def _describe_peers(bench: Bench) -> list[str]:
    """Print which aws and rclone run; return a note for each one missing (its rows are left out)."""
    notes: list[str] = []
    for name, path, version_args, env, install in (
            ("aws", bench.aws, ["--version"], bench.aws_env, "pip install awscli"),
            ("rclone", bench.rclone, ["version"], bench.rclone_env, "apt-get install -y rclone")):
        if path is None:
            notes.append(f"{name} was not found, so it has no rows; install it with '{install}' and run again.")
            continue
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            done = subprocess.run([path, *version_args], env=env, cwd=bench.tmp, capture_output=True, text=True,
                                  timeout=60, check=False)
            version = (done.stdout or done.stderr).strip().splitlines()
            print(f"{name}: {path} ({version[0] if version else 'version unknown'})", flush=True)
    return notes


def compile_app() -> None:
    """Write the app's bytecode as pip does when it installs the wheel. Run from a checkout with
    PYTHONDONTWRITEBYTECODE set, every start would otherwise compile every module again (about 0.2 s),
    which no installed copy does and the peers, installed by pip, do not."""
    compileall.compile_dir(REPO / "desktop_uploader", quiet=1)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0] if __doc__ else None)
    parser.add_argument("--size-mib", type=_positive(int), default=1024, help="size of the large file (1024)")
    parser.add_argument("--files", type=_positive(int), default=500, help="number of 16 KiB files (500)")
    parser.add_argument("--repeat", type=_positive(int), default=1,
                        help="rounds per section, interleaved; the table shows the median (1)")
    parser.add_argument("--skip-large", action="store_true", help="only the small-files section")
    parser.add_argument("--skip-small", action="store_true", help="only the large-file section")
    args = parser.parse_args(argv)
    if sys.platform != "linux":
        print("This benchmark needs Linux (os.wait4, /proc).", file=sys.stderr)
        return 2
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    compile_app()

    curl = shutil.which("curl")
    notes = [] if curl else ["curl was not found, so there is no baseline; install it with "
                             "'apt-get install -y curl' and run again."]

    size = args.size_mib * MiB
    tmp = Path(tempfile.mkdtemp(prefix="upload-bench-"))
    failed = True
    try:
        with bench_setup(tmp) as bench:
            notes += _describe_peers(bench)
            for note in notes:
                print(note, file=sys.stderr)
            if not args.skip_large:
                big = tmp / "files" / "big.bin"
                big.parent.mkdir(parents=True)
                print(f"Writing {args.size_mib} MiB of random bytes ...", flush=True)
                _write_random(big, size)
                for round_no in range(args.repeat):
                    print(f"Large file, round {round_no + 1}/{args.repeat}:", flush=True)
                    large_file_round(bench, big, size, round_no, curl)
                big.unlink()
            if not args.skip_small:
                folder = tmp / "files" / "small"
                folder.mkdir(parents=True)
                for i in range(args.files):
                    (folder / f"f{i:05d}.bin").write_bytes(os.urandom(SMALL_FILE_BYTES))
                for round_no in range(args.repeat):
                    print(f"Small files, round {round_no + 1}/{args.repeat}:", flush=True)
                    small_files_round(bench, folder, args.files, round_no)
            print()
            print(report(bench, size, args.files, notes))
            failed = any(not m.ok for runs in bench.results.values() for m in runs)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
