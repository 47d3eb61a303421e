"""Icons and translations shipped in ``resources/``.

Icons are monochrome SVGs drawn with ``currentColor``; they are rendered in the palette's text colour at
the size asked for, so they stay sharp on high-DPI screens and readable in light and dark themes.

Translations: ``resources/translations/desktop_uploader_<lang>.ts`` is the editable source, refreshed from
every module of the package, sub-packages included (run from the project folder)::

    pyside6-lupdate $(find desktop_uploader/gui -name '*.py' | sort) -no-obsolete \\
        -ts resources/translations/desktop_uploader_de.ts

and compiled with ``pyside6-lrelease`` into the ``.qm`` file that is loaded at start-up
(``scripts/update_translations.sh`` does both). When a text moves to another class its context changes, and it
needs its translation again under the new context. Qt's own texts (standard buttons, file and message
dialogs) come from the ``qtbase_<lang>.qm`` that PySide6 ships in its translations folder.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QLibraryInfo,
    QLocale,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTranslator,
)
from PySide6.QtGui import QColor, QGuiApplication, QIcon, QIconEngine, QPainter, QPalette, QPixmap
from PySide6.QtSvg import QSvgRenderer

from desktop_uploader import resource_files
from desktop_uploader.core.explain.catalog import set_ui_locale


@functools.cache
def _svg_text(name: str) -> str:
    return resource_files.files("icons", f"{name}.svg").read_text(encoding="utf-8")


class _TintedSvgEngine(QIconEngine):
    """Renders one SVG, replacing ``currentColor`` with the palette colour for the icon's mode."""

    def __init__(self, name: str) -> None:
        super().__init__()
        self._name = name

    def _renderer(self, mode: QIcon.Mode) -> QSvgRenderer:
        palette = QGuiApplication.palette()
        group = QPalette.ColorGroup.Disabled if mode == QIcon.Mode.Disabled else QPalette.ColorGroup.Active
        role = QPalette.ColorRole.HighlightedText if mode == QIcon.Mode.Selected else \
            QPalette.ColorRole.WindowText
        color: QColor = palette.color(group, role)
        svg = _svg_text(self._name).replace("currentColor", color.name())
        return QSvgRenderer(QByteArray(svg.encode("utf-8")))

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        self._renderer(mode).render(painter, rect)

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        pix = QPixmap(size)
        pix.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pix)
        self.paint(painter, QRect(QPoint(0, 0), size), mode, state)
        painter.end()
        return pix

    def clone(self) -> QIconEngine:
        return _TintedSvgEngine(self._name)


def icon(name: str) -> QIcon:
    """An icon from ``resources/icons/<name>.svg`` (``app`` keeps its own colours)."""
    if name == "app":
        return QIcon(str(resource_files.path("icons", "app.svg")))
    return QIcon(_TintedSvgEngine(name))


@dataclass
class Translations:
    """The translators installed for the running application; keep it alive while the app runs."""

    app: QTranslator | None  # the window's own texts
    qt: QTranslator | None  # Qt's own: standard buttons (Save, Cancel), file and message dialogs

    def remove(self) -> None:
        for translator in (self.app, self.qt):
            if translator is not None:
                QCoreApplication.removeTranslator(translator)


def install_translator(locale: QLocale | None = None) -> Translations | None:
    """Load ``resources/translations/desktop_uploader_<lang>.qm`` for the locale, if there is one, and Qt's own
    translations of its buttons and dialogs from the Qt installation (PySide6 ships them)."""
    app = QCoreApplication.instance()
    if app is None:
        return None
    if locale is None:
        # Failure explanations (core, no Qt) follow the language Qt picked for the window.
        languages = QLocale().uiLanguages()
        set_ui_locale(languages[0].replace("-", "_") if languages else None)
    chosen = locale or QLocale()
    ours: QTranslator | None = QTranslator(app)
    assert ours is not None
    if ours.load(chosen, "desktop_uploader", "_", str(resource_files.path("translations"))):
        QCoreApplication.installTranslator(ours)
    else:
        ours = None
    qt: QTranslator | None = QTranslator(app)
    assert qt is not None
    if chosen.language() != QLocale.Language.English and qt.load(
            chosen, "qtbase", "_", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        QCoreApplication.installTranslator(qt)
    else:
        qt = None
    return Translations(ours, qt)
