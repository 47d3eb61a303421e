"""Plain values the engine hands to its frontends: jobs, their states and the events about them."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


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
