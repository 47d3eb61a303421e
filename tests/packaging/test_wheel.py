"""The app as people install it: built into an sdist and a wheel, the wheel installed into a fresh virtualenv.

Everything runs from a temporary working folder with the installed interpreter, so nothing can come from this
checkout: the version, an explanation from the error catalog, an upload through the preflight (which reads the
same catalog) and the window with its icons and German translation. The new virtualenv gets the third-party
dependencies through a ``.pth`` line naming the test environment's site-packages (whose editable install of this
project is not activated that way), so no download is needed and the run stays short.
"""

from __future__ import annotations

import json
import os
import site
import subprocess
import sys
import venv
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from desktop_uploader import __version__
from desktop_uploader.devserver import SeaweedServer

ROOT = Path(__file__).resolve().parents[2]
WINDOW_CHECK = Path(__file__).with_name("window_check.py")

pytestmark = pytest.mark.packaging


@dataclass(frozen=True)
class InstalledApp:
    wheel: Path
    sdist: Path
    python: Path
    program: Path
    workdir: Path
    env: dict[str, str]

    def run(self, *argv: str | Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
        return subprocess.run([str(a) for a in argv], cwd=self.workdir, env=self.env, capture_output=True,
                              text=True, timeout=timeout, check=False)


def _build(outdir: Path) -> tuple[Path, Path]:
    """The sdist, and the wheel built from it (as pip and pipx build one from the repository)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # else setuptools warns
    done = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(outdir), str(ROOT)],
                          capture_output=True, text=True, env=env, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    warnings = [line for line in (done.stdout + done.stderr).splitlines() if "warning" in line.lower()]
    assert warnings == []
    (wheel,) = outdir.glob("*.whl")
    (sdist,) = outdir.glob("*.tar.gz")
    return wheel, sdist


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InstalledApp]:
    base = tmp_path_factory.mktemp("wheel")
    wheel, sdist = _build(base / "dist")
    target = base / "venv"
    venv.EnvBuilder(with_pip=False).create(target)
    python = target / "bin" / "python"
    done = subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet", "--no-deps",
                           "--no-index", str(wheel)], capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (purelib,) = target.glob("lib/python3*/site-packages")
    (purelib / "test-dependencies.pth").write_text("\n".join(site.getsitepackages()) + "\n", encoding="utf-8")

    home = base / "home"
    work = base / "work"
    runtime = base / "runtime"
    for folder in (home, work, runtime):
        folder.mkdir(mode=0o700)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTHON", "DESKTOP_UPLOADER", "XDG_"))}
    env.update(HOME=str(home), DESKTOP_UPLOADER_HOME=str(home / "app"), XDG_RUNTIME_DIR=str(runtime),
               QT_QPA_PLATFORM="offscreen", PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", LANG="C.UTF-8")
    yield InstalledApp(wheel, sdist, python, target / "bin" / "desktop-uploader", work, env)


def test_wheel_and_sdist_carry_the_resources(installed: InstalledApp) -> None:
    shipped = {p.relative_to(ROOT / "resources").as_posix() for p in (ROOT / "resources").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts}
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    assert {f"desktop_uploader/resources/{name}" for name in shipped} <= names
    done = subprocess.run(["tar", "-tzf", str(installed.sdist)], capture_output=True, text=True, check=True)
    top = f"desktop_uploader-{__version__}"
    assert {f"{top}/resources/{name}" for name in shipped} <= set(done.stdout.splitlines())


def test_the_installed_app_is_the_one_running(installed: InstalledApp) -> None:
    done = installed.run(installed.python, "-c", "import desktop_uploader, desktop_uploader.resource_files as r; "
                         "print(desktop_uploader.__file__); print(r.root())")
    assert done.returncode == 0, done.stderr
    module, resources = done.stdout.splitlines()
    venv_dir = installed.python.parent.parent
    assert Path(module).is_relative_to(venv_dir) and Path(resources).is_relative_to(venv_dir)


def test_version_is_the_one_in_the_package(installed: InstalledApp) -> None:
    assert installed.wheel.name.startswith(f"desktop_uploader-{__version__}-")
    done = installed.run(installed.program, "--version")
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"desktop-uploader {__version__}"


def test_explains_a_recorded_error(installed: InstalledApp, seaweed: SeaweedServer, bucket: str) -> None:
    link = seaweed.client().generate_presigned_url("get_object", Params={"Bucket": bucket, "Key": "missing.txt"})
    answer = requests.get(link, timeout=30)
    assert answer.status_code == 404
    recorded = installed.workdir / "response.xml"
    recorded.write_bytes(answer.content)

    done = installed.run(installed.program, "explain", recorded.name, "--status", "404")
    assert done.returncode == 0, done.stderr
    assert "Explanation code: NoSuchKey" in done.stdout
    # Word for word what this checkout says: the installed catalog is the real one.
    source = subprocess.run([sys.executable, "-m", "desktop_uploader", "explain", str(recorded), "--status", "404"],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=60,
                            check=False)
    assert source.returncode == 0, source.stderr
    assert done.stdout == source.stdout


def test_uploads_a_file_past_the_preflight(installed: InstalledApp, seaweed: SeaweedServer, bucket: str,
                                           reference_endpoint: Any) -> None:
    data = os.urandom(1024 * 1024)  # files from 256 KiB on are checked against the catalog before sending
    (installed.workdir / "survey.bin").write_bytes(data)
    added = installed.run(installed.program, "profile", "add", "office", "--endpoint", reference_endpoint.sign_url)
    assert added.returncode == 0, added.stderr
    done = installed.run(installed.program, "upload", "survey.bin", "--profile", "office", "--prefix", "wheel/",
                         "--json")
    assert done.returncode == 0, done.stdout + done.stderr
    events = [json.loads(line) for line in done.stdout.splitlines()]
    assert [e["key"] for e in events if e["event"] == "done"] == ["wheel/survey.bin"]
    assert seaweed.client().get_object(Bucket=bucket, Key="wheel/survey.bin")["Body"].read() == data


def test_window_has_its_icons_and_german_translation(installed: InstalledApp) -> None:
    done = installed.run(installed.python, "-I", WINDOW_CHECK)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "ok"
    assert done.stderr == ""


def test_resources_are_read_from_the_wheel_as_a_zip(installed: InstalledApp) -> None:
    # A zip on sys.path (as some bundlers ship the app): text is read in place, Qt gets extracted copies.
    code = ("import sys; sys.path.insert(0, sys.argv[1]); "
            "import desktop_uploader, desktop_uploader.resource_files as r; "
            "from desktop_uploader.core.explain.catalog import load_catalog; "
            "assert desktop_uploader.__file__.startswith(sys.argv[1]), desktop_uploader.__file__; "
            "assert load_catalog().entries; icon = r.path('icons', 'app.svg'); "
            "print(type(r.root()).__module__.split('.')[0], icon, icon.read_text()[:4])")
    done = installed.run(installed.python, "-I", "-c", code, installed.wheel)
    assert done.returncode == 0, done.stderr
    kind, extracted, start = done.stdout.split()
    assert kind == "zipfile" and start == "<svg"
    assert Path(extracted).name == "app.svg" and not Path(extracted).exists()  # removed when the program ended
