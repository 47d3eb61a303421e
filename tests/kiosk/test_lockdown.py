"""Locked admin configuration and profile export/import without secrets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.locked import LockdownError, apply_locked, load_locked, locked_config_path
from desktop_uploader.core.profile_export import export_profiles, import_profiles
from desktop_uploader.kiosk.pin import hash_pin
from desktop_uploader.kiosk.settings import KioskSettings, kiosk_settings, load_kiosk_locked, save_kiosk_settings


def write(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data))
    return path


def user_config() -> Config:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url="https://sign.example.org/sign", key_template="{relpath}"))
    config.settings["kiosk"] = {"watch_folders": ["/home/me/Pictures"], "stable_seconds": 5.0,
                                "unmetered_only": False}
    config.save()
    return config


def test_locked_values_override_the_users(tmp_path: Path) -> None:
    config = user_config()
    locked = load_locked(write(tmp_path / "locked.json", {
        "version": 1,
        "default_profile": "field",
        "profiles": {"field": {"key_template": "{device}/{relpath}"},
                     "backup": {"endpoint_url": "https://backup.example.org/sign"}},
        "settings": {"rate_limit_kib": 512},
        "kiosk": {"unmetered_only": True, "watch_folders": ["/media/card"]},
        "admin_pin": hash_pin("2468"),
    }))
    effective = apply_locked(config, locked)
    assert effective.path is None  # cannot be saved over the user's file by mistake
    assert effective.profiles["field"].key_template == "{device}/{relpath}"
    assert effective.profiles["field"].endpoint_url == "https://sign.example.org/sign"
    assert effective.profiles["backup"].endpoint_url == "https://backup.example.org/sign"
    assert effective.settings["rate_limit_kib"] == 512
    settings = kiosk_settings(effective)
    assert settings.unmetered_only and settings.watch_folders == ["/media/card"]
    assert settings.stable_seconds == 5.0  # not locked: the user's value
    assert config.profiles["field"].key_template == "{relpath}"  # the user's own config is untouched


def test_saving_never_writes_locked_values(tmp_path: Path) -> None:
    config = user_config()
    locked = load_locked(write(tmp_path / "locked.json", {"kiosk": {"unmetered_only": True}}))
    wanted = kiosk_settings(apply_locked(config, locked))
    wanted.unmetered_only = False
    wanted.stable_seconds = 8.0
    refused = save_kiosk_settings(config, wanted, locked)
    assert refused == ["unmetered_only"]
    stored = json.loads(Path(config.path or "").read_text())["settings"]["kiosk"]
    assert stored["stable_seconds"] == 8.0 and stored["unmetered_only"] is False  # the user's old value
    assert kiosk_settings(apply_locked(Config.load(), locked)).unmetered_only is True


@pytest.mark.parametrize("data, message", [
    ({"profiles": {"field": {"endpoint_url": "https://s.example.org/sign?api_key=abc"}}}, "secret"),
    ({"profiles": {"field": {"secret_access_key": "x"}}}, "secret"),
    ({"profiles": {"field": {"signed_header_values": {"Authorization": "Bearer x"}}}}, "secret"),
    ({"profiles": {"field": {"colour": "red"}}}, "unknown settings"),
    ({"kiosk": {"unmetered_only": "yes"}}, "must be bool"),
    ({"surprise": 1}, "unknown entries"),
    ({"admin_pin": {"algorithm": "md5"}}, "admin_pin"),
])
def test_bad_locked_files_are_refused(tmp_path: Path, data: dict[str, Any], message: str) -> None:
    with pytest.raises(LockdownError, match=message):
        load_kiosk_locked(write(tmp_path / "locked.json", data))


def test_missing_locked_file_is_an_error_not_silence(tmp_path: Path) -> None:
    with pytest.raises(LockdownError, match="does not exist"):
        load_locked(tmp_path / "nope.json")


def test_locked_path_from_option_or_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert locked_config_path(None) is None
    monkeypatch.setenv("DESKTOP_UPLOADER_LOCKED_CONFIG", str(tmp_path / "env.json"))
    assert locked_config_path(None) == tmp_path / "env.json"
    assert locked_config_path(str(tmp_path / "opt.json")) == tmp_path / "opt.json"


def test_export_strips_secrets_and_import_refuses_them() -> None:
    config = Config()
    config.put(Profile(name="ep", endpoint_url="https://sign.example.org/sign?token=s3cr3t&site=4",
                       secret_headers=["X-Api-Key"],
                       signed_header_values={"x-amz-acl": "private", "authorization": "Bearer abc"}))
    config.put(Profile(name="loc", kind="local", bucket="field-data", metadata={
        "project": "river-survey-2024", "note": "AKIAABCDEFGHIJKLMNOP", "blob": "aZ3kQ9xT7mW2pL5vN8rB4cY6"}))
    result = export_profiles(config)
    text = json.dumps(result.data)
    for secret in ("s3cr3t", "Bearer abc", "AKIAABCDEFGHIJKLMNOP", "aZ3kQ9xT7mW2pL5vN8rB4cY6"):
        assert secret not in text
    assert result.data["profiles"]["ep"]["endpoint_url"] == "https://sign.example.org/sign?site=4"
    assert result.data["profiles"]["ep"]["secret_headers"] == ["X-Api-Key"]  # a name, not a value
    assert result.data["profiles"]["loc"]["metadata"] == {"project": "river-survey-2024"}
    assert set(result.removed["ep"]) == {"endpoint_url?token", "signed_header_values.authorization"}
    assert result.data["secrets_needed"] == {"ep": ["header:x-api-key"],
                                             "loc": ["access_key_id", "secret_access_key"]}

    target = Config()
    imported = import_profiles(json.loads(text), target)
    assert imported.added == ["ep", "loc"]
    assert target.profiles["loc"].bucket == "field-data"

    tampered = json.loads(text)
    tampered["profiles"]["ep"]["signed_header_values"]["x-api-key"] = "k"
    with pytest.raises(LockdownError, match="looks like a secret"):
        import_profiles(tampered, Config())


def test_import_keeps_existing_unless_replace() -> None:
    source = Config()
    source.put(Profile(name="ep", endpoint_url="https://new.example.org/sign"))
    data = export_profiles(source).data
    target = Config()
    target.put(Profile(name="ep", endpoint_url="https://old.example.org/sign"))
    assert import_profiles(data, target).skipped == ["ep"]
    assert target.profiles["ep"].endpoint_url == "https://old.example.org/sign"
    assert import_profiles(data, target, replace=True).replaced == ["ep"]
    assert target.profiles["ep"].endpoint_url == "https://new.example.org/sign"


def test_kiosk_settings_validation() -> None:
    with pytest.raises(LockdownError, match="sent_folder"):
        KioskSettings(after_upload="move").validate()
    with pytest.raises(LockdownError, match="inside the sent folder"):
        KioskSettings(watch_folders=["/data/in/sent/x"], after_upload="copy", sent_folder="/data/in/sent").validate()
    with pytest.raises(LockdownError, match="key_template"):
        KioskSettings(key_template="{nope}").validate()


def test_command_line_choices_apply_only_where_not_locked(tmp_path: Path) -> None:
    from desktop_uploader.gui.kiosk.window import load_kiosk_config

    user_config()
    _, _, _, settings = load_kiosk_config(profile="field", watch=[str(tmp_path / "cam")])
    assert settings.watch_folders == ["/home/me/Pictures", str(tmp_path / "cam")]
    locked = write(tmp_path / "locked.json", {"kiosk": {"watch_folders": ["/media/card"], "profile": "field"}})
    _, locked_config, _, settings = load_kiosk_config(locked_path=locked, profile="other",
                                                      watch=[str(tmp_path / "cam")])
    assert settings.watch_folders == ["/media/card"] and settings.profile == "field"
    assert locked_config.locked_kiosk_fields() == {"watch_folders", "profile"}
