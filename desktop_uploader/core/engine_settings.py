"""How the engine sends: files at once, retries, verification, multipart sizes, bandwidth. Built for every
frontend by :func:`desktop_uploader.core.factory.engine_settings`."""

from __future__ import annotations

from dataclasses import dataclass, field

from desktop_uploader.core.config import DEFAULT_CONCURRENCY
from desktop_uploader.core.http import STALL_TIMEOUT
from desktop_uploader.core.retry import RetryPolicy


@dataclass
class EngineSettings:
    concurrency: int = DEFAULT_CONCURRENCY  # files sent at once (where adaptive starts)
    # Adapt the number of files at once to what the network gives, between 1 and max_concurrency.
    adaptive: bool = False
    max_concurrency: int = DEFAULT_CONCURRENCY
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    progress_interval: float = 0.1  # seconds between progress events per job
    verify_md5: bool = True
    resign_margin: float = 60.0  # fetch a new link if the current one expires sooner than this
    multipart_threshold: int = 64 * 1024 * 1024  # larger files go multipart where the signer can
    rate_limit: int | None = None  # bytes per second over all transfers; None = unlimited
    part_size: int = 8 * 1024 * 1024  # preferred; raised as needed to stay within 10,000 parts
    part_concurrency: int = 4  # parts of one file in flight at once
    max_connections: int = 8  # requests carrying file bytes at once, over all files and parts
    stall_timeout: float = STALL_TIMEOUT  # seconds without a byte moving before a transfer is abandoned
