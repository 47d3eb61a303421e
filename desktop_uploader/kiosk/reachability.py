"""Is the upload service reachable right now? A background check that the kiosk uses to pause and resume.

Operating systems can say whether *a* network is up, but not whether the signing service behind it
answers (captive Wi-Fi, a dead uplink, a firewall). So the check is real: an HTTP HEAD to the signing
endpoint (or the storage address for local signing) with a short timeout. Any HTTP answer, even 403 or
405, means the server is reachable; a connection error or timeout means it is not.

While offline the check repeats with a growing interval capped at ``max_backoff`` (three minutes by
default), so a device in the field does not keep its radio busy; ``nudge()`` asks for an immediate
check, for example when the platform reports a new network or an upload failed to connect. While online
it repeats every ``check_interval`` to notice a lost connection before the queue burns its retries.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from urllib.parse import urlsplit, urlunsplit

import requests

from desktop_uploader.core.config import KIND_LOCAL, Profile
from desktop_uploader.core.http import make_session

log = logging.getLogger(__name__)

Probe = Callable[[], bool]
ChangeCallback = Callable[[bool], None]

PROBE_TIMEOUT = 5.0
CHECK_INTERVAL = 60.0
MIN_BACKOFF = 2.0
MAX_BACKOFF = 180.0


def probe_url(profile: Profile) -> str:
    """The address whose answer tells whether uploads with ``profile`` can go out."""
    if profile.kind == KIND_LOCAL:
        if profile.s3_endpoint_url:
            return profile.s3_endpoint_url
        region = profile.region or "us-east-1"
        return f"https://s3.{region}.amazonaws.com/"
    parts = urlsplit(profile.endpoint_url)
    # Only the address matters; the query could carry a token-like parameter we should not repeat.
    return urlunsplit((parts.scheme, parts.netloc, parts.path or "/", "", ""))


def http_probe(url: str, session: requests.Session, timeout: float = PROBE_TIMEOUT) -> bool:
    """True if something answered HTTP at ``url`` within ``timeout`` seconds."""
    try:
        response = session.head(url, timeout=(timeout, timeout), allow_redirects=False)
    except requests.RequestException as exc:
        log.debug("reachability check of %s failed: %s", url, exc)
        return False
    response.close()
    return True


class Reachability:
    """Tracks whether the service answers, on a background thread; Qt-free.

    ``online`` is None until the first check finished. Callbacks registered with ``on_change`` run on the
    checking thread with the new value, once per change (and once for the first result).
    """

    def __init__(self, url: str | None = None, *, probe: Probe | None = None, timeout: float = PROBE_TIMEOUT,
                 check_interval: float = CHECK_INTERVAL, min_backoff: float = MIN_BACKOFF,
                 max_backoff: float = MAX_BACKOFF) -> None:
        if probe is None and not url:
            raise ValueError("Reachability needs a URL or a probe function.")
        self.url = url
        self.timeout = timeout
        self.check_interval = check_interval
        self.min_backoff = min_backoff
        self.max_backoff = max(max_backoff, min_backoff)
        self._session: requests.Session | None = None
        self._probe = probe or self._http
        self._callbacks: list[ChangeCallback] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None
        self._online: bool | None = None
        self._backoff = min_backoff
        self._next_check_at: float | None = None
        self.checks = 0

    @property
    def online(self) -> bool | None:
        return self._online

    @property
    def next_check_in(self) -> float | None:
        """Seconds until the next scheduled check, or None if none is scheduled."""
        at = self._next_check_at
        return None if at is None else max(0.0, at - time.monotonic())

    def on_change(self, callback: ChangeCallback) -> Callable[[], None]:
        with self._lock:
            self._callbacks.append(callback)

        def remove() -> None:
            with self._lock:
                if callback in self._callbacks:
                    self._callbacks.remove(callback)

        return remove

    def start(self) -> None:
        if self._thread is not None:
            return
        self._stopped.clear()
        self._thread = threading.Thread(target=self._run, name="reachability", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 10.0) -> None:
        self._stopped.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        if self._session is not None:
            self._session.close()
            self._session = None

    def nudge(self, *, reset_backoff: bool = False) -> None:
        """Check as soon as possible (and, with ``reset_backoff``, retry quickly after that too)."""
        if reset_backoff:
            self._backoff = self.min_backoff
        self._wake.set()

    def check_now(self) -> bool:
        """Run one check on the calling thread and update the state."""
        try:
            result = bool(self._probe())
        except Exception:  # a broken probe must read as "offline", never kill the thread
            log.exception("reachability probe failed")
            result = False
        self.checks += 1
        self._set(result)
        return result

    def _http(self) -> bool:
        if self._session is None:
            self._session = make_session(pool_size=2)
        assert self.url is not None
        return http_probe(self.url, self._session, self.timeout)

    def _set(self, online: bool) -> None:
        with self._lock:
            changed = online != self._online
            self._online = online
            callbacks = list(self._callbacks) if changed else []
        for callback in callbacks:
            try:
                callback(online)
            except Exception:
                log.exception("reachability listener failed")

    def _run(self) -> None:
        while not self._stopped.is_set():
            # Cleared before the check, so a nudge that arrives during it leads to one more check at once.
            self._wake.clear()
            online = self.check_now()
            if online:
                delay = self.check_interval
                self._backoff = self.min_backoff
            else:
                delay = self._backoff
                self._backoff = min(self._backoff * 2, self.max_backoff)
            self._next_check_at = time.monotonic() + delay
            self._wake.wait(delay)
            self._next_check_at = None
