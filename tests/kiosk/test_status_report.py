"""Device status objects, written through each device's own key and the reference endpoint over HTTP into
SeaweedFS: what they say, when they are (not) written, and that they never get in the way of uploads."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
import requests

from desktop_uploader import __version__
from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.models import JobState, SignedRequest, UploadTarget
from desktop_uploader.core.signers.base import FormSigner, PutSigner
from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.kiosk.device_status import STATUS_FORMAT, DeviceStatus, parse_iso
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.status_report import StatusReporter, reporter_for
from tests.core.helpers import store_credentials
from tests.kiosk.fleet import Fleet
from tests.kiosk.helpers import wait_for


def test_two_devices_write_what_an_admin_needs_to_know(fleet: Fleet) -> None:
    one, two = fleet.add("tablet-01"), fleet.add("tablet-02")
    one.identity.set_operator("Ana")
    one.send(one.file("IMG_0001.JPG"), one.file("IMG_0002.JPG"))
    for device in (one, two):
        device.engine.start()
        device.reporter.start()
    assert one.engine.wait_idle(30)
    wait_for(lambda: one.reporter.writes >= 1 and two.reporter.writes >= 1, 30, "both status objects")
    wait_for(lambda: fleet.status_object("tablet-01")["last_upload_at"] is not None, 30, "the batch's status")

    first = fleet.status_object("tablet-01")
    assert first["format"] == STATUS_FORMAT and first["version"] == 1
    assert (first["device_name"], first["operator"], first["mode"]) == ("tablet-01", "Ana", "kiosk")
    assert first["install_id"] == one.identity.install_id
    assert first["app_version"] == __version__
    assert (first["queued_files"], first["queued_bytes"], first["failed_files"]) == (0, 0, 0)
    assert first["last_failure"] is None
    assert isinstance(first["free_disk_bytes"], int) and first["free_disk_bytes"] > 0
    assert parse_iso(first["written_at"]) is not None and first["os"]
    second = DeviceStatus.from_json(fleet.status_object("tablet-02"))
    assert (second.device_name, second.last_upload_at, second.queued_files) == ("tablet-02", None, 0)
    # The files went under each device's own prefix.
    keys = {o["Key"] for o in fleet.seaweed.client().list_objects_v2(Bucket=fleet.bucket)["Contents"]}
    assert {"uploads/tablet-01/IMG_0001.JPG", "uploads/tablet-01/IMG_0002.JPG"} <= keys


def test_files_waiting_are_counted(fleet: Fleet) -> None:
    device = fleet.add("tablet-01")
    device.send(device.file("a.bin", b"x" * 1000), device.file("b.bin", b"y" * 500))  # engine not started
    assert device.reporter.write_now()
    status = fleet.status_object("tablet-01")
    assert (status["queued_files"], status["queued_bytes"]) == (2, 1500)


def test_nothing_new_means_nothing_written(fleet: Fleet) -> None:
    device = fleet.add("tablet-01")
    assert device.reporter.write_now()
    etag = fleet.seaweed.client().head_object(Bucket=fleet.bucket, Key="_devices/tablet-01.json")["ETag"]
    device.reporter.start()
    wait_for(lambda: device.reporter.writes == 2, 30, "the start-up write (a sign of life is always written)")
    device.reporter.poke()
    wait_for(lambda: device.reporter.skipped >= 1, 30, "a skipped write")
    assert device.reporter.writes == 2
    device.identity.set_operator("Ben")
    device.reporter.poke()
    wait_for(lambda: device.reporter.writes == 3, 30, "the write after the operator changed")
    assert fleet.status_object("tablet-01")["operator"] == "Ben"
    assert fleet.seaweed.client().head_object(Bucket=fleet.bucket, Key="_devices/tablet-01.json")["ETag"] != etag


def test_a_revoked_device_is_told_why_and_its_status_failure_is_only_logged(
        fleet: Fleet, caplog: pytest.LogCaptureFixture) -> None:
    one, two = fleet.add("tablet-01"), fleet.add("tablet-02")
    assert two.reporter.write_now()
    fleet.set_enabled("tablet-02", False)
    two.send(two.file("late.jpg"))
    two.engine.start()
    assert two.engine.wait_idle(30)
    [job] = two.engine.jobs()
    assert job.state is JobState.FAILED
    assert job.error is not None and job.error["explanation"]["code"] == "Endpoint.device_revoked"
    assert job.error["explanation"]["summary"] == "This device's key was revoked. Ask your administrator for a new one."

    with caplog.at_level(logging.WARNING, logger="desktop_uploader.kiosk.status_report"):
        assert not two.reporter.write_now()
    assert two.reporter.failures == 1
    assert "EndpointError" in caplog.text and "revoked" in caplog.text
    assert two.token not in caplog.text
    assert len(two.engine.jobs()) == 1  # the status is no file: nothing new in the queue
    # The other device is not touched by the revocation.
    assert one.reporter.write_now()


def test_a_key_outside_the_devices_prefix_is_refused_and_explained(fleet: Fleet) -> None:
    fleet.add("tablet-02")
    stray = fleet.add("tablet-01", prefix="uploads/tablet-02/")  # a profile pointing at the wrong folder
    stray.send(stray.file("IMG_0001.JPG"))
    stray.engine.start()
    assert stray.engine.wait_idle(30)
    [job] = stray.engine.jobs()
    explanation = job.error["explanation"] if job.error else {}
    assert (job.state, explanation["code"]) == (JobState.FAILED, "Endpoint.key_not_allowed")
    assert "uploads/tablet-02/IMG_0001.JPG" in explanation["cause"]
    assert "may only upload under 'uploads/tablet-01/'" in explanation["cause"]


def test_the_last_failure_is_reported_with_its_explanation(fleet: Fleet) -> None:
    device = fleet.add("tablet-01", prefix="elsewhere/")
    device.send(device.file("a.jpg"))
    device.engine.start()
    device.reporter.start()
    assert device.engine.wait_idle(30)
    wait_for(lambda: device.reporter.writes >= 1 and fleet.status_object("tablet-01")["failed_files"] == 1, 30,
             "the failure in the status")
    status = fleet.status_object("tablet-01")
    assert status["last_failure"]["code"] == "EndpointError"
    assert status["last_failure"]["summary"].startswith("This device may not upload under this name.")


def test_companion_devices_write_their_status_through_a_post_form(fleet: Fleet) -> None:
    device = fleet.add("tablet-01", protocol="companion")
    assert device.reporter.write_now()
    assert DeviceStatus.from_json(fleet.status_object("tablet-01")).device_name == "tablet-01"
    assert device.reporter.disabled_reason is None


class _StuckSigner(PutSigner):
    """A signer for the status only, that stops until released: the status must not hold up uploads."""

    name = "stuck"

    def __init__(self, release: threading.Event, entered: threading.Event) -> None:
        self.release, self.entered = release, entered

    def describe(self) -> dict[str, str]:
        return {"signer": self.name}

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        self.entered.set()
        self.release.wait(30)
        raise requests.ConnectionError("released")


def test_a_stuck_status_write_never_holds_up_uploads(fleet: Fleet) -> None:
    device = fleet.add("tablet-01")
    release, entered = threading.Event(), threading.Event()
    stuck = StatusReporter(device.engine, lambda _session: _StuckSigner(release, entered), device.identity.current,
                           settle=0.0, min_gap=0.0)
    try:
        stuck.start()
        assert entered.wait(30)
        device.send(device.file("a.jpg"), device.file("b.jpg"))
        device.engine.start()
        assert device.engine.wait_idle(30)
        assert [j.state for j in device.engine.jobs()] == [JobState.DONE, JobState.DONE]
    finally:
        release.set()
        stuck.stop()
    assert stuck.failures >= 1 and stuck.writes == 0


class _RenamingSigner(FormSigner):
    """A Companion service that names every object itself, as Companion does for uploads."""

    name = "companion"

    def describe(self) -> dict[str, str]:
        return {"signer": self.name}

    def sign_post(self, target: UploadTarget) -> SignedRequest:
        return SignedRequest(method="POST", url="http://127.0.0.1:9/bucket", fields={"key": f"x/{target.key}"})


def test_a_service_that_renames_every_object_turns_reports_off(fleet: Fleet,
                                                                caplog: pytest.LogCaptureFixture) -> None:
    device = fleet.add("tablet-01")
    reporter = StatusReporter(device.engine, lambda _session: _RenamingSigner(), device.identity.current)
    with caplog.at_level(logging.WARNING):
        assert not reporter.write_now()
    assert reporter.disabled_reason == "the signing service does not keep the status object's name"
    assert "status reports are off" in caplog.text


def test_a_sign_of_life_is_written_every_interval_even_when_nothing_happens(fleet: Fleet) -> None:
    device = fleet.add("tablet-01", interval=0.2)
    device.reporter.start()
    wait_for(lambda: device.reporter.writes >= 3, 30, "three periodic writes")
    assert device.reporter.skipped == 0


def test_a_device_whose_clock_is_wrong_still_writes_its_status(
        tmp_path: Path, seaweed: SeaweedServer, bucket: str, memory_keyring: object,
        clock_an_hour_behind: Callable[[], None]) -> None:
    # Local signing: the links carry this computer's time, an hour off, until a refusal says the storage's.
    profile = Profile(name="tab", kind="local", bucket=bucket, region="us-east-1",
                      s3_endpoint_url=seaweed.endpoint_url, addressing_style="path", status_report=True,
                      status_key="_devices/tab.json")
    config = Config(path=tmp_path / "config.json")
    config.put(profile)
    store_credentials("tab", seaweed.admin)
    identity = IdentityStore(tmp_path / "data", device_override="tab")
    engine = open_engine(config, profile="tab", queue_path=tmp_path / "queue.sqlite3")
    reporter = reporter_for(engine, config, profile, identity.current, mode="kiosk", disk_path=tmp_path,
                            interval=3600.0, settle=0.0, min_gap=0.0)
    try:
        assert reporter.write_now()
    finally:
        engine.close()
    clock_an_hour_behind()  # set right: the test's own client signs with botocore's clock
    body = seaweed.client().get_object(Bucket=bucket, Key="_devices/tab.json")["Body"].read()
    assert DeviceStatus.from_json(json.loads(body)).device_name == "tab"
