"""Wiring: profiles + keychain -> signers -> an Engine over the queue database."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import requests

from desktop_uploader.core import failure as f
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
from desktop_uploader.core.lockdown import LockedConfig, effective_config
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.secrets import SecretStore
from desktop_uploader.core.signers.base import SignedRequest, Signer
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
    if profile.kind == KIND_LOCAL:
        # boto3 takes a noticeable part of a second to import; endpoint users never need it.
        from desktop_uploader.core.signers.local_multipart import LocalMultipartSigner

        return LocalMultipartSigner(profile, secrets)
    if profile.protocol == PROTOCOL_COMPANION:
        return CompanionSigner(profile, session, secrets)
    return EndpointSigner(profile, session, secrets)


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


def open_engine(config: Config, *, secrets: SecretStore | None = None, settings: EngineSettings | None = None,
                profiles: Iterable[str] | None = None, extra: Mapping[str, Profile] | None = None,
                store: JobStore | None = None, locked: LockedConfig | None = None) -> Engine:
    queue = store or JobStore(queue_db_path())
    try:
        return Engine(
            queue,
            signer_factory(config, secrets or SecretStore(), extra, locked),
            settings=settings,
            explainer=explain_failure,
            profiles=profiles,
        )
    except BaseException:
        if store is None:
            queue.close()  # opened here and never handed over: the caller cannot close it
        raise
