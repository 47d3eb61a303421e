"""`upload` builds its engine from the same settings as the window and the kiosk: the saved bandwidth
limit, the admin's locked one, and the command line's own flag."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core import factory
from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.engine import Engine


@pytest.fixture
def engines(monkeypatch: pytest.MonkeyPatch) -> list[Engine]:
    """Every engine `upload` builds, through the real recipe."""
    built: list[Engine] = []
    real = factory.open_engine

    def recording(*args: Any, **kwargs: Any) -> Engine:
        engine = real(*args, **kwargs)
        built.append(engine)
        return engine

    monkeypatch.setattr(factory, "open_engine", recording)
    return built


def _save(sign_url: str, rate_limit_kib: int) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url=sign_url))
    config.default_profile = "field"
    config.settings["rate_limit_kib"] = rate_limit_kib
    config.save()


def _lock(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, rate_limit_kib: int) -> None:
    locked = tmp_path / "locked.json"
    locked.write_text(json.dumps({"version": 1, "settings": {"rate_limit_kib": rate_limit_kib}}))
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(locked))


@pytest.mark.parametrize("saved, locked, flag, expected", [
    (256, None, None, 256 * 1024),  # the user's saved limit
    (0, 128, None, 128 * 1024),  # the admin's locked limit
    (4096, 128, None, 128 * 1024),  # the locked one wins over the user's
    (256, None, "64K", 64 * 1024),  # the flag wins over the user's own setting
    (0, 128, "1M", 128 * 1024),  # but cannot lift the admin's limit
    (0, 128, "32K", 32 * 1024),  # though it may slow down further
    (0, None, None, None),
])
def test_upload_applies_saved_and_locked_bandwidth_limits(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, engines: list[Engine], reference_endpoint: Any,
        saved: int, locked: int | None, flag: str | None, expected: int | None) -> None:
    _save(reference_endpoint.sign_url, saved)
    if locked is not None:
        _lock(tmp_path, monkeypatch, locked)
    (tmp_path / "a.txt").write_text("hello")
    args = ["upload", str(tmp_path / "a.txt"), "--json", *(["--limit-rate", flag] if flag else [])]
    assert main(args) == 0
    assert [e.settings.rate_limit for e in engines] == [expected]
    assert [e.rate_limit for e in engines] == [expected]
