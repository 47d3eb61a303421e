"""``integrate install|uninstall|status`` for one user on one platform."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from desktop_uploader.core import paths
from desktop_uploader.integration import linux, macos, plan, windows
from desktop_uploader.integration.common import (
    PLATFORMS,
    IntegrationError,
    Launcher,
    app_icon_pngs,
    app_icon_svg,
    current_platform,
)
from desktop_uploader.integration.registry import RegistryWriter, WinRegistry
from desktop_uploader.integration.shortcuts import PowerShellShortcuts, ShortcutWriter


@dataclass
class Target:
    """Whose desktop, which platform's file managers, and the command they should run."""

    platform: str
    home: Path
    launcher: Launcher
    manifest_path: Path
    environ: Mapping[str, str] = field(default_factory=dict)
    registry: RegistryWriter | None = None
    shortcuts: ShortcutWriter | None = None
    icon_svg: Path | None = None
    icon_pngs: dict[int, Path] = field(default_factory=dict)

    @classmethod
    def current_user(cls, platform: str | None = None, launcher: Launcher | None = None) -> Target:
        platform = platform or current_platform()
        if platform not in PLATFORMS:
            raise IntegrationError(f"Unknown platform {platform!r}; choose one of {', '.join(PLATFORMS)}.")
        native_windows = platform == "windows" and sys.platform == "win32"
        return cls(
            platform=platform,
            home=Path.home(),
            launcher=launcher or Launcher.detect(platform),
            # One record per platform: files generated for another OS must not be confused with our own.
            manifest_path=paths.data_dir() / f"integration-{platform}.json",
            environ=dict(os.environ),
            registry=WinRegistry() if native_windows else None,
            shortcuts=PowerShellShortcuts() if native_windows else None,
            icon_svg=app_icon_svg(),
            icon_pngs=app_icon_pngs(),
        )

    @property
    def environment(self) -> plan.Environment:
        return plan.Environment(self.manifest_path, self.registry, self.shortcuts)

    def _platform_plan(self) -> plan.Plan:
        if self.platform == "linux":
            return linux.plan(linux.XdgDirs.from_env(self.home, self.environ), self.launcher, self.icon_svg,
                              self.icon_pngs)
        if self.platform == "windows":
            appdata = self.environ.get("APPDATA")
            return windows.plan(Path(appdata) if appdata else None, self.launcher)
        if self.platform == "macos":
            return macos.plan(self.home, self.launcher)
        raise IntegrationError(f"Unknown platform {self.platform!r}.")

    def plan(self) -> plan.Plan:
        made = self._platform_plan()
        if self.launcher.note:
            made.notes.append(self.launcher.note)
        return made

    def _refresh(self) -> None:
        if self.platform == "windows" and self.registry is not None:
            windows.notify_explorer()
        if self.platform == "macos":
            macos.refresh_services()


def install(target: Target, *, dry_run: bool = False) -> plan.Report:
    """Write every component (skipping those that would overwrite something not ours); or only say what."""
    the_plan = target.plan()
    if dry_run:
        return plan.preview(the_plan)
    report = plan.install(the_plan, target.environment)
    target._refresh()
    return report


def uninstall(target: Target) -> plan.Report:
    """Remove exactly what the last install wrote."""
    report = plan.uninstall(target.environment)
    report.platform = target.platform
    target._refresh()
    return report


def status(target: Target) -> plan.Report:
    return plan.status(target.plan(), target.environment)
