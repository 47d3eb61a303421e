"""An emulated wide-area link in front of a local server: delay, a bandwidth cap, TLS and outages on demand.

The app is meant for hotel Wi-Fi, mobile data and satellite links, where a round trip costs 80-600 ms and a
connection can die or stall at any moment. This machine has no ``netem``, so :class:`WanProxy` emulates
such a link in user space: a TCP proxy on a free loopback port, run by an asyncio loop in a thread of its
own, that forwards to a target (SeaweedFS, the reference signing endpoint, ...).

What it does to the bytes, per connection and direction (a "pipe"):

* **Delay line.** Every chunk read is stamped with the time it will arrive (one-way delay = RTT/2 after the
  link has finished sending it) and released at that time. Chunks follow each other without waiting for
  the one before, so a long transfer still fills the link: throughput is preserved, only latency is added.
* **Bandwidth cap, shared.** One serializer per direction is shared by all connections of the proxy, like
  the one access link all of a laptop's connections go through: a chunk leaves when the link has finished
  sending everything queued before it.
* **TCP-like costs.** A new connection's first bytes arrive one extra RTT late (the handshake a real
  connection pays before it can send), and each pipe starts with a 10-segment window that grows by what
  is acknowledged (slow start; an "ack" comes back one-way-delay after delivery). Both can be turned off.
* **TLS at the far end.** With ``tls=True`` the proxy speaks HTTPS with a throw-away certificate (see
  :mod:`desktop_uploader.devserver.tls`) and forwards plain bytes to the target. TLS ends *behind* the
  delay line, so the handshake's round trips are paid as over a real link. Clients trust the CA through
  :meth:`WanProxy.client_env` (``REQUESTS_CA_BUNDLE``, ``AWS_CA_BUNDLE``, ...).
* **Trouble on demand:** :meth:`~WanProxy.outage` cuts every open connection with a reset and resets
  every new one as soon as it has sent its first bytes (counted as ``refused``); :meth:`~WanProxy.blackhole`
  accepts connections but moves no bytes (a stall; held bytes flow again after :meth:`~WanProxy.restore`);
  :meth:`~WanProxy.drip` squeezes the link to a few bytes per second in both directions;
  :meth:`~WanProxy.restore` returns to normal.

Presigned S3 links are signed for the host the client uses, so whatever signs them (local signing, the
reference endpoint) must be given the proxy's URL (:attr:`WanProxy.url`, path-style addressing).

Byte counters count what crosses the emulated link: with TLS that is the encrypted stream, handshakes
included. Not emulated: packet loss, reordering, jitter, and slow start's restart after idle.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
import ssl
import struct
import threading
import time
from collections import deque
from collections.abc import Callable, Coroutine
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Final, TypeVar

from desktop_uploader.devserver.tls import TlsIdentity, make_tls_identity

__all__ = ["MODE_BLACKHOLE", "MODE_DRIP", "MODE_OUTAGE", "MODE_UP", "WanError", "WanProxy", "WanStats"]

logger = logging.getLogger(__name__)

MODE_UP: Final = "up"
MODE_OUTAGE: Final = "outage"
MODE_BLACKHOLE: Final = "blackhole"
MODE_DRIP: Final = "drip"

_MAX_CHUNK: Final = 64 * 1024
# A chunk holds at most this much of the link's time, so a slow link still delivers in small steps.
_CHUNK_SECONDS: Final = 0.01
# Linux's initial congestion window: 10 segments of a 1448-byte payload.
_INITIAL_WINDOW: Final = 10 * 1448
_MIN_MAX_WINDOW: Final = 64 * 1024
# Without a rate cap a window of a few MiB is what TCP's buffer auto-tuning reaches on a fast path.
_UNCAPPED_MAX_WINDOW: Final = 4 * 1024 * 1024
_TLS_HANDSHAKE_TIMEOUT: Final = 30.0
_CONTROL_TIMEOUT: Final = 10.0
# How long a connection accepted during an outage may take to send its first bytes before it is reset.
_REFUSE_GRACE: Final = 2.0
# How long a finished connection may take to flush and close before it is dropped.
_CLOSE_TIMEOUT: Final = 5.0
# How long stopping waits at most between looks for connections still being set up.
_SETTLE_STEP: Final = 0.01
_LISTEN_BACKLOG: Final = 512

_T = TypeVar("_T")


class WanError(RuntimeError):
    """The proxy could not start, or was used while not running."""


@dataclass(frozen=True)
class WanStats:
    """Counters since start.

    ``accepted`` counts every TCP connection the proxy accepted, in any mode; ``refused`` those accepted
    during an outage (and reset); ``cut`` the open connections an outage reset; ``stalled`` those
    accepted while blackholed; ``open`` the connections being forwarded now. ``bytes_up`` (client to
    target) and ``bytes_down`` count bytes delivered across the emulated link.
    """

    mode: str
    accepted: int
    refused: int
    cut: int
    stalled: int
    open: int
    bytes_up: int
    bytes_down: int


class _Counters:
    """Written by the proxy's loop, read from any thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.values = {"accepted": 0, "refused": 0, "cut": 0, "stalled": 0, "open": 0, "bytes_up": 0,
                       "bytes_down": 0}

    def add(self, name: str, amount: int = 1) -> None:
        with self._lock:
            self.values[name] += amount

    def snapshot(self, mode: str) -> WanStats:
        with self._lock:
            return WanStats(mode=mode, **self.values)


class _Link:
    """One direction of the emulated line: a serializer that every connection's chunks queue for."""

    def __init__(self, bytes_per_s: float | None) -> None:
        self.bytes_per_s = bytes_per_s
        self._free_at = 0.0

    def set_rate(self, bytes_per_s: float | None, now: float) -> None:
        self.bytes_per_s = bytes_per_s
        self._free_at = min(self._free_at, now)

    def reserve(self, size: int, now: float) -> float:
        """The time at which a chunk of *size* bytes read *now* has left the sender."""
        if self.bytes_per_s is None:
            return now
        start = max(now, self._free_at)
        self._free_at = start + size / self.bytes_per_s
        return self._free_at

    def chunk_size(self) -> int:
        if self.bytes_per_s is None:
            return _MAX_CHUNK
        return max(1, min(_MAX_CHUNK, int(self.bytes_per_s * _CHUNK_SECONDS)))


class _Line:
    """The shaping state shared by every pipe of one proxy; touched only on the proxy's loop."""

    def __init__(self, rtt_s: float, rate_bps: float | None, *, connect_rtt: bool, slow_start: bool) -> None:
        self.rtt = rtt_s
        self.rate_bps = rate_bps
        self.connect_rtt = connect_rtt
        self.slow_start = slow_start
        self.mode = MODE_UP
        self.up = _Link(_bytes_per_s(rate_bps))
        self.down = _Link(_bytes_per_s(rate_bps))
        self.flowing = asyncio.Event()
        self.flowing.set()

    @property
    def one_way(self) -> float:
        return self.rtt / 2

    def max_window(self) -> int:
        rate = _bytes_per_s(self.rate_bps)
        if rate is None:
            return _UNCAPPED_MAX_WINDOW
        # About two bandwidth-delay products: enough for one connection to fill the link, and a bounded
        # queue (as a router's buffer would be) when many connections share it.
        return max(_MIN_MAX_WINDOW, int(2 * rate * max(self.rtt, 0.05)))

    def apply(self, mode: str, link_rate: float | None, now: float) -> None:
        self.mode = mode
        for link in (self.up, self.down):
            link.set_rate(link_rate, now)
        if mode == MODE_BLACKHOLE:
            self.flowing.clear()
        else:
            self.flowing.set()


def _bytes_per_s(rate_bps: float | None) -> float | None:
    return None if rate_bps is None else rate_bps / 8


class _Pipe:
    """One direction of one connection: read, stamp with an arrival time, deliver at that time."""

    def __init__(self, line: _Line, link: _Link, reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                 on_delivered: Callable[[int], None], *, first_extra_delay: float = 0.0) -> None:
        self._line = line
        self._link = link
        self._reader = reader
        self._writer = writer
        self._on_delivered = on_delivered
        self._extra = first_extra_delay
        self._queue: deque[tuple[float, bytes | None]] = deque()
        self._ready = asyncio.Event()
        self._window_open = asyncio.Event()
        self._window_open.set()
        self._in_flight = 0
        self._window = _INITIAL_WINDOW if line.slow_start else line.max_window()

    async def run(self) -> None:
        async with asyncio.TaskGroup() as group:
            group.create_task(self._take())
            group.create_task(self._deliver())

    async def _take(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._window_open.wait()
            await self._line.flowing.wait()
            room = max(1, min(self._link.chunk_size(), self._window - self._in_flight))
            data = await self._reader.read(room)
            now = loop.time()
            if not data:
                self._queue.append((now + self._line.one_way, None))
                self._ready.set()
                return
            arrival = self._link.reserve(len(data), now) + self._line.one_way + self._extra
            self._extra = 0.0
            self._in_flight += len(data)
            if self._in_flight >= self._window:
                self._window_open.clear()
            self._queue.append((arrival, data))
            self._ready.set()

    async def _deliver(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._ready.wait()
            arrival, data = self._queue.popleft()
            if not self._queue:
                self._ready.clear()
            wait = arrival - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            await self._line.flowing.wait()
            if data is None:
                if self._writer.can_write_eof():
                    self._writer.write_eof()
                else:
                    self._writer.close()
                return
            self._writer.write(data)
            await self._writer.drain()
            self._on_delivered(len(data))
            loop.call_later(self._line.one_way, self._acknowledge, len(data))

    def _acknowledge(self, size: int) -> None:
        self._in_flight -= size
        if self._line.slow_start:
            self._window = min(self._line.max_window(), self._window + size)
        else:
            self._window = self._line.max_window()
        if self._in_flight < self._window:
            self._window_open.set()


async def _copy(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    """Forward bytes unshaped until EOF (the far side of the TLS terminator)."""
    while data := await reader.read(_MAX_CHUNK):
        writer.write(data)
        await writer.drain()
    if writer.can_write_eof():
        writer.write_eof()
    else:
        writer.close()


async def _tls_streams(sock: socket.socket, context: ssl.SSLContext) -> tuple[asyncio.StreamReader,
                                                                               asyncio.StreamWriter]:
    """Complete a server-side TLS handshake on an already connected socket and wrap it in streams."""
    loop = asyncio.get_running_loop()
    reader = asyncio.StreamReader()
    protocol = asyncio.StreamReaderProtocol(reader)
    transport, _ = await loop.connect_accepted_socket(
        lambda: protocol, sock, ssl=context, ssl_handshake_timeout=_TLS_HANDSHAKE_TIMEOUT
    )
    return reader, asyncio.StreamWriter(transport, protocol, reader, loop)


async def _close(writer: asyncio.StreamWriter, *, graceful: bool) -> None:
    """Close after flushing what is buffered when the exchange ended normally; drop everything otherwise."""
    if graceful and not writer.transport.is_closing():
        writer.close()
        with contextlib.suppress(OSError, TimeoutError):
            await asyncio.wait_for(writer.wait_closed(), _CLOSE_TIMEOUT)
    writer.transport.abort()


def _reset(writer: asyncio.StreamWriter) -> None:
    """Close with a TCP reset (RST), as a dropped route or a killed server does, not a polite FIN."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


class _Relay:
    """Everything on the proxy's loop: the listener, the shaping, the open connections."""

    def __init__(self, proxy: WanProxy, line: _Line) -> None:
        self._proxy = proxy
        self.line = line
        self.server: asyncio.Server | None = None
        self.connections: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self.refusing: dict[asyncio.Task[Any], asyncio.StreamWriter] = {}
        self.closing = False
        self._tls = proxy.tls_identity.server_context() if proxy.tls_identity is not None else None

    async def open(self, host: str) -> int:
        self.server = await asyncio.start_server(self._serve, host, 0, backlog=_LISTEN_BACKLOG)
        port: int = self.server.sockets[0].getsockname()[1]
        return port

    async def close(self) -> None:
        """Reset every connection, then stop listening. The listener closes last, once no connection it
        accepted is still being set up: asyncio (3.13.0) cannot attach a new connection to a closed server and
        leaves that connection's socket open."""
        self.closing = True  # connections accepted from now on are reset as they arrive
        loop = asyncio.get_running_loop()
        current = asyncio.current_task()
        deadline = loop.time() + _CLOSE_TIMEOUT
        while True:
            for task, writer in {**self.connections, **self.refusing}.items():
                _reset(writer)
                task.cancel()
            others = asyncio.all_tasks() - {current}
            if not others or loop.time() >= deadline:
                break
            # New connections get as far as _serve (and are reset there); cut ones end.
            await asyncio.wait(others, timeout=_SETTLE_STEP, return_when=asyncio.FIRST_COMPLETED)
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def set_mode(self, mode: str, link_rate: float | None) -> None:
        self.line.apply(mode, link_rate, asyncio.get_running_loop().time())
        if mode != MODE_OUTAGE:
            return
        cut = list(self.connections.items())
        for task, writer in cut:
            _reset(writer)
            task.cancel()
        self._proxy.counters.add("cut", len(cut))
        await asyncio.gather(*(task for task, _ in cut), return_exceptions=True)

    async def _serve(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        counters = self._proxy.counters
        counters.add("accepted")
        task = asyncio.current_task()
        assert task is not None
        if self.closing:
            _reset(client_writer)
            return
        if self.line.mode == MODE_OUTAGE:
            counters.add("refused")
            self.refusing[task] = client_writer
            try:
                await self._refuse(client_reader, client_writer)
            finally:
                self.refusing.pop(task, None)
            return
        if self.line.mode == MODE_BLACKHOLE:
            counters.add("stalled")
        self.connections[task] = client_writer
        counters.add("open")
        completed = False
        try:
            await self._forward(client_reader, client_writer)
            completed = True
        except* OSError as group:
            logger.debug("wan proxy: connection ended: %s", group.exceptions[0])
        except* Exception as group:
            logger.warning("wan proxy: connection failed", exc_info=group)
        finally:
            counters.add("open", -1)
            self.connections.pop(task, None)
            await _close(client_writer, graceful=completed)

    @staticmethod
    async def _refuse(client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        # Reset once the client has sent its first bytes, not the moment the connection is accepted: a
        # reset that arrives before a client has begun its TLS handshake makes CPython's ssl module raise
        # without closing the socket it made, which would leak it in the client.
        try:
            with contextlib.suppress(OSError, TimeoutError):
                await asyncio.wait_for(client_reader.read(1), _REFUSE_GRACE)
        finally:  # also when the proxy stops meanwhile: a connection left open would leak its transport
            _reset(client_writer)

    async def _forward(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        proxy = self._proxy
        near, far = socket.socketpair() if self._tls is not None else (None, None)
        target_writer: asyncio.StreamWriter | None = None
        completed = False
        try:
            if near is not None and far is not None:
                target_reader, target_writer = await asyncio.open_connection(sock=near)
            else:
                target_reader, target_writer = await asyncio.open_connection(proxy.target_host, proxy.target_port)
            line = self.line
            extra = line.rtt if line.connect_rtt else 0.0
            up = _Pipe(line, line.up, client_reader, target_writer, lambda n: proxy.counters.add("bytes_up", n),
                       first_extra_delay=extra)
            down = _Pipe(line, line.down, target_reader, client_writer,
                         lambda n: proxy.counters.add("bytes_down", n))
            async with asyncio.TaskGroup() as group:
                group.create_task(up.run())
                group.create_task(down.run())
                if far is not None:
                    group.create_task(self._terminate_tls(far))
            completed = True
        finally:
            if target_writer is not None:
                await _close(target_writer, graceful=completed)
            for sock in (near, far):
                if sock is not None:
                    sock.close()

    async def _terminate_tls(self, sock: socket.socket) -> None:
        """The server end of the emulated link: TLS in, plain bytes to the target."""
        assert self._tls is not None
        tls_reader, tls_writer = await _tls_streams(sock, self._tls)
        plain_writer: asyncio.StreamWriter | None = None
        completed = False
        try:
            plain_reader, plain_writer = await asyncio.open_connection(self._proxy.target_host,
                                                                       self._proxy.target_port)
            async with asyncio.TaskGroup() as group:
                group.create_task(_copy(tls_reader, plain_writer))
                group.create_task(_copy(plain_reader, tls_writer))
            completed = True
        finally:
            await _close(tls_writer, graceful=completed)
            if plain_writer is not None:
                await _close(plain_writer, graceful=completed)


class WanProxy:
    """A TCP proxy on 127.0.0.1 that makes a local server look far away (see the module's description).

    ``rtt_ms`` is the round-trip time added (half each way); ``rate_bps`` the link's capacity in *bits* per
    second per direction (``None``: uncapped), shared by all connections; ``tls`` serves HTTPS with a fresh
    throw-away CA (``True``) or a given :class:`TlsIdentity` (so several proxies share one CA file).
    ``connect_rtt`` charges each new connection one extra RTT before its first bytes arrive (TCP's
    handshake); ``slow_start`` starts every pipe with a small window that grows as bytes are acknowledged.

    Use as a context manager, or :meth:`start` and :meth:`stop`. Every method may be called from any
    thread; the mode changes (:meth:`outage`, :meth:`blackhole`, :meth:`drip`, :meth:`restore`) have taken
    effect when they return.
    """

    def __init__(
        self,
        target_host: str,
        target_port: int,
        *,
        rtt_ms: float = 0.0,
        rate_bps: float | None = None,
        tls: bool | TlsIdentity = False,
        connect_rtt: bool = True,
        slow_start: bool = True,
        listen_host: str = "127.0.0.1",
        name: str = "wan",
    ) -> None:
        if rtt_ms < 0 or (rate_bps is not None and rate_bps <= 0):
            raise ValueError("rtt_ms must be >= 0 and rate_bps > 0 (or None for no cap).")
        self.target_host = target_host
        self.target_port = target_port
        self.listen_host = listen_host
        self.name = name
        self._owns_identity = tls is True
        self.tls_identity: TlsIdentity | None = tls if isinstance(tls, TlsIdentity) else None
        self._settings = (rtt_ms / 1000, rate_bps, connect_rtt, slow_start)
        self.counters = _Counters()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._relay: _Relay | None = None
        self._port: int | None = None
        self._mode = MODE_UP

    # -- addresses -----------------------------------------------------------------------------------

    @property
    def host(self) -> str:
        return self.listen_host

    @property
    def port(self) -> int:
        if self._port is None:
            raise WanError("The WAN proxy is not running.")
        return self._port

    @property
    def scheme(self) -> str:
        return "https" if self.tls_identity is not None else "http"

    @property
    def url(self) -> str:
        """``http(s)://127.0.0.1:PORT``: the base URL clients (and S3 signers) must use."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{self.scheme}://{host}:{self.port}"

    @property
    def ca_path(self) -> Path | None:
        return self.tls_identity.ca_path if self.tls_identity is not None else None

    def client_env(self) -> dict[str, str]:
        """CA-bundle variables for clients of this proxy (empty without TLS)."""
        return self.tls_identity.client_env() if self.tls_identity is not None else {}

    # -- life cycle ----------------------------------------------------------------------------------

    def start(self) -> WanProxy:
        with self._lock:
            if self._thread is not None:
                raise WanError("The WAN proxy is already running.")
            if self._owns_identity and self.tls_identity is None:
                self.tls_identity = make_tls_identity()
            loop = asyncio.new_event_loop()
            loop.set_exception_handler(_quiet_exception_handler)
            thread = threading.Thread(target=_run_loop, args=(loop,), name=f"{self.name}-proxy", daemon=True)
            self._loop, self._thread = loop, thread
            thread.start()
            try:
                self._port = self._call(self._open())
            except BaseException:
                self._shutdown()
                raise
        return self

    async def _open(self) -> int:
        rtt, rate, connect_rtt, slow_start = self._settings
        self._relay = _Relay(self, _Line(rtt, rate, connect_rtt=connect_rtt, slow_start=slow_start))
        return await self._relay.open(self.listen_host)

    def stop(self) -> None:
        """Reset every connection, stop listening and end the thread. Safe to call more than once."""
        with self._lock:
            self._shutdown()

    def _shutdown(self) -> None:
        loop, thread, relay = self._loop, self._thread, self._relay
        if loop is None or thread is None:
            return
        if relay is not None and thread.is_alive():
            with contextlib.suppress(Exception):
                self._call(relay.close())
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=_CONTROL_TIMEOUT)
        self._loop = self._thread = self._relay = None
        self._port = None
        if self._owns_identity and self.tls_identity is not None:
            self.tls_identity.remove()
            self.tls_identity = None

    def __enter__(self) -> WanProxy:
        return self.start() if self._thread is None else self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- conditions on demand ------------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return self._mode

    def outage(self) -> None:
        """Cut every open connection with a reset; new ones are reset as soon as they send their first bytes."""
        self._set_mode(MODE_OUTAGE, self._settings[1])

    def blackhole(self) -> None:
        """Accept connections but move no bytes in either direction until :meth:`restore`."""
        self._set_mode(MODE_BLACKHOLE, self._settings[1])

    def drip(self, bytes_per_s: float) -> None:
        """Squeeze the link to *bytes_per_s* (bytes, not bits) in each direction, shared by all connections."""
        if bytes_per_s <= 0:
            raise ValueError("bytes_per_s must be positive; use blackhole() for a link that moves nothing.")
        self._set_mode(MODE_DRIP, bytes_per_s * 8)

    def restore(self) -> None:
        """Back to the configured delay and rate; held bytes of a blackhole flow again."""
        self._set_mode(MODE_UP, self._settings[1])

    def shape(self, *, rtt_ms: float, rate_bps: float | None) -> None:
        """Change the delay and the rate of the running link (for bytes read from now on)."""
        if rtt_ms < 0 or (rate_bps is not None and rate_bps <= 0):
            raise ValueError("rtt_ms must be >= 0 and rate_bps > 0 (or None for no cap).")
        _, _, connect_rtt, slow_start = self._settings
        self._settings = (rtt_ms / 1000, rate_bps, connect_rtt, slow_start)

        async def apply(relay: _Relay) -> None:
            relay.line.rtt = rtt_ms / 1000
            relay.line.rate_bps = rate_bps
            if relay.line.mode in (MODE_UP, MODE_BLACKHOLE):
                relay.line.apply(relay.line.mode, _bytes_per_s(rate_bps), asyncio.get_running_loop().time())

        self._call(apply(self._running_relay()))

    def _set_mode(self, mode: str, rate_bps: float | None) -> None:
        relay = self._running_relay()
        self._call(relay.set_mode(mode, _bytes_per_s(rate_bps)))
        self._mode = mode

    # -- counters ------------------------------------------------------------------------------------

    def stats(self) -> WanStats:
        return self.counters.snapshot(self._mode)

    def wait_for(self, condition: Callable[[WanStats], bool], timeout: float = 10.0) -> WanStats:
        """Poll :meth:`stats` until *condition* holds; raise :class:`TimeoutError` after *timeout* seconds."""
        deadline = time.monotonic() + timeout
        while True:
            stats = self.stats()
            if condition(stats):
                return stats
            if time.monotonic() >= deadline:
                raise TimeoutError(f"The WAN proxy's counters did not reach the condition: {stats}")
            time.sleep(0.01)

    # -- plumbing ------------------------------------------------------------------------------------

    def _running_relay(self) -> _Relay:
        if self._relay is None:
            raise WanError("The WAN proxy is not running.")
        return self._relay

    def _call(self, coro: Coroutine[Any, Any, _T]) -> _T:
        loop = self._loop
        if loop is None:
            coro.close()
            raise WanError("The WAN proxy is not running.")
        return asyncio.run_coroutine_threadsafe(coro, loop).result(timeout=_CONTROL_TIMEOUT)

    def __repr__(self) -> str:
        where = self.url if self._port is not None else "stopped"
        rtt, rate, _, _ = self._settings
        return (f"WanProxy({where} -> {self.target_host}:{self.target_port}, rtt={rtt * 1000:g} ms, "
                f"rate={rate if rate is not None else 'uncapped'} bit/s, mode={self._mode})")


def _run_loop(loop: asyncio.AbstractEventLoop) -> None:
    asyncio.set_event_loop(loop)
    try:
        loop.run_forever()
    finally:
        # Whatever the close above did not end (it timed out on a starved machine) ends here, so that no
        # connection's socket is left for the garbage collector.
        pending = asyncio.all_tasks(loop)
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        # Name lookups (a target given by name) run in the default executor; end its threads too.
        loop.run_until_complete(loop.shutdown_default_executor())
        loop.close()


def _quiet_exception_handler(loop: asyncio.AbstractEventLoop, context: dict[str, Any]) -> None:
    # Broken handshakes and resets are what this proxy is for; they are not worth more than a debug line.
    logger.debug("wan proxy: %s", context.get("message"), exc_info=context.get("exception"))
