"""Presigned links from botocore's SigV4 query signer, without a client per link.

``client.generate_presigned_url`` runs the whole request pipeline (parameter validation, serialisation,
endpoint rules, event hooks) for every link: about 0.2–0.5 ms each, most of a small file's signing cost.
The signature itself is botocore's ``S3SigV4QueryAuth`` on a prepared ``AWSRequest``; the object's address
is the bucket's base address plus the key, encoded the way botocore's serialiser encodes it. The base address
and the signing scope come from botocore's own endpoint resolution (one link signed with the client) unless
the profile names the endpoint and the addressing style, which fix them outright.

Two readings of the address botocore would otherwise repeat for every link are made once per bucket: the Host
header it signs (botocore's own reading of the base address, passed in with each request, which botocore
then takes as given), and, for a PUT, what sending the link needs to know of it (protocol/links.SigningFacts),
taken from the request botocore signed instead of parsed back out of the finished link.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urlsplit

from botocore.auth import SIGV4_TIMESTAMP, S3SigV4QueryAuth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials, ReadOnlyCredentials
from botocore.utils import percent_encode

from desktop_uploader.core.clock import StorageClock, storage_time
from desktop_uploader.core.protocol.links import SigningFacts, parse_amz_date

_PROBE_KEY = "probe"


@dataclass(frozen=True)
class BucketAddress:
    """Where a bucket's objects live and how links for them are scoped: ``base`` + encoded key is an object."""

    base: str  # ends with "/"
    region: str
    service: str = "s3"

    def object_url(self, key: str) -> str:
        return self.base + encoded_key(key)

    def bucket_url(self) -> str:
        """The bucket itself (where it is listed): ``https://host/bucket`` or ``https://bucket.host/``."""
        return self.base.rstrip("/") if urlsplit(self.base).path.strip("/") else self.base


def encoded_key(key: str) -> str:
    """A key as it stands in an object's address: encoded the way botocore's serialiser encodes it."""
    return str(percent_encode(key, safe="/~"))


def fixed_address(endpoint_url: str, bucket: str, region: str, addressing_style: str) -> BucketAddress | None:
    """The bucket's address when the profile fixes it (its own endpoint and a path or virtual style); None when
    botocore's endpoint rules decide (AWS itself, or the automatic style)."""
    if not endpoint_url or addressing_style not in ("path", "virtual"):
        return None
    parts = urlsplit(endpoint_url)
    path = parts.path.rstrip("/")
    if addressing_style == "path":
        base = f"{parts.scheme}://{parts.netloc}{path}/{percent_encode(bucket, safe='~')}/"
    else:
        base = f"{parts.scheme}://{bucket}.{parts.netloc}{path}/"
    return BucketAddress(base=base, region=region or "us-east-1")


def address_from_link(url: str) -> BucketAddress:
    """The bucket's address and signing scope, read from a link botocore signed for the key ``probe``."""
    parts = urlsplit(url)
    if not parts.path.endswith("/" + _PROBE_KEY):
        raise ValueError("the link does not end with the probe key")
    scope = parse_qs(parts.query).get("X-Amz-Credential", [""])[0].split("/")
    if len(scope) != 5:
        raise ValueError("the link carries no SigV4 credential scope")
    base_path = parts.path[: -len(_PROBE_KEY)]
    return BucketAddress(base=f"{parts.scheme}://{parts.netloc}{base_path}", region=scope[2], service=scope[3])


def probe_link(presign: Callable[[str], str]) -> BucketAddress:
    """Ask botocore's endpoint rules where the bucket is, through ``presign(key)`` (a client's presigned PUT)."""
    return address_from_link(presign(_PROBE_KEY))


class LinkSigner:
    """Signs links for one bucket with fixed credentials; safe to share between threads."""

    def __init__(self, address: BucketAddress, credentials: Credentials, clock: StorageClock | None = None) -> None:
        self.address = address
        self.clock = clock or StorageClock()
        self._credentials = credentials.get_frozen_credentials()
        # Every link of the bucket goes to the same host: botocore's own value for it, worked out once.
        self._host: str = self._auth(60).headers_to_sign(AWSRequest(method="PUT", url=address.base))["host"]
        self._base_path = urlsplit(address.base).path

    def put(self, key: str, headers: Mapping[str, str], lifetime: int) -> str:
        """A presigned PUT for ``key`` whose signature covers exactly ``headers`` (and the host)."""
        return self.on_object("PUT", key, {}, headers, lifetime)

    def put_with_facts(self, key: str, headers: Mapping[str, str], lifetime: int,
                       offset: float | None = None) -> tuple[str, SigningFacts]:
        """put(), and what sending the link needs to know of it: what ``signing_facts(url)`` would read.
        ``offset``: the storage's time minus this computer's to sign with (default: the clock's)."""
        key_path = encoded_key(key)
        request = self._request("PUT", self.address.base + key_path, {}, headers)
        offset = self.clock.offset if offset is None else offset
        auth = self._auth(lifetime, offset)
        auth.add_auth(request)
        signed = tuple(auth.signed_headers(auth.headers_to_sign(request)).split(";"))
        signed_at = parse_amz_date(request.context["timestamp"])
        # On this computer's clock, as the link's users read it.
        expires = signed_at.timestamp() - offset + lifetime if signed_at is not None else None
        # The encoded key holds no '?' or '#': the link's path is the base's path and the key.
        return str(request.url), SigningFacts("v4", signed, {}, self._base_path + key_path, expires)

    def on_object(self, method: str, key: str, params: Mapping[str, str], headers: Mapping[str, str],
                  lifetime: int) -> str:
        """A presigned request on ``key`` with these query parameters (``uploads`` starts a multipart upload,
        ``uploadId`` and ``partNumber`` name a part), covering exactly ``headers`` (and the host)."""
        return self._signed(self._request(method, self.address.object_url(key), params, headers), lifetime)

    def list_bucket(self, params: Mapping[str, str], lifetime: int) -> str:
        """A presigned GET of the bucket with these query parameters (a ListObjectsV2 page, say)."""
        return self._signed(self._request("GET", self.address.bucket_url(), params, {}), lifetime)

    def _request(self, method: str, url: str, params: Mapping[str, str], headers: Mapping[str, str]) -> AWSRequest:
        # With the Host header given, botocore signs it as it is instead of reading it out of the address again.
        return AWSRequest(method=method, url=url, params=dict(params), headers={**headers, "host": self._host})

    def _auth(self, lifetime: int, offset: float | None = None) -> S3SigV4QueryAuth:
        # One auth object per link: it is cheap, and add_auth stamps the request with the current time.
        offset = self.clock.offset if offset is None else offset
        if offset:
            return _StorageTimeAuth(offset, self._credentials, self.address.service, self.address.region,
                                    expires=lifetime)
        return S3SigV4QueryAuth(self._credentials, self.address.service, self.address.region, expires=lifetime)

    def _signed(self, request: AWSRequest, lifetime: int) -> str:
        self._auth(lifetime).add_auth(request)
        return str(request.url)


class _StorageTimeAuth(S3SigV4QueryAuth):
    """botocore's query signer, stamping the request with the storage's time (core/clock.py) instead of this
    computer's: botocore's add_auth reads the clock itself, so its steps are taken here in the same order."""

    def __init__(self, offset: float, credentials: Credentials | ReadOnlyCredentials, service: str, region: str,
                 expires: int) -> None:
        super().__init__(credentials, service, region, expires=expires)
        self._offset = offset

    def add_auth(self, request: AWSRequest) -> None:
        request.context["timestamp"] = storage_time(self._offset).strftime(SIGV4_TIMESTAMP)
        steps: Any = self  # the two steps below are botocore's own, left out of its type stubs
        steps._modify_request_before_signing(request)
        string_to_sign = self.string_to_sign(request, self.canonical_request(request))
        steps._inject_signature_to_request(request, self.signature(string_to_sign, request))
