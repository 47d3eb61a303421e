"""Plain-language explanations of upload failures, with diagnosis from the signed link.

The engine calls ``preflight`` before sending a request and ``explain`` after a failure; frontends show
``Explanation.summary`` and offer ``report`` for admins. Texts live in ``resources/errors/<locale>.json``.
"""

from desktop_uploader.core.explain.bodies import body_kind, endpoint_message, parse_s3_error, split_http_message
from desktop_uploader.core.explain.catalog import Catalog, CatalogError, load_catalog
from desktop_uploader.core.explain.explanation import Explanation, explain
from desktop_uploader.core.explain.findings import ERROR, WARNING, Finding, diagnose, inspect_link, preflight
from desktop_uploader.core.explain.link import LinkInfo, link_secrets, parse_link
from desktop_uploader.core.explain.report import report
from desktop_uploader.core.explain.scrub import scrub_text

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
