"""The ``%tasks`` line magic: show the live TaskBoard (or export the history).

Usage::

    %tasks                      # the live board of every task
    %tasks deep research        # the board, pre-filtered by a search text
    %tasks --refresh            # fetch every in-flight task once first
    %tasks --csv out.csv        # write the history as CSV instead
"""

from __future__ import annotations

import shlex
from typing import Any

__all__ = ["parse_args", "register", "tasks_magic"]


def parse_args(line: str) -> dict[str, Any]:
    """Parse the magic's arguments: ``--refresh``, ``--csv PATH``, ``--page-size N``, text."""
    words = shlex.split(line)
    out: dict[str, Any] = {"refresh": False, "csv": None, "page_size": None, "search": ""}
    rest: list[str] = []
    it = iter(words)
    for word in it:
        if word == "--refresh":
            out["refresh"] = True
        elif word in ("--csv", "--page-size"):
            value = next(it, None)
            if value is None:
                raise ValueError(f"%tasks {word} needs a value")
            if word == "--csv":
                out["csv"] = value
            else:
                try:
                    out["page_size"] = int(value)
                except ValueError:
                    raise ValueError(f"%tasks --page-size wants a number, got {value!r}") from None
        elif word.startswith("--"):
            raise ValueError(f"unknown %tasks option {word!r} (try --refresh, --csv, --page-size)")
        else:
            rest.append(word)
    out["search"] = " ".join(rest)
    return out


def tasks_magic(line: str = "") -> Any:
    """The body of ``%tasks``: returns the TaskBoard (or the CSV path)."""
    from respnb.tasks import tasks

    args = parse_args(line)
    table = tasks()
    if args["refresh"]:
        table.refresh()
    if args["csv"]:
        return table.to_csv(args["csv"])
    kwargs: dict[str, Any] = {"search": args["search"]}
    if args["page_size"]:
        kwargs["page_size"] = args["page_size"]
    from .board import TaskBoard

    return TaskBoard(table, **kwargs)


def register(ipython: Any) -> None:
    """Register ``%tasks`` with an IPython shell (called from load_ipython_extension)."""
    ipython.register_magic_function(tasks_magic, magic_kind="line", magic_name="tasks")
