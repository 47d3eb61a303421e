"""The copyable plain-text report an office worker sends to the admin."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from desktop_uploader.core.explain.catalog import load_catalog
from desktop_uploader.core.explain.explanation import Explanation
from desktop_uploader.core.failure import Failure
from desktop_uploader.core.scrub import scrub_text

_INDENT = "  "


def report(failure: Failure, explanation: Explanation) -> str:
    """Everything useful about *failure*, redacted. Safe to paste into an e-mail or a ticket."""
    catalog = load_catalog(str(explanation.details.get("locale") or "") or None)
    labels = catalog.meta.get("labels", {})

    def label(name: str) -> str:
        return str(labels.get(name, name)) if isinstance(labels, dict) else name

    d = explanation.details
    lines: list[str] = [label("title"), "=" * len(label("title")), ""]
    for name in ("summary", "cause", "action", "admin_action"):
        lines.append(f"{label(name)}:")
        lines.append(_INDENT + getattr(explanation, name))
        lines.append("")
    lines += _verdict_lines(explanation, catalog.word, label)

    findings = [f for f in d.get("findings", []) if isinstance(f, dict) and not f.get("explained")]
    if findings:
        lines += ["", f"{label('findings')}:"]
        for f in findings:
            lines.append(f"{_INDENT}- [{f.get('severity', '')}] {f.get('code', '')}: {f.get('cause', '')}")

    lines += ["", f"{label('details')}:"]
    summary_fields = (
        ("failure_code", failure.code),
        ("stage", failure.stage),
        ("status", d.get("status")),
        ("s3_code", d.get("s3_code")),
        ("s3_message", d.get("s3_message")),
        ("request_id", d.get("request_id")),
        ("host_id", d.get("host_id")),
        ("signer", d.get("signer")),
        ("message", failure.message),
        ("file_size", d.get("file_size")),
        ("local_time", d.get("local_time")),
        ("server_time", d.get("server_time")),
        ("clock_offset", d.get("skew")),
        ("retry_after", d.get("retry_after")),
    )
    for name, value in summary_fields:
        if value not in (None, ""):
            lines.append(f"{_INDENT}{name}: {value}")
    if d.get("asked"):
        lines.append(f"{_INDENT}asked: {_compact(d['asked'])}")

    link = d.get("link")
    if isinstance(link, dict) and link:
        lines += ["", f"{label('link')}:"]
        lines += [f"{_INDENT}{k}: {_compact(v)}" for k, v in link.items()]

    request = d.get("request")
    if isinstance(request, dict):
        lines += ["", f"{label('request')}:"]
        lines.append(f"{_INDENT}{request.get('method', '')} {request.get('url', '')}")
        for k, v in (request.get("headers") or {}).items():
            lines.append(f"{_INDENT}{k}: {v}")
        lines.append(f"{_INDENT}bytes sent: {request.get('bytes_sent', 0)}")

    response = d.get("response")
    if isinstance(response, dict):
        lines += ["", f"{label('response')}:"]
        lines.append(f"{_INDENT}status: {response.get('status', '')}")
        for k, v in (response.get("headers") or {}).items():
            lines.append(f"{_INDENT}{k}: {v}")

    s3_error = d.get("s3_error")
    if isinstance(s3_error, dict) and s3_error:
        lines += ["", f"{label('s3_error')}:"]
        for k, v in s3_error.items():
            value = str(v).replace("\n", "\n" + _INDENT * 2)
            lines.append(f"{_INDENT}{k}: {value}")

    if isinstance(response, dict) and response.get("body_excerpt") and not s3_error:
        lines += ["", f"{label('body')}:"]
        lines += [_INDENT + line for line in str(response["body_excerpt"]).splitlines()[:40]]

    text = "\n".join(lines).rstrip() + "\n"
    # Every part above is already redacted; this pass guarantees it for the text as a whole.
    return scrub_text(text, explanation.secrets)


def _verdict_lines(explanation: Explanation, word: Callable[[str], str], label: Callable[[str], str]) -> list[str]:
    """Explanation code, whether the app retries, who can fix it and who answered."""
    lines = [f"{label('code')}: {explanation.code}",
             f"{label('retryable')}: {word('yes' if explanation.retryable else 'no')}"]
    if explanation.fixed_by:
        lines.append(f"{label('fixed_by')}: {word('by_' + explanation.fixed_by)}")
    answered = responder_line(explanation.details.get("responder"), word)
    if answered:
        lines.append(f"{label('responder')}: {answered}")
    return lines


def responder_line(responder: Any, word: Callable[[str], str]) -> str:
    """"nginx (a proxy in front of the storage), through Cloudflare; Server: nginx/1.25" for the report."""
    if not isinstance(responder, dict) or not responder.get("kind"):
        return ""
    kind = word("kind_" + str(responder["kind"]))
    name = str(responder.get("name") or "")
    text = f"{name} ({kind})" if name else kind
    via = responder.get("via") or []
    if via:
        text += f", {word('through')} {', '.join(map(str, via))}"
    evidence = responder.get("evidence") or []
    if evidence:
        text += "; " + "; ".join(map(str, evidence))
    return text


def _compact(value: Any) -> str:
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)
