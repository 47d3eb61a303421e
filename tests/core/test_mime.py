from __future__ import annotations

import mimetypes
from pathlib import Path, PureWindowsPath

import pytest

from desktop_uploader.core import mime
from desktop_uploader.core.mime import DEFAULT_CONTENT_TYPE, content_type_for


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("photo.jpg", "image/jpeg"),
        ("photo.jpeg", "image/jpeg"),
        ("scan.png", "image/png"),
        ("IMG_0001.heic", "image/heic"),
        ("IMG_0001.heif", "image/heif"),
        ("banner.webp", "image/webp"),
        ("banner.avif", "image/avif"),
        ("raw.dng", "image/x-adobe-dng"),
        ("raw.cr2", "image/x-canon-cr2"),
        ("raw.cr3", "image/x-canon-cr3"),
        ("raw.nef", "image/x-nikon-nef"),
        ("raw.arw", "image/x-sony-arw"),
        ("film.mkv", "video/x-matroska"),
        ("clip.mp4", "video/mp4"),
        ("clip.mov", "video/quicktime"),
        ("voice.m4a", "audio/mp4"),
        ("voice.opus", "audio/ogg"),
        ("song.flac", "audio/flac"),
        ("song.mp3", "audio/mpeg"),
        ("area.geojson", "application/geo+json"),
        ("layers.gpkg", "application/geopackage+sqlite3"),
        ("route.kml", "application/vnd.google-earth.kml+xml"),
        ("route.kmz", "application/vnd.google-earth.kmz"),
        ("table.csv", "text/csv"),
        ("README.md", "text/markdown"),
        ("notes.txt", "text/plain"),
        ("page.html", "text/html"),
        ("app.js", "text/javascript"),
        ("data.json", "application/json"),
        ("backup.7z", "application/x-7z-compressed"),
        ("backup.zip", "application/zip"),
        ("backup.zst", "application/zstd"),
        ("table.parquet", "application/vnd.apache.parquet"),
        ("report.pdf", "application/pdf"),
        ("report.docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("sheet.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_known_extensions(name: str, expected: str) -> None:
    assert content_type_for(name) == expected


@pytest.mark.parametrize("name", ["PHOTO.JPG", "Photo.JpG", "IMG_1.HEIC", "Table.CSV", "A.GeoJSON"])
def test_extension_case_does_not_matter(name: str) -> None:
    assert content_type_for(name) == content_type_for(name.lower())
    assert content_type_for(name) != DEFAULT_CONTENT_TYPE


@pytest.mark.parametrize(
    "name",
    ["Makefile", "file.", "file.unknownext", "archive.xyz123", ".bashrc", ".jpg", "", "dir.d/"],
)
def test_unknown_or_missing_extension_falls_back(name: str) -> None:
    # A name that is only an extension (".jpg") is a hidden file with no extension, as for os.path.
    assert content_type_for(name) == DEFAULT_CONTENT_TYPE


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data.csv.gz", "application/gzip"),
        ("site.tar.gz", "application/gzip"),
        ("site.tgz", "application/gzip"),
        ("drawing.svgz", "application/gzip"),
        ("dump.sql.bz2", "application/x-bzip2"),
        ("image.tar.xz", "application/x-xz"),
        ("old.Z", "application/x-compress"),
        ("logs.tar.zst", "application/zstd"),
    ],
)
def test_compressed_files_get_the_compressor_type(name: str, expected: str) -> None:
    # No Content-Encoding is sent, so the type must describe the bytes as stored.
    assert content_type_for(name) == expected


def test_only_the_last_component_counts() -> None:
    assert content_type_for("/home/me/photos.d/holiday.png") == "image/png"
    assert content_type_for("folder.csv/notes.txt") == "text/plain"
    assert content_type_for(Path("a") / "b.csv") == "text/csv"


def test_windows_paths_work_everywhere() -> None:
    assert content_type_for("C:\\Users\\me\\Pictures\\holiday.JPG") == "image/jpeg"
    assert content_type_for(PureWindowsPath("C:/Users/me/table.csv")) == "text/csv"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("data:note.txt", "text/plain"),
        ("http:photo.jpg", "image/jpeg"),
        ("100% done #1 + more.pdf", "application/pdf"),
        ("what?.png", "image/png"),
        ("report#2.csv", "text/csv"),
        ("Überblick – Café ☕.md", "text/markdown"),
        ("🎉 party.jpg", "image/jpeg"),
        ("with spaces in name.mkv", "video/x-matroska"),
    ],
)
def test_names_are_not_read_as_urls(name: str, expected: str) -> None:
    assert content_type_for(name) == expected


def test_question_mark_in_extension_is_not_a_query_string() -> None:
    assert content_type_for("table.csv?v=2") == DEFAULT_CONTENT_TYPE


def test_text_types_carry_no_parameters() -> None:
    # The signed Content-Type and the sent one must be the same bytes: no charset guessing.
    for content_type in mime._TABLE.values():
        assert ";" not in content_type
        assert content_type == content_type.strip().lower()
    assert content_type_for("a.txt") == "text/plain"
    assert content_type_for("a.csv") == "text/csv"


def test_table_ignores_system_mime_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    system_file = tmp_path / "mime.types"
    system_file.write_text("application/x-site-specific csv xyzzy\n", encoding="utf-8")
    # Make the module-level database re-read from our file, and put everything back afterwards.
    for name in ("inited", "_db", "types_map", "common_types", "suffix_map", "encodings_map"):
        monkeypatch.setattr(mimetypes, name, getattr(mimetypes, name))
    monkeypatch.setattr(mimetypes, "knownfiles", [str(system_file)])
    monkeypatch.setattr(mimetypes, "inited", False)
    mimetypes.init()
    assert mimetypes.guess_type("x.xyzzy")[0] == "application/x-site-specific"

    table = mime._build_table()

    assert ".xyzzy" not in table
    assert table[".csv"] == "text/csv"
    assert table == mime._TABLE


def test_same_answer_every_time() -> None:
    names = ["a.jpg", "b.HEIC", "c.csv", "d", "e.tar.gz"]
    assert [content_type_for(n) for n in names] == [content_type_for(n) for n in names]
