"""The Settings dialog: the list of destinations beside one tab per part of a destination's settings, the
app-wide General tab, a connection test, and saving it all."""

from __future__ import annotations

import contextlib
import copy

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from desktop_uploader.core import secrets as sec
from desktop_uploader.core.check import CheckResult, check_connection
from desktop_uploader.core.config import KIND_LOCAL, Config, Profile, ProfileError
from desktop_uploader.core.http import make_session
from desktop_uploader.core.locked import LockedConfig, effective_config
from desktop_uploader.gui.qtcompat import protect_singletons
from desktop_uploader.gui.resources import icon
from desktop_uploader.gui.settings.common import LockMarks
from desktop_uploader.gui.settings.destination_tab import DestinationTab
from desktop_uploader.gui.settings.general_tab import GeneralTab
from desktop_uploader.gui.settings.names_tab import NamesTab
from desktop_uploader.gui.settings.transfers_tab import TransfersTab
from desktop_uploader.gui.tasks import TaskRunner
from desktop_uploader.integration import IntegrationError, install, uninstall
from desktop_uploader.integration.autostart import WINDOW, AutostartTarget, current_mode
from desktop_uploader.integration.plan import INSTALLED, REMOVED


class SettingsDialog(QDialog):
    def __init__(self, config: Config, secrets: sec.SecretStore, parent: QWidget | None = None, *,
                 locked: LockedConfig | None = None) -> None:
        protect_singletons()
        super().__init__(parent)
        self._config = config
        self._secrets = secrets
        # The admin's locked values are shown, and cannot be changed or removed here.
        self._locked = locked or LockedConfig()
        self._locks = LockMarks()
        shown = effective_config(config, self._locked)
        self._profiles: dict[str, Profile] = {n: copy.deepcopy(p) for n, p in shown.profiles.items()}
        self._new: set[str] = set()
        self._removed: set[str] = set()
        self._pending: dict[str, dict[str, str]] = {}
        self._keys_stored: dict[str, bool] = {}  # by destination: its access keys are in the keychain
        self._default = shown.default_profile
        self._current: str | None = None
        self._loading = False  # the list of destinations is being filled in

        self.setWindowTitle(self.tr("Settings"))
        self.setWindowIcon(icon("settings"))
        self.setAccessibleName(self.tr("Settings"))
        self.setMinimumSize(720, 520)
        self.resize(820, 560)
        outer = QVBoxLayout(self)
        top = QHBoxLayout()
        outer.addLayout(top, 1)
        top.addLayout(self._build_profile_list(), 1)
        self.tabs = QTabWidget()
        top.addWidget(self.tabs, 3)
        self.destination = DestinationTab()
        self.tabs.addTab(self.destination, self.tr("&Destination"))
        self.names = NamesTab()
        self.tabs.addTab(self.names, self.tr("File &names"))
        self.transfers = TransfersTab()
        self.tabs.addTab(self.transfers, self.tr("&Transfers"))
        self._starts_at_login = _starts_at_login()
        self.general = GeneralTab(shown.settings, self._locked.locked_settings(), self._locks,
                                  starts_at_login=self._starts_at_login)
        self.tabs.addTab(self.general, self.tr("&General"))
        self._profile_tabs: tuple[DestinationTab, NamesTab, TransfersTab] = (
            self.destination, self.names, self.transfers)
        outer.addLayout(self._build_test_row())
        # What the test found beside success or failure (a clock off, names a service lets be replaced): said
        # where it is read, not in a tooltip.
        self.test_notes = QLabel()
        self.test_notes.setWordWrap(True)
        self.test_notes.setAccessibleName(self.tr("What the connection test found"))
        self.test_notes.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.test_notes.setVisible(False)
        outer.addWidget(self.test_notes)

        self.error_label = QLabel()
        self.error_label.setWordWrap(True)
        self.error_label.setAccessibleName(self.tr("Problem with the settings"))
        self.error_label.setVisible(False)
        outer.addWidget(self.error_label)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save |
                                        QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.save)
        self.buttons.rejected.connect(self.reject)
        outer.addWidget(self.buttons)

        self.add_button.clicked.connect(self.add_profile)
        self.remove_button.clicked.connect(self.remove_profile)
        self.default_button.clicked.connect(self._make_default)
        self.profile_list.currentItemChanged.connect(self._on_profile_changed)
        self._refresh_list()
        if not self._profiles:
            self.add_profile()
        else:
            self.profile_list.setCurrentRow(0)

    # -- construction -------------------------------------------------------------------------------
    def _build_profile_list(self) -> QVBoxLayout:
        left = QVBoxLayout()
        profiles_label = QLabel(self.tr("&Destinations:"))
        self.profile_list = QListWidget()
        self.profile_list.setAccessibleName(self.tr("Destinations"))
        profiles_label.setBuddy(self.profile_list)
        left.addWidget(profiles_label)
        left.addWidget(self.profile_list, 1)
        row = QHBoxLayout()
        self.add_button = QPushButton(self.tr("&Add"))
        self.remove_button = QPushButton(self.tr("Remo&ve"))
        self.default_button = QPushButton(self.tr("Use by &default"))
        for b in (self.add_button, self.remove_button, self.default_button):
            row.addWidget(b)
        left.addLayout(row)
        return left

    def _build_test_row(self) -> QHBoxLayout:
        test_row = QHBoxLayout()
        self.test_button = QPushButton(icon("retry"), self.tr("Test &connection"))
        self.test_button.setToolTip(self.tr("Upload a tiny test file with these settings (not saved yet) "
                                            "and remove it again where allowed."))
        self.test_button.clicked.connect(self.test_connection)
        test_row.addWidget(self.test_button)
        self.test_result = QLabel()
        self.test_result.setWordWrap(True)
        self.test_result.setAccessibleName(self.tr("Connection test result"))
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        test_row.addWidget(self.test_result, 1)
        self._checks = TaskRunner("settings-check", self)
        self.last_check: CheckResult | None = None
        return test_row

    # -- profiles list ------------------------------------------------------------------------------
    def _refresh_list(self, select: str | None = None) -> None:
        self._loading = True
        self.profile_list.clear()
        for name in sorted(self._profiles):
            label = name + (self.tr(" (default)") if name == self._default else "")
            item = QListWidgetItem(label)
            item.setData(Qt.ItemDataRole.UserRole, name)
            self.profile_list.addItem(item)
            if name == select:
                self.profile_list.setCurrentItem(item)
        self._loading = False
        self._set_form_enabled(bool(self._profiles))

    def _set_form_enabled(self, on: bool) -> None:
        for page in self._profile_tabs:
            page.setEnabled(on)
        locked_profile = self._current in self._locked.profiles
        self.remove_button.setEnabled(on and not locked_profile)
        self.default_button.setEnabled(on and not self._locked.default_profile)

    def locked_fields(self, name: str | None) -> frozenset[str]:
        return self._locked.locked_profile_fields(name) if name else frozenset()

    def _on_profile_changed(self, current: QListWidgetItem | None, previous: QListWidgetItem | None) -> None:
        if self._loading:
            return
        self.commit_form()
        if current is None:
            self._current = None
            return
        self.select_profile(str(current.data(Qt.ItemDataRole.UserRole)), commit=False)

    def select_profile(self, name: str, *, commit: bool = True) -> None:
        if commit:
            self.commit_form()
        self._current = name
        self._load_form(self._profiles[name])
        for i in range(self.profile_list.count()):
            item = self.profile_list.item(i)
            if item.data(Qt.ItemDataRole.UserRole) == name and self.profile_list.currentItem() is not item:
                self._loading = True
                self.profile_list.setCurrentItem(item)
                self._loading = False

    def add_profile(self) -> None:
        self.commit_form()
        base = self.tr("New destination")
        name, n = base, 2
        while name in self._profiles:
            name, n = f"{base} {n}", n + 1
        self._profiles[name] = Profile(name=name)
        self._new.add(name)
        if not self._default:
            self._default = name
        self._current = None
        self._refresh_list(select=name)
        self.select_profile(name, commit=False)
        self.tabs.setCurrentIndex(0)
        self.destination.name_edit.setFocus()
        self.destination.name_edit.selectAll()

    def remove_profile(self) -> None:
        name = self._current
        if name is None or name in self._locked.profiles:
            return
        del self._profiles[name]
        self._pending.pop(name, None)
        if name in self._new:
            self._new.discard(name)
        else:
            self._removed.add(name)
        if self._default == name:
            self._default = next(iter(sorted(self._profiles)), "")
        self._current = None
        first = next(iter(sorted(self._profiles)), None)
        self._refresh_list(select=first)
        if first is not None:
            self.select_profile(first, commit=False)

    def _make_default(self) -> None:
        self.commit_form()
        if self._current:
            self._default = self._current
            self._refresh_list(select=self._current)

    # -- form <-> profile ---------------------------------------------------------------------------
    def keys_stored(self, name: str) -> bool:
        """Whether the keychain holds the access key ID and secret of a saved destination. A new one has
        none: whatever is stored under its name was left by a destination removed before."""
        if name in self._new:
            return False
        if name not in self._keys_stored:
            try:
                self._keys_stored[name] = bool(self._secrets.get(name, sec.ACCESS_KEY_ID)) and bool(
                    self._secrets.get(name, sec.SECRET_ACCESS_KEY))
            except sec.KeychainError:
                self._keys_stored[name] = False
        return self._keys_stored[name]

    def _load_form(self, p: Profile) -> None:
        pending = self._pending.get(p.name, {})
        typed = bool(pending.get(sec.ACCESS_KEY_ID)) and bool(pending.get(sec.SECRET_ACCESS_KEY))
        self.destination.load(p, new=p.name in self._new, keys_stored=typed or self.keys_stored(p.name))
        self.names.load(p)
        self.transfers.load(p)
        locked = self.locked_fields(p.name)
        for tab in self._profile_tabs:
            for field_name, widget in tab.field_widgets().items():
                self._locks.show(widget, field_name in locked)
        self.remove_button.setEnabled(p.name not in self._locked.profiles)

    def commit_form(self) -> None:
        """Copy the form into the profile being edited (no checks yet; Save checks)."""
        name = self._current
        if name is None or name not in self._profiles:
            return
        new_name = self.destination.name_edit.text().strip() if name in self._new else name
        if new_name and new_name != name and new_name not in self._profiles:
            self._profiles[new_name] = self._profiles.pop(name)
            self._new.discard(name)
            self._new.add(new_name)
            if name in self._pending:
                self._pending[new_name] = self._pending.pop(name)
            if self._default == name:
                self._default = new_name
            self._current = new_name
            self._refresh_list(select=new_name)
            name = new_name
        p = self._profiles[name]
        p.name = name
        pending = self._pending.setdefault(name, {})
        self.destination.commit(p, pending)
        self.names.commit(p)
        self.transfers.commit(p)
        for field_name, value in self._locked.profiles.get(name, {}).items():
            setattr(p, field_name, copy.deepcopy(value))  # the admin's value, whatever the form says
        if not pending:
            self._pending.pop(name, None)

    # -- connection test ----------------------------------------------------------------------------
    def test_connection(self) -> None:
        """Check the profile being edited, with secrets typed but not yet saved, off the GUI thread."""
        self.commit_form()
        name = self._current
        if name is None:
            return
        profile = copy.deepcopy(self._profiles[name])
        try:
            profile.validate()
        except ProfileError as exc:
            self.show_error(exc.reason, name, exc.field)
            return
        self.error_label.setVisible(False)
        secrets = _PendingSecrets(self._secrets, self._pending.get(name, {}), name)
        self.test_button.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))
        self.test_notes.setVisible(False)
        self._checks.submit(_run_check, profile, secrets, on_result=self._on_checked,
                            on_error=self._on_check_error)

    def _on_checked(self, result: CheckResult) -> None:
        self.last_check = result
        self.test_button.setEnabled(True)
        if result.ok:
            text = self.tr("The connection works: a test file was uploaded in {seconds} s.").format(
                seconds=f"{result.seconds:.1f}")
            notes = list(result.notes)
        else:
            explanation = result.explanation or {}
            text = str(explanation.get("summary") or self.tr("The connection test failed."))
            notes = [str(explanation[k]) for k in ("action", "admin_action") if explanation.get(k)]
        self.test_result.setText(text)
        self.test_notes.setText("\n".join(f"• {note}" for note in notes))
        self.test_notes.setVisible(bool(notes))

    def _on_check_error(self, exc: BaseException) -> None:
        self.test_button.setEnabled(True)
        self.test_result.setText(self.tr("The connection test could not run: {error}").format(error=exc))

    def done(self, result: int) -> None:
        self._checks.shutdown(wait=False)
        super().done(result)

    # -- saving -------------------------------------------------------------------------------------
    def _field_widget(self, field: str) -> tuple[QWidget, QWidget] | None:
        """The tab and the widget that show a profile setting."""
        if field == "name":
            return self.destination, self.destination.name_edit
        for tab in self._profile_tabs:
            widget = tab.field_widgets().get(field)
            if widget is not None:
                return tab, widget
        return None

    def show_error(self, message: str, profile: str | None = None, field: str | None = None) -> None:
        self.error_label.setText("⚠ " + message)
        self.error_label.setVisible(True)
        if profile is not None and profile in self._profiles and profile != self._current:
            self.select_profile(profile)
        target = self._field_widget(field or "")
        if target is not None:
            tab, widget = target
            self.tabs.setCurrentWidget(tab)
            widget.setFocus()

    def save(self) -> None:
        self.commit_form()
        self.error_label.setVisible(False)
        if not self._check_profiles() or not self._store_secrets():
            return
        for name in self._removed:
            old = self._config.profiles.get(name)
            # If the keychain refuses, nothing more can be done here; the profile is gone either way.
            with contextlib.suppress(sec.KeychainError):
                self._secrets.delete_profile(name, tuple(old.secret_headers) if old else ())
            if name in self._config.profiles:
                self._config.remove(name)
        for profile in self._profiles.values():
            self._config.put(profile)
        self._config.default_profile = self._default if self._default in self._profiles else \
            next(iter(sorted(self._profiles)), "")
        self.general.save_into(self._config.settings)
        try:
            self._config.save()
        except OSError as exc:
            QMessageBox.critical(self, self.tr("Settings not saved"),
                                 self.tr("The settings file could not be written: {error}").format(error=exc))
            return
        self._pending.clear()
        if self.general.login_check.isChecked() != self._starts_at_login:
            self._set_start_at_login(self.general.login_check.isChecked())
        self.accept()

    def _set_start_at_login(self, on: bool) -> None:
        """Write or remove the entry the desktop reads at login; a refusal is said, the settings stay saved."""
        try:
            target = AutostartTarget.for_mode(WINDOW)
            report = install(target) if on else uninstall(target)
            problem = "; ".join(r.detail for r in report.results if r.state not in (INSTALLED, REMOVED))
        except (IntegrationError, OSError) as exc:
            problem = str(exc)
        if problem:
            QMessageBox.warning(self, self.tr("Starting at login"),
                                self.tr("Starting at login could not be changed: {error}").format(error=problem))
        else:
            self._starts_at_login = on

    def _check_profiles(self) -> bool:
        """Whether every profile can be saved; else the first problem is shown."""
        for name, profile in sorted(self._profiles.items()):
            try:
                profile.validate()
            except ProfileError as exc:
                self.show_error(exc.reason if exc.field != "?" else str(exc), name, exc.field)
                return False
            if profile.kind == KIND_LOCAL:
                given = self._pending.get(name, {})
                stored = self.keys_stored(name)
                if not (given.get(sec.ACCESS_KEY_ID) or stored) or not (given.get(sec.SECRET_ACCESS_KEY) or stored):
                    self.show_error(self.tr("Enter the access key ID and the secret access key."), name,
                                    "access_key")
                    self.tabs.setCurrentIndex(0)
                    self.destination.access_key_edit.setFocus()
                    return False
        return True

    def _store_secrets(self) -> bool:
        """Put the secrets typed into the keychain; False (and the reason shown) if it refuses."""
        try:
            for name in self._new:
                # Secrets a removed destination of the same name left behind must not come back with it.
                # Without a keychain nothing can have been left, and nothing can be read back either.
                old_headers = tuple(self._profiles[name].secret_headers) if name in self._profiles else ()
                with contextlib.suppress(sec.KeychainError):
                    self._secrets.delete_profile(name, old_headers)
            for name, values in self._pending.items():
                if name not in self._profiles:
                    continue
                for field_name, value in values.items():
                    self._secrets.set(name, field_name, value)
        except sec.KeychainError as exc:
            self.show_error(str(exc))
            return False
        return True


class _PendingSecrets(sec.SecretStore):
    """The keychain, with values typed into the dialog but not saved yet taking precedence."""

    def __init__(self, base: sec.SecretStore, pending: dict[str, str], profile: str) -> None:
        super().__init__()
        self._base = base
        self._values = dict(pending)
        self._profile = profile

    def get(self, profile: str, name: str) -> str | None:
        if profile == self._profile and name in self._values:
            return self._values[name]
        return self._base.get(profile, name)


def _run_check(profile: Profile, secrets: sec.SecretStore) -> CheckResult:
    session = make_session(pool_size=2)
    try:
        return check_connection(profile, session, secrets)
    finally:
        session.close()


def _starts_at_login() -> bool:
    try:
        return current_mode() is not None
    except (IntegrationError, OSError):  # an unreadable record: shown as off, and turning it on says why
        return False
