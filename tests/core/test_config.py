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


@pytest.mark.parametrize("url", ["http://127.attacker.example/sign", "http://127.0.0.1.nip.io/sign",
                                 "http://localhost.example.com/sign", "http://[::ffff:8.8.8.8]/sign"])
def test_plain_http_to_a_name_that_only_looks_local_is_refused(url: str) -> None:
    with pytest.raises(ProfileError) as err:
        Profile(name="p", endpoint_url=url).validate()
    assert err.value.field == "endpoint_url" and "plain http" in err.value.reason


@pytest.mark.parametrize("url", ["http://127.0.0.2:9000/sign", "http://[::1]:8080/sign", "http://LOCALHOST./s"])
def test_every_loopback_address_counts_as_this_computer(url: str) -> None:
    Profile(name="p", endpoint_url=url).validate()


@pytest.mark.parametrize(("values", "field"), [
    ({"concurrency": "six"}, "concurrency"),
    ({"concurrency": True}, "concurrency"),
    ({"secret_headers": "x-api-key"}, "secret_headers"),
    ({"allow_insecure_http": "yes"}, "allow_insecure_http"),
    ({"metadata": {"site": 4}}, "metadata"),
    ({"endpoint_url": ["https://x/sign"]}, "endpoint_url"),
])
def test_wrong_typed_values_in_the_settings_file_name_the_setting(tmp_path: Path, values: dict[str, object],
                                                                   field: str) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps({"profiles": {"x": {"endpoint_url": "https://x/sign", **values}}}))
    with pytest.raises(ProfileError) as err:
        Config.load(path)
    assert err.value.field == field


@pytest.mark.parametrize("raw", [{"settings": []}, {"default_profile": 3}, {"settings": "fast"}])
def test_wrong_typed_sections_are_a_plain_error(tmp_path: Path, raw: dict[str, object]) -> None:
    path = tmp_path / "config.json"
    path.write_text(json.dumps(raw))
    with pytest.raises(ConfigError, match="not in the expected format"):
        Config.load(path)
