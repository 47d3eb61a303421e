"""Plain values: the jobs the engine hands to its frontends, their states and the events about them, and
what signers and uploads exchange (targets, signed requests, uploaded parts)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_uploader.core.protocol.links import SigningFacts


class JobState(StrEnum):
    QUEUED = "queued"
    SIGNING = "signing"
    UPLOADING = "uploading"
    PAUSED = "paused"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)

    @property
    def active(self) -> bool:
        return self in (JobState.SIGNING, JobState.UPLOADING)


@dataclass(frozen=True)
class Job:
    id: int
    path: str
    size: int
    mtime_ns: int
    key: str
    content_type: str
    profile: str
    state: JobState
    bytes_sent: int = 0
    attempts: int = 0
    error: dict[str, Any] | None = None
    etag: str | None = None
    batch: str = ""
    created_at: float = 0.0
    updated_at: float = 0.0
    finished_at: float | None = None
    metadata: dict[str, str] = field(default_factory=dict)  # sent as x-amz-meta-* where the signer allows
    url: str = ""  # where the uploaded object is, as the link it was sent to named it


@dataclass(frozen=True)
class NewJob:
    """A file the caller wants uploaded, before it has a row in the queue."""

    path: str
    size: int
    mtime_ns: int
    key: str
    content_type: str
    profile: str
    batch: str = ""
    metadata: dict[str, str] = field(default_factory=dict)
    state: JobState = JobState.QUEUED  # or PAUSED: queued now, sent when resumed
    # The key the batch asked for, where ``key`` was numbered already (a name taken at the destination).
    requested_key: str = ""


class EventKind(StrEnum):
    QUEUED = "queued"
    STARTED = "started"
    PROGRESS = "progress"
    RETRY = "retry"
    DONE = "done"
    FAILED = "failed"
    PAUSED = "paused"
    CANCELLED = "cancelled"
    REMOVED = "removed"
    IDLE = "idle"  # nothing left to do
    # A destination's health changed: extra has profile, state (reachable | unreachable | slowed) and
    # explanation; retry_in says when it is tried again.
    DESTINATION = "destination"
    CONCURRENCY = "concurrency"  # the number of files sent at once changed: extra["files_at_once"]
    # Links signed here found this computer's clock off (core/clock.py): extra has profile, offset (the
    # storage's time minus this computer's, seconds) and note (what the app does about it, in plain words).
    CLOCK = "clock"
    # The engine stopped by itself (the queue database cannot be written, a worker broke): extra["reason"]
    # says why in plain words; the queue is left for the next start.
    STOPPED = "stopped"


@dataclass(frozen=True)
class Event:
    kind: EventKind
    job_id: int | None = None
    path: str | None = None
    key: str | None = None
    bytes_sent: int = 0
    total: int = 0
    etag: str | None = None
    failure: dict[str, Any] | None = None
    retry_in: float | None = None
    attempt: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


# -- what signers and uploads exchange ------------------------------------------------------------
@dataclass(frozen=True)
class UploadTarget:
    """What the app asks a signer for: one object."""

    key: str
    content_type: str
    size: int
    metadata: dict[str, str] = field(default_factory=dict)
    # The file's CRC32 as S3 spells it (base64 of the big-endian value). A signer that signs it into the link
    # makes the storage check the bytes itself and refuse them (BadDigest) before storing anything wrong.
    checksum_crc32: str | None = None


@dataclass(frozen=True)
class SignedRequest:
    """A link to send one file (or, for presigned POST, one form) to.

    ``headers`` are the header values the signer used when signing (e.g. Content-Type, x-amz-acl); the
    uploader sends exactly the headers named in the link's X-Amz-SignedHeaders, taking values from here
    first and then from the link's own query.
    """

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    fields: dict[str, str] | None = None  # presigned POST form fields
    expires_at: float | None = None  # unix time, when known
    signer: str = ""
    # The signer's own reading of ``url``, when it made one; saves parsing the link again to send it.
    link: SigningFacts | None = field(default=None, compare=False, repr=False)
    # How far the time the link was signed with was from this computer's (core/clock.py), in seconds.
    clock_offset: float = 0.0

    def expires_within(self, seconds: float, now: float | None = None) -> bool:
        if self.expires_at is None:
            return False
        return self.expires_at - (time.time() if now is None else now) <= seconds


@dataclass(frozen=True)
class UploadedPart:
    number: int
    etag: str
    size: int
    checksum_crc32: str | None = None  # of an upload started with CRC32: the completion must name it


@dataclass(frozen=True)
class StoredObject:
    """An object found at the destination: enough to tell whether it holds the same file."""

    size: int
    etag: str
