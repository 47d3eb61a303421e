"""`desktop-uploader integrate install|uninstall|status`: "Upload to S3" in the file manager's menu."""

from __future__ import annotations

import argparse
import json
from dataclasses import asdict

from desktop_uploader.cli.common import EXIT_FAILED, EXIT_OK, eprint
from desktop_uploader.integration import PLATFORMS, IntegrationError, Report, Target, install, status, uninstall
from desktop_uploader.integration.plan import INSTALLED, PLANNED, REMOVED, SYSTEM_WIDE

_PLATFORM_NAMES = {"linux": "Linux", "windows": "Windows", "macos": "macOS"}


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "integrate", help="add or remove “Upload to S3” in the file manager's menu",
        description="Add “Upload to S3” to the right-click menu of the file manager, for the current user "
                    "(no admin rights needed): GNOME Files, Dolphin and Thunar on Linux; Explorer and Send To "
                    "on Windows; a Finder Quick Action on macOS. Uninstall removes exactly what install wrote.")
    p.add_argument("action", choices=("install", "uninstall", "status"))
    p.add_argument("--platform", choices=PLATFORMS,
                   help="generate another platform's files (default: this computer's); Windows registry "
                        "entries can only be written on Windows, but --dry-run shows them anywhere")
    p.add_argument("--dry-run", action="store_true", help="with install: show what would be written")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    try:
        target = Target.current_user(platform=args.platform)
        if args.action == "install":
            report = install(target, dry_run=args.dry_run)
            ok = report.all_in(INSTALLED, PLANNED, SYSTEM_WIDE)
        elif args.action == "uninstall":
            report = uninstall(target)
            ok = report.all_in(REMOVED) or not report.results
        else:
            report = status(target)
            ok = report.all_in(INSTALLED, SYSTEM_WIDE)
    except (IntegrationError, OSError) as exc:
        eprint(f"desktop-uploader: {exc}")
        return EXIT_FAILED
    if args.json:
        print(json.dumps(_as_json(report, args.action, target.platform), indent=2, ensure_ascii=False))
    else:
        print(_as_text(report, args.action, target.platform))
    return EXIT_OK if ok else EXIT_FAILED


def _as_json(report: Report, action: str, platform: str) -> dict[str, object]:
    return {"action": action, "platform": platform,
            "installed_at": report.manifest.installed_at if report.manifest else None,
            "components": [asdict(result) for result in report.results], "notes": report.notes}


def _as_text(report: Report, action: str, platform: str) -> str:
    name = _PLATFORM_NAMES.get(platform, platform)
    if action == "uninstall" and not report.results:
        return f"Nothing to remove: “Upload to S3” is not installed for {name}."
    heading = {
        "install": f"“Upload to S3” for {name}:",
        "uninstall": f"Removed “Upload to S3” for {name}:",
        "status": f"“Upload to S3” for {name}"
                  + (f" (installed {report.manifest.installed_at}):" if report.manifest else ":"),
    }[action]
    width = max((len(result.state) for result in report.results), default=0)
    lines = [heading]
    for result in report.results:
        lines.append(f"  {result.state:<{width}}  {result.component}")
        lines.extend(f"  {'':<{width}}    {where}" for where in result.where)
        if result.detail:
            lines.append(f"  {'':<{width}}    ({result.detail})")
    lines.extend(report.notes)
    return "\n".join(lines)
