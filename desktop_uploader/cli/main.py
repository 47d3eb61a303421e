"""Command-line entry point: `desktop-uploader [COMMAND] ...`. Without a command, the window opens."""

from __future__ import annotations

import argparse
import gc
import importlib
import logging
import sys
from collections.abc import Sequence

from desktop_uploader import __version__
from desktop_uploader.cli.common import EXIT_USAGE, UsageError, eprint
from desktop_uploader.core.scrub import redact_logs

# Command name -> the module that registers and runs it. Only the module of the command being run is
# imported: a right-click upload or a script's `upload` should not pay for the kiosk or the checks.
COMMAND_MODULES = {
    "upload": "upload_cmd",
    "profile": "profile_cmd",
    "credentials": "credentials_cmd",
    "explain": "explain_cmd",
    "check": "check_cmd",
    "integrate": "integrate_cmd",
    "autostart": "autostart_cmd",
    "demo": "demo_cmd",
    "kiosk": "kiosk_cmd",
    "fleet": "kiosk_cmd",
    "queue": "queue_cmd",
}
COMMANDS = {*COMMAND_MODULES, "gui"}


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The whole command line, or with *only* just that command (the others are not even imported)."""
    parser = _Parser(prog="desktop-uploader", description="Upload files to Amazon S3 and S3-compatible storage.")
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log details to stderr")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    for module in dict.fromkeys(COMMAND_MODULES.values()):  # each module once, in order
        if only is None or COMMAND_MODULES.get(only) == module:
            importlib.import_module(f"desktop_uploader.cli.{module}").register(sub)
    if only is not None and only != "gui":
        return parser
    gui = sub.add_parser("gui", help="open the window (the default without a command)")
    gui.add_argument("paths", nargs="*", metavar="PATH", help="files or folders to queue")
    gui.add_argument("--profile", help="destination to upload to (default: the default one)")
    gui.add_argument("--minimized", action="store_true",
                     help="start in the tray (or minimized where there is none), as at login: see autostart")
    gui.set_defaults(func=_run_gui)
    return parser


def _run_gui(args: argparse.Namespace) -> int:
    from desktop_uploader.cli.qt_start import why_no_window

    reason = why_no_window()  # Qt would abort the process with advice that does not help
    if reason is not None:
        eprint(f"desktop-uploader: {reason}")
        return EXIT_USAGE
    from desktop_uploader.gui import run_gui  # Qt loads only when the window is wanted

    return run_gui(list(getattr(args, "paths", None) or []), profile=getattr(args, "profile", None),
                   minimized=bool(getattr(args, "minimized", False)))


def main(argv: Sequence[str] | None = None) -> int:
    words = list(sys.argv[1:] if argv is None else argv)
    if words and not words[0].startswith("-") and words[0] not in COMMANDS:
        # `desktop-uploader PATH...`, as file managers and "Open with" call it: queue them in the window.
        words = ["gui", "--", *words]
    command = next((w for w in words if not w.startswith("-")), None)
    if command is None and not {"-h", "--help"} & set(words):
        command = "gui"  # no command: the window, or --version; only the full --help lists every command
    args = build_parser(command if command in COMMANDS else None).parse_args(words)
    if argv is None:
        # Run as the program: the modules just loaded live until exit. Out of the collector's sight, they
        # cost nothing in each full collection during the run or at exit (about 30 ms of a short upload's
        # CPU). Code that calls main() and goes on keeps its collector as it was.
        gc.freeze()
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    redact_logs()  # -v shows every request line, links included: never their signatures or tokens
    if args.command is None:
        from desktop_uploader.cli import kiosk_cmd

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
