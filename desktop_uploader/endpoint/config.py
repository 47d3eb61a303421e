"""Endpoint settings, read from environment variables, and the S3 client built from them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

DEFAULT_EXPIRES = 900
MAX_EXPIRES = 604800  # SigV4 presigned links cannot outlive seven days
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024**3
MAX_KEY_BYTES = 1024
# The prefix must leave room for a generated "<uuid>/<filename>" tail under S3's 1024-byte key limit.
MAX_PREFIX_BYTES = 512
ADDRESSING_STYLES = ("auto", "path", "virtual")
CANNED_ACLS = (
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
)

_CONTENT_TYPE_PATTERN = re.compile(r"^(\*|\*/\*|[!#$%&'*+.^_`|~0-9a-z-]+/(\*|[!#$%&'*+.^_`|~0-9a-z-]+))$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")


class ConfigError(ValueError):
    """The endpoint's settings are missing or invalid. Messages name the setting, never a secret value."""


class S3Client(Protocol):
    """The part of a boto3 S3 client the endpoint uses (tests may pass a stubbed boto3 client)."""

    def generate_presigned_url(
        self,
        ClientMethod: str,
        Params: Mapping[str, Any] | None = ...,
        ExpiresIn: int = ...,
        HttpMethod: str | None = ...,
    ) -> str: ...

    def generate_presigned_post(
        self,
        Bucket: str,
        Key: str,
        Fields: Mapping[str, Any] | None = ...,
        Conditions: list[Any] | None = ...,
        ExpiresIn: int = ...,
    ) -> dict[str, Any]: ...

    def create_multipart_upload(self, **kwargs: Any) -> dict[str, Any]: ...

    def list_parts(self, **kwargs: Any) -> dict[str, Any]: ...

    def complete_multipart_upload(self, **kwargs: Any) -> dict[str, Any]: ...

    def abort_multipart_upload(self, **kwargs: Any) -> dict[str, Any]: ...

    def close(self) -> None: ...


@dataclass(frozen=True)
class EndpointConfig:
    """Everything the signing endpoint needs. Build it with :meth:`from_env` or directly (tests, embedding).

    ``access_key``/``secret_key`` exist for local runs and tests against an S3-compatible server; deployed
    endpoints leave them unset so boto3 uses its usual credential chain (the Lambda role, env, profile).
    """

    bucket: str
    key_prefix: str = ""
    allowed_content_types: tuple[str, ...] = ()
    expires: int = DEFAULT_EXPIRES
    acl: str | None = None
    shared_token: str | None = field(default=None, repr=False)
    s3_endpoint_url: str | None = None
    region: str | None = None
    addressing_style: str = "auto"
    allowed_origin: str = "*"
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES
    access_key: str | None = field(default=None, repr=False)
    secret_key: str | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        bucket = (self.bucket or "").strip()
        if not bucket:
            raise ConfigError("UPLOAD_BUCKET is not set: name the bucket that uploads go to.")
        if len(bucket) > 255 or any(ch in bucket for ch in "/ \t") or _CONTROL.search(bucket):
            raise ConfigError("UPLOAD_BUCKET is not a valid bucket name.")
        object.__setattr__(self, "bucket", bucket)

        prefix = self.key_prefix or ""
        if prefix.startswith("/"):
            raise ConfigError("UPLOAD_KEY_PREFIX must not start with '/': S3 keys have no leading slash.")
        if _CONTROL.search(prefix):
            raise ConfigError("UPLOAD_KEY_PREFIX contains control characters.")
        if ".." in prefix.split("/") or "." in prefix.split("/")[:-1]:
            raise ConfigError("UPLOAD_KEY_PREFIX must not contain '.' or '..' path segments.")
        if len(prefix.encode("utf-8")) > MAX_PREFIX_BYTES:
            raise ConfigError(f"UPLOAD_KEY_PREFIX is longer than {MAX_PREFIX_BYTES} bytes.")
        object.__setattr__(self, "key_prefix", prefix)

        types = tuple(t.strip().lower() for t in _as_iterable(self.allowed_content_types) if t.strip())
        for entry in types:
            if not _CONTENT_TYPE_PATTERN.match(entry):
                raise ConfigError(
                    f"ALLOWED_CONTENT_TYPES has an entry that is not a media type or 'type/*' pattern: {entry!r}."
                )
        object.__setattr__(self, "allowed_content_types", types)

        if isinstance(self.expires, bool) or not isinstance(self.expires, int):
            raise ConfigError("URL_EXPIRES must be a whole number of seconds.")
        if not 1 <= self.expires <= MAX_EXPIRES:
            raise ConfigError(f"URL_EXPIRES must be between 1 and {MAX_EXPIRES} seconds (seven days).")

        acl = self.acl or None
        if acl is not None and acl not in CANNED_ACLS:
            raise ConfigError(f"UPLOAD_ACL must be one of {', '.join(CANNED_ACLS)}.")
        object.__setattr__(self, "acl", acl)

        object.__setattr__(self, "shared_token", self.shared_token or None)

        endpoint = (self.s3_endpoint_url or "").strip() or None
        if endpoint is not None and not endpoint.lower().startswith(("http://", "https://")):
            raise ConfigError("S3_ENDPOINT_URL must start with http:// or https://.")
        object.__setattr__(self, "s3_endpoint_url", endpoint)
        object.__setattr__(self, "region", (self.region or "").strip() or None)

        style = (self.addressing_style or "auto").strip().lower()
        if style not in ADDRESSING_STYLES:
            raise ConfigError(f"S3_ADDRESSING_STYLE must be one of {', '.join(ADDRESSING_STYLES)}.")
        object.__setattr__(self, "addressing_style", style)

        origin = (self.allowed_origin or "*").strip() or "*"
        if _CONTROL.search(origin):
            raise ConfigError("ALLOWED_ORIGIN contains control characters.")
        object.__setattr__(self, "allowed_origin", origin)

        if isinstance(self.max_upload_bytes, bool) or not isinstance(self.max_upload_bytes, int):
            raise ConfigError("MAX_UPLOAD_BYTES must be a whole number of bytes.")
        if self.max_upload_bytes < 1:
            raise ConfigError("MAX_UPLOAD_BYTES must be at least 1.")

        if bool(self.access_key) != bool(self.secret_key):
            raise ConfigError("Give both an access key and a secret key, or neither.")

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> EndpointConfig:
        """Read the settings documented in :mod:`desktop_uploader.endpoint` from *env* (``os.environ``)."""

        def get(name: str) -> str:
            return (env.get(name) or "").strip()

        return cls(
            bucket=get("UPLOAD_BUCKET"),
            key_prefix=env.get("UPLOAD_KEY_PREFIX") or "",
            allowed_content_types=tuple(get("ALLOWED_CONTENT_TYPES").split(",")),
            expires=_int_setting(get("URL_EXPIRES"), "URL_EXPIRES", DEFAULT_EXPIRES),
            acl=get("UPLOAD_ACL") or None,
            shared_token=get("SHARED_TOKEN") or None,
            s3_endpoint_url=get("S3_ENDPOINT_URL") or None,
            region=get("S3_REGION") or get("AWS_REGION") or get("AWS_DEFAULT_REGION") or None,
            addressing_style=get("S3_ADDRESSING_STYLE") or "auto",
            allowed_origin=get("ALLOWED_ORIGIN") or "*",
            max_upload_bytes=_int_setting(get("MAX_UPLOAD_BYTES"), "MAX_UPLOAD_BYTES", DEFAULT_MAX_UPLOAD_BYTES),
        )

    def allowed_origins(self) -> tuple[str, ...]:
        return tuple(o.strip() for o in self.allowed_origin.split(",") if o.strip())

    def describe(self) -> dict[str, str]:
        """Non-secret facts, fit for a log line or a startup banner."""
        return {
            "bucket": self.bucket,
            "key_prefix": self.key_prefix or "(any)",
            "allowed_content_types": ",".join(self.allowed_content_types) or "(any)",
            "expires": str(self.expires),
            "acl": self.acl or "(none)",
            "token_required": "yes" if self.shared_token else "no",
            "s3_endpoint_url": self.s3_endpoint_url or "(AWS)",
            "region": self.region or "(default)",
            "addressing_style": self.addressing_style,
            "allowed_origin": self.allowed_origin,
            "max_upload_bytes": str(self.max_upload_bytes),
        }


def make_s3_client(config: EndpointConfig) -> S3Client:
    """A boto3 S3 client that signs with SigV4 in the configured region and addressing style."""
    import boto3
    from botocore.config import Config

    style = config.addressing_style
    if style == "auto" and config.s3_endpoint_url is None:
        # On AWS, botocore's "auto" signs links for the legacy global host (bucket.s3.amazonaws.com), which
        # redirects for buckets outside us-east-1 and breaks a signed PUT. Regional hosts avoid that;
        # dotted bucket names would not match S3's TLS certificate as virtual hosts, so they go path-style.
        style = "path" if "." in config.bucket else "virtual"
    # A private session: the default one is shared process-wide and not safe to create clients from
    # concurrently.
    session = boto3.session.Session(
        aws_access_key_id=config.access_key,
        aws_secret_access_key=config.secret_key,
        region_name=config.region,
    )
    client = session.client(
        "s3",
        endpoint_url=config.s3_endpoint_url,
        config=Config(
            signature_version="s3v4",
            s3=cast(Any, {"addressing_style": style}),
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=20,
        ),
    )
    return cast(S3Client, client)


def _int_setting(raw: str, name: str, default: int) -> int:
    if not raw:
        return default
    try:
        return int(raw, 10)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number.") from None


def _as_iterable(value: Iterable[str] | str) -> Iterable[str]:
    if isinstance(value, str):
        return value.split(",")
    return value
