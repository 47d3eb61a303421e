"""Turning dropped paths into queue rows: expand folders, name each file's key from the template, and tell
files that are already waiting (resumed, never queued twice) from new ones (whose keys must not collide)."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime

from desktop_uploader.core.keys import KeyTemplate
from desktop_uploader.core.mime import content_type_for
from desktop_uploader.core.models import Job, JobState, NewJob
from desktop_uploader.core.overwrite import OVERWRITE, SKIP, rules, sort_batch
from desktop_uploader.core.scan import FoundFile, ScanProblem, SkipRule, scan_paths
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.store import JobStore


@dataclass(frozen=True)
class KeyOptions:
    template: str = "{relpath}"
    prefix: str = ""
    device: str = field(default_factory=lambda: socket.gethostname() or "device")
    operator: str = ""


@dataclass(frozen=True)
class BatchPlan:
    new_jobs: list[NewJob]
    resumed: list[Job]  # unfinished rows for the same file and key, reused instead of queued again
    problems: list[ScanProblem]
    already_there: list[tuple[str, str]] = field(default_factory=list)  # (path, key): the same file is stored
    # (path, key): through a signing service, which cannot list, uploaded from here before and unchanged since.
    sent_before: list[tuple[str, str]] = field(default_factory=list)
    # Files a batch being continued has uploaded already, unchanged since: not sent again.
    finished: list[Job] = field(default_factory=list)


def plan_batch(store: JobStore, paths: Iterable[str | os.PathLike[str]], profile: str, keys: KeyOptions, *,
               skip: SkipRule, batch: str, metadata: dict[str, str] | None, paused: bool,
               signer: Callable[[], Signer] | None = None,
               listing: Callable[[int], None] | None = None) -> BatchPlan:
    """The batch's new jobs with their final keys, by the rule of the destination ``signer`` makes for names
    already taken (files are checked against what it stores where it can list its bucket). ``listing`` is
    told, with the number of files to check, just before the bucket is listed."""
    # As given: Path('') would be '.', and an empty path must never mean the current folder.
    scan = scan_paths([os.fspath(p) for p in paths], skip)
    problems = list(scan.problems)
    wanted = _named(scan.files, keys, problems)
    resumed: list[Job] = []
    fresh: list[tuple[FoundFile, str]] = []
    unfinished = store.unfinished_by_file(profile)
    for found, key in wanted:
        existing = unfinished.get((str(found.path.absolute()), key))
        if existing is not None:
            resumed.append(existing)
        else:
            fresh.append((found, key))
    fresh, finished = _not_sent_yet(store, profile, fresh, resumed)
    taken = {job.key for job in unfinished.values()}
    policy, lookup = rules(signer) if signer is not None else (OVERWRITE, None)
    uploaded: list[Job] = []
    if policy == SKIP and lookup is None:
        fresh, uploaded = _uploaded_before(store, profile, fresh)
    if lookup is not None and fresh and listing is not None:
        listing(len(fresh))
    decided = sort_batch(fresh, policy=policy, lookup=lookup, taken=taken.__contains__)
    problems.extend(ScanProblem(found.path, f"A different file is already stored as '{key}'; it was not replaced.")
                    for found, key in decided.different)
    new_jobs = [
        NewJob(path=str(found.path.absolute()), size=found.size, mtime_ns=found.mtime_ns, key=key,
               requested_key=asked, content_type=content_type_for(found.path), profile=profile, batch=batch,
               metadata=dict(metadata or {}), state=JobState.PAUSED if paused else JobState.QUEUED)
        for found, asked, key in decided.keep
    ]
    return BatchPlan(new_jobs=new_jobs, resumed=resumed, problems=problems, finished=finished,
                     already_there=[(str(found.path.absolute()), key) for found, key in decided.already_there],
                     sent_before=[(job.path, job.key) for job in uploaded])


def _uploaded_before(store: JobStore, profile: str, fresh: list[tuple[FoundFile, str]]
                     ) -> tuple[list[tuple[FoundFile, str]], list[Job]]:
    """Under "skip the file when the same one is there", a destination that cannot list its bucket (a signing
    service) is asked through this computer's own record instead: a file this profile uploaded before, under
    the key asked for now and unchanged since (size and modification time), is there already. Dropping a
    memory card's folder every evening then sends the day's new files, not the whole card again; and a
    Companion service, which names every object itself, is not given a second copy of each."""
    if not fresh:
        return fresh, []
    return _split_unchanged(fresh, store.uploaded_by_file(profile, (str(found.path.absolute()) for found, _ in fresh)))


def _not_sent_yet(store: JobStore, profile: str, fresh: list[tuple[FoundFile, str]],
                  resumed: list[Job]) -> tuple[list[tuple[FoundFile, str]], list[Job]]:
    """Queuing files again while an earlier batch of them is unfinished continues that batch: its files that
    were uploaded already, and have not changed since, are not sent twice, whatever the rule for taken names.
    Without an unfinished batch, that rule decides: "skip" leaves out what is there (listed, or, through a
    signing service, uploaded from here before), "keep both" and "replace" send the files again."""
    return _split_unchanged(fresh, store.done_in_batches(profile, {job.batch for job in resumed if job.batch}))


def _split_unchanged(fresh: list[tuple[FoundFile, str]], uploaded: dict[tuple[str, str], Job]
                     ) -> tuple[list[tuple[FoundFile, str]], list[Job]]:
    """``fresh`` as (still to send, the uploads of the files that have not changed since: same size and
    modification time), by ``uploaded``'s (path, key asked for)."""
    still: list[tuple[FoundFile, str]] = []
    unchanged: list[Job] = []
    for found, key in fresh:
        job = uploaded.get((str(found.path.absolute()), key))
        if job is not None and job.size == found.size and job.mtime_ns == found.mtime_ns:
            unchanged.append(job)
        else:
            still.append((found, key))
    return still, unchanged


def _named(files: list[FoundFile], keys: KeyOptions, problems: list[ScanProblem]) -> list[tuple[FoundFile, str]]:
    """Each file with its key; files no valid key can be made for go to ``problems``."""
    try:
        template = KeyTemplate(keys.template)  # parsed once for the whole batch
    except ValueError as exc:
        problems.extend(ScanProblem(found.path, f"No valid name could be made for it: {exc}") for found in files)
        return []
    now = datetime.now()
    named: list[tuple[FoundFile, str]] = []
    for found in files:
        try:
            # A dropped folder keeps its own name in the key, as file managers copy folders.
            root = found.root.parent if found.root is not None else None
            key = template.render(path=found.path, root=root, prefix=keys.prefix, now=now,
                                  device=keys.device, operator=keys.operator)
        except ValueError as exc:
            problems.append(ScanProblem(found.path, f"No valid name could be made for it: {exc}"))
            continue
        named.append((found, key))
    return named
