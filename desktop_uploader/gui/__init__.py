"""The desktop window: a thin Qt frontend over :class:`desktop_uploader.core.engine.Engine`.

Importing this package does not import Qt; :func:`run_gui` does, so the command line stays fast.
"""

from __future__ import annotations

from collections.abc import Callable


def run_gui(paths: list[str], *, profile: str | None = None, minimized: bool = False,
            on_ready: Callable[[], None] | None = None) -> int:
    """Open the window with *paths* queued (*minimized*: in the tray, as at login); *on_ready* runs once it
    is listening."""
    from desktop_uploader.gui.app import run_gui as _run

    return _run(paths, profile=profile, minimized=minimized, on_ready=on_ready)


__all__ = ["run_gui"]
