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
    # And the system-wide data folders, so a package installed on this machine adds nothing either.
    monkeypatch.setenv("XDG_DATA_DIRS", str(tmp_path / "usr-share"))
    return home


@pytest.fixture
def system_data(fake_home: Path, tmp_path: Path) -> Path:
    """The system-wide data folder (``/usr/share`` on a real system) the throwaway user's desktop reads."""
    folder = tmp_path / "usr-share"
    folder.mkdir()
    return folder


@pytest.fixture
def stub(tmp_path: Path) -> StubLauncher:
    return StubLauncher.create(tmp_path / "stub")


@pytest.fixture
def linux_target(fake_home: Path, stub: StubLauncher) -> Target:
    return Target.current_user("linux", launcher=stub.launcher)
