"""What the Settings tabs share: labelled line edits, and showing the admin's locked values as fixed."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QLineEdit, QWidget


def line_edit(accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(accessible)
    if placeholder:
        edit.setPlaceholderText(placeholder)
    return edit


class LockMarks:
    """Disables the widgets of values the admin's locked configuration fixes, with a tooltip saying why,
    and gives each widget its own tooltip back when it is free again."""

    def __init__(self) -> None:
        self._own_tooltips: dict[int, str] = {}  # widget id -> its tooltip when not locked

    def show(self, widget: QWidget, locked: bool) -> None:
        own_tip = self._own_tooltips.setdefault(id(widget), widget.toolTip())
        widget.setEnabled(not locked)
        widget.setToolTip(QCoreApplication.translate("SettingsDialog",
                                                     "Set by your administrator; it cannot be changed here.")
                          if locked else own_tip)
