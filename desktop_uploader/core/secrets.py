"""Secrets live only in the OS keychain, through keyring. Never in the config file, logs or argv.

If no secure keychain is available we say so and refuse; we never fall back to a plaintext file silently.
"""

from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

from desktop_uploader.core.failure import KEYRING_UNAVAILABLE
from desktop_uploader.core.redact import remember_secret

if TYPE_CHECKING:
    from keyring.backend import KeyringBackend

SERVICE = "desktop-uploader"
# A separate set of keychain entries for a run that must not touch the user's own (the demo names one and
# removes its entries when it ends).
SERVICE_VARIABLE = "DESKTOP_UPLOADER_KEYCHAIN"


def service() -> str:
    return os.environ.get(SERVICE_VARIABLE) or SERVICE

# Names of the secrets a profile may hold.
ACCESS_KEY_ID = "access_key_id"
SECRET_ACCESS_KEY = "secret_access_key"  # noqa: S105 - a name, not a secret
SESSION_TOKEN = "session_token"  # noqa: S105 - a name, not a secret
CREDENTIAL_FIELDS = (ACCESS_KEY_ID, SECRET_ACCESS_KEY, SESSION_TOKEN)


def header_field(header_name: str) -> str:
    return f"header:{header_name.lower()}"


class KeychainError(Exception):
    code = KEYRING_UNAVAILABLE


class SecretStore:
    """Reads and writes a profile's secrets in the keychain; remembers the backend it checked."""

    def __init__(self, backend: KeyringBackend | None = None) -> None:
        self._backend = backend
        self._lock = threading.Lock()

    def _keyring(self) -> KeyringBackend:
        # keyring loads on first use: a profile that keeps no secret (an endpoint without token headers)
        # never pays for it, or for the backend discovery it runs.
        import keyring

        with self._lock:
            if self._backend is None:
                backend = keyring.get_keyring()
                _check_secure(backend)
                self._backend = backend
            return self._backend

    def backend_name(self) -> str:
        kr = self._keyring()
        return f"{type(kr).__module__}.{type(kr).__name__}"

    def get(self, profile: str, name: str) -> str | None:
        import keyring.errors

        try:
            value = self._keyring().get_password(service(), f"{profile}:{name}")
        except keyring.errors.KeyringError as exc:
            raise KeychainError(f"The system keychain could not be read: {exc}") from None
        if name != ACCESS_KEY_ID:  # a key id is no secret, and reports need it
            remember_secret(value)  # redaction hides it wherever it turns up, whatever it is called
        return value

    def set(self, profile: str, name: str, value: str) -> None:
        import keyring.errors

        if name != ACCESS_KEY_ID:
            remember_secret(value)
        try:
            self._keyring().set_password(service(), f"{profile}:{name}", value)
        except keyring.errors.KeyringError as exc:
            raise KeychainError(f"The system keychain could not store the secret: {exc}") from None

    def delete(self, profile: str, name: str) -> bool:
        import keyring.errors

        try:
            self._keyring().delete_password(service(), f"{profile}:{name}")
        except keyring.errors.PasswordDeleteError:
            return False
        except keyring.errors.KeyringError as exc:
            raise KeychainError(f"The system keychain could not delete the secret: {exc}") from None
        return True

    def delete_profile(self, profile: str, header_names: tuple[str, ...] = ()) -> int:
        names = [*CREDENTIAL_FIELDS, *(header_field(h) for h in header_names)]
        return sum(self.delete(profile, n) for n in names)


def _check_secure(backend: KeyringBackend) -> None:
    module = type(backend).__module__
    if module.startswith("keyring.backends.fail") or module.startswith("keyring.backends.null"):
        raise KeychainError(
            "No system keychain is available. On Linux install and unlock a Secret Service keychain "
            "(GNOME Keyring or KWallet); on Windows and macOS the built-in one is used."
        )
    # keyrings.alt's file backends keep secrets in plain or weakly protected files; only an explicit
    # choice by the user (PYTHON_KEYRING_BACKEND or keyringrc) may select them.
    if module.startswith("keyrings.alt") and not os.environ.get("PYTHON_KEYRING_BACKEND"):
        raise KeychainError(
            f"The only keychain found ({type(backend).__name__}) stores secrets in a plain file; "
            "refusing to use it. Set PYTHON_KEYRING_BACKEND to choose it on purpose."
        )
