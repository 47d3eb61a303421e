"""Turning what the user drops or pastes into file paths."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QUrl

# Nautilus and other GNOME apps put copied files on the clipboard in this form ("copy\nfile:///...").
GNOME_COPIED_FILES = "x-special/gnome-copied-files"


def paths_from_mime(mime: QMimeData) -> list[str]:
    """Local file and folder paths in drag-and-drop or clipboard data; other URLs are ignored."""
    paths: list[str] = []
    if mime.hasUrls():
        paths = [url.toLocalFile() for url in mime.urls() if url.isLocalFile()]
    if not paths and mime.hasFormat(GNOME_COPIED_FILES):
        raw = bytes(mime.data(GNOME_COPIED_FILES).data()).decode("utf-8", "replace")
        paths = [QUrl(line.strip()).toLocalFile() for line in raw.splitlines()[1:]
                 if line.strip().startswith("file://")]
    if not paths and mime.hasText():
        for line in mime.text().splitlines():
            line = line.strip()
            if line.startswith("file://"):
                paths.append(QUrl(line).toLocalFile())
            elif line.startswith("/"):
                paths.append(line)
    return [p for p in paths if p]
