"""The structured record of a failed attempt: what the explanation layer reads and what reports show.

Everything stored here is already redacted; a Failure may be written to the queue database and shown to
users as it is.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from desktop_uploader.core.redact import redact_headers, redact_text, redact_url
from desktop_uploader.core.scrub import scrub_s3_fields, scrub_text

if TYPE_CHECKING:
    from desktop_uploader.core.models import SignedRequest

# Local failure codes (S3's own codes are used as they come).
FILE_VANISHED = "FileVanished"
FILE_UNREADABLE = "FileUnreadable"
FILE_CHANGED = "FileChangedDuringUpload"
NETWORK_ERROR = "NetworkError"
CONNECTION_REFUSED = "ConnectionRefused"
DNS_FAILURE = "NameResolutionFailed"
TLS_ERROR = "TLSVerificationFailed"
TIMEOUT = "Timeout"
CONNECTION_RESET = "ConnectionReset"
PROXY_UNREACHABLE = "ProxyUnreachable"  # the proxy a connection must go through: refused, not found, silent
PROXY_AUTH = "ProxyAuthenticationRequired"  # the proxy wants credentials before it opens a tunnel
ENDPOINT_UNREACHABLE = "EndpointUnreachable"
ENDPOINT_ERROR = "EndpointError"
ENDPOINT_BAD_RESPONSE = "EndpointBadResponse"
ENDPOINT_HTML = "EndpointReturnedHTML"
ENDPOINT_NO_URL = "EndpointMissingURL"
ENDPOINT_BAD_URL = "EndpointBadURL"
ENDPOINT_WRONG_KEY = "EndpointSignedWrongKey"
ENDPOINT_REDIRECT = "EndpointRedirectRefused"
ENDPOINT_TOO_LARGE = "EndpointAnswerTooLarge"
SIGNED_HEADER_UNKNOWN = "SignedHeaderValueUnknown"
PROFILE_INVALID = "ProfileInvalid"
PROFILE_MISSING = "ProfileNotFound"
CREDENTIALS_MISSING = "CredentialsMissing"
KEYRING_UNAVAILABLE = "KeychainUnavailable"
INSECURE_URL = "InsecureURL"
NON_S3_RESPONSE = "UnexpectedResponse"
HTML_RESPONSE = "HTMLResponse"
ETAG_MISMATCH = "ChecksumMismatch"
TOO_LARGE = "FileTooLargeForSinglePut"
UNKNOWN = "UnknownError"
# The server could not be reached at all: the network's or the destination's state, never one file's.
UNREACHABLE_CODES = frozenset({NETWORK_ERROR, CONNECTION_REFUSED, DNS_FAILURE, TIMEOUT, CONNECTION_RESET,
                               PROXY_UNREACHABLE, PROXY_AUTH, ENDPOINT_UNREACHABLE})

# Where in the pipeline the failure happened.
STAGE_LOCAL = "local"  # reading the file, configuration
STAGE_SIGN = "sign"  # getting a link
STAGE_UPLOAD = "upload"  # sending bytes to storage
STAGE_VERIFY = "verify"  # checking what storage stored

MAX_BODY = 4096


@dataclass
class SentRequest:
    """The request as it went out, secrets removed."""

    method: str
    url: str
    headers: dict[str, str] = field(default_factory=dict)
    bytes_sent: int = 0

    @classmethod
    def build(cls, method: str, url: str, headers: dict[str, str], bytes_sent: int = 0) -> SentRequest:
        return cls(method, redact_url(url), redact_headers(headers), bytes_sent)


class PendingRequest:
    """A request about to go out, made into a :class:`SentRequest` (secrets removed) only when a failure
    needs one: redacting its address and headers cost a tenth of a signing call's client CPU, paid per file
    through a service that signs one file per call, and nearly every call succeeds."""

    __slots__ = ("_built", "_bytes_sent", "_headers", "_method", "_url")

    def __init__(self, method: str, url: str, headers: Mapping[str, str], bytes_sent: int = 0) -> None:
        self._method, self._url, self._headers, self._bytes_sent = method, url, headers, bytes_sent
        self._built: SentRequest | None = None

    def __call__(self) -> SentRequest:
        if self._built is None:
            self._built = SentRequest.build(self._method, self._url, dict(self._headers), self._bytes_sent)
        return self._built


@dataclass
class ReceivedResponse:
    status: int
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""

    @classmethod
    def build(cls, status: int, headers: dict[str, str], body: bytes | str) -> ReceivedResponse:
        text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        # The stricter pass: S3 echoes signatures, session tokens and canonical requests in its errors.
        return cls(status, redact_headers(dict(headers)), scrub_text(text[:MAX_BODY]))


@dataclass
class Failure:
    """One failed attempt, with all the evidence the explanation layer may use."""

    code: str
    message: str
    stage: str
    http_status: int | None = None
    retryable: bool = False
    # Fields of S3's XML <Error> (Code, Message, RequestId, HostId, Resource, Key, BucketName, ...).
    s3_error: dict[str, str] = field(default_factory=dict)
    request_id: str | None = None
    request: SentRequest | None = None
    response: ReceivedResponse | None = None
    signer: str | None = None  # "endpoint", "local", "companion"
    # The signed link as received (redacted) and what the app asked the signer for.
    signed_url: str | None = None
    asked: dict[str, str] = field(default_factory=dict)
    file_size: int | None = None
    file_mtime_ns: int | None = None
    local_time: float = field(default_factory=time.time)
    server_date: str | None = None  # the response's Date header
    retry_after: float | None = None
    # For failures to reach a server: the network-level code (DNS, refused, TLS, ...).
    network_error: str | None = None
    explanation: dict[str, Any] | None = None

    def __post_init__(self) -> None:
        self.message = redact_text(self.message)
        if self.signed_url:
            self.signed_url = redact_url(self.signed_url)
        self.s3_error = scrub_s3_fields(self.s3_error)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Failure:
        data = dict(data)
        if data.get("request"):
            data["request"] = SentRequest(**data["request"])
        if data.get("response"):
            data["response"] = ReceivedResponse(**data["response"])
        known = {f for f in cls.__dataclass_fields__}
        return cls(**{k: v for k, v in data.items() if k in known})


class UploadError(Exception):
    """Raised inside the engine to carry a Failure up to the job runner."""

    def __init__(self, failure: Failure, link: SignedRequest | None = None) -> None:
        super().__init__(f"{failure.code}: {failure.message}")
        self.failure = failure
        # The link in use when it failed, kept in memory only: the explanation layer reads it.
        self.link = link
