"""The General tab: app-wide settings, declared in :mod:`desktop_uploader.core.settings`."""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from typing import Any

from PySide6.QtWidgets import QCheckBox, QFormLayout, QSpinBox, QWidget

from desktop_uploader.core.settings import CLOSE_TO_TRAY, PAUSE_ON_METERED, RATE_LIMIT_KIB, SECTION_APP, spec
from desktop_uploader.gui.settings.common import LockMarks


class GeneralTab(QWidget):
    def __init__(self, shown: Mapping[str, Any], locked: frozenset[str], locks: LockMarks,
                 starts_at_login: bool = False, parent: QWidget | None = None) -> None:
        """``shown``: the settings in effect; ``locked``: the names of those the admin fixed;
        ``starts_at_login``: whether the app starts with the session now (integration/autostart.py)."""
        super().__init__(parent)
        form = QFormLayout(self)
        rate = spec(SECTION_APP, RATE_LIMIT_KIB)
        assert rate.minimum is not None and rate.maximum is not None  # the table bounds the limit
        self.rate_spin = QSpinBox()
        self.rate_spin.setRange(int(rate.minimum), int(rate.maximum))
        self.rate_spin.setSuffix(" KiB/s")
        self.rate_spin.setSpecialValueText(self.tr("No limit"))
        self.rate_spin.setAccessibleName(self.tr("Bandwidth limit"))
        self.rate_spin.setToolTip(self.tr("Applies at once, also to uploads already running."))
        self.rate_spin.setValue(int(shown.get(rate.name, rate.default) or 0))
        locks.show(self.rate_spin, rate.name in locked)
        form.addRow(self.tr("&Bandwidth limit:"), self.rate_spin)
        to_tray = spec(SECTION_APP, CLOSE_TO_TRAY)
        self.tray_check = QCheckBox(self.tr("Keep uploading in the background when the window is closed"))
        self.tray_check.setChecked(bool(shown.get(to_tray.name, to_tray.default)))
        locks.show(self.tray_check, to_tray.name in locked)
        form.addRow(self.tray_check)
        metered = spec(SECTION_APP, PAUSE_ON_METERED)
        self.metered_check = QCheckBox(self.tr("Wait for Wi-Fi or a wired network when on mobile data"))
        self.metered_check.setToolTip(self.tr("Uploads pause while this computer is on a metered connection "
                                              "(mobile data, a phone's hotspot) and go on by themselves on "
                                              "Wi-Fi or a wired network."))
        self.metered_check.setChecked(bool(shown.get(metered.name, metered.default)))
        locks.show(self.metered_check, metered.name in locked)
        form.addRow(self.metered_check)
        # Not a setting of the app's own: an entry the desktop reads at login, written when the dialog is saved.
        self.login_check = QCheckBox(self.tr("Start when I log in, to finish uploads left in the queue"))
        self.login_check.setToolTip(self.tr("After a restart or a power cut, the uploads go on by themselves. "
                                            "The window stays in the tray until you open it."))
        self.login_check.setChecked(starts_at_login)
        form.addRow(self.login_check)

    def save_into(self, settings: MutableMapping[str, Any]) -> None:
        settings[RATE_LIMIT_KIB] = self.rate_spin.value()
        settings[CLOSE_TO_TRAY] = self.tray_check.isChecked()
        settings[PAUSE_ON_METERED] = self.metered_check.isChecked()
