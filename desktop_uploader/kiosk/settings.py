"""Kiosk mode's settings: the values of the kiosk table in :mod:`desktop_uploader.core.settings` as one
object, the rules between them, and where they are read from and saved to."""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from desktop_uploader.core import settings as spec
from desktop_uploader.core.config import Config
from desktop_uploader.core.keys import KeyTemplateError, validate_template
from desktop_uploader.core.locked import LockdownError, LockedConfig, apply_locked, load_admin_locks
from desktop_uploader.core.settings import AFTER_KEEP, DEFAULT_KIOSK_TEMPLATE, SECTION_KIOSK

log = logging.getLogger(__name__)


@dataclass
class KioskSettings:
    """The kiosk table's values (names, types and defaults as declared there)."""

    enabled: bool = False
    profile: str = ""
    watch_folders: list[str] = field(default_factory=list)
    stable_seconds: float = 3.0
    after_upload: str = AFTER_KEEP
    sent_folder: str = ""
    unmetered_only: bool = False
    device_name: str = ""
    key_template: str = DEFAULT_KIOSK_TEMPLATE
    ask_operator: bool = True

    def validate(self) -> None:
        """Each value against its declared limits, then the rules between values."""
        try:
            spec.check_section(SECTION_KIOSK, self.to_dict())
        except spec.SettingError as exc:
            raise LockdownError(str(exc)) from None
        if self.after_upload != AFTER_KEEP and not self.sent_folder:
            raise LockdownError(f"kiosk.after_upload '{self.after_upload}' needs kiosk.sent_folder.")
        if self.sent_folder:
            sent = Path(os.path.abspath(self.sent_folder))
            for folder in self.watch_folders:
                if Path(os.path.abspath(folder)).is_relative_to(sent):
                    raise LockdownError(f"The watch folder {folder} lies inside the sent folder.")
        if self.key_template:
            try:
                validate_template(self.key_template)
            except KeyTemplateError as exc:
                raise LockdownError(f"kiosk.key_template: {exc}") from None

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> KioskSettings:
        settings = cls()
        settings.update(data)
        return settings

    def update(self, data: Mapping[str, Any]) -> None:
        """Take checked values from ``data``; LockdownError names an unknown setting or a wrong type."""
        try:
            checked = spec.check_section(SECTION_KIOSK, data)
        except spec.SettingError as exc:
            raise LockdownError(str(exc)) from None
        for name, value in checked.items():
            setattr(self, name, value)


def kiosk_settings(config: Config, locked: LockedConfig | None = None) -> KioskSettings:
    """The kiosk settings in effect: the user's (a damaged value falls back to its default), with the
    locked ones laid over them."""
    settings = KioskSettings.from_dict(spec.read(SECTION_KIOSK, config.settings.get(SECTION_KIOSK)))
    if locked is not None:
        settings.update(locked.kiosk)
    return settings


def save_kiosk_settings(config: Config, wanted: KioskSettings, locked: LockedConfig) -> list[str]:
    """Store the kiosk settings the user may change into ``config`` (the user's own) and save it.

    Locked values are never written, whatever ``wanted`` says; returns the names that were left out
    because they are locked and differ from the locked value.
    """
    wanted.validate()
    current = dict(config.settings.get(SECTION_KIOSK) or {})
    refused: list[str] = []
    for name, value in wanted.to_dict().items():
        if name in locked.kiosk:
            if locked.kiosk[name] != value:
                refused.append(name)
            continue
        current[name] = value
    config.settings[SECTION_KIOSK] = current
    config.save()
    return refused


def load_kiosk_locked(option: str | os.PathLike[str] | None = None) -> LockedConfig:
    """The locked configuration in force (see core.locked.load_admin_locks) as kiosk mode needs it: also the
    admin's PIN record must be valid."""
    from desktop_uploader.kiosk.pin import PinError, validate_record

    locked = load_admin_locks(option)
    if locked.admin_pin is not None:
        try:
            validate_record(locked.admin_pin)
        except PinError as exc:
            raise LockdownError(f"admin_pin in the locked configuration: {exc}") from None
    return locked


def load_kiosk_config(*, locked_path: str | os.PathLike[str] | None = None, profile: str | None = None,
                      watch: Sequence[str] = ()) -> tuple[Config, LockedConfig, Config, KioskSettings]:
    """(user config, locked config, effective config, kiosk settings) with command-line choices applied
    where the locked configuration allows them."""
    locked = load_kiosk_locked(locked_path)
    user_config = Config.load()
    effective = apply_locked(user_config, locked)
    settings = kiosk_settings(effective)
    if profile and "profile" not in locked.kiosk:
        settings.profile = profile
    elif profile and profile != settings.profile:
        log.warning("--profile %s ignored: the locked configuration fixes the profile", profile)
    if watch and "watch_folders" not in locked.kiosk:
        settings.watch_folders = [*settings.watch_folders,
                                  *(str(Path(w).absolute()) for w in watch if str(Path(w).absolute())
                                    not in settings.watch_folders)]
    elif watch:
        log.warning("--watch ignored: the locked configuration fixes the watch folders")
    settings.validate()
    return user_config, locked, effective, settings
