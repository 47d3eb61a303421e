"""Icons, translation and accessibility: what a screen reader, a German desktop or a dark theme sees."""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QLocale, QSize, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QDialogButtonBox,
    QHeaderView,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QWidget,
)
from pytestqt.qtbot import QtBot

from desktop_uploader import resource_files
from desktop_uploader.core.config import Profile
from desktop_uploader.gui.queue_model import Column, QueueModel
from desktop_uploader.gui.resources import icon, install_translator
from tests.gui.conftest import WindowFactory


def test_every_icon_renders(qtbot: QtBot) -> None:
    names = sorted(p.stem for p in resource_files.path("icons").glob("*.svg"))
    assert "app" in names and "pause" in names
    for name in names:
        image = icon(name).pixmap(QSize(48, 48)).toImage()
        assert not image.isNull()
        opaque = sum(1 for x in range(0, 48, 2) for y in range(0, 48, 2) if image.pixelColor(x, y).alpha() > 0)
        assert opaque > 5, name


def test_german_translation_is_shipped_and_loads(qtbot: QtBot) -> None:
    folder = resource_files.path("translations")
    assert (folder / "desktop_uploader_de.ts").is_file()
    translator = install_translator(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert translator is not None and translator.app is not None and translator.qt is not None
    try:
        model = QueueModel()
        assert model.headerData(Column.NAME, Qt.Orientation.Horizontal) == "Datei"
        assert QCoreApplication.translate("QueueModel", "Uploaded") == "Hochgeladen"
        assert QCoreApplication.translate("QueueTab", "Pause all") == "Alle anhalten"
        # Qt's own buttons and dialogs speak German too.
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        texts = {buttons.button(b).text().replace("&", "") for b in (QDialogButtonBox.StandardButton.Save,
                                                                      QDialogButtonBox.StandardButton.Cancel)}
        assert texts == {"Speichern", "Abbrechen"}
        assert QCoreApplication.translate("QFileDialog", "Open") == "Öffnen"
    finally:
        translator.remove()
    assert QCoreApplication.translate("QueueModel", "Uploaded") == "Uploaded"


def test_german_headers_are_not_clipped(qtbot: QtBot, window_factory: WindowFactory,
                                        endpoint_profile: Profile) -> None:
    translator = install_translator(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert translator is not None
    try:
        window = window_factory(endpoint_profile, start=False)
        for view in (window.queue_tab.view, window.history_tab.view):
            header = view.horizontalHeader()
            for column in range(view.model().columnCount() - 1):  # the last one stretches
                title = view.model().headerData(column, Qt.Orientation.Horizontal)
                assert header.fontMetrics().horizontalAdvance(title) < header.sectionSize(column), title
    finally:
        translator.remove()


def test_desktop_entry_opens_the_window(qtbot: QtBot) -> None:
    entry = Path(__file__).resolve().parents[2] / "resources" / "desktop" / "desktop-uploader.desktop"
    text = entry.read_text("utf-8")
    # "--": a file whose name starts with "-" is a file, not an option.
    assert "Exec=desktop-uploader gui -- %F" in text and "Type=Application" in text


def test_controls_have_names_for_screen_readers(qtbot: QtBot, window_factory: WindowFactory,
                                                endpoint_profile: Profile) -> None:
    window = window_factory(endpoint_profile, start=False)
    unnamed: list[str] = []
    for widget in window.findChildren(QWidget):
        if widget.objectName().startswith("qt_") or isinstance(widget, QHeaderView):
            continue  # Qt's own parts (menu extension arrows, headers) describe themselves
        if isinstance(widget, QPushButton) and not widget.text() and not widget.accessibleName():
            unnamed.append(f"button {widget.toolTip()!r}")
        if isinstance(widget, (QLineEdit, QAbstractItemView, QProgressBar)) and not widget.accessibleName():
            if isinstance(widget.parent(), (QComboBox, QAbstractSpinBox)):
                continue  # named through their combo box or spin box
            unnamed.append(f"{type(widget).__name__} {widget.objectName()}")
    assert unnamed == []
    # Every action a user can take from the keyboard has a shortcut or lives in a menu.
    assert window.act_add_files.shortcut().toString() == "Ctrl+O"
    assert window.act_paste.shortcut().toString() == "Ctrl+V"
    assert window.queue_tab.act_remove.shortcut().toString() == "Del"


def test_long_sessions_survive_binding_reference_bug(qtbot: QtBot) -> None:
    # Some PySide6 builds lose a reference to None on every void call; a long session makes millions.
    from PySide6.QtCore import QObject

    from desktop_uploader.gui.qtcompat import protect_singletons

    protect_singletons()
    probe = QObject()
    for _ in range(100_000):
        probe.setObjectName("x")
    assert sys.getrefcount(None) > 1000
