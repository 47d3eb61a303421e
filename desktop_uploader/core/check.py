"""Connection test: sign and upload a tiny probe object, remove it where allowed, measure clock skew."""

from __future__ import annotations

import io
import time
import uuid
from dataclasses import asdict, dataclass, field
from typing import Any

import requests

from desktop_uploader.core import clock
from desktop_uploader.core import failure as f
from desktop_uploader.core.clock import clock_note, date_header_time
from desktop_uploader.core.config import IF_EXISTS_OVERWRITE, KIND_ENDPOINT, Profile
from desktop_uploader.core.explain import explain, preflight
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.form_upload import post_file
from desktop_uploader.core.http import route_notes
from desktop_uploader.core.keys import join_prefix
from desktop_uploader.core.models import SignedRequest, UploadTarget
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import BatchPutSigner, FormSigner, ObjectRemover, PutSigner, Signer
from desktop_uploader.core.transfer import PutResult, headers_to_send, put_file

PROBE_BODY = b"desktop-uploader connection test. This object may be deleted.\n"
SKEW_LIMIT = 15 * 60  # S3 refuses requests whose time is further off than this


@dataclass
class CheckResult:
    ok: bool
    profile: str
    signer: str
    key: str
    seconds: float = 0.0
    clock_skew: float | None = None  # server minus local, seconds
    removed: bool = False
    notes: list[str] = field(default_factory=list)
    explanation: dict[str, Any] | None = None
    failure: dict[str, Any] | None = None
    batch_signing: bool | None = None  # whether the endpoint signs many files per request; None: not asked

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_connection(profile: Profile, session: requests.Session, secrets: SecretStore | None = None) -> CheckResult:
    from desktop_uploader.core.factory import make_signer

    key = join_prefix(profile.prefix, f"desktop-uploader-check-{uuid.uuid4().hex[:12]}.txt")
    result = CheckResult(ok=False, profile=profile.name, signer=profile.kind, key=key)
    started = time.monotonic()
    signer: Signer | None = None
    signed: SignedRequest | None = None
    try:
        signer = make_signer(profile, session, secrets or SecretStore())
        result.signer = signer.name
        target = UploadTarget(key, "text/plain", len(PROBE_BODY))
        if isinstance(signer, FormSigner):  # the service names the object itself
            form = signer.sign_post(target)
            put = post_file(session, form, io.BytesIO(PROBE_BODY), len(PROBE_BODY),
                            filename=key.rsplit("/", 1)[-1], content_type=target.content_type)
            result.key = (form.fields or {}).get("key") or key
            _finish(result, signer, put)
            return result
        if not isinstance(signer, PutSigner):
            raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_LOCAL,
                                      message=f"The signer '{signer.name}' cannot send single files."))
        for last_try in (False, True):  # again once when the refusal showed this computer's clock off
            signed = signer.sign_put(target)
            headers = headers_to_send(signed)
            blocking = [f for f in preflight(signed, method=signed.method, key=key, bucket=None,
                                             headers_to_send=headers, size=len(PROBE_BODY),
                                             now=clock.machine_time() + signed.clock_offset)
                        if f.blocking]
            if blocking:
                result.explanation = blocking[0].to_dict()
                return result
            try:
                put = put_file(session, signed, io.BytesIO(PROBE_BODY), len(PROBE_BODY), headers=headers)
                break
            except UploadError as exc:
                if last_try or not signer.learn_time(exc.failure):
                    raise
        _finish(result, signer, put)
        _say_whether_names_are_protected(result, signer, profile, headers)
        if isinstance(signer, BatchPutSigner) and signer.signs_remotely:
            _ask_for_batches(result, signer, target, profile.batch_signing)
    except UploadError as exc:
        _explain_into(result, exc.failure, exc.link or signed)
    finally:
        result.seconds = round(time.monotonic() - started, 3)
        if signer is not None:
            signer.close()
    signing_service = profile.endpoint_url if profile.kind == KIND_ENDPOINT else ""
    storage = signed.url if signed is not None else profile.s3_endpoint_url
    result.notes += route_notes(session, [url for url in (signing_service, storage) if url])
    return result


def _finish(result: CheckResult, signer: Signer, put: PutResult) -> None:
    result.ok = True
    result.clock_skew = _skew(put.server_date)
    if signer.clock_offset:
        result.notes.append(clock_note(signer.clock_offset))
    elif result.clock_skew is not None and abs(result.clock_skew) > SKEW_LIMIT / 3:
        result.notes.append(f"This computer's clock is {abs(result.clock_skew) / 60:.0f} minutes off the "
                            "server's; S3 refuses requests beyond 15 minutes. Set the clock automatically.")
    result.removed = _remove(signer, result.key)
    if not result.removed:
        result.notes.append(f"The test object {result.key} was left in place: this profile may upload but not "
                            "delete.")


def _say_whether_names_are_protected(result: CheckResult, signer: Signer, profile: Profile,
                                     headers: dict[str, str]) -> None:
    """A service's link without ``If-None-Match`` lets the storage replace an object under a taken name, and the
    app, which cannot list the bucket, cannot see that coming: the profile's rule for taken names does not hold."""
    if not signer.signs_remotely or profile.if_exists == IF_EXISTS_OVERWRITE:
        return
    if any(name.lower() == "if-none-match" for name in headers):
        return
    result.notes.append(f"The signing service's links do not protect files already stored: a file whose name is "
                        f"taken there is replaced, although '{profile.name}' says '{profile.if_exists}' for taken "
                        "names. Its admin can have it sign If-None-Match into every link (the reference "
                        "endpoint: NO_OVERWRITE=true).")


def _ask_for_batches(result: CheckResult, signer: BatchPutSigner, target: UploadTarget, enabled: bool) -> None:
    """Does the endpoint also answer POST <path>/batch? Signing only: nothing is uploaded with those links."""
    try:
        [link] = signer.sign_batch([target])
        result.batch_signing = link.url.startswith(("http://", "https://"))
    except (UploadError, ValueError):
        result.batch_signing = False
    if result.batch_signing and not enabled:
        result.notes.append("The signing service can sign many files in one request, which speeds up many small "
                            f"files on slow links: turn on batch signing for '{result.profile}' "
                            "(Settings, Destination, \"Batch signing\"; or profile add ... --batch-signing).")
    elif enabled and not result.batch_signing:
        result.notes.append(f"Batch signing is on for '{result.profile}', but the signing service does not "
                            "answer batch requests; links are then fetched one by one.")


def _explain_into(result: CheckResult, failure: Failure, link: SignedRequest | None) -> None:
    explanation = explain(failure, link=link).to_dict()
    failure.explanation = explanation
    result.failure = failure.to_dict()
    result.explanation = explanation
    result.clock_skew = _skew(failure.server_date)


def _remove(signer: Signer, key: str) -> bool:
    # Signing endpoints hand out upload links only.
    return isinstance(signer, ObjectRemover) and signer.remove_object(key)


def _skew(date_header: str | None) -> float | None:
    server = date_header_time(date_header)
    return None if server is None else round(server - clock.machine_time(), 1)
