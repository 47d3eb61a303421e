"""What a person sees on screen: messages that can be read, where files go before they go, and the end of a
batch told in the window and through the desktop's notification service. These tests look at the widgets as
drawn (shown, with room on screen), not only at the model behind them."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QObject, QPoint, Qt, QTimer, QUrl, Slot
from PySide6.QtGui import QColor, QDesktopServices, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QWidget
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Profile
from desktop_uploader.core.models import JobState
from desktop_uploader.gui.history import HistoryColumn
from desktop_uploader.gui.queue_model import Column
from desktop_uploader.gui.settings import SettingsDialog
from tests.gui.conftest import WindowFactory
from tests.gui.helpers import drop, files_in, states
from tests.plugins.keychain import private_session_bus


def on_screen(widget: QWidget) -> bool:
    """Shown, not zero-sized, inside its window and not covered by its siblings."""
    if not widget.isVisible() or widget.width() <= 0 or widget.height() <= 0:
        return False
    window = widget.window()
    top_left = widget.mapTo(window, QPoint(0, 0))
    inside = window.rect().contains(top_left) and top_left.x() + widget.width() <= window.width()
    return inside and not widget.visibleRegion().isEmpty()


def test_messages_in_the_status_bar_can_be_read(qtbot: QtBot, window_factory: WindowFactory,
                                                endpoint_profile: Profile, tmp_path: Path) -> None:
    window = window_factory(endpoint_profile, start=False)  # no end-of-batch notice to replace the one read
    notice = window.notices.label

    mime = QMimeData()
    mime.setText(str(tmp_path / "no such file.jpg"))
    QGuiApplication.clipboard().setMimeData(mime)
    window.paste()
    qtbot.waitUntil(lambda: "skipped" in notice.text(), timeout=10_000)
    assert on_screen(notice)
    assert notice.fontMetrics().horizontalAdvance(notice.text()) <= notice.width() + 1 or notice.width() >= 300
    assert "no such file.jpg" in notice.toolTip()

    QGuiApplication.clipboard().clear()
    window.paste()
    assert notice.text() == "The clipboard holds no files to upload."
    assert on_screen(notice)

    drop(window, files_in(tmp_path, {"a.txt": b"a"}))
    qtbot.waitUntil(lambda: notice.text().startswith("Added 1 file(s) for “test”"), timeout=10_000)
    assert on_screen(notice) and on_screen(window.status_summary.label)


class FakeNotificationService:
    """org.freedesktop.Notifications on a private bus, recording what it was asked to show."""

    def __init__(self, address: str) -> None:
        from jeepney.bus_messages import message_bus
        from jeepney.io.blocking import open_dbus_connection

        self.shown: list[tuple[str, str]] = []
        self._conn = open_dbus_connection(bus=address)
        self._conn.send_and_get_reply(message_bus.RequestName("org.freedesktop.Notifications"), timeout=5)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        from jeepney import new_method_return

        while not self._stop.is_set():
            try:
                message = self._conn.receive(timeout=0.2)
            except TimeoutError:
                continue
            except OSError:
                return
            if message.header.fields.get(3) == "Notify":  # 3: the member field of the header
                self.shown.append((str(message.body[3]), str(message.body[4])))
                self._conn.send(new_method_return(message, "u", (len(self.shown),)))

    def close(self) -> None:
        self._stop.set()
        self._thread.join(5)
        self._conn.close()


@pytest.fixture
def notification_service(tmp_path_factory: pytest.TempPathFactory,
                         monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNotificationService]:
    with private_session_bus(tmp_path_factory.mktemp("bus") / "socket") as address:
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        service = FakeNotificationService(address)
        try:
            yield service
        finally:
            service.close()


def test_end_of_batch_without_tray_is_told_in_the_window_and_on_the_desktop(
        qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile, tmp_path: Path,
        notification_service: FakeNotificationService) -> None:
    window = window_factory(endpoint_profile)
    assert window.tray is None  # the offscreen platform has no system tray
    other = QWidget()  # the person works in another window meanwhile
    other.show()
    other.activateWindow()
    qtbot.waitUntil(lambda: not window.isActiveWindow(), timeout=5_000)
    drop(window, files_in(tmp_path, {"one.txt": b"1", "two.txt": b"2"}))
    qtbot.waitUntil(lambda: window.notices.last_notification is not None, timeout=30_000)
    assert window.notices.text == "Finished: 2 file(s) uploaded."
    assert on_screen(window.notices.label)
    qtbot.waitUntil(lambda: bool(notification_service.shown), timeout=5_000)
    assert notification_service.shown == [("Uploads finished", "2 file(s) uploaded.")]
    other.close()


def _two_destinations(reference_endpoint: Any) -> tuple[Profile, Profile]:
    first = Profile(name="Archive", endpoint_url=reference_endpoint.sign_url, prefix="archive/")
    second = Profile(name="Inbox", endpoint_url=reference_endpoint.sign_url, prefix="inbox/2026/")
    return first, second


def test_destination_chooser_shows_where_files_go_and_the_next_drop_goes_there(
        qtbot: QtBot, window_factory: WindowFactory, reference_endpoint: Any, tmp_path: Path) -> None:
    archive, inbox = _two_destinations(reference_endpoint)
    window = window_factory(archive, inbox, default="Archive")
    chooser = window.drop_zone.chooser
    assert on_screen(chooser.combo) and on_screen(chooser.place)
    assert [chooser.combo.itemData(i) for i in range(chooser.combo.count())] == ["Archive", "Inbox"]
    assert chooser.combo.currentText() == "Archive (default)"
    assert "archive/" in chooser.place.text()

    chooser.select("Inbox")
    assert "inbox/2026/" in chooser.place.text()
    drop(window, files_in(tmp_path, {"report.pdf": b"%PDF"}))
    assert window.notices.text.startswith("Adding 1 item(s) for “Inbox” → inbox/2026/")
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=30_000)
    row = window.model.rows()[0]
    assert (row.profile, row.key) == ("Inbox", "inbox/2026/report.pdf")


def _save_settings_making_default(name: str) -> None:
    for widget in QApplication.topLevelWidgets():
        if isinstance(widget, SettingsDialog) and widget.isVisible():
            widget.select_profile(name)
            widget.default_button.click()
            widget.save()
            return
    QTimer.singleShot(20, lambda: _save_settings_making_default(name))


def test_a_destination_made_default_in_settings_takes_the_next_drop(
        qtbot: QtBot, window_factory: WindowFactory, reference_endpoint: Any, tmp_path: Path) -> None:
    archive, inbox = _two_destinations(reference_endpoint)
    # As the demo opens it: with one destination named on the command line.
    window = window_factory(archive, inbox, default="Archive", profile="Archive")
    QTimer.singleShot(0, lambda: _save_settings_making_default("Inbox"))
    assert window.open_settings()
    assert window.drop_zone.chooser.current_name() == "Inbox"
    drop(window, files_in(tmp_path, {"photo.jpg": b"\xff\xd8"}))
    qtbot.waitUntil(lambda: states(window) == [JobState.DONE], timeout=30_000)
    assert window.model.rows()[0].key == "inbox/2026/photo.jpg"


def test_the_notice_label_is_a_label_of_the_status_bar(window_factory: WindowFactory,
                                                       endpoint_profile: Profile) -> None:
    window = window_factory(endpoint_profile, start=False)
    labels = window.statusBar().findChildren(QLabel)
    assert window.notices.label in labels


def _wait_for_the_batch_to_end(qtbot: QtBot, window: Any) -> None:
    """Until the window says the batch ended, as a person sees it before acting on what was uploaded.

    The end-of-batch notice follows the last file's row by a moment; waiting for the row alone lets that
    notice replace the message a test then waits for.
    """
    qtbot.waitUntil(lambda: window.notices.text.startswith("Finished:"), timeout=30_000)


def _dropped_twice(qtbot: QtBot, window: Any, tmp_path: Path) -> str:
    """A photo dropped, uploaded, and dropped again: the skipped notice's list, once it is on screen and the
    queue still holds the one row."""
    photo = files_in(tmp_path, {"photo.jpg": b"\xff\xd8 the same bytes"})
    drop(window, photo)
    _wait_for_the_batch_to_end(qtbot, window)
    assert states(window) == [JobState.DONE]
    drop(window, photo)
    qtbot.waitUntil(lambda: "skipped" in window.notices.text, timeout=10_000)
    assert on_screen(window.notices.label)
    assert window.model.rowCount() == 1
    return str(window.notices.label.toolTip())


def test_dropping_a_file_already_stored_says_so(qtbot: QtBot, window_factory: WindowFactory, seaweed: Any,
                                                bucket: str, memory_keyring: Any, tmp_path: Path) -> None:
    from tests.core.helpers import local_profile, store_credentials

    profile = local_profile(seaweed, bucket, name="lab")
    store_credentials(profile.name, seaweed.admin)
    window = window_factory(profile)
    assert "already stored as photo.jpg" in _dropped_twice(qtbot, window, tmp_path)


class _Browser(QObject):
    """Stands in for the web browser: records what the window asks it to open."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def browser() -> Iterator[_Browser]:
    fake = _Browser()
    for scheme in ("http", "https"):
        QDesktopServices.setUrlHandler(scheme, fake, "open")
    try:
        yield fake
    finally:
        for scheme in ("http", "https"):
            QDesktopServices.unsetUrlHandler(scheme)


def test_links_to_uploaded_files_in_the_queue_and_history(qtbot: QtBot, window_factory: WindowFactory,
                                                          seaweed: Any, bucket: str, memory_keyring: Any,
                                                          reference_endpoint: Any, browser: _Browser,
                                                          tmp_path: Path) -> None:
    import requests

    from tests.core.helpers import local_profile, store_credentials

    lab = local_profile(seaweed, bucket, name="lab")
    store_credentials(lab.name, seaweed.admin)
    service = Profile(name="service", endpoint_url=reference_endpoint.sign_url)
    window = window_factory(lab, service, default="lab", start=False)
    drop(window, files_in(tmp_path, {"map.pdf": b"%PDF map"}))
    qtbot.waitUntil(lambda: window.model.rowCount() == 1, timeout=10_000)
    queue = window.queue_tab
    queue.select_job(window.model.rows()[0].job_id)
    assert not queue.links.act_copy.isEnabled()
    assert queue.links.act_copy.toolTip() == "A link can be made once the file is uploaded."

    window.engine.start()
    _wait_for_the_batch_to_end(qtbot, window)
    assert states(window) == [JobState.DONE]
    queue.select_job(window.model.rows()[0].job_id)
    assert queue.links.act_copy.isEnabled()
    queue.links.act_copy.trigger()
    qtbot.waitUntil(lambda: "download link" in window.notices.text, timeout=10_000)
    link = QGuiApplication.clipboard().text()
    assert "X-Amz-Signature=" in link
    assert requests.get(link, timeout=10).content == b"%PDF map"  # anyone with the link can fetch it

    # Through a signing service: the address comes from the link the file was sent to.
    window.drop_zone.chooser.select("service")
    drop(window, files_in(tmp_path, {"notes.txt": b"notes"}))
    _wait_for_the_batch_to_end(qtbot, window)
    assert states(window) == [JobState.DONE, JobState.DONE]
    history = window.history_tab
    history.search.setText("notes.txt")
    qtbot.waitUntil(lambda: history.filter.rowCount() == 1, timeout=5_000)
    history.view.selectRow(0)
    history.links.act_copy.trigger()
    qtbot.waitUntil(lambda: "Copied the address" in window.notices.text, timeout=10_000)
    assert QGuiApplication.clipboard().text() == f"{seaweed.endpoint_url}/{reference_endpoint.bucket}/notes.txt"
    assert history.filter.index(0, HistoryColumn.PROFILE).data() == "service"  # where it went, in History too
    history.links.act_open.trigger()
    qtbot.waitUntil(lambda: bool(browser.opened), timeout=10_000)
    assert browser.opened == [f"{seaweed.endpoint_url}/{reference_endpoint.bucket}/notes.txt"]


def _row_colour(window: Any, row: int) -> QColor:
    """The colour drawn at the right end of a row of the queue, where no text is."""
    view = window.queue_tab.view
    image = view.viewport().grab().toImage()
    rect = view.visualRect(window.model.index(row, len(Column) - 1))
    return image.pixelColor(view.viewport().width() - 4, rect.center().y())


def _reddish(colour: QColor) -> bool:
    return colour.red() - max(colour.green(), colour.blue()) > 25


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_failed_row_is_drawn_as_a_failure(qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile,
                                            tmp_path: Path, theme: str) -> None:
    previous = QApplication.palette()
    if theme == "dark":
        dark = QPalette(previous)
        for role, colour in ((QPalette.ColorRole.Base, "#1e1e1e"), (QPalette.ColorRole.AlternateBase, "#262626"),
                             (QPalette.ColorRole.Text, "#eeeeee"), (QPalette.ColorRole.Window, "#2b2b2b"),
                             (QPalette.ColorRole.WindowText, "#eeeeee")):
            dark.setColor(role, QColor(colour))
        QApplication.setPalette(dark)
    try:
        window = window_factory(endpoint_profile, start=False)
        kept, gone = files_in(tmp_path, {"kept.txt": b"k", "gone.txt": b"g"})
        drop(window, [kept, gone])
        qtbot.waitUntil(lambda: window.model.rowCount() == 2, timeout=10_000)
        gone.unlink()  # deleted after it was queued: it fails for good
        window.engine.start()
        qtbot.waitUntil(lambda: sorted(states(window)) == [JobState.DONE, JobState.FAILED], timeout=30_000)
        failed = next(i for i, r in enumerate(window.model.rows()) if r.state is JobState.FAILED)
        done = 1 - failed
        assert _reddish(_row_colour(window, failed)) and not _reddish(_row_colour(window, done))
        text = QApplication.palette().color(QPalette.ColorRole.Text)
        tint = _row_colour(window, failed)
        assert abs(text.lightness() - tint.lightness()) > 120  # the text stays readable on the tint
        name = window.model.index(failed, Column.NAME)
        assert not name.data(Qt.ItemDataRole.DecorationRole).isNull()  # an icon, for those who see no red
        assert window.model.index(failed, Column.STATE).data().startswith("Failed: ")
        # The failure does not hold the total below 100 %; it is counted beside it.
        progress = window.status_summary.progress
        assert progress.value() == progress.maximum()
        assert "1 failed" in window.status_summary.label.text()
    finally:
        QApplication.setPalette(previous)


def test_new_rows_are_scrolled_into_view(qtbot: QtBot, window_factory: WindowFactory, endpoint_profile: Profile,
                                         tmp_path: Path) -> None:
    window = window_factory(endpoint_profile, start=False)
    many = files_in(tmp_path, {f"batch/{i:03}.txt": b"x" for i in range(80)})
    drop(window, [tmp_path / "batch"])
    qtbot.waitUntil(lambda: window.model.rowCount() == len(many), timeout=10_000)
    view = window.queue_tab.view
    view.scrollToTop()
    drop(window, files_in(tmp_path, {"late.txt": b"late"}))
    qtbot.waitUntil(lambda: window.model.rowCount() == len(many) + 1, timeout=10_000)
    last = window.model.index(window.model.rowCount() - 1, 0)
    qtbot.waitUntil(lambda: view.viewport().rect().contains(view.visualRect(last)), timeout=5_000)


def test_history_dates_fit_their_column_and_say_the_date_in_full(qtbot: QtBot, window_factory: WindowFactory,
                                                                 endpoint_profile: Profile, tmp_path: Path) -> None:
    window = window_factory(endpoint_profile)
    drop(window, files_in(tmp_path, {"a.txt": b"a"}))
    qtbot.waitUntil(lambda: window.history_tab.model.rowCount() == 1, timeout=30_000)
    view = window.history_tab.view
    index = window.history_tab.filter.index(0, HistoryColumn.FINISHED)
    shown = index.data()
    assert view.fontMetrics().horizontalAdvance(shown) < view.columnWidth(HistoryColumn.FINISHED) - 8
    full = index.data(Qt.ItemDataRole.ToolTipRole)
    assert full != shown and len(full) > len(shown)
    header = view.horizontalHeader()
    for column in range(window.history_tab.model.columnCount()):
        title = window.history_tab.model.headerData(column, Qt.Orientation.Horizontal)
        assert header.fontMetrics().horizontalAdvance(title) < header.sectionSize(column)


def test_dropping_a_file_sent_before_through_a_signing_service_says_so(qtbot: QtBot, window_factory: WindowFactory,
                                                                       endpoint_profile: Profile,
                                                                       tmp_path: Path) -> None:
    # The service cannot list its bucket: the window says what it goes by, and how to send the file again.
    window = window_factory(endpoint_profile)
    said = _dropped_twice(qtbot, window, tmp_path)
    assert "uploaded from this computer before" in said and "Replace what is there" in said
