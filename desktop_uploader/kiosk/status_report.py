"""Writing this device's status object in the background (see :mod:`.device_status` for the document).

The reporter listens to the engine's events and writes after each batch (the engine going idle), when files
are queued or fail, and at least every ``interval`` seconds while running, so a silent device stands out as
stale. It is cheap and harmless by design:

- one background thread with its own HTTP session: uploads never wait for it;
- a write prompted by an event is skipped when nothing an admin would see has changed; bursts of events are
  coalesced (``settle``) and writes kept ``min_gap`` apart; the periodic write always goes out, as the
  device's sign of life;
- it goes through the profile's normal signer (a PUT link, or a Companion POST form that keeps the status
  name), so it needs no credentials of its own and the endpoint can limit each device to its own status key;
- a failed write is logged, retried later with a growing pause, and never shown as a file failure.
"""

from __future__ import annotations

import io
import json
import logging
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import requests

from desktop_uploader.core.clock import once_more_on_clock
from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.engine import Engine
from desktop_uploader.core.factory import signer_factory
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.form_upload import post_file
from desktop_uploader.core.http import make_session
from desktop_uploader.core.locked import LockedConfig
from desktop_uploader.core.models import Event, EventKind, Job, JobState, UploadTarget
from desktop_uploader.core.paths import data_dir
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import FormSigner, PutSigner, Signer
from desktop_uploader.core.transfer import put_file
from desktop_uploader.kiosk.device_status import (
    STATUS_CONTENT_TYPE,
    WAITING,
    DeviceStatus,
    LastFailure,
    failure_of,
    free_disk_bytes,
    newest_failure,
    os_description,
    status_key,
)
from desktop_uploader.kiosk.identity import Identity

log = logging.getLogger(__name__)

DEFAULT_INTERVAL = 15 * 60.0
FIRST_RETRY = 30.0
# Events after which the admin's view may have changed; progress and single finished files are not among
# them (the batch's end, IDLE, covers those).
_NEWS = frozenset({EventKind.QUEUED, EventKind.FAILED, EventKind.IDLE, EventKind.CANCELLED, EventKind.REMOVED})

SignerMaker = Callable[[requests.Session], Signer]


class StatusReporter:
    def __init__(self, engine: Engine, make_signer: SignerMaker, identity: Callable[[], Identity], *,
                 key_template: str = "", mode: str = "kiosk", interval: float = DEFAULT_INTERVAL,
                 settle: float = 2.0, min_gap: float = 30.0, disk_path: Path | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.engine = engine
        self._make_signer = make_signer
        self._identity = identity
        self.key = status_key(key_template, identity().install_id)
        self.mode = mode
        self.interval = interval
        self.settle = settle
        self.min_gap = min_gap
        self.disk_path = disk_path
        self.clock = clock
        self.writes = 0
        self.skipped = 0
        self.failures = 0
        self.disabled_reason: str | None = None
        self._last_written: DeviceStatus | None = None
        self._last_failure: LastFailure | None = None
        self._last_problem = ""
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._lock = threading.Lock()  # one write at a time (the thread, or write_now from a caller)
        self._thread: threading.Thread | None = None
        self._unsubscribe: Callable[[], None] | None = None
        self._session: requests.Session | None = None

    # -- running ---------------------------------------------------------------------------------------
    def start(self) -> None:
        if self._thread is not None:
            return
        self._last_failure = newest_failure(self._engine_jobs((JobState.FAILED,)))
        self._unsubscribe = self.engine.subscribe(self._on_event)
        self._thread = threading.Thread(target=self._run, name="status-report", daemon=True)
        self._thread.start()

    def stop(self, timeout: float = 5.0) -> None:
        """Stop writing. A write in flight is not waited for beyond ``timeout``: quitting must stay quick."""
        self._stop.set()
        self._wake.set()
        if self._unsubscribe is not None:
            self._unsubscribe()
            self._unsubscribe = None
        if self._thread is not None:
            self._thread.join(timeout)
            if self._thread.is_alive():
                return  # a write still in flight ends by itself; the daemon thread never keeps the app alive
            self._thread = None
        if self._lock.acquire(timeout=timeout):
            try:
                if self._session is not None:
                    self._session.close()
                    self._session = None
            finally:
                self._lock.release()

    def poke(self) -> None:
        """Something an admin would see changed (an operator took over, settings changed)."""
        self._wake.set()

    def _on_event(self, event: Event) -> None:
        # On an engine worker thread: note and return at once.
        if event.kind is EventKind.FAILED and event.failure:
            self._last_failure = failure_of(event.failure, self.clock())
        if event.kind in _NEWS:
            self._wake.set()

    def _run(self) -> None:
        next_due = time.monotonic()  # a first write at start: the device is alive
        retry = FIRST_RETRY
        last_attempt = float("-inf")
        while not self._stop.is_set() and self.disabled_reason is None:
            poked = self._wake.wait(max(0.0, next_due - time.monotonic()))
            if self._stop.is_set():
                return
            if poked:
                self._wake.clear()
                # Let a burst of events settle into one write, and keep writes apart.
                if self._stop.wait(max(self.settle, last_attempt + self.min_gap - time.monotonic())):
                    return
                self._wake.clear()
            due = time.monotonic() >= next_due
            last_attempt = time.monotonic()
            outcome = self._write(force=due)
            if outcome == "failed":
                next_due = time.monotonic() + min(retry, self.interval)
                retry *= 2
            else:
                retry = FIRST_RETRY
                if outcome == "written" or due:
                    next_due = time.monotonic() + self.interval

    # -- writing ---------------------------------------------------------------------------------------
    def write_now(self) -> bool:
        """Write the status at once, changed or not; True when it was stored."""
        return self._write(force=True) == "written"

    def collect(self) -> DeviceStatus:
        identity = self._identity()
        waiting = self._engine_jobs(WAITING)
        counts = self.engine.counts()
        newest = self.engine.history(limit=1)
        return DeviceStatus(
            install_id=identity.install_id, device_name=identity.device_name, operator=identity.operator,
            mode=self.mode, os=os_description(), queued_files=len(waiting),
            queued_bytes=sum(j.size for j in waiting), failed_files=counts.get(JobState.FAILED, 0),
            last_upload_at=newest[0].finished_at if newest else None, last_failure=self._last_failure,
            free_disk_bytes=free_disk_bytes(self.disk_path or data_dir()), written_at=self.clock(),
        )

    def _write(self, *, force: bool) -> str:
        with self._lock:
            try:
                status = self.collect()
            except Exception:
                log.exception("The device status could not be put together")
                return "failed"
            if not force and status.same_news(self._last_written):
                self.skipped += 1
                return "skipped"
            try:
                sent = self._send(status)
            except UploadError as exc:
                self.failures += 1
                self._report_problem(f"{exc.failure.code}: {exc.failure.message}")
                return "failed"
            except (OSError, requests.RequestException) as exc:
                self.failures += 1
                self._report_problem(type(exc).__name__)
                return "failed"
            if not sent:
                return "failed"
            self._last_written = status
            self.writes += 1
            self._last_problem = ""
            return "written"

    def _send(self, status: DeviceStatus) -> bool:
        data = json.dumps(status.to_json(), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        target = UploadTarget(key=self.key, content_type=STATUS_CONTENT_TYPE, size=len(data))
        if self._session is None:
            self._session = make_session(pool_size=1)
        signer = self._make_signer(self._session)
        try:
            if isinstance(signer, PutSigner):
                session, put_signer = self._session, signer
                once_more_on_clock(lambda: put_file(session, put_signer.sign_put(target), io.BytesIO(data), len(data)),
                                   signer.learn_time)
                return True
            if isinstance(signer, FormSigner):
                signed = signer.sign_post(target)
                if (signed.fields or {}).get("key") != self.key:
                    # A service that names every object itself would scatter a new object each time.
                    self._disable("the signing service does not keep the status object's name")
                    return False
                post_file(self._session, signed, io.BytesIO(data), len(data), filename=self.key.rsplit("/")[-1],
                          content_type=STATUS_CONTENT_TYPE)
                return True
            self._disable(f"the {signer.name} signer cannot send a single object")
            return False
        finally:
            signer.close()

    def _disable(self, reason: str) -> None:
        self.disabled_reason = reason
        log.warning("Device status reports are off: %s.", reason)

    def _report_problem(self, text: str) -> None:
        # The same trouble every few minutes is logged once; the failure is already redacted.
        level = logging.DEBUG if text == self._last_problem else logging.WARNING
        log.log(level, "The device status could not be written to %s: %s", self.key, text)
        self._last_problem = text

    def _engine_jobs(self, states: tuple[JobState, ...]) -> list[Job]:
        return self.engine.jobs(states)


def reporter_for(engine: Engine, config: Config, profile: Profile, identity: Callable[[], Identity], *,
                 locked: LockedConfig | None = None, mode: str = "kiosk", secrets: SecretStore | None = None,
                 **timing: Any) -> StatusReporter:
    """A reporter that writes through ``profile``'s own signer, as the engine's uploads do. ``timing`` are
    StatusReporter's interval, settle, min_gap and clock."""
    factory = signer_factory(config, secrets or SecretStore(), locked=locked)
    return StatusReporter(engine, lambda session: factory(profile.name, session), identity,
                          key_template=profile.status_key, mode=mode, **timing)
