"""Signing endpoint, simple protocol: GET <endpoint>?filekey=KEY&contentType=TYPE -> {"signed_url": URL}.

Parameter names, the response field and the method are configurable. Secret header values (API keys,
bearer tokens) are read from the keychain.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, cast
from urllib.parse import unquote, urlsplit, urlunsplit

import requests

from desktop_uploader.core import failure as f
from desktop_uploader.core import secrets as sec
from desktop_uploader.core.clock import offset_from_date
from desktop_uploader.core.config import Profile, is_loopback_host
from desktop_uploader.core.failure import Failure, PendingRequest, ReceivedResponse, SentRequest, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER
from desktop_uploader.core.http import (
    ANSWER_LIMIT,
    CONNECT_TIMEOUT,
    AnswerTooLarge,
    await_connection_ahead,
    classify_network_error,
    read_capped,
)
from desktop_uploader.core.models import SignedRequest, UploadTarget
from desktop_uploader.core.protocol.links import signing_facts
from desktop_uploader.core.signers import redirects
from desktop_uploader.core.signers.base import BatchPutSigner, Signer
from desktop_uploader.core.signers.calls import Answer, DirectAnswer, prepare_call, send_direct
from desktop_uploader.core.signers.redirects import MAX_REDIRECTS
from desktop_uploader.core.signers.service import describe_service

SIGN_TIMEOUT = 30.0
RETRYABLE_ENDPOINT_STATUS = frozenset({408, 429, 500, 502, 503, 504})


class EndpointClient(Signer):
    """What every signing-service client shares: the profile, the engine's HTTP session and the secret
    headers from the keychain."""

    name = "endpoint"

    def __init__(self, profile: Profile, session: requests.Session, store: sec.SecretStore) -> None:
        self.profile = profile
        self.session = session
        self._headers: dict[str, str] = {}
        for header in profile.secret_headers:
            try:
                value = store.get(profile.name, sec.header_field(header))
            except sec.KeychainError as exc:
                raise UploadError(Failure(code=f.KEYRING_UNAVAILABLE, message=str(exc), stage=f.STAGE_LOCAL,
                                          signer=self.name)) from None
            if value is None:
                raise UploadError(Failure(
                    code=f.CREDENTIALS_MISSING, stage=f.STAGE_LOCAL, signer=self.name,
                    message=f"The value of header '{header}' for profile '{profile.name}' is not in the "
                            f"keychain. Run 'desktop-uploader credentials set --profile {profile.name} "
                            f"--header {header}'.",
                ))
            self._headers[header] = value

    def describe(self) -> dict[str, str]:
        return describe_service(self.profile)

    def close(self) -> None:
        """The HTTP session belongs to the engine."""

    def _call_headers(self) -> dict[str, str]:
        """The session's own headers (User-Agent, Accept-Encoding) and the service's. A call is prepared on
        its own, so requests does not add the session's: without them a batch of links (about 50 KB, 5 KB
        gzipped) would come uncompressed, two more round trips on a new connection."""
        return {**{name: str(value) for name, value in self.session.headers.items()}, "Accept": "application/json",
                **self._headers}

    def _send(self, prepared: requests.PreparedRequest, sent: PendingRequest) -> Answer:
        """Send one call to the service and read its answer (at most ANSWER_LIMIT bytes), through requests'
        own pool where it can (see signers.calls). Redirects are followed only where the secret headers may
        go (see signers.redirects). Network errors are raised as requests raises them."""
        await_connection_ahead(self.session, prepared.url or "")  # a run's first call: see core/warmup.py
        for _ in range(MAX_REDIRECTS + 1):
            response: Answer | None = send_direct(self.session, prepared, connect_timeout=CONNECT_TIMEOUT,
                                                  read_timeout=SIGN_TIMEOUT)
            if response is None:
                response = self.session.send(prepared, timeout=(CONNECT_TIMEOUT, SIGN_TIMEOUT),
                                             allow_redirects=False, stream=True)
            if not response.is_redirect:
                try:
                    if isinstance(response, DirectAnswer):
                        response.read(ANSWER_LIMIT)
                    else:
                        read_capped(cast(requests.Response, response), ANSWER_LIMIT)
                except AnswerTooLarge as exc:
                    raise UploadError(Failure(
                        code=f.ENDPOINT_TOO_LARGE, stage=f.STAGE_SIGN, signer=self.name, request=sent(),
                        http_status=response.status_code,
                        message=f"The signing service sent a far larger answer than a link. {exc} It was not "
                                "read further.")) from None
                return response
            target = redirects.target_of(response, prepared.url or "")
            response.close()
            refused = redirects.refusal(prepared.url or "", target, carries_secrets=bool(self._headers),
                                        allow_insecure_http=self.profile.allow_insecure_http)
            if refused is not None:
                raise UploadError(Failure(code=f.ENDPOINT_REDIRECT, stage=f.STAGE_SIGN, signer=self.name,
                                          request=sent(), http_status=response.status_code, message=refused))
            prepared = redirects.redirected(prepared, target, response.status_code)
        raise UploadError(Failure(code=f.ENDPOINT_REDIRECT, stage=f.STAGE_SIGN, signer=self.name, request=sent(),
                                  message=f"The signing service redirected the app more than {MAX_REDIRECTS} "
                                          "times in a row."))


class EndpointSigner(EndpointClient, BatchPutSigner):
    """The simple protocol: one GET (or POST) with the key and content type, one presigned PUT link back; with
    the profile's ``batch_signing``, many links per ``POST <endpoint path>/batch``."""

    signs_remotely = True
    offers_checksums = True  # asked for with checksumCRC32; a service that does not know it leaves it out

    def batch_enabled(self) -> bool:
        return self.profile.batch_signing

    def _fail(self, code: str, message: str, *, target: UploadTarget, request: SentRequest,
              response: Answer | None = None, retryable: bool = False) -> UploadError:
        received = None
        if response is not None:
            received = ReceivedResponse.build(response.status_code, dict(response.headers), response.content)
        return UploadError(Failure(
            code=code, message=message, stage=f.STAGE_SIGN, signer=self.name, retryable=retryable,
            http_status=response.status_code if response is not None else None, request=request,
            response=received, asked={"key": target.key, "content_type": target.content_type},
            server_date=response.headers.get("Date") if response is not None else None,
        ))

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        p = self.profile
        params = {p.key_param: target.key, p.type_param: target.content_type}
        # Endpoints that support it sign these as x-amz-meta-* headers; others ignore unknown parameters.
        params.update({f"meta-{name}": value for name, value in target.metadata.items()})
        if target.checksum_crc32:
            params["checksumCRC32"] = target.checksum_crc32
        method = p.http_method.upper()
        headers = self._call_headers()
        prepared = prepare_call(method, p.endpoint_url, headers, params=params if method == "GET" else None,
                                json_body=params if method == "POST" else None)
        sent = PendingRequest(method, prepared.url or p.endpoint_url, prepared.headers)
        try:
            response = self._send(prepared, sent)
        except requests.RequestException as exc:
            code, message = classify_network_error(exc)
            error = self._fail(f.ENDPOINT_UNREACHABLE, f"The signing service could not be reached. {message}",
                               target=target, request=sent(), retryable=True)
            error.failure.network_error = code
            raise error from None
        with response:
            return self._read_answer(response, target, sent)

    def sign_batch(self, targets: Sequence[UploadTarget]) -> list[SignedRequest]:
        if not targets:
            return []
        files = [{"filekey": t.key, "contentType": t.content_type, **({"metadata": dict(t.metadata)}
                                                                      if t.metadata else {})} for t in targets]
        headers = self._call_headers()
        prepared = prepare_call("POST", batch_url(self.profile.endpoint_url), headers, json_body={"files": files})
        sent = PendingRequest("POST", prepared.url or self.profile.endpoint_url, prepared.headers)
        try:
            response = self._send(prepared, sent)
        except requests.RequestException as exc:
            code, message = classify_network_error(exc)
            error = self._fail(f.ENDPOINT_UNREACHABLE, f"The signing service could not be reached. {message}",
                               target=targets[0], request=sent(), retryable=True)
            error.failure.network_error = code
            raise error from None
        with response:
            self._check_status(response, targets[0], sent)
            try:
                data: Any = json.loads(response.content)
            except (ValueError, UnicodeDecodeError):
                data = None
            links = data.get("signed_urls") if isinstance(data, dict) else None
            if not isinstance(links, list) or len(links) != len(targets):
                raise self._fail(f.ENDPOINT_BAD_RESPONSE, "The signing service's answer to a batch has no list "
                                 "of links, one per file.", target=targets[0], request=sent(), response=response)
            offset = _service_offset(response)  # one answer, one Date, for every link in it
            return [self._link_from(item, target, sent, response, offset)
                    for item, target in zip(links, targets, strict=True)]

    def _check_status(self, response: Answer, target: UploadTarget, sent: PendingRequest) -> None:
        content_type = response.headers.get("Content-Type", "").lower()
        body = response.content
        looks_html = "html" in content_type or body.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
        if response.status_code >= 400:
            raise self._fail(
                f.ENDPOINT_HTML if looks_html else f.ENDPOINT_ERROR,
                f"The signing service answered {response.status_code}: {_error_text(body)}",
                target=target, request=sent(), response=response,
                retryable=response.status_code in RETRYABLE_ENDPOINT_STATUS,
            )
        if looks_html:
            raise self._fail(f.ENDPOINT_HTML, "The signing service answered with a web page instead of a link "
                             "(often a Wi-Fi sign-in page or a network block page).",
                             target=target, request=sent(), response=response, retryable=True)

    def _read_answer(self, response: Answer, target: UploadTarget,
                     sent: PendingRequest) -> SignedRequest:
        self._check_status(response, target, sent)
        body = response.content
        try:
            data: Any = json.loads(body)
        except (ValueError, UnicodeDecodeError):
            raise self._fail(f.ENDPOINT_BAD_RESPONSE, "The signing service's answer is not JSON.",
                             target=target, request=sent(), response=response) from None
        return self._link_from(data, target, sent, response, _service_offset(response))

    def _link_from(self, data: Any, target: UploadTarget, sent: PendingRequest, response: Answer,
                   offset: float) -> SignedRequest:
        """One file's answer (a JSON object with the link) as a SignedRequest, checked."""
        p = self.profile
        url = data.get(p.url_field) if isinstance(data, dict) else None
        if not isinstance(url, str) or not url:
            raise self._fail(f.ENDPOINT_NO_URL, f"The signing service's answer has no '{p.url_field}' field.",
                             target=target, request=sent(), response=response)
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise self._fail(f.ENDPOINT_BAD_URL, "The signing service returned something that is not an "
                             "http(s) link.", target=target, request=sent(), response=response)
        if parts.scheme == "http" and not is_loopback_host(parts.hostname) and not p.allow_insecure_http:
            raise self._fail(f.INSECURE_URL, "The signing service returned an unencrypted http link to "
                             "another computer; refusing to send the file over it.",
                             target=target, request=sent(), response=response)
        link = signing_facts(url)
        if not link.targets_key(target.key):
            raise self._fail(f.ENDPOINT_WRONG_KEY, f"The signing service returned a link for '{unquote(link.path)}', "
                             f"not for the requested name '{target.key}'.",
                             target=target, request=sent(), response=response)
        headers = {"content-type": target.content_type}
        headers.update({k.lower(): v for k, v in p.signed_header_values.items()})
        extra = data.get("headers")
        if isinstance(extra, dict):
            headers.update({str(k).lower(): str(v) for k, v in extra.items()})
        if CHECKSUM_HEADER in link.signed_headers and target.checksum_crc32:
            headers.setdefault(CHECKSUM_HEADER, target.checksum_crc32)  # what it was asked to sign
        if "if-none-match" in link.signed_headers:
            # A service that refuses to replace objects signs this; "*" is the only value S3 takes on a PUT.
            headers.setdefault("if-none-match", "*")
        expires_at = link.expires_epoch
        if isinstance(data.get("expires_at"), int | float):
            expires_at = float(data["expires_at"])
        if expires_at is not None:
            expires_at -= offset
        method = str(data.get("method") or "PUT").upper()
        return SignedRequest(method=method, url=url, headers=headers, expires_at=expires_at,
                             signer=self.name, link=link, clock_offset=offset)

def _service_offset(response: Answer) -> float:
    """The service's time minus this computer's. A link's times are the service's: a computer whose clock is off
    reads them through the answer's Date (core/clock.py), or it would take a fresh link for out of date, or not
    yet valid."""
    return offset_from_date(response.headers.get("Date")) or 0.0


def batch_url(endpoint_url: str) -> str:
    """``POST <endpoint path>/batch``, keeping the endpoint's own query (some gateways put a key there)."""
    parts = urlsplit(endpoint_url)
    return urlunsplit(parts._replace(path=parts.path.rstrip("/") + "/batch"))


def _error_text(body: bytes) -> str:
    """The endpoint's own words: a JSON string, a JSON object's message/error, or the start of the body."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return body[:200].decode("utf-8", "replace").strip() or "(empty answer)"
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        for name in ("message", "Message", "error", "errorMessage"):
            if isinstance(data.get(name), str):
                return str(data[name])
    return json.dumps(data)[:200]


