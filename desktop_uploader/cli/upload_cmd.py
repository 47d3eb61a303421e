"""`desktop-uploader upload PATH...`: queue files and folders, upload them, report per file."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import signal
import sys
import threading
import time
import uuid
from dataclasses import replace
from types import FrameType
from typing import TYPE_CHECKING, Any, TextIO

from desktop_uploader.cli.common import (
    EXIT_FAILED,
    EXIT_OK,
    EXIT_USAGE,
    UsageError,
    load_config_and_lock,
    printable,
    queue_errors,
    valid_text,
)
from desktop_uploader.core.config import (
    IF_EXISTS_CHOICES,
    KIND_ENDPOINT,
    KIND_LOCAL,
    Config,
    ConfigError,
    Profile,
    ProfileError,
)
from desktop_uploader.core.engine_settings import EngineSettings
from desktop_uploader.core.http import engine_session
from desktop_uploader.core.locked import LockedConfig, effective_config
from desktop_uploader.core.models import Event, EventKind, Job, JobState
from desktop_uploader.core.pacing import profile_concurrency_range
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.warmup import connect_for_run

if TYPE_CHECKING:
    from desktop_uploader.core.engine import Engine

_JSON_EVENTS = {EventKind.QUEUED, EventKind.STARTED, EventKind.PROGRESS, EventKind.RETRY, EventKind.DONE,
                EventKind.FAILED, EventKind.DESTINATION, EventKind.CONCURRENCY, EventKind.CLOCK}
EXIT_OFFLINE = 3  # the destination stayed unreachable for --wait-offline; the files stay queued
DEFAULT_WAIT_OFFLINE = 600.0


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("upload", help="upload files and folders",
                       description="Upload files and folders (recursively). While the destination cannot be "
                                   "reached, files wait in the queue instead of failing. Exit status: 0 all "
                                   "uploaded, 1 any failed, 2 usage or configuration error or a queue database "
                                   "that cannot be used, 3 the destination stayed unreachable for --wait-offline "
                                   "(the same command continues later).")
    p.add_argument("paths", nargs="+", metavar="PATH")
    p.add_argument("--profile", help="saved profile to use (default: the default profile)")
    p.add_argument("--endpoint", metavar="URL", help="signing endpoint URL (simple protocol)")
    p.add_argument("--bucket", help="bucket (local signing)")
    p.add_argument("--region", help="region (local signing)")
    p.add_argument("--s3-endpoint-url", metavar="URL", help="S3-compatible server URL (local signing)")
    p.add_argument("--prefix", help="put keys under this prefix")
    p.add_argument("--key-template", metavar="T",
                   help="key template, e.g. '{date}/{relpath}' (placeholders: {filename} {stem} {ext} "
                        "{relpath} {date} {datetime} {device} {uuid})")
    p.add_argument("--concurrency", type=int, metavar="N", help="files sent in parallel")
    p.add_argument("--if-exists", choices=IF_EXISTS_CHOICES, dest="if_exists",
                   help="when a file's name is already taken at the destination: skip it if the same file is "
                        "there (a different one is reported, not replaced), rename (keep both: 'name (2).ext') "
                        "or overwrite (default: the profile's choice, else skip)")
    p.add_argument("--dry-run", action="store_true",
                   help="list what would be sent where (and what is skipped or renamed), without sending")
    p.add_argument("--limit-rate", metavar="RATE", type=parse_rate,
                   help="total bandwidth limit in bytes per second, with K, M or G for KiB, MiB, GiB (e.g. 2M)")
    p.add_argument("--no-verify", dest="skip_checksum", action="store_true",
                   help="skip comparing each object's checksum with the file (saves CPU on slow machines)")
    p.add_argument("--wait-offline", metavar="DURATION", type=parse_duration, default=DEFAULT_WAIT_OFFLINE,
                   help="how long to wait while the destination cannot be reached before giving up with exit "
                        "status 3, e.g. 90s, 10m, 2h (default 10m)")
    p.add_argument("--json", action="store_true", help="one JSON object per event on stdout")
    p.set_defaults(func=run)


def parse_duration(text: str) -> float:
    units = {"s": 1, "m": 60, "h": 3600}
    value = text.strip().lower()
    unit = value[-1:] if value[-1:] in units else "s"
    try:
        seconds = float(value.removesuffix(unit) if value[-1:] in units else value) * units[unit]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a duration such as 90s, 10m or 2h") from None
    if seconds < 0:
        raise argparse.ArgumentTypeError("the duration cannot be negative")
    return seconds


def parse_rate(text: str) -> int:
    units = {"": 1, "K": 1024, "M": 1024**2, "G": 1024**3}
    value = text.strip().upper().removesuffix("/S").removesuffix("B").removesuffix("I")
    suffix = value[-1:] if value[-1:] in ("K", "M", "G") else ""
    try:
        rate = float(value[: len(value) - len(suffix)]) * units[suffix]
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a rate such as 500K or 2M") from None
    if rate < 1024:
        raise argparse.ArgumentTypeError("the limit must be at least 1K (1024 bytes per second)")
    return int(rate)


# The option that sets each profile field, for refusals.
_OPTIONS = {"endpoint_url": "--endpoint", "bucket": "--bucket", "region": "--region",
            "s3_endpoint_url": "--s3-endpoint-url", "prefix": "--prefix", "key_template": "--key-template",
            "concurrency": "--concurrency"}


# Where the files go: when the admin fixes any of these, options may change none of them (switching a locked
# bucket's profile to an endpoint would send the files elsewhere as surely as another bucket).
_DESTINATION = frozenset({"kind", "endpoint_url", "protocol", "bucket", "region", "s3_endpoint_url",
                          "addressing_style"})


def _refuse_locked(base: Profile, overrides: dict[str, Any], locked: LockedConfig | None) -> None:
    """Options may not change what the admin's locked configuration fixes for this profile."""
    fixed = set(locked.locked_profile_fields(base.name)) if locked is not None else set()
    if fixed & _DESTINATION:
        fixed |= _DESTINATION
    refused = [_OPTIONS[name] for name, value in overrides.items()
               if name in _OPTIONS and name in fixed and getattr(base, name) != value]
    if refused:
        raise UsageError(f"{', '.join(refused)}: locked by your administrator for profile '{base.name}'; "
                         "run without it to use the locked value.")


def resolve_profile(args: argparse.Namespace, config: Config,
                    locked: LockedConfig | None = None) -> tuple[Profile, bool]:
    """The profile for this run, and whether it exists only for this run. ``config`` has the admin's locked
    values laid over it already; ``locked`` says which they are, so options cannot change them."""
    overrides: dict[str, Any] = {}
    if args.endpoint:
        overrides.update(kind=KIND_ENDPOINT, endpoint_url=args.endpoint)
    if args.bucket:
        overrides["bucket"] = args.bucket
    if args.region:
        overrides["region"] = args.region
    if args.s3_endpoint_url:
        overrides["s3_endpoint_url"] = args.s3_endpoint_url
    if args.prefix is not None:
        overrides["prefix"] = args.prefix
    if args.key_template:
        overrides["key_template"] = args.key_template
    if args.concurrency is not None:
        overrides["concurrency"] = args.concurrency
    if getattr(args, "if_exists", None):
        overrides["if_exists"] = args.if_exists
    try:
        base = config.get(args.profile) if args.profile or not args.endpoint else Profile(name="cli")
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    _refuse_locked(base, overrides, locked)
    if (args.bucket or args.s3_endpoint_url) and not args.endpoint and base.kind != KIND_LOCAL:
        raise UsageError(f"--bucket/--s3-endpoint-url need a local-signing profile; '{base.name}' uses an endpoint.")
    transport_change = {k: v for k, v in overrides.items()
                        if k not in ("prefix", "key_template", "concurrency", "if_exists") and getattr(base, k) != v}
    profile = replace(base, **overrides)
    adhoc = bool(transport_change) or (args.profile is None and bool(args.endpoint))
    if adhoc:
        # Jobs remember their profile by name; a stable name per set of settings lets a re-run resume.
        digest = hashlib.sha256(json.dumps(profile.to_dict(), sort_keys=True).encode()).hexdigest()[:10]
        profile = replace(profile, name=f"cli-{digest}")
    try:
        profile.validate()
    except ProfileError as exc:
        raise UsageError(str(exc)) from None
    return profile, adhoc


class _Reporter:
    def __init__(self, json_mode: bool, out: TextIO, err: TextIO, ids: set[int], batch: str) -> None:
        self.batch = batch
        self.json_mode = json_mode
        self.out = out
        self.err = err
        self.ids = ids
        self.lock = threading.Lock()
        self.tty = err.isatty()
        self.done = 0
        self.failed = 0
        self.bytes = 0
        self.started = time.monotonic()

    def __call__(self, event: Event) -> None:
        with self.lock:
            if event.kind is EventKind.QUEUED and event.extra.get("batch") == self.batch and event.job_id:
                self.ids.add(event.job_id)
            if event.job_id is not None and event.job_id not in self.ids:
                return
            if event.kind is EventKind.QUEUED and event.extra.get("reason") == "destination":
                return  # waiting for the destination; its own event says so once
            if self.json_mode:
                if event.kind in _JSON_EVENTS:
                    self.out.write(json.dumps(json_event(event), ensure_ascii=False) + "\n")
                    self.out.flush()
                return
            self._human(event)

    def already_done(self, job: Job) -> None:
        """A file the run being continued had uploaded already; it is not sent again."""
        with self.lock:
            if self.json_mode:
                self.out.write(json.dumps({"event": "done", "path": valid_text(job.path), "key": job.key,
                                           "bytes": job.size, "etag": job.etag, "already_uploaded": True},
                                          ensure_ascii=False) + "\n")
                self.out.flush()
            else:
                self._line(f"already   {printable(job.path)} -> {printable(job.key)} (uploaded before)")

    def _human(self, event: Event) -> None:
        if event.kind is EventKind.DONE and event.extra.get("already_there"):
            self.done += 1
            self._line(f"skipped   {event.path}: already stored as {event.key}")
        elif event.kind is EventKind.DONE:
            self.done += 1
            self.bytes += event.bytes_sent
            self._line(f"uploaded  {printable(event.path)} -> {printable(event.key)}")
        elif event.kind is EventKind.FAILED:
            self.failed += 1
            failure = event.failure or {}
            explanation = failure.get("explanation") or {}
            self._line(f"FAILED    {printable(event.path)}: "
                       f"{printable(explanation.get('summary') or failure.get('message'))}")
            if explanation.get("action"):
                self._line(f"          {printable(explanation['action'])}")
        elif event.kind is EventKind.RETRY:
            reason = event.extra.get("reason") or (event.failure or {}).get("message", "")
            self._line(f"retrying  {printable(event.path)} in {event.retry_in or 0:.0f} s: {printable(reason)}")
        elif event.kind is EventKind.DESTINATION:
            self._line(destination_line(event))
        elif event.kind is EventKind.CLOCK:
            self._line(f"CLOCK     {event.extra.get('note')}")
        elif event.kind is EventKind.PROGRESS and self.tty and event.total:
            pct = 100 * event.bytes_sent // event.total
            self.err.write(f"\r  {pct:3d}%  {printable(os.path.basename(event.path or ''))[:60]:<60}")
            self.err.flush()

    def _line(self, text: str) -> None:
        if self.tty:
            self.err.write("\r" + " " * 70 + "\r")
        self.err.write(text + "\n")
        self.err.flush()


def destination_line(event: Event) -> str:
    state = event.extra.get("state")
    if state == "reachable":
        return "connected again; continuing"
    summary = (event.extra.get("explanation") or {}).get("summary") or (event.failure or {}).get("message", "")
    what = "is slowing uploads down" if state == "slowed" else "cannot be reached"
    line = f"WAITING   the destination {what}; trying again in {event.retry_in or 0:.0f} s. {summary}"
    return printable(line).rstrip()


def json_event(event: Event) -> dict[str, Any]:
    if event.kind is EventKind.CONCURRENCY:
        return {"event": "concurrency", "files_at_once": event.extra.get("files_at_once")}
    if event.kind is EventKind.CLOCK:
        return {"event": "clock", "profile": event.extra.get("profile"), "offset": event.extra.get("offset"),
                "note": event.extra.get("note")}
    if event.kind is EventKind.DESTINATION:
        explanation = event.extra.get("explanation")
        return {"event": "destination", "profile": event.extra.get("profile"), "state": event.extra.get("state"),
                "retry_in": event.retry_in, "code": (event.failure or {}).get("code"),
                "explanation": {k: explanation.get(k) for k in ("summary", "cause", "action")}
                if explanation else None}
    data: dict[str, Any] = {"event": event.kind.value, "path": valid_text(event.path) if event.path else event.path,
                            "key": event.key}
    if event.kind is EventKind.PROGRESS:
        data.update(bytes=event.bytes_sent, total=event.total)
    elif event.kind is EventKind.QUEUED:
        data.update(total=event.total)
    elif event.kind is EventKind.RETRY:
        data.update(attempt=event.attempt, retry_in=event.retry_in,
                    code=(event.failure or {}).get("code"), reason=event.extra.get("reason"))
    elif event.kind is EventKind.DONE:
        data.update(bytes=event.bytes_sent, etag=event.etag, already_there=bool(event.extra.get("already_there")))
    elif event.kind is EventKind.FAILED:
        failure = event.failure or {}
        explanation = failure.get("explanation") or {
            "summary": failure.get("message"), "cause": failure.get("message"), "action": ""}
        data.update(code=failure.get("code"), http_status=failure.get("http_status"), explanation=explanation)
    return data


def run(args: argparse.Namespace, *, out: TextIO | None = None, err: TextIO | None = None) -> int:
    out = out or sys.stdout
    err = err or sys.stderr
    if any(not str(path).strip() for path in args.paths):
        raise UsageError("An empty path was given; name the files or folders to upload ('.' for this folder).")
    config, locked = load_config_and_lock()
    if getattr(args, "if_exists", None) and "if_exists" in locked.locked_profile_fields(args.profile or ""):
        err.write("--if-exists ignored: your administrator fixes this profile's choice.\n")
        args.if_exists = None
    profile, adhoc = resolve_profile(args, effective_config(config, locked), locked)
    # A profile changed for this run only (a flag, or a profile made of flags) signs with those settings.
    extra = {profile.name: profile} if adhoc or getattr(args, "if_exists", None) else None
    if getattr(args, "dry_run", False):
        return dry_run(args, config, locked, profile, extra, out, err)
    with queue_errors():
        store = JobStore(queue_db_path())
        try:
            # A run on a far link starts with round trips to the signing service and the storage: they go
            # out now, while the rest of the engine loads (core/warmup.py).
            session = engine_session(EngineSettings().max_connections)
            connect_for_run(session, store, profile, profile_concurrency_range(args.concurrency, profile)[0])
            try:
                from desktop_uploader.core.factory import EngineOptions, open_engine

                options = EngineOptions(rate_limit=args.limit_rate, verify_md5=not args.skip_checksum,
                                        concurrency=args.concurrency)
                engine = open_engine(config, locked=locked, profile=profile.name, options=options,
                                     profiles=[profile.name], extra=extra, store=store, session=session)
            except BaseException:
                session.close()  # the engine did not take it over
                raise
            try:
                return _upload(args, engine, profile, out, err)
            finally:
                engine.close()
        finally:
            store.close()


def _upload(args: argparse.Namespace, engine: Engine, profile: Profile, out: TextIO, err: TextIO) -> int:
    ids: set[int] = set()
    batch = uuid.uuid4().hex[:12]
    reporter = _Reporter(args.json, out, err, ids, batch)
    interrupted = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        interrupted.set()

    previous = signal.signal(signal.SIGINT, on_signal)
    try:
        engine.subscribe(reporter)
        # Jobs left from an interrupted run of this profile resume with this one.
        leftover = engine.jobs((JobState.QUEUED,))
        ids.update(j.id for j in leftover if j.profile == profile.name)
        from desktop_uploader.core.engine import KeyOptions

        keys = KeyOptions(template=profile.key_template, prefix=profile.prefix)
        result = engine.add_paths(args.paths, profile.name, keys=keys, batch=batch)
        ids.update(j.id for j in result.resumed)
        ids.update(j.id for j in result.finished)
        for job in result.finished:
            reporter.already_done(job)
        for problem in result.problems:
            _report_problem(args.json, out, err, str(problem.path), problem.reason)
        for path, key in result.already_there:
            _report_skipped(args.json, out, err, path, key, "already_there")
        for path, key in result.sent_before:
            _report_skipped(args.json, out, err, path, key, "sent_before")
        engine.start(prime_links=True)  # the command line's thread may wait for the keychain
        stopped = _wait(args, engine, profile, ids, interrupted, err)
        if stopped is not None:
            return stopped
        states = engine.counts(ids)
        done = states.get(JobState.DONE, 0)
        failed = sum(states.values()) - done
        if not args.json:
            left = len(result.problems) + len(result.already_there) + len(result.sent_before)
            err.write(f"{done} uploaded, {failed} failed" + (f", {left} skipped" if left else "") + "\n")
        return EXIT_FAILED if failed or result.problems else EXIT_OK
    finally:
        signal.signal(signal.SIGINT, previous)


def _wait(args: argparse.Namespace, engine: Engine, profile: Profile, ids: set[int], interrupted: threading.Event,
          err: TextIO) -> int | None:
    """Wait until the run's files are settled, also those another run on this queue is sending; an exit status
    if the run ends early instead."""
    told = False
    last_reclaim = time.monotonic()
    while True:
        idle = engine.wait_idle(timeout=0.2)
        if idle and (engine.fatal is not None or not _held_elsewhere(engine, ids)):
            break
        if idle:  # only files another run is sending are left
            if not told and not args.json:
                err.write("waiting   for files another upload on this computer is sending\n")
                told = True
            if time.monotonic() - last_reclaim > 2.0:  # that run may have ended since: take its files over
                engine.reclaim_abandoned()
                last_reclaim = time.monotonic()
            interrupted.wait(0.2)
        if interrupted.is_set():
            err.write("\nInterrupted; unfinished files stay queued and continue next time.\n")
            return 130
        down_since = engine.health.down_since(profile.name)
        if down_since is not None and time.monotonic() - down_since > args.wait_offline:
            waiting = sum(n for state, n in engine.counts(ids).items() if not state.finished)
            err.write(f"The destination stayed unreachable for {args.wait_offline:.0f} s; {waiting} file(s) "
                      "are still queued. Run the same command again to continue them.\n")
            return EXIT_OFFLINE
    if engine.fatal is not None:
        err.write(f"Stopped: {printable(engine.fatal)} Unfinished files stay queued; run the same command "
                  "again to continue them.\n")
        return EXIT_USAGE
    return None


def _held_elsewhere(engine: Engine, ids: set[int]) -> bool:
    """Whether any of the run's files is still being sent while this engine is idle: another process holds it."""
    return any(j.id in ids for j in engine.jobs((JobState.SIGNING, JobState.UPLOADING)))


def dry_run(args: argparse.Namespace, config: Config, locked: Any, profile: Profile,
            extra: dict[str, Profile] | None, out: TextIO, err: TextIO) -> int:
    """What would be sent where, what is already there and what cannot be sent, without sending."""
    from desktop_uploader.core.engine import KeyOptions
    from desktop_uploader.core.factory import open_engine

    engine = open_engine(config, locked=locked, profile=profile.name, profiles=[profile.name], extra=extra)
    try:
        plan = engine.plan_paths(args.paths, profile.name,
                                 keys=KeyOptions(template=profile.key_template, prefix=profile.prefix))
    finally:
        engine.close()
    rows: list[tuple[str, str, str | None, str]] = [("send", job.path, job.key, "") for job in plan.new_jobs]
    rows += [("continue", job.path, job.key, "") for job in plan.resumed]
    rows += [("skip", path, key, "already_there") for path, key in plan.already_there]
    rows += [("skip", path, key, "sent_before") for path, key in plan.sent_before]
    rows += [("skip", str(problem.path), None, problem.reason) for problem in plan.problems]
    for action, path, key, reason in rows:
        if args.json:
            out.write(json.dumps({"event": "plan", "action": action, "path": path, "key": key,
                                  "reason": reason or None}, ensure_ascii=False) + "\n")
        elif action == "skip" and reason in _SKIPPED:
            out.write(f"skip      {printable(path)}: {_SKIPPED[reason].format(key=printable(key or ''))}\n")
        elif action == "skip":
            out.write(f"skip      {printable(path)}: {printable(reason)}\n")
        else:
            out.write(f"{action:<9} {printable(path)} -> {printable(key or '')}\n")
    if not args.json:
        where = f"s3://{profile.bucket}" if profile.kind == KIND_LOCAL else profile.endpoint_url
        err.write(f"Dry run for profile '{profile.name}' ({where}, if a name is taken: {profile.if_exists}): "
                  f"{len(plan.new_jobs) + len(plan.resumed)} to send, "
                  f"{len(plan.already_there) + len(plan.sent_before) + len(plan.problems)} skipped. "
                  "Nothing was sent.\n")
    return EXIT_OK


def _report_problem(json_mode: bool, out: TextIO, err: TextIO, path: str, reason: str) -> None:
    if json_mode:
        out.write(json.dumps({"event": "failed", "path": valid_text(path), "key": None, "code": "LocalFileProblem",
                              "http_status": None,
                              "explanation": {"summary": reason, "cause": reason,
                                              "action": "Check the file or folder and try again."}},
                             ensure_ascii=False) + "\n")
    else:
        err.write(f"SKIPPED   {printable(path)}: {printable(reason)}\n")


# Why a file was left out, by the reason --json gives. A signing service's bucket cannot be seen: what it goes
# by there is the app's own record, and the words say so.
_SKIPPED = {
    "already_there": "the same file is already stored as {key}",
    "sent_before": "uploaded from this computer before as {key}, unchanged since (--if-exists overwrite sends it "
                   "again)",
}


def _report_skipped(json_mode: bool, out: TextIO, err: TextIO, path: str, key: str, reason: str) -> None:
    if json_mode:
        out.write(json.dumps({"event": "skipped", "path": path, "key": key, "reason": reason},
                             ensure_ascii=False) + "\n")
    else:
        err.write(f"skipped   {printable(path)}: {_SKIPPED[reason].format(key=printable(key))}\n")
