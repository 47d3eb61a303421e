"""One signer per profile, made on first use and kept: a signer holds its keychain secrets and, for local
signing, a botocore client that is costly to build."""

from __future__ import annotations

import threading
from collections.abc import Callable

from desktop_uploader.core.signers.base import Signer


class SignerCache:
    def __init__(self, make: Callable[[str], Signer]) -> None:
        self._make = make
        self._signers: dict[str, Signer] = {}
        self._lock = threading.Lock()

    def get(self, profile: str) -> Signer:
        """The profile's signer; raises UploadError when it cannot be made (unknown profile, no keys)."""
        with self._lock:
            signer = self._signers.get(profile)
            if signer is None:
                signer = self._make(profile)
                self._signers[profile] = signer
            return signer

    def clear(self) -> None:
        """Close and forget every signer (the next use makes a new one from the current settings)."""
        with self._lock:
            for signer in self._signers.values():
                signer.close()
            self._signers.clear()
