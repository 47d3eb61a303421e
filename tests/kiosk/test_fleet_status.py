"""`fleet add-device`, `fleet import` of a provisioning file, `fleet revoke-device` and `fleet status`, against
the reference endpoint over HTTP and SeaweedFS."""

from __future__ import annotations

import json
import re
import stat
import time
from pathlib import Path

import pytest

from desktop_uploader.cli.common import UsageError
from desktop_uploader.core.config import KIND_LOCAL, Config, Profile
from desktop_uploader.core.engine import KeyOptions
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.models import JobState
from desktop_uploader.core.secrets import ACCESS_KEY_ID, SECRET_ACCESS_KEY, SecretStore, header_field
from desktop_uploader.endpoint.devices import TOKEN_PREFIX, read_table_file, token_digest
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.provisioning import PROVISIONING_FORMAT
from tests.kiosk.fleet import Fleet
from tests.kiosk.test_fleet_cli import run

TOKEN_LINE = re.compile(rf"^\s+({re.escape(TOKEN_PREFIX)}\S+)$", re.MULTILINE)


def _add_device(fleet: Fleet, name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], *extra: str) -> str:
    out = tmp_path / f"{name}.json"
    assert run("fleet", "add-device", name, "--endpoint", fleet.endpoint.sign_url, "--table", str(fleet.table_path),
               "--out", str(out), *extra) == 0
    return capsys.readouterr().out


def test_add_device_prints_the_key_once_and_keeps_it_out_of_every_file(
        fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    printed = _add_device(fleet, "tablet-07", tmp_path, capsys)
    [token] = TOKEN_LINE.findall(printed)
    provisioning = (tmp_path / "tablet-07.json").read_text()
    assert token not in provisioning and token not in fleet.table_path.read_text()
    data = json.loads(provisioning)
    assert data["format"] == PROVISIONING_FORMAT and "token" not in data
    assert data["profile"]["endpoint_url"] == fleet.endpoint.sign_url
    assert data["profile"]["prefix"] == "uploads/tablet-07/"
    assert data["profile"]["status_key"] == "_devices/tablet-07.json"
    assert data["locked"]["kiosk"] == {"profile": "fleet", "device_name": "tablet-07"}
    entry = read_table_file(fleet.table_path).get("tablet-07")
    assert entry is not None and entry.enabled and entry.token_sha256 == token_digest(token).hex()
    # A second device of that name is refused and the table stays as it was.
    with pytest.raises(UsageError, match="already has a device named"):
        _add_device(fleet, "tablet-07", tmp_path, capsys, "--out", str(tmp_path / "again.json"))


def test_a_provisioned_device_uploads_under_its_prefix(fleet: Fleet, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    [token] = TOKEN_LINE.findall(_add_device(fleet, "tablet-07", tmp_path, capsys))
    assert run("fleet", "import", str(tmp_path / "tablet-07.json"), stdin=token + "\n") == 0
    assert "its key is in the keychain" in capsys.readouterr().out
    config = Config.load()
    profile = config.get("fleet")
    assert (profile.prefix, profile.status_report, profile.secret_headers) == ("uploads/tablet-07/", True,
                                                                              ["x-api-key"])
    assert SecretStore().get("fleet", header_field("x-api-key")) == token
    assert IdentityStore().current().device_name == "tablet-07"

    photo = tmp_path / "card" / "IMG_0001.JPG"
    photo.parent.mkdir()
    photo.write_bytes(b"jpeg")
    engine = open_engine(config, profile="fleet")
    try:
        engine.add_paths([photo], "fleet", keys=KeyOptions(prefix=profile.prefix))
        engine.start()
        assert engine.wait_idle(30)
        assert [j.state for j in engine.jobs()] == [JobState.DONE]
    finally:
        engine.close()
    head = fleet.seaweed.client().head_object(Bucket=fleet.bucket, Key="uploads/tablet-07/IMG_0001.JPG")
    assert head["ContentLength"] == 4


def test_a_one_time_file_carries_the_key_until_it_is_imported(fleet: Fleet, tmp_path: Path,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    printed = _add_device(fleet, "tablet-08", tmp_path, capsys, "--one-time-file")
    assert not TOKEN_LINE.findall(printed)
    path = tmp_path / "tablet-08.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    token = json.loads(path.read_text())["token"]
    assert token.startswith(TOKEN_PREFIX)
    locked = tmp_path / "locked-config.json"
    assert run("fleet", "import", str(path), "--write-locked", str(locked)) == 0
    assert SecretStore().get("fleet", header_field("x-api-key")) == token
    assert "token" not in json.loads(path.read_text())
    assert token not in path.read_text()
    assert json.loads(locked.read_text())["profiles"]["fleet"]["prefix"] == "uploads/tablet-08/"
    assert stat.S_IMODE(locked.stat().st_mode) == 0o644
    # The locked part is a valid locked configuration.
    assert run("fleet", "show-locked", "--locked-config", str(locked)) == 0


def test_import_refuses_to_replace_a_profile_unasked(fleet: Fleet, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    [token] = TOKEN_LINE.findall(_add_device(fleet, "tablet-07", tmp_path, capsys))
    assert run("fleet", "import", str(tmp_path / "tablet-07.json"), stdin=token + "\n") == 0
    with pytest.raises(UsageError, match="--replace"):
        run("fleet", "import", str(tmp_path / "tablet-07.json"), stdin=token + "\n")
    assert run("fleet", "import", str(tmp_path / "tablet-07.json"), "--replace", stdin=token + "\n") == 0


def test_revoke_and_enable_a_device(fleet: Fleet, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _add_device(fleet, "tablet-07", tmp_path, capsys)
    assert run("fleet", "revoke-device", "tablet-07", "--table", str(fleet.table_path)) == 0
    assert "revoked" in capsys.readouterr().out
    assert read_table_file(fleet.table_path).get("tablet-07").enabled is False  # type: ignore[union-attr]
    assert run("fleet", "enable-device", "tablet-07", "--table", str(fleet.table_path)) == 0
    assert read_table_file(fleet.table_path).get("tablet-07").enabled is True  # type: ignore[union-attr]
    with pytest.raises(UsageError, match="no device named"):
        run("fleet", "revoke-device", "tablet-99", "--table", str(fleet.table_path))


# -- fleet status -----------------------------------------------------------------------------------------


@pytest.fixture
def admin(fleet: Fleet) -> str:
    """A local-signing profile with credentials that may list and read the bucket."""
    config = Config.load()
    config.put(Profile(name="admin", kind=KIND_LOCAL, bucket=fleet.bucket, region="us-east-1",
                       s3_endpoint_url=fleet.seaweed.endpoint_url, addressing_style="path"))
    config.save()
    store = SecretStore()
    store.set("admin", ACCESS_KEY_ID, fleet.seaweed.admin.access_key)
    store.set("admin", SECRET_ACCESS_KEY, fleet.seaweed.admin.secret_key)
    return "admin"


@pytest.fixture
def reported(fleet: Fleet) -> Fleet:
    """Two devices that wrote their status (one then revoked), one silent for three days, one never heard of."""
    one, two = fleet.add("tablet-01"), fleet.add("tablet-02")
    old = fleet.add("tablet-03", clock=lambda: time.time() - 3 * 86400)
    one.identity.set_operator("Ana <script>alert(1)</script>")
    one.send(one.file("a.jpg", b"x" * 2048))  # waiting: the engine is not started
    for device in (one, two, old):
        assert device.reporter.write_now()
    fleet.set_enabled("tablet-02", False)
    assert not two.reporter.write_now()  # revoked: its last status stays as it was
    fleet.add("tablet-04")  # in the table, never reported
    fleet.devices[-1].reporter.stop()
    return fleet


def test_status_table(reported: Fleet, admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fleet", "status", "--profile", admin, "--device-table", str(reported.table_path)) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["DEVICE", "OPERATOR", "LAST", "SEEN", "LAST", "UPLOAD", "WAITING", "FAILED", "VERSION",
                                "NOTES"]
    rows = {line.split()[0]: line for line in lines[1:] if line.startswith("tablet-")}
    assert set(rows) == {"tablet-01", "tablet-02", "tablet-03", "tablet-04"}
    assert "Ana <script>" in rows["tablet-01"] and "1 (2.0 KiB)" in rows["tablet-01"]
    assert not rows["tablet-01"].rstrip().endswith(("stale", "revoked"))
    assert rows["tablet-02"].rstrip().endswith("revoked")
    assert "stale" in rows["tablet-03"] and "3 d ago" in rows["tablet-03"] and "clock 3 d behind" in rows["tablet-03"]
    assert rows["tablet-04"].rstrip().endswith("never reported") and "never" in rows["tablet-04"]
    assert lines[-1] == "4 device(s): 2 stale, 1 revoked, 1 file(s) waiting in all."


def test_status_json(reported: Fleet, admin: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run("fleet", "status", "--profile", admin, "--json", "--stale", "2d",
               "--device-table", str(reported.table_path)) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["stale_after_seconds"] == 2 * 86400 and data["prefix"] == "_devices/"
    devices = {d["name"]: d for d in data["devices"]}
    assert [(n, devices[n]["stale"], devices[n]["revoked"]) for n in sorted(devices)] == [
        ("tablet-01", False, False), ("tablet-02", False, True), ("tablet-03", True, False),
        ("tablet-04", True, False)]
    first = devices["tablet-01"]["status"]
    assert (first["queued_files"], first["queued_bytes"]) == (1, 2048)
    assert first["operator"] == "Ana <script>alert(1)</script>"
    assert devices["tablet-03"]["clock_offset_seconds"] < -2 * 86400
    assert devices["tablet-04"]["status"] is None and devices["tablet-04"]["last_seen"] is None


def test_status_html_is_one_self_contained_page(reported: Fleet, admin: str, tmp_path: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    page = tmp_path / "fleet.html"
    assert run("fleet", "status", "--profile", admin, "--html", str(page)) == 0
    assert f"Page written to {page}" in capsys.readouterr().out
    text = page.read_text()
    assert text.startswith("<!DOCTYPE html>")
    assert "<script" not in text.lower()
    assert "Ana &lt;script&gt;alert(1)&lt;/script&gt;" in text
    assert not re.search(r"""(src|href)\s*=|url\(|@import""", text, re.IGNORECASE)
    assert "default-src 'none'" in text
    assert text.count('<tr class="stale">') == 1  # tablet-03; without the table nothing is known as revoked
    assert "3 device(s): 1 stale, 0 revoked, 1 file(s) waiting in all." in text


def test_status_needs_a_local_profile_and_a_real_duration(fleet: Fleet, admin: str) -> None:
    config = Config.load()
    config.put(Profile(name="field", endpoint_url=fleet.endpoint.sign_url))
    config.save()
    with pytest.raises(UsageError, match="local-signing profile"):
        run("fleet", "status", "--profile", "field")
    with pytest.raises(UsageError, match="such as 30m, 24h or 7d"):
        run("fleet", "status", "--profile", admin, "--stale", "soon")


def test_status_explains_when_the_bucket_cannot_be_read(fleet: Fleet, admin: str) -> None:
    config = Config.load()
    config.put(Profile(name="reader", kind=KIND_LOCAL, bucket="no-such-bucket-here", region="us-east-1",
                       s3_endpoint_url=fleet.seaweed.endpoint_url, addressing_style="path"))
    config.save()
    store = SecretStore()
    store.set("reader", ACCESS_KEY_ID, fleet.seaweed.admin.access_key)
    store.set("reader", SECRET_ACCESS_KEY, fleet.seaweed.admin.secret_key)
    with pytest.raises(UsageError, match="cannot be read from 'no-such-bucket-here': NoSuchBucket"):
        run("fleet", "status", "--profile", "reader")
