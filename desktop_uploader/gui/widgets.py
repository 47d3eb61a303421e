"""Small building blocks the window's parts share: actions and list-like tables."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from desktop_uploader.gui.resources import icon


def make_action(parent: QObject, icon_name: str, text: str, slot: Callable[[], object], *,
                shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
                tip: str = "") -> QAction:
    action = QAction(icon(icon_name), text, parent)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    if tip:
        action.setToolTip(tip)
        action.setStatusTip(tip)
    # triggered() passes `checked`; the slots here take no such argument.
    action.triggered.connect(lambda _checked=False: slot())
    return action


def setup_table(view: QTableView) -> None:
    """Whole rows selected, a context menu, no editing, and fixed row heights."""
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
    view.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setAlternatingRowColors(True)
    view.setWordWrap(False)
    view.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
    view.verticalHeader().setVisible(False)
    # Fixed row heights: the view never measures 10,000 rows to lay them out.
    view.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 10)
    view.horizontalHeader().setStretchLastSection(True)
    view.horizontalHeader().setHighlightSections(False)


def size_columns(view: QTableView, widths: dict[int, int]) -> None:
    """Give columns their widths, but never less than their header's text needs (German words are long)."""
    header = view.horizontalHeader()
    for column, width in widths.items():
        header.resizeSection(column, max(width, header.sectionSizeHint(column)))
