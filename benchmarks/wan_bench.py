#!/usr/bin/env python3
"""WAN benchmark: our CLI against ``aws s3 cp`` and ``rclone copy`` over an emulated far-away link.

Not part of the test suite; run it by hand from the repository root::

    PYTHONPATH=. .venv/bin/python benchmarks/wan_bench.py [--quick] [--outage-seconds 45]

One SeaweedFS server runs beside this process, and the reference signing endpoint in a process of its own,
as a real signing service would; each is behind its own
:class:`~desktop_uploader.devserver.wan.WanProxy` (TLS with a throw-away CA, the same delay and rate cap),
so both the storage and the signer are "far away", as for a field team on hotel Wi-Fi. Every client is a
child process started fresh with its defaults. See ``benchmarks/README.md`` for the workloads and figures.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

    from desktop_uploader.devserver.seaweed import SeaweedServer
    from desktop_uploader.devserver.tls import TlsIdentity
    from desktop_uploader.devserver.wan import WanProxy

REPO: Final = Path(__file__).resolve().parents[1]
KiB: Final = 1024
MiB: Final = 1024 * KiB
BUCKET: Final = "wanbench"
REGION: Final = "us-east-1"
RUN_TIMEOUT: Final = 300.0  # seconds per client run (plus the outage); longer runs are killed

APP_LOCAL: Final = "app, local signing"
APP_SIMPLE: Final = "app, endpoint (simple)"
APP_COMPANION: Final = "app, endpoint (Companion)"
AWS: Final = "aws s3 cp"
RCLONE: Final = "rclone copy"
CLIENTS: Final = (APP_LOCAL, APP_SIMPLE, APP_COMPANION, AWS, RCLONE)
PEERS: Final = (AWS, RCLONE)
CLIENT_IDS: Final = {"app-local": APP_LOCAL, "app-simple": APP_SIMPLE, "app-companion": APP_COMPANION,
                     "aws": AWS, "rclone": RCLONE}


@dataclass(frozen=True)
class Link:
    rtt_ms: float
    rate_bps: float

    def label(self) -> str:
        return f"{self.rtt_ms:g} ms, {self.rate_bps / 1e6:g} Mbit/s"


TERRESTRIAL: Final = Link(80, 100e6)
SATELLITE: Final = Link(600, 10e6)


@dataclass(frozen=True)
class Workload:
    """A folder of files sent by every client over one link; *metric* is what the table ranks by."""

    name: str
    link: Link
    files: tuple[tuple[str, int], ...]
    metric: str  # "files/s" or "MiB/s"

    @property
    def total_bytes(self) -> int:
        return sum(size for _, size in self.files)

    def label(self) -> str:
        groups: dict[int, int] = {}
        for _, size in self.files:
            groups[size] = groups.get(size, 0) + 1
        parts = [f"{count} x {_size_label(size)}" for size, count in sorted(groups.items())]
        return f"{' + '.join(parts)} @ {self.link.label()}"


def _size_label(size: int) -> str:
    return f"{size // MiB} MiB" if size >= MiB else f"{size // KiB} KiB"


def _files(count: int, size: int, stem: str) -> tuple[tuple[str, int], ...]:
    return tuple((f"{stem}{i:04d}.bin", size) for i in range(count))


def workloads(quick: bool) -> list[Workload]:
    if quick:
        return [
            Workload("small", TERRESTRIAL, _files(40, 16 * KiB, "s"), "files/s"),
            Workload("large", TERRESTRIAL, (*_files(4, 2 * MiB, "m"), ("big.bin", 72 * MiB)), "MiB/s"),
            Workload("satellite", SATELLITE, _files(10, 16 * KiB, "s") + _files(1, 2 * MiB, "m"), "files/s"),
        ]
    return [
        Workload("small", TERRESTRIAL, _files(300, 16 * KiB, "s"), "files/s"),
        Workload("large", TERRESTRIAL, (*_files(40, 2 * MiB, "m"), ("big.bin", 100 * MiB)), "MiB/s"),
        Workload("satellite", SATELLITE, _files(40, 16 * KiB, "s") + _files(2, 2 * MiB, "m"), "files/s"),
    ]


@dataclass
class Result:
    workload: Workload
    client: str
    wall: float = 0.0
    exit_code: int | None = None
    stored: int = 0  # files of the workload that arrived
    copies: int = 0  # objects beyond one per file: a file stored twice (a service that names objects itself)
    rig_cpu: float = 0.0  # CPU of this process (the two proxies) and the endpoint's meanwhile
    error: str = ""
    outage: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.exit_code == 0 and not self.error

    def rate(self, metric: str) -> float:
        if metric == "files/s":
            return len(self.workload.files) / self.wall
        return self.workload.total_bytes / MiB / self.wall


# -- the rig: server, endpoint, proxies, environments ---------------------------------------------------


@dataclass
class Rig:
    tmp: Path
    server: SeaweedServer
    s3: S3Client
    tls: TlsIdentity
    s3_link: WanProxy
    endpoint_link: WanProxy
    endpoint_pid: int
    base_env: dict[str, str]
    cli_env: dict[str, str]
    aws: str | None
    rclone: str | None

    def shape(self, link: Link) -> None:
        for proxy in (self.s3_link, self.endpoint_link):
            proxy.shape(rtt_ms=link.rtt_ms, rate_bps=link.rate_bps)

    def outage(self) -> None:
        for proxy in (self.s3_link, self.endpoint_link):
            proxy.outage()

    def restore(self) -> None:
        for proxy in (self.s3_link, self.endpoint_link):
            proxy.restore()

    def objects(self) -> dict[str, int]:
        """Every object in the bucket and its size (read directly, not through the emulated link)."""
        sizes: dict[str, int] = {}
        for page in self.s3.get_paginator("list_objects_v2").paginate(Bucket=BUCKET):
            sizes.update({obj["Key"]: int(obj.get("Size", -1)) for obj in page.get("Contents", [])})
        return sizes


def _clean_env(tmp: Path, tls: TlsIdentity) -> dict[str, str]:
    """No user AWS settings or credentials; every CA-bundle variable points at the proxies' CA."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(tls.client_env())
    env["AWS_CONFIG_FILE"] = str(tmp / "aws-config")
    env["AWS_SHARED_CREDENTIALS_FILE"] = str(tmp / "no-aws-credentials")
    env["AWS_EC2_METADATA_DISABLED"] = "true"
    env["PYTHONDONTWRITEBYTECODE"] = "1"
    pythonpath = env.get("PYTHONPATH")
    env["PYTHONPATH"] = str(REPO) + (os.pathsep + pythonpath if pythonpath else "")
    # The aws CLI's own settings: path-style addressing against the proxy's address.
    (tmp / "aws-config").write_text("[default]\ns3 =\n    addressing_style = path\n", encoding="utf-8")
    return env


def _cli_env(base: dict[str, str], tmp: Path) -> dict[str, str]:
    """The CLI's own home and a plaintext keyring in a temp dir (never the user's keychain)."""
    home = tmp / "home"
    for path in (home / ".local" / "share", home / ".config", tmp / "uploader-home"):
        path.mkdir(parents=True, exist_ok=True)
    env = dict(base)
    env.update(HOME=str(home), XDG_DATA_HOME=str(home / ".local" / "share"),
               XDG_CONFIG_HOME=str(home / ".config"), DESKTOP_UPLOADER_HOME=str(tmp / "uploader-home"),
               PYTHON_KEYRING_BACKEND="keyrings.alt.file.PlaintextKeyring")
    env.pop("DBUS_SESSION_BUS_ADDRESS", None)
    return env


def _setup_cli(rig: Rig) -> None:
    """Add the local-signing profile (its key goes to the throw-away keyring) and the Companion profile."""
    steps: list[tuple[list[str], str | None]] = [
        (["profile", "add", "wan-local", "--bucket", BUCKET, "--region", REGION,
          "--s3-endpoint-url", rig.s3_link.url, "--addressing-style", "path"], None),
        (["credentials", "set", "--profile", "wan-local"],
         f"{rig.server.admin.access_key}\n{rig.server.admin.secret_key}\n"),
        (["profile", "add", "wan-companion", "--endpoint", rig.endpoint_link.url, "--protocol", "companion"], None),
        # The reference endpoint signs batches (POST /sign/batch); `check` would tell a user so.
        (["profile", "add", "wan-simple", "--endpoint", rig.endpoint_link.url + "/sign", "--batch-signing"], None),
    ]
    # A first upload with each profile, untimed: the measured runs then start as on a machine where the app
    # was used before, its queue database kept (it knows, for one, where a signing service's links point).
    first = rig.tmp / "first-upload"
    first.mkdir()
    (first / "hello.txt").write_text("hello\n", encoding="utf-8")
    steps += [(["upload", str(first), "--prefix", f"first/{name}/", "--profile", name], None)
              for name in ("wan-local", "wan-simple", "wan-companion")]
    for args, stdin in steps:
        done = subprocess.run([sys.executable, "-m", "desktop_uploader", *args], input=stdin, env=rig.cli_env,
                              cwd=rig.tmp, capture_output=True, text=True, timeout=120, check=False)
        if done.returncode != 0:
            raise SystemExit(f"The CLI step '{' '.join(args[:2])}' failed: {_tail(done.stderr or done.stdout)}")


def _find_aws() -> str | None:
    beside = Path(sys.executable).with_name("aws")
    return str(beside) if beside.exists() else shutil.which("aws")


@contextlib.contextmanager
def _endpoint_process(env: dict[str, str], tmp: Path) -> Iterator[tuple[int, int]]:
    """The reference endpoint as its own process (``python -m desktop_uploader.endpoint``): (port, pid).

    A real signing service does not share a GIL with the network between it and its clients; in this
    process it would share one with both emulated links. Secrets go through the environment, never argv.
    """
    log = tmp / "endpoint.log"
    with open(log, "wb") as err:
        proc = subprocess.Popen([sys.executable, "-m", "desktop_uploader.endpoint", "--port", "0",
                                 "--log-level", "WARNING"], stdin=subprocess.DEVNULL,
                                stdout=subprocess.DEVNULL, stderr=err, env=env)
    try:
        deadline = time.monotonic() + 30
        port = 0
        while not port:
            banner = re.search(r"Signing endpoint on http://127\.0\.0\.1:(\d+)", log.read_text(errors="replace"))
            if banner:
                port = int(banner.group(1))
            elif proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the signing endpoint did not start: {log.read_text(errors='replace')}")
            else:
                time.sleep(0.05)
        yield port, proc.pid
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@contextlib.contextmanager
def rig_setup(tmp: Path) -> Iterator[Rig]:
    from desktop_uploader.devserver.seaweed import SeaweedServer
    from desktop_uploader.devserver.tls import make_tls_identity
    from desktop_uploader.devserver.wan import WanProxy

    print("Starting SeaweedFS, the signing endpoint and two emulated links ...", flush=True)
    tls = make_tls_identity(tmp / "tls")
    # The endpoint's own S3 calls (Companion's multipart create/complete) go through the S3 link too.
    os.environ.update(tls.client_env())
    # Room for every client's copy of every workload: 64 volumes of 256 MiB.
    with SeaweedServer(readonly_identity=False, volume_size_mb=256, volume_slots=64) as server, \
            WanProxy("127.0.0.1", server.port, tls=tls, name="s3") as s3_link:
        server.create_bucket(BUCKET)
        s3 = server.client()
        # The first write makes the server allocate volumes; keep that out of the first measured run.
        s3.put_object(Bucket=BUCKET, Key="warm-up/blob", Body=os.urandom(4 * MiB))
        # None of the caller's own AWS_* settings (a session token, a profile) may reach the endpoint's boto3.
        inherited = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        endpoint_env = {**inherited, **tls.client_env(), "UPLOAD_BUCKET": BUCKET,
                        "S3_ENDPOINT_URL": s3_link.url, "S3_REGION": REGION,
                        "S3_ADDRESSING_STYLE": "path", "URL_EXPIRES": "3600",
                        "AWS_ACCESS_KEY_ID": server.admin.access_key,
                        "AWS_SECRET_ACCESS_KEY": server.admin.secret_key}
        with _endpoint_process(endpoint_env, tmp) as (endpoint_port, endpoint_pid), \
                WanProxy("127.0.0.1", endpoint_port, tls=tls, name="endpoint") as endpoint_link:
            base = _clean_env(tmp, tls)
            rig = Rig(tmp=tmp, server=server, s3=s3, tls=tls, s3_link=s3_link, endpoint_link=endpoint_link,
                      endpoint_pid=endpoint_pid,
                      base_env=base, cli_env=_cli_env(base, tmp), aws=_find_aws(), rclone=shutil.which("rclone"))
            _setup_cli(rig)
            yield rig


# -- one client run ----------------------------------------------------------------------------------------


def client_command(rig: Rig, client: str, folder: Path, prefix: str) -> tuple[list[str], dict[str, str]] | None:
    """The command line and environment of *client* uploading *folder* under *prefix* (None: not installed)."""
    app = [sys.executable, "-m", "desktop_uploader", "upload", str(folder), "--prefix", prefix, "--json"]
    if client == APP_LOCAL:
        return [*app, "--profile", "wan-local"], rig.cli_env
    if client == APP_SIMPLE:
        return [*app, "--profile", "wan-simple"], rig.cli_env
    if client == APP_COMPANION:
        return [*app, "--profile", "wan-companion"], rig.cli_env
    secrets = {"AWS_ACCESS_KEY_ID": rig.server.admin.access_key,
               "AWS_SECRET_ACCESS_KEY": rig.server.admin.secret_key}
    if client == AWS and rig.aws:
        env = {**rig.base_env, **secrets, "AWS_DEFAULT_REGION": REGION}
        return [rig.aws, "s3", "cp", str(folder), f"s3://{BUCKET}/{prefix}", "--recursive",
                "--endpoint-url", rig.s3_link.url, "--only-show-errors"], env
    if client == RCLONE and rig.rclone:
        env = dict(rig.base_env)
        env.pop("AWS_CA_BUNDLE", None)  # rclone refuses to start while it is set; it gets --ca-cert instead
        remote = {"TYPE": "s3", "PROVIDER": "Other", "ENDPOINT": rig.s3_link.url, "REGION": REGION,
                  "FORCE_PATH_STYLE": "true", "ACCESS_KEY_ID": secrets["AWS_ACCESS_KEY_ID"],
                  "SECRET_ACCESS_KEY": secrets["AWS_SECRET_ACCESS_KEY"]}
        env.update({f"RCLONE_CONFIG_WAN_{name}": value for name, value in remote.items()})
        env["RCLONE_CONFIG"] = str(rig.tmp / "no-rclone.conf")
        return [rig.rclone, "copy", str(folder), f"wan:{BUCKET}/{prefix}", "--ca-cert", str(rig.tls.ca_path)], env
    return None


def run_client(rig: Rig, workload: Workload, client: str, folder: Path, prefix: str,
               during: Callable[[subprocess.Popen[bytes]], dict[str, float]] | None = None) -> Result:
    result = Result(workload, client)
    command = client_command(rig, client, folder, prefix)
    if command is None:
        result.error = "not installed"
        return result
    argv, env = command
    # Companion names the keys itself (a random folder per file), so count what is new in the bucket.
    before = rig.objects()
    from upload_bench import proc_cpu_seconds  # this folder, beside this script

    cpu_before = time.process_time() + proc_cpu_seconds(rig.endpoint_pid)
    out_path, err_path = rig.tmp / "child.out", rig.tmp / "child.err"
    with open(out_path, "wb") as out, open(err_path, "wb") as err:
        start = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, cwd=rig.tmp)
        try:
            if during is not None:
                result.outage = during(proc)
            result.exit_code = proc.wait(timeout=RUN_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            result.error = f"killed after {RUN_TIMEOUT:.0f} s"
        result.wall = time.perf_counter() - start
    result.rig_cpu = time.process_time() + proc_cpu_seconds(rig.endpoint_pid) - cpu_before
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    stderr = err_path.read_text(encoding="utf-8", errors="replace")
    # By file name: a Companion service puts each object under a folder of its own.
    arrived = [(key.rsplit("/", 1)[-1], size) for key, size in rig.objects().items() if key not in before]
    sizes = sorted(dict(arrived).values())
    result.stored = len(sizes)
    result.copies = len(arrived) - len(sizes)
    expected = sorted(size for _, size in workload.files)
    if not result.error and result.exit_code != 0:
        result.error = f"exit status {result.exit_code}: {_tail(stderr or stdout)}"
    elif not result.error and sizes != expected:
        result.error = f"the server got {len(sizes)} new objects of the right sizes, expected {len(expected)}"
    elif not result.error and client.startswith("app"):
        result.error = _check_events(stdout, len(expected))
    return result


def _check_events(stdout: str, count: int) -> str:
    done = failed = 0
    for line in stdout.splitlines():
        with contextlib.suppress(ValueError, AttributeError):
            event = json.loads(line).get("event")
            done += event == "done"
            failed += event == "failed"
    return "" if done == count and not failed else f"CLI reported {done} done, {failed} failed"


def _tail(text: str, lines: int = 4) -> str:
    return " | ".join(line.strip() for line in text.strip().splitlines()[-lines:] if line.strip())


def write_folder(root: Path, workload: Workload) -> Path:
    folder = root / workload.name
    folder.mkdir(parents=True)
    for name, size in workload.files:
        with open(folder / name, "wb") as out:
            remaining = size
            while remaining:
                block = min(remaining, 8 * MiB)
                out.write(os.urandom(block))
                remaining -= block
    return folder


# -- the outage scenario -----------------------------------------------------------------------------------


def outage_schedule(rig: Rig, trigger_bytes: int, seconds: float) -> Callable[[subprocess.Popen[bytes]],
                                                                                  dict[str, float]]:
    """Cut both links once *trigger_bytes* more have reached the S3 server, for *seconds*, then restore."""

    def during(proc: subprocess.Popen[bytes]) -> dict[str, float]:
        start = time.perf_counter()
        base = rig.s3_link.stats().bytes_up
        while proc.poll() is None and rig.s3_link.stats().bytes_up - base < trigger_bytes:
            time.sleep(0.01)
        if proc.poll() is not None:
            return {"started": -1.0}
        refused = rig.s3_link.stats().refused + rig.endpoint_link.stats().refused
        cut = rig.s3_link.stats().cut + rig.endpoint_link.stats().cut
        began = time.perf_counter()
        rig.outage()
        cut = rig.s3_link.stats().cut + rig.endpoint_link.stats().cut - cut
        while proc.poll() is None and time.perf_counter() - began < seconds:
            time.sleep(0.05)
        gave_up = proc.poll() is not None
        rig.restore()
        attempts = rig.s3_link.stats().refused + rig.endpoint_link.stats().refused - refused
        return {"started": began - start, "attempts": attempts, "cut": cut, "gave_up": float(gave_up),
                "gave_up_after": time.perf_counter() - began if gave_up else -1.0}

    return during


def run_outage(rig: Rig, root: Path, clients: Sequence[str], count: int, seconds: float) -> list[Result]:
    workload = Workload("outage", TERRESTRIAL, _files(count, 16 * KiB, "o"), "files/s")
    folder = write_folder(root, workload)
    rig.shape(workload.link)
    results: list[Result] = []
    for client in clients:
        prefix = f"outage/{len(results)}/"
        print(f"  outage, {client} ...", flush=True)
        trigger = count * 16 * KiB // 3
        result = run_client(rig, workload, client, folder, prefix, outage_schedule(rig, trigger, seconds))
        result.error = result.error if result.exit_code is None else ""  # failures are what is measured here
        results.append(result)
        twice = f" (and {result.copies} stored twice)" if result.copies else ""
        print(f"    exit {result.exit_code}, {result.stored}/{count} stored{twice}, {result.wall:.1f} s", flush=True)
    return results


# -- the report ------------------------------------------------------------------------------------------


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]], text_columns: int = 2) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(headers)]

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(c.ljust(w) if i < text_columns else c.rjust(w)
                                 for i, (c, w) in enumerate(zip(cells, widths, strict=True))) + " |"

    return "\n".join([line(headers), "|" + "|".join("-" * (w + 2) for w in widths) + "|", *(line(r) for r in rows)])


def _rows(runs: list[Result], outage: bool) -> list[list[str]]:
    """Table rows for one workload; outage rows rank by the files that arrived, not by all files."""
    workload = runs[0].workload

    def rate(r: Result) -> float:
        return r.stored / r.wall if outage else r.rate(workload.metric)

    peers = [rate(r) for r in runs if r.client in PEERS and (r.ok or (outage and r.wall > 0))]
    best = max(peers) if peers else None
    label = workload.label() if not outage else f"outage: {workload.label()}"
    rows = []
    for r in runs:
        if not (r.ok or (outage and r.exit_code is not None)):
            rows.append([label, r.client, "FAILED" if r.error != "not installed" else r.error, *[""] * 8])
            continue
        failed = len(workload.files) - r.stored
        delivered_bytes = workload.total_bytes * r.stored / len(workload.files)
        attempts = str(int(r.outage.get("attempts", 0))) if outage else ""
        rows.append([label, r.client, f"{r.wall:.1f}", f"{r.stored / r.wall:.1f}",
                     f"{delivered_bytes / MiB / r.wall:.2f}", f"{rate(r) / best:.2f}x" if best else "n/a",
                     str(r.exit_code), str(failed), str(r.copies), attempts, f"{r.rig_cpu:.1f}"])
    return rows


def link_ceiling(rig: Rig, workload: Workload) -> float | None:
    """MiB/s of one ``curl -T`` PUT of the workload's bytes in one stream over the same link: what the emulated
    link delivers to a client with no start-up, one handshake and one slow start (None without curl)."""
    curl = shutil.which("curl")
    if curl is None:
        return None
    import boto3
    from botocore.config import Config

    blob = rig.tmp / "ceiling.bin"
    with open(blob, "wb") as out:
        for _ in range(workload.total_bytes // MiB):
            out.write(os.urandom(MiB))
        out.write(os.urandom(workload.total_bytes % MiB))
    far = boto3.client("s3", endpoint_url=rig.s3_link.url, region_name=REGION,
                       aws_access_key_id=rig.server.admin.access_key,
                       aws_secret_access_key=rig.server.admin.secret_key,
                       config=Config(s3={"addressing_style": "path"}))
    url = far.generate_presigned_url("put_object", Params={"Bucket": BUCKET, "Key": "ceiling/blob"}, ExpiresIn=900)
    try:
        start = time.perf_counter()
        # The link goes in through stdin (-K -), never argv: it carries a signature.
        subprocess.run([curl, "-sS", "-f", "-o", os.devnull, "--cacert", str(rig.tls.ca_path), "-H", "Expect:",
                        "-T", str(blob), "-K", "-"], input=f'url = "{url}"\n', text=True, check=True,
                       timeout=RUN_TIMEOUT)
        return workload.total_bytes / MiB / (time.perf_counter() - start)
    except (subprocess.SubprocessError, OSError) as exc:
        print(f"  curl, one stream: failed ({exc})", flush=True)
        return None
    finally:
        blob.unlink()


def _ceiling_lines(results: list[Result], ceilings: dict[str, float]) -> list[str]:
    lines = []
    for name, ceiling in ceilings.items():
        runs = [r for r in results if r.workload.name == name and r.ok]
        if not runs:
            continue
        nominal = runs[0].workload.link.rate_bps / 8 / MiB
        lines.append(f"The {name} set's bytes as one curl PUT over the same link: {ceiling:.2f} MiB/s, "
                     f"{ceiling / nominal:.1%} of the nominal {nominal:.2f} MiB/s. Each client, of the nominal "
                     "rate / of that one stream:")
        lines += [f"  {r.client}: {r.rate('MiB/s') / nominal:.1%} / {r.rate('MiB/s') / ceiling:.1%}" for r in runs]
    return lines


def report(results: list[Result], outage: list[Result], outage_seconds: float,
           ceilings: dict[str, float] | None = None) -> str:
    by_workload: dict[str, list[Result]] = {}
    for result in results:
        by_workload.setdefault(result.workload.name, []).append(result)
    rows = [row for runs in by_workload.values() for row in _rows(runs, outage=False)]
    if outage:
        rows += _rows(outage, outage=True)
    lines = [_table(["workload", "client", "wall s", "files/s", "MiB/s", "vs best peer", "exit", "files failed",
                     "stored twice", "dead-link attempts", "rig CPU s"], rows),
             "vs best peer: the row's rate / the better of aws and rclone, in files/s for small-file sets and "
             "the outage (files that arrived), in MiB/s for the large set."]
    lines += _ceiling_lines(results, ceilings or {})
    if outage:
        lines.append(f"Outage: both links cut for {outage_seconds:g} s once a third of the bytes went through; "
                     "dead-link attempts = connections the client opened into the cut links.")
        for r in outage:
            o = r.outage
            if o.get("started", -1) < 0:
                lines.append(f"  {r.client}: finished before the outage began")
                continue
            state = "had given up" if o.get("gave_up") else "was still running"
            lines.append(f"  {r.client}: cut at {o['started']:.1f} s, {int(o.get('cut', 0))} open connections "
                         f"reset, {state} when the links came back")
    failures = [(r.workload.name, r.client, r.error) for r in results if r.error and r.error != "not installed"]
    lines += [f"FAILED {name} / {client}: {error}" for name, client, error in failures]
    load = os.getloadavg()
    lines.append(f"Load average at the end: {load[0]:.1f} {load[1]:.1f} {load[2]:.1f} on {os.cpu_count()} CPUs.")
    return "\n".join(lines)


# -- main ----------------------------------------------------------------------------------------------


def _client_list(text: str) -> list[str]:
    names = [part.strip() for part in text.split(",") if part.strip()]
    unknown = [n for n in names if n not in CLIENT_IDS]
    if unknown:
        raise argparse.ArgumentTypeError(f"unknown client(s) {unknown}; choose from {', '.join(CLIENT_IDS)}")
    return [CLIENT_IDS[n] for n in names]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="small workloads and a 5 s outage: a sanity run")
    parser.add_argument("--outage-seconds", type=float, default=None, help="length of the outage (45; quick: 5)")
    parser.add_argument("--outage-files", type=int, default=None, help="files in the outage batch (150; quick: 30)")
    parser.add_argument("--outage-clients", type=_client_list, default=None,
                        help="comma-separated, from: " + ", ".join(CLIENT_IDS) + " (default app-simple,aws,rclone)")
    parser.add_argument("--skip-outage", action="store_true")
    parser.add_argument("--outage-only", action="store_true", help="only the outage scenario")
    args = parser.parse_args(argv)
    if str(REPO) not in sys.path:
        sys.path.insert(0, str(REPO))
    from upload_bench import compile_app  # this folder, beside this script

    compile_app()
    outage_seconds = args.outage_seconds if args.outage_seconds is not None else (5.0 if args.quick else 45.0)
    outage_files = args.outage_files or (30 if args.quick else 150)
    outage_clients = args.outage_clients or [APP_SIMPLE, AWS, RCLONE]

    started = time.perf_counter()
    tmp = Path(tempfile.mkdtemp(prefix="wan-bench-"))
    try:
        with rig_setup(tmp) as rig:
            results: list[Result] = []
            ceilings: dict[str, float] = {}
            for workload in [] if args.outage_only else workloads(args.quick):
                folder = write_folder(tmp / "files", workload)
                rig.shape(workload.link)
                print(f"{workload.label()}:", flush=True)
                for client in CLIENTS:
                    result = run_client(rig, workload, client, folder, f"{workload.name}/{len(results)}/")
                    results.append(result)
                    status = "ok" if result.ok else result.error
                    print(f"  {client:<28} {result.wall:7.1f} s  rig CPU {result.rig_cpu:5.1f} s  {status}", flush=True)
                shutil.rmtree(folder)
                if workload.metric == "MiB/s":
                    ceiling = link_ceiling(rig, workload)
                    if ceiling is not None:
                        ceilings[workload.name] = ceiling
                        print(f"  {'curl, all bytes in one PUT':<28} {ceiling:7.2f} MiB/s", flush=True)
            outage = [] if args.skip_outage else run_outage(rig, tmp / "files", outage_clients, outage_files,
                                                              outage_seconds)
            print()
            print(report(results, outage, outage_seconds, ceilings))
            print(f"Whole run: {time.perf_counter() - started:.0f} s")
            failed = any(r.error and r.error != "not installed" for r in results)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
