"""An MD5 that is computed beside the sending, not in its way.

hashlib releases the GIL while it hashes a large buffer, and so does a socket while it sends one: hashing
block N on a helper thread while block N goes out over the network takes the checksum (about 1.7 CPU-seconds
per GiB) off the critical path. At most one block waits to be hashed, so memory stays at two blocks.
"""

from __future__ import annotations

import hashlib
import threading
from concurrent.futures import Future, ThreadPoolExecutor

# Below this a block is hashed in line: handing it to the helper costs more than hashing it.
OVERLAP_MIN = 256 * 1024


class OverlappedMD5:
    def __init__(self) -> None:
        self._md5 = hashlib.md5(usedforsecurity=False)
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[None] | None = None
        self._lock = threading.Lock()

    def update(self, block: bytes) -> None:
        """Add ``block`` after every earlier one; returns as soon as the previous block is hashed."""
        self._settle()
        if len(block) < OVERLAP_MIN:
            self._md5.update(block)
            return
        with self._lock:
            if self._pool is None:
                self._pool = ThreadPoolExecutor(1, thread_name_prefix="md5")
            self._pending = self._pool.submit(self._md5.update, block)

    def hexdigest(self) -> str:
        self._settle()
        return self._md5.hexdigest()

    def close(self) -> None:
        """Let the helper thread go (waiting for the block it hashes, if any)."""
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.shutdown(wait=True)

    def _settle(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            pending.result()
