"""Wiring: configuration + locked settings + keychain -> signers -> an Engine over the queue database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import requests

from desktop_uploader.core import failure as f
from desktop_uploader.core import settings as spec
from desktop_uploader.core.config import (
    KIND_LOCAL,
    PROTOCOL_COMPANION,
    Config,
    ConfigError,
    Profile,
    ProfileError,
)
from desktop_uploader.core.engine import Engine, EngineSettings, SignerFactory
from desktop_uploader.core.failure import Failure, UploadError
from desktop_uploader.core.locked import LockedConfig, effective_config
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.pacing import profile_concurrency_range
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.retry import RetryPolicy
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import Signer
from desktop_uploader.core.signers.companion import CompanionSigner
from desktop_uploader.core.signers.endpoint import EndpointSigner
from desktop_uploader.core.store import JobStore


def explain_failure(failure: Failure, link: SignedRequest | None) -> dict[str, Any]:
    from desktop_uploader.core.explain import explain

    return explain(failure, link=link).to_dict()


def make_signer(profile: Profile, session: requests.Session, secrets: SecretStore) -> Signer:
    try:
        profile.validate()
    except ProfileError as exc:
        raise UploadError(Failure(code=f.PROFILE_INVALID, stage=f.STAGE_LOCAL, message=str(exc))) from None
    signer: Signer
    if profile.kind == KIND_LOCAL:
        # botocore takes a noticeable part of a second to import; endpoint users never need it.
        from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner

        signer = LocalMultipartSigner(profile, secrets, session)
    elif profile.protocol == PROTOCOL_COMPANION:
        signer = CompanionSigner(profile, session, secrets)
    else:
        signer = EndpointSigner(profile, session, secrets)
    signer.if_exists = profile.if_exists
    return signer


def signer_factory(config: Config, secrets: SecretStore,
                   extra: Mapping[str, Profile] | None = None,
                   locked: LockedConfig | None = None) -> SignerFactory:
    """Signers by profile name: saved profiles, plus profiles that live only for this run.

    ``config`` is read each time a signer is made, so edits saved in it reach the next upload; the
    admin's ``locked`` values are laid over it then, so they always win."""
    extra = dict(extra or {})

    def factory(name: str, session: requests.Session) -> Signer:
        profile = extra.get(name)
        if profile is None:
            try:
                profile = effective_config(config, locked).get(name)
            except ConfigError as exc:
                raise UploadError(Failure(code=f.PROFILE_MISSING, stage=f.STAGE_LOCAL, message=str(exc))) \
                    from None
        return make_signer(profile, session, secrets)

    return factory


@dataclass(frozen=True)
class EngineOptions:
    """What a frontend may choose beyond the saved settings (the command line's flags, a test's policy).

    ``rate_limit`` may only slow uploads further: when the admin has locked a limit, the lower one wins."""

    rate_limit: int | None = None  # bytes per second
    verify_md5: bool = True
    retry: RetryPolicy | None = None
    concurrency: int | None = None


def engine_settings(effective: Config, profile: Profile | None, locked: LockedConfig | None = None,
                    options: EngineOptions | None = None) -> EngineSettings:
    """The engine's settings from the effective configuration (the user's with the locked values laid over
    them), the chosen profile and the frontend's options."""
    options = options or EngineOptions()
    settings = EngineSettings(verify_md5=options.verify_md5, retry=options.retry or RetryPolicy(), adaptive=True)
    settings.concurrency, settings.max_concurrency = profile_concurrency_range(options.concurrency, profile)
    if profile is not None:
        settings.multipart_threshold = profile.multipart_threshold
    app = spec.read(spec.SECTION_APP, effective.settings)
    saved = app[spec.RATE_LIMIT_KIB] * 1024 or None
    admin_locked = locked is not None and spec.RATE_LIMIT_KIB in locked.settings
    if options.rate_limit is None:
        settings.rate_limit = saved
    elif admin_locked and saved is not None:
        settings.rate_limit = min(options.rate_limit, saved)
    else:
        settings.rate_limit = options.rate_limit
    return settings


def open_engine(config: Config, *, locked: LockedConfig | None = None, profile: str | None = None,
                secrets: SecretStore | None = None, options: EngineOptions | None = None,
                settings: EngineSettings | None = None, profiles: Iterable[str] | None = None,
                extra: Mapping[str, Profile] | None = None, store: JobStore | None = None,
                queue_path: Path | None = None, session: requests.Session | None = None) -> Engine:
    """The one recipe that builds the engine for the window, kiosk mode and the command line.

    ``config`` is the user's own configuration and ``locked`` the admin's; the engine's settings follow from
    both and the chosen ``profile`` (an ``extra`` profile that lives only for this run counts too) unless a
    caller passes ``settings`` whole. The engine owns the queue database it opens here (at ``queue_path``, else
    the app's own) and closes it in
    ``Engine.close()``; a ``store`` passed in stays the caller's to close. A ``session`` (core/http.make_session)
    passed in becomes the engine's, with the connections already opened in it (core/warmup.connect_for_run)."""
    if settings is None:
        effective = effective_config(config, locked)
        chosen = (extra or {}).get(profile or "") or _profile_or_none(effective, profile)
        settings = engine_settings(effective, chosen, locked, options)
    queue = store or JobStore(queue_path or queue_db_path())
    try:
        return Engine(
            queue,
            signer_factory(config, secrets or SecretStore(), extra, locked),
            settings=settings,
            explainer=explain_failure,
            profiles=profiles,
            owns_store=store is None,
            session=session,
        )
    except BaseException:
        if store is None:
            queue.close()  # opened here and never handed over: the caller cannot close it
        raise


def _profile_or_none(config: Config, name: str | None) -> Profile | None:
    try:
        return config.get(name)
    except ConfigError:
        return None
