"""`desktop-uploader queue reset`: set a damaged queue database aside and start with an empty queue."""

from __future__ import annotations

import argparse
from pathlib import Path

from desktop_uploader.cli.common import EXIT_OK, UsageError
from desktop_uploader.core.paths import queue_db_path
from desktop_uploader.core.store import JobStore, StoreError, set_aside


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    queue = sub.add_parser("queue", help="look after the queue database")
    qsub = queue.add_subparsers(dest="queue_command", metavar="ACTION", required=True)
    reset = qsub.add_parser(
        "reset", help="set the queue database aside (kept, renamed) and start with an empty queue",
        description="Move the queue database (and its journal files) aside under a new name, so the next "
                    "start begins with an empty queue. Meant for a damaged database; a healthy one that still "
                    "holds unfinished files is only set aside with --force.")
    reset.add_argument("--force", action="store_true", help="also set aside a healthy queue with unfinished files")
    reset.set_defaults(func=run_reset)


def run_reset(args: argparse.Namespace) -> int:
    path = queue_db_path()
    if not path.exists():
        print(f"There is no queue database at {path}; nothing to do.")
        return EXIT_OK
    unfinished = _unfinished(path)
    if unfinished and not args.force:
        raise UsageError(f"The queue database {path} is healthy and holds {unfinished} unfinished file(s); "
                         "use --force to set it aside anyway.")
    kept = set_aside(path)
    print(f"The queue database was set aside as {kept}; the next start begins with an empty queue.")
    return EXIT_OK


def _unfinished(path: Path) -> int:
    """How many files the database still has to send; 0 when it cannot be read at all."""
    try:
        store = JobStore(path)
    except StoreError:
        return 0
    try:
        return sum(n for state, n in store.counts().items() if not state.finished)
    except StoreError:
        return 0
    finally:
        store.close()
