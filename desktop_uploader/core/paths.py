"""Where the app keeps its files: the platform's config and data folders, or DESKTOP_UPLOADER_HOME."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "desktop-uploader"
HOME_ENV = "DESKTOP_UPLOADER_HOME"


def _override() -> Path | None:
    value = os.environ.get(HOME_ENV)
    return Path(value) if value else None


def config_dir() -> Path:
    base = _override()
    path = base / "config" if base else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def data_dir() -> Path:
    base = _override()
    path = base / "data" if base else Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def queue_db_path() -> Path:
    return data_dir() / "queue.sqlite3"
