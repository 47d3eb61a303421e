"""`desktop-uploader autostart on|off|status`: start with the user's session, to finish what the queue holds."""

from __future__ import annotations

import argparse
import json
import os

from desktop_uploader.cli.common import EXIT_FAILED, EXIT_OK, EXIT_USAGE, eprint
from desktop_uploader.integration import IntegrationError, install, uninstall
from desktop_uploader.integration.autostart import KIOSK, WINDOW, AutostartTarget, current_mode
from desktop_uploader.integration.common import PLATFORMS
from desktop_uploader.integration.plan import INSTALLED, PLANNED, REMOVED

_STARTS = {WINDOW: "the window, in the tray, finishing the uploads left in the queue",
           KIOSK: "kiosk mode, watching its folders"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "autostart", help="start when you log in, to finish what the queue holds",
        description="Start the app when you log in, for the current user (no admin rights needed): the window, "
                    "hidden in the tray, sends what is left in the queue; with --kiosk, kiosk mode with its "
                    "saved watch folders. 'off' removes exactly what 'on' wrote.")
    p.add_argument("action", choices=("on", "off", "status"))
    p.add_argument("--kiosk", action="store_true", help="with on: start kiosk mode instead of the window")
    p.add_argument("--profile", help="with on: the destination to start with (default: the window's or kiosk's own)")
    p.add_argument("--locked-config", metavar="FILE",
                   help="with on --kiosk: the locked configuration kiosk mode is started with (a system-wide one "
                        "applies anyway)")
    p.add_argument("--platform", choices=PLATFORMS, help="with on --dry-run: another platform's entry")
    p.add_argument("--dry-run", action="store_true", help="with on: show what would be written")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    mode = KIOSK if args.kiosk else WINDOW
    if args.locked_config and not args.kiosk:
        eprint("desktop-uploader: --locked-config goes with --kiosk (the window reads the system-wide one)")
        return EXIT_USAGE
    options: tuple[str, ...] = ()
    if args.profile:
        options += ("--profile", args.profile)
    if args.locked_config:
        options += ("--locked-config", os.path.abspath(args.locked_config))  # the session starts elsewhere
    try:
        target = AutostartTarget.for_mode(mode, args.platform, options=options)
        if args.action == "on":
            report = install(target, dry_run=args.dry_run)
            ok = report.all_in(INSTALLED, PLANNED)
            where = [w for result in report.results for w in result.where]
            problem = "; ".join(result.detail for result in report.results if result.detail)
            text = (f"{'Would start' if args.dry_run else 'Starts'} at login: {_STARTS[mode]}. "
                    f"({', '.join(where)})" if ok else f"Could not turn on starting at login: {problem}")
            found: str | None = mode if ok and not args.dry_run else None
        elif args.action == "off":
            report = uninstall(target)
            ok = report.all_in(REMOVED) or not report.results
            text = "Does not start at login any more." if report.results else "Starting at login was not on."
            found = None
        else:
            found = current_mode(args.platform)
            ok = True
            text = f"Starts at login: {_STARTS[found]}." if found else "Does not start at login."
    except (IntegrationError, OSError) as exc:
        eprint(f"desktop-uploader: {exc}")
        return EXIT_FAILED
    if args.json:
        print(json.dumps({"action": args.action, "platform": target.platform, "starts": found, "message": text},
                         ensure_ascii=False))
    else:
        print(text)
    return EXIT_OK if ok else EXIT_FAILED
