"""Install id, device name and operator; metadata only where the signer lets us choose headers."""

from __future__ import annotations

import base64
import uuid
from pathlib import Path

import pytest

from desktop_uploader.kiosk.identity import IdentityStore, header_safe, install_id


def test_install_id_is_created_once_and_kept(tmp_path: Path) -> None:
    first = install_id(tmp_path)
    assert str(uuid.UUID(first)) == first
    assert install_id(tmp_path) == first
    assert IdentityStore(tmp_path).install_id == first


def test_damaged_install_id_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "install-id").write_text("garbage")
    fresh = install_id(tmp_path)
    assert str(uuid.UUID(fresh)) == fresh


def test_operator_and_device_name(tmp_path: Path) -> None:
    store = IdentityStore(tmp_path, clock=lambda: 1234.0)
    assert store.current().operator == ""
    store.set_operator("  Ana   María ")
    identity = store.current()
    assert identity.operator == "Ana María" and identity.operator_since == 1234.0
    store.set_device_name("field-07")
    assert IdentityStore(tmp_path).current().device_name == "field-07"
    assert IdentityStore(tmp_path, device_override="admin-name").current().device_name == "admin-name"
    keys = identity.key_options("{device}/{operator}/{relpath}")
    assert keys.operator == "Ana María"
    with pytest.raises(ValueError, match="empty"):
        store.set_operator("   ")
    store.end_shift()
    assert store.current().operator == ""


def test_identity_metadata_names_install_and_operator(tmp_path: Path) -> None:
    identity = IdentityStore(tmp_path).set_operator("José")
    meta = identity.metadata()
    assert meta["install-id"] == identity.install_id
    encoded = meta["operator"]
    assert encoded.isascii() and base64.b64decode(encoded[10:-2]).decode() == "José"


def test_header_safe() -> None:
    assert header_safe("Ana") == "Ana"
    assert header_safe("Zoë").startswith("=?UTF-8?B?")
