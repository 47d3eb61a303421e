"""Local signing: botocore presigns links with credentials read from the OS keychain.

Links and the requests that talk to the storage (list, look up, delete, multipart) are signed one level below
botocore's client (signers/presign.py) and go through the engine's connections. The client itself, costly to
build, is made only where botocore's endpoint rules must say where a bucket on AWS is."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import botocore.config
import botocore.exceptions
import requests
from botocore.credentials import Credentials

from desktop_uploader.core import failure as f
from desktop_uploader.core import secrets as sec
from desktop_uploader.core.clock import StorageClock, once_more_on_clock
from desktop_uploader.core.config import IF_EXISTS_OVERWRITE, Profile
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.hashing import CHECKSUM_HEADER
from desktop_uploader.core.http import (
    CONNECT_TIMEOUT,
    AnswerTooLarge,
    await_connection_ahead,
    classify_network_error,
    make_session,
    read_capped,
)
from desktop_uploader.core.models import SignedRequest, StoredObject, UploadTarget
from desktop_uploader.core.protocol.responses import parse_list_page, parse_s3_error
from desktop_uploader.core.signers.base import GetSigner, ObjectInspector, ObjectRemover, PutSigner
from desktop_uploader.core.signers.presign import LinkSigner, fixed_address, probe_link
from desktop_uploader.core.signers.service import describe_local

# A listing page holds at most 1,000 keys of at most 1,024 bytes each, URL-encoded: a few MiB at worst.
LISTING_LIMIT = 16 * 1024 * 1024


class LocalSigner(PutSigner, ObjectRemover, ObjectInspector, GetSigner):
    name = "local"
    offers_checksums = True

    def __init__(self, profile: Profile, store: sec.SecretStore, session: requests.Session | None = None) -> None:
        self.profile = profile
        self._session = session  # the engine's; listing a folder goes through it like the uploads
        self._owns_session = False
        self.if_exists = profile.if_exists
        try:
            key_id = store.get(profile.name, sec.ACCESS_KEY_ID)
            secret = store.get(profile.name, sec.SECRET_ACCESS_KEY)
            token = store.get(profile.name, sec.SESSION_TOKEN)
        except sec.KeychainError as exc:
            raise UploadError(Failure(code=f.KEYRING_UNAVAILABLE, message=str(exc), stage=f.STAGE_LOCAL,
                                      signer=self.name)) from None
        if not key_id or not secret:
            raise UploadError(Failure(
                code=f.CREDENTIALS_MISSING, stage=f.STAGE_LOCAL, signer=self.name,
                message=f"No access key is stored for profile '{profile.name}'. Run "
                        f"'desktop-uploader credentials set --profile {profile.name}'.",
            ))
        self._credentials = Credentials(key_id, secret, token or None)
        self._secrets = tuple(s for s in (secret, token) if s)
        self._made = threading.Lock()
        self._client: Any = None
        self._links: LinkSigner | None = None
        self.clock = StorageClock()  # what links are stamped with: see core/clock.py

    @property
    def client(self) -> Any:
        """A botocore S3 client with the profile's keys, endpoint and addressing style, made on first use."""
        with self._made:  # two workers asking at once share one client
            if self._client is None:
                self._client = self._make_client()
            return self._client

    def _make_client(self) -> Any:
        import botocore.session  # costly to import: only the calls that need a client pay for it

        config = botocore.config.Config(
            signature_version="s3v4",
            s3={"addressing_style": self.profile.addressing_style},  # type: ignore[arg-type]
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=15,
            read_timeout=60,
        )
        creds = self._credentials
        return botocore.session.get_session().create_client(
            "s3", region_name=self.profile.region or None, endpoint_url=self.profile.s3_endpoint_url or None,
            aws_access_key_id=creds.access_key, aws_secret_access_key=creds.secret_key,
            aws_session_token=creds.token, config=config)

    def _link_signer(self) -> LinkSigner:
        if self._links is None:
            profile = self.profile
            address = fixed_address(profile.s3_endpoint_url, profile.bucket, profile.region,
                                    profile.addressing_style)
            if address is None:  # AWS's own endpoints: botocore's rules say where the bucket is
                address = probe_link(lambda key: str(self.client.generate_presigned_url(
                    "put_object", Params={"Bucket": profile.bucket, "Key": key}, ExpiresIn=60)))
            self._links = LinkSigner(address, self._credentials, self.clock)
        return self._links

    def _headers(self, target: UploadTarget) -> dict[str, str]:
        """The headers signed into an object's link (a PUT, or the start of a multipart upload)."""
        headers = {"content-type": target.content_type}
        if self.profile.acl:
            headers["x-amz-acl"] = self.profile.acl
        if self.profile.storage_class:
            headers["x-amz-storage-class"] = self.profile.storage_class
        metadata = {**target.metadata, **self.profile.metadata}  # what the admin configured wins
        headers.update({f"x-amz-meta-{k.lower()}": v for k, v in metadata.items()})
        return headers

    def sign_put(self, target: UploadTarget) -> SignedRequest:
        headers = self._headers(target)
        if target.checksum_crc32:
            headers[CHECKSUM_HEADER] = target.checksum_crc32  # the storage checks the bytes against it
        if self.if_exists != IF_EXISTS_OVERWRITE:
            # The storage itself refuses to replace an object that is there (412), with no extra request.
            headers["if-none-match"] = "*"
        lifetime = self.profile.link_lifetime
        offset = self.clock.offset  # once: another file may learn the storage's time meanwhile
        try:
            url, facts = self._link_signer().put_with_facts(target.key, headers, lifetime, offset)
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, ValueError) as exc:
            raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"The link could not be signed: {exc}")) from None
        return SignedRequest(method="PUT", url=url, headers=headers, expires_at=time.time() + lifetime,
                             signer=self.name, link=facts, clock_offset=offset)

    @property
    def clock_offset(self) -> float:
        return self.clock.offset

    def watch_clock(self, watcher: Callable[[float], None]) -> None:
        self.clock.watch(watcher)

    def learn_time(self, failure: Failure) -> bool:
        return self.clock.learn(failure)

    def sign_get(self, key: str, seconds: int) -> str:
        try:
            return self._link_signer().on_object("GET", key, {}, {}, min(seconds, 604800))
        except (botocore.exceptions.BotoCoreError, botocore.exceptions.ClientError, ValueError) as exc:
            raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_SIGN, signer=self.name,
                                      message=f"The download link could not be signed: {exc}")) from None

    def remove_object(self, key: str) -> bool:
        try:
            url = self._link_signer().on_object("DELETE", key, {}, {}, 300)
            answer = self._http().delete(url, timeout=(CONNECT_TIMEOUT, 60), allow_redirects=False)
        except (requests.RequestException, botocore.exceptions.BotoCoreError, ValueError):
            return False
        with answer:
            return answer.status_code in (200, 204)  # no delete permission (403) is a normal, reported outcome

    def stored_objects(self, folder: str) -> dict[str, StoredObject]:
        """What is stored directly in ``folder`` (a ListObjectsV2 of it, page by page)."""
        found: dict[str, StoredObject] = {}
        params = {"list-type": "2", "prefix": folder, "delimiter": "/", "encoding-type": "url"}
        while True:
            body = once_more_on_clock(lambda: self._listing_page(folder, params), self.learn_time)
            try:
                objects, token = parse_list_page(body)
            except ValueError as exc:
                raise self._listing_failed(folder, f.UNKNOWN, str(exc)) from None
            found.update((o.key, StoredObject(size=o.size, etag=o.etag)) for o in objects)
            if token is None:
                return found
            params["continuation-token"] = token

    def _listing_page(self, folder: str, params: dict[str, str]) -> bytes:
        """One page of ``folder``'s listing, as the storage answered it."""
        try:
            url = self._link_signer().list_bucket(params, 300)
            await_connection_ahead(self._http(), url)  # a run's first request: see core/warmup.py
            answer = self._http().get(url, timeout=(CONNECT_TIMEOUT, 60), allow_redirects=False, stream=True)
            body = read_capped(answer, LISTING_LIMIT)
        except (requests.RequestException, AnswerTooLarge) as exc:
            code = classify_network_error(exc)[0] if isinstance(exc, requests.RequestException) else f.UNKNOWN
            raise self._listing_failed(folder, code, str(exc), retryable=True) from None
        except (botocore.exceptions.BotoCoreError, ValueError) as exc:
            raise self._listing_failed(folder, f.PROFILE_INVALID, str(exc)) from None
        with answer:
            if answer.status_code != 200:
                error = parse_s3_error(body)
                why = error.get("Message") or f"the storage answered {answer.status_code}"
                raise self._listing_failed(folder, error.get("Code") or f"HTTP{answer.status_code}", why,
                                           status=answer.status_code, s3_error=error,
                                           server_date=answer.headers.get("Date"))
        return body

    def _listing_failed(self, folder: str, code: str, why: str, *, status: int | None = None,
                        retryable: bool = False, s3_error: dict[str, str] | None = None,
                        server_date: str | None = None) -> UploadError:
        return UploadError(Failure(code=code, http_status=status, stage=f.STAGE_SIGN, signer=self.name,
                                   retryable=retryable, s3_error=s3_error or {}, server_date=server_date,
                                   message=f"The destination's folder '{folder}' could not be listed: {why}"))

    def _http(self) -> requests.Session:
        if self._session is None:
            self._session = make_session()
            self._owns_session = True
        return self._session

    def stored_object(self, key: str) -> StoredObject | None:
        """The object under ``key``, None when there is none: a HEAD signed like the uploads (with the storage's
        time, core/clock.py) and sent through the engine's connections."""
        def failed(code: str, why: str, *, status: int | None = None, retryable: bool = False) -> UploadError:
            return UploadError(Failure(code=code, http_status=status, stage=f.STAGE_SIGN, signer=self.name,
                                       retryable=retryable,
                                       message=f"Whether '{key}' is already stored could not be checked: {why}"))

        try:
            url = self._link_signer().on_object("HEAD", key, {}, {}, 300)
            answer = self._http().head(url, timeout=(CONNECT_TIMEOUT, 60), allow_redirects=False)
        except requests.RequestException as exc:
            code, why = classify_network_error(exc)
            raise failed(code, why, retryable=True) from None
        except (botocore.exceptions.BotoCoreError, ValueError) as exc:
            raise failed(f.PROFILE_INVALID, str(exc)) from None
        with answer:
            if answer.status_code == 404:
                return None
            if answer.status_code != 200:  # a HEAD's refusal has no body to name its reason
                raise failed(f"HTTP{answer.status_code}", f"the storage answered {answer.status_code}",
                             status=answer.status_code, retryable=answer.status_code >= 500)
            return StoredObject(size=int(answer.headers.get("Content-Length") or 0),
                                etag=answer.headers.get("ETag") or "")

    def storage_origin(self) -> str | None:
        try:
            parts = urlsplit(self._link_signer().address.bucket_url())
        except (botocore.exceptions.BotoCoreError, ValueError):
            return None  # a profile that cannot sign says so when a file is sent
        return f"{parts.scheme}://{parts.netloc}"

    def describe(self) -> dict[str, str]:
        return describe_local(self.profile)

    def close(self) -> None:
        with self._made:
            if self._client is not None:
                self._client.close()
        if self._owns_session and self._session is not None:
            self._session.close()
