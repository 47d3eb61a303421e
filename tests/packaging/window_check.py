"""Run by tests/packaging/test_wheel.py with the installed app's own interpreter: open the main window offscreen
in German and check that its icons and translation came from the installed package.

Prints ``ok`` and exits 0, or fails with an assertion."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QCoreApplication, QLocale, QSize
from PySide6.QtGui import QIcon

import desktop_uploader
from desktop_uploader import resource_files
from desktop_uploader.core.config import Config
from desktop_uploader.gui.app import application, create_window
from desktop_uploader.gui.resources import install_translator


def opaque_pixels(icon: QIcon) -> int:
    image = icon.pixmap(QSize(32, 32)).toImage()
    return sum(1 for x in range(32) for y in range(32) if image.pixelColor(x, y).alpha() > 0)


def main() -> None:
    prefix = Path(sys.prefix)
    assert Path(desktop_uploader.__file__).is_relative_to(prefix), desktop_uploader.__file__
    assert resource_files.path("translations").is_relative_to(prefix), resource_files.path("translations")

    QLocale.setDefault(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    app = application()
    translator = install_translator()
    assert translator is not None, "the German translation did not load"
    window = create_window(Config.load())
    window.show()
    deadline = time.monotonic() + 30
    while not window.is_loaded and time.monotonic() < deadline:
        QCoreApplication.processEvents()
    assert window.is_loaded

    assert window.queue_tab.act_pause_all.text() == "Alle anhalten", window.queue_tab.act_pause_all.text()
    assert not app.windowIcon().isNull() and opaque_pixels(app.windowIcon()) > 20
    for action in (window.act_add_files, window.queue_tab.act_pause_all, window.act_settings):
        assert opaque_pixels(action.icon()) > 5, action.text()

    window.shutdown()
    window.engine.close()
    window.engine.store.close()
    window.close()
    print("ok")


if __name__ == "__main__":
    main()
