"""The emulated WAN link: real S3 traffic through it, with TLS, delay, a rate cap and outages on demand.

Timing checks are lower bounds only (the link must add at least this much); a busy machine can only make
things slower, never faster, so they cannot fail by chance.
"""

from __future__ import annotations

import gc
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
import requests
from botocore.config import Config

from desktop_uploader.core.models import JobState
from desktop_uploader.devserver import SeaweedServer
from desktop_uploader.devserver.tls import TlsIdentity
from desktop_uploader.devserver.wan import MODE_OUTAGE, MODE_UP, WanError, WanProxy
from tests.core.helpers import close_engine, endpoint_profile, make_engine, run_all, states
from tests.plugins.wan import WanFactory


@pytest.fixture
def presign(seaweed: SeaweedServer) -> Iterator[Any]:
    """``presign(proxy, bucket, key, method="put_object")``: a link signed for the proxy's host."""
    clients: list[Any] = []

    def sign(proxy: WanProxy, bucket: str, key: str, method: str = "put_object") -> str:
        client = boto3.session.Session(
            aws_access_key_id=seaweed.admin.access_key, aws_secret_access_key=seaweed.admin.secret_key,
            region_name="us-east-1",
        ).client("s3", endpoint_url=proxy.url,
                 config=Config(signature_version="s3v4", s3={"addressing_style": "path"}))
        clients.append(client)
        url: str = client.generate_presigned_url(method, Params={"Bucket": bucket, "Key": key}, ExpiresIn=600)
        return url

    try:
        yield sign
    finally:
        for client in clients:
            client.close()


def _session(ca: Path | None) -> requests.Session:
    session = requests.Session()
    # The machine's REQUESTS_CA_BUNDLE would otherwise replace the CA chosen here.
    session.trust_env = False
    session.verify = str(ca) if ca is not None else True
    return session


def _stored(seaweed: SeaweedServer, bucket: str, key: str) -> bytes:
    body: bytes = seaweed.client().get_object(Bucket=bucket, Key=key)["Body"].read()
    return body


def _closed_by_peer(sock: socket.socket) -> bool:
    """True when the other end closed or reset the connection (rather than sending anything)."""
    sock.settimeout(10)
    try:
        return sock.recv(1) == b""
    except ConnectionResetError:
        return True


def _proxy_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name.endswith("-proxy") and t.is_alive()]


def test_presigned_put_through_the_tls_proxy_with_verified_tls(
    seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, wan_tls: TlsIdentity, presign: Any
) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port)
    assert proxy.url == f"https://127.0.0.1:{proxy.port}"
    url = presign(proxy, bucket, "through/wan.txt")
    with _session(wan_tls.ca_path) as http:
        response = http.put(url, data=b"over the emulated link")
    assert response.status_code == 200, response.text
    assert _stored(seaweed, bucket, "through/wan.txt") == b"over the emulated link"
    stats = proxy.stats()
    assert stats.accepted == 1
    assert stats.bytes_up > len(b"over the emulated link")  # the TLS records and the request head too
    assert stats.bytes_down > 0


def test_a_client_that_does_not_trust_the_ca_is_refused(
    seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, presign: Any
) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port)
    url = presign(proxy, bucket, "never.txt")
    with _session(None) as http, pytest.raises(requests.exceptions.SSLError):
        http.put(url, data=b"x", timeout=10)
    with pytest.raises(seaweed.client().exceptions.ClientError):
        seaweed.client().head_object(Bucket=bucket, Key="never.txt")


def test_the_certificate_names_the_loopback_host(wan_factory: WanFactory, wan_tls: TlsIdentity,
                                                 seaweed: SeaweedServer) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port)
    context = wan_tls.client_context()
    with socket.create_connection((proxy.host, proxy.port), timeout=10) as raw, \
            context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        assert tls.version() in ("TLSv1.2", "TLSv1.3")
    with socket.create_connection((proxy.host, proxy.port), timeout=10) as raw, \
            pytest.raises(ssl.SSLCertVerificationError):
        context.wrap_socket(raw, server_hostname="elsewhere.example")


def test_outage_cuts_open_connections_refuses_new_ones_and_restore_brings_the_link_back(
    seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, wan_tls: TlsIdentity, presign: Any
) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port)
    with _session(wan_tls.ca_path) as http:
        assert http.put(presign(proxy, bucket, "before.txt"), data=b"1").status_code == 200
        proxy.wait_for(lambda s: s.open == 1)  # the session keeps its connection open

        proxy.outage()
        assert proxy.mode == MODE_OUTAGE
        stats = proxy.wait_for(lambda s: s.open == 0)
        assert stats.cut == 1
        with pytest.raises(requests.exceptions.ConnectionError):
            http.put(presign(proxy, bucket, "during.txt"), data=b"2", timeout=10)
        with _session(wan_tls.ca_path) as fresh, pytest.raises(requests.exceptions.ConnectionError):
            fresh.put(presign(proxy, bucket, "during.txt"), data=b"2", timeout=10)
        assert proxy.stats().refused >= 1

        proxy.restore()
        assert proxy.mode == MODE_UP
        assert http.put(presign(proxy, bucket, "after.txt"), data=b"3", timeout=10).status_code == 200
    assert _stored(seaweed, bucket, "after.txt") == b"3"
    with pytest.raises(seaweed.client().exceptions.ClientError):
        seaweed.client().head_object(Bucket=bucket, Key="during.txt")


def test_outage_resets_a_raw_connection(seaweed: SeaweedServer, wan_factory: WanFactory) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port, tls=False)
    proxy.outage()
    with socket.create_connection((proxy.host, proxy.port), timeout=10) as sock:
        proxy.wait_for(lambda s: s.refused == 1)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        assert _closed_by_peer(sock)
    assert proxy.stats().bytes_up == 0


def test_blackhole_stalls_until_a_read_timeout_and_restore_lets_held_bytes_through(
    seaweed: SeaweedServer, wan_factory: WanFactory
) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port, tls=False)
    proxy.blackhole()
    with pytest.raises(requests.exceptions.ReadTimeout), _session(None) as http:
        http.get(proxy.url + "/", timeout=(5, 0.5))
    assert proxy.stats().stalled == 1
    assert proxy.stats().bytes_up == 0

    with socket.create_connection((proxy.host, proxy.port), timeout=10) as sock:
        sock.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        sock.settimeout(0.3)
        with pytest.raises(TimeoutError):
            sock.recv(1)
        proxy.restore()
        sock.settimeout(10)
        assert sock.recv(12).startswith(b"HTTP/1.1")


def test_blackhole_stalls_a_tls_handshake(seaweed: SeaweedServer, wan_factory: WanFactory,
                                          wan_tls: TlsIdentity) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port)
    proxy.blackhole()
    with socket.create_connection((proxy.host, proxy.port), timeout=10) as raw:
        raw.settimeout(0.5)
        with pytest.raises(TimeoutError):
            wan_tls.client_context().wrap_socket(raw, server_hostname="127.0.0.1")


def test_delay_is_at_least_the_round_trip(seaweed: SeaweedServer, wan_factory: WanFactory) -> None:
    rtt = 0.3
    proxy = wan_factory("127.0.0.1", seaweed.port, rtt_ms=rtt * 1000, tls=False)
    with _session(None) as http:
        start = time.perf_counter()
        http.get(proxy.url + "/", timeout=30)
        first = time.perf_counter() - start
        start = time.perf_counter()
        http.get(proxy.url + "/", timeout=30)
        reused = time.perf_counter() - start
    # A new connection also pays for its handshake: at least two round trips.
    assert first >= 2 * rtt
    assert reused >= rtt


def test_rate_cap_holds_a_transfer_to_the_link_speed(
    seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, presign: Any
) -> None:
    rate_bps = 8_000_000  # 1 MB/s
    size = 1024 * 1024
    proxy = wan_factory("127.0.0.1", seaweed.port, rate_bps=rate_bps, tls=False)
    body = os.urandom(size)
    with _session(None) as http:
        start = time.perf_counter()
        response = http.put(presign(proxy, bucket, "capped.bin"), data=body, timeout=60)
        elapsed = time.perf_counter() - start
    assert response.status_code == 200
    assert elapsed >= size / (rate_bps / 8) * 0.8
    assert proxy.stats().bytes_up >= size
    assert _stored(seaweed, bucket, "capped.bin") == body


def test_the_rate_is_shared_by_all_connections(
    seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, presign: Any
) -> None:
    rate_bps = 8_000_000
    size = 512 * 1024
    proxy = wan_factory("127.0.0.1", seaweed.port, rate_bps=rate_bps, tls=False)
    urls = [presign(proxy, bucket, f"shared-{i}.bin") for i in range(2)]
    statuses: list[int] = []

    def put(url: str) -> None:
        with _session(None) as http:
            statuses.append(http.put(url, data=os.urandom(size), timeout=60).status_code)

    start = time.perf_counter()
    threads = [threading.Thread(target=put, args=(url,)) for url in urls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    elapsed = time.perf_counter() - start
    assert statuses == [200, 200]
    assert elapsed >= 2 * size / (rate_bps / 8) * 0.8


def test_drip_squeezes_the_link(seaweed: SeaweedServer, wan_factory: WanFactory) -> None:
    proxy = wan_factory("127.0.0.1", seaweed.port, tls=False)
    proxy.drip(2000)
    request = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: " + b"p" * 2000 + b"\r\nConnection: close\r\n\r\n"
    with socket.create_connection((proxy.host, proxy.port), timeout=30) as sock:
        start = time.perf_counter()
        sock.sendall(request)
        assert sock.recv(12).startswith(b"HTTP/1.1")
        elapsed = time.perf_counter() - start
    assert elapsed >= len(request) / 2000 * 0.8
    proxy.restore()
    with _session(None) as http:
        assert http.get(proxy.url + "/", timeout=10).status_code in (200, 403)


def test_stop_ends_the_thread_and_the_listener(seaweed: SeaweedServer) -> None:
    before = len(_proxy_threads())
    with WanProxy("127.0.0.1", seaweed.port, name="stopping", tls=True) as proxy:
        port = proxy.port
        ca = proxy.ca_path
        assert ca is not None and ca.is_file()
        proxy.blackhole()
        held = socket.create_connection((proxy.host, port), timeout=10)
        proxy.wait_for(lambda s: s.open == 1)
        assert len(_proxy_threads()) == before + 1
    with held:
        assert _closed_by_peer(held)
    assert len(_proxy_threads()) == before
    assert not ca.exists()  # the proxy made its own CA, and removed it
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=10).close()
    proxy.stop()  # a second stop is harmless
    with pytest.raises(WanError):
        proxy.outage()


def test_invalid_settings_are_refused() -> None:
    with pytest.raises(ValueError, match="rtt_ms"):
        WanProxy("127.0.0.1", 9, rtt_ms=-1)
    with pytest.raises(ValueError, match="rate_bps"):
        WanProxy("127.0.0.1", 9, rate_bps=0)


@pytest.mark.parametrize("protocol", ["simple", "companion"])
def test_the_app_uploads_through_a_far_endpoint_and_a_far_s3(
    tmp_path: Path, seaweed: SeaweedServer, bucket: str, wan_factory: WanFactory, wan_ca_env: dict[str, str],
    reference_endpoint_factory: Any, protocol: str,
) -> None:
    # The set-up of the WAN benchmark: links signed for the S3 proxy, the endpoint behind one of its own.
    s3_link = wan_factory("127.0.0.1", seaweed.port, rtt_ms=40, name="s3")
    endpoint = reference_endpoint_factory(s3_endpoint_url=s3_link.url)
    endpoint_link = wan_factory("127.0.0.1", endpoint.running.port, rtt_ms=40, name="endpoint")
    folder = tmp_path / "field"
    folder.mkdir()
    sizes = {f"photo-{i}.jpg": 20_000 + i for i in range(3)}
    if protocol == "companion":
        # Multipart: the endpoint's own S3 calls (create, complete) cross the S3 link and trust its CA too.
        sizes["survey.bin"] = 65 * 1024 * 1024
    for name, size in sizes.items():
        (folder / name).write_bytes(os.urandom(size))
    url = endpoint_link.url + ("/sign" if protocol == "simple" else "")
    engine, _ = make_engine(tmp_path / "q.db", [endpoint_profile(url, protocol=protocol)])
    try:
        jobs = run_all(engine, [folder], "ep", timeout=120)
    finally:
        close_engine(engine)
    assert states(jobs) == dict.fromkeys(sizes, JobState.DONE)
    stored = {obj["Key"].rpartition("/")[2]: obj["Size"]
              for obj in seaweed.client().list_objects_v2(Bucket=bucket).get("Contents", [])}
    assert stored == sizes
    assert endpoint_link.stats().accepted >= 1
    assert s3_link.stats().bytes_up >= sum(sizes.values())


def test_stopping_right_after_clients_connect_leaves_no_socket_open(seaweed: SeaweedServer,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    """A client that connects as the proxy stops (an engine retrying, a test ending) must not leave a socket
    for the garbage collector: in a test run its warning would fail whichever test happens to be running."""
    left_open: list[str] = []
    monkeypatch.setattr(sys, "unraisablehook", lambda unraisable: left_open.append(repr(unraisable.exc_value)))
    for round_ in range(60):
        proxy = WanProxy("127.0.0.1", seaweed.port).start()
        clients = [socket.create_connection((proxy.host, proxy.port), timeout=10) for _ in range(1 + round_ % 3)]
        clients[-1].sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
        proxy.stop()
        for client in clients:
            client.close()
    gc.collect()
    assert left_open == []
