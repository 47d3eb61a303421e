"""PUT links signed one level below the boto3 client: half the endpoint's work per link.

``generate_presigned_url`` runs botocore's whole request pipeline for every link (parameter validation,
serialisation, endpoint rules, event hooks); the signature itself is a small part of it. A batch of 100
links is where that shows: on a Lambda billed by the millisecond, and for a client waiting on the answer.

So a client built by :func:`~.config.make_s3_client` gets a :class:`PutLinkSigner`. It asks the client for one
link per bucket (the key ``probe``) to learn where the bucket's objects live and how links for it are scoped,
as botocore's endpoint rules decide; after that each link is botocore's ``S3SigV4QueryAuth`` on an
``AWSRequest`` for that address plus the key, encoded as botocore's serialiser encodes it. Credentials are read
from the session for each link, so role credentials that refresh keep working. Clients that come from
elsewhere (tests, embedding) have no such signer and sign through ``generate_presigned_url``.

This lives in the endpoint package, which is deployed on its own: it imports nothing of the app.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

_PROBE_KEY = "probe"


class PutLinkSigner:
    """Presigned PUT links for one boto3 S3 client; safe to share between threads."""

    def __init__(self, client: Any, credentials: Any) -> None:
        self._client = weakref.ref(client)
        self._credentials = credentials  # botocore Credentials (or RefreshableCredentials)
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[str, str, str]] = {}  # bucket -> (base address, region, service)

    def put(self, bucket: str, key: str, headers: Mapping[str, str], expires: int) -> str:
        """A link for ``PUT key`` whose signature covers exactly ``headers`` (and the host)."""
        from botocore.auth import S3SigV4QueryAuth
        from botocore.awsrequest import AWSRequest
        from botocore.utils import percent_encode

        base, region, service = self._scope(bucket)
        request = AWSRequest(method="PUT", url=base + str(percent_encode(key, safe="/~")), headers=dict(headers))
        S3SigV4QueryAuth(self._credentials.get_frozen_credentials(), service, region, expires=expires).add_auth(
            request
        )
        return str(request.url)

    def _scope(self, bucket: str) -> tuple[str, str, str]:
        with self._lock:
            known = self._buckets.get(bucket)
        if known is not None:
            return known
        client = self._client()
        if client is None:
            raise RuntimeError("the S3 client this signer belongs to is gone")
        probe = str(client.generate_presigned_url(
            "put_object", Params={"Bucket": bucket, "Key": _PROBE_KEY}, ExpiresIn=60, HttpMethod="PUT"
        ))
        parts = urlsplit(probe)
        scope = parse_qs(parts.query).get("X-Amz-Credential", [""])[0].split("/")
        if not parts.path.endswith("/" + _PROBE_KEY) or len(scope) != 5:
            raise ValueError("botocore signed the probe link in an unexpected form")
        known = (f"{parts.scheme}://{parts.netloc}{parts.path[: -len(_PROBE_KEY)]}", scope[2], scope[3])
        with self._lock:
            self._buckets[bucket] = known
        return known


_SIGNERS: weakref.WeakKeyDictionary[Any, PutLinkSigner] = weakref.WeakKeyDictionary()


def attach(client: Any, credentials: Any) -> None:
    """Give ``client`` (made by make_s3_client) a quicker way to sign PUT links; no credentials, no signer
    (signing through the client then says why it cannot sign)."""
    if credentials is not None:
        _SIGNERS[client] = PutLinkSigner(client, credentials)


def signer_for(client: Any) -> PutLinkSigner | None:
    try:
        return _SIGNERS.get(client)
    except TypeError:  # not weakly referenceable: not one of ours
        return None
