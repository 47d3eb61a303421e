"""The one place that knows where the files shipped in ``resources/`` are: error catalogs, icons, translations.

They are the package data of ``desktop_uploader.resources`` (pyproject.toml builds that package from the
``resources/`` folder at the top of the repository), found through importlib.resources, so the same code reads
them from an installed wheel, a zip on ``sys.path`` and the PyInstaller build. Only a checkout run without
installing it (``PYTHONPATH`` pointing at the repository) has no such package; there the folder itself is used.

Text is read straight from the package (:func:`read_text`). Qt opens files by name, so :func:`path` gives a real
folder or file, copied once into a private temporary folder when the package lives inside a zip.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path

PACKAGE = "desktop_uploader.resources"


@functools.cache
def root() -> Traversable:
    """The top of the shipped files."""
    try:
        return resources.files(PACKAGE)
    except ModuleNotFoundError:
        # A checkout on PYTHONPATH: the folder the package is built from.
        return Path(__file__).resolve().parent.parent / "resources"


def files(*parts: str) -> Traversable:
    """``resources/<parts>``, which may not exist."""
    node = root()
    for part in parts:
        node = node / part
    return node


def read_text(*parts: str) -> str | None:
    """The UTF-8 text of ``resources/<parts>``, or ``None`` if there is no such file."""
    node = files(*parts)
    return node.read_text(encoding="utf-8") if node.is_file() else None


@functools.cache
def path(*parts: str) -> Path:
    """``resources/<parts>`` as a path in the file system, for libraries that open files by name."""
    node = files(*parts)
    if isinstance(node, Path):
        return node
    target = _extraction_dir().joinpath(*parts)
    if node.is_dir() or node.is_file():
        _copy(node, target)
    return target


@functools.cache
def _extraction_dir() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="desktop-uploader-resources-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return folder


def _copy(node: Traversable, target: Path) -> None:
    if node.is_dir():
        target.mkdir(parents=True, exist_ok=True)
        for child in node.iterdir():
            _copy(child, target / child.name)
    elif not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(node.read_bytes())
