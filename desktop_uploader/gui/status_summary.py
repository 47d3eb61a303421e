"""The totals in the window's status bar: how many files are uploaded, failed or paused, the speed and
the time left, and a progress bar over all of them."""

from __future__ import annotations

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QLabel, QProgressBar, QStatusBar

from desktop_uploader.core.models import JobState
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
        status_bar.addPermanentWidget(self.label, 1)
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
            left = max(0, totals.total_bytes - totals.sent_bytes) / totals.speed
            parts.append(self.tr("about {time} left").format(time=format_duration(left)))
        elif totals.total_bytes:
            parts.append(self.tr("{sent} of {total}").format(sent=format_size(totals.sent_bytes),
                                                             total=format_size(totals.total_bytes)))
        text = " · ".join(parts)
        self.label.setText(text)
        fraction = totals.sent_bytes / totals.total_bytes if totals.total_bytes else (1.0 if done else 0.0)
        self.progress.setValue(int(fraction * 1000))
        return fraction, text
