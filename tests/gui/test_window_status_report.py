"""The window writes the device's status only when its destination asks for it."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.factory import open_engine
from desktop_uploader.core.locked import LockedConfig
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.gui.app import window_status_reporter
from desktop_uploader.kiosk.identity import IdentityStore


def test_only_a_profile_with_status_reports_gets_a_reporter(endpoint_profile: Profile, seaweed: Any,
                                                            bucket: str) -> None:
    config = Config.load()
    config.put(endpoint_profile)
    config.put(dataclasses.replace(endpoint_profile, name="reporting", status_report=True))
    engine = open_engine(config)
    try:
        assert window_status_reporter(engine, config, config, "test", LockedConfig(), SecretStore()) is None
        assert window_status_reporter(engine, config, config, "missing", LockedConfig(), SecretStore()) is None
        reporter = window_status_reporter(engine, config, config, "reporting", LockedConfig(), SecretStore())
        assert reporter is not None
        assert reporter.write_now()
    finally:
        engine.close()
    install_id = IdentityStore().install_id
    assert reporter.key == f"_devices/{install_id}.json"
    stored = json.loads(seaweed.client().get_object(Bucket=bucket, Key=reporter.key)["Body"].read())
    assert (stored["mode"], stored["install_id"]) == ("window", install_id)
