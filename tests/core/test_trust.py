"""Which authorities a TLS connection trusts (core/trust.py), against SeaweedFS behind a TLS link whose
certificate a throw-away CA signed.

On Linux, OpenSSL reads this computer's store from ``SSL_CERT_FILE`` and ``SSL_CERT_DIR`` when they are set:
pointing them at the throw-away CA is what installing it on the computer (``update-ca-certificates``) does,
without touching the machine."""

from __future__ import annotations

import ssl
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import certifi
import pytest
import requests

from desktop_uploader.core import trust
from desktop_uploader.core.config import Profile
from desktop_uploader.core.engine import EngineSettings
from desktop_uploader.core.http import direct_pool, make_session
from desktop_uploader.core.models import EventKind, JobState
from desktop_uploader.core.transfer import SMALL_BODY
from desktop_uploader.devserver.tls import TlsIdentity
from desktop_uploader.devserver.wan import WanProxy
from tests.core.helpers import FAST_RETRY, close_engine, endpoint_profile, make_engine, run_all, store_credentials

KiB = 1024


@pytest.fixture
def storage_link(seaweed: Any, wan_factory: Any) -> WanProxy:
    proxy: WanProxy = wan_factory("127.0.0.1", seaweed.port)
    return proxy


@pytest.fixture
def no_named_bundle(monkeypatch: pytest.MonkeyPatch) -> None:
    """No CA bundle named for requests, as on a user's computer (this machine names its system bundle)."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def computer_trusts(monkeypatch: pytest.MonkeyPatch, tmp_path: Path, no_named_bundle: None
                    ) -> Iterator[Any]:
    """``computer_trusts(path)``: this computer's store holds only the authorities in ``path``."""
    empty = tmp_path / "no-certs"
    empty.mkdir()

    def set_store(path: Path) -> None:
        monkeypatch.setenv("SSL_CERT_FILE", str(path))
        monkeypatch.setenv("SSL_CERT_DIR", str(empty))
        monkeypatch.setattr(trust, "_LINUX_BUNDLES", ())

    yield set_store


def _files(folder: Path, count: int) -> list[Path]:
    """A file large enough to be streamed through requests, then ``count`` small ones, sent from memory
    straight into requests' pool: each way had its own trust before."""
    folder.mkdir()
    large = folder / f"{folder.name}-large.bin"
    large.write_bytes(b"L" * (SMALL_BODY + 1))
    paths = [folder / f"{folder.name}{i}.bin" for i in range(count)]
    for i, path in enumerate(paths):
        path.write_bytes(bytes([i]) * 16 * KiB)
    return [large, *paths]


def test_an_authority_installed_on_this_computer_is_trusted(
        tmp_path: Path, seaweed: Any, bucket: str, storage_link: WanProxy, wan_tls: TlsIdentity,
        computer_trusts: Any, reference_endpoint_factory: Any, wan_factory: Any, memory_keyring: Any) -> None:
    """A company that inspects TLS installs its root on its computers; the app trusts what they trust. Before,
    it depended on the way a connection was opened: a file streamed through requests was checked against
    certifi's list alone and failed ("self-signed certificate in certificate chain"), as did every call
    through a proxy from the environment, while small files sent straight into the pool went through."""
    computer_trusts(wan_tls.ca_path)
    endpoint = reference_endpoint_factory(s3_endpoint_url=storage_link.url)
    service_link: WanProxy = wan_factory("127.0.0.1", endpoint.running.port, name="endpoint")
    local = Profile(name="loc", kind="local", bucket=bucket, region="us-east-1", s3_endpoint_url=storage_link.url,
                    addressing_style="path")
    store_credentials("loc", seaweed.admin)
    engine, events = make_engine(tmp_path / "q.db", [endpoint_profile(service_link.url + "/sign"), local],
                                 settings=EngineSettings(concurrency=3, retry=FAST_RETRY))
    try:
        through_service = [*run_all(engine, _files(tmp_path / "service", 0), "ep"),
                           *run_all(engine, _files(tmp_path / "more", 3), "ep")]
        signed_here = run_all(engine, _files(tmp_path / "here", 3), "loc")
    finally:
        close_engine(engine)
    assert [j.state for j in through_service + signed_here] == [JobState.DONE] * 9
    assert not events.of(EventKind.FAILED)
    assert service_link.stats().accepted >= 1 and storage_link.stats().accepted >= 2


def test_new_connections_share_one_context(seaweed: Any, storage_link: WanProxy, wan_tls: TlsIdentity,
                                           computer_trusts: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every new verified connection, through requests or straight from its pool, uses the one context: the
    store is read once, not (as urllib3 does by itself) once per connection."""
    computer_trusts(wan_tls.ca_path)
    loads: list[object] = []
    load = trust._load
    monkeypatch.setattr(trust, "_load", lambda verify: loads.append(verify) or load(verify))
    trust._contexts.clear()
    url = storage_link.url + "/"
    with make_session() as session:
        sockets = []
        for _ in range(3):
            session.get(url, timeout=10).close()
            pool = direct_pool(session, url)
            assert pool is not None
            conn = pool._get_conn()
            sockets.append(conn.sock)
            pool._put_conn(conn)  # closed with the pool, next line
            session.get_adapter(url).poolmanager.clear()  # the next request opens a new connection
            session.get_adapter(url).direct_pools.clear()
        direct = direct_pool(session, url)
        assert direct is not None
        direct.urlopen("GET", "/", timeout=10, retries=False).release_conn()
        conn = direct._get_conn()
        sockets.append(conn.sock)
        direct._put_conn(conn)
    assert len({id(sock) for sock in sockets}) == 4 and all(sock is not None for sock in sockets)
    assert {id(sock.context) for sock in sockets} == {id(trust.trusted_context(True))}
    assert loads == [True]
    assert storage_link.stats().accepted >= 4


def test_the_shared_context_is_not_changed_by_the_connections_made_with_it(
        seaweed: Any, storage_link: WanProxy, wan_tls: TlsIdentity, computer_trusts: Any,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """urllib3 sets the ALPN list of the context again for every new connection; on a context that other
    threads open connections with, OpenSSL may free the list one of them is copying (CPython issue 141012).
    It is set once, when the context is made."""
    computer_trusts(wan_tls.ca_path)
    trust._contexts.clear()
    set_alpn = ssl.SSLContext.set_alpn_protocols
    calls: list[object] = []

    def counted(context: ssl.SSLContext, protocols: Any) -> None:
        calls.append(protocols)
        set_alpn(context, protocols)

    monkeypatch.setattr(ssl.SSLContext, "set_alpn_protocols", counted)
    url = storage_link.url + "/"
    with make_session() as session:
        for _ in range(3):
            session.get(url, timeout=10).close()
            session.get_adapter(url).poolmanager.clear()  # the next request opens a new connection
            session.get_adapter(url).direct_pools.clear()
    assert storage_link.stats().accepted >= 3
    assert calls == [("http/1.1",)]


def test_a_bundle_the_user_names_replaces_this_computers_authorities(
        storage_link: WanProxy, wan_tls: TlsIdentity, computer_trusts: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    computer_trusts(wan_tls.ca_path)
    url = storage_link.url + "/"
    with make_session() as session:
        assert session.get(url, timeout=10).status_code in (200, 400, 403)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", certifi.where())  # the public authorities only
    with make_session() as session, pytest.raises(requests.exceptions.SSLError, match="self-signed"):
        session.get(url, timeout=10)


def test_a_bundle_changed_while_the_app_runs_is_read_at_the_next_connection(
        tmp_path: Path, storage_link: WanProxy, wan_tls: TlsIdentity, no_named_bundle: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """A kiosk runs for weeks: the root an admin adds to the bundle counts without a restart."""
    bundle = tmp_path / "company-roots.pem"
    bundle.write_bytes(Path(certifi.where()).read_bytes())
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(bundle))
    url = storage_link.url + "/"
    with make_session() as session:
        with pytest.raises(requests.exceptions.SSLError):
            session.get(url, timeout=10)
        bundle.write_bytes(bundle.read_bytes() + b"\n" + wan_tls.ca_path.read_bytes())
        assert session.get(url, timeout=10).status_code in (200, 400, 403)


def test_a_computer_without_a_store_trusts_the_public_authorities(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "none.pem"))
    monkeypatch.setenv("SSL_CERT_DIR", str(tmp_path))
    monkeypatch.setattr(trust, "_LINUX_BUNDLES", ())
    public = Path(certifi.where()).read_text(encoding="ascii").count("BEGIN CERTIFICATE")
    assert trust.trusted_context(True).cert_store_stats()["x509_ca"] == public > 100
