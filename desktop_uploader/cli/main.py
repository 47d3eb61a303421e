"""Command-line entry point: `desktop-uploader [COMMAND] ...`. Without a command, the window opens."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from desktop_uploader import __version__
from desktop_uploader.cli import (
    check_cmd,
    credentials_cmd,
    demo_cmd,
    explain_cmd,
    integrate_cmd,
    kiosk_cmd,
    profile_cmd,
    upload_cmd,
)
from desktop_uploader.cli.common import EXIT_USAGE, UsageError, eprint


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="desktop-uploader", description="Upload files to Amazon S3 and S3-compatible storage.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    upload_cmd.register(sub)
    profile_cmd.register(sub)
    credentials_cmd.register(sub)
    explain_cmd.register(sub)
    check_cmd.register(sub)
    integrate_cmd.register(sub)
    demo_cmd.register(sub)
    kiosk_cmd.register(sub)
    gui = sub.add_parser("gui", help="open the window (the default without a command)")
    gui.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to queue")
    gui.add_argument("--profile", help="destination to upload to (default: the default one)")
    gui.set_defaults(func=_run_gui)
    return parser


def _commands(parser: argparse.ArgumentParser) -> set[str]:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return set(action.choices)
    return set()


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_uploader.gui import run_gui  # Qt loads only when the window is wanted

    return run_gui(list(getattr(args, "paths", None) or []), profile=getattr(args, "profile", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    if words and not words[0].startswith("-") and words[0] not in _commands(parser):
        # `desktop-uploader PATH...`, as file managers and "Open with" call it: queue them in the window.
        words = ["gui", "--", *words]
    args = parser.parse_args(words)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        if kiosk_cmd.starts_in_kiosk():  # kiosk.enabled in the settings or the admin's locked config
            return kiosk_cmd.run_kiosk_cmd(argparse.Namespace(profile=None, watch=[], locked_config=None))
        return _run_gui(args)
    try:
        code: int = args.func(args)
    except UsageError as exc:
        eprint(f"desktop-uploader: {exc}")
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    raise SystemExit(main())
