"""Which check proves an upload: the storage's own CRC32, signed into the link, or our MD5 against its ETag.

Where the signer signs ``x-amz-checksum-crc32`` into the link, the storage checks the bytes itself and refuses
wrong ones (400 BadDigest) before storing them, and the CRC costs a fifth of the MD5's CPU. That is only a
proof if the storage understood the header, which it shows by echoing the checksum in its answer. So each
destination starts on probation: the first such upload is also checked by MD5; once the storage has echoed the
checksum, MD5 is left out; a storage that answers without the echo is checked by MD5 from then on, with no
CRC computed. What was learnt is kept in the queue database per destination (the storage behind a signer),
so each run does not start on probation again. A signer that does not sign the header (a signing service
that does not know it) leaves the link without it, and the MD5 check applies as before.

Multipart uploads through local signing follow the same rules part by part (see core/multipart.py): each
part's CRC is signed into its link and must be echoed, and its MD5 is left out once the destination is
trusted. A storage that refuses to start an upload with a checksum algorithm counts as one that ignores it.
"""

from __future__ import annotations

import threading
import weakref
from dataclasses import dataclass

from desktop_uploader.core import failure as f
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.signers.service import destination_name
from desktop_uploader.core.store import JobStore
from desktop_uploader.core.transfer import SMALL_BODY, PutResult

# Files up to SMALL_BODY are sent in one piece and hashed in memory: a CRC pass over them buys nothing.
CHECKSUM_MIN = SMALL_BODY + 1

_TRUSTED = "trusted"
_IGNORED = "ignored"
_FACT = "checksum_crc32"


@dataclass(frozen=True)
class EchoCheck:
    """What an upload's answer showed: ``failure`` when the stored bytes are not the ones sent, or when the
    upload stands unverified; None when it is proven or left to the MD5 check."""

    failure: Failure | None


# A signer describes the same storage for as long as it lives: its name is worked out once, not per file.
_NAMES: weakref.WeakKeyDictionary[Signer, str] = weakref.WeakKeyDictionary()


def destination_of(signer: Signer) -> str:
    """The storage behind a signer, as a stable name: a profile may be renamed or pointed elsewhere."""
    name = _NAMES.get(signer)
    if name is None:
        name = _NAMES[signer] = destination_name(signer.describe())
    return name


class ChecksumPolicy:
    """Per destination: whether to compute a CRC for a file, and whether MD5 is still needed beside it."""

    def __init__(self, store: JobStore | None = None) -> None:
        self._store = store
        self._state: dict[str, str | None] = {}
        self._lock = threading.Lock()

    def wanted(self, destination: str, size: int, *, verify: bool, offered: bool) -> bool:
        """Whether to compute the file's CRC32 before signing: verification is on, the signer may sign it,
        the file is streamed, and the storage has not shown that it ignores the header."""
        if not (verify and offered) or size < CHECKSUM_MIN:
            return False
        return self._known(destination) != _IGNORED

    def needs_md5(self, destination: str, *, verify: bool, signed_checksum: bool) -> bool:
        if not verify:
            return False
        if not signed_checksum:
            return True
        return self._known(destination) != _TRUSTED

    def answered(self, destination: str, sent: str, result: PutResult, *, md5_checked: bool,
                 part: int | None = None) -> EchoCheck:
        """Learn from the answer to an upload (or to its ``part``) whose link carried ``sent``; says whether
        it stands."""
        echoed = result.checksum_crc32
        if echoed is not None and echoed.strip() == sent:
            self._learn(destination, _TRUSTED)
            return EchoCheck(None)
        what = "the upload" if part is None else f"part {part}"
        if echoed is not None:
            stored = "what it stored" if part is None else f"what it stored of {what}"
            return EchoCheck(Failure(
                code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=True,
                message=f"The storage server reports a different checksum for {stored} (CRC32 {echoed}) "
                        f"than for what was sent ({sent})."))
        self._learn(destination, _IGNORED)
        if md5_checked:
            return EchoCheck(None)  # the MD5 check that follows decides
        return EchoCheck(Failure(
            code=f.ETAG_MISMATCH, stage=f.STAGE_VERIFY, retryable=True,
            message=f"The storage server did not confirm the checksum of {what}, so it is sent again and "
                    "checked another way."))

    def refused(self, destination: str) -> None:
        """The storage would not start a multipart upload with a checksum algorithm: MD5 from now on."""
        self._learn(destination, _IGNORED)

    def _known(self, destination: str) -> str | None:
        with self._lock:
            if destination in self._state:
                return self._state[destination]
        value = self._store.destination_fact(destination, _FACT) if self._store is not None else None
        with self._lock:
            return self._state.setdefault(destination, value)

    def _learn(self, destination: str, value: str) -> None:
        with self._lock:
            if self._state.get(destination) == value:
                return
            self._state[destination] = value
        if self._store is not None:
            self._store.set_destination_fact(destination, _FACT, value)
