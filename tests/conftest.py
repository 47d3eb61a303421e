"""Test-wide setup: headless Qt, fixture plugins, and isolation from the developer's own data."""

import os

# Without a display Qt aborts the whole process unless told to render offscreen; this must happen
# before anything imports PySide6.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# keyring picks its backend once per process, possibly while a module is being imported; make sure
# that choice can never be the developer's real keychain.
os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"

from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest

pytest_plugins = ["tests.plugins.seaweed", "tests.plugins.keychain", "tests.plugins.endpoint", "tests.plugins.wan",
                  "tests.plugins.sqlite", "tests.plugins.disk", "tests.plugins.clock"]


@pytest.fixture(autouse=True)
def isolated_app_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Give every test its own app home and a keyring that refuses to store anything.

    The app keeps its config and queue database in ``DESKTOP_UPLOADER_HOME`` when set, so no test
    reads or writes the developer's real settings, and none sees another test's. The home is a
    separate temp dir, not ``tmp_path``, so tests that inspect ``tmp_path`` don't find it there.
    Tests that need a working keyring ask for ``memory_keyring`` or ``secret_service``.
    """
    home = tmp_path_factory.mktemp("app-home")
    monkeypatch.setenv("DESKTOP_UPLOADER_HOME", str(home))
    # The administrators' folder (system-wide locked configuration, PIN record) of this test alone; empty
    # unless the test puts something there. Subprocesses see the machine's real one.
    monkeypatch.setattr("desktop_uploader.core.locked.SYSTEM_CONFIG_DIR", home / "system")
    monkeypatch.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
    previous = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    try:
        yield home
    finally:
        keyring.set_keyring(previous)
