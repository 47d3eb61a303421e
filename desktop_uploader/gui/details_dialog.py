"""One upload in full: where it goes, and for a failure the whole explanation and a copyable report."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont, QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core.config import Profile
from desktop_uploader.core.models import JobState
from desktop_uploader.core.sharing import object_address
from desktop_uploader.gui.destination_chooser import destination_words
from desktop_uploader.gui.queue_model import Row, format_size, state_label
from desktop_uploader.gui.report import build_report
from desktop_uploader.gui.resources import icon


def fixer_words(fixed_by: str) -> str:
    """Who can remove a failure's cause, in the explanations' own language."""
    from desktop_uploader.core.explain.catalog import load_catalog

    return load_catalog().word(f"by_{fixed_by}")


class DetailsDialog(QDialog):
    retry_requested = Signal(int)

    def __init__(self, row: Row, parent: QWidget | None = None, *, profile: Profile | None = None) -> None:
        super().__init__(parent)
        self._row = row
        self.setWindowTitle(self.tr("Upload details – {name}").format(name=row.name))
        self.setAccessibleName(self.tr("Upload details"))
        self.setMinimumSize(560, 260)
        layout = QVBoxLayout(self)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.summary_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                                   Qt.TextInteractionFlag.TextSelectableByKeyboard)
        bold = QFont(self.summary_label.font())
        bold.setBold(True)
        bold.setPointSizeF(bold.pointSizeF() * 1.15)
        self.summary_label.setFont(bold)
        layout.addWidget(self.summary_label)

        form = QFormLayout()
        form.addRow(self.tr("File:"), self._value(row.path))
        if profile is not None:
            form.addRow(self.tr("Sent to:"), self._value(destination_words(profile)))
        elif row.profile:
            form.addRow(self.tr("Sent to:"), self._value(self.tr("“{name}” (no longer set up)").format(
                name=row.profile)))
        form.addRow(self.tr("Stored as:"), self._value(row.key))
        address = object_address(profile, row.key, row.url) if row.state is JobState.DONE else None
        if address:
            form.addRow(self.tr("Address:"), self._value(address))
        form.addRow(self.tr("Size:"), self._value(format_size(row.size)))
        form.addRow(self.tr("Status:"), self._value(state_label(row.state)))
        error = row.error or {}
        explanation: dict[str, Any] = error.get("explanation") or {}
        if row.state is JobState.FAILED:
            self.summary_label.setText(row.summary or self.tr("The upload failed."))
            if explanation.get("cause"):
                form.addRow(self.tr("Why:"), self._value(str(explanation["cause"])))
            if explanation.get("action"):
                form.addRow(self.tr("What you can do:"), self._value(str(explanation["action"])))
            if explanation.get("admin_action"):
                form.addRow(self.tr("For your administrator:"), self._value(str(explanation["admin_action"])))
            if explanation.get("fixed_by"):
                form.addRow(self.tr("Who can fix it:"), self._value(fixer_words(str(explanation["fixed_by"]))))
            if "retryable" in explanation:
                # "Try again" is always offered; this says when it helps, so the two never contradict.
                form.addRow(self.tr("Trying again may help:"),
                            self._value(self.tr("Yes, the cause may pass by itself") if explanation["retryable"]
                                        else self.tr("Only once the cause is fixed")))
        else:
            self.summary_label.setText(state_label(row.state))
        layout.addLayout(form)

        self.report_view: QPlainTextEdit | None = None
        self.report_text = ""
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        if row.error:
            self.report_text = build_report(row.error, path=row.path, key=row.key, profile=profile)
            technical = QLabel(self.tr("Technical details (no passwords or keys are included):"))
            layout.addWidget(technical)
            self.report_view = QPlainTextEdit(self.report_text)
            self.report_view.setReadOnly(True)
            self.report_view.setAccessibleName(self.tr("Technical details"))
            self.report_view.setFont(QFont("monospace"))
            self.report_view.setMinimumHeight(180)
            technical.setBuddy(self.report_view)
            layout.addWidget(self.report_view)
            self.copy_button = QPushButton(icon("copy"), self.tr("&Copy report"))
            self.copy_button.setAccessibleName(self.tr("Copy report"))
            self.copy_button.clicked.connect(self.copy_report)
            buttons.addButton(self.copy_button, QDialogButtonBox.ButtonRole.ActionRole)
        if row.state in (JobState.FAILED, JobState.CANCELLED):
            self.retry_button = QPushButton(icon("retry"), self.tr("&Try again"))
            self.retry_button.setToolTip(self.tr("Send this file once more"))
            self.retry_button.clicked.connect(self._retry)
            buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        layout.addWidget(buttons)

    def _value(self, text: str) -> QLabel:
        label = QLabel(text)
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse |
                                      Qt.TextInteractionFlag.TextSelectableByKeyboard)
        return label

    def copy_report(self) -> None:
        QGuiApplication.clipboard().setText(self.report_text)

    def _retry(self) -> None:
        self.retry_requested.emit(self._row.job_id)
        self.accept()
