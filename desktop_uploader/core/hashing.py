"""An MD5 that is computed beside the sending, not in its way.

hashlib releases the GIL while it hashes a large buffer, and so does a socket while it sends one: hashing
block N on a helper thread while block N goes out over the network takes the checksum (about 1.7 CPU-seconds
per GiB) off the critical path. At most one block waits to be hashed, so memory stays at two blocks.
"""

from __future__ import annotations

import base64
import hashlib
import threading
import zlib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import BinaryIO

CRC_BLOCK = 1024 * 1024
CHECKSUM_HEADER = "x-amz-checksum-crc32"

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


def crc32_of(fh: BinaryIO, offset: int, length: int, check: Callable[[], None] | None = None) -> str:
    """The CRC32 of ``length`` bytes of ``fh`` from ``offset``, as S3 spells it (base64, big-endian).

    zlib's CRC32 costs about a fifth of MD5's CPU and releases the GIL; ``check`` is called between blocks
    (a pause or cancel stops the reading). Raises EOFError if the file is shorter than ``length``."""
    fh.seek(offset)
    crc = 0
    remaining = length
    while remaining > 0:
        if check is not None:
            check()
        block = fh.read(min(CRC_BLOCK, remaining))
        if not block:
            raise EOFError("the file got shorter while its checksum was computed")
        crc = zlib.crc32(block, crc)
        remaining -= len(block)
    return crc32_text(crc)


def crc32_text(crc: int) -> str:
    return base64.b64encode(crc.to_bytes(4, "big")).decode("ascii")
