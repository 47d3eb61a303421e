"""Kiosk mode's brain: watch folders feed the engine, and the network decides when it sends.

The engine itself treats an outage met while sending as the destination's state: files stay queued and it
probes the destination one file at a time (see core/health.py); the kiosk shows that as "waiting for
network". What the engine cannot see — the network between uploads, a metered connection — the kiosk
checks itself, as below.

Offline handling, chosen on purpose: the engine is *paused* while the service is unreachable (or the
connection is metered and the admin asked for unmetered only) and *resumed* when it comes back, instead of
letting every file run through its retries. Retries are meant for short hiccups; a field device may be
offline for a day, and files must neither end up "failed" nor keep the radio busy meanwhile. Reachability
is checked for real in the background (capped backoff, see core/network.py) and at once when the system
reports a network change or an upload fails to connect. Files whose retries ran out on a network or
server problem are retried by themselves when the network returns and every few minutes while online;
only problems a person must fix count as "need attention".

The queue itself is the engine's durable SQLite queue, so pending files survive restarts, crashes and
reboots; on start the kiosk resumes whatever was left.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QLocale, QObject, Qt, QTimer, Signal

from desktop_uploader.core import failure as f
from desktop_uploader.core.config import Config, ConfigError, Profile
from desktop_uploader.core.engine import Engine, KeyOptions
from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.gui.bridge import EngineBridge
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.kiosk.identity import META_INSTALL_ID, Identity, IdentityStore
from desktop_uploader.kiosk.reachability import Reachability, probe_url
from desktop_uploader.kiosk.settings import KioskSettings
from desktop_uploader.kiosk.watch import FolderWatcher, SeenFiles, template_for

log = logging.getLogger(__name__)

RETRY_FAILED_MS = 5 * 60 * 1000


class NetState(StrEnum):
    UNKNOWN = "unknown"  # not checked yet: uploads are tried
    ONLINE = "online"
    OFFLINE = "offline"
    METERED = "metered"  # reachable, but only over a metered connection and the admin said no


def is_network_failure(error: dict[str, Any] | None) -> bool:
    if not error:
        return False
    return error.get("code") in f.UNREACHABLE_CODES or bool(error.get("network_error"))


def retries_by_itself(job: Job) -> bool:
    """A failed job the kiosk sends again by itself (network or server trouble), as opposed to one that
    needs a person (a refused key, a file that is gone, a broken profile)."""
    if job.state is not JobState.FAILED:
        return False
    error = job.error or {}
    return is_network_failure(error) or bool(error.get("retryable"))


def failure_text(error: dict[str, Any] | None) -> str:
    if not error:
        return ""
    explanation = error.get("explanation")
    summary = explanation.get("summary") if isinstance(explanation, dict) else None
    return str(summary or error.get("message") or error.get("code") or "")


@dataclass(frozen=True)
class KioskStatus:
    text: str
    waiting: int
    sending: int
    attention: int
    last_sent_at: float | None
    net: NetState


def status_text(*, waiting: int, sending: int, attention: int, last_sent_at: float | None, net: NetState,
                now: datetime | None = None) -> str:
    """The one line a field worker reads: what is happening to their files, in plain words."""
    parts: list[str] = []
    pending = waiting + sending
    # Whole sentences for one file and for several: in many languages the verb agrees with the count.
    if sending or (waiting and net not in (NetState.OFFLINE, NetState.METERED)):
        parts.append(QCoreApplication.translate("KioskStatus", "Sending 1 file…") if pending == 1 else
                     QCoreApplication.translate("KioskStatus", "Sending {count} files…").format(count=pending))
    elif waiting and net is NetState.OFFLINE:
        parts.append(QCoreApplication.translate("KioskStatus", "1 file waiting for network") if pending == 1 else
                     QCoreApplication.translate("KioskStatus", "{count} files waiting for network")
                     .format(count=pending))
    elif waiting and net is NetState.METERED:
        parts.append(QCoreApplication.translate("KioskStatus", "1 file waiting for Wi-Fi or a wired network")
                     if pending == 1 else
                     QCoreApplication.translate("KioskStatus", "{count} files waiting for Wi-Fi or a wired network")
                     .format(count=pending))
    if attention:
        parts.append(QCoreApplication.translate("KioskStatus", "1 needs attention") if attention == 1 else
                     QCoreApplication.translate("KioskStatus", "{count} need attention").format(count=attention))
    if not parts:
        if last_sent_at is None:
            return QCoreApplication.translate("KioskStatus", "Ready. New files are sent by themselves.")
        sent = datetime.fromtimestamp(last_sent_at)
        today = (now or datetime.now()).date()
        clock = sent.strftime("%H:%M")
        if sent.date() == today:
            return QCoreApplication.translate("KioskStatus", "All sent at {time}").format(time=clock)
        # The pattern is translatable and QLocale names the month, so the date reads naturally everywhere.
        pattern = QCoreApplication.translate("KioskStatus", "dd MMM", "date pattern for QDate::toString")
        day = QLocale().toString(QDate(sent.year, sent.month, sent.day), pattern)
        return QCoreApplication.translate("KioskStatus", "All sent on {date} at {time}").format(date=day, time=clock)
    return " · ".join(parts)


class KioskController(QObject):
    status_changed = Signal(object)  # KioskStatus
    jobs_changed = Signal(object)  # list[Event]: state changes, in order
    progress = Signal(object)  # dict[int, Event]
    identity_changed = Signal(object)  # Identity
    _reachability = Signal(bool)  # from the checking thread to the GUI thread

    def __init__(self, engine: Engine, config: Config, settings: KioskSettings, identity: IdentityStore, *,
                 reachability: Reachability | None = None, system_network: SystemNetwork | None = None,
                 seen: SeenFiles | None = None, rescan_seconds: float = 60.0,
                 retry_failed_ms: int = RETRY_FAILED_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.engine = engine
        self.config = config
        self.settings = settings
        self.identity_store = identity
        self._identity = identity.current()
        self.profile = self._profile(settings)
        self.reachability = reachability or Reachability(probe_url(self.profile))
        self.system_network = system_network
        self._seen = seen
        self._rescan_seconds = rescan_seconds
        self.watcher: FolderWatcher | None = None
        self._reachable: bool | None = None
        self._destination_down = False  # the engine found the destination unreachable while sending
        self._net = NetState.UNKNOWN
        self._allowed = True  # read from the watcher thread; a bool assignment is atomic
        self._last_sent_at: float | None = None
        self._started = False
        self._closed = False
        self.bridge = EngineBridge(engine, parent=self)
        self.bridge.events.connect(self._on_events)
        self.bridge.progress.connect(self.progress.emit)
        self._reachability.connect(self._on_reachability, Qt.ConnectionType.QueuedConnection)
        self._unsubscribe_reach = self.reachability.on_change(self._reachability.emit)
        if system_network is not None:
            system_network.changed.connect(self._on_system_network)
        self._retry_timer = QTimer(self)
        self._retry_timer.setInterval(retry_failed_ms)
        self._retry_timer.timeout.connect(self.retry_waiting_failures)
        self._status_timer = QTimer(self)
        self._status_timer.setSingleShot(True)
        self._status_timer.setInterval(50)
        self._status_timer.timeout.connect(self._emit_status)
        self.status = self._compute_status()

    # -- set-up -------------------------------------------------------------------------------------
    def _profile(self, settings: KioskSettings) -> Profile:
        try:
            return self.config.get(settings.profile or None)
        except ConfigError as exc:
            raise ConfigError(self.tr("Kiosk mode needs a destination: {error}").format(error=exc)) from None

    @property
    def identity(self) -> Identity:
        return self._identity

    @property
    def net_state(self) -> NetState:
        return self._net

    @property
    def sending_allowed(self) -> bool:
        return self._allowed

    def owns(self, job: Job) -> bool:
        """Whether the kiosk queued ``job`` (its files carry this install's id), as opposed to an upload
        started from the command line on the same computer."""
        return job.metadata.get(META_INSTALL_ID) == self._identity.install_id

    def start(self) -> None:
        """Resume the queue left from last time and start checking the network; watching starts once an
        operator is known (see :meth:`start_watching`)."""
        if self._started:
            return
        self._started = True
        done = self.engine.jobs((JobState.DONE,))
        finished = [j.finished_at for j in done if j.finished_at and self.owns(j)]
        self._last_sent_at = max(finished) if finished else None
        # Jobs paused by a previous kiosk session (offline at quit) go back to the queue; if we are
        # still offline the first check pauses them again before much is tried.
        self.engine.resume()
        self.retry_waiting_failures()
        self.engine.start()
        self.reachability.start()
        self._retry_timer.start()
        self._update_net()
        self.schedule_status()

    def start_watching(self) -> None:
        if self.watcher is not None or not self.settings.watch_folders:
            return
        self.watcher = FolderWatcher(
            [Path(p) for p in self.settings.watch_folders], self._queue_watched, seen=self._seen,
            stable_seconds=self.settings.stable_seconds, rescan_seconds=self._rescan_seconds,
            after_upload=self.settings.after_upload, sent_folder=self.settings.sent_folder or None)
        self.watcher.start()
        if self.settings.after_upload != "keep":
            # A file sent just before a crash may still be waiting to be copied or moved.
            for job in self.engine.jobs((JobState.DONE,)):
                if self.watcher.root_for(job.path) is not None and Path(job.path).exists():
                    self.watcher.notify_uploaded(job.path, job.size, job.mtime_ns)

    def stop_watching(self) -> None:
        if self.watcher is not None:
            self.watcher.stop()
            self.watcher = None

    def apply_settings(self, settings: KioskSettings) -> None:
        """New settings from the settings dialog: restart watching and re-evaluate the network rule."""
        self.stop_watching()
        self.settings = settings
        profile = self._profile(settings)
        if profile != self.profile:
            self.profile = profile
            self.reachability.url = probe_url(profile)
            self.reachability.nudge(reset_backoff=True)
        if settings.device_name:
            self.identity_store.device_override = settings.device_name
        self._identity = self.identity_store.current()
        self.identity_changed.emit(self._identity)
        self._update_net()
        if self._started:
            self.start_watching()

    def set_operator(self, name: str) -> Identity:
        self._identity = self.identity_store.set_operator(name)
        self.identity_changed.emit(self._identity)
        return self._identity

    def shutdown(self) -> None:
        # Signals already queued (a network change, a last batch of events) may still arrive; they must
        # not touch the engine once it is being closed.
        self._closed = True
        self._retry_timer.stop()
        self._status_timer.stop()
        self.stop_watching()
        self._unsubscribe_reach()
        self.reachability.stop()
        self.bridge.close()
        if self.system_network is not None:
            self.system_network.close()

    # -- files ------------------------------------------------------------------------------------------
    def _key_options(self, template: str) -> KeyOptions:
        identity = self._identity
        return KeyOptions(template=template, prefix=self.profile.prefix, device=identity.device_name,
                          operator=identity.operator)

    def _queue_watched(self, paths: list[Path]) -> None:
        """Runs on the watcher's thread; returning means the files are in the durable queue."""
        base = self.settings.key_template or self.profile.key_template
        groups: dict[str, list[Path]] = {}
        watcher = self.watcher
        for path in paths:
            root = watcher.root_for(path) if watcher is not None else None
            template = template_for(base, root, path) if root is not None else base
            groups.setdefault(template, []).append(path)
        for template, group in groups.items():
            self.add_paths(group, template=template)

    def add_paths(self, paths: Sequence[Path | str], *, template: str | None = None) -> list[int]:
        """Queue files (thread-safe); while sending is held back they wait paused."""
        keys = self._key_options(template or self.settings.key_template or self.profile.key_template)
        # The shift's identity is fixed into each job now, so a file sent after the next shift starts
        # still names the operator who captured it; while sending is held back the files wait paused.
        result = self.engine.add_paths(paths, self.profile.name, keys=keys, metadata=self._identity.metadata(),
                                       paused=not self._allowed)
        for problem in result.problems:
            log.warning("not queued: %s: %s", problem.path, problem.reason)
        ids = [j.id for j in result.jobs] + [j.id for j in result.resumed]
        if result.resumed and not self._allowed:
            self.engine.pause([j.id for j in result.resumed])
        return ids

    def retry_attention(self) -> list[int]:
        """Try the files that need attention once more (the operator pressed "Try again")."""
        failed = [j.id for j in self.engine.jobs((JobState.FAILED,)) if self.owns(j)]
        if not failed:
            return []
        changed = self.engine.retry(failed)
        if not self._allowed:
            self.engine.pause(changed)
        return changed

    def retry_waiting_failures(self) -> list[int]:
        if not self._allowed:
            return []
        ids = [j.id for j in self.engine.jobs((JobState.FAILED,)) if retries_by_itself(j) and self.owns(j)]
        return self.engine.retry(ids) if ids else []

    # -- network ----------------------------------------------------------------------------------------
    def _on_reachability(self, online: bool) -> None:
        if self._closed:
            return
        self._reachable = online
        self._update_net()

    def _on_system_network(self) -> None:
        if self._closed:
            return
        # The platform noticed a change: check the real thing now instead of waiting for the backoff.
        self.reachability.nudge(reset_backoff=True)
        self.engine.network_changed()
        self._update_net()

    def _update_net(self) -> None:
        metered = self.system_network.metered if self.system_network is not None else None
        if self._reachable is False or self._destination_down:
            net = NetState.OFFLINE
        elif self.settings.unmetered_only and metered:
            net = NetState.METERED
        elif self._reachable is None:
            net = NetState.UNKNOWN
        else:
            net = NetState.ONLINE
        # The engine keeps files queued and probes a destination it found down by itself; holding the queue
        # back is only for what the engine cannot see (the check between uploads, the metered rule).
        allowed = self._reachable is not False and net is not NetState.METERED
        changed = allowed != self._allowed
        self._net = net
        self._allowed = allowed
        if changed:
            if allowed:
                log.info("network is back: sending")
                self.engine.resume()
                self.retry_waiting_failures()
            else:
                log.info("holding uploads back: %s", net.value)
                self.engine.pause()
        self.schedule_status()

    # -- engine events ----------------------------------------------------------------------------------
    def _on_events(self, events: list[Event]) -> None:
        if self._closed:
            return
        nudge = False
        for event in events:
            if event.kind is EventKind.DONE and event.job_id is not None:
                self._last_sent_at = time.time()
                job = self.engine.job(event.job_id)
                if job is not None and self.watcher is not None:
                    self.watcher.notify_uploaded(job.path, job.size, job.mtime_ns)
            elif event.kind in (EventKind.RETRY, EventKind.FAILED) and is_network_failure(event.failure):
                nudge = True
            elif event.kind is EventKind.DESTINATION and event.extra.get("profile") == self.profile.name:
                self._destination_down = event.extra.get("state") != "reachable"
                self._update_net()
        if nudge and self._allowed:
            self.reachability.nudge()
        self.jobs_changed.emit(events)
        self.schedule_status()

    # -- status -----------------------------------------------------------------------------------------
    def schedule_status(self) -> None:
        if not self._closed and not self._status_timer.isActive():
            self._status_timer.start()

    def _emit_status(self) -> None:
        if self._closed:
            return
        self.status = self._compute_status()
        self.status_changed.emit(self.status)

    def refresh_status(self) -> KioskStatus:
        self._emit_status()
        return self.status

    def _compute_status(self) -> KioskStatus:
        # Only the kiosk's own files count: old command-line uploads on this computer are not its business.
        waiting = sending = attention = 0
        for job in self.engine.jobs([s for s in JobState if not s.finished] + [JobState.FAILED]):
            if not self.owns(job):
                continue
            if job.state in (JobState.QUEUED, JobState.PAUSED) or (job.state is JobState.FAILED
                                                                   and retries_by_itself(job)):
                waiting += 1
            elif job.state is JobState.FAILED:
                attention += 1
            else:
                sending += 1
        if not self._allowed:
            # Held back: a transfer being stopped is waiting too, not sending.
            waiting, sending = waiting + sending, 0
        text = status_text(waiting=waiting, sending=sending, attention=attention,
                           last_sent_at=self._last_sent_at, net=self._net)
        return KioskStatus(text=text, waiting=waiting, sending=sending, attention=attention,
                           last_sent_at=self._last_sent_at, net=self._net)


def describe_job(job: Job, net: NetState, *, percent: int | None = None, note: str = "") -> str:
    """A job's state in words a field worker understands."""
    held = {NetState.OFFLINE: QCoreApplication.translate("KioskFileState", "Waiting for network"),
            NetState.METERED: QCoreApplication.translate("KioskFileState", "Waiting for Wi-Fi")}.get(net)
    state = job.state
    if held and not state.finished:
        # Held back, a transfer that had just begun is being stopped and will wait like the rest.
        return held
    if state in (JobState.QUEUED, JobState.PAUSED):
        return note or QCoreApplication.translate("KioskFileState", "Waiting to send")
    if state is JobState.SIGNING:
        return QCoreApplication.translate("KioskFileState", "Getting ready to send")
    if state is JobState.UPLOADING:
        if note:
            return note
        if percent is None:
            return QCoreApplication.translate("KioskFileState", "Sending…")
        return QCoreApplication.translate("KioskFileState", "Sending… {percent} %").format(percent=percent)
    if state is JobState.DONE:
        if not job.finished_at:
            return QCoreApplication.translate("KioskFileState", "Sent")
        when = datetime.fromtimestamp(job.finished_at).strftime("%H:%M")
        return QCoreApplication.translate("KioskFileState", "Sent at {time}").format(time=when)
    if state is JobState.FAILED:
        if retries_by_itself(job):
            return held or QCoreApplication.translate("KioskFileState", "Will try again shortly")
        # The reason comes from the engine's error catalog, which has translations of its own.
        reason = failure_text(job.error).rstrip(": ")
        if not reason:
            return QCoreApplication.translate("KioskFileState", "Needs attention")
        return QCoreApplication.translate("KioskFileState", "Needs attention: {reason}").format(reason=reason)
    return QCoreApplication.translate("KioskFileState", "Not sent")
