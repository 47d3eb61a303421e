"""Signing through a service speaking Uppy Companion's S3 protocol (Companion itself, or the project's
reference endpoint).

Small files go as one presigned POST form (``GET {base}/s3/params``, sent by
:mod:`desktop_uploader.core.form_upload`); large files as a multipart upload whose parts are signed one at a time
(``/s3/multipart...``). The service chooses the object key itself: the key the app asked for only
supplies the file name.
"""

from __future__ import annotations

import json
import threading
import time
from typing import Any
from urllib.parse import quote, urlsplit

import requests

from desktop_uploader.core import failure as f
from desktop_uploader.core import secrets as sec
from desktop_uploader.core.clock import offset_from_date
from desktop_uploader.core.config import Profile, is_loopback_host
from desktop_uploader.core.failure import Failure, PendingRequest, ReceivedResponse, UploadError
from desktop_uploader.core.http import classify_network_error
from desktop_uploader.core.models import SignedRequest, UploadedPart, UploadTarget
from desktop_uploader.core.protocol.links import signing_facts
from desktop_uploader.core.signers.base import FormSigner, MultipartSigner
from desktop_uploader.core.signers.calls import prepare_call
from desktop_uploader.core.signers.endpoint import RETRYABLE_ENDPOINT_STATUS, EndpointClient
from desktop_uploader.core.signers.service import describe_service

PART_BATCH = 8  # part links fetched per request: twice the parts one file sends at once
PART_LINK_MARGIN = 60.0  # a part link that expires sooner than this is fetched again
MAX_PARTS = 10_000

# The service's error codes that mean the same as S3's, so the uploader reacts alike (start over on a
# vanished upload, rebuild the part list on a rejected one).
_ERROR_CODES = {"no_such_upload": "NoSuchUpload", "invalid_part": "InvalidPart",
                "part_too_small": "EntityTooSmall"}


class CompanionSigner(EndpointClient, FormSigner, MultipartSigner):
    name = "companion"
    signs_remotely = True

    def __init__(self, profile: Profile, session: requests.Session, store: sec.SecretStore) -> None:
        super().__init__(profile, session, store)
        self.base = profile.endpoint_url.rstrip("/")
        # Part links fetched ahead through the batch route: (upload id, part number) -> link.
        self._parts: dict[tuple[str, int], SignedRequest] = {}
        self._parts_lock = threading.Lock()
        self._fetch_lock = threading.Lock()
        self._batch_parts = True  # until the service shows it has no batch route
        # The service's time minus this computer's, from its last answer's Date: its links' times are its own.
        self._service_offset = 0.0

    # -- talking to the service -------------------------------------------------------------------------
    def _call(self, method: str, path: str, action: str, *, params: dict[str, str] | None = None,
              body: Any = None) -> Any:
        headers = self._call_headers()
        prepared = prepare_call(method, self.base + path, headers, params=params, json_body=body)
        sent = PendingRequest(method, prepared.url or self.base, prepared.headers)
        try:
            response = self._send(prepared, sent)
        except requests.RequestException as exc:
            code, message = classify_network_error(exc)
            raise UploadError(Failure(
                code=f.ENDPOINT_UNREACHABLE, stage=f.STAGE_SIGN, signer=self.name, retryable=True,
                request=sent(), network_error=code,
                message=f"The signing service could not be reached to {action}. {message}",
            )) from None
        with response:
            content = response.content
            content_type = response.headers.get("Content-Type", "").lower()
            looks_html = "html" in content_type or \
                content.lstrip()[:15].lower().startswith((b"<!doctype", b"<html"))
            data: Any = None
            if not looks_html:
                try:
                    data = json.loads(content) if content.strip() else {}
                except (ValueError, UnicodeDecodeError):
                    data = None

            def fail(code: str, message: str, retryable: bool = False) -> UploadError:
                # The answer is scrubbed for the report only when there is one to make: that costs more
                # than the rest of a call.
                received = ReceivedResponse.build(response.status_code, dict(response.headers), content)
                return UploadError(Failure(
                    code=code, message=message, stage=f.STAGE_SIGN, signer=self.name, retryable=retryable,
                    http_status=response.status_code, request=sent(), response=received,
                    server_date=response.headers.get("Date"),
                ))

            if response.status_code >= 400:
                ours = data.get("error") if isinstance(data, dict) else None
                said = data.get("message") if isinstance(data, dict) else None
                detail = said if isinstance(said, str) else content[:200].decode("utf-8", "replace").strip()
                code = _ERROR_CODES.get(str(ours), f.ENDPOINT_HTML if looks_html else f.ENDPOINT_ERROR)
                raise fail(code, f"The signing service refused to {action} ({response.status_code}): "
                                 f"{detail or '(empty answer)'}",
                           retryable=response.status_code in RETRYABLE_ENDPOINT_STATUS)
            if looks_html:
                raise fail(f.ENDPOINT_HTML, "The signing service answered with a web page instead of JSON "
                                            "(often a Wi-Fi sign-in page or a network block page).",
                           retryable=True)
            if data is None:
                raise fail(f.ENDPOINT_BAD_RESPONSE, f"The signing service's answer to '{action}' is not JSON.")
            self._service_offset = offset_from_date(response.headers.get("Date")) or 0.0
            return data

    def _check_url(self, url: Any, action: str) -> str:
        if not isinstance(url, str) or not url:
            raise UploadError(Failure(code=f.ENDPOINT_NO_URL, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"The signing service's answer to '{action}' has no link."))
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise UploadError(Failure(code=f.ENDPOINT_BAD_URL, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service returned something that is not an "
                                              "http(s) link."))
        if parts.scheme == "http" and not is_loopback_host(parts.hostname) and \
                not self.profile.allow_insecure_http:
            raise UploadError(Failure(code=f.INSECURE_URL, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service returned an unencrypted http link to "
                                              "another computer; refusing to send the file over it."))
        return url

    @staticmethod
    def _upload_path(upload_id: str, *tail: str) -> str:
        return "/s3/multipart/" + "/".join(quote(p, safe="") for p in (upload_id, *tail))

    # -- single files: presigned POST ---------------------------------------------------------------------
    def sign_post(self, target: UploadTarget) -> SignedRequest:
        """``GET /s3/params``: a presigned POST form. The object key is in ``fields["key"]``."""
        params = {"filename": target.key, "type": target.content_type}
        params.update({f"metadata[{k}]": v for k, v in target.metadata.items()})
        data = self._call("GET", "/s3/params", "sign the upload", params=params)
        fields = data.get("fields") if isinstance(data, dict) else None
        if not isinstance(fields, dict) or not isinstance(fields.get("key"), str):
            raise UploadError(Failure(code=f.ENDPOINT_BAD_RESPONSE, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service's upload form has no object key."))
        url = self._check_url(data.get("url"), "sign the upload")
        method = str(data.get("method") or "POST").upper()
        if method != "POST":
            raise UploadError(Failure(code=f.ENDPOINT_BAD_RESPONSE, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"The signing service asked for a {method} upload; only "
                                              "presigned POST forms are supported for single files."))
        policy_expiry = None
        expires = data.get("expires")
        if isinstance(expires, int | float):
            policy_expiry = time.time() + float(expires)
        return SignedRequest(method="POST", url=url, fields={str(k): str(v) for k, v in fields.items()},
                             headers={"content-type": target.content_type}, expires_at=policy_expiry,
                             signer=self.name)

    # -- multipart ------------------------------------------------------------------------------------------
    def create_multipart(self, target: UploadTarget, *, checksum_algorithm: str | None = None) -> tuple[str, str]:
        # Companion signs no checksums (offers_part_checksums is off): its parts are checked by MD5.
        body = {"filename": target.key, "type": target.content_type, "metadata": dict(target.metadata)}
        data = self._call("POST", "/s3/multipart", "start a multipart upload", body=body)
        key = data.get("key") if isinstance(data, dict) else None
        upload_id = data.get("uploadId") if isinstance(data, dict) else None
        if not isinstance(key, str) or not key or not isinstance(upload_id, str) or not upload_id:
            raise UploadError(Failure(code=f.ENDPOINT_BAD_RESPONSE, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service did not return an upload id and key."))
        return key, upload_id

    def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                  checksum_crc32: str | None = None) -> SignedRequest:
        """A part's link: from the batch fetched with an earlier part, else a new batch of the next
        :data:`PART_BATCH` parts (one round trip instead of one per part)."""
        # Parts are signed from several threads: the first to miss fetches the batch, the others wait for it.
        with self._fetch_lock:
            with self._parts_lock:
                ready = self._parts.pop((upload_id, part_number), None)
            if ready is not None and not ready.expires_within(PART_LINK_MARGIN):
                return ready
            if self._batch_parts:
                try:
                    return self._sign_parts_ahead(key, upload_id, part_number)
                except UploadError as exc:
                    if exc.failure.http_status not in (404, 405):
                        raise
                    self._batch_parts = False  # an older service: one request per part from now on
        return self._sign_one_part(key, upload_id, part_number)

    def _sign_parts_ahead(self, key: str, upload_id: str, first: int) -> SignedRequest:
        numbers = [n for n in range(first, min(first + PART_BATCH, MAX_PARTS + 1))]
        data = self._call("GET", self._upload_path(upload_id, "batch"), f"sign parts {first} and after",
                          params={"key": key, "partNumbers": ",".join(map(str, numbers))})
        urls = data.get("presignedUrls") if isinstance(data, dict) else None
        if not isinstance(urls, dict) or str(first) not in urls:
            raise UploadError(Failure(code=f.ENDPOINT_BAD_RESPONSE, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service's batch of part links has no link for "
                                              f"part {first}."))
        links: dict[int, SignedRequest] = {}
        for number in numbers:
            if str(number) in urls:
                url = self._check_url(urls[str(number)], f"sign part {number}")
                links[number] = self._part_link(url)
        with self._parts_lock:
            for number, link in links.items():
                if number != first:
                    self._parts[(upload_id, number)] = link
        return links[first]

    def _forget_parts(self, upload_id: str) -> None:
        with self._parts_lock:
            for entry in [e for e in self._parts if e[0] == upload_id]:
                del self._parts[entry]

    def _sign_one_part(self, key: str, upload_id: str, part_number: int) -> SignedRequest:
        action = f"sign part {part_number}"
        data = self._call("GET", self._upload_path(upload_id, str(part_number)), action, params={"key": key})
        url = self._check_url(data.get("url") if isinstance(data, dict) else None, action)
        return self._part_link(url)

    def _part_link(self, url: str) -> SignedRequest:
        """A part's link as the service signed it, its expiry on this computer's clock (core/clock.py)."""
        link = signing_facts(url)
        offset = self._service_offset
        expires_at = link.expires_epoch - offset if link.expires_epoch is not None else None
        return SignedRequest(method="PUT", url=url, headers={}, expires_at=expires_at, signer=self.name,
                             link=link, clock_offset=offset)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        data = self._call("GET", self._upload_path(upload_id), "list the parts already uploaded",
                          params={"key": key})
        if isinstance(data, dict):  # some Companion versions wrap the list
            data = data.get("parts")
        if not isinstance(data, list):
            raise UploadError(Failure(code=f.ENDPOINT_BAD_RESPONSE, stage=f.STAGE_SIGN, signer=self.name,
                                      message="The signing service's list of parts is not a list."))
        parts: list[UploadedPart] = []
        for item in data:
            if isinstance(item, dict) and isinstance(item.get("PartNumber"), int):
                parts.append(UploadedPart(number=item["PartNumber"],
                                          etag=str(item.get("ETag") or "").strip('"'),
                                          size=int(item.get("Size") or 0)))
        return parts

    def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
        body = {"parts": [{"PartNumber": p.number, "ETag": f'"{p.etag}"'}
                          for p in sorted(parts, key=lambda p: p.number)]}
        # The service answers {location} only; the object's ETag is not known here.
        self._forget_parts(upload_id)
        self._call("POST", self._upload_path(upload_id, "complete"), "join the uploaded parts into the file",
                   params={"key": key}, body=body)
        return None

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self._forget_parts(upload_id)
        self._call("DELETE", self._upload_path(upload_id), "cancel the multipart upload", params={"key": key})

    def describe(self) -> dict[str, str]:
        return describe_service(self.profile)
