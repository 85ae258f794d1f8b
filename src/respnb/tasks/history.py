"""Deleting task history: ``respnb history purge --before DATE`` / ``--all``.

The history is the task registry's SQLite file (``$RESPNB_TASKS_DB`` or
``<home>/tasks.sqlite3``): one row per response with its prompt, title and output text. A purge
deletes rows, then checkpoints the WAL and vacuums, so the deleted text leaves the file too.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from pathlib import Path

__all__ = ["parse_date", "purge"]


def parse_date(text: str) -> float:
    """Unix seconds of ``YYYY-MM-DD`` (midnight UTC) or an ISO 8601 date-time (UTC if naive)."""
    raw = text.strip()
    try:
        when = dt.datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(
            f"not a date: {text!r}; give YYYY-MM-DD or an ISO 8601 date-time "
            "such as 2026-01-31T12:00"
        ) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.timestamp()


def purge(path: str | Path, *, before: float | None = None) -> int:
    """Delete history rows created before ``before`` (unix seconds), or all when it is None.

    Rows without a creation time count as old. Returns how many rows were deleted; a missing
    database deletes nothing (and is not created).
    """
    db = Path(path)
    if not db.exists():
        return 0
    conn = sqlite3.connect(str(db), timeout=30.0, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout=30000")
        has_table = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'tasks'"
        ).fetchone()
        if not has_table:
            return 0
        conn.execute("BEGIN IMMEDIATE")
        if before is None:
            n = conn.execute("DELETE FROM tasks").rowcount
        else:
            n = conn.execute(
                "DELETE FROM tasks WHERE created_at IS NULL OR created_at < ?", (before,)
            ).rowcount
        if n:  # readers that cache by change number see the change
            conn.execute("UPDATE meta SET value = value + 1 WHERE key = 'version'")
        conn.execute("COMMIT")
        if n:
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            conn.execute("VACUUM")
        return int(n)
    finally:
        conn.close()
