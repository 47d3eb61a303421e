"""`desktop-uploader check [--profile NAME]`: test a profile end to end and explain what fails."""

from __future__ import annotations

import argparse
import json

from desktop_uploader.cli.common import EXIT_FAILED, EXIT_OK, load_profile
from desktop_uploader.core.check import check_connection
from desktop_uploader.core.http import make_session


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("check", help="test a profile: sign, upload and remove a tiny probe object",
                       description="Signs a tiny probe object, uploads it, removes it where permitted, measures "
                                   "the clock difference to the server, and explains any failure. "
                                   "Exit status 0 when the upload worked, 1 when it did not.")
    p.add_argument("--profile", help="profile to test (default: the default profile)")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    _, profile = load_profile(args.profile, effective=True)
    with make_session() as session:
        result = check_connection(profile, session)
    if args.json:
        print(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
        return EXIT_OK if result.ok else EXIT_FAILED
    if result.ok:
        skew = f"; clock difference {result.clock_skew:+.1f} s" if result.clock_skew is not None else ""
        print(f"OK: profile '{result.profile}' ({result.signer}) uploaded a test object in {result.seconds:.2f} s"
              f"{skew}; test object {'removed' if result.removed else 'kept'}.")
    else:
        explanation = result.explanation or {}
        print(f"FAILED: {explanation.get('summary', 'the test upload did not work')}")
        for label, name in (("Cause", "cause"), ("What to do", "action"), ("For the admin", "admin_action")):
            if explanation.get(name):
                print(f"{label}: {explanation[name]}")
    for note in result.notes:
        print(f"Note: {note}")
    return EXIT_OK if result.ok else EXIT_FAILED
