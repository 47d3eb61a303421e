"""Turning what the user drops or pastes into file paths, and keys into addresses they can share."""

from __future__ import annotations

from urllib.parse import quote, urlsplit

from PySide6.QtCore import QMimeData, QUrl

from desktop_uploader.core.config import KIND_LOCAL, Profile

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


def object_url(profile: Profile | None, key: str) -> str | None:
    """The object's https address, when the profile says where the bucket lives (local signing).

    An endpoint profile only knows the signing service, not the bucket, so no address can be derived.
    """
    if profile is None or profile.kind != KIND_LOCAL or not profile.bucket:
        return None
    quoted = quote(key, safe="/~")
    if profile.s3_endpoint_url:
        parts = urlsplit(profile.s3_endpoint_url.rstrip("/"))
        if profile.addressing_style == "virtual":
            return f"{parts.scheme}://{profile.bucket}.{parts.netloc}{parts.path}/{quoted}"
        return f"{parts.scheme}://{parts.netloc}{parts.path}/{profile.bucket}/{quoted}"
    if profile.addressing_style == "path" or "." in profile.bucket:
        return f"https://s3.{profile.region}.amazonaws.com/{profile.bucket}/{quoted}"
    return f"https://{profile.bucket}.s3.{profile.region}.amazonaws.com/{quoted}"
