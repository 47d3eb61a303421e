"""The package keeps its shape: import-linter's contracts from pyproject.toml, run as part of the suite, and
the settings table that every surface reads."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_import_contracts_hold() -> None:
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    result = subprocess.run([exe, "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={"PYTHONPATH": str(ROOT), "PATH": str(Path(sys.executable).parent)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert "4 kept, 0 broken" in result.stdout


def test_kiosk_settings_follow_the_table() -> None:
    from dataclasses import fields

    from desktop_uploader.core import settings as spec
    from desktop_uploader.kiosk.settings import KioskSettings

    defaults = KioskSettings()
    declared = {s.name: s for s in spec.KIOSK_SETTINGS}
    assert [f.name for f in fields(KioskSettings)] == list(declared)
    for name, setting in declared.items():
        assert getattr(defaults, name) == setting.default, name
        assert isinstance(getattr(defaults, name), setting.type), name


def test_settings_table_checks_values_and_names() -> None:
    from desktop_uploader.core import settings as spec

    assert spec.check_section(spec.SECTION_APP, {"rate_limit_kib": 512}) == {"rate_limit_kib": 512}
    for bad, message in [({"rate_limit_kib": -1}, "between"), ({"rate_limit_kib": True}, "must be int"),
                         ({"colour": "red"}, "not a known setting")]:
        with pytest.raises(spec.SettingError, match=message):
            spec.check_section(spec.SECTION_APP, bad)
    # A damaged value in the user's own file falls back to its default.
    assert spec.read(spec.SECTION_APP, {"rate_limit_kib": "fast"})["rate_limit_kib"] == 0
