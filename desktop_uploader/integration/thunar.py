"""Thunar's custom actions (``uca.xml``): add ours beside the user's, and take only ours away again.

The file is the user's and Thunar rewrites it when actions are edited, so our action is found by its
``unique-id`` and everything else is kept as it is. It is parsed with defusedxml (it is a file anyone's
tools may have written) and written with ``xml.etree``.
"""

from __future__ import annotations

import hashlib
import json
import xml.etree.ElementTree as ET  # builds and writes trees; parsing goes through defusedxml
from dataclasses import dataclass
from typing import cast

from defusedxml.ElementTree import DefusedXMLParser

from desktop_uploader.integration.common import IntegrationError

UNIQUE_ID = "desktop-uploader-upload-to-s3"
# The file kinds Thunar offers an action for; an empty element means "yes".
_APPEARS_ON = ("directories", "audio-files", "image-files", "other-files", "text-files", "video-files")


@dataclass(frozen=True)
class ThunarAction:
    name: str
    command: str
    description: str
    icon: str
    unique_id: str = UNIQUE_ID

    def element(self) -> ET.Element:
        action = ET.Element("action")
        for tag, text in (("icon", self.icon), ("name", self.name), ("submenu", ""), ("unique-id", self.unique_id),
                          ("command", self.command), ("description", self.description), ("range", ""),
                          ("patterns", "*")):
            child = ET.SubElement(action, tag)
            if text:
                child.text = text
        for tag in _APPEARS_ON:
            ET.SubElement(action, tag)
        return action


def parse(data: bytes) -> ET.Element:
    """The ``<actions>`` root of a uca.xml, comments kept; :class:`IntegrationError` if it is not one."""
    parser = DefusedXMLParser(target=ET.TreeBuilder(insert_comments=True), forbid_dtd=True)
    try:
        parser.feed(data)
        root = cast(ET.Element, parser.close())
    except Exception as exc:  # expat errors and defusedxml's refusals (DTDs, entities) alike
        raise IntegrationError(f"Thunar's uca.xml cannot be read: {exc}") from None
    if root.tag != "actions":
        raise IntegrationError("Thunar's uca.xml does not hold <actions>.")
    return root


def empty() -> ET.Element:
    return ET.Element("actions")


def serialize(root: ET.Element) -> bytes:
    ET.indent(root, space="\t")
    body = ET.tostring(root, encoding="unicode")
    return ('<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n").encode("utf-8")


def _unique_id(action: ET.Element) -> str:
    return (action.findtext("unique-id") or "").strip()


def find(root: ET.Element, unique_id: str = UNIQUE_ID) -> ET.Element | None:
    for action in root.findall("action"):
        if _unique_id(action) == unique_id:
            return action
    return None


def remove(root: ET.Element, unique_id: str = UNIQUE_ID) -> int:
    """Take out every action with ``unique_id``; how many there were."""
    ours = [action for action in root.findall("action") if _unique_id(action) == unique_id]
    for action in ours:
        root.remove(action)
    return len(ours)


def merge(root: ET.Element, action: ThunarAction) -> None:
    """Put ``action`` in, replacing an earlier copy of it in place (so its place in the menu stays)."""
    positions = [i for i, e in enumerate(root) if e.tag == "action" and _unique_id(e) == action.unique_id]
    remove(root, action.unique_id)
    root.insert(positions[0] if positions else len(root), action.element())


def fingerprint(root: ET.Element) -> str:
    """What the actions mean, without layout or comments, so a rewrite by Thunar compares equal."""
    actions = [[(child.tag, (child.text or "").strip()) for child in action if isinstance(child.tag, str)]
               for action in root.findall("action")]
    return hashlib.sha256(json.dumps(actions).encode("utf-8")).hexdigest()
