"""Icons and translations shipped in ``resources/``.

Icons are monochrome SVGs drawn with ``currentColor``; they are rendered in the palette's text colour at
the size asked for, so they stay sharp on high-DPI screens and readable in light and dark themes.

Translations: ``resources/translations/desktop_uploader_<lang>.ts`` is the editable source, refreshed from
every module of the package, sub-packages included (run from the project folder)::

    pyside6-lupdate $(find desktop_uploader/gui -name '*.py' | sort) -no-obsolete \\
        -ts resources/translations/desktop_uploader_de.ts

and compiled with ``pyside6-lrelease`` into the ``.qm`` file that is loaded at start-up. When a text moves
to another class its context changes, and it needs its translation again under the new context.
"""

from __future__ import annotations

import functools

from PySide6.QtCore import QByteArray, QCoreApplication, QLocale, QPoint, QRect, QSize, Qt, QTranslator
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


def install_translator(locale: QLocale | None = None) -> QTranslator | None:
    """Load ``resources/translations/desktop_uploader_<lang>.qm`` for the locale, if there is one.

    The translator is returned so the caller keeps it alive for as long as the application runs.
    """
    app = QCoreApplication.instance()
    if app is None:
        return None
    if locale is None:
        # Failure explanations (core, no Qt) follow the language Qt picked for the window.
        languages = QLocale().uiLanguages()
        set_ui_locale(languages[0].replace("-", "_") if languages else None)
    translator = QTranslator(app)
    folder = str(resource_files.path("translations"))
    if translator.load(locale or QLocale(), "desktop_uploader", "_", folder):
        QCoreApplication.installTranslator(translator)
        return translator
    return None
