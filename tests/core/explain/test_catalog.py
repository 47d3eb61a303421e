"""The message catalog as data: complete, plain, fillable, translatable."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from desktop_uploader.core.explain import catalog as catalog_mod
from desktop_uploader.core.explain.catalog import (
    FACTS,
    FIXERS,
    OPTIONAL_TEXT_FIELDS,
    TEXT_FIELDS,
    CatalogError,
    fill,
    load_catalog,
    placeholders,
)

CATALOG_PATH = Path(__file__).resolve().parents[3] / "resources" / "errors" / "en.json"

# Words a field worker should never have to read in a summary.
JARGON = re.compile(
    r"\b(S3|XML|HTTP|HTTPS|API|SigV[24]|signature|signed|header|headers|bucket|ACL|ACLs|KMS|token|DNS|TLS|SSL|"
    r"proxy|endpoint|region|checksum|multipart|credential|credentials|\d{3}|query|ETag|MD5|"
    r"x-amz-\S*|Content-Type|NTP)\b",
    re.I,
)
METHODS = re.compile(r"\b(PUT|POST|GET|HEAD)\b")  # "put it back" is plain English; "PUT" is not
# A value for every fact, long-ish and realistic, to check the worst-case length of filled summaries.
SAMPLE = {name: "sample" for name in FACTS} | {"skew": "2 hours", "skew_direction": "ahead of"}


@pytest.fixture
def fresh_catalog() -> Iterator[None]:
    catalog_mod.clear_catalog_cache()
    yield
    catalog_mod.clear_catalog_cache()


def test_the_file_is_valid_json_with_the_expected_shape() -> None:
    doc = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    assert doc["format"] == 1
    assert doc["locale"] == "en"
    assert {"unknown", "words", "durations", "labels"} <= set(doc["meta"])
    assert len(doc["entries"]) >= 150


def test_every_entry_has_all_fields() -> None:
    doc = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    for entry_id, entry in doc["entries"].items():
        assert set(entry) - {*OPTIONAL_TEXT_FIELDS} == {*TEXT_FIELDS, "retryable", "fixed_by"}, entry_id
        # A final failure shows the summary alone: it must not promise what the app does next.
        assert "The app will" not in entry["summary"], entry_id
        for name in TEXT_FIELDS:
            assert isinstance(entry[name], str) and entry[name].strip(), (entry_id, name)
            assert entry[name] == entry[name].strip(), (entry_id, name)
        assert isinstance(entry["retryable"], bool), entry_id
        assert entry["fixed_by"] in FIXERS, entry_id


def test_every_placeholder_is_a_known_fact() -> None:
    for entry in load_catalog().entries.values():
        for text in entry.texts().values():
            assert set(placeholders(text)) <= set(FACTS), (entry.id, text)


def test_braces_and_brackets_are_only_placeholders_and_optional_parts() -> None:
    for entry in load_catalog().entries.values():
        for text in entry.texts().values():
            stripped = re.sub(r"\{[A-Za-z_]\w*\}", "", text)
            assert "{" not in stripped and "}" not in stripped, (entry.id, text)
            assert stripped.count("[[") == stripped.count("]]"), (entry.id, text)
            assert not re.search(r"\[\[[^\]]*\[\[", stripped), ("nested optional part", entry.id)


@pytest.mark.parametrize("entry_id", sorted(load_catalog().entries))
def test_summary_is_at_most_25_plain_words_even_when_filled(entry_id: str) -> None:
    cat = load_catalog()
    summary = cat.get(entry_id).summary
    filled = cat.render(entry_id, SAMPLE)["summary"]
    assert len(filled.split()) <= 25, filled
    assert len(fill(summary, {}, "x").split()) <= 25
    assert not JARGON.search(summary), f"{entry_id}: jargon in {summary!r}"
    assert not METHODS.search(summary), f"{entry_id}: HTTP method in {summary!r}"
    assert "<" not in summary and ">" not in summary  # no markup, no raw XML


def test_summaries_say_what_to_do() -> None:
    # Every summary ends with a sentence for the reader: an instruction, or (kept apart, for while the app
    # still retries) what the app will do.
    doers = re.compile(
        r"\b(ask|tell|check|try|use|set|open|put|shorten|send|wait|rename|move|remove|re-enter)\b|the app will|"
        r"nothing wrong|was not replaced|first",
        re.I,
    )
    for entry in load_catalog().entries.values():
        assert doers.search(entry.summary) or doers.search(entry.retrying), entry.id


def test_retryable_entries_fit_their_summaries() -> None:
    # Texts that promise an automatic retry must be retryable, and the opposite.
    for entry in load_catalog().entries.values():
        if re.search(r"the app will (try again|get a new one|ask for a new link|send)", entry.retrying, re.I):
            assert entry.retryable, entry.id


def test_fill_leaves_out_optional_parts_without_values() -> None:
    text = "Refused[[ by {server}]][[ for bucket '{bucket}']]."
    assert fill(text, {"bucket": "b"}, "?") == "Refused for bucket 'b'."
    assert fill(text, {}, "?") == "Refused."
    assert fill("Code {s3_code}.", {}, "(not known)") == "Code (not known)."


def test_fill_never_expands_braces_inside_values() -> None:
    out = fill("S3 said: {s3_message}", {"s3_message": "{bucket} [[x]] {{y}}"}, "?")
    assert out == "S3 said: {bucket} [[x]] {{y}}"


def test_fill_shortens_very_long_values() -> None:
    out = fill("{s3_message}", {"s3_message": "word " * 500}, "?")
    assert len(out) <= 400 and out.endswith("…")


def test_durations_and_sizes_read_naturally() -> None:
    cat = load_catalog()
    assert cat.duration(1) == "1 second"
    assert cat.duration(45) == "45 seconds"
    assert cat.duration(32 * 60 + 10) == "32 minutes"
    assert cat.duration(-3 * 3600) == "3 hours"
    assert cat.duration(3 * 86400) == "3 days"
    assert cat.size(512) == "512 B"
    assert cat.size(5 * 1024**3) == "5.0 GiB"


def test_unknown_locale_falls_back_to_english(fresh_catalog: None) -> None:
    cat = load_catalog("zz_ZZ")
    assert cat.locale == "en"
    assert cat.get("AccessDenied.expired").summary == load_catalog("en").get("AccessDenied.expired").summary


def test_a_translation_overrides_texts_but_not_retryable(
    fresh_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    english = CATALOG_PATH.read_text(encoding="utf-8")
    german = json.dumps({
        "format": 1,
        "locale": "de",
        "meta": {"words": {"yes": "ja"}},
        "entries": {"AccessDenied.expired": {"summary": "Der Link ist abgelaufen.", "retryable": False}},
    })
    monkeypatch.setattr(catalog_mod, "_read_resource", lambda name: {"en.json": english, "de.json": german}.get(name))
    cat = load_catalog("de_AT")
    entry = cat.get("AccessDenied.expired")
    assert cat.locale == "de"
    assert entry.summary == "Der Link ist abgelaufen."
    assert entry.cause == json.loads(english)["entries"]["AccessDenied.expired"]["cause"]
    assert entry.retryable is True
    assert cat.word("yes") == "ja" and cat.word("ahead") == "ahead of"


@pytest.mark.parametrize(
    "broken",
    [
        "not json",
        json.dumps({"format": 2, "entries": {}}),
        json.dumps({"format": 1, "entries": {"X": {"summary": "s", "cause": "c", "action": "a"}}}),
        json.dumps({"format": 1, "entries": {"X": {"summary": "s", "cause": "c", "action": "a",
                                                   "admin_action": "d", "retryable": "yes"}}}),
    ],
)
def test_a_broken_catalog_is_reported_clearly(
    broken: str, fresh_catalog: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(catalog_mod, "_read_resource", lambda name: broken if name == "en.json" else None)
    with pytest.raises(CatalogError):
        load_catalog()


def test_catalog_is_found_from_the_source_tree() -> None:
    # In a checkout, the package the catalog is read from is the resources/ folder itself.
    assert catalog_mod._read_resource("en.json") == CATALOG_PATH.read_text(encoding="utf-8")


GERMAN_PATH = CATALOG_PATH.with_name("de.json")


def _keys(value: object, prefix: str = "") -> set[str]:
    if not isinstance(value, dict):
        return {prefix}
    return {k for name, v in value.items() for k in _keys(v, f"{prefix}/{name}")}


def test_german_has_every_english_key_and_the_same_placeholders() -> None:
    english = json.loads(CATALOG_PATH.read_text(encoding="utf-8"))
    german = json.loads(GERMAN_PATH.read_text(encoding="utf-8"))
    assert german["format"] == 1 and german["locale"] == "de"
    assert _keys(german["meta"]) == _keys(english["meta"])
    assert set(german["entries"]) == set(english["entries"])
    for entry_id, entry in german["entries"].items():
        # retryable and fixed_by are not a matter of language
        assert set(entry) == {n for n in (*TEXT_FIELDS, *OPTIONAL_TEXT_FIELDS) if n in english["entries"][entry_id]}, \
            entry_id
        for name in set(entry):
            en_text, de_text = english["entries"][entry_id][name], entry[name]
            assert sorted(placeholders(de_text)) == sorted(placeholders(en_text)), (entry_id, name)
            assert de_text.count("[[") == en_text.count("[[") == de_text.count("]]"), (entry_id, name)
            assert de_text != en_text, (entry_id, name)  # translated, not copied


def test_german_is_chosen_for_a_german_interface(fresh_catalog: None) -> None:
    cat = load_catalog("de_AT")
    assert cat.locale == "de"
    assert cat.get("AccessDenied.expired").summary.startswith("Die Zeit des Upload-Links ist abgelaufen.")
    assert cat.word("yes") == "ja" and cat.duration(3 * 86400) == "3 Tage"
    assert cat.get("AccessDenied.expired").retryable is True
    assert cat.get("AccessDenied.expired").fixed_by == "app"


def test_a_missing_german_entry_falls_back_to_english(fresh_catalog: None, monkeypatch: pytest.MonkeyPatch) -> None:
    english = CATALOG_PATH.read_text(encoding="utf-8")
    german = json.loads(GERMAN_PATH.read_text(encoding="utf-8"))
    del german["entries"]["NoSuchBucket"]
    files = {"en.json": english, "de.json": json.dumps(german)}
    monkeypatch.setattr(catalog_mod, "_read_resource", files.get)
    cat = load_catalog("de")
    assert cat.get("NoSuchBucket").summary == json.loads(english)["entries"]["NoSuchBucket"]["summary"]
    assert cat.get("NoSuchKey").summary.startswith("Die Datei wurde im Speicher nicht gefunden")


@pytest.mark.parametrize(
    ("env", "expected"),
    [
        ({"LANGUAGE": "de:en", "LANG": "en_US.UTF-8"}, "de"),
        ({"LC_ALL": "de_DE.UTF-8", "LANG": "en_US.UTF-8"}, "de_DE"),
        ({"LC_MESSAGES": "de_CH.UTF-8"}, "de_CH"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "de_AT.UTF-8@euro"}, "de_AT"),
    ],
)
def test_the_interface_language_follows_the_environment_like_qt(
    env: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    for var in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG"):
        monkeypatch.delenv(var, raising=False)
    for var, value in env.items():
        monkeypatch.setenv(var, value)
    assert catalog_mod.ui_locale() == expected


def test_the_window_can_set_the_interface_language(fresh_catalog: None, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANG", "en_US.UTF-8")
    catalog_mod.set_ui_locale("de_DE")
    try:
        assert catalog_mod.ui_locale() == "de_DE"
        assert load_catalog().locale == "de"
    finally:
        catalog_mod.set_ui_locale(None)
    assert load_catalog().locale == "en"


def test_a_catalog_entry_without_fixed_by_is_refused(fresh_catalog: None, monkeypatch: pytest.MonkeyPatch) -> None:
    doc = {"format": 1, "entries": {"X": {"summary": "s", "cause": "c", "action": "a", "admin_action": "d",
                                          "retryable": True, "fixed_by": "somebody"}}}
    monkeypatch.setattr(catalog_mod, "_read_resource", lambda name: json.dumps(doc) if name == "en.json" else None)
    with pytest.raises(CatalogError, match="fixed_by"):
        load_catalog("en")
