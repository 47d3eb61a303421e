"""What several window tests do: make files, drop them on the window as a file manager does, read states."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDragEnterEvent, QDropEvent
from PySide6.QtWidgets import QApplication

from desktop_uploader.core.models import JobState


def files_in(root: Path, spec: dict[str, bytes]) -> list[Path]:
    made = []
    for rel, data in spec.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        made.append(path)
    return made


def mime_of(paths: list[Path]) -> QMimeData:
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(p)) for p in paths])
    return mime


def drop(window: Any, paths: list[Path]) -> None:
    """Drag the paths over the window and drop them, as a file manager does."""
    mime = mime_of(paths)
    target = window.queue_tab.view.viewport()
    pos = QPointF(target.rect().center())
    try:  # newer bindings take the floating-point position and deprecate the integer one
        enter = QDragEnterEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,  # type: ignore[arg-type,unused-ignore]
                                Qt.KeyboardModifier.NoModifier)
    except TypeError:
        enter = QDragEnterEvent(pos.toPoint(), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, enter)
    assert enter.isAccepted()
    event = QDropEvent(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(window, event)
    assert event.isAccepted()


def states(window: Any) -> list[JobState]:
    return [r.state for r in window.model.rows()]
