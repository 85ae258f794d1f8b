"""Regular expressions written by the client (JSON-schema ``pattern``), run with a time limit.

Python's :mod:`re` backtracks without bound and holds the GIL while it does: ``(a|aa)+$``
against forty ``a`` and a ``!`` stalls the whole server. A client's expression therefore runs
in the ``regex`` module with a :data:`TIMEOUT` and the GIL released; an expression longer than
:data:`MAX_PATTERN` characters is not run at all. Our own expressions stay in :mod:`re` and are
written to be linear.
"""

from __future__ import annotations

import regex

__all__ = ["MAX_PATTERN", "TIMEOUT", "search"]

TIMEOUT = 0.05
"""Seconds one client expression may run before it counts as undecided."""
MAX_PATTERN = 1000
"""Longest client expression (characters) that is run."""


def search(pattern: str, text: str) -> bool | None:
    """Whether ``pattern`` is found in ``text``; None if it is invalid, too long or too slow."""
    if len(pattern) > MAX_PATTERN:
        return None
    try:
        return regex.search(pattern, text, timeout=TIMEOUT, concurrent=True) is not None
    except (regex.error, TimeoutError, RecursionError, ValueError, OverflowError):
        return None
