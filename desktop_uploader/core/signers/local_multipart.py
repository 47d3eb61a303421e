"""Local signing with multipart uploads.

Starting an upload, each part's link, joining the parts, listing the parts of an upload a crash left and
cancelling one are requests signed with botocore's query signer (signers/presign.py) and sent through the
engine's own connections, like single PUTs: no botocore client, whose making costs a few tenths of a second of
CPU (the service model), on the way of a run's first big file, and no second pool of connections to open on a
far link. Signed alike, they all carry the storage's time when this computer's clock is off (core/clock.py).

An upload started with the CRC32 checksum algorithm has each part's ``x-amz-checksum-crc32`` signed into its
link, and its completion names every part's CRC, as S3 requires of such an upload.
"""

from __future__ import annotations

import time
from dataclasses import replace
from xml.etree import ElementTree  # writing only; answers are read with defusedxml

import botocore.exceptions
import requests

from desktop_uploader.core import failure as f
from desktop_uploader.core.clock import once_more_on_clock
from desktop_uploader.core.config import IF_EXISTS_OVERWRITE
from desktop_uploader.core.failure import Failure, SentRequest, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER
from desktop_uploader.core.http import (
    ANSWER_LIMIT,
    CONNECT_TIMEOUT,
    AnswerTooLarge,
    classify_network_error,
    read_capped,
)
from desktop_uploader.core.models import SignedRequest, UploadedPart, UploadTarget
from desktop_uploader.core.protocol.responses import answer_field, parse_parts_page, parse_s3_error
from desktop_uploader.core.signers.base import MultipartSigner
from desktop_uploader.core.signers.local import LocalSigner
from desktop_uploader.core.transfer import failure_from_response

_S3_NAMESPACE = "http://s3.amazonaws.com/doc/2006-03-01/"
# Joining the parts of a big file can take S3 a while; it keeps the connection alive meanwhile.
_ANSWER_TIMEOUT = 120.0
# A call about an upload is sent as soon as it is signed: its signature need only outlast a slow connection.
_CALL_LIFETIME = 900


class LocalMultipartSigner(LocalSigner, MultipartSigner):
    """LocalSigner plus the MultipartSigner methods."""

    offers_part_checksums = True

    def create_multipart(self, target: UploadTarget, *, checksum_algorithm: str | None = None) -> tuple[str, str]:
        headers = self._headers(target)
        if checksum_algorithm:
            headers["x-amz-checksum-algorithm"] = checksum_algorithm
        answer = self._storage_call("POST", target.key, {"uploads": ""}, headers, None, "start a multipart upload",
                                    stage=f.STAGE_SIGN)
        upload_id = answer_field(answer, "InitiateMultipartUploadResult", "UploadId")
        if not upload_id:
            raise UploadError(Failure(code=f.UNKNOWN, stage=f.STAGE_SIGN, retryable=True, signer=self.name,
                                      message="The storage server started a multipart upload but gave no id "
                                              "for it."))
        return target.key, upload_id

    def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                  checksum_crc32: str | None = None) -> SignedRequest:
        lifetime = self.profile.link_lifetime
        headers: dict[str, str] = {}
        if checksum_crc32:
            headers[CHECKSUM_HEADER] = checksum_crc32  # signed: the part must be sent with this value
        params = {"uploadId": upload_id, "partNumber": str(part_number)}
        return self._signed("PUT", key, params, headers, lifetime, f"the link for part {part_number}")

    def _signed(self, method: str, key: str, params: dict[str, str], headers: dict[str, str], lifetime: int,
                what: str) -> SignedRequest:
        """A request on ``key`` signed here (signers/presign.py), covering exactly ``headers``."""
        try:
            url = self._link_signer().on_object(method, key, params, headers, lifetime)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, ValueError) as exc:
            raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"{what[0].upper()}{what[1:]} could not be signed: {exc}")) from None
        return SignedRequest(method=method, url=url, headers=headers, expires_at=time.time() + lifetime,
                             signer=self.name, clock_offset=self.clock.offset)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        parts: list[UploadedPart] = []
        params = {"uploadId": upload_id}
        while True:
            answer = self._storage_call("GET", key, params, {}, None, "list the parts already uploaded")
            try:
                page, marker = parse_parts_page(answer)
            except ValueError as exc:
                raise UploadError(Failure(code=f.UNKNOWN, stage=f.STAGE_UPLOAD, retryable=True, signer=self.name,
                                          message=f"The storage server's list of uploaded parts could not be read: "
                                                  f"{exc}")) from None
            parts.extend(UploadedPart(number=p.number, etag=p.etag, size=p.size) for p in page)
            if marker is None or marker == params.get("part-number-marker"):  # the last page, or one that repeats
                return parts
            params = {"uploadId": upload_id, "part-number-marker": marker}

    def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
        root = ElementTree.Element("CompleteMultipartUpload", xmlns=_S3_NAMESPACE)
        for part in sorted(parts, key=lambda p: p.number):
            item = ElementTree.SubElement(root, "Part")
            ElementTree.SubElement(item, "PartNumber").text = str(part.number)
            ElementTree.SubElement(item, "ETag").text = f'"{part.etag}"'
            if part.checksum_crc32:
                ElementTree.SubElement(item, "ChecksumCRC32").text = part.checksum_crc32
        # Where files are not to be replaced, the joining refuses too if an object appeared meanwhile (412).
        headers = {"if-none-match": "*"} if self.if_exists != IF_EXISTS_OVERWRITE else {}
        answer = self._storage_call("POST", key, {"uploadId": upload_id}, headers,
                                    ElementTree.tostring(root, encoding="utf-8"),
                                    "join the uploaded parts into the file")
        etag = answer_field(answer, "CompleteMultipartUploadResult", "ETag")
        return etag.strip('"') if etag else None

    def _storage_call(self, method: str, key: str, params: dict[str, str], headers: dict[str, str],
                      body: bytes | None, action: str, *, stage: str = f.STAGE_UPLOAD) -> bytes:
        """One signed request about an upload, through the engine's connections (those a run opened ahead,
        not a botocore client's: building one costs a few tenths of a second of CPU); its answer's body."""
        return once_more_on_clock(
            lambda: self._storage_call_once(method, key, params, headers, body, action, stage=stage), self.learn_time)

    def _storage_call_once(self, method: str, key: str, params: dict[str, str], headers: dict[str, str],
                           body: bytes | None, action: str, *, stage: str) -> bytes:
        signed = self._signed(method, key, params, headers, _CALL_LIFETIME, f"the request to {action}")
        url = signed.url
        try:
            response = self._http().request(method, url, headers=headers, data=body, allow_redirects=False,
                                            timeout=(CONNECT_TIMEOUT, _ANSWER_TIMEOUT), stream=True)
            content = read_capped(response, ANSWER_LIMIT)
        except (requests.RequestException, AnswerTooLarge) as exc:
            code, why = classify_network_error(exc) if isinstance(exc, requests.RequestException) \
                else (f.UNKNOWN, str(exc))
            raise UploadError(Failure(code=code, stage=stage, retryable=True, signer=self.name, network_error=code,
                                      message=f"The storage server could not be reached to {action}: {why}"),
                              ) from None
        with response:
            # S3 can answer 200 and still fail a completion: the body is then an <Error> document.
            error = parse_s3_error(content) if response.status_code == 200 else {}
            if response.status_code not in (200, 204) or error:  # a cancelled upload: 204, no content
                sent = SentRequest.build(method, url, headers, len(body or b""))
                failure = failure_from_response(response, sent, signed, None)
                if error:  # a failure after the fact, as a server error: worth another try
                    failure = replace(failure, http_status=500, retryable=True)
                raise UploadError(replace(failure, stage=stage,
                                          message=f"The storage server refused to {action}: {failure.message}"))
        return content

    def abort_multipart(self, key: str, upload_id: str) -> None:
        self._storage_call("DELETE", key, {"uploadId": upload_id}, {}, None, "cancel the multipart upload")
