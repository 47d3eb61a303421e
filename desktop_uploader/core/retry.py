"""When to try again, and how long to wait: exponential backoff with full jitter, Retry-After honoured."""

from __future__ import annotations

import random
from dataclasses import dataclass

from desktop_uploader.core.failure import Failure


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6  # tries per job run, the first included
    base_delay: float = 1.0
    max_delay: float = 60.0
    slowdown_base: float = 5.0  # S3 asked us to slow down: start higher
    max_resigns: int = 3  # fresh links after expiry, on top of max_attempts

    def delay(self, attempt: int, failure: Failure, rng: random.Random | None = None) -> float:
        """Seconds to wait before try number *attempt* + 1 (attempt counts from 1)."""
        if failure.retry_after is not None:
            return min(failure.retry_after, self.max_delay * 5)
        base = self.slowdown_base if failure.code in ("SlowDown", "TooManyRequests") or \
            failure.http_status == 429 else self.base_delay
        cap = min(self.max_delay, base * (2 ** (attempt - 1)))
        return (rng or random).uniform(cap / 2, cap)
