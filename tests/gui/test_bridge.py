"""Engine events reach the GUI thread coalesced: at most about ten repaints a second per row."""

from __future__ import annotations

import threading
from collections.abc import Callable

from pytestqt.qtbot import QtBot

from desktop_uploader.core.models import Event, EventKind
from desktop_uploader.gui.bridge import MAX_CHANGES_PER_FLUSH, EngineBridge


class FakeEngine:
    """Only the subscribe() part of the engine; the real thing is exercised in test_main_window."""

    def __init__(self) -> None:
        self.subscribers: list[Callable[[Event], None]] = []

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        self.subscribers.append(callback)
        return lambda: self.subscribers.remove(callback)

    def emit(self, event: Event) -> None:
        for callback in list(self.subscribers):
            callback(event)


def test_progress_is_coalesced_and_state_changes_kept_in_order(qtbot: QtBot) -> None:
    engine = FakeEngine()
    bridge = EngineBridge(engine, interval_ms=100)  # type: ignore[arg-type]
    batches: list[dict[int, Event]] = []
    seen: list[Event] = []
    bridge.progress.connect(batches.append)
    bridge.events.connect(seen.extend)

    def work() -> None:
        engine.emit(Event(EventKind.STARTED, 1, "/f", "f", total=100_000))
        for sent in range(1, 100_001, 10):
            engine.emit(Event(EventKind.PROGRESS, 1, "/f", "f", bytes_sent=sent, total=100_000))
        engine.emit(Event(EventKind.DONE, 1, "/f", "f", bytes_sent=100_000, total=100_000))

    thread = threading.Thread(target=work)
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: any(e.kind is EventKind.DONE for e in seen), timeout=5_000)
    assert [e.kind for e in seen] == [EventKind.STARTED, EventKind.DONE]
    # 10,000 progress events from one burst: a handful of flushes at most, none after DONE.
    assert len(batches) <= 3
    bridge.close()
    engine.emit(Event(EventKind.QUEUED, 2, "/g", "g"))
    assert engine.subscribers == []


def test_a_big_burst_of_state_changes_arrives_in_slices_in_order(qtbot: QtBot) -> None:
    # Dropping a folder of thousands of files: the window gets them in slices and repaints in between.
    engine = FakeEngine()
    bridge = EngineBridge(engine, interval_ms=100)  # type: ignore[arg-type]
    slices: list[list[Event]] = []
    bridge.events.connect(slices.append)
    count = 2 * MAX_CHANGES_PER_FLUSH + 10
    thread = threading.Thread(target=lambda: [engine.emit(Event(EventKind.QUEUED, i, f"/f{i}", f"f{i}"))
                                              for i in range(count)])
    thread.start()
    thread.join()
    qtbot.waitUntil(lambda: sum(len(s) for s in slices) == count, timeout=5_000)
    assert [len(s) for s in slices] == [MAX_CHANGES_PER_FLUSH, MAX_CHANGES_PER_FLUSH, 10]
    assert [e.job_id for s in slices for e in s] == list(range(count))
    bridge.close()
