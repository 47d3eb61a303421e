"""Helpers shared by the CLI commands: loading config with clear errors, reading secrets safely."""

from __future__ import annotations

import getpass
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from desktop_uploader.core.config import Config, ConfigError, Profile, ProfileError

if TYPE_CHECKING:
    from desktop_uploader.core.locked import LockedConfig

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2


class UsageError(Exception):
    """A problem with the command or configuration; exit code 2."""


def load_config() -> Config:
    try:
        return Config.load()
    except (ConfigError, ProfileError) as exc:
        raise UsageError(str(exc)) from None


def load_config_and_lock() -> tuple[Config, LockedConfig]:
    """The user's settings and the admin's locked configuration (an empty one when there is none)."""
    from desktop_uploader.core.locked import LockdownError, load_admin_locks

    config = load_config()
    try:
        return config, load_admin_locks()
    except LockdownError as exc:
        raise UsageError(str(exc)) from None


def load_effective_config() -> Config:
    """The settings to upload with: the user's, with the admin's locked values (if any) laid over them.
    Not for saving: commands that change settings use load_config()."""
    from desktop_uploader.core.locked import LockdownError, effective_config

    config, locked = load_config_and_lock()
    try:
        return effective_config(config, locked)
    except LockdownError as exc:
        raise UsageError(str(exc)) from None


def load_profile(name: str | None, *, effective: bool = False) -> tuple[Config, Profile]:
    """The settings and the named (or default) profile, or a UsageError that says which exist.
    With *effective*, the admin's locked values are laid over them (see load_effective_config)."""
    config = load_effective_config() if effective else load_config()
    try:
        return config, config.get(name)
    except ConfigError as exc:
        raise UsageError(str(exc)) from None


@contextmanager
def queue_errors() -> Iterator[None]:
    """A queue database that cannot be used becomes one plain message and exit status 2, not a traceback."""
    from desktop_uploader.core.store import QueueDamaged, StoreError

    try:
        yield
    except QueueDamaged as exc:
        raise UsageError(f"{exc} To keep it aside and start with an empty queue, run "
                         "'desktop-uploader queue reset'.") from None
    except StoreError as exc:
        raise UsageError(str(exc)) from None


def read_secret(prompt: str) -> str:
    """From a hidden prompt on a terminal, else one line of stdin; never from argv."""
    value = getpass.getpass(prompt) if sys.stdin.isatty() else sys.stdin.readline().rstrip("\r\n")
    if not value:
        raise UsageError("No value was given.")
    return value


# Terminal control characters (C0, DEL, C1) and the invisible marks that reorder text on screen: a file name
# must not move the cursor, recolour the terminal or show itself as another name.
_UNPRINTABLE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def valid_text(text: object) -> str:
    """``text`` with the bytes of a name that was not valid text shown as ``\\xff``: such names reach us as
    lone surrogates, which no terminal, file or JSON reader takes."""
    value = str(text)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        try:
            raw = value.encode("utf-8", "surrogateescape")
        except UnicodeEncodeError:
            raw = value.encode("utf-8", "backslashreplace")
        value = raw.decode("utf-8", "backslashreplace")
    return value


def printable(text: object) -> str:
    """``text`` safe to print on a terminal: valid text, with control characters escaped (``\\x1b``)."""
    return _UNPRINTABLE.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), valid_text(text))


def eprint(*parts: object) -> None:
    print(*parts, file=sys.stderr)
