"""Links to uploaded files, to share or open: the public address where the object was made public, otherwise
a time-limited download link where the destination can sign one, otherwise the object's plain address.

The address comes from the link the file was sent to (a PUT link names its object), so it is known for a
signing service's uploads too; for access keys on this computer it can also be worked out from the bucket.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

import requests

from desktop_uploader.core.config import KIND_LOCAL, Profile
from desktop_uploader.core.failure import UploadError
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import GetSigner

SHARE_SECONDS = 24 * 3600  # how long a download link works
PUBLIC_ACLS = ("public-read", "public-read-write")

PUBLIC = "public"  # anyone with the address can open it
SIGNED = "signed"  # a download link that works for a while, for anyone who has it
ADDRESS = "address"  # the plain address: it opens only for those allowed to read the bucket


@dataclass(frozen=True)
class SharedLink:
    url: str
    kind: str  # PUBLIC, SIGNED or ADDRESS
    expires_in: int = 0  # seconds, for SIGNED


def made_public(profile: Profile) -> bool:
    acl = profile.acl or profile.signed_header_values.get("x-amz-acl", "")
    return acl in PUBLIC_ACLS


def object_address(profile: Profile | None, key: str, sent_to: str = "") -> str | None:
    """Where the object is: as its upload link named it, else worked out from a local-signing destination's
    bucket; None when neither is known (a signing service's upload from before addresses were kept)."""
    if sent_to:
        return sent_to
    if profile is None or profile.kind != KIND_LOCAL or not profile.bucket:
        return None
    quoted = quote(key, safe="/~")
    if profile.s3_endpoint_url:
        parts = urlsplit(profile.s3_endpoint_url.rstrip("/"))
        if profile.addressing_style == "virtual":
            return f"{parts.scheme}://{profile.bucket}.{parts.netloc}{parts.path}/{quoted}"
        return f"{parts.scheme}://{parts.netloc}{parts.path}/{profile.bucket}/{quoted}"
    if profile.addressing_style == "path" or "." in profile.bucket:
        return f"https://s3.{profile.region}.amazonaws.com/{profile.bucket}/{quoted}"
    return f"https://{profile.bucket}.s3.{profile.region}.amazonaws.com/{quoted}"


def share_link(profile: Profile | None, key: str, sent_to: str = "", *, secrets: SecretStore | None = None,
               seconds: int = SHARE_SECONDS) -> SharedLink | None:
    """The best link to an uploaded object for people to open; None when no address is known. May talk to the
    keychain: call it off the GUI thread."""
    address = object_address(profile, key, sent_to)
    if address is None or profile is None:
        return SharedLink(address, ADDRESS) if address else None
    if made_public(profile):
        return SharedLink(address, PUBLIC)
    if profile.kind == KIND_LOCAL:
        from desktop_uploader.core.factory import make_signer

        session = requests.Session()
        try:
            signer = make_signer(profile, session, secrets or SecretStore())
            if isinstance(signer, GetSigner):
                try:
                    return SharedLink(signer.sign_get(key, seconds), SIGNED, seconds)
                finally:
                    signer.close()
        except UploadError:  # no keys stored: the plain address is still worth having
            pass
        finally:
            session.close()
    return SharedLink(address, ADDRESS)
