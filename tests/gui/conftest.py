"""Fixtures for the window tests: a real engine over the test's own queue database, and its window."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.engine import EngineSettings
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.gui.main_window import MainWindow
from desktop_uploader.gui.network import SystemNetwork

WindowFactory = Callable[..., MainWindow]

# Fast retries, so a failure test does not sit through real backoff.
QUICK_RETRY = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=0.1)


@pytest.fixture(autouse=True)
def clean_clipboard(qapp: Any) -> Iterator[None]:
    """Empty the clipboard after each test. Besides isolating tests, this matters at exit: mime data a
    test handed to the clipboard would otherwise be destroyed by Qt after Python is gone, and crash."""
    yield
    QGuiApplication.clipboard().clear()


@pytest.fixture
def endpoint_profile(reference_endpoint: Any) -> Profile:
    return Profile(name="test", kind="endpoint", endpoint_url=reference_endpoint.sign_url)


@pytest.fixture
def window_factory(qtbot: QtBot) -> Iterator[WindowFactory]:
    """Build windows over fresh engines; everything is shut down when the test ends."""
    made: list[MainWindow] = []

    def make(*profiles: Profile, start: bool = True, concurrency: int = 2,
             retry: RetryPolicy = QUICK_RETRY, default: str | None = None, save: bool = True,
             profile: str | None = None, settings: dict[str, Any] | None = None,
             network: SystemNetwork | None = None) -> MainWindow:
        config = Config.load()
        for profile in profiles:
            config.put(profile)
        config.settings.update(settings or {})
        if default:
            config.default_profile = default
        if save:
            config.save()
        engine = open_engine(config, secrets=SecretStore(), settings=EngineSettings(concurrency=concurrency,
                                                                                   retry=retry))
        window = MainWindow(engine, config, secrets=SecretStore(), profile=profile, network=network)
        made.append(window)
        window.show()
        qtbot.waitUntil(lambda: window.is_loaded, timeout=10_000)
        if start:
            engine.start()
        return window

    yield make
    for window in made:
        close_window(window)
    # `made` kept every window alive until now, so no id in the set was reused during the test.
    _closed.difference_update(id(w) for w in made)


_closed: set[int] = set()


def close_window(window: MainWindow) -> None:
    """What the app does on quit: stop listening, close the engine (in-flight work goes back to the queue)."""
    if id(window) in _closed:
        return
    _closed.add(id(window))
    window._quitting = True
    window.shutdown()
    window.engine.close()
    window.close()
    window.deleteLater()
