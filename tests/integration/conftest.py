"""A throwaway user for the file-manager tests: HOME and the XDG folders in temp dirs, a stub launcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from desktop_uploader.integration import Target
from tests.integration.helpers import StubLauncher


@pytest.fixture
def fake_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "APPDATA"):
        monkeypatch.delenv(name, raising=False)
    # The system-wide config folder too, so the machine's own /etc/xdg/Thunar/uca.xml plays no part.
    system = tmp_path / "etc-xdg"
    system.mkdir()
    monkeypatch.setenv("XDG_CONFIG_DIRS", str(system))
    return home


@pytest.fixture
def stub(tmp_path: Path) -> StubLauncher:
    return StubLauncher.create(tmp_path / "stub")


@pytest.fixture
def linux_target(fake_home: Path, stub: StubLauncher) -> Target:
    return Target.current_user("linux", launcher=stub.launcher)
