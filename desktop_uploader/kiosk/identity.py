"""Who and what is uploading: a stable install id, a device name and the operator on shift.

The install id is a random UUID created once in the data folder and never changed, so every object a
device sent can be traced to it even when two laptops share a host name. The device name (default: the
host name) and the operator go into keys through ``{device}`` and ``{operator}``, and, where the signer
lets the app choose headers (local signing), into ``x-amz-meta-device``, ``x-amz-meta-operator`` and
``x-amz-meta-install-id``.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from desktop_uploader.core.engine import KeyOptions
from desktop_uploader.core.paths import data_dir

log = logging.getLogger(__name__)

INSTALL_ID_FILE = "install-id"
IDENTITY_FILE = "identity.json"
MAX_NAME_LENGTH = 80
META_DEVICE = "device"
META_OPERATOR = "operator"
META_INSTALL_ID = "install-id"


@dataclass(frozen=True)
class Identity:
    install_id: str
    device_name: str
    operator: str = ""
    operator_since: float | None = None

    def key_options(self, template: str, prefix: str = "") -> KeyOptions:
        return KeyOptions(template=template, prefix=prefix, device=self.device_name, operator=self.operator)

    def metadata(self) -> dict[str, str]:
        """User metadata for the objects this device sends (names without the ``x-amz-meta-`` part)."""
        meta = {META_INSTALL_ID: self.install_id, META_DEVICE: header_safe(self.device_name)}
        if self.operator:
            meta[META_OPERATOR] = header_safe(self.operator)
        return meta


def header_safe(value: str) -> str:
    """``value`` as an HTTP header value S3 accepts in user metadata.

    Header values must be ASCII; S3 decodes RFC 2047 encoded-words in metadata, so a name such as
    "José" is sent encoded rather than mangled or refused.
    """
    if value.isascii() and value.isprintable():
        return value
    return "=?UTF-8?B?" + base64.b64encode(value.encode("utf-8")).decode("ascii") + "?="


def clean_name(value: str, what: str) -> str:
    """A device or operator name as typed, trimmed; ValueError with a plain message if unusable."""
    text = " ".join(value.split())
    if not text:
        raise ValueError(f"The {what} must not be empty.")
    if len(text) > MAX_NAME_LENGTH:
        raise ValueError(f"The {what} must be at most {MAX_NAME_LENGTH} characters.")
    if any(not ch.isprintable() for ch in text):
        raise ValueError(f"The {what} contains characters that cannot be used.")
    return text


def default_device_name() -> str:
    return socket.gethostname().split(".")[0] or "device"


def install_id(directory: Path | None = None) -> str:
    """This installation's id, created on first use and never changed afterwards."""
    folder = directory or data_dir()
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / INSTALL_ID_FILE
    existing = _read_id(path)
    if existing is not None:
        return existing
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".install-id-")
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(str(uuid.uuid4()) + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        try:
            # A hard link fails if the name exists, so two processes starting at once agree on one id and a
            # complete file is the only thing ever seen under the final name.
            os.link(tmp, path)
        except FileExistsError:
            pass
        except OSError:
            # File systems without hard links: an exclusive rename is not available everywhere either, so
            # fall back to a plain rename only if nobody created the file meanwhile.
            if not path.exists():
                os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    found = _read_id(path)
    if found is None:
        raise OSError(f"The install id in {path} cannot be read.")
    return found


def _read_id(path: Path) -> str | None:
    try:
        text = path.read_text("ascii").strip()
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError):
        text = ""
    try:
        return str(uuid.UUID(text))
    except ValueError:
        # A damaged file (a crash on a file system that ignored fsync) gets a new id rather than none.
        log.warning("The install id file %s is damaged; creating a new id.", path)
        path.unlink(missing_ok=True)
        return None


class IdentityStore:
    """The install id plus the device name and operator, kept in ``identity.json`` in the data folder.

    ``device_override`` (from the admin's locked configuration) wins over the stored device name.
    """

    def __init__(self, directory: Path | None = None, *, device_override: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.directory = directory or data_dir()
        self.path = self.directory / IDENTITY_FILE
        self.device_override = device_override or None
        self.clock = clock
        self._lock = threading.Lock()
        self._install_id = install_id(self.directory)

    @property
    def install_id(self) -> str:
        return self._install_id

    def current(self) -> Identity:
        with self._lock:
            data = self._read()
        device = self.device_override or str(data.get("device_name") or "") or default_device_name()
        since = data.get("operator_since")
        return Identity(install_id=self._install_id, device_name=device, operator=str(data.get("operator", "")),
                        operator_since=float(since) if isinstance(since, int | float) else None)

    def set_operator(self, name: str) -> Identity:
        operator = clean_name(name, "operator name")
        with self._lock:
            data = self._read()
            data["operator"] = operator
            data["operator_since"] = self.clock()
            self._write(data)
        return self.current()

    def end_shift(self) -> Identity:
        with self._lock:
            data = self._read()
            data.pop("operator", None)
            data.pop("operator_since", None)
            self._write(data)
        return self.current()

    def set_device_name(self, name: str | None) -> Identity:
        """Store the device name; None or "" goes back to the host name."""
        with self._lock:
            data = self._read()
            if name:
                data["device_name"] = clean_name(name, "device name")
            else:
                data.pop("device_name", None)
            self._write(data)
        return self.current()

    def _read(self) -> dict[str, Any]:
        try:
            raw = json.loads(self.path.read_text("utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            log.warning("%s cannot be read; starting with the default device name and no operator.", self.path)
            return {}
        return raw if isinstance(raw, dict) else {}

    def _write(self, data: dict[str, Any]) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=".identity-", suffix=".json")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(data, fh, indent=2, sort_keys=True)
                fh.write("\n")
            os.replace(tmp, self.path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
