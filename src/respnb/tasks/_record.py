"""The shape of one task-registry row: ``TaskRecord``, its SQLite table, the conversion between.

:class:`TaskRecord` is the row as Python sees it; :data:`SCHEMA` the ``tasks`` table that stores
it (with :func:`add_missing_columns`, the in-place migration of a database from an older
respnb); :func:`record_from_row` turns a stored row back into a record. A new column is added
here, in the schema and the dataclass together; the registry's reads and writes
(:mod:`respnb.tasks.registry`) follow from :data:`COLUMNS`.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import Any

from respnb.types import TERMINAL_STATUSES

__all__ = [
    "COLUMNS",
    "IN_FLIGHT_STATUSES",
    "SCHEMA",
    "UPDATABLE",
    "TaskRecord",
    "add_missing_columns",
    "fetch_one",
    "record_from_row",
]

SCHEMA = """
CREATE TABLE IF NOT EXISTS tasks (
    id TEXT PRIMARY KEY,
    profile TEXT,
    base_url TEXT,
    model TEXT,
    status TEXT,
    normalized_status TEXT,
    background INTEGER,
    created_at REAL,
    started_at REAL,
    completed_at REAL,
    input_tokens INTEGER,
    output_tokens INTEGER,
    total_tokens INTEGER,
    cached_tokens INTEGER,
    reasoning_tokens INTEGER,
    prompt TEXT,
    title TEXT,
    output_text TEXT,
    error TEXT,
    previous_response_id TEXT,
    conversation TEXT,
    task_url TEXT,
    share_url TEXT,
    credit_usage REAL,
    manus_title TEXT,
    tags TEXT,
    cursor INTEGER,
    source TEXT,
    updated_at REAL,
    version INTEGER
);
CREATE INDEX IF NOT EXISTS tasks_status ON tasks(normalized_status);
CREATE INDEX IF NOT EXISTS tasks_version ON tasks(version);
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value INTEGER);
INSERT OR IGNORE INTO meta (key, value) VALUES ('version', 0);
CREATE INDEX IF NOT EXISTS tasks_created ON tasks(created_at);
"""


_COLUMN_DEFS = re.findall(r"^\s+(\w+) (TEXT|INTEGER|REAL)", SCHEMA, flags=re.M)


def add_missing_columns(cur: sqlite3.Cursor) -> None:
    """Add the schema's columns an existing ``tasks`` table lacks (an older database)."""
    have = {row[1] for row in cur.execute("PRAGMA table_info(tasks)")}
    for name, kind in _COLUMN_DEFS:
        if name not in have:
            cur.execute(f"ALTER TABLE tasks ADD COLUMN {name} {kind}")


@dataclass(frozen=True)
class TaskRecord:
    """One row of the registry (times are unix seconds, UTC)."""

    id: str
    profile: str | None = None
    base_url: str | None = None
    model: str | None = None
    status: str | None = None
    normalized_status: str | None = None
    background: bool | None = None
    created_at: float | None = None
    started_at: float | None = None
    completed_at: float | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    cached_tokens: int | None = None
    reasoning_tokens: int | None = None
    prompt: str | None = None
    title: str | None = None
    output_text: str | None = None
    error: str | None = None
    previous_response_id: str | None = None
    conversation: str | None = None
    task_url: str | None = None
    share_url: str | None = None
    credit_usage: float | None = None
    manus_title: str | None = None
    tags: tuple[str, ...] = ()
    cursor: int | None = None
    source: str | None = None
    updated_at: float | None = None

    @property
    def is_terminal(self) -> bool:
        """True once the task can change no more."""
        return self.normalized_status in TERMINAL_STATUSES

    @property
    def in_flight(self) -> bool:
        """True while the task is queued or running (not settled, not waiting for input)."""
        return self.normalized_status in IN_FLIGHT_STATUSES


IN_FLIGHT_STATUSES = frozenset({None, "queued", "in_progress"})
"""Normalized statuses of a task that still runs (None: not known yet)."""

COLUMNS: tuple[str, ...] = tuple(f.name for f in fields(TaskRecord))
UPDATABLE = [c for c in COLUMNS if c not in ("id", "updated_at")]


def record_from_row(row: Sequence[Any]) -> TaskRecord:
    """The record of a row selected as :data:`COLUMNS`."""
    values = dict(zip(COLUMNS, row, strict=True))
    tags = values.get("tags")
    values["tags"] = tuple(json.loads(tags)) if tags else ()
    bg = values.get("background")
    values["background"] = None if bg is None else bool(bg)
    return TaskRecord(**values)


def fetch_one(cur: sqlite3.Cursor, id: str) -> TaskRecord | None:
    """The stored row for ``id``, or None."""
    row = cur.execute(f"SELECT {', '.join(COLUMNS)} FROM tasks WHERE id = ?", (id,)).fetchone()
    return record_from_row(row) if row is not None else None
