"""Helpers for the signing endpoint's tests that need no S3 server: presigning works offline."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import pytest

from desktop_uploader.endpoint import EndpointConfig, S3Client, handle, make_s3_client

FAKE_ACCESS_KEY = "AKIDEXAMPLEFAKEKEY00"
FAKE_SECRET_KEY = "fakeSecretKeyThatMustNeverAppear0123456789"

# Nothing listens on the discard port; presigning never connects, and stubbed calls never reach it.
OFFLINE = EndpointConfig(
    bucket="uploads-bucket",
    s3_endpoint_url="http://127.0.0.1:9",
    region="us-east-1",
    addressing_style="path",
    access_key=FAKE_ACCESS_KEY,
    secret_key=FAKE_SECRET_KEY,
)

Result = tuple[int, dict[str, str], Any]
Call = Callable[..., Result]


@pytest.fixture(scope="session")
def offline_s3() -> Iterator[S3Client]:
    # One client for the session: building a boto3 client costs a good fraction of a second.
    client = make_s3_client(OFFLINE)
    try:
        yield client
    finally:
        client.close()


@pytest.fixture
def call(offline_s3: S3Client) -> Call:
    """``call(method, path, query=..., headers=..., body=..., s3=..., **config_overrides)``."""

    def run(
        method: str = "GET",
        path: str = "/sign",
        query: Mapping[str, str | Sequence[str]] | None = None,
        headers: Mapping[str, str] | None = None,
        body: bytes | Any = b"",
        s3: S3Client | Any | None = None,
        **overrides: Any,
    ) -> Result:
        config = dataclasses.replace(OFFLINE, **overrides)
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        status, out_headers, payload = handle(
            method, path, query or {}, headers or {}, raw, config, s3 if s3 is not None else offline_s3
        )
        # Whatever comes back must be what a transport can send: JSON-serializable, without secrets.
        text = json.dumps(payload)
        assert FAKE_SECRET_KEY not in text
        if config.shared_token:
            assert config.shared_token not in text
            assert config.shared_token not in json.dumps(out_headers)
        return status, out_headers, payload

    return run
