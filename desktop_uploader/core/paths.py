"""Where the app keeps its files: the platform's config and data folders, or DESKTOP_UPLOADER_HOME."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP_NAME = "desktop-uploader"
HOME_ENV = "DESKTOP_UPLOADER_HOME"


def _override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def _private_dir(path: Path) -> Path:
    """The app's own folder, open to its owner only: it holds the queue (names of other people's files), the
    settings and the PIN record."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    with contextlib.suppress(OSError):  # a folder someone else made for us, or Windows: leave it
        if path.stat().st_mode & 0o077:
            path.chmod(0o700)
    return path


def config_dir() -> Path:
    base = _override()
    return _private_dir(base / "config" if base else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)))


def data_dir() -> Path:
    base = _override()
    return _private_dir(base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)))


def queue_db_path() -> Path:
    return data_dir() / "queue.sqlite3"
