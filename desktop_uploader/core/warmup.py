"""Connections to the storage, opened while the first links are on their way.

Through a signing service every run starts with two waits in a row: a connection to the service and its
answer, then a connection to the storage (TCP and TLS: two round trips) before the first byte of a file goes
out. The storage's address is only in the links, but it rarely changes: the queue database keeps, per
destination, the origin its last files went to. When a run starts signing remotely, connections to that
origin are opened at once, alongside the signing call, and put in the engine's pool for the first uploads.
On an 80 ms link that is about 0.2 s off the start of every run; on a satellite link more than a second.

Signing here, the app knows the storage's address itself, and a run starts with a wait of its own: the bucket
is listed to find the files already there (core/overwrite.py). The connections are opened during that
listing.

A connection is opened, nothing is sent: no request shows up in the storage's logs. If the origin moved,
the connections go unused and close; the next run knows the new one.
"""

from __future__ import annotations

import logging
import threading
from urllib.parse import urlsplit

import requests
import urllib3

from desktop_uploader.core.http import CONNECT_TIMEOUT, direct_pool
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
        origin = origin or self._store.destination_fact(destination, FACT)
        if origin is None or connections < 1:
            return
        with self._lock:
            self._origins.setdefault(destination, origin)
        # None through a proxy from the environment: its tunnels are requests' business.
        pool = direct_pool(self._session, origin + "/")
        if pool is None:
            return
        for _ in range(connections):
            threading.Thread(target=_open, args=(pool,), name="storage-warmup", daemon=True).start()


def _open(pool: urllib3.HTTPConnectionPool) -> None:
    """One new connection into ``pool``, connected (TCP and TLS, verified as for any request) and idle.

    urllib3 has no public call for this; a pool hands out and takes back connections with ``_get_conn`` and
    ``_put_conn``, and a request made later takes this one from the pool like any other (the session tickets
    a TLS 1.3 server sends after the handshake do not make it look closed: see core/http.py)."""
    try:
        conn = pool._get_conn()
    except (urllib3.exceptions.HTTPError, OSError):
        return  # the pool is closed or full
    try:
        if not conn.is_connected:  # one left idle in the pool is warm already
            conn.timeout = CONNECT_TIMEOUT
            conn.connect()
    except (urllib3.exceptions.HTTPError, OSError) as exc:
        log.debug("could not open a connection to the storage ahead: %s", exc)
        conn.close()
    pool._put_conn(conn)
