"""Local signing with multipart uploads: boto3 starts, lists, completes and aborts uploads directly, and
presigns each UploadPart link so part bodies go through the same streaming uploader as single PUTs.

An upload started with ChecksumAlgorithm CRC32 has each part's ``x-amz-checksum-crc32`` signed into its link
(botocore's presigner puts it in X-Amz-SignedHeaders when given ChecksumCRC32), and its completion names every
part's CRC, as S3 requires of such an upload.
"""

from __future__ import annotations

import time
from typing import Any

import botocore.exceptions

from desktop_uploader.core import failure as f
from desktop_uploader.core.config import IF_EXISTS_OVERWRITE
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER
from desktop_uploader.core.models import SignedRequest, UploadedPart, UploadTarget
from desktop_uploader.core.signers.base import MultipartSigner
from desktop_uploader.core.signers.local import LocalSigner
from desktop_uploader.core.transfer import RETRYABLE_S3_CODES, RETRYABLE_STATUS


class LocalMultipartSigner(LocalSigner, MultipartSigner):
    """LocalSigner plus the MultipartSigner methods."""

    offers_part_checksums = True

    def _error(self, exc: Exception, action: str, *, stage: str = f.STAGE_UPLOAD) -> UploadError:
        if isinstance(exc, botocore.exceptions.ClientError):
            error = exc.response.get("Error", {}) or {}
            meta = exc.response.get("ResponseMetadata", {}) or {}
            code = str(error.get("Code") or "Unknown")
            status = meta.get("HTTPStatusCode")
            status = int(status) if isinstance(status, int) else None
            message = str(error.get("Message") or "")
            retryable = code in RETRYABLE_S3_CODES or (status in RETRYABLE_STATUS)
            return UploadError(Failure(
                code=code, stage=stage, http_status=status, retryable=retryable, signer=self.name,
                s3_error={str(k): str(v) for k, v in error.items()},
                request_id=meta.get("RequestId") or None,
                message=f"The storage server refused to {action}: {message or code}",
            ))
        if isinstance(exc, botocore.exceptions.EndpointConnectionError | botocore.exceptions.ConnectionError):
            return UploadError(Failure(
                code=f.NETWORK_ERROR, stage=stage, retryable=True, signer=self.name,
                network_error=f.NETWORK_ERROR,
                message=f"The storage server could not be reached to {action}: {exc}",
            ))
        return UploadError(Failure(code=f.UNKNOWN, stage=stage, retryable=True, signer=self.name,
                                   message=f"Could not {action}: {exc}"))

    def create_multipart(self, target: UploadTarget, *, checksum_algorithm: str | None = None) -> tuple[str, str]:
        params, _ = self._headers(target)
        if checksum_algorithm:
            params["ChecksumAlgorithm"] = checksum_algorithm
        try:
            answer: dict[str, Any] = self.client.create_multipart_upload(**params)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._error(exc, "start a multipart upload", stage=f.STAGE_SIGN) from None
        return target.key, str(answer["UploadId"])

    def sign_part(self, key: str, upload_id: str, part_number: int, size: int,
                  checksum_crc32: str | None = None) -> SignedRequest:
        lifetime = self.profile.link_lifetime
        params: dict[str, Any] = {"Bucket": self.profile.bucket, "Key": key, "UploadId": upload_id,
                                  "PartNumber": part_number}
        headers: dict[str, str] = {}
        if checksum_crc32:
            params["ChecksumCRC32"] = checksum_crc32  # signed as a header: it must be sent with this value
            headers[CHECKSUM_HEADER] = checksum_crc32
        try:
            url = self.client.generate_presigned_url("upload_part", Params=params, ExpiresIn=lifetime)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"The link for part {part_number} could not be signed: {exc}"),
                              ) from None
        return SignedRequest(method="PUT", url=url, headers=headers, expires_at=time.time() + lifetime,
                             signer=self.name)

    def list_parts(self, key: str, upload_id: str) -> list[UploadedPart] | None:
        parts: list[UploadedPart] = []
        try:
            paginator = self.client.get_paginator("list_parts")
            for page in paginator.paginate(Bucket=self.profile.bucket, Key=key, UploadId=upload_id):
                for part in page.get("Parts") or []:
                    parts.append(UploadedPart(number=int(part["PartNumber"]),
                                              etag=str(part.get("ETag") or "").strip('"'),
                                              size=int(part.get("Size") or 0)))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._error(exc, "list the parts already uploaded") from None
        return parts

    def complete_multipart(self, key: str, upload_id: str, parts: list[UploadedPart]) -> str | None:
        body = {"Parts": [{"PartNumber": p.number, "ETag": f'"{p.etag}"',
                           **({"ChecksumCRC32": p.checksum_crc32} if p.checksum_crc32 else {})}
                          for p in sorted(parts, key=lambda p: p.number)]}
        condition = {"IfNoneMatch": "*"} if self.if_exists != IF_EXISTS_OVERWRITE and self._completes_if_none_match() \
            else {}
        try:
            # botocore turns a 200 answer whose body is an <Error> document into a ClientError.
            answer: dict[str, Any] = self.client.complete_multipart_upload(
                Bucket=self.profile.bucket, Key=key, UploadId=upload_id, MultipartUpload=body, **condition)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._error(exc, "join the uploaded parts into the file") from None
        etag = answer.get("ETag")
        return str(etag).strip('"') if etag else None

    def _completes_if_none_match(self) -> bool:
        """Whether this botocore can make the completion refuse to replace an object that appeared meanwhile."""
        shape = self.client.meta.service_model.operation_model("CompleteMultipartUpload").input_shape
        return shape is not None and "IfNoneMatch" in shape.members

    def abort_multipart(self, key: str, upload_id: str) -> None:
        try:
            self.client.abort_multipart_upload(Bucket=self.profile.bucket, Key=key, UploadId=upload_id)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError) as exc:
            raise self._error(exc, "cancel the multipart upload") from None
