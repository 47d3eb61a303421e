"""The Pythons the project says it supports are the ones scripts/test.sh tests (scripts/pythons.txt)."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _tested() -> list[str]:
    lines = (ROOT / "scripts" / "pythons.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]


def _project() -> dict[str, object]:
    with open(ROOT / "pyproject.toml", "rb") as fh:
        return dict(tomllib.load(fh)["project"])


def test_tested_versions_are_listed_oldest_first() -> None:
    tested = _tested()
    assert tested, "scripts/pythons.txt lists no Python"
    assert tested == sorted(tested, key=lambda v: tuple(int(n) for n in v.split(".")))


def test_pyproject_declares_exactly_the_tested_versions() -> None:
    tested = _tested()
    project = _project()
    assert project["requires-python"] == f">={tested[0]}"
    classifiers = project["classifiers"]
    assert isinstance(classifiers, list)
    declared = [c.rsplit(" :: ", 1)[1] for c in classifiers
                if c.startswith("Programming Language :: Python :: 3.")]
    assert declared == tested
