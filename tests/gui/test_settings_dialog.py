"""Settings: profiles saved through the config layer, secrets only in the keychain."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Config, Profile, config_path
from desktop_uploader.core.locked import effective_config, load_locked
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.gui.settings import SettingsDialog
from tests.core.helpers import lock_field_profile


def _save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_local_profile_round_trip_keeps_secret_in_keychain(qtbot: QtBot, memory_keyring: Any) -> None:
    config = Config.load()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    # With no profile yet, the dialog starts a new one for the user to fill in.
    assert dialog.profile_list.count() == 1
    dialog.destination.name_edit.setText("photos")
    dialog.destination.kind_combo.setCurrentIndex(dialog.destination.kind_combo.findData("local"))
    dialog.destination.bucket_edit.setText("team-photos")
    dialog.destination.region_edit.setText("eu-central-1")
    dialog.destination.s3_url_edit.setText("https://s3.example.org")
    dialog.destination.addressing_combo.setCurrentIndex(dialog.destination.addressing_combo.findData("path"))
    dialog.destination.access_key_edit.setText("AKIDEXAMPLE123")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    dialog.destination.secret_key_edit.setText(secret)
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.names.template_edit, "")
    dialog.names.template_edit.setText("{device}/{date}/{relpath}")
    dialog.names.prefix_edit.setText("incoming")
    assert "incoming/" in dialog.names.preview_label.text()
    assert "Holiday 2024/beach photo.jpg" in dialog.names.preview_label.text()
    dialog.transfers.concurrency_spin.setValue(6)
    dialog.transfers.multipart_spin.setValue(16)

    _save(qtbot, dialog)

    assert dialog.result() == QDialog.DialogCode.Accepted
    text = config_path().read_text("utf-8")
    assert secret not in text and "AKIDEXAMPLE123" not in text
    assert memory_keyring.passwords[("desktop-uploader", "photos:secret_access_key")] == secret
    assert memory_keyring.passwords[("desktop-uploader", "photos:access_key_id")] == "AKIDEXAMPLE123"
    loaded = Config.load()
    assert loaded.default_profile == "photos"
    p = loaded.get("photos")
    assert (p.kind, p.bucket, p.region, p.s3_endpoint_url, p.addressing_style) == \
        ("local", "team-photos", "eu-central-1", "https://s3.example.org", "path")
    assert (p.key_template, p.prefix, p.concurrency, p.multipart_threshold) == \
        ("{device}/{date}/{relpath}", "incoming", 6, 16 * 1024 * 1024)

    # Opened again, the secret is never shown; saving without retyping keeps it.
    again = SettingsDialog(loaded, SecretStore())
    qtbot.addWidget(again)
    assert again.destination.secret_key_edit.text() == "" and again.destination.access_key_edit.text() == ""
    assert again.destination.name_edit.isReadOnly()
    _save(qtbot, again)
    assert again.result() == QDialog.DialogCode.Accepted
    assert memory_keyring.passwords[("desktop-uploader", "photos:secret_access_key")] == secret


def test_endpoint_secret_header_goes_to_keychain(qtbot: QtBot, memory_keyring: Any) -> None:
    config = Config.load()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.destination.name_edit.setText("office")
    dialog.destination.endpoint_url.setText("https://sign.example.org/sign")
    qtbot.mouseClick(dialog.destination.add_header_button, Qt.MouseButton.LeftButton)
    name_edit, value_edit = dialog.destination.header_rows()[0]
    name_edit.setText("X-Api-Key")
    value_edit.setText("header-secret-value")
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert "header-secret-value" not in config_path().read_text("utf-8")
    assert memory_keyring.passwords[("desktop-uploader", "office:header:x-api-key")] == "header-secret-value"
    assert Config.load().get("office").secret_headers == ["X-Api-Key"]


def test_invalid_field_is_named_and_focused(qtbot: QtBot, memory_keyring: Any) -> None:
    config = Config()
    config.put(Profile(name="ok", endpoint_url="https://sign.example.org/"))
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.destination.endpoint_url.setText("ftp://nope")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert "http" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.destination.endpoint_url
    assert not config_path().exists()


def test_template_preview_reports_bad_template(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.names.template_edit.setText("{nope}")
    assert "cannot be used" in dialog.names.preview_label.text()


def test_keychain_unavailable_is_reported_and_nothing_saved(qtbot: QtBot) -> None:
    # The autouse fixture leaves keyring on its 'fail' backend: no keychain at all.
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.destination.name_edit.setText("nokeys")
    dialog.destination.kind_combo.setCurrentIndex(dialog.destination.kind_combo.findData("local"))
    dialog.destination.bucket_edit.setText("b")
    dialog.destination.access_key_edit.setText("AKID")
    dialog.destination.secret_key_edit.setText("secret-value-here")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "keychain" in dialog.error_label.text().lower()
    assert not config_path().exists()


def test_connection_test_uses_typed_secret_and_reports(qtbot: QtBot, memory_keyring: Any,
                                                       reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(shared_token="typed-but-not-saved")
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.destination.name_edit.setText("checked")
    dialog.destination.endpoint_url.setText(endpoint.sign_url)
    qtbot.mouseClick(dialog.destination.add_header_button, Qt.MouseButton.LeftButton)
    name_edit, value_edit = dialog.destination.header_rows()[0]
    name_edit.setText("X-Api-Key")
    value_edit.setText("typed-but-not-saved")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=30_000)
    assert dialog.last_check is not None and dialog.last_check.ok, dialog.test_result.text()
    assert "works" in dialog.test_result.text()
    # What the test found is shown under the result, not hidden in a tooltip: this endpoint lets taken names
    # be replaced, and keeps the test file.
    assert dialog.test_notes.isVisibleTo(dialog)
    assert "do not protect files already stored" in dialog.test_notes.text()
    assert "left in place" in dialog.test_notes.text()
    assert memory_keyring.passwords == {}  # testing saves nothing

    # A wrong token: the plain-language summary of why, not a stack trace.
    dialog.last_check = None
    name_edit, value_edit = dialog.destination.header_rows()[0]
    value_edit.setText("wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=30_000)
    assert dialog.last_check is not None and not dialog.last_check.ok
    assert dialog.test_result.text() == dialog.last_check.explanation["summary"]  # type: ignore[index]
    # And what to do about it, in words a person reads.
    action = dialog.last_check.explanation["action"]  # type: ignore[index]
    assert action and dialog.test_notes.isVisibleTo(dialog) and action in dialog.test_notes.text()
    dialog.reject()


def test_app_wide_settings_reach_the_engine(qtbot: QtBot, memory_keyring: Any) -> None:
    from desktop_uploader.core.factory import engine_settings

    config = Config()
    config.put(Profile(name="p", endpoint_url="https://sign.example.org/", concurrency=3,
                       multipart_threshold=32 * 1024 * 1024))
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.general.rate_spin.setValue(512)
    dialog.general.tray_check.setChecked(False)
    assert not dialog.general.metered_check.isChecked()  # off unless asked: often the only network there is
    dialog.general.metered_check.setChecked(True)
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = Config.load()
    settings = engine_settings(saved, saved.get(None))
    assert (settings.rate_limit, settings.concurrency, settings.multipart_threshold) == \
        (512 * 1024, 3, 32 * 1024 * 1024)
    assert Config.load().settings["close_to_tray"] is False
    assert Config.load().settings["pause_on_metered"] is True


def test_start_at_login_writes_the_desktops_entry_and_takes_it_away(
        qtbot: QtBot, memory_keyring: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "desktop-uploader.desktop"
    config = Config()
    config.put(Profile(name="p", endpoint_url="https://sign.example.org/"))

    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    check = dialog.general.login_check
    assert not check.isChecked() and "log in" in check.text()
    check.setChecked(True)
    _save(qtbot, dialog)
    assert "gui --minimized" in entry.read_text(encoding="utf-8")

    again = SettingsDialog(Config.load(), SecretStore())
    qtbot.addWidget(again)
    assert again.general.login_check.isChecked()  # what the desktop will do, as found
    again.general.login_check.setChecked(False)
    _save(qtbot, again)
    assert not entry.exists()


def test_a_refused_start_at_login_is_said_and_the_settings_are_saved(
        qtbot: QtBot, memory_keyring: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    entry = tmp_path / "config" / "autostart" / "desktop-uploader.desktop"
    entry.parent.mkdir(parents=True)
    entry.write_text("[Desktop Entry]\nExec=someone-elses\n")  # not ours: never replaced
    warned: list[str] = []
    monkeypatch.setattr("desktop_uploader.gui.settings.dialog.QMessageBox.warning",
                        lambda _parent, _title, text: warned.append(text))
    config = Config()
    config.put(Profile(name="p", endpoint_url="https://sign.example.org/"))
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.general.login_check.setChecked(True)
    dialog.general.rate_spin.setValue(256)
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted and Config.load().settings["rate_limit_kib"] == 256
    assert len(warned) == 1 and "already exists and was not written by desktop-uploader" in warned[0]
    assert entry.read_text() == "[Desktop Entry]\nExec=someone-elses\n"


def test_admins_locked_values_are_shown_fixed_and_survive_saving(qtbot: QtBot, memory_keyring: Any,
                                                                 tmp_path: Path) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="https://mine.example.org/sign", prefix="mine"))
    config.put(Profile(name="own", endpoint_url="https://own.example.org/sign"))
    config.default_profile = "own"
    config.save()
    path = tmp_path / "locked.json"
    path.write_text(json.dumps({"version": 1, "default_profile": "field",
                                "profiles": {"field": {"endpoint_url": "https://sign.example.org/sign"},
                                             "admin-only": {"endpoint_url": "https://other.example.org/s"}},
                                "settings": {"rate_limit_kib": 256}}))
    locked = load_locked(path)
    dialog = SettingsDialog(config, SecretStore(), locked=locked)
    qtbot.addWidget(dialog)
    dialog.show()

    # The admin's profile is listed, its locked value shown and fixed; the user's own fields stay free.
    assert {dialog.profile_list.item(i).data(Qt.ItemDataRole.UserRole)
            for i in range(dialog.profile_list.count())} == {"field", "own", "admin-only"}
    dialog.select_profile("field")
    assert dialog.destination.endpoint_url.text() == "https://sign.example.org/sign"
    assert not dialog.destination.endpoint_url.isEnabled()
    assert "administrator" in dialog.destination.endpoint_url.toolTip()
    assert dialog.names.prefix_edit.isEnabled() and dialog.names.prefix_edit.text() == "mine"
    assert not dialog.remove_button.isEnabled() and not dialog.default_button.isEnabled()
    assert not dialog.general.rate_spin.isEnabled() and dialog.general.rate_spin.value() == 256
    dialog.destination.endpoint_url.setText("https://changed.example.org/sign")  # as if the lock were got around
    dialog.names.prefix_edit.setText("field-notes")
    # A profile of the user's own is free again, with its own tooltip back.
    dialog.select_profile("own")
    endpoint_url = dialog.destination.endpoint_url
    assert endpoint_url.isEnabled() and "administrator" not in endpoint_url.toolTip()
    assert dialog.remove_button.isEnabled()
    dialog.remove_profile()
    dialog.select_profile("field")
    dialog.remove_profile()  # refused: the admin's profile stays

    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    saved = Config.load()
    assert set(saved.profiles) == {"field", "admin-only"}
    assert saved.get("field").prefix == "field-notes"
    effective = effective_config(saved, locked)
    assert effective.get("field").endpoint_url == "https://sign.example.org/sign"
    assert effective.default_profile == "field" and effective.settings["rate_limit_kib"] == 256


def test_main_window_uploads_with_the_locked_values(qtbot: QtBot, memory_keyring: Any, tmp_path: Path,
                                                    reference_endpoint: Any, seaweed: Any, bucket: str) -> None:
    from desktop_uploader.gui.app import create_window
    from tests.gui.conftest import close_window

    path = lock_field_profile(tmp_path, reference_endpoint.sign_url, own_prefix="mine", locked_prefix="locked")
    window = create_window(Config.load(), locked=load_locked(path))
    try:
        qtbot.waitUntil(lambda: window.is_loaded, timeout=10_000)
        window.engine.start()
        (tmp_path / "a.txt").write_text("a")
        window.add_paths([str(tmp_path / "a.txt")])
        qtbot.waitUntil(lambda: [r.state.value for r in window.model.rows()] == ["done"], timeout=30_000)
        assert window.model.row_at(0).key == "locked/a.txt"
        assert seaweed.client().get_object(Bucket=bucket, Key="locked/a.txt")["Body"].read() == b"a"
    finally:
        close_window(window)


def test_settings_saved_from_the_window_reach_the_running_engine(qtbot: QtBot, memory_keyring: Any,
                                                                 window_factory: Any,
                                                                 endpoint_profile: Profile) -> None:
    window = window_factory(endpoint_profile, concurrency=2)
    assert window.engine._worker_slots == {0, 1}

    def change_and_save() -> None:
        dialog = QApplication.activeModalWidget()
        try:
            assert isinstance(dialog, SettingsDialog)
            dialog.transfers.concurrency_spin.setValue(5)
            dialog.general.rate_spin.setValue(300)
            _save(qtbot, dialog)
        finally:
            if isinstance(dialog, QDialog) and dialog.isVisible():
                dialog.reject()

    QTimer.singleShot(0, change_and_save)
    assert window.open_settings()
    # Without a restart: five files at once from now on, and the new bandwidth limit.
    assert window.engine.settings.concurrency == 5
    assert window.engine._worker_slots == set(range(5))
    assert window.engine.settings.rate_limit == 300 * 1024


def test_keys_are_asked_for_until_the_keychain_holds_them(qtbot: QtBot, memory_keyring: Any) -> None:
    # A destination saved earlier whose keys never reached the keychain (made with the command line, say).
    config = Config.load()
    config.put(Profile(name="lab", kind="local", bucket="field-data"))
    config.save()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    assert dialog.destination.secret_key_edit.placeholderText() == "Required"
    dialog.save()
    assert dialog.result() != SettingsDialog.DialogCode.Accepted
    assert dialog.error_label.text() == "⚠ Enter the access key ID and the secret access key."

    dialog.destination.access_key_edit.setText("AKIDLAB")
    dialog.destination.secret_key_edit.setText("lab-secret")
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    again = SettingsDialog(config, SecretStore())
    qtbot.addWidget(again)
    assert again.destination.secret_key_edit.placeholderText() == "Saved in the keychain; type to replace"


def test_a_new_destination_does_not_inherit_keys_left_under_its_name(qtbot: QtBot, memory_keyring: Any) -> None:
    # Keys of a destination removed outside the app (its configuration file deleted) are still stored.
    memory_keyring.passwords[("desktop-uploader", "photos:access_key_id")] = "AKIDOLD"
    memory_keyring.passwords[("desktop-uploader", "photos:secret_access_key")] = "old-secret"
    dialog = SettingsDialog(Config.load(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.destination.name_edit.setText("photos")
    dialog.destination.kind_combo.setCurrentIndex(dialog.destination.kind_combo.findData("local"))
    dialog.destination.bucket_edit.setText("photos-bucket")
    dialog.commit_form()
    dialog.select_profile("photos")
    assert dialog.destination.access_key_edit.placeholderText() == "Required, e.g. AKIA…"
    dialog.save()
    assert dialog.error_label.text() == "⚠ Enter the access key ID and the secret access key."

    dialog = SettingsDialog(Config.load(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.destination.name_edit.setText("photos")
    dialog.destination.kind_combo.setCurrentIndex(dialog.destination.kind_combo.findData("endpoint"))
    dialog.destination.endpoint_url.setText("https://sign.example.org/sign")
    dialog.save()
    assert dialog.result() == SettingsDialog.DialogCode.Accepted
    assert ("desktop-uploader", "photos:secret_access_key") not in memory_keyring.passwords
    assert ("desktop-uploader", "photos:access_key_id") not in memory_keyring.passwords


def test_connection_test_never_promises_a_retry(qtbot: QtBot) -> None:
    import socket

    with socket.socket() as closed:  # a port nobody listens on: the connection is refused
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    config = Config.load()
    config.put(Profile(name="nowhere", endpoint_url=f"http://127.0.0.1:{port}/sign"))
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.test_connection()
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=20_000)
    text = dialog.test_result.text()
    assert text and "try again" not in text.lower() and "will" not in text.lower()


def test_the_rule_for_names_already_taken_is_chosen_per_destination(qtbot: QtBot) -> None:
    config = Config.load()
    config.put(Profile(name="archive", endpoint_url="https://sign.example.org/sign", if_exists="rename"))
    config.save()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    combo = dialog.names.if_exists_combo
    assert combo.currentText() == "Keep both: number the new file"
    combo.setCurrentIndex(combo.findData("overwrite"))
    _save(qtbot, dialog)
    assert Config.load().profiles["archive"].if_exists == "overwrite"


def test_batch_signing_is_turned_on_where_the_connection_test_says_to(qtbot: QtBot) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="https://sign.example.org/sign"))
    config.save()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    check = dialog.destination.batch_check
    assert check.isVisible() and not check.isChecked()
    qtbot.mouseClick(check, Qt.MouseButton.LeftButton)
    _save(qtbot, dialog)
    assert Config.load().profiles["field"].batch_signing is True
