"""Published real-world answers (tests/core/explain/responses/, sources in SOURCES.md) through the CLI.

Each file goes through ``desktop-uploader explain FILE --url LINK --json`` in-process; the test checks who the
explanation says answered and which refusal it names.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from desktop_uploader.cli.main import main
from tests.core.explain.builders import ALL_SECRETS, v4_url

RESPONSES = Path(__file__).with_name("responses")
S3 = v4_url()
APIGW = v4_url(host="abc123.execute-api.eu-west-1.amazonaws.com", path="/prod/upload/cat.jpg")
CDN_HOST = v4_url(host="d111111abcdef8.cloudfront.net")
MINIO = v4_url(host="minio.example.org", path="/field-data/photos/cat.jpg")
R2 = v4_url(host="0123456789abcdef.r2.cloudflarestorage.com", path="/field-data/photos/cat.jpg", region="auto",
            extra={"partNumber": "2", "uploadId": "AJ1CTqPx"})
B2 = v4_url(host="s3.eu-central-003.backblazeb2.com", path="/field-data/photos/cat.jpg", region="eu-central-003")
GCS = v4_url(host="storage.googleapis.com", path="/field-data/photos/cat.jpg")

# file, link, extra arguments, expected entry, expected responder id, expected "fixed_by"
CASES = [
    ("cloudfront-403-method.http", CDN_HOST, [], "CDN.method", "cloudfront", "proxy_admin"),
    ("cloudfront-s3-405-post.http", CDN_HOST, ["--method", "POST"], "MethodNotAllowed.method", "aws_s3",
     "signing_admin"),
    ("cloudflare-413.http", S3, [], "CDN.too_large", "cloudflare", "proxy_admin"),
    ("nginx-413.http", MINIO, [], "Proxy.too_large", "nginx", "proxy_admin"),
    ("nginx-ingress-413.http", MINIO, [], "Proxy.too_large", "nginx", "proxy_admin"),
    ("openresty-403.http", MINIO, [], "Proxy.forbidden", "openresty", "proxy_admin"),
    ("haproxy-403.http", MINIO, [], "Proxy.forbidden", "haproxy", "proxy_admin"),
    ("envoy-413.http", MINIO, [], "EntityTooLarge", "unknown", "storage_admin"),
    ("akamai-403.http", CDN_HOST, [], "CDN.forbidden", "akamai", "proxy_admin"),
    ("minio-507-storage-full.http", MINIO, [], "MinIO.storage_full", "minio", "storage_admin"),
    ("minio-400-bucket-quota.http", MINIO, [], "MinIO.quota", "minio", "storage_admin"),
    ("r2-400-part-sizes.http", R2, [], "R2.part_sizes", "r2", "app"),
    ("b2-400-unsupported-header.http", B2, [], "InvalidArgument.unsupported_header", "b2", "signing_admin"),
    ("b2-403-not-entitled.http", B2, [], "B2.not_entitled", "b2", "storage_admin"),
    ("b2-sigv2-refused.http", B2, [], "InvalidRequest.sigv4_required", "b2", "signing_admin"),
    ("gcs-400-expired.http", GCS, [], "AccessDenied.expired", "gcs", "app"),
    ("gcs-403-signature.http", GCS, [], "SignatureDoesNotMatch", "gcs", "signing_admin"),
    ("aws-400-object-lock.http", S3, [], "InvalidRequest.object_lock", "aws_s3", "signing_admin"),
    ("gateway-400-credentials-not-supported.http", MINIO, [], "CredentialsNotSupported", "storage", "proxy_admin"),
    ("squid-407.http", S3, [], "Network.proxy_auth", "squid", "network_admin"),
    ("captive-portal-511.http", S3, [], "Network.captive_portal", "portal", "user"),
    ("captive-portal-302.http", S3, [], "Network.captive_portal", "portal", "user"),
    ("apigateway-403-forbidden.http", APIGW, [], "APIGateway.forbidden", "api_gateway", "signing_admin"),
    ("apigateway-413-too-long.http", APIGW, [], "APIGateway.too_large", "api_gateway", "signing_admin"),
]


def test_every_recorded_response_is_tested_and_has_a_source() -> None:
    files = {p.name for p in RESPONSES.glob("*.http")}
    assert files == {case[0] for case in CASES}
    sources = (RESPONSES / "SOURCES.md").read_text(encoding="utf-8")
    for name in files:
        assert f"| {name} |" in sources, name


@pytest.mark.parametrize(("name", "url", "extra", "entry", "responder", "fixed_by"), CASES,
                         ids=[case[0] for case in CASES])
def test_recorded_response_names_who_answered_and_what_it_refused(
    name: str, url: str, extra: list[str], entry: str, responder: str, fixed_by: str,
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    code = main(["explain", str(RESPONSES / name), "--url", url, "--json", *extra])
    out = capsys.readouterr().out
    assert code == 0
    data = json.loads(out)
    assert data["code"] == entry
    assert data["details"]["responder"]["id"] == responder
    assert data["fixed_by"] == fixed_by
    assert "(not known)" not in data["summary"]
    for secret in ALL_SECRETS:
        assert secret not in out


def test_the_summary_names_the_product_that_answered(capsys: pytest.CaptureFixture[str],
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "en")
    main(["explain", str(RESPONSES / "cloudfront-403-method.http"), "--url", CDN_HOST, "--json"])
    data = json.loads(capsys.readouterr().out)
    assert data["summary"].startswith("The CloudFront service in front of the storage only allows downloads")
    assert "CDN distribution answered instead of the storage" in data["cause"]
    assert "X-Amz-Cf-Id" in data["cause"] or "x-amz-cf-id" in data["cause"]


def test_a_german_interface_gets_german_explanations(capsys: pytest.CaptureFixture[str],
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "de_DE")
    main(["explain", str(RESPONSES / "nginx-413.http"), "--url", MINIO])
    out = capsys.readouterr().out
    assert out.startswith("Der Server nginx vor dem Speicher lehnt so große Dateien ab.")
    assert "Wer es beheben kann: der Administrator des Proxys, CDN oder Gateways vor dem Speicher" in out
    assert "Geantwortet hat: nginx (ein Proxy vor dem Speicher)" in out
