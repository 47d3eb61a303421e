"""Kiosk dialogs sized for fingers: the admin PIN prompt, setting a new PIN, and the operator's name.

They are opened with ``open()`` (window-modal, no nested event loop) and report through ``accepted``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QRegularExpression, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeyEvent, QRegularExpressionValidator
from PySide6.QtWidgets import (
    QBoxLayout,
    QDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.kiosk.identity import clean_name
from desktop_uploader.kiosk.pin import MAX_PIN_LENGTH, PinError, PinStore, check_pin_format

TOUCH_HEIGHT = 64  # px: comfortably larger than a fingertip
BIG_FONT = 1.6  # times the application's font size


def enlarge(widget: QWidget, factor: float = BIG_FONT) -> None:
    font = widget.font()
    font.setPointSizeF(max(font.pointSizeF(), 9.0) * factor)
    widget.setFont(font)


def touch_button(text: str, parent: QWidget | None = None) -> QPushButton:
    button = QPushButton(text, parent)
    button.setMinimumHeight(TOUCH_HEIGHT)
    button.setMinimumWidth(TOUCH_HEIGHT * 2)
    enlarge(button, 1.3)
    return button


def add_buttons(dialog: QDialog, layout: QBoxLayout, ok_text: str, on_ok: Callable[[], None], *,
                cancellable: bool) -> QPushButton:
    """The dialog's bottom row: Cancel (when the dialog may be left) and the action button."""
    buttons = QHBoxLayout()
    if cancellable:
        cancel = touch_button(QCoreApplication.translate("KioskDialogs", "Cancel"), dialog)
        cancel.clicked.connect(dialog.reject)
        buttons.addWidget(cancel)
    ok = touch_button(ok_text, dialog)
    ok.clicked.connect(on_ok)
    buttons.addWidget(ok)
    layout.addLayout(buttons)
    return ok


def _wait_text(seconds: float) -> str:
    seconds = math.ceil(seconds)
    if seconds >= 120:
        return QCoreApplication.translate("PinDialog", "{count} minutes").format(count=math.ceil(seconds / 60))
    if seconds == 1:
        return QCoreApplication.translate("PinDialog", "1 second")
    return QCoreApplication.translate("PinDialog", "{count} seconds").format(count=seconds)


class Keypad(QWidget):
    """Digits, Clear and Delete for fingers: types into whichever of ``fields`` has the focus (the keys never
    take it), else into the first."""

    def __init__(self, fields: list[QLineEdit], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._fields = fields
        pad = QGridLayout(self)
        pad.setContentsMargins(0, 0, 0, 0)
        for i, digit in enumerate("123456789"):
            pad.addWidget(self._key(digit, functools.partial(self._type, digit)), i // 3, i % 3)
        pad.addWidget(self._key(QCoreApplication.translate("PinDialog", "Clear"), lambda: self.field().clear()),
                      3, 0)
        pad.addWidget(self._key("0", functools.partial(self._type, "0")), 3, 1)
        back = self._key("⌫", lambda: self.field().backspace())
        # The symbol alone means nothing to a screen reader.
        back.setAccessibleName(QCoreApplication.translate("PinDialog", "Delete last digit"))
        pad.addWidget(back, 3, 2)

    def _key(self, text: str, press: Callable[[], None]) -> QPushButton:
        button = touch_button(text, self)
        button.setMinimumWidth(TOUCH_HEIGHT)
        button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the field being typed into keeps the focus
        button.clicked.connect(press)
        return button

    def _type(self, digit: str) -> None:
        self.field().insert(digit)

    def field(self) -> QLineEdit:
        focused = self.window().focusWidget()  # the field last given the focus in this dialog
        return focused if isinstance(focused, QLineEdit) and focused in self._fields else self._fields[0]


def digits_only(edit: QLineEdit) -> None:
    """A new PIN is digits: what the keypad types, and what any on-screen keyboard should offer."""
    edit.setValidator(QRegularExpressionValidator(QRegularExpression(rf"\d{{0,{MAX_PIN_LENGTH}}}"), edit))
    edit.setInputMethodHints(Qt.InputMethodHint.ImhDigitsOnly)


class PinDialog(QDialog):
    """Asks for the admin PIN; ``accepted`` fires only for the right one."""

    def __init__(self, pins: PinStore, purpose: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pins = pins
        self.setWindowTitle(self.tr("Admin PIN"))
        self.setModal(True)
        # An explicit minimum keeps the layout from imposing its own, and keeps the keypad large.
        self.setMinimumSize(420, 560)
        layout = QVBoxLayout(self)
        self.purpose = QLabel(purpose, self)
        self.purpose.setWordWrap(True)
        enlarge(self.purpose, 1.3)
        layout.addWidget(self.purpose)
        self.field = QLineEdit(self)
        self.field.setEchoMode(QLineEdit.EchoMode.Password)
        self.field.setAccessibleName(self.tr("Admin PIN"))
        self.field.setMinimumHeight(TOUCH_HEIGHT)
        self.field.setAlignment(Qt.AlignmentFlag.AlignCenter)
        enlarge(self.field, 2.0)
        self.field.returnPressed.connect(self.submit)
        layout.addWidget(self.field)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        enlarge(self.message, 1.2)
        layout.addWidget(self.message)
        self.keypad = Keypad([self.field], self)
        layout.addWidget(self.keypad)
        buttons = QHBoxLayout()
        self.cancel_button = touch_button(self.tr("Cancel"), self)
        self.cancel_button.clicked.connect(self.reject)
        self.ok_button = touch_button(self.tr("OK"), self)
        self.ok_button.setDefault(True)
        self.ok_button.clicked.connect(self.submit)
        buttons.addWidget(self.cancel_button)
        buttons.addWidget(self.ok_button)
        layout.addLayout(buttons)
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._show_lockout)
        self._show_lockout()

    def _show_lockout(self) -> bool:
        """Disable entry while locked out; True if locked."""
        try:
            remaining = self.pins.locked_for()
        except PinError as exc:
            self.message.setText(str(exc))
            self.ok_button.setEnabled(False)
            return True
        locked = remaining > 0
        self.ok_button.setEnabled(not locked)
        self.field.setEnabled(not locked)
        if locked:
            wait = _wait_text(remaining)
            self.message.setText(self.tr("Too many wrong PINs. Try again in {wait}.").format(wait=wait))
            if not self._tick.isActive():
                self._tick.start()
        elif self._tick.isActive():
            self._tick.stop()
            self.message.setText("")
            self.field.setFocus()
        return locked

    def submit(self) -> None:
        if self._show_lockout():
            return
        pin = self.field.text()
        self.field.clear()
        try:
            check = self.pins.verify(pin)
        except PinError as exc:
            self.message.setText(str(exc))
            return
        if check.ok:
            self.accept()
            return
        if check.locked_for > 0:
            self._show_lockout()
        else:
            self.message.setText(self.tr("That PIN is not right. Please try again."))


class NewPinDialog(QDialog):
    """Sets the admin PIN (entered twice). Without ``cancellable`` it cannot be dismissed: a kiosk must
    not run without a PIN."""

    def __init__(self, pins: PinStore, parent: QWidget | None = None, *, cancellable: bool = True) -> None:
        super().__init__(parent)
        self.pins = pins
        self._cancellable = cancellable
        self.setWindowTitle(self.tr("Set the admin PIN"))
        self.setModal(True)
        self.setMinimumSize(520, 720)
        layout = QVBoxLayout(self)
        intro = QLabel(self.tr("Choose the admin PIN (digits) that protects settings and quitting. "
                               "Field staff should not know it."), self)
        intro.setWordWrap(True)
        enlarge(intro, 1.2)
        layout.addWidget(intro)
        self.first = QLineEdit(self)
        self.second = QLineEdit(self)
        for edit, hint in ((self.first, self.tr("New PIN")), (self.second, self.tr("The same PIN again"))):
            edit.setEchoMode(QLineEdit.EchoMode.Password)
            edit.setPlaceholderText(hint)
            edit.setAccessibleName(hint)
            edit.setMinimumHeight(TOUCH_HEIGHT)
            edit.setAlignment(Qt.AlignmentFlag.AlignCenter)
            digits_only(edit)
            enlarge(edit, 1.6)
            layout.addWidget(edit)
        self.first.returnPressed.connect(self.second.setFocus)
        self.second.returnPressed.connect(self.submit)
        self.message = QLabel("", self)
        self.message.setWordWrap(True)
        layout.addWidget(self.message)
        self.keypad = Keypad([self.first, self.second], self)  # the same keys as when the PIN is asked for
        layout.addWidget(self.keypad)
        self.ok_button = add_buttons(self, layout, self.tr("Save PIN"), self.submit, cancellable=cancellable)
        self.first.setFocus()

    def submit(self) -> None:
        first, second = self.first.text(), self.second.text()
        try:
            check_pin_format(first)
        except PinError as exc:
            self.message.setText(str(exc))
            return
        if first != second:
            self.message.setText(self.tr("The two PINs are not the same."))
            self.second.clear()
            return
        try:
            self.pins.set_pin(first)
        except (PinError, OSError) as exc:
            self.message.setText(str(exc))
            return
        self.accept()

    def reject(self) -> None:
        if self._cancellable:
            super().reject()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._cancellable:
            super().closeEvent(event)
        else:
            event.ignore()


class OperatorDialog(QDialog):
    """Who is working this shift. It cannot be skipped: the name goes into every file's record."""

    name_chosen = Signal(str)

    def __init__(self, previous: str = "", parent: QWidget | None = None, *, cancellable: bool = False) -> None:
        super().__init__(parent)
        self._cancellable = cancellable
        self.setWindowTitle(self.tr("Start of shift"))
        self.setModal(True)
        self.setMinimumSize(520, 260)
        layout = QVBoxLayout(self)
        title = QLabel(self.tr("Who is working this shift?"), self)
        enlarge(title, 1.6)
        layout.addWidget(title)
        self.field = QLineEdit(previous, self)
        self.field.setPlaceholderText(self.tr("Your name"))
        self.field.setAccessibleName(self.tr("Your name"))
        self.field.setMinimumHeight(TOUCH_HEIGHT)
        enlarge(self.field, 1.8)
        self.field.selectAll()
        self.field.returnPressed.connect(self.submit)
        layout.addWidget(self.field)
        self.message = QLabel("", self)
        layout.addWidget(self.message)
        self.ok_button = add_buttons(self, layout, self.tr("Start shift"), self.submit, cancellable=cancellable)

    def submit(self) -> None:
        try:
            name = clean_name(self.field.text(), "name")
        except ValueError as exc:
            self.message.setText(str(exc))
            return
        self.name_chosen.emit(name)
        self.accept()

    def reject(self) -> None:
        if self._cancellable:
            super().reject()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not self._cancellable:
            event.accept()
            return
        super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        if self._cancellable:
            super().closeEvent(event)
        else:
            event.ignore()
