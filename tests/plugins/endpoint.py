"""Pytest fixtures that run the reference signing endpoint against the test SeaweedFS.

``reference_endpoint`` yields an :class:`EndpointFixture`: the running endpoint (``.running``, with
``.url``/``.sign_url`` also available on the fixture itself), the :class:`EndpointConfig` it serves
(``.config``) and the bucket name (``.bucket``). The endpoint signs with SeaweedFS's admin identity,
region us-east-1, path-style addressing, SigV4; it stops when the test ends.

``reference_endpoint_factory`` starts further endpoints on the same bucket with settings changed, e.g.
``reference_endpoint_factory(acl="public-read", shared_token="t")`` (keyword arguments are
:class:`EndpointConfig` fields); all are stopped when the test ends.

Both need the ``seaweed`` and ``bucket`` fixtures (tests/plugins/seaweed.py).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from desktop_uploader.endpoint import EndpointConfig, RunningEndpoint, serve_in_thread

if TYPE_CHECKING:
    from desktop_uploader.devserver import SeaweedServer


@dataclasses.dataclass(frozen=True)
class EndpointFixture:
    running: RunningEndpoint
    config: EndpointConfig
    bucket: str

    @property
    def url(self) -> str:
        return self.running.url

    @property
    def sign_url(self) -> str:
        return self.running.sign_url


EndpointFactory = Callable[..., EndpointFixture]


def seaweed_endpoint_config(seaweed: SeaweedServer, bucket: str, **overrides: Any) -> EndpointConfig:
    """An EndpointConfig that signs for *bucket* on the test SeaweedFS with its admin identity."""
    base = EndpointConfig(
        bucket=bucket,
        s3_endpoint_url=seaweed.endpoint_url,
        region="us-east-1",
        addressing_style="path",
        access_key=seaweed.admin.access_key,
        secret_key=seaweed.admin.secret_key,
    )
    return dataclasses.replace(base, **overrides)


@pytest.fixture
def reference_endpoint_factory(seaweed: SeaweedServer, bucket: str) -> Iterator[EndpointFactory]:
    started: list[RunningEndpoint] = []

    def start(**overrides: Any) -> EndpointFixture:
        config = seaweed_endpoint_config(seaweed, bucket, **overrides)
        running = serve_in_thread(config)
        started.append(running)
        return EndpointFixture(running=running, config=config, bucket=bucket)

    try:
        yield start
    finally:
        for running in started:
            running.stop()


@pytest.fixture
def reference_endpoint(reference_endpoint_factory: EndpointFactory) -> EndpointFixture:
    return reference_endpoint_factory()
