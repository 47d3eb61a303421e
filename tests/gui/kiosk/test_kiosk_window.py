"""The kiosk window against a real engine, real watch folders, the reference endpoint and SeaweedFS."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.health import DestinationHealth
from desktop_uploader.core.locked import LockedConfig, apply_locked, load_locked
from desktop_uploader.core.models import JobState
from desktop_uploader.endpoint import serve_in_thread
from desktop_uploader.gui.kiosk.dialogs import OperatorDialog, PinDialog
from desktop_uploader.gui.kiosk.settings import KioskSettingsDialog
from desktop_uploader.gui.kiosk.window import KioskWindow
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.kiosk.settings import kiosk_settings
from tests.gui.kiosk.conftest import PIN, KioskFactory, shut
from tests.kiosk.helpers import FakeClock, free_port
from tests.plugins.endpoint import seaweed_endpoint_config


def keys_in(seaweed: Any, bucket: str) -> set[str]:
    listing = seaweed.client().list_objects_v2(Bucket=bucket)
    return {o["Key"] for o in listing.get("Contents", [])}


def states(window: KioskWindow) -> list[JobState]:
    return [window.model.job_at(i).state for i in range(window.model.rowCount())]


def enter_pin(qtbot: QtBot, window: KioskWindow, pin: str) -> PinDialog:
    dialog = window.pin_dialog
    assert dialog is not None and dialog.isVisible()
    for digit in pin:  # on the touch keypad, as a field worker would
        next(b for b in dialog.findChildren(type(dialog.ok_button)) if b.text() == digit).click()
    dialog.ok_button.click()
    return dialog


@pytest.fixture
def endpoint_profile(reference_endpoint: Any) -> Profile:
    return Profile(name="field", endpoint_url=reference_endpoint.sign_url)


def test_quit_settings_and_leaving_full_screen_need_the_pin(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                            endpoint_profile: Profile) -> None:
    window = kiosk_factory(endpoint_profile)
    assert window.isFullScreen()

    # Alt+F4 / the window manager's close button arrive as a close event: refused, PIN asked.
    assert window.close() is False
    assert window.isVisible()
    dialog = window.pin_dialog
    assert dialog is not None and dialog.isVisible()
    enter_pin(qtbot, window, "1357")
    assert dialog.isVisible() and "not right" in dialog.message.text()
    dialog.cancel_button.click()
    assert window.isVisible() and window.isFullScreen()

    # Esc does nothing; F11 asks for the PIN before leaving full screen.
    QTest.keyClick(window.status_label, Qt.Key.Key_Escape)
    assert window.isFullScreen() and window.pin_dialog is None
    QTest.keyClick(window.status_label, Qt.Key.Key_F11)
    enter_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: not window.isFullScreen(), timeout=5000)
    # Going back into full screen needs no PIN.
    QTest.keyClick(window.status_label, Qt.Key.Key_F11)
    qtbot.waitUntil(window.isFullScreen, timeout=5000)

    window.settings_button.click()
    assert window.settings_dialog is None
    enter_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible(),
                    timeout=5000)
    assert window.settings_dialog is not None
    window.settings_dialog.cancel_button.click()

    with qtbot.waitSignal(window.quit_requested, timeout=5000):
        window.quit_button.click()
        enter_pin(qtbot, window, PIN)
    assert not window.isVisible()
    shut(window)


def test_wrong_pins_lock_the_prompt_for_a_growing_time(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                       endpoint_profile: Profile) -> None:
    clock = FakeClock()
    window = kiosk_factory(endpoint_profile, clock=clock)
    window.quit_button.click()
    dialog = window.pin_dialog
    assert dialog is not None
    enter_pin(qtbot, window, "1111")
    assert dialog.ok_button.isEnabled()
    enter_pin(qtbot, window, "1111")
    assert "Try again in 30 seconds" in dialog.message.text()
    assert not dialog.ok_button.isEnabled() and not dialog.field.isEnabled()
    # Even the right PIN is not accepted while locked.
    dialog.field.setText(PIN)
    dialog.submit()
    assert window.isVisible() and dialog.isVisible()

    clock.advance(30)
    dialog._show_lockout()  # the dialog's one-second tick
    assert dialog.ok_button.isEnabled()
    enter_pin(qtbot, window, "1111")
    assert "Try again in 60 seconds" in dialog.message.text()
    clock.advance(60)
    dialog._show_lockout()
    enter_pin(qtbot, window, "1111")
    assert "Try again in 2 minutes" in dialog.message.text()
    assert window.pins.locked_for() == 120
    clock.advance(120)
    dialog._show_lockout()
    with qtbot.waitSignal(window.quit_requested, timeout=5000):
        enter_pin(qtbot, window, PIN)


def test_watch_folder_files_are_uploaded_by_themselves(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                       endpoint_profile: Profile, seaweed: Any, bucket: str,
                                                       tmp_path: Path) -> None:
    card = tmp_path / "card"
    (card / "DCIM" / "100CANON").mkdir(parents=True)
    (card / "DCIM" / "101CANON").mkdir(parents=True)
    (card / "DCIM" / "100CANON" / "IMG_0001.JPG").write_bytes(b"\xff\xd8" + b"a" * 5000)
    window = kiosk_factory(endpoint_profile, watch=[card],
                           kiosk={"key_template": "{device}/{operator}/{relpath}", "device_name": "field-07"})
    # One file was there before the start, another arrives while running, with the same name.
    (card / "DCIM" / "101CANON" / "IMG_0001.JPG").write_bytes(b"\xff\xd8" + b"b" * 7000)
    expected = {"field-07/Ana/DCIM/100CANON/IMG_0001.JPG", "field-07/Ana/DCIM/101CANON/IMG_0001.JPG"}
    qtbot.waitUntil(lambda: keys_in(seaweed, bucket) == expected, timeout=30_000)
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 2, timeout=10_000)
    qtbot.waitUntil(lambda: window.status_label.text().startswith("All sent at "), timeout=5000)
    assert window.status_label.text() == f"All sent at {datetime.now():%H:%M}" or \
        window.status_label.text().startswith("All sent at ")
    assert all(state.startswith("Sent at ") for _, state in window.model.rows())
    assert "Operator: Ana" in window.info_label.text() and "Device: field-07" in window.info_label.text()
    body = seaweed.client().get_object(Bucket=bucket, Key="field-07/Ana/DCIM/101CANON/IMG_0001.JPG")["Body"]
    assert body.read() == b"\xff\xd8" + b"b" * 7000


def test_file_still_being_written_is_not_sent_early(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                    endpoint_profile: Profile, seaweed: Any, bucket: str,
                                                    tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    # The writer pauses 0.15 s between blocks; a stability window far above that keeps a busy machine's
    # scheduling delays from looking like a finished file.
    stable = 2.0
    window = kiosk_factory(endpoint_profile, watch=[inbox], kiosk={"stable_seconds": stable,
                                                                   "key_template": "{relpath}"})
    target = inbox / "interview.wav"
    finished = threading.Event()
    last_write = [0.0]

    def record() -> None:
        # A recorder that appends a block every 0.15 s for about 2.5 s: always more often than the
        # stability window.
        pace = threading.Event()
        with open(target, "wb") as fh:
            for i in range(16):
                fh.write(bytes([i]) * 4096)
                fh.flush()
                last_write[0] = time.time()
                pace.wait(0.15)
        finished.set()

    writer = threading.Thread(target=record)
    writer.start()
    try:
        qtbot.waitUntil(finished.is_set, timeout=20_000)
        writer.join()
        assert window.controller.engine.jobs() == []  # nothing was queued while it grew
        qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=30_000)
    finally:
        finished.wait(20)
        writer.join()
    job = window.model.job_at(0)
    assert job.created_at >= last_write[0] + stable - 0.05
    assert job.size == 16 * 4096
    body = seaweed.client().get_object(Bucket=bucket, Key="interview.wav")["Body"].read()
    assert body == target.read_bytes()


def test_offline_then_online_sends_everything_without_a_click(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                              seaweed: Any, bucket: str,
                                                              tmp_path: Path) -> None:
    port = free_port()
    profile = Profile(name="field", endpoint_url=f"http://127.0.0.1:{port}/sign")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    window = kiosk_factory(profile, watch=[inbox], kiosk={"key_template": "{relpath}"})
    for name in ("a.csv", "b.csv", "c.csv"):
        (inbox / name).write_text(f"{name}\n")
    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=20_000)
    qtbot.waitUntil(lambda: window.status_label.text() == "3 files waiting for network", timeout=20_000)
    qtbot.waitUntil(lambda: {state for _, state in window.model.rows()} == {"Waiting for network"}, timeout=10_000)
    # Held back, not failed: the jobs wait paused (or failed on the network, to be retried by themselves).
    qtbot.waitUntil(lambda: all(j.state in (JobState.PAUSED, JobState.FAILED)
                                for j in window.controller.engine.jobs()), timeout=10_000)
    assert "No connection to the server" in window.info_label.text()
    assert not any(j.state is JobState.DONE for j in window.controller.engine.jobs())

    running = serve_in_thread(seaweed_endpoint_config(seaweed, bucket), port=port)
    try:
        qtbot.waitUntil(lambda: keys_in(seaweed, bucket) == {"a.csv", "b.csv", "c.csv"}, timeout=30_000)
        qtbot.waitUntil(lambda: window.status_label.text().startswith("All sent at "), timeout=10_000)
        # The status line reads the queue; the rows follow the engine's events, handed over in batches a
        # moment later: the last row may still be turning done when the line already says so.
        qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 3, timeout=5_000)
    finally:
        running.stop()


def test_restart_with_pending_files_sends_them(qtbot: QtBot, kiosk_factory: KioskFactory, seaweed: Any,
                                               bucket: str, tmp_path: Path) -> None:
    port = free_port()
    profile = Profile(name="field", endpoint_url=f"http://127.0.0.1:{port}/sign")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    first = kiosk_factory(profile, watch=[inbox], kiosk={"key_template": "{relpath}"})
    for name in ("one.jpg", "two.jpg"):
        (inbox / name).write_bytes(name.encode() * 100)
    qtbot.waitUntil(lambda: first.status_label.text() == "2 files waiting for network", timeout=20_000)
    with qtbot.waitSignal(first.quit_requested, timeout=5000):
        first.quit_button.click()
        enter_pin(qtbot, first, PIN)
    shut(first)

    running = serve_in_thread(seaweed_endpoint_config(seaweed, bucket), port=port)
    try:
        second = kiosk_factory(profile, watch=[inbox], kiosk={"key_template": "{relpath}"})
        qtbot.waitUntil(lambda: keys_in(seaweed, bucket) == {"one.jpg", "two.jpg"}, timeout=30_000)
        qtbot.waitUntil(lambda: states(second) == [JobState.DONE] * 2, timeout=10_000)
        # The watcher knew both files: nothing was queued a second time.
        assert len(second.controller.engine.jobs()) == 2
    finally:
        running.stop()


def test_locked_settings_cannot_be_changed_from_the_ui(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                       endpoint_profile: Profile, tmp_path: Path) -> None:
    card = tmp_path / "card"
    card.mkdir()
    locked_file = tmp_path / "locked.json"
    locked_file.write_text(json.dumps({"kiosk": {"watch_folders": [str(card)], "unmetered_only": True},
                                       "profiles": {"field": {"key_template": "{device}/{relpath}"}}}))
    locked = load_locked(locked_file)
    window = kiosk_factory(endpoint_profile, watch=[tmp_path / "elsewhere"], locked=locked)
    assert window.controller.settings.watch_folders == [str(card)]

    window.settings_button.click()
    enter_pin(qtbot, window, PIN)
    qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible(),
                    timeout=5000)
    dialog = window.settings_dialog
    assert dialog is not None
    for name in ("watch_folders", "unmetered_only"):
        assert dialog.is_locked(name) and not dialog.editor(name).isEnabled()
        assert "administrator" in dialog.editor(name).toolTip()
    assert dialog.editor("stable_seconds").isEnabled()
    # Even if the form were changed behind its back, saving keeps the locked values.
    dialog.unmetered.setChecked(False)
    dialog.folders.addItem(str(tmp_path / "sneaky"))
    dialog.stable.setValue(7.5)
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)

    settings = window.controller.settings
    assert settings.unmetered_only is True and settings.watch_folders == [str(card)]
    assert settings.stable_seconds == 7.5
    again = kiosk_settings(apply_locked(Config.load(), locked))
    assert again.unmetered_only is True and again.watch_folders == [str(card)]
    assert again.stable_seconds == 7.5
    assert window.controller.profile.key_template == "{device}/{relpath}"


class _MeteredNetwork(SystemNetwork):
    """The platform reports a metered connection (a phone's hotspot)."""

    def __init__(self) -> None:
        super().__init__(load=False)

    @property
    def metered(self) -> bool | None:
        return True


def test_unmetered_only_waits_on_a_metered_connection(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                      endpoint_profile: Profile, seaweed: Any, bucket: str,
                                                      tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    network = _MeteredNetwork()
    window = kiosk_factory(endpoint_profile, watch=[inbox], kiosk={"unmetered_only": True},
                           system_network=network)
    (inbox / "big-video.mp4").write_bytes(b"v" * 1000)
    qtbot.waitUntil(lambda: window.status_label.text() == "1 file waiting for Wi-Fi or a wired network",
                    timeout=20_000)
    qtbot.waitUntil(lambda: window.model.rows() == [("big-video.mp4", "Waiting for Wi-Fi")], timeout=10_000)
    qtbot.waitUntil(lambda: [j.state for j in window.controller.engine.jobs()] == [JobState.PAUSED], timeout=10_000)
    assert keys_in(seaweed, bucket) == set()


def test_local_signing_sends_device_and_operator_metadata(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                          seaweed: Any, bucket: str, memory_keyring: Any,
                                                          tmp_path: Path) -> None:
    memory_keyring.set_password("desktop-uploader", "loc:access_key_id", seaweed.admin.access_key)
    memory_keyring.set_password("desktop-uploader", "loc:secret_access_key", seaweed.admin.secret_key)
    profile = Profile(name="loc", kind="local", bucket=bucket, s3_endpoint_url=seaweed.endpoint_url,
                      addressing_style="path")
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    window = kiosk_factory(profile, watch=[inbox], kiosk={"key_template": "{operator}/{relpath}",
                                                          "device_name": "tablet-3"})
    (inbox / "form.json").write_text("{}")
    qtbot.waitUntil(lambda: keys_in(seaweed, bucket) == {"Ana/form.json"}, timeout=30_000)
    head = seaweed.client().head_object(Bucket=bucket, Key="Ana/form.json")
    assert head["Metadata"]["device"] == "tablet-3"
    assert head["Metadata"]["operator"] == "Ana"
    assert head["Metadata"]["install-id"] == window.controller.identity.install_id

    # A new shift: the next files carry the new operator.
    window.operator_button.click()
    dialog = window.operator_dialog
    assert dialog is not None
    dialog.field.setText("Bo")
    dialog.ok_button.click()
    (inbox / "form2.json").write_text('{"n": 2}')
    qtbot.waitUntil(lambda: "Bo/form2.json" in keys_in(seaweed, bucket), timeout=30_000)
    assert seaweed.client().head_object(Bucket=bucket, Key="Bo/form2.json")["Metadata"]["operator"] == "Bo"


def test_no_pin_yet_asks_for_one_first(qtbot: QtBot, kiosk_factory: KioskFactory, endpoint_profile: Profile) -> None:
    window = kiosk_factory(endpoint_profile, pin=None, operator=None)
    dialog = window.new_pin_dialog
    assert dialog is not None and dialog.isVisible()
    dialog.reject()  # cannot be dismissed
    assert dialog.isVisible()
    dialog.first.setText("5791")
    dialog.second.setText("5790")
    dialog.ok_button.click()
    assert "not the same" in dialog.message.text()
    dialog.second.setText("5791")
    dialog.ok_button.click()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=5000)
    assert window.pins.verify("5791").ok
    # Then the operator is asked.
    assert window.operator_dialog is not None and window.operator_dialog.isVisible()


def test_locked_admin_pin_applies(qtbot: QtBot, kiosk_factory: KioskFactory, endpoint_profile: Profile,
                                  tmp_path: Path) -> None:
    from desktop_uploader.kiosk.pin import hash_pin

    locked = LockedConfig(path=tmp_path / "locked.json", admin_pin=hash_pin("8080"))
    window = kiosk_factory(endpoint_profile, locked=locked)
    with qtbot.waitSignal(window.quit_requested, timeout=5000):
        window.quit_button.click()
        enter_pin(qtbot, window, "8080")


def test_closed_prompts_are_freed_over_a_long_day(qtbot: QtBot, kiosk_factory: KioskFactory,
                                                  endpoint_profile: Profile) -> None:
    window = kiosk_factory(endpoint_profile)
    for shift in ("Bo", "Cy", "Di"):
        window.operator_button.click()
        dialog = window.operator_dialog
        assert dialog is not None
        dialog.field.setText(shift)
        dialog.ok_button.click()
        window.request_settings()
        enter_pin(qtbot, window, PIN)
        qtbot.waitUntil(lambda: window.settings_dialog is not None and window.settings_dialog.isVisible(),
                        timeout=5000)
        assert window.settings_dialog is not None
        window.settings_dialog.reject()
    assert window.controller.identity.operator == "Di"
    # Each prompt was deleted once closed, not kept as a hidden child of the window.
    qtbot.waitUntil(lambda: not window.findChildren(OperatorDialog) and not window.findChildren(PinDialog)
                    and not window.findChildren(KioskSettingsDialog), timeout=5000)


def test_storage_outage_while_sending_shows_waiting_and_then_sends_all(
        qtbot: QtBot, kiosk_factory: KioskFactory, seaweed: Any, bucket: str, tmp_path: Path,
        wan_factory: Any, wan_ca_env: dict[str, str], reference_endpoint_factory: Any) -> None:
    link = wan_factory("127.0.0.1", seaweed.port, rtt_ms=20)
    endpoint = reference_endpoint_factory(s3_endpoint_url=link.url)
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    window = kiosk_factory(Profile(name="field", endpoint_url=endpoint.sign_url), watch=[inbox],
                           kiosk={"key_template": "{relpath}"})
    window.controller.engine.health = DestinationHealth(min_backoff=0.2, max_backoff=0.5)
    link.outage()  # the storage's link drops; the signing service still answers
    names = [f"site-{i}.csv" for i in range(6)]
    for name in names:
        (inbox / name).write_text(f"{name}\n")
    qtbot.waitUntil(lambda: window.model.rowCount() == 6, timeout=20_000)
    # A few tries fail before the failures count as an outage; then the status says so.
    qtbot.waitUntil(lambda: window.status_label.text() == "6 files waiting for network", timeout=60_000)
    assert not any(j.state is JobState.FAILED for j in window.controller.engine.jobs())
    link.restore()
    qtbot.waitUntil(lambda: keys_in(seaweed, bucket) == set(names), timeout=30_000)
    qtbot.waitUntil(lambda: window.status_label.text().startswith("All sent at "), timeout=10_000)
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 6, timeout=10_000)
