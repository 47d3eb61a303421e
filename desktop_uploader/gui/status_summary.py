"""The totals in the window's status bar: how many files are uploaded, failed or paused, the speed and
the time left, and a progress bar over all of them."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QTimer
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from desktop_uploader.core.models import Event, JobState
from desktop_uploader.gui.queue_model import Totals, format_duration, format_size, format_speed


class StatusSummary(QObject):
    def __init__(self, status_bar: QStatusBar) -> None:
        super().__init__(status_bar)
        self.progress = QProgressBar()
        self.progress.setAccessibleName(self.tr("Total progress"))
        self.progress.setRange(0, 1000)
        self.progress.setMaximumWidth(220)
        self.progress.setFormat("%p %")
        self.label = QLabel()
        self.label.setAccessibleName(self.tr("Upload status"))
        # One line while a destination cannot be reached, instead of a column of failed rows.
        self.destination = QLabel()
        self.destination.setAccessibleName(self.tr("Destination status"))
        self.destination.setStyleSheet("font-weight: bold")
        self.destination.hide()
        # profile -> (state, monotonic time of the next try, the explanation of what made it so)
        self._down: dict[str, tuple[str, float, dict[str, Any]]] = {}
        # While links are signed with the storage's time because this computer's clock is off (core/clock.py).
        self.clock = QLabel()
        self.clock.setAccessibleName(self.tr("Clock status"))
        self.clock.setContentsMargins(0, 0, 10, 0)  # apart from the totals beside it
        self.clock.hide()
        # While the uploads wait for a network that is not metered (Settings, General).
        self.metered = QLabel(self.tr("On mobile data: uploads wait for Wi-Fi"))
        self.metered.setAccessibleName(self.tr("Network status"))
        self.metered.setToolTip(self.tr("This computer is on a metered connection (mobile data, a phone's hotspot). "
                                        "The uploads go on by themselves on Wi-Fi or a wired network. To send now, "
                                        "turn off \"Wait for Wi-Fi or a wired network when on mobile data\" in "
                                        "Settings, General."))
        self.metered.setStyleSheet("font-weight: bold")
        self.metered.setContentsMargins(0, 0, 10, 0)
        self.metered.hide()
        self.files_at_once = 0  # as the engine last chose it; 0 until it says
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_destination)
        # No stretch: the room left over belongs to the messages at the left (notices.py).
        status_bar.addPermanentWidget(self.metered)
        status_bar.addPermanentWidget(self.clock)
        status_bar.addPermanentWidget(self.destination)
        status_bar.addPermanentWidget(self.label)
        status_bar.addPermanentWidget(self.progress)

    def show_totals(self, totals: Totals) -> tuple[float, str]:
        """Show the totals; returns the fraction sent and the text shown, for the tray icon."""
        counts = totals.counts
        done = counts[JobState.DONE]
        failed = counts[JobState.FAILED]
        countable = totals.files - counts[JobState.CANCELLED]
        parts = [self.tr("{done} of {total} uploaded").format(done=done, total=countable)]
        if failed:
            parts.append(self.tr("{failed} failed").format(failed=failed))
        if counts[JobState.PAUSED]:
            parts.append(self.tr("{paused} paused").format(paused=counts[JobState.PAUSED]))
        if totals.speed > 0:
            parts.append(format_speed(totals.speed))
            if self.files_at_once:
                parts.append(self.tr("{count} at once").format(count=self.files_at_once))
            left = max(0, totals.total_bytes - totals.sent_bytes) / totals.speed
            parts.append(self.tr("about {time} left").format(time=format_duration(left)))
        elif totals.total_bytes:
            sent, total = format_size(totals.sent_bytes), format_size(totals.total_bytes)
            if sent == total and totals.sent_bytes < totals.total_bytes:
                # "240 MiB of 240 MiB" beside a bar at 99 % reads as a contradiction: say what is left.
                parts.append(self.tr("{left} left of {total}").format(
                    left=format_size(totals.total_bytes - totals.sent_bytes), total=total))
            else:
                parts.append(self.tr("{sent} of {total}").format(sent=sent, total=total))
        text = " · ".join(parts)
        self.label.setText(text)
        fraction = totals.sent_bytes / totals.total_bytes if totals.total_bytes else (1.0 if done else 0.0)
        self.progress.setValue(int(fraction * 1000))
        return fraction, text

    def destination_changed(self, event: Event) -> None:
        """A DESTINATION event: show or clear the waiting line for its profile."""
        profile = str(event.extra.get("profile", ""))
        state = str(event.extra.get("state", ""))
        if state == "reachable":
            self._down.pop(profile, None)
        else:
            explanation = event.extra.get("explanation") or {}
            self._down[profile] = (state, time.monotonic() + (event.retry_in or 0.0), explanation)
        self._show_destination()

    def tried_again(self, event: Event, retry_in: Callable[[str], float | None]) -> None:
        """A file went back to wait for its destination (QUEUED, reason "destination"): a try found it still
        down. The state is the same, so no destination event says so, but the next try is further out."""
        profile = str(event.extra.get("profile", ""))
        later = retry_in(profile)
        if profile in self._down and later is not None:
            state, _, explanation = self._down[profile]
            self._down[profile] = (state, time.monotonic() + later, explanation)
            self._show_destination()

    def _show_destination(self) -> None:
        if not self._down:
            self.destination.hide()
            self._tick.stop()
            return
        state, at, explanation = min(self._down.values(), key=lambda v: v[1])
        seconds = max(0, round(at - time.monotonic()))
        if state == "slowed":
            text = self.tr("The storage asks to slow down — trying again in {seconds} s")
        elif str(explanation.get("code", "")).startswith("Network.proxy"):
            # The storage was never reached: blaming it would send the admin to the wrong place.
            text = self.tr("This network's way out is not answering — trying again in {seconds} s")
        else:
            text = self.tr("Storage not reachable — trying again in {seconds} s")
        self.destination.setText(text.format(seconds=seconds))
        self.destination.setToolTip("\n".join(str(explanation[part]) for part in ("summary", "cause")
                                               if explanation.get(part)))
        self.destination.show()
        if not self._tick.isActive():
            self._tick.start()

    def clock_changed(self, event: Event) -> None:
        """A CLOCK event: say how far this computer's clock is off while uploads make up for it."""
        offset = int(event.extra.get("offset") or 0)
        if not offset:
            self.clock.hide()
            return
        minutes = max(1, round(abs(offset) / 60))
        if offset > 0:
            self.clock.setText(self.tr("Clock {minutes} min behind").format(minutes=minutes))
            whole = self.tr("This computer's clock is {minutes} min behind the storage's. Uploads go on with the "
                            "storage's time; set the clock right when you can.")
        else:
            self.clock.setText(self.tr("Clock {minutes} min ahead").format(minutes=minutes))
            whole = self.tr("This computer's clock is {minutes} min ahead of the storage's. Uploads go on with the "
                            "storage's time; set the clock right when you can.")
        self.clock.setToolTip(whole.format(minutes=minutes))
        self.clock.show()

    def concurrency_changed(self, event: Event) -> None:
        self.files_at_once = int(event.extra.get("files_at_once") or 0)
