"""Handing the engine's events to whoever listens: frontends subscribe, and a broken subscriber never stops
uploads. Events are delivered on the engine's threads, so subscribers must return quickly."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from desktop_uploader.core.models import Event

log = logging.getLogger(__name__)

Subscriber = Callable[[Event], None]


class EventHub:
    def __init__(self) -> None:
        self._subscribers: list[Subscriber] = []
        self._lock = threading.Lock()

    def subscribe(self, callback: Subscriber) -> Callable[[], None]:
        """Add a subscriber; returns the function that removes it again."""
        with self._lock:
            self._subscribers.append(callback)

        def unsubscribe() -> None:
            with self._lock:
                if callback in self._subscribers:
                    self._subscribers.remove(callback)

        return unsubscribe

    def emit(self, event: Event) -> None:
        with self._lock:
            subscribers = list(self._subscribers)
        for callback in subscribers:
            try:
                callback(event)
            except Exception:  # a broken frontend must not stop uploads
                log.exception("event subscriber failed")
