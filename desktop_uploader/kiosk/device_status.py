"""A device's status object: what one field device tells its admin, as a small JSON document in the bucket.

Each device writes its own (``_devices/<install-id>.json`` unless the profile names another key) through
its normal signer; ``desktop-uploader fleet status`` reads them all. The document::

    {"format": "desktop-uploader/device-status", "version": 1, "install_id": "…", "device_name": "tablet-03",
     "operator": "Ana", "mode": "kiosk", "app_version": "1.2.0", "os": "Linux 6.1 (x86_64)",
     "queued_files": 3, "queued_bytes": 14680064, "failed_files": 1, "last_upload_at": "2025-05-01T09:12:03Z",
     "last_failure": {"code": "AccessDenied", "summary": "…", "at": "2025-05-01T09:14:00Z"},
     "free_disk_bytes": 51234567890, "written_at": "2025-05-01T09:15:00Z"}

Times are UTC in ISO 8601; ``last_upload_at``, ``last_failure`` and ``free_disk_bytes`` may be null. Nothing
secret goes in: no tokens, no links, no file contents; the failure summary is the already redacted
explanation the device shows its operator.
"""

from __future__ import annotations

import platform
import shutil
from dataclasses import asdict, dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from desktop_uploader import __version__
from desktop_uploader.core.models import Job, JobState

STATUS_FORMAT = "desktop-uploader/device-status"
STATUS_VERSION = 1
DEFAULT_STATUS_KEY = "_devices/{install_id}.json"
STATUS_CONTENT_TYPE = "application/json"
MAX_SUMMARY = 300
WAITING = (JobState.QUEUED, JobState.SIGNING, JobState.UPLOADING, JobState.PAUSED)


@dataclass(frozen=True)
class LastFailure:
    code: str
    summary: str
    at: float


@dataclass(frozen=True)
class DeviceStatus:
    install_id: str
    device_name: str
    operator: str = ""
    mode: str = "kiosk"
    app_version: str = __version__
    os: str = ""
    queued_files: int = 0
    queued_bytes: int = 0
    failed_files: int = 0
    last_upload_at: float | None = None
    last_failure: LastFailure | None = None
    free_disk_bytes: int | None = None
    written_at: float = 0.0

    def same_news(self, other: DeviceStatus | None) -> bool:
        """True when ``other`` says the same, apart from when it was written and the free space (which
        changes by a few bytes all the time)."""
        if other is None:
            return False
        return replace(self, written_at=0.0, free_disk_bytes=None) == replace(other, written_at=0.0,
                                                                             free_disk_bytes=None)

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["last_upload_at"] = iso(self.last_upload_at)
        data["written_at"] = iso(self.written_at)
        if self.last_failure is not None:
            data["last_failure"] = {**asdict(self.last_failure), "at": iso(self.last_failure.at)}
        return {"format": STATUS_FORMAT, "version": STATUS_VERSION, **data}

    @classmethod
    def from_json(cls, raw: Any) -> DeviceStatus:
        """Read a status document; ValueError says what is wrong with it."""
        if not isinstance(raw, dict) or raw.get("format") != STATUS_FORMAT:
            raise ValueError("not a device status document")
        if not isinstance(raw.get("version"), int) or raw["version"] > STATUS_VERSION:
            raise ValueError("written by a newer version")
        failure = raw.get("last_failure")
        last_failure = None
        if isinstance(failure, dict):
            last_failure = LastFailure(code=_text(failure.get("code")), summary=_text(failure.get("summary")),
                                       at=parse_iso(failure.get("at")) or 0.0)
        written = parse_iso(raw.get("written_at"))
        if written is None:
            raise ValueError("it has no time of writing")
        return cls(
            install_id=_text(raw.get("install_id")), device_name=_text(raw.get("device_name")),
            operator=_text(raw.get("operator")), mode=_text(raw.get("mode")),
            app_version=_text(raw.get("app_version")), os=_text(raw.get("os")),
            queued_files=_count(raw.get("queued_files")), queued_bytes=_count(raw.get("queued_bytes")),
            failed_files=_count(raw.get("failed_files")), last_upload_at=parse_iso(raw.get("last_upload_at")),
            last_failure=last_failure,
            free_disk_bytes=_count(raw["free_disk_bytes"]) if raw.get("free_disk_bytes") is not None else None,
            written_at=written,
        )


def status_key(template: str, install_id: str) -> str:
    return (template or DEFAULT_STATUS_KEY).replace("{install_id}", install_id)


def os_description() -> str:
    return f"{platform.system()} {platform.release()} ({platform.machine()})".strip()


def free_disk_bytes(path: Path) -> int | None:
    try:
        return shutil.disk_usage(path).free
    except OSError:
        return None


def failure_of(error: dict[str, Any] | None, at: float) -> LastFailure | None:
    """A job's or event's failure record as the status tells it: its code and the operator's summary."""
    if not error:
        return None
    explanation = error.get("explanation")
    summary = explanation.get("summary") if isinstance(explanation, dict) else None
    text = str(summary or error.get("message") or "")
    return LastFailure(code=str(error.get("code") or ""), summary=text[:MAX_SUMMARY], at=at)


def newest_failure(failed: list[Job]) -> LastFailure | None:
    if not failed:
        return None
    job = max(failed, key=lambda j: j.updated_at)
    return failure_of(job.error, job.updated_at)


def iso(moment: float | None) -> str | None:
    if moment is None:
        return None
    return datetime.fromtimestamp(moment, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_iso(value: Any) -> float | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.timestamp()


def _text(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError("a count is not a whole number")
    return value
