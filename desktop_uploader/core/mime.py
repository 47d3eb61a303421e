"""The Content-Type sent with an upload, worked out from the file name alone.

The same string is used when a link is signed and when the bytes are sent, so it must not depend on the
machine: the table here ignores the system's mime.types files and the Windows registry, both of which
differ from one computer to the next and would make the same file get a different type on each.
"""

from __future__ import annotations

import mimetypes
import os
import posixpath

DEFAULT_CONTENT_TYPE = "application/octet-stream"

# Extensions the standard library either lacks or labels differently between Python versions. Entries here
# win over the standard table. Compressed files get the compressor's own type because uploads never set
# Content-Encoding: "report.csv.gz" stored as text/csv would reach a browser as gzip bytes posing as text.
_ADDITIONS: dict[str, str] = {
    # Images, including the formats phones and cameras produce.
    ".heic": "image/heic",
    ".heics": "image/heic-sequence",
    ".heif": "image/heif",
    ".heifs": "image/heif-sequence",
    ".webp": "image/webp",
    ".avif": "image/avif",
    ".jxl": "image/jxl",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".gif": "image/gif",
    ".tif": "image/tiff",
    ".tiff": "image/tiff",
    ".svg": "image/svg+xml",
    ".psd": "image/vnd.adobe.photoshop",
    # Camera raw files.
    ".dng": "image/x-adobe-dng",
    ".cr2": "image/x-canon-cr2",
    ".cr3": "image/x-canon-cr3",
    ".crw": "image/x-canon-crw",
    ".nef": "image/x-nikon-nef",
    ".nrw": "image/x-nikon-nrw",
    ".arw": "image/x-sony-arw",
    ".srf": "image/x-sony-srf",
    ".sr2": "image/x-sony-sr2",
    ".orf": "image/x-olympus-orf",
    ".rw2": "image/x-panasonic-rw2",
    ".raf": "image/x-fuji-raf",
    ".pef": "image/x-pentax-pef",
    ".srw": "image/x-samsung-srw",
    ".3fr": "image/x-hasselblad-3fr",
    ".iiq": "image/x-phaseone-iiq",
    # Audio and video.
    ".mkv": "video/x-matroska",
    ".mk3d": "video/x-matroska",
    ".mka": "audio/x-matroska",
    ".webm": "video/webm",
    ".mp4": "video/mp4",
    ".m4v": "video/mp4",
    ".mov": "video/quicktime",
    ".avi": "video/x-msvideo",
    ".ogv": "video/ogg",
    ".m4a": "audio/mp4",
    ".mp3": "audio/mpeg",
    # RFC 7845: Opus in a file is an Ogg stream; audio/opus names the bare RTP payload.
    ".opus": "audio/ogg",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".aac": "audio/aac",
    # Geodata.
    ".geojson": "application/geo+json",
    ".gpkg": "application/geopackage+sqlite3",
    ".kml": "application/vnd.google-earth.kml+xml",
    ".kmz": "application/vnd.google-earth.kmz",
    ".gpx": "application/gpx+xml",
    ".las": "application/vnd.las",
    ".laz": "application/vnd.laszip",
    # Text and data. text/* carries no charset: it would have to be guessed, and a guess could differ
    # between the signed request and the one sent.
    ".txt": "text/plain",
    ".csv": "text/csv",
    ".tsv": "text/tab-separated-values",
    ".md": "text/markdown",
    ".markdown": "text/markdown",
    ".html": "text/html",
    ".htm": "text/html",
    ".css": "text/css",
    # RFC 9239; older Pythons say application/javascript.
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".json": "application/json",
    ".ndjson": "application/x-ndjson",
    ".xml": "application/xml",
    ".yaml": "application/yaml",
    ".yml": "application/yaml",
    ".toml": "application/toml",
    ".parquet": "application/vnd.apache.parquet",
    ".sqlite": "application/vnd.sqlite3",
    ".pdf": "application/pdf",
    ".rtf": "application/rtf",
    ".epub": "application/epub+zip",
    # Office documents.
    ".doc": "application/msword",
    ".xls": "application/vnd.ms-excel",
    ".ppt": "application/vnd.ms-powerpoint",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    # Archives and compressed files.
    ".zip": "application/zip",
    ".7z": "application/x-7z-compressed",
    ".rar": "application/vnd.rar",
    ".tar": "application/x-tar",
    ".gz": "application/gzip",
    ".tgz": "application/gzip",
    ".taz": "application/gzip",
    ".tz": "application/gzip",
    ".svgz": "application/gzip",
    ".bz2": "application/x-bzip2",
    ".tbz": "application/x-bzip2",
    ".tbz2": "application/x-bzip2",
    ".xz": "application/x-xz",
    ".txz": "application/x-xz",
    ".z": "application/x-compress",
    ".br": "application/x-brotli",
    ".zst": "application/zstd",
    ".tzst": "application/zstd",
    ".lz4": "application/x-lz4",
}


def _build_table() -> dict[str, str]:
    # filenames=() keeps the instance to the standard library's built-in table; only the module-level
    # functions consult /etc/mime.types and the registry.
    db = mimetypes.MimeTypes(filenames=())
    strict, common = db.types_map
    table: dict[str, str] = {}
    # The non-strict table holds widely used but unregistered types; strict ones take precedence.
    for source in (common, strict, _ADDITIONS):
        for ext, content_type in source.items():
            table[ext.lower()] = content_type
    return table


_TABLE = _build_table()


def _file_name(path: str | os.PathLike[str]) -> str:
    text = os.fspath(path)
    # Both separators count, so a Windows path gives the same answer on any system.
    return text.replace("\\", "/").rsplit("/", 1)[-1]


def content_type_for(path: str | os.PathLike[str]) -> str:
    """The Content-Type for a file, from its extension; application/octet-stream when unknown."""
    # Our own lookup rather than guess_type(): guess_type reads the name as a URL (a name like
    # "data:x.txt" is parsed as a data: URL) and splits off .gz as an encoding.
    _, ext = posixpath.splitext(_file_name(path))
    if not ext:
        return DEFAULT_CONTENT_TYPE
    return _TABLE.get(ext.lower(), DEFAULT_CONTENT_TYPE)
