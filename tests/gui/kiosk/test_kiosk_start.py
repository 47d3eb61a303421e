"""Starting kiosk mode: it refuses to run without the PIN it had, rather than letting anyone choose one."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtWidgets import QApplication

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.gui.kiosk import window
from desktop_uploader.kiosk.pin import PinStore


def test_kiosk_refuses_to_start_when_its_pin_record_vanished(qapp: QApplication,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="http://127.0.0.1:9/sign"))
    config.save()
    pins = PinStore()
    pins.set_pin("2468")
    pins.path.unlink()  # someone with a file manager
    shown: list[Any] = []
    monkeypatch.setattr(window.QMessageBox, "critical", lambda *args: shown.append(args))

    # Before: the kiosk started and asked whoever stood there for a new PIN.
    assert window.run_kiosk() == 2

    assert len(shown) == 1 and "record is gone" in shown[0][2]
