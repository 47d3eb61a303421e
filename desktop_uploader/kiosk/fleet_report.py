"""The admin's view of the fleet: every device's status object read from the bucket, as rows to print,
JSON, or a self-contained HTML page.

"Last seen" is when the device last wrote its status, by its own clock or the storage's, whichever is
earlier: a device whose clock runs ahead must not look alive for longer than it is, and one whose clock
runs behind is flagged with its clock error so the admin knows why it looks old. A device silent for
longer than the chosen limit is stale. With the device table at hand, revoked devices and devices that
never reported are shown too.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from desktop_uploader.kiosk.device_status import DeviceStatus, iso

MAX_STATUS_BYTES = 256 * 1024
CLOCK_TOLERANCE = 10 * 60.0
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([smhdw])\s*$", re.IGNORECASE)
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}


def parse_duration(text: str) -> float:
    """'90m', '24h', '2d' -> seconds; ValueError with an example otherwise."""
    match = _DURATION.match(text)
    if not match or float(match.group(1)) <= 0:
        raise ValueError(f"'{text}' is not a duration such as 30m, 24h or 7d.")
    return float(match.group(1)) * _UNITS[match.group(2).lower()]


@dataclass(frozen=True)
class StatusObject:
    key: str
    status: DeviceStatus | None
    stored_at: float | None  # the storage's LastModified
    problem: str = ""


@dataclass(frozen=True)
class DeviceRow:
    key: str
    name: str
    status: DeviceStatus | None
    last_seen: float | None
    stale: bool
    revoked: bool
    clock_offset: float | None  # device clock minus storage clock, when it is off by more than a little
    problem: str = ""

    def notes(self) -> list[str]:
        notes = []
        if self.revoked:
            notes.append("revoked")
        if self.stale:
            notes.append("stale" if self.status is not None else "never reported")
        if self.clock_offset is not None:
            direction = "ahead" if self.clock_offset > 0 else "behind"
            notes.append(f"clock {ago_words(abs(self.clock_offset))} {direction}")
        if self.problem:
            notes.append(self.problem)
        return notes


def read_status_objects(client: Any, bucket: str, prefix: str) -> list[StatusObject]:
    """Every ``*.json`` directly under ``prefix``, read and parsed (one bad object does not hide the rest)."""
    found: list[StatusObject] = []
    paginator = client.get_paginator("list_objects_v2")
    for page in paginator.paginate(Bucket=bucket, Prefix=prefix):
        for item in page.get("Contents") or []:
            key = str(item["Key"])
            if not key.endswith(".json") or "/" in key[len(prefix):]:
                continue
            stored = item.get("LastModified")
            stored_at = stored.timestamp() if isinstance(stored, datetime) else None
            found.append(_read_one(client, bucket, key, stored_at, int(item.get("Size") or 0)))
    return found


def _read_one(client: Any, bucket: str, key: str, stored_at: float | None, size: int) -> StatusObject:
    if size > MAX_STATUS_BYTES:
        return StatusObject(key, None, stored_at, "status object too large")
    try:
        body = client.get_object(Bucket=bucket, Key=key)["Body"].read(MAX_STATUS_BYTES + 1)
        status = DeviceStatus.from_json(json.loads(body))
    except (ValueError, UnicodeDecodeError) as exc:
        return StatusObject(key, None, stored_at, f"unreadable status ({exc})")
    return StatusObject(key, status, stored_at)


def build_rows(objects: Iterable[StatusObject], *, now: float, stale_after: float,
               devices: Mapping[str, tuple[str, bool]] | None = None) -> list[DeviceRow]:
    """Rows sorted by device name. ``devices`` maps a status key to (device name, enabled), from the
    device table; devices there without a status object get a row of their own."""
    devices = dict(devices or {})
    rows = []
    for obj in objects:
        name, enabled = devices.pop(obj.key, ("", True))
        rows.append(_row(obj, now=now, stale_after=stale_after, name=name, enabled=enabled))
    for key, (name, enabled) in devices.items():
        rows.append(DeviceRow(key=key, name=name, status=None, last_seen=None, stale=True, revoked=not enabled,
                              clock_offset=None))
    return sorted(rows, key=lambda r: (r.name.lower(), r.key))


def _row(obj: StatusObject, *, now: float, stale_after: float, name: str, enabled: bool) -> DeviceRow:
    status = obj.status
    seen_times = [t for t in (status.written_at if status else None, obj.stored_at) if t is not None]
    last_seen = min(seen_times) if seen_times else None
    offset = None
    if status is not None and obj.stored_at is not None:
        difference = status.written_at - obj.stored_at
        offset = difference if abs(difference) > CLOCK_TOLERANCE else None
    return DeviceRow(key=obj.key, name=(status.device_name if status else "") or name or obj.key,
                     status=status, last_seen=last_seen,
                     stale=last_seen is None or now - last_seen > stale_after, revoked=not enabled,
                     clock_offset=offset, problem=obj.problem)


def ago_words(seconds: float) -> str:
    seconds = max(0.0, seconds)
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if seconds >= size:
            return f"{int(seconds // size)} {unit}"
    return f"{int(seconds)} s"


def _when(moment: float | None, now: float) -> str:
    return "never" if moment is None else f"{ago_words(now - moment)} ago"


COLUMNS = ("DEVICE", "OPERATOR", "LAST SEEN", "LAST UPLOAD", "WAITING", "FAILED", "VERSION", "NOTES")


def table_cells(row: DeviceRow, now: float) -> tuple[str, ...]:
    s = row.status
    waiting = f"{s.queued_files} ({_size(s.queued_bytes)})" if s and s.queued_files else ("0" if s else "")
    return (row.name, s.operator if s else "", _when(row.last_seen, now),
            _when(s.last_upload_at, now) if s else "", waiting, str(s.failed_files) if s else "",
            s.app_version if s else "", ", ".join(row.notes()))


def render_table(rows: list[DeviceRow], now: float) -> str:
    cells = [COLUMNS, *(table_cells(r, now) for r in rows)]
    widths = [max(len(line[i]) for line in cells) for i in range(len(COLUMNS))]
    lines = ["  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
             for line in cells]
    return "\n".join([*lines, "", summary(rows)])


def summary(rows: list[DeviceRow]) -> str:
    waiting = sum(r.status.queued_files for r in rows if r.status)
    stale = sum(1 for r in rows if r.stale)
    revoked = sum(1 for r in rows if r.revoked)
    return (f"{len(rows)} device(s): {stale} stale, {revoked} revoked, {waiting} file(s) waiting in all.")


def render_json(rows: list[DeviceRow], *, now: float, stale_after: float, prefix: str) -> dict[str, Any]:
    return {
        "generated_at": iso(now), "stale_after_seconds": stale_after, "prefix": prefix,
        "devices": [{"key": r.key, "name": r.name, "last_seen": iso(r.last_seen), "stale": r.stale,
                     "revoked": r.revoked, "clock_offset_seconds": r.clock_offset, "problem": r.problem or None,
                     "status": r.status.to_json() if r.status else None} for r in rows],
    }


_STYLE = """
body{font-family:system-ui,sans-serif;margin:2rem;color:#1d1d1f}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.4rem .6rem;border-bottom:1px solid #ddd}
th{background:#f3f3f5}tr.stale td{background:#fff4e5}tr.revoked td{background:#fdecec;color:#7a1f1f}
.num{text-align:right}.note{font-weight:600}small{color:#666}
"""


def render_html(rows: list[DeviceRow], *, now: float, stale_after: float, title: str = "Fleet status") -> str:
    """One page with no scripts and nothing loaded from elsewhere (its policy forbids it), to open or share."""
    heads = "".join(f"<th>{html.escape(c.title())}</th>" for c in COLUMNS)
    generated = datetime.fromtimestamp(now, UTC).strftime("%Y-%m-%d %H:%M UTC")
    return (
        "<!DOCTYPE html>\n<html lang=en><head><meta charset=utf-8>"
        "<meta http-equiv=Content-Security-Policy content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{html.escape(title)}</title><style>{_STYLE}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><p>{html.escape(summary(rows))}<br><small>Generated {generated}; "
        f"silent for more than {html.escape(ago_words(stale_after))} counts as stale.</small></p>"
        f"<table><thead><tr>{heads}</tr></thead><tbody>{''.join(_html_row(r, now) for r in rows)}</tbody>"
        "</table></body></html>\n"
    )


def _html_row(row: DeviceRow, now: float) -> str:
    s = row.status
    failure = f"{s.last_failure.code}: {s.last_failure.summary}" if s and s.last_failure else ""
    # Details on hover, column by column: the object's key, exact times, the last failure, the system.
    tips = (row.key, "", iso(row.last_seen), iso(s.last_upload_at) if s else None, "", failure,
            s.os if s else "", "")
    cells = []
    for index, (text, tip) in enumerate(zip(table_cells(row, now), tips, strict=True)):
        kind = " class=num" if COLUMNS[index] in ("WAITING", "FAILED") else (" class=note" if index == 7 else "")
        hover = f' title="{html.escape(tip)}"' if tip else ""
        cells.append(f"<td{kind}{hover}>{html.escape(text)}</td>")
    classes = " ".join(c for c, on in (("stale", row.stale), ("revoked", row.revoked)) if on)
    return f'<tr class="{classes}">{"".join(cells)}</tr>'


def _size(n: int) -> str:
    value = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if value < 1024 or unit == "GiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} GiB"
