"""Where the admin PIN's record comes from, and who may replace it (see kiosk.pin for the order and why).

A record written with administrator rights goes to the administrators' folder, which the kiosk user can read
but not change; a record set by the user stays in the user's config folder and can only be replaced with
the current PIN.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from desktop_uploader.core import locked as lockdown
from desktop_uploader.core.locked import LockedConfig
from desktop_uploader.kiosk.pin import PIN_FILE, PinError, PinStore, hash_pin, validate_record


def system_pin_path() -> Path:
    return lockdown.SYSTEM_CONFIG_DIR / PIN_FILE


def is_administrator() -> bool:
    """Whether this process runs with administrator rights (root; an elevated Windows process)."""
    if os.name == "nt":
        import ctypes

        return bool(ctypes.windll.shell32.IsUserAnAdmin())  # type: ignore[attr-defined,unused-ignore]
    return os.geteuid() == 0


def _system_record() -> dict[str, Any] | None:
    path = system_pin_path()
    try:
        raw = json.loads(path.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        # Damaged is not "no PIN": that would unlock the kiosk.
        raise PinError(f"The admin PIN record {path} cannot be read ({exc}); ask your administrator.") from None
    record = raw.get("pin") if isinstance(raw, dict) else None
    if not isinstance(record, dict):
        raise PinError(f"The admin PIN record {path} is damaged; ask your administrator.")
    validate_record(record)
    return record


def fixed_record(locked: LockedConfig) -> Mapping[str, Any] | None:
    """The record the kiosk user cannot change, if there is one: from the system-wide locked configuration,
    the administrators' folder or a locked configuration the user named, in that order."""
    if locked.admin_pin is not None and locked.system_pin:
        return locked.admin_pin
    return _system_record() or locked.admin_pin


def open_pin_store(locked: LockedConfig, **options: Any) -> PinStore:
    """The device's PIN store, with the record that wins (PinError if an administrator's record is damaged)."""
    return PinStore(fixed_record=fixed_record(locked), **options)


def save_system_pin(pin: str) -> Path:
    """Write the PIN's record to the administrators' folder (needs administrator rights); readable by all, so
    the kiosk can check it, changeable by administrators only."""
    path = system_pin_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".pin-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump({"version": 1, "pin": hash_pin(pin)}, fh, indent=2, sort_keys=True)
            fh.write("\n")
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path
