"""A small layer over ``winreg`` for ``HKEY_CURRENT_USER``, with an in-memory twin for tests on any OS.

Keys are backslash-separated paths below ``HKEY_CURRENT_USER``; values are strings (``REG_SZ``), the
empty name being the key's default value. Registry key names are case-insensitive, and both
implementations treat them so.
"""

from __future__ import annotations

import contextlib
import sys
from abc import ABC, abstractmethod
from collections.abc import Mapping


class RegistryWriter(ABC):
    @abstractmethod
    def key_exists(self, key: str) -> bool: ...

    @abstractmethod
    def read_values(self, key: str) -> dict[str, str] | None:
        """The key's string values by name, or ``None`` if there is no such key."""

    @abstractmethod
    def has_subkeys(self, key: str) -> bool: ...

    @abstractmethod
    def write_values(self, key: str, values: Mapping[str, str]) -> None:
        """Create the key (and any missing parent) and set ``values`` in it."""

    @abstractmethod
    def delete_key(self, key: str) -> None:
        """Delete one key, which must have no subkeys; a missing key is not an error."""


def parent_keys(key: str) -> list[str]:
    """``a\\b\\c`` → ``["a", "a\\b"]``: the keys above ``key``, outermost first."""
    parts = key.split("\\")
    return ["\\".join(parts[:i]) for i in range(1, len(parts))]


class MemoryRegistry(RegistryWriter):
    """``HKEY_CURRENT_USER`` as a dictionary: for tests, and for showing what an install would write."""

    def __init__(self, keys: Mapping[str, Mapping[str, str]] | None = None) -> None:
        self._keys: dict[str, tuple[str, dict[str, str]]] = {}
        for key, values in (keys or {}).items():
            self.write_values(key, values)

    @staticmethod
    def _norm(key: str) -> str:
        return key.strip("\\").casefold()

    def key_exists(self, key: str) -> bool:
        return self._norm(key) in self._keys

    def read_values(self, key: str) -> dict[str, str] | None:
        found = self._keys.get(self._norm(key))
        return dict(found[1]) if found else None

    def has_subkeys(self, key: str) -> bool:
        prefix = self._norm(key) + "\\"
        return any(name.startswith(prefix) for name in self._keys)

    def write_values(self, key: str, values: Mapping[str, str]) -> None:
        key = key.strip("\\")
        for parent in parent_keys(key):
            self._keys.setdefault(self._norm(parent), (parent, {}))
        _spelled, existing = self._keys.setdefault(self._norm(key), (key, {}))
        existing.update(values)

    def delete_key(self, key: str) -> None:
        if self.has_subkeys(key):
            raise OSError(f"Registry key {key} has subkeys.")
        self._keys.pop(self._norm(key), None)

    def snapshot(self) -> dict[str, dict[str, str]]:
        """Every key with its values, keys spelled as first written: what tests compare."""
        return {spelled: dict(values) for spelled, values in sorted(self._keys.values())}


def _not_windows() -> OSError:
    return OSError("The Windows registry exists only on Windows.")


class WinRegistry(RegistryWriter):
    """The real ``HKEY_CURRENT_USER``, through ``winreg`` (Windows only)."""

    def key_exists(self, key: str) -> bool:
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key):
                    return True
            except FileNotFoundError:
                return False
        raise _not_windows()

    def read_values(self, key: str) -> dict[str, str] | None:
        if sys.platform == "win32":
            import winreg

            try:
                handle = winreg.OpenKey(winreg.HKEY_CURRENT_USER, key)
            except FileNotFoundError:
                return None
            values: dict[str, str] = {}
            with handle:
                index = 0
                while True:
                    try:
                        name, data, _kind = winreg.EnumValue(handle, index)
                    except OSError:  # no more values
                        break
                    values[name] = str(data)
                    index += 1
            return values
        raise _not_windows()

    def has_subkeys(self, key: str) -> bool:
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(winreg.HKEY_CURRENT_USER, key) as handle:
                    subkeys, _values, _modified = winreg.QueryInfoKey(handle)
                    return bool(subkeys)
            except FileNotFoundError:
                return False
        raise _not_windows()

    def write_values(self, key: str, values: Mapping[str, str]) -> None:
        if sys.platform == "win32":
            import winreg

            with winreg.CreateKeyEx(winreg.HKEY_CURRENT_USER, key, 0, winreg.KEY_WRITE) as handle:
                for name, data in values.items():
                    winreg.SetValueEx(handle, name, 0, winreg.REG_SZ, data)
            return
        raise _not_windows()

    def delete_key(self, key: str) -> None:
        if sys.platform == "win32":
            import winreg

            with contextlib.suppress(FileNotFoundError):
                winreg.DeleteKey(winreg.HKEY_CURRENT_USER, key)
            return
        raise _not_windows()
