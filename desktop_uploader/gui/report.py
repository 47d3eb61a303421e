"""The text behind "Copy report": everything support needs about one failed upload, with no secrets.

The engine stores failures already redacted; the text is passed through the redaction once more so a
report stays safe even if a future field slips through unredacted.
"""

from __future__ import annotations

import json
import platform
from typing import Any

from desktop_uploader import __version__
from desktop_uploader.core.config import KIND_LOCAL, Profile
from desktop_uploader.core.protocol.links import host_of
from desktop_uploader.core.redact import redact_text


def _explain_report(failure: dict[str, Any], path: str, key: str) -> str | None:
    """The explanation layer's own report (localised labels, findings, link analysis)."""
    try:
        from desktop_uploader.core.explain import Explanation, explain, report
        from desktop_uploader.core.failure import Failure
    except ImportError:
        return None
    try:
        structured = Failure.from_dict(failure)
        given = failure.get("explanation")
        explanation = Explanation.from_dict(given) if isinstance(given, dict) and given else \
            explain(structured)
        text = report(structured, explanation)
    except Exception:  # a report that cannot be built must not stop the user copying the basics
        return None
    if not text.strip():
        return None
    return f"File: {path}\nDestination key: {key}\n\n{text}"


def build_report(failure: dict[str, Any], *, path: str, key: str, profile: Profile | None = None) -> str:
    text = _explain_report(failure, path, key)
    if text is None:
        text = _plain_report(failure, path=path, key=key)
    return redact_text(text.rstrip("\n") + "\n\n" + setting_lines(profile) + "\n")


def setting_lines(profile: Profile | None) -> str:
    """Where the app ran and where it sent to: what support asks first. No secret is among them."""
    lines = [f"App version: {__version__}", f"System: {platform.platform()}",
             f"Python: {platform.python_version()}"]
    if profile is not None:
        if profile.kind == KIND_LOCAL:
            server = host_of(profile.s3_endpoint_url) if profile.s3_endpoint_url else "Amazon S3"
            lines += [f"Destination: {profile.name} (access keys on this computer)", f"Storage host: {server}",
                      f"Bucket: {profile.bucket}", f"Region: {profile.region}"]
        else:
            lines += [f"Destination: {profile.name} (signing service, {profile.protocol} protocol)",
                      f"Signing service host: {host_of(profile.endpoint_url)}"]
        if profile.prefix:
            lines.append(f"Folder in the bucket: {profile.prefix}")
    return "\n".join(lines)


def _plain_report(failure: dict[str, Any], *, path: str, key: str) -> str:
    explanation = failure.get("explanation") or {}
    lines = ["desktop-uploader failure report", "=" * 31, ""]
    if isinstance(explanation, dict) and explanation:
        for label, name in (("Summary", "summary"), ("Cause", "cause"), ("What to do", "action"),
                            ("For the administrator", "admin_action")):
            if explanation.get(name):
                lines.append(f"{label}: {explanation[name]}")
        details = explanation.get("details")
        if details:
            lines.append("Details:")
            if isinstance(details, (list, tuple)):
                lines.extend(f"  - {d}" for d in details)
            elif isinstance(details, dict):
                lines.extend(f"  {k}: {v}" for k, v in details.items())
            else:
                lines.append(f"  {details}")
        lines.append("")
    lines += [
        f"File: {path}",
        f"Destination key: {key}",
        f"Error code: {failure.get('code')}",
        f"Message: {failure.get('message')}",
        f"Stage: {failure.get('stage')}",
    ]
    for label, name in (("HTTP status", "http_status"), ("Request id", "request_id"), ("Signer", "signer"),
                        ("Network error", "network_error"), ("Server date", "server_date"),
                        ("Signed link", "signed_url")):
        if failure.get(name) not in (None, ""):
            lines.append(f"{label}: {failure[name]}")
    if failure.get("s3_error"):
        lines.append("S3 error: " + json.dumps(failure["s3_error"], sort_keys=True, ensure_ascii=False))
    request = failure.get("request")
    if isinstance(request, dict):
        lines.append(f"Request: {request.get('method')} {request.get('url')}")
        for name, value in sorted((request.get("headers") or {}).items()):
            lines.append(f"  {name}: {value}")
    response = failure.get("response")
    if isinstance(response, dict):
        lines.append(f"Response: HTTP {response.get('status')}")
        for name, value in sorted((response.get("headers") or {}).items()):
            lines.append(f"  {name}: {value}")
        if response.get("body"):
            lines.append("Response body:")
            lines.append(str(response["body"]))
    return "\n".join(lines) + "\n"
