"""Plain-language explanations of upload failures, with diagnosis from the signed link.

The reading of links and answers it builds on is in :mod:`desktop_uploader.core.protocol`.

The engine calls ``preflight`` before sending a request and ``explain`` after a failure; frontends show
``Explanation.summary`` and offer ``report`` for admins. Texts live in ``resources/errors/<locale>.json``.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from desktop_uploader.core.explain.catalog import Catalog, CatalogError, load_catalog
    from desktop_uploader.core.explain.explanation import Explanation, explain
    from desktop_uploader.core.explain.findings import ERROR, WARNING, Finding, diagnose, inspect_link, preflight
    from desktop_uploader.core.explain.report import report

# Where each public name lives. The submodules load on first use, so an upload that never fails does not pay
# for the diagnosis rules and the catalog.
_WHERE = {
    "Catalog": "catalog", "CatalogError": "catalog", "load_catalog": "catalog",
    "Explanation": "explanation", "explain": "explanation",
    "ERROR": "findings", "WARNING": "findings", "Finding": "findings", "diagnose": "findings",
    "inspect_link": "findings", "preflight": "findings",
    "report": "report",
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
    "diagnose",
    "explain",
    "inspect_link",
    "load_catalog",
    "preflight",
    "report",
]
