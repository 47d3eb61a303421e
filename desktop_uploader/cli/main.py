"""Command-line entry point: `desktop-uploader [COMMAND] ...`. Without a command, the window opens."""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Sequence

from desktop_uploader import __version__
from desktop_uploader.cli import credentials_cmd, demo_cmd, explain_cmd, profile_cmd, upload_cmd
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
    demo_cmd.register(sub)
    gui = sub.add_parser("gui", help="open the window (the default without a command)")
    gui.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to queue")
    gui.add_argument("--profile", help="destination to upload to (default: the default one)")
    gui.set_defaults(func=_run_gui)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_uploader.gui import run_gui  # Qt loads only when the window is wanted

    return run_gui(list(getattr(args, "paths", None) or []), profile=getattr(args, "profile", None))


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if args.command is None:
        return _run_gui(args)
    try:
        code: int = args.func(args)
    except UsageError as exc:
        eprint(f"desktop-uploader: {exc}")
        return EXIT_USAGE
    return code


if __name__ == "__main__":
    raise SystemExit(main())
