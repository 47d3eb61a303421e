"""Reading S3's XML error documents safely (defusedxml), tolerant of S3-compatible variants."""

from __future__ import annotations

from xml.etree.ElementTree import Element

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_s3_error(body: bytes | str) -> dict[str, str]:
    """The child elements of an <Error> document as a flat dict; {} when the body is not one."""
    if not body:
        return {}
    text = body if isinstance(body, bytes) else body.encode("utf-8", "replace")
    if b"<" not in text[:200]:
        return {}
    try:
        root: Element = SafeET.fromstring(text)
    except (SafeET.ParseError, DefusedXmlException, ValueError):
        return {}
    error = root if _local(root.tag) == "Error" else next(
        (el for el in root.iter() if _local(el.tag) == "Error"), None)
    if error is None:
        return {}
    fields: dict[str, str] = {}
    for child in error:
        if len(child) == 0:
            fields[_local(child.tag)] = (child.text or "").strip()
    return fields
