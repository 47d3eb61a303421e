"""The desktop window: a thin Qt frontend over :class:`desktop_uploader.core.engine.Engine`.

Importing this package does not import Qt; :func:`run_gui` does, so the command line stays fast.
"""

from __future__ import annotations


def run_gui(paths: list[str], *, profile: str | None = None) -> int:
    from desktop_uploader.gui.app import run_gui as _run

    return _run(paths, profile=profile)


__all__ = ["run_gui"]
