"""Fixtures for the kiosk window: a real engine over the test's queue, real watch folders, a real
reachability check (fast backoff), and the kiosk window on top; everything shut down at the end."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.factory import EngineOptions, open_engine
from desktop_uploader.core.locked import LockedConfig, apply_locked
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.gui.kiosk.controller import KioskController
from desktop_uploader.gui.kiosk.window import KioskWindow
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.pin import LockoutPolicy, PinStore
from desktop_uploader.kiosk.reachability import Reachability, probe_url
from desktop_uploader.kiosk.settings import kiosk_settings

PIN = "2468"
QUICK_RETRY = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=0.1)


@dataclass
class KioskOptions:
    watch: list[Path] = field(default_factory=list)
    given_watch: list[Path] = field(default_factory=list)  # as `kiosk --watch` gives them, not in the settings
    kiosk: dict[str, Any] = field(default_factory=dict)  # extra kiosk settings
    locked: LockedConfig = field(default_factory=LockedConfig)
    pin: str | None = PIN
    operator: str | None = "Ana"
    clock: Callable[[], float] | None = None
    system_network: SystemNetwork | None = None


KioskFactory = Callable[..., KioskWindow]


def shut(window: KioskWindow) -> None:
    """What the app does after an authorised quit."""
    if getattr(window, "_test_closed", False):
        return
    window._test_closed = True  # type: ignore[attr-defined]
    window.controller.shutdown()
    window.controller.engine.close()
    window._quit()
    window.deleteLater()


@pytest.fixture
def kiosk_factory(qtbot: QtBot) -> Iterator[KioskFactory]:
    made: list[KioskWindow] = []

    def make(profile: Profile, **kw: Any) -> KioskWindow:
        opts = KioskOptions(**kw)
        config = Config.load()
        config.put(profile)
        config.default_profile = profile.name
        config.settings["kiosk"] = {"watch_folders": [str(p) for p in opts.watch], "stable_seconds": 0.3,
                                    **opts.kiosk}
        config.save()
        effective = apply_locked(config, opts.locked)
        settings = kiosk_settings(effective)
        settings.watch_folders += [str(p) for p in opts.given_watch]
        pins = PinStore(clock=opts.clock or time.time,
                        policy=LockoutPolicy(free_attempts=2, base_seconds=30, max_seconds=600),
                        fixed_record=opts.locked.admin_pin)
        if opts.pin and not pins.fixed:
            pins.set_pin(opts.pin)
        identity = IdentityStore(device_override=settings.device_name or None)
        engine = open_engine(config, locked=opts.locked, profile=settings.profile or None,
                             options=EngineOptions(retry=QUICK_RETRY))
        used = effective.get(settings.profile or None)
        reach = Reachability(probe_url(used), timeout=1.0, min_backoff=0.1, max_backoff=0.4, check_interval=2.0)
        controller = KioskController(engine, effective, settings, identity, reachability=reach,
                                     system_network=opts.system_network, rescan_seconds=1.0,
                                     retry_failed_ms=500)
        window = KioskWindow(controller, pins=pins, user_config=config, locked=opts.locked)
        made.append(window)
        window.begin()
        if opts.operator is not None and settings.ask_operator:
            dialog = window.operator_dialog
            assert dialog is not None and dialog.isVisible()
            dialog.field.setText(opts.operator)
            dialog.ok_button.click()
            qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
        return window

    yield make
    for window in made:
        shut(window)
