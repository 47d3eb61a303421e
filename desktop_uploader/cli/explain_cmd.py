"""`desktop-uploader explain [FILE|-] [--url-file FILE|- | --url SIGNED_URL] [--status N] [--json]`: explain a
saved answer.

FILE holds what the storage or the signing service answered: an S3 XML error, an endpoint's JSON, an HTML
page, or a whole response as printed by ``curl -i``. With only ``--url``, the link itself is checked.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from desktop_uploader.cli.common import EXIT_OK, EXIT_USAGE, eprint
from desktop_uploader.core import failure as fc
from desktop_uploader.core.explain import Explanation, explain, inspect_link, load_catalog, report
from desktop_uploader.core.explain.report import responder_line
from desktop_uploader.core.failure import Failure, ReceivedResponse, SentRequest
from desktop_uploader.core.models import SignedRequest
from desktop_uploader.core.protocol.links import link_secrets, parse_link
from desktop_uploader.core.protocol.responses import body_kind, endpoint_message, parse_s3_error, split_http_message
from desktop_uploader.core.scrub import scrub_text

MAX_INPUT = 1024 * 1024  # a saved answer is a few KiB; anything larger is not one
MAX_LINK = 64 * 1024


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = subparsers.add_parser(
        "explain",
        help="explain a saved storage or signing-service answer in plain words",
        description="Explain what a storage (S3) or signing-service answer means and what to do about it. "
        "FILE may be the response body (XML, JSON or HTML) or a full response as printed by `curl -i`.",
    )
    p.add_argument("file", nargs="?", metavar="FILE|-", help="the saved answer; '-' reads standard input")
    link = p.add_mutually_exclusive_group()
    link.add_argument("--url", metavar="SIGNED_URL",
                      help="the upload link that was used; its signature and tokens are never printed. While the "
                           "command runs, other users of this computer can see its arguments: prefer --url-file")
    link.add_argument("--url-file", metavar="FILE|-",
                      help="read the upload link from FILE, or from standard input with '-', so a live link never "
                           "appears among the command's arguments")
    p.add_argument("--status", type=int, metavar="N", help="the HTTP status of the answer, if not in FILE")
    p.add_argument("--method", metavar="METHOD", help="the HTTP method that was sent (default: the link's)")
    p.add_argument("--endpoint", action="store_true",
                   help="the answer came from the signing service (JSON answers are assumed to)")
    out = p.add_mutually_exclusive_group()
    out.add_argument("--json", action="store_true", help="print the explanation as JSON")
    out.add_argument("--report", action="store_true", help="print the full report for an administrator")
    p.set_defaults(func=run)


def _read_input(name: str) -> bytes:
    if name == "-":
        return sys.stdin.buffer.read(MAX_INPUT + 1)
    with Path(name).open("rb") as fh:
        return fh.read(MAX_INPUT + 1)


def _read_link(name: str) -> str:
    """The first line of FILE (or standard input) that is not empty: a link saved by itself."""
    raw = sys.stdin.read(MAX_LINK + 1) if name == "-" else Path(name).read_text("utf-8", "replace")[: MAX_LINK + 1]
    return next((line.strip() for line in raw.splitlines() if line.strip()), "")


def run(args: argparse.Namespace) -> int:
    file: str | None = getattr(args, "file", None)
    url: str | None = getattr(args, "url", None)
    status: int | None = getattr(args, "status", None)
    url_file: str | None = getattr(args, "url_file", None)
    if url_file is not None:
        if url_file == "-" and file == "-":
            eprint("desktop-uploader explain: the answer and the link cannot both come from standard input.")
            return EXIT_USAGE
        try:
            url = _read_link(url_file)
        except OSError as exc:
            eprint(f"desktop-uploader explain: cannot read {url_file}: {exc.strerror or exc}")
            return EXIT_USAGE
    if file is None and not url and status is None:
        eprint("desktop-uploader explain: give a saved answer (FILE or - for standard input), --url or --status.")
        return EXIT_USAGE
    if status is not None and not 100 <= status <= 599:
        eprint(f"desktop-uploader explain: --status must be an HTTP status (100-599), not {status}.")
        return EXIT_USAGE
    if url is not None and not parse_link(url).host:
        eprint("desktop-uploader explain: --url is not a web address (expected https://...).")
        return EXIT_USAGE

    raw = b""
    if file is not None:
        try:
            raw = _read_input(file)
        except OSError as exc:
            eprint(f"desktop-uploader explain: cannot read {file}: {exc.strerror or exc}")
            return EXIT_USAGE
        if len(raw) > MAX_INPUT:
            eprint(f"desktop-uploader explain: {file} is larger than {MAX_INPUT // 1024} KiB; not a saved answer.")
            return EXIT_USAGE

    failure, link = _build_failure(raw.decode("utf-8", "replace"), url, status, args)
    explanation = explain(failure, link=link)
    secrets = explanation.secrets + (link_secrets(url) if url else ())
    if getattr(args, "json", False):
        text = json.dumps(explanation.to_dict(), indent=2, ensure_ascii=False)
    elif getattr(args, "report", False):
        text = report(failure, explanation).rstrip("\n")
    else:
        text = _human(explanation)
    # The link was pasted on the command line with its signature: make sure none of it comes back out.
    print(scrub_text(text, secrets))
    return EXIT_OK


def _build_failure(
    text: str, url: str | None, status: int | None, args: argparse.Namespace
) -> tuple[Failure, SignedRequest | None]:
    file_status, headers, body = split_http_message(text)
    status = status if status is not None else file_status
    kind = body_kind(body, next((v for k, v in headers.items() if k.lower() == "content-type"), None))
    info = parse_link(url) if url else None
    # A link does not say which method it was signed for unless its query implies one; upload links are PUT.
    link_method = (info.implied_method() if info else None) or "PUT"
    method = (getattr(args, "method", None) or link_method).upper()
    link = SignedRequest(method=link_method, url=url) if url else None

    if kind == "empty" and status is None:
        # Only a link: explain what is wrong with it, or say that nothing is.
        assert link is not None
        findings = inspect_link(link)
        code = findings[0].code if findings else "Link.ok"
        return Failure(code=code, message="", stage=fc.STAGE_UPLOAD, signed_url=url), link

    s3 = parse_s3_error(body) if kind == "xml" else {}
    # A JSON answer is the signing service's, unless it answered an upload link (an API in front of storage).
    from_endpoint = getattr(args, "endpoint", False) or (kind == "json" and not s3 and not url)
    stage = fc.STAGE_SIGN if from_endpoint else fc.STAGE_UPLOAD
    if s3.get("Code"):
        code, message = s3["Code"], s3.get("Message", "")
    elif from_endpoint:
        message = endpoint_message(body)[0]
        if kind == "html":
            code = fc.ENDPOINT_HTML
        elif status is not None and status >= 400:
            code = fc.ENDPOINT_ERROR
        elif kind == "json":
            code = fc.ENDPOINT_NO_URL
        else:
            code = fc.ENDPOINT_BAD_RESPONSE
    elif kind == "html":
        code, message = fc.HTML_RESPONSE, ""
    elif kind in ("json", "text", "xml"):
        code, message = fc.NON_S3_RESPONSE, ""
    else:
        code, message = fc.UNKNOWN, ""
    if not message and status is not None:
        message = f"HTTP {status}"

    request = SentRequest.build(method, url, {}, 0) if url and stage == fc.STAGE_UPLOAD else None
    failure = Failure(
        code=code,
        message=message,
        stage=stage,
        http_status=status,
        s3_error=s3,
        request=request,
        response=ReceivedResponse.build(status or 0, headers, body),
        signer="endpoint" if from_endpoint else None,
        signed_url=url,
        server_date=next((v for k, v in headers.items() if k.lower() == "date"), None),
    )
    return failure, link


def _human(explanation: Explanation) -> str:
    catalog = load_catalog(str(explanation.details.get("locale") or "") or None)
    labels = catalog.meta.get("labels", {})

    def label(name: str) -> str:
        return str(labels.get(name, name)) if isinstance(labels, dict) else name

    lines = [
        explanation.summary,
        "",
        f"{label('cause')}: {explanation.cause}",
        f"{label('action')}: {explanation.action}",
        f"{label('admin_action')}: {explanation.admin_action}",
        f"{label('code')}: {explanation.code}",
        f"{label('retryable')}: {catalog.word('yes' if explanation.retryable else 'no')}",
    ]
    if explanation.fixed_by:
        lines.append(f"{label('fixed_by')}: {catalog.word('by_' + explanation.fixed_by)}")
    answered = responder_line(explanation.details.get("responder"), catalog.word)
    if answered:
        lines.append(f"{label('responder')}: {answered}")
    others = [f for f in explanation.details.get("findings", []) if isinstance(f, dict) and not f.get("explained")]
    if others:
        lines += ["", f"{label('findings')}:"]
        lines += [f"  - {f.get('cause', '')}" for f in others]
    return "\n".join(lines)
