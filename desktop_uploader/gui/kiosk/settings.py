"""Kiosk settings, for the admin (behind the PIN). Values fixed by the locked configuration are shown but
cannot be edited, and saving never writes them (core/lockdown.py enforces that, not just this form)."""

from __future__ import annotations

import dataclasses

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDoubleSpinBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core.config import Config
from desktop_uploader.core.locked import LockdownError, LockedConfig, apply_locked
from desktop_uploader.gui.kiosk.dialogs import NewPinDialog, enlarge, touch_button
from desktop_uploader.kiosk.pin import PinStore
from desktop_uploader.kiosk.settings import KioskSettings, kiosk_settings, save_kiosk_settings
from desktop_uploader.kiosk.watch import AFTER_COPY, AFTER_KEEP, AFTER_MOVE


# Functions rather than constants: the texts must be translated when shown, after the translator is installed.
def locked_hint() -> str:
    return QCoreApplication.translate("KioskSettingsDialog",
                                      "Set by your administrator's locked configuration; it cannot be changed here.")


def _after_labels() -> tuple[tuple[str, str], ...]:
    return ((AFTER_KEEP, QCoreApplication.translate("KioskSettingsDialog", "Leave the file where it is")),
            (AFTER_COPY, QCoreApplication.translate("KioskSettingsDialog", "Copy it to the sent folder")),
            (AFTER_MOVE, QCoreApplication.translate("KioskSettingsDialog", "Move it to the sent folder")))


class KioskSettingsDialog(QDialog):
    saved = Signal(object)  # the KioskSettings now in effect (locked values laid over)

    def __init__(self, user_config: Config, locked: LockedConfig, pins: PinStore,
                 parent: QWidget | None = None, *, running: KioskSettings | None = None) -> None:
        super().__init__(parent)
        self.user_config = user_config
        self.locked = locked
        self.pins = pins
        self.effective_config = apply_locked(user_config, locked)
        current = kiosk_settings(self.effective_config)
        # Folders given on the command line (--watch) are watched too: shown, but not saved as settings.
        self.given_folders = [f for f in (running.watch_folders if running else []) if f not in current.watch_folders]
        self.setWindowTitle(self.tr("Kiosk settings"))
        self.setModal(True)
        self.setMinimumSize(760, 640)
        enlarge(self, 1.2)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        layout.addLayout(form)
        self._editors: dict[str, QWidget] = {}
        self._build_sending(form, current)
        self._build_device(form, current)
        self._build_buttons(layout, pins)
        self.pin_dialog: NewPinDialog | None = None

    def _build_sending(self, form: QFormLayout, current: KioskSettings) -> None:
        """Where files go, which folders are watched and what happens to a file once it is sent."""
        self.profile = QComboBox(self)
        for name in sorted(self.effective_config.profiles):
            self.profile.addItem(name)
        chosen = current.profile or self.effective_config.default_profile
        if chosen:
            self.profile.setCurrentText(chosen)
        self._add(form, "profile", self.tr("Send to"), self.profile)

        folders = QWidget(self)
        box = QVBoxLayout(folders)
        box.setContentsMargins(0, 0, 0, 0)
        self.folders = QListWidget(folders)
        self.folders.addItems(current.watch_folders)
        for folder in self.given_folders:
            item = QListWidgetItem(self.tr("{folder} (from the command line)").format(folder=folder))
            item.setData(Qt.ItemDataRole.UserRole, folder)
            item.setFlags(Qt.ItemFlag.ItemIsEnabled)  # not selectable, so not removable here
            item.setToolTip(self.tr("Watched because kiosk mode was started with --watch; change the command "
                                    "line to stop watching it."))
            self.folders.addItem(item)
        box.addWidget(self.folders)
        row = QHBoxLayout()
        self.add_folder = touch_button(self.tr("Add folder…"), folders)
        self.add_folder.clicked.connect(self._choose_folder)
        self.remove_folder = touch_button(self.tr("Remove"), folders)
        self.remove_folder.clicked.connect(self._remove_folder)
        row.addWidget(self.add_folder)
        row.addWidget(self.remove_folder)
        box.addLayout(row)
        self._add(form, "watch_folders", self.tr("Watch folders"), folders)

        self.stable = QDoubleSpinBox(self)
        self.stable.setRange(0.2, 3600)
        self.stable.setDecimals(1)
        self.stable.setSuffix(self.tr(" s", "unit suffix for seconds"))
        self.stable.setValue(current.stable_seconds)
        self._add(form, "stable_seconds", self.tr("Send a file once unchanged for"), self.stable)

        self.after = QComboBox(self)
        for value, label in _after_labels():
            self.after.addItem(label, value)
        self.after.setCurrentIndex(max(0, self.after.findData(current.after_upload)))
        self._add(form, "after_upload", self.tr("After sending"), self.after)

        self.sent_folder = QLineEdit(current.sent_folder, self)
        self._add(form, "sent_folder", self.tr("Sent folder"), self.sent_folder)

    def _build_device(self, form: QFormLayout, current: KioskSettings) -> None:
        """The network, the device's and operator's names, naming on the server and start-up."""
        self.unmetered = QCheckBox(self.tr("Send only over Wi-Fi or wired networks (not mobile data)"), self)
        self.unmetered.setChecked(current.unmetered_only)
        self._add(form, "unmetered_only", self.tr("Connection"), self.unmetered)

        self.device = QLineEdit(current.device_name, self)
        self.device.setPlaceholderText(self.tr("the computer's name"))
        self._add(form, "device_name", self.tr("Device name"), self.device)

        self.template = QLineEdit(current.key_template, self)
        self.template.setPlaceholderText(self.tr("the destination's own naming"))
        self._add(form, "key_template", self.tr("Name on the server"), self.template)

        self.ask_operator = QCheckBox(self.tr("Ask for the operator's name at the start of each shift"), self)
        self.ask_operator.setChecked(current.ask_operator)
        self._add(form, "ask_operator", self.tr("Shift"), self.ask_operator)

        self.enabled = QCheckBox(self.tr("Open in kiosk mode when the app starts"), self)
        self.enabled.setChecked(current.enabled)
        self._add(form, "enabled", self.tr("Start-up"), self.enabled)

    def _build_buttons(self, layout: QVBoxLayout, pins: PinStore) -> None:
        self.change_pin = touch_button(self.tr("Change admin PIN…"), self)
        self.change_pin.clicked.connect(self._change_pin)
        if pins.fixed:
            self.change_pin.setEnabled(False)
            self.change_pin.setToolTip(locked_hint())
        layout.addWidget(self.change_pin)

        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        self.cancel_button = touch_button(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        self.save_button = touch_button(self.tr("Save"), self)
        self.save_button.setDefault(True)
        self.save_button.clicked.connect(self.save)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.save_button)
        layout.addLayout(buttons)

    def _add(self, form: QFormLayout, name: str, label: str, editor: QWidget) -> None:
        self._editors[name] = editor
        locked = name in self.locked.kiosk
        shown = QLabel(label + (" 🔒" if locked else ""), self)
        if locked:
            editor.setEnabled(False)
            editor.setToolTip(locked_hint())
            shown.setToolTip(locked_hint())
        form.addRow(shown, editor)

    def is_locked(self, name: str) -> bool:
        return name in self.locked.kiosk

    def editor(self, name: str) -> QWidget:
        return self._editors[name]

    def _choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Folder to watch"))
        if folder:
            self.folders.addItem(folder)

    def _remove_folder(self) -> None:
        for item in self.folders.selectedItems():
            self.folders.takeItem(self.folders.row(item))

    def _change_pin(self) -> None:
        self.pin_dialog = NewPinDialog(self.pins, self)
        self.pin_dialog.open()

    def wanted(self) -> KioskSettings:
        """The settings as shown in the form."""
        return dataclasses.replace(
            kiosk_settings(self.user_config),
            profile=self.profile.currentText(),
            watch_folders=[item.text() for item in (self.folders.item(i) for i in range(self.folders.count()))
                           if item.data(Qt.ItemDataRole.UserRole) is None],
            stable_seconds=float(self.stable.value()),
            after_upload=str(self.after.currentData()),
            sent_folder=self.sent_folder.text().strip(),
            unmetered_only=self.unmetered.isChecked(),
            device_name=self.device.text().strip(),
            key_template=self.template.text().strip(),
            ask_operator=self.ask_operator.isChecked(),
            enabled=self.enabled.isChecked(),
        )

    def save(self) -> None:
        try:
            save_kiosk_settings(self.user_config, self.wanted(), self.locked)
            effective = kiosk_settings(apply_locked(self.user_config, self.locked))
            if "watch_folders" not in self.locked.kiosk:  # the command line's folders stay watched
                effective.watch_folders += [f for f in self.given_folders if f not in effective.watch_folders]
            effective.validate()
        except (LockdownError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.saved.emit(effective)
        self.accept()
