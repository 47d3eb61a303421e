"""The connection test against the real server and endpoint."""

from __future__ import annotations

import dataclasses
import socket
from typing import Any

import pytest

from desktop_uploader.cli.main import main
from desktop_uploader.core.check import check_connection
from desktop_uploader.core.config import Config
from desktop_uploader.core.http import make_session
from tests.core.helpers import endpoint_profile, local_profile, store_credentials
from tests.core.legacy_endpoint import legacy_endpoint


def test_local_profile_probe_is_uploaded_and_removed(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket, prefix="team")
    store_credentials(profile.name, seaweed.admin)
    with make_session() as session:
        result = check_connection(profile, session)
    assert result.ok and result.removed, result
    assert result.key.startswith("team/desktop-uploader-check-")
    assert result.clock_skew is not None and abs(result.clock_skew) < 5
    assert seaweed.client().list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0


def test_read_only_profile_fails_with_an_explanation(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    profile = local_profile(seaweed, bucket)
    store_credentials(profile.name, seaweed.readonly)
    with make_session() as session:
        result = check_connection(profile, session)
    assert not result.ok
    assert result.failure is not None and result.failure["code"] == "AccessDenied"
    assert result.explanation is not None and result.explanation["summary"]
    assert seaweed.readonly.secret_key not in str(result.to_dict())


def test_endpoint_profile_keeps_the_probe_and_says_so(seaweed: Any, bucket: str, reference_endpoint: Any) -> None:
    with make_session() as session:
        result = check_connection(endpoint_profile(reference_endpoint.sign_url), session)
    assert result.ok and not result.removed
    assert any("left in place" in note for note in result.notes)


def test_check_tells_whether_the_endpoint_signs_batches(seaweed: Any, bucket: str, reference_endpoint: Any) -> None:
    with make_session() as session:
        result = check_connection(endpoint_profile(reference_endpoint.sign_url), session)
        assert result.ok and result.batch_signing is True
        assert any("--batch-signing" in note for note in result.notes)
        # The classic Lambda answers nothing but GET /sign.
        with legacy_endpoint(reference_endpoint.sign_url) as classic:
            turned_on = check_connection(endpoint_profile(classic, batch_signing=True), session)
    assert turned_on.ok and turned_on.batch_signing is False
    assert any("does not answer batch requests" in note for note in turned_on.notes)


def test_check_says_when_the_service_lets_taken_names_be_replaced(seaweed: Any, bucket: str,
                                                                  reference_endpoint_factory: Any) -> None:
    """The app cannot list through a signing service: only the service's links can keep a taken name from
    being replaced, and the profile's rule means nothing without them."""
    replacing = reference_endpoint_factory()
    protecting = reference_endpoint_factory(no_overwrite=True)
    with make_session() as session:
        unprotected = check_connection(endpoint_profile(replacing.sign_url), session)
        overwriting = check_connection(endpoint_profile(replacing.sign_url, if_exists="overwrite"), session)
        protected = check_connection(endpoint_profile(protecting.sign_url), session)
    assert unprotected.ok and overwriting.ok and protected.ok
    warning = "do not protect files already stored"
    assert any(warning in note and "NO_OVERWRITE=true" in note for note in unprotected.notes), unprotected.notes
    assert not any(warning in note for note in overwriting.notes + protected.notes)


def test_check_command_exit_codes(seaweed: Any, bucket: str, reference_endpoint: Any,
                                  capsys: Any) -> None:
    config = Config.load()
    config.put(endpoint_profile(reference_endpoint.sign_url, name="good"))
    config.put(endpoint_profile("http://127.0.0.1:9/sign", name="dead"))
    config.save()
    assert main(["check", "--profile", "good"]) == 0
    assert "OK: profile 'good'" in capsys.readouterr().out
    assert main(["check", "--profile", "dead"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("FAILED: ") and "What to do:" in out
    assert main(["check", "--profile", "missing"]) == 2


def _check_with_keys(seaweed: Any, bucket: str, key_id: str, secret: str, **fields: Any) -> Any:
    from desktop_uploader.core.secrets import SecretStore

    profile = local_profile(seaweed, bucket, **fields)
    store = SecretStore()
    store.set(profile.name, "access_key_id", key_id)
    store.set(profile.name, "secret_access_key", secret)
    with make_session() as session:
        return check_connection(profile, session)


def test_a_mistyped_secret_key_is_the_users_to_fix(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    result = _check_with_keys(seaweed, bucket, seaweed.admin.access_key, seaweed.admin.secret_key + "x")
    explanation = result.explanation
    assert explanation["code"] == "SignatureDoesNotMatch.local_secret"
    assert explanation["fixed_by"] == "user"
    assert "Re-enter it in Settings" in explanation["summary"]
    assert "administrator" not in explanation["summary"]


def test_an_unknown_access_key_id_is_the_users_to_fix(seaweed: Any, bucket: str, memory_keyring: Any) -> None:
    result = _check_with_keys(seaweed, bucket, "AKIDNOTKNOWNHERE", "whatever-secret")
    assert result.explanation["code"] == "InvalidAccessKeyId.local"
    assert "Re-enter it in Settings" in result.explanation["summary"]


def test_a_read_only_identity_asking_for_a_public_file_names_both_causes(seaweed: Any, bucket: str,
                                                                         memory_keyring: Any) -> None:
    result = _check_with_keys(seaweed, bucket, seaweed.readonly.access_key, seaweed.readonly.secret_key,
                              acl="public-read")
    explanation = result.explanation
    assert explanation["code"] == "AccessDenied.public_acl"
    assert "may not add files here, or may not make them public" in explanation["summary"]
    assert "may not write" in explanation["cause"] and "Block Public Access" in explanation["cause"]


def test_a_refused_connection_is_said_in_words_and_the_raw_error_kept_for_the_report(memory_keyring: Any) -> None:
    from desktop_uploader.core.explain import Explanation, report
    from desktop_uploader.core.failure import Failure

    with make_session() as session:
        result = check_connection(endpoint_profile("http://127.0.0.1:9/sign", name="dead"), session)
    explanation = result.explanation
    why = explanation["cause"]
    assert "refused" in why
    assert "HTTPConnectionPool" not in why and "Max retries" not in why and "Errno" not in why
    text = report(Failure.from_dict(result.failure), Explanation.from_dict(explanation))
    assert "Max retries exceeded" in text or "HTTPConnectionPool" in text or "Connection refused" in text


def test_check_names_the_proxy_it_went_through(reference_endpoint: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """On an office network the first question is which proxy the app used: check says it (host and port,
    never the password), and a proxy that is down is what the explanation is about."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        proxy = f"127.0.0.1:{closed.getsockname()[1]}"
    monkeypatch.setenv("HTTP_PROXY", f"http://alice:s3cr3t-pw@{proxy}")
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    with make_session() as session:
        result = check_connection(endpoint_profile(reference_endpoint.sign_url), session)
    assert not result.ok
    assert result.explanation is not None and f"through a proxy ({proxy})" in result.explanation["cause"]
    assert f"Connections to 127.0.0.1 go through the proxy {proxy}." in result.notes
    assert "s3cr3t-pw" not in str(result.to_dict())


def test_check_says_when_a_named_bundle_replaces_this_computers_authorities(
        seaweed: Any, bucket: str, wan_factory: Any, wan_ca_env: dict[str, str], memory_keyring: Any) -> None:
    link = wan_factory("127.0.0.1", seaweed.port)
    profile = dataclasses.replace(local_profile(seaweed, bucket), s3_endpoint_url=link.url)
    store_credentials(profile.name, seaweed.admin)
    with make_session() as session:
        result = check_connection(profile, session)
    assert result.ok, result
    assert (f"Certificates are checked against {wan_ca_env['REQUESTS_CA_BUNDLE']} alone (REQUESTS_CA_BUNDLE or "
            "CURL_CA_BUNDLE), not against the authorities this computer trusts.") in result.notes
    assert not [note for note in result.notes if "proxy" in note]
