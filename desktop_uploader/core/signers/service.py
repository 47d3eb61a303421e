"""How a destination is named in the queue's records: by what it is, not by the profile that points at it.

A profile may be renamed or pointed elsewhere; what the app learnt of a destination (where its links point,
which checksums its storage checks) belongs to the destination. A signing service is known by its origin and
protocol, a bucket signed for here by its bucket, region and storage address; the profile alone tells either,
so the run's first connections can be opened before any signer exists (core/warmup.py).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from urllib.parse import urlsplit

from desktop_uploader.core.config import KIND_LOCAL, PROTOCOL_COMPANION, Profile


def describe_service(profile: Profile) -> dict[str, str]:
    """A signing service's non-secret description, as its signer gives it (Signer.describe)."""
    parts = urlsplit(profile.endpoint_url)
    signer = "companion" if profile.protocol == PROTOCOL_COMPANION else "endpoint"
    return {"signer": signer, "endpoint": f"{parts.scheme}://{parts.netloc}", "protocol": profile.protocol}


def describe_local(profile: Profile) -> dict[str, str]:
    """A bucket signed for here, described as its signer describes it (Signer.describe)."""
    return {"signer": "local", "bucket": profile.bucket, "region": profile.region,
            "s3_endpoint_url": profile.s3_endpoint_url or "(AWS)"}


def describe_destination(profile: Profile) -> dict[str, str]:
    """Where ``profile``'s files go, described as its signer will describe it."""
    return describe_local(profile) if profile.kind == KIND_LOCAL else describe_service(profile)


def destination_name(description: Mapping[str, str]) -> str:
    """The stable name of the destination a signer describes."""
    return json.dumps(dict(description), sort_keys=True)
