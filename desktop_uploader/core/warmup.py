"""Connections to the storage, opened while the first links are on their way.

Through a signing service every run starts with two waits in a row: a connection to the service and its
answer, then a connection to the storage (TCP and TLS: two round trips) before the first byte of a file goes
out. The storage's address is only in the links, but it rarely changes: the queue database keeps, per
destination, the origin its last files went to. When a run starts signing remotely, connections to that
origin are opened at once, alongside the signing call, and put in the engine's pool for the first uploads.
On an 80 ms link that is about 0.2 s off the start of every run; on a satellite link more than a second.

Signing here, the app knows the storage's address itself, and a run starts with a wait of its own: the bucket
is listed to find the files already there (core/overwrite.py). The connections are opened as that listing
starts, or before (below) where the origin is known from the last run, and the listing waits for the first
of them rather than paying for a connection of its own.

A connection is opened, nothing is sent: no request shows up in the storage's logs. If the origin moved,
the connections go unused and close; the next run knows the new one.

A short run (the command line, a right-click upload) can start sooner still: a good part of its start is
Python loading the engine, two or three round trips' worth on a far link. Once the HTTP session exists, the
connections to a signing service and to where its links pointed last time are opened while the rest loads
(connect_for_run), and the first signing call finds its connection ready. Signing here, the storage's
origin as the last run found it is opened the same way: working it out from the profile needs botocore, the
slowest of the modules to load.
"""

from __future__ import annotations

import logging
import threading
from typing import cast
from urllib.parse import urlsplit

import requests
import urllib3

from desktop_uploader.core.config import KIND_ENDPOINT, Profile, ProfileError
from desktop_uploader.core.http import CONNECT_TIMEOUT, ConnectionsAhead, EngineAdapter, direct_pool
from desktop_uploader.core.signers.service import describe_destination, destination_name
from desktop_uploader.core.store import JobStore

log = logging.getLogger(__name__)

FACT = "storage-origin"


class StorageWarmup:
    """Thread-safe."""

    def __init__(self, store: JobStore, session: requests.Session) -> None:
        self._store = store
        self._session = session
        self._lock = threading.Lock()
        self._origins: dict[str, str] = {}  # destination -> the origin the database holds for it
        self._warmed: set[str] = set()

    def seen(self, destination: str, url: str) -> None:
        """A file of ``destination`` was uploaded to ``url``: its origin is kept (written only when it changed)."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        with self._lock:
            if self._origins.get(destination) == origin:
                return
            self._origins[destination] = origin
        self._store.set_destination_fact(destination, FACT, origin)

    def warm(self, destination: str, connections: int, origin: str | None = None) -> None:
        """Open up to ``connections`` connections, in the background, to ``origin`` or else to where
        ``destination``'s files went last time; once per destination and engine."""
        with self._lock:
            if destination in self._warmed:
                return
            self._warmed.add(destination)
        known = self._store.destination_fact(destination, FACT)
        if known is not None:
            with self._lock:  # what seen() compares with: only a change is written
                self._origins.setdefault(destination, known)
        origin = origin or known
        if origin is None or connections < 1:
            return
        connect_ahead(self._session, origin, connections)


def connect_ahead(session: requests.Session, origin: str, connections: int) -> None:
    """Open up to ``connections`` connections to ``origin`` (``scheme://host[:port]``) in ``session``'s pool,
    in the background."""
    # None through a proxy from the environment: its tunnels are requests' business.
    pool = direct_pool(session, origin + "/")
    if pool is None:
        return
    ahead = cast(EngineAdapter, session.get_adapter(origin + "/")).ahead  # direct_pool checked the adapter
    # Those opened before the engine existed count (connect_for_run): only the ones missing are opened.
    for _ in range(ahead.reserve(origin, connections)):
        threading.Thread(target=_open, args=(pool, ahead, origin), name="connect-ahead", daemon=True).start()


def connect_for_run(session: requests.Session, store: JobStore, profile: Profile, concurrency: int) -> None:
    """Before the engine is built: connections to ``profile``'s signing service, and to the storage its files
    went to last time."""
    try:
        profile.validate()  # an address it would refuse (plain http to another computer, say) is not contacted
    except ProfileError:
        return  # the run says what is wrong with the profile
    if profile.kind == KIND_ENDPOINT:
        parts = urlsplit(profile.endpoint_url)
        # A batch of links comes in one call; a service that signs file by file is asked for several at once.
        connect_ahead(session, f"{parts.scheme}://{parts.netloc}", 1 if profile.batch_signing else concurrency)
    storage = store.destination_fact(destination_name(describe_destination(profile)), FACT)
    if storage is not None:
        connect_ahead(session, storage, concurrency)


def _open(pool: urllib3.HTTPConnectionPool, ahead: ConnectionsAhead, origin: str) -> None:
    ready = False
    try:
        ready = _connect_into(pool)
    finally:
        ahead.done(origin, ready=ready)


def _connect_into(pool: urllib3.HTTPConnectionPool) -> bool:
    """One new connection into ``pool``, connected (TCP and TLS, verified as for any request) and idle.

    urllib3 has no public call for this; a pool hands out and takes back connections with ``_get_conn`` and
    ``_put_conn``, and a request made later takes this one from the pool like any other (the session tickets
    a TLS 1.3 server sends after the handshake do not make it look closed: see core/http.py)."""
    try:
        conn = pool._get_conn()
    except (urllib3.exceptions.HTTPError, OSError):
        return False  # the pool is closed or full
    try:
        if not conn.is_connected:  # one left idle in the pool is warm already
            conn.timeout = CONNECT_TIMEOUT
            conn.connect()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        log.debug("could not open a connection to %s ahead: %s", pool.host, exc)
        conn.close()
        pool._put_conn(conn)
        return False
    pool._put_conn(conn)
    return True
