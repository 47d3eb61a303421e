"""Endpoint settings, read from environment variables, and the S3 client built from them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Any, Protocol, cast

if TYPE_CHECKING:
    from .auth import Authenticator

DEFAULT_EXPIRES = 900
MAX_EXPIRES = 604800  # SigV4 presigned links cannot outlive seven days
DEFAULT_MAX_UPLOAD_BYTES = 5 * 1024**3
MAX_KEY_BYTES = 1024
# The prefix must leave room for a generated "<uuid>/<filename>" tail under S3's 1024-byte key limit.
MAX_PREFIX_BYTES = 512
DEFAULT_STATUS_PREFIX = "_devices/"
DEFAULT_SECRET_TTL = 60
NO_ORIGIN = "none"  # ALLOWED_ORIGIN value for "no browser may call this endpoint"
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
    status_prefix: str = DEFAULT_STATUS_PREFIX
    no_overwrite: bool = False
    device_table_file: str | None = None
    device_table_secret: str | None = None
    shared_token_secret: str | None = None
    secret_ttl: int = DEFAULT_SECRET_TTL
    # A Secrets Manager client to use instead of building one (tests, embedding).
    secrets_client: Any = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        bucket = (self.bucket or "").strip()
        if not bucket:
            raise ConfigError("UPLOAD_BUCKET is not set: name the bucket that uploads go to.")
        if len(bucket) > 255 or any(ch in bucket for ch in "/ \t") or _CONTROL.search(bucket):
            raise ConfigError("UPLOAD_BUCKET is not a valid bucket name.")
        object.__setattr__(self, "bucket", bucket)

        object.__setattr__(self, "key_prefix", _folder(self.key_prefix, "UPLOAD_KEY_PREFIX"))
        object.__setattr__(self, "status_prefix", _folder(self.status_prefix, "STATUS_PREFIX"))

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

        if self.device_table_file and self.device_table_secret:
            raise ConfigError("Set DEVICE_TABLE_FILE or DEVICE_TABLE_SECRET, not both.")
        if self.shared_token and self.shared_token_secret:
            raise ConfigError("Set SHARED_TOKEN or SHARED_TOKEN_SECRET, not both.")
        ttl = self.secret_ttl
        if isinstance(ttl, bool) or not isinstance(ttl, int) or not 0 <= ttl <= 3600:
            raise ConfigError("SECRET_TTL must be a whole number of seconds from 0 to 3600.")

    @cached_property
    def authenticator(self) -> Authenticator:
        """Checks tokens against this configuration's sources; one per configuration, so caches last."""
        from .auth import Authenticator

        return Authenticator(self)

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
            status_prefix=env["STATUS_PREFIX"].strip() if "STATUS_PREFIX" in env else DEFAULT_STATUS_PREFIX,
            no_overwrite=_bool_setting(get("NO_OVERWRITE"), "NO_OVERWRITE"),
            device_table_file=get("DEVICE_TABLE_FILE") or None,
            device_table_secret=get("DEVICE_TABLE_SECRET") or None,
            shared_token_secret=get("SHARED_TOKEN_SECRET") or None,
            secret_ttl=_int_setting(get("SECRET_TTL"), "SECRET_TTL", DEFAULT_SECRET_TTL),
        )

    def allowed_origins(self) -> tuple[str, ...]:
        """The origins browsers may call from; empty for ``none``."""
        return tuple(o.strip() for o in self.allowed_origin.split(",") if o.strip() and o.strip() != NO_ORIGIN)

    @property
    def token_required(self) -> bool:
        return bool(self.shared_token or self.shared_token_secret or self.device_table_file
                    or self.device_table_secret)

    def describe(self) -> dict[str, str]:
        """Non-secret facts, fit for a log line or a startup banner."""
        return {
            "bucket": self.bucket,
            "key_prefix": self.key_prefix or "(any)",
            "allowed_content_types": ",".join(self.allowed_content_types) or "(any)",
            "expires": str(self.expires),
            "acl": self.acl or "(none)",
            "token_required": "yes" if self.token_required else "no",
            "device_table": self.device_table_file or self.device_table_secret or "(none)",
            "status_prefix": self.status_prefix or "(no status objects)",
            "no_overwrite": "yes" if self.no_overwrite else "no",
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

    from . import links

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
    links.attach(client, session.get_credentials())
    return cast(S3Client, client)


def _folder(value: str | None, name: str) -> str:
    """A key prefix as a folder: empty, or ending in '/'. Without the boundary "uploads" would also allow
    "uploads-admin/...", so a prefix given without one gets it."""
    prefix = value or ""
    if prefix.startswith("/"):
        raise ConfigError(f"{name} must not start with '/': S3 keys have no leading slash.")
    if _CONTROL.search(prefix):
        raise ConfigError(f"{name} contains control characters.")
    if prefix and not prefix.endswith("/"):
        prefix += "/"
    if ".." in prefix.split("/") or "." in prefix.split("/"):
        raise ConfigError(f"{name} must not contain '.' or '..' path segments.")
    if len(prefix.encode("utf-8")) > MAX_PREFIX_BYTES:
        raise ConfigError(f"{name} is longer than {MAX_PREFIX_BYTES} bytes.")
    return prefix


def _bool_setting(raw: str, name: str) -> bool:
    value = raw.strip().lower()
    if value in ("", "0", "false", "no", "off"):
        return False
    if value in ("1", "true", "yes", "on"):
        return True
    raise ConfigError(f"{name} must be true or false.")


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
