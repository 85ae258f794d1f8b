"""``respnb history``: where the task history is stored, and ``purge`` to delete it."""

from __future__ import annotations

import argparse
from typing import Any

from ._observer import recording
from ._shared import db_path
from .history import parse_date, purge

__all__ = ["add_history"]


def _history(args: argparse.Namespace) -> int:
    path = db_path()
    if args.history_action == "purge":
        if args.all == (args.before is not None):
            print("respnb history purge: give exactly one of --before DATE or --all")
            return 2
        try:
            before = None if args.all else parse_date(args.before)
        except ValueError as exc:
            print(f"respnb history purge: {exc}")
            return 2
        n = purge(path, before=before)
        scope = "all rows" if args.all else f"rows created before {args.before}"
        print(f"deleted {n} history row{'s' if n != 1 else ''} ({scope}) from {path}")
        return 0
    state = "on" if recording() else "off (RESPNB_RECORD)"
    print(f"history: {path}{'' if path.exists() else ' (not created yet)'}\nrecording: {state}")
    return 0


def add_history(sub: Any) -> None:
    """Register ``respnb history [purge --before DATE | --all]``."""
    p = sub.add_parser(
        "history",
        help="where the task history is stored; purge it",
        description="The task history: every response respnb created (prompt, title, output "
        "text, status, usage), in a SQLite file ($RESPNB_TASKS_DB or <home>/tasks.sqlite3). "
        "Without an action: print its path. RESPNB_RECORD=0 turns recording off.",
    )
    p.add_argument("history_action", nargs="?", choices=["purge"], default=None)
    p.add_argument("--before", metavar="DATE", help="purge rows created before this date")
    p.add_argument("--all", action="store_true", help="purge every row")
    p.set_defaults(func=_history)
