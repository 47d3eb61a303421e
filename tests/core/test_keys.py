from __future__ import annotations

import unicodedata
import uuid
from datetime import datetime
from pathlib import Path, PurePosixPath, PureWindowsPath

import pytest

from desktop_uploader.core import keys
from desktop_uploader.core.keys import (
    DEFAULT_TEMPLATE,
    MAX_KEY_BYTES,
    PLACEHOLDERS,
    InvalidKeyError,
    KeyTemplate,
    KeyTemplateError,
    join_prefix,
    render_key,
    resolve_collisions,
    sanitize_key,
    validate_template,
)

NOW = datetime(2024, 3, 5, 7, 8, 9)
ROOT = PurePosixPath("/data/drop")


def render(template: str = DEFAULT_TEMPLATE, **kwargs: object) -> str:
    args: dict[str, object] = {
        "path": ROOT / "sub" / "photo.jpg",
        "root": ROOT,
        "now": NOW,
        "device": "laptop",
    }
    args.update(kwargs)
    return render_key(template, **args)  # type: ignore[arg-type]


def nbytes(text: str) -> int:
    return len(text.encode("utf-8"))


# --- templates -----------------------------------------------------------------------------------


def test_default_template_is_relpath() -> None:
    assert DEFAULT_TEMPLATE == "{relpath}"
    assert render() == "sub/photo.jpg"


def test_relpath_for_a_single_file_is_its_name() -> None:
    assert render(path=PurePosixPath("/somewhere/else/photo.jpg"), root=None) == "photo.jpg"


def test_relpath_uses_forward_slashes_for_windows_paths() -> None:
    key = render(
        path=PureWindowsPath(r"C:\Users\me\Drop\a\b\c.txt"),
        root=PureWindowsPath(r"C:\Users\me\Drop"),
    )
    assert key == "a/b/c.txt"


def test_relpath_works_with_real_paths(tmp_path: Path) -> None:
    assert render(path=tmp_path / "x" / "y.txt", root=tmp_path) == "x/y.txt"


def test_relpath_of_the_root_itself_is_its_name() -> None:
    assert render(path=ROOT, root=ROOT) == "drop"


def test_relpath_outside_root_is_an_error() -> None:
    with pytest.raises(ValueError, match="not inside"):
        render(path=PurePosixPath("/elsewhere/photo.jpg"))


def test_every_placeholder() -> None:
    template = "{device}/{operator}/{date}/{datetime}/{uuid}/{stem}.{ext}/{filename}/{relpath}"
    key = render(
        template,
        operator="alice",
        uuid_factory=lambda: uuid.UUID("12345678-1234-5678-1234-567812345678"),
    )
    assert key == (
        "laptop/alice/2024-03-05/2024-03-05T07-08-09/12345678-1234-5678-1234-567812345678/"
        "photo.jpg/photo.jpg/sub/photo.jpg"
    )


def test_placeholder_list_is_complete() -> None:
    assert set(PLACEHOLDERS) == {
        "filename",
        "stem",
        "ext",
        "relpath",
        "date",
        "datetime",
        "device",
        "uuid",
        "operator",
    }
    for name in PLACEHOLDERS:
        validate_template("{" + name + "}")


def test_datetime_has_no_colons_and_dates_are_zero_padded() -> None:
    key = render("{date}_{datetime}", now=datetime(987, 1, 2, 3, 4, 5))
    assert key == "0987-01-02_0987-01-02T03-04-05"
    assert ":" not in render("{datetime}")


def test_ext_has_no_dot_and_stem_drops_only_the_last_extension() -> None:
    path = ROOT / "archive.tar.gz"
    assert render("{stem}|{ext}", path=path) == "archive.tar|gz"
    assert render("{stem}|{ext}", path=ROOT / "README") == "README|"
    assert render("{ext}/{filename}", path=ROOT / "README") == "README"


def test_uuid_is_drawn_once_per_key_and_only_when_used() -> None:
    calls: list[int] = []

    def factory() -> str:
        calls.append(1)
        return f"id{len(calls)}"

    assert render("{uuid}/{uuid}-{filename}", uuid_factory=factory) == "id1/id1-photo.jpg"
    assert render("{uuid}", uuid_factory=factory) == "id2"
    render("{filename}", uuid_factory=factory)
    assert len(calls) == 2


def test_default_uuid_is_random() -> None:
    first, second = render("{uuid}"), render("{uuid}")
    assert first != second
    assert uuid.UUID(first).version == 4


def test_single_name_values_cannot_add_folders() -> None:
    key = render("{device}/{operator}/{filename}", device="lab/2\\b", operator="x/y")
    assert key == "lab_2_b/x_y/photo.jpg"


def test_backslash_in_a_posix_file_name_stays_one_name() -> None:
    key = render(path=ROOT / "sub" / "a\\b.txt")
    assert key == "sub/a_b.txt"


def test_template_separators_make_folders() -> None:
    assert render("{device}/{date}/{relpath}") == "laptop/2024-03-05/sub/photo.jpg"
    assert render("{device}\\{filename}") == "laptop/photo.jpg"


def test_literal_braces() -> None:
    assert render("{{x}}-{filename}") == "{x}-photo.jpg"


def test_empty_values_do_not_leave_empty_folders() -> None:
    assert render("{operator}/{filename}") == "photo.jpg"
    assert render("a/{operator}/{filename}", operator="") == "a/photo.jpg"


def test_template_giving_an_empty_key_is_an_error() -> None:
    with pytest.raises(InvalidKeyError, match="empty key"):
        render("{ext}", path=ROOT / "README", prefix="uploads")
    with pytest.raises(InvalidKeyError):
        render("{operator}/", operator="")


@pytest.mark.parametrize(
    "template",
    ["../../{filename}", "..\\..\\{filename}", "/{filename}", "./{filename}", "{device}/{filename}"],
)
def test_templates_cannot_climb_out(template: str) -> None:
    assert render(template, device="..", prefix="uploads") == "uploads/photo.jpg"


@pytest.mark.parametrize(
    ("prefix", "expected"),
    [
        ("", "sub/photo.jpg"),
        ("uploads", "uploads/sub/photo.jpg"),
        ("uploads/", "uploads/sub/photo.jpg"),
        ("uploads//", "uploads/sub/photo.jpg"),
        ("/uploads/", "uploads/sub/photo.jpg"),
        ("team/2024/", "team/2024/sub/photo.jpg"),
        ("team\\2024", "team/2024/sub/photo.jpg"),
        ("/", "sub/photo.jpg"),
    ],
)
def test_prefix(prefix: str, expected: str) -> None:
    assert render(prefix=prefix) == expected


def test_join_prefix() -> None:
    assert join_prefix("", "a") == "a"
    assert join_prefix("p", "a") == "p/a"
    assert join_prefix("p/", "a") == "p/a"
    assert join_prefix("p//", "/a") == "p/a"


@pytest.mark.parametrize(
    "name",
    [
        "with spaces.jpg",
        "a+b.jpg",
        "#1 hash.jpg",
        "100% done.jpg",
        "what?.jpg",
        "🎉 party 🎈.jpg",
        "Ελληνικά.jpg",
        "日本語のファイル.jpg",
        "naïve café.jpg",
        "a&b=c;d,e'f\"g.jpg",
    ],
)
def test_unusual_names_are_kept(name: str) -> None:
    assert render(path=ROOT / name) == name


def test_decomposed_names_become_composed() -> None:
    nfd = unicodedata.normalize("NFD", "Café/Ångström.jpg")
    assert nfd != "Café/Ångström.jpg"
    key = render(
        "{device}/{relpath}", path=ROOT / nfd, device=unicodedata.normalize("NFD", "Zoë"), prefix=nfd
    )
    assert key == "Café/Ångström.jpg/Zoë/Café/Ångström.jpg"
    assert unicodedata.is_normalized("NFC", key)


def test_keytemplate_is_reusable_and_comparable() -> None:
    template = KeyTemplate("{device}/{relpath}")
    assert template.placeholders == {"device", "relpath"}
    assert template == KeyTemplate("{device}/{relpath}")
    assert hash(template) == hash(KeyTemplate("{device}/{relpath}"))
    assert KeyTemplate().template == DEFAULT_TEMPLATE
    first = template.render(path=ROOT / "a.txt", root=ROOT, now=NOW, device="pc")
    second = template.render(path=ROOT / "b.txt", root=ROOT, now=NOW, device="pc", prefix="x")
    assert (first, second) == ("pc/a.txt", "x/pc/b.txt")


def test_keytemplate_checks_on_creation() -> None:
    with pytest.raises(KeyTemplateError, match=r"\{nope\}"):
        KeyTemplate("{nope}")


@pytest.mark.parametrize(
    ("template", "mentions"),
    [
        ("{foo}", "{foo}"),
        ("{device}/{fielname}", "{fielname}"),
        ("{FILENAME}", "{FILENAME}"),
        ("{ filename }", "{ filename }"),
        ("{0}", "{0}"),
        ("{}", "{}"),
        ("{filename.__class__}", "{filename.__class__}"),
        ("{relpath.__class__.__init__.__globals__}", "{relpath.__class__"),
        ("{filename[0]}", "{filename[0]}"),
        ("{filename!r}", "{filename!r}"),
        ("{filename!s}", "{filename!s}"),
        ("{filename:>10}", "{filename:>10}"),
        ("{date:%Y}", "{date:%Y}"),
        ("{filename:{ext}}", "{filename:{ext}}"),
        ("{filename", "brace"),
        ("filename}", "brace"),
        ("{{filename}", "brace"),
        ("{filename!}", "brace"),
        ("", "empty"),
        ("   ", "empty"),
    ],
)
def test_bad_templates_are_rejected_with_a_clear_message(template: str, mentions: str) -> None:
    with pytest.raises(KeyTemplateError) as caught:
        validate_template(template)
    assert mentions in str(caught.value)
    with pytest.raises(KeyTemplateError):
        render(template)


@pytest.mark.parametrize("value", [None, 42, ["{relpath}"]])
def test_template_must_be_text(value: object) -> None:
    with pytest.raises(KeyTemplateError, match="must be text"):
        validate_template(value)  # type: ignore[arg-type]


def test_unknown_placeholder_message_lists_the_valid_ones() -> None:
    with pytest.raises(KeyTemplateError) as caught:
        validate_template("{nme}")
    message = str(caught.value)
    for name in PLACEHOLDERS:
        assert "{" + name + "}" in message


@pytest.mark.parametrize(
    "template",
    ["{relpath}", "{device}/{date}/{relpath}", "fixed-name.bin", "{{literal}}/{uuid}{ext}", "a{stem}b"],
)
def test_good_templates_pass(template: str) -> None:
    validate_template(template)


def test_key_template_error_is_a_value_error() -> None:
    assert issubclass(KeyTemplateError, ValueError)
    assert issubclass(InvalidKeyError, ValueError)


# --- sanitize_key --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\nb.txt", "a_b.txt"),
        ("a\rb\tc.txt", "a_b_c.txt"),
        ("\x00null.txt", "_null.txt"),
        ("del\x7f.txt", "del_.txt"),
        ("c1\x85\x9f.txt", "c1__.txt"),
        ("\x1b[31mred.txt", "_[31mred.txt"),
        ("dir\x00/x", "dir_/x"),
    ],
)
def test_control_characters_are_replaced(raw: str, expected: str) -> None:
    assert sanitize_key(raw) == expected


def test_undecodable_file_name_bytes_become_valid_utf8() -> None:
    # os.fsdecode turns invalid UTF-8 bytes into lone surrogates.
    raw = b"caf\xe9.txt".decode("utf-8", "surrogateescape")
    key = sanitize_key(raw)
    assert key == "caf_.txt"
    key.encode("utf-8")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\\b\\c.txt", "a/b/c.txt"),
        ("a//b///c.txt", "a/b/c.txt"),
        ("/a", "a"),
        ("///a/", "a"),
        ("a/./b", "a/b"),
        ("a/../b", "a/b"),
        ("../../etc/passwd", "etc/passwd"),
        ("..\\..\\windows\\system32", "windows/system32"),
        ("./.././x", "x"),
        ("a/.../b", "a/.../b"),
        ("..hidden/.env", "..hidden/.env"),
        ("a /b  /c.txt ", "a/b/c.txt"),
        ("a\u00a0/b", "a/b"),
        (" lead/ spaces", " lead/ spaces"),
        ("a/ /b", "a/b"),
        ("a/. /b", "a/b"),
        ("photo.jpg", "photo.jpg"),
    ],
)
def test_key_structure_is_normalised(raw: str, expected: str) -> None:
    assert sanitize_key(raw) == expected


@pytest.mark.parametrize("raw", ["", "/", "//", ".", "..", "./..", " / ", "\\", "../../.."])
def test_nothing_left_is_an_error(raw: str) -> None:
    with pytest.raises(InvalidKeyError):
        sanitize_key(raw)


def test_nfc() -> None:
    raw = unicodedata.normalize("NFD", "Åsa/Crème brûlée.jpg")
    assert sanitize_key(raw) == "Åsa/Crème brûlée.jpg"


def test_long_key_keeps_extension_and_fits() -> None:
    key = sanitize_key("folder/" + "a" * 2000 + ".jpg")
    assert nbytes(key) == MAX_KEY_BYTES
    assert key.startswith("folder/aaa")
    assert key.endswith("a.jpg")


def test_exact_limit_is_left_alone() -> None:
    raw = "a" * (MAX_KEY_BYTES - 4) + ".jpg"
    assert sanitize_key(raw) == raw
    assert nbytes(sanitize_key("b" + raw)) == MAX_KEY_BYTES


@pytest.mark.parametrize("char", ["é", "日", "😀", "e\u0301"])
def test_truncation_stays_on_character_boundaries(char: str) -> None:
    key = sanitize_key("dir/" + char * 1000 + ".png")
    assert nbytes(key) <= MAX_KEY_BYTES
    assert nbytes(key) > MAX_KEY_BYTES - 4 - len(".png")
    stem = key[len("dir/") : -len(".png")]
    composed = unicodedata.normalize("NFC", char)
    assert stem == composed * len(stem)
    assert key.endswith(".png")


def test_truncation_keeps_two_part_archive_extensions() -> None:
    key = sanitize_key("x" * 2000 + ".tar.gz")
    assert key.endswith("x.tar.gz")
    assert nbytes(key) == MAX_KEY_BYTES


def test_truncation_removes_trailing_spaces_it_creates() -> None:
    key = sanitize_key("a" * (MAX_KEY_BYTES - 1) + "   b")
    assert key == "a" * (MAX_KEY_BYTES - 1)


def test_absurd_extension_is_cut_with_the_name() -> None:
    key = sanitize_key("name." + "e" * 2000)
    assert nbytes(key) == MAX_KEY_BYTES
    assert key.startswith("name.eee")


def test_folders_too_long_for_any_name_is_an_error() -> None:
    with pytest.raises(InvalidKeyError, match="1024"):
        sanitize_key("d" * MAX_KEY_BYTES + "/photo.jpg")


@pytest.mark.parametrize(
    "raw",
    [
        "a/b/c.txt",
        "../x\\y/ z /\x00.txt",
        "x" * 3000 + ".jpeg",
        unicodedata.normalize("NFD", "é") * 800 + ".txt",
        "🎉/" * 10 + "a",
        "name." + "e" * 2000,
    ],
)
def test_sanitize_is_idempotent(raw: str) -> None:
    once = sanitize_key(raw)
    assert sanitize_key(once) == once


def test_rendered_keys_respect_the_limit() -> None:
    key = render("{device}/{relpath}", path=ROOT / ("ü" * 900 + ".heic"), prefix="p" * 100)
    assert nbytes(key) <= MAX_KEY_BYTES
    assert key.endswith(".heic")
    assert key.startswith("p" * 100 + "/laptop/")


# --- resolve_collisions --------------------------------------------------------------------------


def test_unique_keys_are_unchanged() -> None:
    batch = ["a.jpg", "b.jpg", "dir/a.jpg", "A.jpg"]
    result = resolve_collisions(batch)
    assert result == batch
    assert result is not batch


def test_empty_batch() -> None:
    assert resolve_collisions([]) == []


def test_repeats_are_numbered_before_the_extension() -> None:
    assert resolve_collisions(["photo.jpg"] * 3) == ["photo.jpg", "photo (2).jpg", "photo (3).jpg"]


@pytest.mark.parametrize(
    ("key", "second"),
    [
        ("dir/photo.jpg", "dir/photo (2).jpg"),
        ("README", "README (2)"),
        (".env", ".env (2)"),
        ("dir.v2/notes", "dir.v2/notes (2)"),
        ("backup.tar.gz", "backup (2).tar.gz"),
        ("Minutes v1.2 final", "Minutes v1.2 final (2)"),
        ("a.b.c.txt", "a.b.c (2).txt"),
        ("🎉.jpg", "🎉 (2).jpg"),
    ],
)
def test_numbering_position(key: str, second: str) -> None:
    assert resolve_collisions([key, key]) == [key, second]


def test_interleaved_repeats_keep_order() -> None:
    batch = ["a.jpg", "b.jpg", "a.jpg", "b.jpg", "a.jpg"]
    assert resolve_collisions(batch) == ["a.jpg", "b.jpg", "a (2).jpg", "b (2).jpg", "a (3).jpg"]


def test_numbers_skip_names_that_exist_in_the_batch() -> None:
    batch = ["a.jpg", "a.jpg", "a (2).jpg"]
    assert resolve_collisions(batch) == ["a.jpg", "a (3).jpg", "a (2).jpg"]


def test_numbered_names_can_themselves_collide() -> None:
    batch = ["a (2).jpg", "a (2).jpg", "a.jpg", "a.jpg"]
    result = resolve_collisions(batch)
    assert result == ["a (2).jpg", "a (2) (2).jpg", "a.jpg", "a (3).jpg"]
    assert len(set(result)) == len(result)


def test_taken_keys_are_avoided() -> None:
    queued = {"a.jpg", "a (2).jpg", "b.jpg"}
    result = resolve_collisions(["a.jpg", "b.jpg", "a.jpg", "c.jpg"], queued.__contains__)
    assert result == ["a (3).jpg", "b (2).jpg", "a (4).jpg", "c.jpg"]
    assert not queued & set(result)


def test_many_repeats_take_linear_work() -> None:
    calls = 0

    def taken(_key: str) -> bool:
        nonlocal calls
        calls += 1
        return False

    result = resolve_collisions(["photo.jpg"] * 10_000, taken)
    assert len(set(result)) == 10_000
    assert result[0] == "photo.jpg"
    assert result[-1] == "photo (10000).jpg"
    # Numbering resumes where it left off instead of retrying 2, 3, 4... for each copy.
    assert calls <= 10_001


def test_ten_thousand_distinct_keys() -> None:
    batch = [f"dir{i % 7}/file {i}.jpg" for i in range(10_000)]
    assert resolve_collisions(batch) == batch


def test_mixed_large_batch_is_unique() -> None:
    batch = [f"f{i % 100}.txt" for i in range(10_000)]
    result = resolve_collisions(batch)
    assert len(set(result)) == len(result)
    assert result[:100] == batch[:100]
    assert result[100] == "f0 (2).txt"


def test_numbered_key_still_fits() -> None:
    key = "d/" + "x" * (MAX_KEY_BYTES - 6) + ".jpg"
    assert nbytes(key) == MAX_KEY_BYTES
    first, second, third = resolve_collisions([key, key, key])
    assert first == key
    for numbered, number in ((second, 2), (third, 3)):
        assert nbytes(numbered) <= MAX_KEY_BYTES
        assert numbered.endswith(f"x ({number}).jpg")
        assert numbered.startswith("d/xxx")


def test_a_taken_callback_that_never_says_no_does_not_hang(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(keys, "_MAX_NUMBER", 50)
    with pytest.raises(InvalidKeyError, match="free name"):
        resolve_collisions(["a.jpg"], lambda _key: True)
