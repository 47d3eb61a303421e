"""The kiosk speaks the user's language: its texts go through Qt's translator, and the shipped German
catalogue is complete and matches the code."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from defusedxml import ElementTree
from PySide6.QtCore import QLocale, Qt, QTranslator
from pytestqt.qtbot import QtBot

from desktop_uploader import resource_files
from desktop_uploader.core.config import Profile
from desktop_uploader.core.models import Job, JobState
from desktop_uploader.gui.kiosk.controller import NetState, describe_job, status_text
from desktop_uploader.gui.resources import install_translator
from tests.gui.kiosk.conftest import KioskFactory, shut
from tests.kiosk.helpers import free_port

ROOT = Path(__file__).resolve().parents[3]
SHIPPED_TS = resource_files.path("translations") / "desktop_uploader_de.ts"
SHIPPED_QM = resource_files.path("translations") / "desktop_uploader_de.qm"
PLACEHOLDER = re.compile(r"\{(\w*)\}")

Message = tuple[str, str, str]  # context, source, disambiguation


def messages(ts_file: Path) -> dict[Message, tuple[str | None, str]]:
    """Every message in a .ts file: its translation's type attribute and text."""
    found: dict[Message, tuple[str | None, str]] = {}
    root = ElementTree.parse(ts_file).getroot()
    for context in root.iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            translation = message.find("translation")
            assert translation is not None, (name, message.findtext("source"))
            key = (name, message.findtext("source") or "", message.findtext("comment") or "")
            found[key] = (translation.get("type"), translation.text or "")
    return found


def offline_profile() -> Profile:
    # Nothing listens there, so the kiosk settles on "no connection" without a server in the test.
    return Profile(name="field", endpoint_url=f"http://127.0.0.1:{free_port()}/sign")


def failed_job() -> Job:
    return Job(id=1, path="/in/a.jpg", size=10, mtime_ns=1, key="a.jpg", content_type="image/jpeg", profile="p",
               state=JobState.FAILED, error={"code": "AccessDenied", "message": "Access Denied"})


def test_kiosk_shows_german_with_the_german_translator(qtbot: QtBot, kiosk_factory: KioskFactory) -> None:
    translator = install_translator(QLocale(QLocale.Language.German, QLocale.Country.Germany))
    assert translator is not None
    try:
        window = kiosk_factory(offline_profile(), operator=None)
        operator = window.operator_dialog
        assert operator is not None and operator.isVisible()
        assert operator.windowTitle() == "Schichtbeginn"
        assert operator.ok_button.text() == "Schicht beginnen"
        assert operator.field.placeholderText() == "Ihr Name"
        operator.field.setText("Ana")
        operator.ok_button.click()
        qtbot.waitUntil(lambda: not operator.isVisible(), timeout=5000)

        assert window.windowTitle() == "Desktop Uploader — Kiosk"
        assert window.retry_button.text() == "Erneut versuchen"
        assert window.retry_button.toolTip() == "Die Dateien, die Aufmerksamkeit erfordern, noch einmal senden"
        assert window.operator_button.text() == "Bedienperson wechseln"
        assert window.settings_button.text() == "Einstellungen"
        assert window.fullscreen_button.text() == "Vollbild verlassen"
        assert window.quit_button.text() == "Beenden"
        assert window.model.headerData(0, Qt.Orientation.Horizontal) == "Datei"
        assert window.model.headerData(1, Qt.Orientation.Horizontal) == "Status"
        assert window.status_label.text() == "Bereit. Neue Dateien werden automatisch gesendet."
        qtbot.waitUntil(lambda: window.controller.net_state is NetState.OFFLINE, timeout=10_000)
        qtbot.waitUntil(lambda: window.info_label.text().endswith(" · Keine Verbindung zum Server"), timeout=5000)
        assert window.info_label.text().startswith("Bedienperson: Ana · Gerät: ")

        window.quit_button.click()
        pin = window.pin_dialog
        assert pin is not None and pin.isVisible()
        assert pin.windowTitle() == "Admin-PIN"
        assert pin.purpose.text().startswith("Geben Sie die Admin-PIN ein, um die App zu beenden.")
        assert (pin.ok_button.text(), pin.cancel_button.text()) == ("OK", "Abbrechen")
        pin.field.setText("1357")
        pin.ok_button.click()
        assert pin.message.text() == "Diese PIN ist nicht richtig. Bitte versuchen Sie es erneut."
        pin.cancel_button.click()

        # The words computed outside widgets follow the translator as well.
        assert status_text(waiting=3, sending=0, attention=1, last_sent_at=None, net=NetState.OFFLINE) == \
            "3 Dateien warten auf das Netzwerk · 1 erfordert Aufmerksamkeit"
        assert describe_job(failed_job(), NetState.ONLINE) == "Aufmerksamkeit erforderlich: Access Denied"
        shut(window)
    finally:
        translator.remove()

    english = kiosk_factory(offline_profile())
    assert english.windowTitle() == "Desktop Uploader — kiosk"
    assert english.retry_button.text() == "Try again"
    assert english.quit_button.text() == "Quit"
    assert english.model.headerData(0, Qt.Orientation.Horizontal) == "File"
    assert english.status_label.text() == "Ready. New files are sent by themselves."
    assert status_text(waiting=3, sending=0, attention=0, last_sent_at=None, net=NetState.OFFLINE) == \
        "3 files waiting for network"


def test_german_catalogue_is_complete_and_compiled() -> None:
    shipped = messages(SHIPPED_TS)
    assert shipped
    compiled = QTranslator()
    assert compiled.load(str(SHIPPED_QM))
    problems: list[str] = []
    for (context, source, comment), (kind, text) in sorted(shipped.items()):
        where = f"{context}: {source!r}"
        if kind is not None:  # "unfinished", "obsolete" or "vanished"
            problems.append(f"{where} is {kind}")
        if not text.strip():
            problems.append(f"{where} has no translation")
        wanted, given = set(PLACEHOLDER.findall(source)), set(PLACEHOLDER.findall(text))
        if wanted != given:
            problems.append(f"{where} has placeholders {sorted(given)} instead of {sorted(wanted)}")
        # The .qm is what the app loads: it must have been compiled from this very .ts.
        if compiled.translate(context, source, comment or None) != text:
            problems.append(f"{where} differs in the compiled .qm file")
    assert problems == []


def lupdate() -> Path:
    tool = Path(sys.executable).parent / "pyside6-lupdate"
    if tool.is_file():
        return tool
    found = shutil.which("pyside6-lupdate")
    if found is None:
        pytest.fail("pyside6-lupdate is needed to check the translation catalogue, and it is not installed")
    return Path(found)


def test_german_catalogue_matches_the_code(tmp_path: Path) -> None:
    fresh = tmp_path / "fresh_de.ts"
    sources = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "desktop_uploader" / "gui").rglob("*.py"))
    result = subprocess.run([str(lupdate()), *sources, "-ts", str(fresh)], cwd=ROOT, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    extracted = set(messages(fresh))
    shipped = set(messages(SHIPPED_TS))
    # Texts in the code that nobody translated yet, and translations of texts the code no longer has.
    assert sorted(extracted - shipped) == []
    assert sorted(shipped - extracted) == []
