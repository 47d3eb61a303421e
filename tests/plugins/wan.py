"""Fixtures that put an emulated wide-area link (:class:`~desktop_uploader.devserver.wan.WanProxy`) in front
of a local server.

``wan_tls`` is one throw-away CA for the session (:class:`~desktop_uploader.devserver.tls.TlsIdentity`);
every TLS proxy the fixtures start presents a certificate it signed, so one CA file serves all of them.

``wan_factory(target_host, target_port, rtt_ms=0, rate_bps=None, tls=True, **options)`` starts a proxy
and returns it; every proxy is stopped when the test ends. ``options`` are the other keyword arguments of
:class:`WanProxy` (``connect_rtt``, ``slow_start``, ``name``). Behind a TLS proxy, links must be signed
for ``proxy.url`` (path-style), and clients must trust ``wan_tls.ca_path``.

``wan_ca_env`` sets ``REQUESTS_CA_BUNDLE``, ``CURL_CA_BUNDLE``, ``AWS_CA_BUNDLE`` and ``SSL_CERT_FILE`` to
that CA for the test (the app's HTTP session and botocore read them), and returns the variables, e.g. to
pass to a child process.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from desktop_uploader.devserver.tls import TlsIdentity, make_tls_identity
from desktop_uploader.devserver.wan import WanProxy

WanFactory = Callable[..., WanProxy]


@pytest.fixture(scope="session")
def wan_tls(tmp_path_factory: pytest.TempPathFactory) -> TlsIdentity:
    return make_tls_identity(tmp_path_factory.mktemp("wan-tls"))


@pytest.fixture
def wan_factory(wan_tls: TlsIdentity) -> Iterator[WanFactory]:
    started: list[WanProxy] = []

    def start(target_host: str, target_port: int, *, rtt_ms: float = 0.0, rate_bps: float | None = None,
              tls: bool = True, **options: Any) -> WanProxy:
        proxy = WanProxy(target_host, target_port, rtt_ms=rtt_ms, rate_bps=rate_bps,
                         tls=wan_tls if tls else False, **options)
        proxy.start()
        started.append(proxy)
        return proxy

    try:
        yield start
    finally:
        for proxy in started:
            proxy.stop()


@pytest.fixture
def wan_ca_env(wan_tls: TlsIdentity, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    variables = wan_tls.client_env()
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    return variables
