"""Passwords round-trip through a real Secret Service (gnome-keyring over D-Bus), as on a Linux desktop."""

from __future__ import annotations

import pytest
from keyring.backends.SecretService import Keyring as SecretServiceKeyring
from keyring.errors import PasswordDeleteError

from tests.plugins.keychain import SecretServiceBus


def test_password_round_trip_through_the_real_secret_service(
    secret_service: SecretServiceBus, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", secret_service.address)
    ring = SecretServiceKeyring()
    service, user = "desktop-uploader-test", "AKIAEXAMPLE"
    secret = "s3cr3t/with+odd=chars ünïcode"

    assert ring.get_password(service, user) is None
    ring.set_password(service, user, secret)
    assert ring.get_password(service, user) == secret

    ring.set_password(service, user, secret + "-rotated")
    assert ring.get_password(service, user) == secret + "-rotated"

    ring.delete_password(service, user)
    assert ring.get_password(service, user) is None
    with pytest.raises(PasswordDeleteError):
        ring.delete_password(service, user)


def test_secret_service_keeps_its_files_in_a_temp_home(secret_service: SecretServiceBus) -> None:
    # The daemon must never write into the developer's real ~/.local/share/keyrings.
    assert secret_service.home.is_dir()
    assert secret_service.env["HOME"] == str(secret_service.home)
    assert secret_service.address.startswith("unix:path=")
