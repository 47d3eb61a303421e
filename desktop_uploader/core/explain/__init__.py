"""Plain-language explanations of upload failures, with diagnosis from the signed link.

The engine calls ``preflight`` before sending a request and ``explain`` after a failure; frontends show
``Explanation.summary`` and offer ``report`` for admins. Texts live in ``resources/errors/<locale>.json``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_uploader.core.explain.bodies import body_kind, endpoint_message, parse_s3_error, split_http_message
    from desktop_uploader.core.explain.catalog import Catalog, CatalogError, load_catalog
    from desktop_uploader.core.explain.explanation import Explanation, explain
    from desktop_uploader.core.explain.findings import ERROR, WARNING, Finding, diagnose, inspect_link, preflight
    from desktop_uploader.core.explain.link import LinkInfo, link_secrets, parse_link
    from desktop_uploader.core.explain.report import report
    from desktop_uploader.core.explain.scrub import scrub_text

# Where each public name lives. The submodules load on first use, so code that needs only the link parser
# (every upload does) does not pay for the diagnosis rules and the catalog.
_WHERE = {
    "body_kind": "bodies", "endpoint_message": "bodies", "parse_s3_error": "bodies", "split_http_message": "bodies",
    "Catalog": "catalog", "CatalogError": "catalog", "load_catalog": "catalog",
    "Explanation": "explanation", "explain": "explanation",
    "ERROR": "findings", "WARNING": "findings", "Finding": "findings", "diagnose": "findings",
    "inspect_link": "findings", "preflight": "findings",
    "LinkInfo": "link", "link_secrets": "link", "parse_link": "link",
    "report": "report",
    "scrub_text": "scrub",
}


def __getattr__(name: str) -> Any:
    module = _WHERE.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "ERROR",
    "WARNING",
    "Catalog",
    "CatalogError",
    "Explanation",
    "Finding",
    "LinkInfo",
    "body_kind",
    "diagnose",
    "endpoint_message",
    "explain",
    "inspect_link",
    "link_secrets",
    "load_catalog",
    "parse_link",
    "parse_s3_error",
    "preflight",
    "report",
    "scrub_text",
    "split_http_message",
]
