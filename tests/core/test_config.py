from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_uploader.core.config import Config, ConfigError, Profile, ProfileError


@pytest.mark.parametrize(("fields", "bad_field"), [
    ({"endpoint_url": ""}, "endpoint_url"),
    ({"endpoint_url": "ftp://x/sign"}, "endpoint_url"),
    ({"endpoint_url": "http://signer.example.com/sign"}, "endpoint_url"),
    ({"endpoint_url": "https://u:p@signer.example.com/sign"}, "endpoint_url"),
    ({"endpoint_url": "https://x/sign", "http_method": "PUT"}, "http_method"),
    ({"endpoint_url": "https://x/sign", "concurrency": 33}, "concurrency"),  # 0 is automatic
    ({"endpoint_url": "https://x/sign", "key_template": "{nope}"}, "key_template"),
    ({"kind": "local", "bucket": ""}, "bucket"),
    ({"kind": "local", "bucket": "b", "link_lifetime": 700000}, "link_lifetime"),
    ({"kind": "other"}, "kind"),
])
def test_invalid_profile_names_the_field(fields: dict[str, object], bad_field: str) -> None:
    with pytest.raises(ProfileError) as err:
        Profile(name="p", **fields).validate()  # type: ignore[arg-type]
    assert err.value.field == bad_field


def test_plain_http_is_fine_for_loopback_and_by_opt_in() -> None:
    Profile(name="p", endpoint_url="http://127.0.0.1:8080/sign").validate()
    Profile(name="p", endpoint_url="http://localhost/sign").validate()
    Profile(name="p", endpoint_url="http://lan-box/sign", allow_insecure_http=True).validate()


def test_round_trip_and_no_secrets_on_disk(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    config = Config(path=path)
    config.put(Profile(name="office", endpoint_url="https://sign.example.com/sign",
                       secret_headers=["x-api-key"]))
    config.save()
    loaded = Config.load(path)
    assert loaded.default_profile == "office"
    assert loaded.get(None).secret_headers == ["x-api-key"]
    assert "secret_access_key" not in path.read_text()


def test_broken_or_unknown_config_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "config.json"
    path.write_text("{not json")
    with pytest.raises(ConfigError, match="cannot be read"):
        Config.load(path)
    path.write_text(json.dumps({"profiles": {"x": {"colour": "red"}}}))
    with pytest.raises(ProfileError) as err:
        Config.load(path)
    assert err.value.field == "colour"
    with pytest.raises(ConfigError, match="no profile named"):
        Config(path=path).get("missing")
