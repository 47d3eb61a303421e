"""The MD5 hashed beside the sending is the MD5 of the bytes, in order, whatever the block sizes."""

from __future__ import annotations

import hashlib
import os
import threading

from desktop_uploader.core.hashing import OVERLAP_MIN, OverlappedMD5


def test_blocks_of_any_size_give_the_plain_md5() -> None:
    sizes = [1, OVERLAP_MIN - 1, OVERLAP_MIN, 3 * OVERLAP_MIN + 7, 0, 1024 * 1024, 5]
    blocks = [os.urandom(n) for n in sizes]
    overlapped = OverlappedMD5()
    try:
        for block in blocks:
            overlapped.update(block)
        assert overlapped.hexdigest() == hashlib.md5(b"".join(blocks), usedforsecurity=False).hexdigest()
    finally:
        overlapped.close()


def test_big_blocks_are_hashed_on_a_helper_thread_that_close_lets_go() -> None:
    overlapped = OverlappedMD5()
    overlapped.update(os.urandom(4 * OVERLAP_MIN))
    assert any(t.name.startswith("md5") for t in threading.enumerate())
    digest = overlapped.hexdigest()
    overlapped.close()
    overlapped.close()  # closing again does nothing
    assert not any(t.name.startswith("md5") and t.is_alive() for t in threading.enumerate())
    assert len(digest) == 32
