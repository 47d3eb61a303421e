"""Settings: profiles saved through the config layer, secrets only in the keychain."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox
from pytestqt.qtbot import QtBot

from desktop_uploader.core.config import Config, Profile, config_path
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.gui.settings_dialog import SettingsDialog


def _save(qtbot: QtBot, dialog: SettingsDialog) -> None:
    qtbot.mouseClick(dialog.buttons.button(QDialogButtonBox.StandardButton.Save), Qt.MouseButton.LeftButton)


def test_local_profile_round_trip_keeps_secret_in_keychain(qtbot: QtBot, memory_keyring: Any) -> None:
    config = Config.load()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.show()
    # With no profile yet, the dialog starts a new one for the user to fill in.
    assert dialog.profile_list.count() == 1
    dialog.name_edit.setText("photos")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("local"))
    dialog.bucket_edit.setText("team-photos")
    dialog.region_edit.setText("eu-central-1")
    dialog.s3_url_edit.setText("https://s3.example.org")
    dialog.addressing_combo.setCurrentIndex(dialog.addressing_combo.findData("path"))
    dialog.access_key_edit.setText("AKIDEXAMPLE123")
    secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    dialog.secret_key_edit.setText(secret)
    dialog.tabs.setCurrentIndex(1)
    qtbot.keyClicks(dialog.template_edit, "")
    dialog.template_edit.setText("{device}/{date}/{relpath}")
    dialog.prefix_edit.setText("incoming")
    assert "incoming/" in dialog.preview_label.text()
    assert "Holiday 2024/beach photo.jpg" in dialog.preview_label.text()
    dialog.concurrency_spin.setValue(6)
    dialog.multipart_spin.setValue(16)

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
    assert again.secret_key_edit.text() == "" and again.access_key_edit.text() == ""
    assert again.name_edit.isReadOnly()
    _save(qtbot, again)
    assert again.result() == QDialog.DialogCode.Accepted
    assert memory_keyring.passwords[("desktop-uploader", "photos:secret_access_key")] == secret


def test_endpoint_secret_header_goes_to_keychain(qtbot: QtBot, memory_keyring: Any) -> None:
    config = Config.load()
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("office")
    dialog.endpoint_url.setText("https://sign.example.org/sign")
    qtbot.mouseClick(dialog.add_header_button, Qt.MouseButton.LeftButton)
    name_edit, value_edit = dialog.header_rows()[0]
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
    dialog.endpoint_url.setText("ftp://nope")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert dialog.error_label.isVisible()
    assert "http" in dialog.error_label.text()
    assert dialog.focusWidget() is dialog.endpoint_url
    assert not config_path().exists()


def test_template_preview_reports_bad_template(qtbot: QtBot) -> None:
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.template_edit.setText("{nope}")
    assert "cannot be used" in dialog.preview_label.text()


def test_keychain_unavailable_is_reported_and_nothing_saved(qtbot: QtBot) -> None:
    # The autouse fixture leaves keyring on its 'fail' backend: no keychain at all.
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("nokeys")
    dialog.kind_combo.setCurrentIndex(dialog.kind_combo.findData("local"))
    dialog.bucket_edit.setText("b")
    dialog.access_key_edit.setText("AKID")
    dialog.secret_key_edit.setText("secret-value-here")
    _save(qtbot, dialog)
    assert dialog.result() != QDialog.DialogCode.Accepted
    assert "keychain" in dialog.error_label.text().lower()
    assert not config_path().exists()


def test_connection_test_uses_typed_secret_and_reports(qtbot: QtBot, memory_keyring: Any,
                                                       reference_endpoint_factory: Any) -> None:
    endpoint = reference_endpoint_factory(shared_token="typed-but-not-saved")
    dialog = SettingsDialog(Config(), SecretStore())
    qtbot.addWidget(dialog)
    dialog.name_edit.setText("checked")
    dialog.endpoint_url.setText(endpoint.sign_url)
    qtbot.mouseClick(dialog.add_header_button, Qt.MouseButton.LeftButton)
    name_edit, value_edit = dialog.header_rows()[0]
    name_edit.setText("X-Api-Key")
    value_edit.setText("typed-but-not-saved")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=30_000)
    assert dialog.last_check is not None and dialog.last_check.ok, dialog.test_result.text()
    assert "works" in dialog.test_result.text()
    assert memory_keyring.passwords == {}  # testing saves nothing

    # A wrong token: the plain-language summary of why, not a stack trace.
    dialog.last_check = None
    name_edit, value_edit = dialog.header_rows()[0]
    value_edit.setText("wrong")
    qtbot.mouseClick(dialog.test_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.last_check is not None, timeout=30_000)
    assert dialog.last_check is not None and not dialog.last_check.ok
    assert dialog.test_result.text() == dialog.last_check.explanation["summary"]  # type: ignore[index]
    dialog.reject()


def test_app_wide_settings_reach_the_engine(qtbot: QtBot, memory_keyring: Any) -> None:
    from desktop_uploader.gui.app import engine_settings

    config = Config()
    config.put(Profile(name="p", endpoint_url="https://sign.example.org/", concurrency=3,
                       multipart_threshold=32 * 1024 * 1024))
    dialog = SettingsDialog(config, SecretStore())
    qtbot.addWidget(dialog)
    dialog.rate_spin.setValue(512)
    dialog.tray_check.setChecked(False)
    _save(qtbot, dialog)
    assert dialog.result() == QDialog.DialogCode.Accepted
    settings = engine_settings(Config.load(), None)
    assert (settings.rate_limit, settings.concurrency, settings.multipart_threshold) == \
        (512 * 1024, 3, 32 * 1024 * 1024)
    assert Config.load().settings["close_to_tray"] is False
