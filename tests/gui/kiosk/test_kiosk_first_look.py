"""What a field worker and the admin see in kiosk mode: what is watched and where it goes, big counts, the
file's story on a tap, the PIN set up on the same keypad, and a headline about the kiosk's own files only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QPushButton
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Profile
from desktop_uploader.core.models import JobState, NewJob
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.store import JobStore
from desktop_uploader.gui.kiosk.settings import KioskSettingsDialog
from tests.gui.kiosk.conftest import PIN, KioskFactory
from tests.gui.kiosk.test_kiosk_window import enter_pin, states


@pytest.fixture
def endpoint_profile(reference_endpoint: Any) -> Profile:
    return Profile(name="Field archive", endpoint_url=reference_endpoint.sign_url, prefix="site-4")


def test_watched_folders_and_destination_are_on_screen_and_in_settings(
        qtbot: QtBot, kiosk_factory: KioskFactory, endpoint_profile: Profile, tmp_path: Path) -> None:
    saved, given = tmp_path / "saved", tmp_path / "card"
    saved.mkdir()
    given.mkdir()
    window = kiosk_factory(endpoint_profile, watch=[saved], given_watch=[given])
    where = window.where_label.text()
    assert str(saved) in where and str(given) in where
    assert "Sending to: “Field archive” → site-4/" in where
    assert window.where_label.isVisible()

    window.settings_button.click()
    enter_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: isinstance(window.settings_dialog, KioskSettingsDialog)
                    and window.settings_dialog.isVisible(), timeout=5000)
    dialog = window.settings_dialog
    assert dialog is not None
    listed = [dialog.folders.item(i).text() for i in range(dialog.folders.count())]
    assert listed == [str(saved), f"{given} (from the command line)"]
    dialog.save()
    # Saving keeps the command line's folder watched, without writing it into the settings.
    assert window.controller.settings.watch_folders == [str(saved), str(given)]
    assert dialog.wanted().watch_folders == [str(saved)]


def test_a_new_pin_is_set_on_the_keypad_and_is_digits_only(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                          endpoint_profile: Profile) -> None:
    window = kiosk_factory(endpoint_profile, pin=None, operator=None)
    dialog = window.new_pin_dialog
    assert dialog is not None and dialog.isVisible()
    keys = {b.text(): b for b in dialog.keypad.findChildren(QPushButton)}
    assert set("0123456789") <= set(keys)
    QTest.keyClicks(dialog.first, "ab12")  # a keyboard's letters do not get in
    assert dialog.first.text() == "12"
    dialog.first.clear()
    dialog.first.setFocus()
    for digit in "8024":
        keys[digit].click()
    dialog.second.setFocus()
    for digit in "8024":
        keys[digit].click()
    assert (dialog.first.text(), dialog.second.text()) == ("8024", "8024")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert window.pins.verify("8024").ok


def test_a_tap_on_a_row_tells_the_files_story(qtbot: QtBot, kiosk_factory: KioskFactory,
                                             endpoint_profile: Profile, tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    window = kiosk_factory(endpoint_profile, watch=[inbox])
    (inbox / "survey.csv").write_text("id,depth\n1,2\n")
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=30_000)
    rect = window.view.visualRect(window.model.index(0, 0))
    QTest.mouseClick(window.view.viewport(), Qt.MouseButton.LeftButton, pos=QPoint(rect.center()))
    qtbot.waitUntil(lambda: window.details_dialog is not None and window.details_dialog.isVisible(), timeout=5000)
    dialog = window.details_dialog
    assert dialog is not None
    shown = " ".join(label.text() for label in dialog.findChildren(type(window.where_label)))
    assert "survey.csv" in shown and "“Field archive”" in shown
    dialog.close()


def test_the_headline_and_counts_are_about_the_kiosks_own_files(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                                endpoint_profile: Profile, tmp_path: Path) -> None:
    # An upload started from the command line on this computer, failed long ago.
    (tmp_path / "old.txt").write_text("old")
    store = JobStore(queue_db_path())
    [job] = store.add_jobs([NewJob(path=str(tmp_path / "old.txt"), size=3, mtime_ns=0, key="old.txt",
                                   content_type="text/plain", profile=endpoint_profile.name)])
    store.set_state(job.id, JobState.FAILED, error={"code": "AccessDenied", "message": "no"})
    store.close()

    window = kiosk_factory(endpoint_profile)
    qtbot.waitUntil(lambda: window.controller.status.net.value == "online", timeout=10_000)
    assert "attention" not in window.status_label.text()
    assert window.counts.attention.number.text() == "0"
    assert window.model.rowCount() == 0
    # Counts a field worker can read from arm's length.
    big = window.counts.waiting.number.font().pointSizeF()
    assert big >= 2.5 * QApplication.font().pointSizeF()
    assert window.counts.waiting.isVisible() and window.counts.attention.isVisible()
