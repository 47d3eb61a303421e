"""A small fleet for tests: the reference endpoint with a device table over real HTTP, in front of the test
SeaweedFS, and devices that each have their own profile, key (in the test keyring), identity, queue, engine
and status reporter."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from desktop_uploader.core.config import Config, Profile
from desktop_uploader.core.engine import Engine, KeyOptions
from desktop_uploader.core.factory import EngineOptions, open_engine
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore, header_field
from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.endpoint.devices import Device as TableEntry
from desktop_uploader.endpoint.devices import DeviceTable, new_token, read_table_file, token_digest, write_table_file
from desktop_uploader.kiosk.identity import IdentityStore
from desktop_uploader.kiosk.status_report import StatusReporter, reporter_for
from tests.plugins.endpoint import EndpointFactory, EndpointFixture

QUICK_RETRY = RetryPolicy(max_attempts=2, base_delay=0.05, max_delay=0.1)


@dataclass
class FleetDevice:
    name: str
    token: str
    home: Path
    profile: Profile
    config: Config
    identity: IdentityStore
    engine: Engine
    reporter: StatusReporter

    def send(self, *files: Path) -> None:
        keys = KeyOptions(template="{relpath}", prefix=self.profile.prefix, device=self.name)
        self.engine.add_paths(files, self.profile.name, keys=keys)

    def file(self, name: str, content: bytes = b"field data") -> Path:
        path = self.home / "card" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
        return path


@dataclass
class Fleet:
    endpoint: EndpointFixture
    seaweed: SeaweedServer
    table_path: Path
    tmp: Path
    devices: list[FleetDevice] = field(default_factory=list)

    @property
    def bucket(self) -> str:
        return self.endpoint.bucket

    def add(self, name: str, *, prefix: str | None = None, protocol: str = "simple",
            clock: Callable[[], float] = time.time, register: bool = True, **timing: Any) -> FleetDevice:
        token = new_token()
        if register:
            entry = TableEntry(name=name, token_sha256=token_digest(token).hex(), prefix=f"uploads/{name}/",
                               status_key=f"_devices/{name}.json")
            write_table_file(self.table_path, read_table_file(self.table_path).added(entry))
        home = self.tmp / name
        base = self.endpoint.url if protocol == "companion" else self.endpoint.sign_url
        profile = Profile(name=name, endpoint_url=base, protocol=protocol, secret_headers=["x-api-key"],
                          prefix=prefix or f"uploads/{name}/", status_report=True, status_key=f"_devices/{name}.json")
        config = Config(path=home / "config.json")
        config.put(profile)
        SecretStore().set(name, header_field("x-api-key"), token)
        identity = IdentityStore(home / "data", device_override=name)
        # Each device has a queue of its own, owned (and closed) by its engine.
        engine = open_engine(config, profile=name, options=EngineOptions(retry=QUICK_RETRY),
                             queue_path=home / "queue.sqlite3")
        options: dict[str, Any] = {"interval": 3600.0, "settle": 0.0, "min_gap": 0.0, **timing}
        reporter = reporter_for(engine, config, profile, identity.current, mode="kiosk", disk_path=home, clock=clock,
                                **options)
        device = FleetDevice(name, token, home, profile, config, identity, engine, reporter)
        self.devices.append(device)
        return device

    def set_enabled(self, name: str, enabled: bool) -> None:
        write_table_file(self.table_path, read_table_file(self.table_path).with_enabled(name, enabled))
        # Rewritten within the file system's timestamp granularity, the table must still read as changed.
        stamp = self.table_path.stat().st_mtime_ns + 1_000_000_000
        os.utime(self.table_path, ns=(stamp, stamp))

    def status_object(self, name: str) -> dict[str, Any]:
        body = self.seaweed.client().get_object(Bucket=self.bucket, Key=f"_devices/{name}.json")["Body"].read()
        document: dict[str, Any] = json.loads(body)
        return document

    def close(self) -> None:
        for device in self.devices:
            device.reporter.stop()
            device.engine.close()


@pytest.fixture
def fleet(reference_endpoint_factory: EndpointFactory, seaweed: SeaweedServer, tmp_path: Path,
          memory_keyring: object) -> Iterator[Fleet]:
    table = tmp_path / "devices.json"
    write_table_file(table, DeviceTable())
    endpoint = reference_endpoint_factory(key_prefix="uploads/", device_table_file=str(table), no_overwrite=True)
    made = Fleet(endpoint, seaweed, table, tmp_path)
    try:
        yield made
    finally:
        made.close()
