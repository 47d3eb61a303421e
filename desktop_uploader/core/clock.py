"""The storage's time, for links signed on this computer.

A signed link carries the time it was signed. The storage refuses it when that time is more than its lifetime
behind the storage's own ("Request has expired") or ahead of it ("Request is not yet valid",
RequestTimeTooSkewed). A field tablet whose clock is wrong (a flat clock battery, no time service behind a
captive portal, the time zone set as the hour) would then send nothing, and the person in front of it often may
not change the clock. So when the storage refuses a link for its time, the Date of that refusal says how far
this computer is off, and later links are signed with the storage's time instead.

A signing service's links carry the service's time. The app judges them before sending (out of date, not yet
valid, due for renewal), so it reads their times through the Date of the service's answer; otherwise a wrong
clock here would hold back links the storage takes.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import TypeVar

from desktop_uploader.core.failure import Failure, UploadError

_T = TypeVar("_T")

# A Date header has whole seconds and comes a round trip late: a difference smaller than this is no evidence.
MIN_CORRECTION = 30.0


def machine_time() -> float:
    """This computer's clock, as unix time."""
    return time.time()


def storage_time(offset: float) -> datetime:
    """This computer's time plus ``offset``, as botocore stamps a request (UTC, without a time zone)."""
    return datetime.fromtimestamp(machine_time() + offset, UTC).replace(tzinfo=None)


def is_time_refusal(failure: Failure) -> bool:
    """The storage refused a signed request for its time: out of date, not yet valid, or too far off."""
    if failure.http_status != 403:
        return False
    if failure.code == "RequestTimeTooSkewed":
        return True
    message = (failure.s3_error.get("Message") or failure.message or "").lower()
    return failure.code == "AccessDenied" and ("expired" in message or "not yet valid" in message)


def date_header_time(value: str | None) -> float | None:
    """An HTTP Date header as unix time; None when there is none or it cannot be read."""
    if not value:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).timestamp()


def offset_from_date(date: str | None) -> float | None:
    """An answer's Date minus this computer's time, in seconds: 0 within the header's whole seconds and a round
    trip; None without a readable Date."""
    server = date_header_time(date)
    if server is None:
        return None
    offset = server - machine_time()
    return offset if abs(offset) >= MIN_CORRECTION else 0.0


def once_more_on_clock(send: Callable[[], _T], learn: Callable[[Failure], bool]) -> _T:
    """``send()``, and once more when the storage refused it for this computer's clock and ``learn`` (a signer's
    learn_time) took the storage's time from the refusal: ``send`` signs its request again."""
    try:
        return send()
    except UploadError as exc:
        if not learn(exc.failure):
            raise
    return send()


def clock_note(offset: float) -> str:
    """What the app does about this computer's clock, found off by ``offset`` (the storage's time minus its)."""
    if not offset:
        return "This computer's clock agrees with the storage's again; links are signed with it."
    minutes = round(abs(offset) / 60)
    size = f"{minutes} min" if minutes else f"{round(abs(offset))} s"
    side = "behind" if offset > 0 else "ahead of"
    return (f"This computer's clock is {size} {side} the storage's; links are signed with the storage's time. "
            "Set the clock right when you can (automatic date and time).")


class StorageClock:
    """This computer's time plus what it was last found to be off by; shared by one signer's threads."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._offset = 0.0  # the storage's time minus this computer's, in seconds
        self._watchers: list[Callable[[float], None]] = []

    def watch(self, watcher: Callable[[float], None]) -> None:
        """Have ``watcher(offset)`` called after each change of what the clock is believed off by."""
        self._watchers.append(watcher)

    @property
    def offset(self) -> float:
        return self._offset

    def learn(self, failure: Failure) -> bool:
        """After ``failure``: True when it was a refusal for the link's time and its Date showed the clock off
        by a different amount than believed so far, so that a link signed again now would be accepted."""
        if not is_time_refusal(failure):
            return False
        offset = offset_from_date(failure.server_date)
        if offset is None:
            return False
        with self._lock:
            if abs(offset - self._offset) < MIN_CORRECTION:
                return False  # already signed with the storage's time: the link was refused for another reason
            self._offset = offset
        for watcher in self._watchers:
            watcher(self._offset)
        return True
