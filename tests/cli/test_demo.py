"""The README's first command: the demo on an embedded S3 server and signing endpoint."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT), "DESKTOP_UPLOADER_HOME": str(tmp_path / "home")}


def test_demo_in_the_terminal_uploads_and_cleans_up(tmp_path: Path) -> None:
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "report 1.txt").write_text("hello")
    result = subprocess.run([sys.executable, "-m", "desktop_uploader", "demo", "--no-window",
                             str(tmp_path / "mine")], capture_output=True, text=True, timeout=180,
                            env=_env(tmp_path), check=False)
    assert result.returncode == 0, result.stderr
    assert "uploaded  " in result.stderr and "mine/report 1.txt" in result.stderr
    assert "Stopped the local S3 server" in result.stderr
    # The user's own settings and queue were not touched.
    assert not (tmp_path / "home").exists() or not any((tmp_path / "home").rglob("queue.sqlite3"))


def test_demo_window_opens_and_quits_cleanly_on_sigterm(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_text("a")
    env = {**_env(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.Popen([sys.executable, "-m", "desktop_uploader", "demo", str(tmp_path / "a.txt")],
                            stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True, env=env)
    assert proc.stderr is not None
    try:
        lines = []
        for line in proc.stderr:  # ends when the process closes stderr, so no fixed wait is needed
            lines.append(line)
            if "The window is open" in line:
                proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=60) == 0, "".join(lines)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stderr.close()
    text = "".join(lines)
    assert "Stopped the local S3 server" in text


def test_the_demo_keeps_its_keychain_entries_apart_and_removes_them(tmp_path: Path, memory_keyring: object) -> None:
    from desktop_uploader.cli.demo_cmd import _apart
    from desktop_uploader.core.config import Config, Profile
    from desktop_uploader.core.secrets import SecretStore

    user_home = os.environ["DESKTOP_UPLOADER_HOME"]
    with _apart(tmp_path / "demo-home"):
        # A destination with keys, as a person might add one in the demo window's Settings.
        config = Config.load()
        config.put(Profile(name="lab", kind="local", bucket="b"))
        config.save()
        SecretStore().set("lab", "secret_access_key", "typed-during-the-demo")
        during = dict(memory_keyring.passwords)  # type: ignore[attr-defined]
    assert os.environ["DESKTOP_UPLOADER_HOME"] == user_home
    assert [service for service, _ in during] != ["desktop-uploader"]  # not among the user's own entries
    assert memory_keyring.passwords == {}  # type: ignore[attr-defined]
    # A later destination of the same name finds nothing.
    assert SecretStore().get("lab", "secret_access_key") is None
