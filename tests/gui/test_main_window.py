"""The main window against a real engine, the reference signing endpoint and SeaweedFS."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Profile
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.health import DestinationHealth, DestinationState
from desktop_uploader.core.models import Event, EventKind, JobState, NewJob
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.settings import PAUSE_ON_METERED
from desktop_uploader.core.store import JobStore
from desktop_uploader.gui import history
from desktop_uploader.gui.details_dialog import DetailsDialog
from desktop_uploader.gui.network import SystemNetwork
from desktop_uploader.gui.queue_model import Column
from tests.core.helpers import local_profile, store_credentials
from tests.gui.conftest import WindowFactory, close_window
from tests.gui.helpers import drop, files_in, mime_of, states


def test_drop_files_and_folder_uploads_them(qtbot: QtBot, window_factory: WindowFactory,
                                            endpoint_profile: Profile, seaweed: Any, bucket: str,
                                            tmp_path: Path) -> None:
    loose = files_in(tmp_path, {"notes.txt": b"field notes\n"})
    files_in(tmp_path, {"photos/site 4.jpg": b"\xff\xd8" + b"x" * 300_000, "photos/raw/one.csv": b"a,b\n1,2\n"})
    window = window_factory(endpoint_profile)

    drop(window, [loose[0], tmp_path / "photos"])

    qtbot.waitUntil(lambda: window.model.rowCount() == 3, timeout=10_000)
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 3, timeout=30_000)
    for i in range(3):
        assert window.model.index(i, Column.PROGRESS).data() == "100 %"
        assert window.model.index(i, Column.STATE).data() == "Uploaded"
    keys = {r.key for r in window.model.rows()}
    listing = seaweed.client().list_objects_v2(Bucket=bucket)
    assert {o["Key"] for o in listing.get("Contents", [])} == keys
    by_name = {r.name: r for r in window.model.rows()}
    body = seaweed.client().get_object(Bucket=bucket, Key=by_name["site 4.jpg"].key)["Body"].read()
    assert body == (tmp_path / "photos" / "site 4.jpg").read_bytes()
    assert window.status_summary.progress.value() == window.status_summary.progress.maximum()
    assert "3 of 3 uploaded" in window.status_summary.label.text()
    # Finished uploads are in the history, searchable, and their key can be copied.
    assert window.history_tab.model.rowCount() == 3
    window.history_tab.search.setText("site 4")
    assert window.history_tab.filter.rowCount() == 1
    window.history_tab.view.selectRow(0)
    window.history_tab.act_copy_key.trigger()
    assert QGuiApplication.clipboard().text() == by_name["site 4.jpg"].key
    # The engine reports idle just after the last file; then the batch notification goes out.
    qtbot.waitUntil(lambda: window.notices.last_notification is not None, timeout=10_000)
    assert window.notices.last_notification is not None and window.notices.last_notification[0] == "Uploads finished"


def test_paste_files_queues_them(qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile,
                                 tmp_path: Path) -> None:
    files = files_in(tmp_path, {"a.txt": b"a", "b.txt": b"b"})
    window = window_factory(endpoint_profile)
    QGuiApplication.clipboard().setMimeData(mime_of(files))
    window.activateWindow()
    window.queue_tab.view.setFocus()
    window.act_paste.trigger()
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 2, timeout=30_000)


def test_failure_shows_explanation_and_copies_redacted_report(
        qtbot: QtBot, window_factory: WindowFactory, reference_endpoint_factory: Any, memory_keyring: Any,
        tmp_path: Path) -> None:
    endpoint = reference_endpoint_factory(shared_token="the-right-token")
    wrong = "wrong-token-that-must-never-leak"
    memory_keyring.set_password("desktop-uploader", "guarded:header:x-api-key", wrong)
    profile = Profile(name="guarded", endpoint_url=endpoint.sign_url, secret_headers=["X-Api-Key"])
    window = window_factory(profile)
    files_in(tmp_path, {"report.pdf": b"%PDF-1.4\n"})

    drop(window, [tmp_path / "report.pdf"])

    qtbot.waitUntil(lambda: states(window) == [JobState.FAILED], timeout=30_000)
    row = window.model.row_at(0)
    assert row.summary
    state_text = window.model.index(0, Column.STATE).data()
    assert state_text == f"Failed: {row.summary}"
    tooltip = window.model.index(0, Column.NAME).data(Qt.ItemDataRole.ToolTipRole)
    assert row.summary in tooltip

    # Enter on the row opens the details, whose report goes to the clipboard without the secret.
    window.queue_tab.view.setFocus()
    window.queue_tab.select_job(row.job_id)
    qtbot.keyClick(window.queue_tab.view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: isinstance(window.queue_tab.details_dialog, DetailsDialog)
                    and window.queue_tab.details_dialog.isVisible(), timeout=5_000)
    dialog = window.queue_tab.details_dialog
    assert dialog is not None
    assert row.summary in dialog.summary_label.text()
    qtbot.mouseClick(dialog.copy_button, Qt.MouseButton.LeftButton)
    report = QGuiApplication.clipboard().text()
    assert "report.pdf" in report
    assert str(row.error["code"]) in report
    assert wrong not in report
    assert "the-right-token" not in report
    # What support asks first: the app's version, the system, and where the file was going.
    assert "App version: " in report and "System: " in report
    assert "Destination: guarded (signing service, simple protocol)" in report
    assert "Signing service host: 127.0.0.1" in report
    shown = "\n".join(label.text() for label in dialog.findChildren(QLabel))
    assert "“guarded” → " in shown and "report.pdf" in shown
    assert "Trying again may help:" in shown and "\nNo\n" not in f"\n{shown}\n"
    dialog.close()


def test_unreachable_endpoint_shows_one_waiting_line(qtbot: QtBot, window_factory: WindowFactory,
                                                     tmp_path: Path) -> None:
    import socket

    with socket.socket() as s:  # a port nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    window = window_factory(Profile(name="closed", endpoint_url=f"http://127.0.0.1:{port}/sign"))
    files_in(tmp_path, {"x.txt": b"x", "y.txt": b"y"})
    window.add_paths([str(tmp_path / "x.txt"), str(tmp_path / "y.txt")])
    line = window.status_summary.destination
    qtbot.waitUntil(lambda: line.isVisible() and "Storage not reachable" in line.text(), timeout=30_000)
    assert "trying again in" in line.text() and line.width() > 0
    assert line.toolTip().startswith("The upload server is not answering.\nThe connection to 127.0.0.1 was refused")
    # The files wait in the queue: no row turns into a failure while the destination is down.
    assert JobState.FAILED not in states(window), states(window)
    assert "failed" not in window.status_summary.label.text()


def test_a_proxy_that_is_down_is_not_blamed_on_the_storage(qtbot: QtBot, window_factory: WindowFactory,
                                                            tmp_path: Path, reference_endpoint: Any,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import socket

    with socket.socket() as s:  # the office's proxy, down
        s.bind(("127.0.0.1", 0))
        proxy = f"127.0.0.1:{s.getsockname()[1]}"
    for name in ("HTTP_PROXY", "HTTPS_PROXY"):
        monkeypatch.setenv(name, f"http://{proxy}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    window = window_factory(Profile(name="office", endpoint_url=reference_endpoint.sign_url))
    files_in(tmp_path, {"x.txt": b"x"})
    window.add_paths([str(tmp_path / "x.txt")])
    line = window.status_summary.destination
    qtbot.waitUntil(lambda: line.isVisible() and "trying again in" in line.text(), timeout=30_000)
    assert line.text().startswith("This network's way out is not answering") and line.width() > 0
    assert f"through a proxy ({proxy})" in line.toolTip()
    assert JobState.FAILED not in states(window), states(window)


class _SwitchingNetwork(SystemNetwork):
    """What the platform says of the network, switched by the test: mobile data, then Wi-Fi."""

    def __init__(self, metered: bool) -> None:
        super().__init__(load=False)
        self.is_metered = metered

    @property
    def metered(self) -> bool | None:
        return self.is_metered

    def switch(self, metered: bool) -> None:
        self.is_metered = metered
        self.changed.emit()


def test_on_mobile_data_the_uploads_wait_for_wifi_when_asked(qtbot: QtBot, window_factory: WindowFactory,
                                                             endpoint_profile: Profile, seaweed: Any, bucket: str,
                                                             tmp_path: Path) -> None:
    network = _SwitchingNetwork(metered=True)
    window = window_factory(endpoint_profile, network=network, settings={PAUSE_ON_METERED: True})
    line = window.status_summary.metered
    assert line.isVisible() and line.text() == "On mobile data: uploads wait for Wi-Fi" and line.width() > 0
    assert "turn off \"Wait for Wi-Fi or a wired network when on mobile data\" in Settings" in line.toolTip()
    files_in(tmp_path, {"x.txt": b"x", "y.txt": b"y"})
    window.add_paths([str(tmp_path / "x.txt"), str(tmp_path / "y.txt")])
    qtbot.waitUntil(lambda: states(window) == [JobState.QUEUED] * 2, timeout=10_000)
    assert not window.engine.wait_idle(0.5)  # held back, not paused: the rows still say they wait
    assert not seaweed.client().list_objects_v2(Bucket=bucket).get("Contents")
    network.switch(metered=False)
    assert not line.isVisible()
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 2, timeout=30_000)


def test_mobile_data_holds_nothing_back_unless_asked(qtbot: QtBot, window_factory: WindowFactory,
                                                     endpoint_profile: Profile, tmp_path: Path) -> None:
    window = window_factory(endpoint_profile, network=_SwitchingNetwork(metered=True))
    files_in(tmp_path, {"x.txt": b"x"})
    window.add_paths([str(tmp_path / "x.txt")])
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=30_000)
    assert not window.status_summary.metered.isVisible()


def test_the_systems_word_that_the_network_changed_sends_the_waiting_files_at_once(
        qtbot: QtBot, window_factory: WindowFactory, reference_endpoint: Any, wan_factory: Any,
        tmp_path: Path) -> None:
    """The signing service was out of reach; when the system says the network changed (back on Wi-Fi), the
    window has the engine try again at once instead of at the end of a backoff a minute long."""
    link = wan_factory("127.0.0.1", reference_endpoint.running.port, tls=False, name="endpoint")
    link.outage()
    network = _SwitchingNetwork(metered=False)
    window = window_factory(Profile(name="far", endpoint_url=link.url + "/sign"), network=network)
    window.engine.health = DestinationHealth(min_backoff=60.0, max_backoff=120.0)  # the next try: 30 s away
    files_in(tmp_path, {"x.txt": b"x"})
    window.add_paths([str(tmp_path / "x.txt")])
    line = window.status_summary.destination
    qtbot.waitUntil(lambda: line.isVisible() and "trying again in" in line.text(), timeout=30_000)
    link.restore()
    network.switch(metered=False)  # what QNetworkInformation says when the network changes
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=15_000)
    qtbot.waitUntil(lambda: not line.isVisible(), timeout=5_000)


def test_the_waiting_line_counts_down_to_the_next_try_after_each_failed_one(
        qtbot: QtBot, window_factory: WindowFactory, tmp_path: Path) -> None:
    """One destination event says it went down; each failed try after it pushes the next one out. The line
    follows, instead of saying "trying again in 0 s" for the rest of a long outage."""
    window = window_factory(Profile(name="far", endpoint_url="http://127.0.0.1:9/sign"), start=False)
    health = window.engine.health = DestinationHealth(min_backoff=30.0, max_backoff=60.0)
    failure = Failure(code="ConnectionRefused", message="refused", stage="sign")
    health.failed("far", DestinationState.UNREACHABLE, failure, probe=False)
    line = window.status_summary.destination
    window.bridge.events.emit([Event(EventKind.DESTINATION, retry_in=0.0,
                                     extra={"profile": "far", "state": "unreachable"})])
    qtbot.waitUntil(lambda: line.isVisible() and line.text().endswith("trying again in 0 s"), timeout=5_000)
    window.bridge.events.emit([Event(EventKind.QUEUED, extra={"reason": "destination", "profile": "far"})])
    qtbot.waitUntil(lambda: not line.text().endswith(" 0 s"), timeout=5_000)
    seconds = int(line.text().rsplit(" ", 2)[-2])
    assert 14 <= seconds <= 30, line.text()


def test_a_wrong_clock_is_said_in_the_status_bar_and_the_files_go(
        qtbot: QtBot, window_factory: WindowFactory, seaweed: Any, bucket: str, memory_keyring: Any,
        tmp_path: Path, clock_an_hour_behind: Any) -> None:
    profile = local_profile(seaweed, bucket, name="field")
    store_credentials(profile.name, seaweed.admin)
    window = window_factory(profile)
    files_in(tmp_path, {"x.txt": b"x", "y.txt": b"y"})
    window.add_paths([str(tmp_path / "x.txt"), str(tmp_path / "y.txt")])
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 2, timeout=30_000)
    line = window.status_summary.clock
    qtbot.waitUntil(line.isVisible, timeout=10_000)
    assert line.text() == "Clock 60 min behind" and line.width() > 0
    assert "Uploads go on with the storage's time; set the clock right" in line.toolTip()
    assert "failed" not in window.status_summary.label.text()


def test_file_refused_by_the_endpoint_fails_with_plain_sentence(qtbot: QtBot, window_factory: WindowFactory,
                                                               reference_endpoint_factory: Any,
                                                               tmp_path: Path) -> None:
    endpoint = reference_endpoint_factory(allowed_content_types=("image/*",))
    window = window_factory(Profile(name="picky", endpoint_url=endpoint.sign_url))
    files_in(tmp_path, {"x.txt": b"x"})
    window.add_paths([str(tmp_path / "x.txt")])
    qtbot.waitUntil(lambda: states(window) == [JobState.FAILED], timeout=30_000)
    text = window.model.index(0, Column.STATE).data()
    assert text.startswith("Failed: ") and len(text) > len("Failed: ")
    assert "1 failed" in window.status_summary.label.text()
    qtbot.waitUntil(lambda: window.notices.last_notification is not None, timeout=10_000)
    assert window.notices.last_notification is not None and window.notices.last_notification[0] == "Some uploads failed"
    # Try again from the Selected menu: it fails again, but goes through the queue again.
    window.queue_tab.select_job(window.model.row_at(0).job_id)
    window.queue_tab.update_actions()
    assert window.queue_tab.act_retry.isEnabled()


def test_pause_and_resume(qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile,
                          seaweed: Any, bucket: str, tmp_path: Path) -> None:
    files = files_in(tmp_path, {f"f{i}.txt": f"file {i}".encode() for i in range(4)})
    window = window_factory(endpoint_profile, start=False)
    window.add_paths([str(p) for p in files])
    qtbot.waitUntil(lambda: window.model.rowCount() == 4, timeout=10_000)

    # Pause two rows through the selection, then start the engine: only the others go.
    window.queue_tab.view.selectRow(0)
    selection = window.queue_tab.view.selectionModel()
    selection.select(window.model.index(1, 0), selection.SelectionFlag.Select | selection.SelectionFlag.Rows)
    window.queue_tab.act_pause.trigger()
    qtbot.waitUntil(lambda: states(window)[:2] == [JobState.PAUSED] * 2, timeout=10_000)
    assert "2 paused" in window.status_summary.label.text()
    window.engine.start()
    qtbot.waitUntil(lambda: states(window) == [JobState.PAUSED] * 2 + [JobState.DONE] * 2, timeout=30_000)
    assert window.engine.wait_idle(timeout=5)
    assert states(window)[:2] == [JobState.PAUSED] * 2

    window.queue_tab.act_resume_all.trigger()
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE] * 4, timeout=30_000)
    listing = seaweed.client().list_objects_v2(Bucket=bucket)
    assert len(listing.get("Contents", [])) == 4


def test_delete_key_removes_rows_and_cancel(qtbot: QtBot, window_factory: WindowFactory,
                                            endpoint_profile: Profile, tmp_path: Path) -> None:
    files = files_in(tmp_path, {"keep.txt": b"k", "drop.txt": b"d"})
    window = window_factory(endpoint_profile, start=False)
    window.add_paths([str(p) for p in files])
    qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
    gone = window.model.row_at(1).job_id
    window.queue_tab.view.setFocus()
    window.queue_tab.select_job(gone)
    qtbot.keyClick(window.queue_tab.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    assert window.engine.job(gone) is None
    window.queue_tab.select_job(window.model.row_at(0).job_id)
    window.queue_tab.act_cancel.trigger()
    qtbot.waitUntil(lambda: states(window) == [JobState.CANCELLED], timeout=10_000)


def test_restart_restores_half_done_queue(qtbot: QtBot, window_factory: WindowFactory,
                                          endpoint_profile: Profile, seaweed: Any, bucket: str,
                                          tmp_path: Path) -> None:
    files = files_in(tmp_path, {"a.txt": b"a", "b.txt": b"b", "c.txt": b"c", "d.txt": b"d"})
    first = window_factory(endpoint_profile, start=False)
    first.add_paths([str(p) for p in files[:2]])
    qtbot.waitUntil(lambda: first.model.rowCount() == 2, timeout=10_000)
    first.engine.start()
    qtbot.waitUntil(lambda: states(first) == [JobState.DONE] * 2, timeout=30_000)
    first.engine.stop()  # no workers: what is queued now stays queued
    first.add_paths([str(p) for p in files[2:]])
    qtbot.waitUntil(lambda: first.model.rowCount() == 4, timeout=10_000)
    c_id, d_id = first.model.row_at(2).job_id, first.model.row_at(3).job_id
    first.queue_tab.control("pause", [c_id])
    qtbot.waitUntil(lambda: states(first)[2] is JobState.PAUSED, timeout=10_000)
    # The app dies in the middle of sending d.txt.
    first.engine.store.set_state(d_id, JobState.UPLOADING, bytes_sent=1)
    close_window(first)

    second = window_factory(endpoint_profile, start=False)
    assert {r.job_id: r.state for r in second.model.rows()} == {c_id: JobState.PAUSED, d_id: JobState.QUEUED}
    assert second.history_tab.model.rowCount() == 2
    second.engine.start()
    qtbot.waitUntil(lambda: second.model.get(d_id) is not None and
                    second.model.get(d_id).state is JobState.DONE, timeout=30_000)  # type: ignore[union-attr]
    second.queue_tab.act_resume_all.trigger()
    qtbot.waitUntil(lambda: states(second) == [JobState.DONE] * 2, timeout=30_000)
    assert second.history_tab.model.rowCount() == 4
    listing = seaweed.client().list_objects_v2(Bucket=bucket)
    assert len(listing.get("Contents", [])) == 4


def test_ten_thousand_files_without_freezing(qtbot: QtBot, window_factory: WindowFactory,
                                             endpoint_profile: Profile, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    for i in range(10_000):
        (folder / f"file-{i:05d}.txt").write_bytes(b"x")
    window = window_factory(endpoint_profile, start=False)

    # A timer that should fire every 10 ms; the longest gap is how long the event loop was blocked.
    gaps: list[float] = []
    last = [time.monotonic()]

    def tick() -> None:
        now = time.monotonic()
        gaps.append(now - last[0])
        last[0] = now

    timer = QTimer()
    timer.timeout.connect(tick)
    timer.start(10)
    started = time.monotonic()
    window.add_paths([str(folder)])
    qtbot.waitUntil(lambda: window.model.rowCount() == 10_000, timeout=60_000)
    added = time.monotonic() - started
    qtbot.waitUntil(lambda: window.adds.pending == 0, timeout=30_000)
    timer.stop()
    print(f"\n10,000 files: rows shown after {added:.2f} s; longest event-loop stall "
          f"{max(gaps) * 1000:.0f} ms over {len(gaps)} ticks")
    assert added < 60
    assert max(gaps) < 5.0  # generous: only a real freeze (seconds) fails this
    assert "0 of 10000 uploaded" in window.status_summary.label.text()
    # Pausing them all is one engine call and one repaint, not 10,000.
    window.queue_tab.act_pause_all.trigger()
    qtbot.waitUntil(lambda: window.model.totals().counts[JobState.PAUSED] == 10_000, timeout=30_000)


@pytest.mark.parametrize("in_flight", [False, True])
def test_close_asks_before_quitting_with_work_in_flight(qtbot: QtBot, window_factory: WindowFactory,
                                                        endpoint_profile: Profile, tmp_path: Path,
                                                        monkeypatch: pytest.MonkeyPatch,
                                                        in_flight: bool) -> None:
    window = window_factory(endpoint_profile, start=False)
    if in_flight:
        files_in(tmp_path, {"a.txt": b"a"})
        window.add_paths([str(tmp_path / "a.txt")])
        qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    asked: list[bool] = []
    monkeypatch.setattr(window, "confirm_quit", lambda: asked.append(True) or False)
    window.close()
    assert asked == ([True] if in_flight else [])
    assert window.isVisible() == in_flight
    window._quitting = False


_RUN_GUI_DRIVER = """
import os
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel
from desktop_uploader.core.models import JobState, NewJob
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.store import JobStore
from desktop_uploader.gui import history
from desktop_uploader.gui.app import application, run_gui
from desktop_uploader.gui.main_window import MainWindow

app = application()  # the same one run_gui uses; timers need it to exist first

def watch():
    # run_gui blocks in the event loop: look at the window from inside it, close it when all is done.
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow) and window.isVisible() and window.model.rowCount() == 2 and \\
                all(r.state is JobState.DONE for r in window.model.rows()):
            print("keys", sorted(r.key for r in window.model.rows()), flush=True)
            window.close()  # nothing in flight: closing quits

timer = QTimer()
timer.timeout.connect(watch)
timer.start(50)


def give_up():
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow):
            print("gave up:", [(r.key, r.state.value, r.summary) for r in window.model.rows()],
                  "queue:", [(j.key, j.state.value, j.attempts) for j in window.engine.jobs()], flush=True)
    os._exit(3)

QTimer.singleShot(60_000, give_up)
sys.exit(run_gui(sys.argv[1:]))
"""


def test_run_gui_opens_the_window_with_paths_queued(endpoint_profile: Profile, seaweed: Any, bucket: str,
                                                    tmp_path: Path) -> None:
    # In its own process: run_gui owns the application's event loop and quits it, as the real app does.
    import os
    import subprocess
    import sys

    from desktop_uploader.core.config import Config

    config = Config.load()
    config.put(endpoint_profile)
    config.save()
    files = files_in(tmp_path, {"one.txt": b"1", "two/three.txt": b"3"})
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", _RUN_GUI_DRIVER, str(files[0]), str(tmp_path / "two")],
                          env=env, capture_output=True, text=True, timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "keys ['one.txt', 'two/three.txt']" in done.stdout  # a dropped folder keeps its own name
    listing = seaweed.client().list_objects_v2(Bucket=bucket)
    assert len(listing.get("Contents", [])) == 2


_LOGIN_DRIVER = """
import os
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from desktop_uploader.core.models import JobState
from desktop_uploader.gui.app import application, run_gui
from desktop_uploader.gui.main_window import MainWindow

app = application()

def watch():
    for window in QApplication.topLevelWidgets():
        if isinstance(window, MainWindow) and window.model.rowCount() == 1 and \\
                all(r.state is JobState.DONE for r in window.model.rows()):
            print("sent", window.model.rows()[0].key, "tray", window.tray is not None, "minimized",
                  window.isMinimized(), flush=True)
            window.close()

timer = QTimer()
timer.timeout.connect(watch)
timer.start(50)
QTimer.singleShot(60_000, lambda: os._exit(3))
sys.exit(run_gui([], minimized=True))
"""


def test_started_at_login_it_sends_what_the_queue_held_without_showing_the_window(
        endpoint_profile: Profile, seaweed: Any, bucket: str, tmp_path: Path) -> None:
    import os
    import subprocess
    import sys

    from desktop_uploader.core.config import Config

    config = Config.load()
    config.put(endpoint_profile)
    config.save()
    [left] = files_in(tmp_path, {"survey.csv": b"site,count\n4,12\n"})
    store = JobStore(queue_db_path())  # left in the queue when the computer went off
    store.add_jobs([NewJob(path=str(left), size=left.stat().st_size, mtime_ns=left.stat().st_mtime_ns,
                           key="yesterday/survey.csv", content_type="text/csv", profile=endpoint_profile.name,
                           batch="yesterday", metadata={}, state=JobState.QUEUED)])
    store.close()
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root), QT_QPA_PLATFORM="offscreen", XDG_RUNTIME_DIR=str(tmp_path))
    done = subprocess.run([sys.executable, "-c", _LOGIN_DRIVER], env=env, capture_output=True, text=True,
                          timeout=90)
    assert done.returncode == 0, done.stdout + done.stderr
    # No tray here: the window waits minimized on the task bar instead of opening over the desktop.
    assert "sent yesterday/survey.csv tray False minimized True" in done.stdout
    body = seaweed.client().get_object(Bucket=bucket, Key="yesterday/survey.csv")["Body"].read()
    assert body == b"site,count\n4,12\n"


def test_history_loads_the_newest_uploads_and_searches_all_of_them(
        qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile,
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(history, "HISTORY_LIMIT", 10)
    store = JobStore(queue_db_path())
    store.add_jobs([NewJob(path=f"/data/site/photo-{i:03d}.jpg", size=10, mtime_ns=1, key=f"site/photo-{i:03d}.jpg",
                           content_type="image/jpeg", profile=endpoint_profile.name, batch="earlier",
                           metadata={}, state=JobState.QUEUED) for i in range(30)])
    store.set_many(None, JobState.DONE, expect=(JobState.QUEUED,))
    store.close()

    window = window_factory(endpoint_profile, start=False)

    def names() -> set[str]:
        shown = window.history_tab.filter
        return {shown.index(i, 0).data() for i in range(shown.rowCount())}

    assert names() == {f"photo-{i:03d}.jpg" for i in range(20, 30)}
    assert not window.history_tab.note.isHidden()
    assert "10" in window.history_tab.note.text() and "30" in window.history_tab.note.text()
    # An upload older than the loaded ten is found in the database.
    window.history_tab.search.setText("PHOTO-003")
    qtbot.waitUntil(lambda: names() == {"photo-003.jpg"}, timeout=10_000)
    window.history_tab.view.selectRow(0)
    window.history_tab.act_copy_key.trigger()
    assert QGuiApplication.clipboard().text() == "site/photo-003.jpg"
    # Clearing the search brings back the newest ones.
    window.history_tab.search.clear()
    qtbot.waitUntil(lambda: names() == {f"photo-{i:03d}.jpg" for i in range(20, 30)}, timeout=10_000)
    assert not window.history_tab.note.isHidden()
