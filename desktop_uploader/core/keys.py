"""Object keys: where in the bucket each file goes.

A key comes from a user-editable template such as ``{device}/{date}/{relpath}``. Templates are checked
with ``string.Formatter().parse`` and filled in piece by piece; ``str.format`` is never called on them,
because it would let ``{relpath.__class__}`` or ``{0}`` reach into Python objects.

Whatever the template and the file names produce, ``sanitize_key`` turns it into a key that S3 accepts
and that downloads back onto any operating system as the same folders and names.
"""

from __future__ import annotations

import functools
import posixpath
import re
import string
import unicodedata
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import PurePath

DEFAULT_TEMPLATE = "{relpath}"
MAX_KEY_BYTES = 1024  # S3's limit, counted in UTF-8 bytes

PLACEHOLDERS: tuple[str, ...] = (
    "filename",
    "stem",
    "ext",
    "relpath",
    "date",
    "datetime",
    "device",
    "uuid",
    "operator",
)

# Archive names whose two-part extension should stay together when a key is shortened or numbered:
# "backup (2).tar.gz" still opens as a tarball, "backup.tar (2).gz" looks broken.
_COMPOUND_EXTENSIONS = (".tar.gz", ".tar.bz2", ".tar.xz", ".tar.zst", ".tar.lz4", ".tar.br")

# A dot followed by a short run without spaces counts as an extension. Without the limits,
# "Minutes v1.2 final" would be numbered "Minutes v1 (2).2 final".
_EXTENSION = re.compile(r"\.[^\s.]{1,15}")

# C0 controls, DEL and C1 controls, plus lone surrogates: on POSIX, bytes in a file name that are not
# valid UTF-8 arrive as surrogate escapes, which cannot be encoded into a key at all.
_UNWANTED = re.compile("[\x00-\x1f\x7f-\x9f\ud800-\udfff]")

_MAX_NUMBER = 1_000_000


class KeyTemplateError(ValueError):
    """The key template cannot be used; the message says what to change."""


class InvalidKeyError(ValueError):
    """No usable S3 key can be made from the given text."""


_Pieces = tuple[tuple[str, str | None], ...]


def _placeholder_list() -> str:
    return ", ".join("{" + name + "}" for name in PLACEHOLDERS)


def _parse(template: str) -> _Pieces:
    if not isinstance(template, str):
        # Templates come from settings files, where a number or null is easy to write by mistake.
        raise KeyTemplateError(f"The key template must be text, not {type(template).__name__}.")
    return _parse_text(template)


@functools.lru_cache(maxsize=64)
def _parse_text(template: str) -> _Pieces:
    if not template.strip():
        raise KeyTemplateError(f"The key template is empty. Use for example {DEFAULT_TEMPLATE}.")
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise KeyTemplateError(
            f"The key template {template!r} has a brace that is not part of a placeholder ({exc}). "
            "Placeholders look like {filename}; write {{ or }} for a literal brace."
        ) from None
    pieces: list[tuple[str, str | None]] = []
    for literal, name, spec, conversion in parsed:
        if name is None:
            pieces.append((literal, None))
            continue
        if name == "":
            raise KeyTemplateError(
                f"The key template {template!r} has an empty placeholder {{}}. "
                f"Put one of these inside the braces: {_placeholder_list()}."
            )
        shown = "{" + name + ("!" + conversion if conversion else "") + (":" + spec if spec else "") + "}"
        if name not in PLACEHOLDERS:
            raise KeyTemplateError(
                f"The key template {template!r} uses the unknown placeholder {shown}. "
                f"Available placeholders: {_placeholder_list()}."
            )
        if conversion is not None or spec:
            raise KeyTemplateError(
                f"The key template {template!r} uses {shown}; placeholders take no conversions or "
                f"formatting. Write {{{name}}} instead."
            )
        pieces.append((literal, name))
    return tuple(pieces)


def validate_template(template: str) -> None:
    """Raise KeyTemplateError if the template cannot be used."""
    _parse(template)


def _one_segment(value: str) -> str:
    # Values that stand for a single name must not add folders: a device called "lab/2" stays one name.
    return value.replace("/", "_").replace("\\", "_")


def _relpath(path: PurePath, root: PurePath | None) -> str:
    if root is None:
        return _one_segment(path.name)
    try:
        relative = path.relative_to(root)
    except ValueError:
        raise ValueError(f"{path} is not inside the folder {root}") from None
    if not relative.parts:
        return _one_segment(path.name)
    return "/".join(_one_segment(part) for part in relative.parts)


@dataclass(frozen=True)
class KeyTemplate:
    """A checked key template, ready to be filled in for many files."""

    template: str = DEFAULT_TEMPLATE
    _pieces: _Pieces = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_pieces", _parse(self.template))

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(name for _, name in self._pieces if name is not None)

    def render(
        self,
        *,
        path: PurePath,
        root: PurePath | None,
        prefix: str = "",
        now: datetime,
        device: str,
        uuid_factory: Callable[[], object] = uuid.uuid4,
        operator: str = "",
    ) -> str:
        """The sanitized key for one file, with the prefix in front.

        ``root`` is the folder the user dropped, or None for a file dropped on its own. ``now`` is used as
        given, so the caller decides between local time and UTC.
        """
        values: dict[str, str] = {}
        # Values are worked out only when used: {relpath} fails for a path outside root, and each
        # {uuid} render should draw one fresh value, shared if the placeholder appears twice.
        for name in self.placeholders:
            if name == "filename":
                values[name] = _one_segment(path.name)
            elif name == "stem":
                values[name] = _one_segment(path.stem)
            elif name == "ext":
                values[name] = _one_segment(path.suffix[1:])
            elif name == "relpath":
                values[name] = _relpath(path, root)
            elif name == "date":
                values[name] = f"{now.year:04d}-{now.month:02d}-{now.day:02d}"
            elif name == "datetime":
                # No colons: they are not allowed in Windows file names, so the key could not be
                # downloaded back as it is.
                values[name] = (
                    f"{now.year:04d}-{now.month:02d}-{now.day:02d}"
                    f"T{now.hour:02d}-{now.minute:02d}-{now.second:02d}"
                )
            elif name == "device":
                values[name] = _one_segment(device)
            elif name == "uuid":
                values[name] = _one_segment(str(uuid_factory()))
            elif name == "operator":
                values[name] = _one_segment(operator)
        rendered = "".join(
            literal + (values[name] if name is not None else "") for literal, name in self._pieces
        )
        try:
            key = sanitize_key(rendered)
        except InvalidKeyError:
            raise InvalidKeyError(
                f"The key template {self.template!r} gives an empty key for {path.name!r}."
            ) from None
        return sanitize_key(join_prefix(prefix, key)) if prefix else key


def render_key(
    template: str,
    *,
    path: PurePath,
    root: PurePath | None,
    prefix: str = "",
    now: datetime,
    device: str,
    uuid_factory: Callable[[], object] = uuid.uuid4,
    operator: str = "",
) -> str:
    """Fill in ``template`` for one file and return a sanitized S3 key; see KeyTemplate.render."""
    return KeyTemplate(template).render(
        path=path,
        root=root,
        prefix=prefix,
        now=now,
        device=device,
        uuid_factory=uuid_factory,
        operator=operator,
    )


def join_prefix(prefix: str, key: str) -> str:
    """``prefix`` and ``key`` with exactly one "/" between them; an empty prefix adds nothing."""
    if not prefix:
        return key
    return prefix.rstrip("/\\") + "/" + key.lstrip("/\\")


def _split_ext(name: str) -> tuple[str, str]:
    """Split a single name into stem and extension; a leading dot is part of the stem."""
    lower = name.lower()
    if lower.endswith(_COMPOUND_EXTENSIONS):
        for compound in _COMPOUND_EXTENSIONS:
            if lower.endswith(compound) and len(name) > len(compound):
                return name[: -len(compound)], name[-len(compound) :]
    stem, ext = posixpath.splitext(name)
    if stem and _EXTENSION.fullmatch(ext):
        return stem, ext
    return name, ""


def _truncate_utf8(text: str, limit: int) -> str:
    if limit <= 0:
        return ""
    # Cutting the bytes and dropping a partial sequence ends the text on a character boundary.
    return text.encode("utf-8")[:limit].decode("utf-8", "ignore")


def _fit(folders: str, *choices: tuple[str, str]) -> str:
    """``folders + head + tail`` within MAX_KEY_BYTES, cutting the end of ``head`` if needed.

    Each choice is a (head, tail) pair tried in turn; the first whose cut head is not empty wins. That
    lets a name whose extension alone is too long fall back to being cut as a whole.
    """
    head, tail = choices[0]
    candidate = folders + head + tail
    if len(candidate.encode("utf-8")) <= MAX_KEY_BYTES:
        return candidate
    room = MAX_KEY_BYTES - len(folders.encode("utf-8"))
    for head, tail in choices:
        cut = _truncate_utf8(head, room - len(tail.encode("utf-8"))).rstrip()
        if cut and (tail or cut not in (".", "..")):
            return folders + cut + tail
    raise InvalidKeyError(
        f"The folders in the key {folders[:80]!r}... already use up S3's limit of {MAX_KEY_BYTES} bytes."
    )


def sanitize_key(key: str) -> str:
    """A valid S3 key made from ``key``.

    Unicode is normalised to NFC so that a name typed on macOS (which stores decomposed accents) and the
    same name typed on Windows give the same key. Control characters become "_", backslashes become "/",
    empty, "." and ".." folders are dropped (never resolved, so a key cannot climb out of its prefix),
    trailing spaces are removed from each part, and a key over 1024 UTF-8 bytes is shortened by cutting
    the end of the file name while keeping its extension. Raises InvalidKeyError if nothing is left.
    """
    text = unicodedata.normalize("NFC", _UNWANTED.sub("_", key)).replace("\\", "/")
    parts = [part.rstrip() for part in text.split("/")]
    parts = [part for part in parts if part not in ("", ".", "..")]
    if not parts:
        raise InvalidKeyError(f"{key!r} does not contain anything that can be used as a key.")
    folders = "".join(part + "/" for part in parts[:-1])
    name = parts[-1]
    whole = folders + name
    if len(whole.encode("utf-8")) <= MAX_KEY_BYTES:  # the usual case: nothing to cut
        return whole
    return _fit(folders, _split_ext(name), (name, ""))


def _split_key(key: str) -> tuple[str, str, str, str]:
    """``key`` as (folders ending in "/", stem, extension, whole last name)."""
    folders, _, name = key.rpartition("/")
    stem, ext = _split_ext(name)
    return (folders + "/" if folders else ""), stem, ext, name


def _numbered(parts: tuple[str, str, str, str], number: int) -> str:
    folders, stem, ext, name = parts
    suffix = f" ({number})"
    candidate = folders + stem + suffix + ext
    # A UTF-8 character is at most 4 bytes, so short keys need no encoding to know they fit.
    if len(candidate) * 4 <= MAX_KEY_BYTES:
        return candidate
    return _fit(folders, (stem, suffix + ext), (name, suffix))


def resolve_collisions(keys: Sequence[str], taken: Callable[[str], bool] | None = None) -> list[str]:
    """The keys in the same order, made unique by numbering repeats: "photo.jpg", "photo (2).jpg", ...

    A key for which ``taken`` returns true (for example one already waiting in the queue) is numbered
    too. Numbers never produce a key that appears literally elsewhere in the batch, so a file really
    called "photo (2).jpg" keeps its name.
    """
    is_taken: Callable[[str], bool] = taken if taken is not None else (lambda _key: False)
    wanted = set(keys)
    used: set[str] = set()
    # For each repeated key: its split-up parts and where numbering resumes, so n copies of one name
    # cost O(n) rather than O(n²).
    progress: dict[str, tuple[tuple[str, str, str, str], int]] = {}
    result: list[str] = []
    for key in keys:
        if key not in used and not is_taken(key):
            used.add(key)
            result.append(key)
            continue
        parts, number = progress.get(key) or (_split_key(key), 2)
        while True:
            if number > _MAX_NUMBER:
                raise InvalidKeyError(f"Could not find a free name for {key!r}.")
            candidate = _numbered(parts, number)
            number += 1
            if candidate not in used and candidate not in wanted and not is_taken(candidate):
                break
        progress[key] = (parts, number)
        used.add(candidate)
        result.append(candidate)
    return result
