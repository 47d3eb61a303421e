"""The admin PIN that guards kiosk settings, quitting and leaving full screen.

Only a salted scrypt hash is kept; the PIN itself is never written anywhere. Where the record lives decides
who can change it, in this order:

1. ``admin_pin`` in the system-wide locked configuration (a fleet-wide PIN, made with ``fleet set-pin
   --print-record``);
2. ``admin-pin.json`` in the administrators' folder next to it, written by ``fleet set-pin`` run with
   administrator rights;
3. ``admin_pin`` in a locked configuration the user named;
4. ``admin-pin.json`` in the user's config folder, set on the device (the first time, or with the current
   PIN).

The first three cannot be changed from the kiosk. Wrong attempts lock the prompt for a growing time; the
lock-out state is kept in the user's config folder (the app runs as that user and must write it), so
restarting the app does not give a fresh set of guesses. A marker in the data folder remembers that a PIN
was set on this device: if the record disappears, kiosk mode refuses to start instead of asking whoever
stands there for a new PIN.

What this protects against, and what not: the PIN and its lock-out stop people at the kiosk's screen. A
person who can read and write files in the kiosk user's account (a shell, a file manager) is beyond what
a PIN can stop: such a person can reset the lock-out and test PINs against a readable record offline (at
this scrypt cost a four-digit PIN falls in well under an hour on one core, six digits take days, longer
ones with letters far more). Keep kiosk users away from a shell, use a longer PIN, and put the record in
the administrators' folder or the locked configuration so it cannot be replaced.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import tempfile
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_uploader.core import paths

PIN_FILE = "admin-pin.json"
PIN_SET_MARKER = "admin-pin-was-set"
MAX_FAILURES = 1_000_000
MIN_PIN_LENGTH = 4
MAX_PIN_LENGTH = 64
ALGORITHM = "scrypt"
# About a quarter of a second and 32 MiB per try on a laptop: cheap for the one person who knows the PIN,
# slow for anyone trying every four-digit code against a copied file.
SCRYPT_N = 2**15
SCRYPT_R = 8
SCRYPT_P = 1
_DKLEN = 32
_SALT_BYTES = 16
# Allowed ranges for records read from disk: a tampered file must not make us allocate gigabytes.
_MAX_N = 2**20
_MAX_R = 32
_MAX_P = 16

Clock = Callable[[], float]


class PinError(ValueError):
    """The PIN or its record cannot be used; the message says why in plain words."""


@dataclass(frozen=True)
class LockoutPolicy:
    """How long the prompt stays locked after wrong attempts.

    The first ``free_attempts - 1`` mistakes cost nothing (typos happen on touch screens); from the
    ``free_attempts``-th wrong PIN in a row on, each one locks for ``base_seconds`` doubled per further
    mistake, up to ``max_seconds``.
    """

    free_attempts: int = 3
    base_seconds: float = 30.0
    factor: float = 2.0
    max_seconds: float = 3600.0

    def lock_seconds(self, failures: int) -> float:
        if failures < self.free_attempts:
            return 0.0
        # The exponent is capped: past a thousand failures the power alone overflows a float, and the right
        # PIN must keep working however many wrong ones came before (the lock-out is capped anyway).
        steps = min(failures - self.free_attempts, 64)
        return float(min(self.max_seconds, self.base_seconds * self.factor ** steps))


@dataclass(frozen=True)
class PinCheck:
    ok: bool
    locked_for: float = 0.0  # seconds until the next try is accepted; 0 = may try now
    failures: int = 0  # wrong attempts in a row so far
    tried: bool = True  # False when the attempt was refused unchecked because of a lockout


def hash_pin(pin: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P,
             salt: bytes | None = None) -> dict[str, Any]:
    """A record holding a salted scrypt hash of ``pin`` (and how it was made), safe to store."""
    check_pin_format(pin)
    salt = salt if salt is not None else secrets.token_bytes(_SALT_BYTES)
    digest = _scrypt(pin, salt, n, r, p)
    return {"algorithm": ALGORITHM, "n": n, "r": r, "p": p,
            "salt": base64.b64encode(salt).decode("ascii"), "hash": base64.b64encode(digest).decode("ascii")}


def check_pin_format(pin: str) -> None:
    if len(pin) < MIN_PIN_LENGTH:
        raise PinError(f"The PIN must have at least {MIN_PIN_LENGTH} characters.")
    if len(pin) > MAX_PIN_LENGTH:
        raise PinError(f"The PIN must have at most {MAX_PIN_LENGTH} characters.")
    if pin != pin.strip():
        raise PinError("The PIN must not start or end with a space.")


def validate_record(record: Mapping[str, Any]) -> None:
    """Raise PinError unless ``record`` is a hash record this version can check."""
    if not isinstance(record, Mapping) or record.get("algorithm") != ALGORITHM:
        raise PinError("The PIN record is not a scrypt hash made by desktop-uploader.")
    for name, top in (("n", _MAX_N), ("r", _MAX_R), ("p", _MAX_P)):
        value = record.get(name)
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= top:
            raise PinError(f"The PIN record's '{name}' is out of range.")
    n = int(record["n"])
    if n < 2 or n & (n - 1):
        raise PinError("The PIN record's 'n' must be a power of two.")
    for name in ("salt", "hash"):
        try:
            raw = base64.b64decode(str(record.get(name, "")), validate=True)
        except ValueError:
            raise PinError(f"The PIN record's '{name}' is not base64.") from None
        if len(raw) < 8:
            raise PinError(f"The PIN record's '{name}' is too short.")


def record_matches(record: Mapping[str, Any], pin: str) -> bool:
    validate_record(record)
    salt = base64.b64decode(str(record["salt"]))
    expected = base64.b64decode(str(record["hash"]))
    if not MIN_PIN_LENGTH <= len(pin) <= MAX_PIN_LENGTH:
        # Still spend the same work, so the answer's timing says nothing about the input's length.
        _scrypt("0" * MIN_PIN_LENGTH, salt, int(record["n"]), int(record["r"]), int(record["p"]), len(expected))
        return False
    digest = _scrypt(pin, salt, int(record["n"]), int(record["r"]), int(record["p"]), len(expected))
    return hmac.compare_digest(digest, expected)


def _scrypt(pin: str, salt: bytes, n: int, r: int, p: int, dklen: int = _DKLEN) -> bytes:
    # maxmem must exceed 128 * r * n bytes, which OpenSSL's default (32 MiB) does not for n = 2**15.
    return hashlib.scrypt(pin.encode("utf-8"), salt=salt, n=n, r=r, p=p, dklen=dklen,
                          maxmem=256 * r * n + 1024 * 1024)


class PinStore:
    """The device's admin PIN and its lockout state.

    ``clock`` returns wall-clock seconds; wall time (not a monotonic clock) is what survives a restart.
    A clock moved backwards cannot stretch a lockout beyond what the policy allows for the current
    number of failures.
    """

    def __init__(self, path: Path | None = None, *, clock: Clock = time.time,
                 policy: LockoutPolicy | None = None, fixed_record: Mapping[str, Any] | None = None,
                 marker: Path | None = None) -> None:
        self.path = path or paths.config_dir() / PIN_FILE
        self.marker = marker or paths.data_dir() / PIN_SET_MARKER
        self.clock = clock
        self.policy = policy or LockoutPolicy()
        if fixed_record is not None:
            validate_record(fixed_record)
        self._fixed = dict(fixed_record) if fixed_record is not None else None
        self._lock = threading.Lock()

    @property
    def fixed(self) -> bool:
        """True if the PIN comes from the admin's locked configuration and cannot be changed here."""
        return self._fixed is not None

    def is_set(self) -> bool:
        return self._record() is not None

    def missing(self) -> bool:
        """True when a PIN was set on this device and its record is gone: not a reason to ask for a new one."""
        return not self.is_set() and self.marker.exists()

    def set_pin(self, pin: str) -> None:
        if self._fixed is not None:
            raise PinError("The admin PIN is set by the locked configuration and cannot be changed here.")
        record = hash_pin(pin)
        with self._lock:
            data = self._read()
            data["pin"] = record
            data["failures"] = 0
            data["locked_until"] = 0.0
            self._write(data)
            self.marker.parent.mkdir(parents=True, exist_ok=True)
            self.marker.touch()

    def locked_for(self) -> float:
        with self._lock:
            data = self._state()
            return self._remaining(data)

    def failures(self) -> int:
        with self._lock:
            return _failures(self._state())

    def verify(self, pin: str) -> PinCheck:
        with self._lock:
            data = self._state()
            record = self._fixed if self._fixed is not None else data.get("pin")
            if not isinstance(record, dict):
                raise PinError("No admin PIN is set. Set one with 'desktop-uploader fleet set-pin'.")
            failures = _failures(data)
            remaining = self._remaining(data)
            if remaining > 0:
                return PinCheck(ok=False, locked_for=remaining, failures=failures, tried=False)
            if record_matches(record, pin):
                if failures or data.get("locked_until"):
                    data["failures"] = 0
                    data["locked_until"] = 0.0
                    self._write(data)
                return PinCheck(ok=True)
            failures += 1
            lock = self.policy.lock_seconds(failures)
            data["failures"] = failures
            data["locked_until"] = self.clock() + lock if lock else 0.0
            self._write(data)
            return PinCheck(ok=False, locked_for=lock, failures=failures)

    def _record(self) -> dict[str, Any] | None:
        if self._fixed is not None:
            return self._fixed
        with self._lock:
            record = self._read().get("pin")
        return record if isinstance(record, dict) else None

    def _state(self) -> dict[str, Any]:
        """The stored state; a lock-out that is not numbers (an edited file) becomes the longest lock-out from
        now, kept on disk, never a reset."""
        data = self._read()
        failures, until = data.get("failures", 0), data.get("locked_until", 0.0)
        counts = isinstance(failures, int) and not isinstance(failures, bool) and failures >= 0
        if counts and isinstance(until, int | float) and not isinstance(until, bool):
            return data
        data["failures"] = MAX_FAILURES
        data["locked_until"] = self.clock() + self.policy.max_seconds
        self._write(data)
        return data

    def _remaining(self, data: dict[str, Any]) -> float:
        until = float(data.get("locked_until", 0.0) or 0.0)
        if not until:
            return 0.0
        now = self.clock()
        longest = self.policy.lock_seconds(_failures(data))
        # A clock set back must not turn a 30-second lockout into a day.
        return max(0.0, min(until - now, longest))

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            # Refusing is safer than treating a damaged file as "no PIN": that would unlock the kiosk.
            raise PinError(f"The admin PIN file {self.path} cannot be read ({exc}). Set the PIN again with "
                           "'desktop-uploader fleet set-pin'.") from None
        if not isinstance(raw, dict):
            raise PinError(f"The admin PIN file {self.path} is damaged. Set the PIN again with "
                           "'desktop-uploader fleet set-pin'.")
        return raw

    def _write(self, data: dict[str, Any]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data["version"] = 1
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".pin-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise


def _failures(data: Mapping[str, Any]) -> int:
    """Wrong attempts in a row as stored; a value that is not a count (an edited file) counts as very many."""
    value = data.get("failures", 0)
    if isinstance(value, bool) or not isinstance(value, int):
        return MAX_FAILURES
    return max(0, min(value, MAX_FAILURES))
