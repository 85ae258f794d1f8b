"""The task registry: every response respnb sees, recorded in a local SQLite database.

One row per response id. The database lives in ``<home>/tasks.sqlite3`` by default, runs in
WAL mode with a busy timeout and short ``BEGIN IMMEDIATE`` transactions, so two kernels can
write at once. API keys are never stored: a row knows its profile's *name* and *base URL* only.

Upserts are idempotent: recording the same response twice changes nothing but ``updated_at``
(and not even that when nothing changed). A later, non-terminal status never overwrites a
terminal one unless the caller says the response is fresh (a new create, a Manus reply).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

from respnb._home import home, private_file
from respnb._redact import strip_userinfo
from respnb.types import TERMINAL_STATUSES, Response

from ._fields import fields_from_response, make_title, prompt_of
from ._record import (
    COLUMNS,
    IN_FLIGHT_STATUSES,
    SCHEMA,
    UPDATABLE,
    TaskRecord,
    add_missing_columns,
    fetch_one,
    record_from_row,
)

__all__ = [
    "COLUMNS",
    "IN_FLIGHT_STATUSES",
    "TaskRecord",
    "TaskRegistry",
    "default_db_path",
    "make_title",
    "prompt_of",
]


def default_db_path() -> Path:
    """``<respnb home>/tasks.sqlite3``."""
    return home() / "tasks.sqlite3"


Listener = Callable[[TaskRecord], None]


class TaskRegistry:
    """The SQLite task registry (thread-safe; one connection per registry object)."""

    def __init__(self, path: str | Path | None = None, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path) if path is not None else default_db_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._listeners: list[Listener] = []
        private_file(self.path)  # 0600 before SQLite creates it (its -wal/-shm follow)
        self._conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._write() as cur:
            statements = [stmt for stmt in SCHEMA.split(";") if stmt.strip()]
            cur.execute(statements[0])  # CREATE TABLE tasks
            add_missing_columns(cur)  # a database from an older respnb gains the new columns
            for stmt in statements[1:]:
                cur.execute(stmt)

    def __repr__(self) -> str:
        return f"TaskRegistry(path={str(self.path)!r})"

    # -- plumbing ---------------------------------------------------------------------------

    def _write(self) -> _Tx:
        return _Tx(self._conn, self._lock)

    def close(self) -> None:
        """Close the database connection."""
        with self._lock:
            self._conn.close()

    def add_listener(self, listener: Listener) -> None:
        """Call ``listener(record)`` after every change of a row (from any thread)."""
        self._listeners.append(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop calling ``listener``."""
        if listener in self._listeners:
            self._listeners.remove(listener)

    def _notify(self, record: TaskRecord) -> None:
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):  # a broken listener must not break recording
                listener(record)

    # -- writes -----------------------------------------------------------------------------

    def upsert(self, id: str, values: dict[str, Any], *, fresh: bool = False) -> TaskRecord:
        """Insert or update one row; None values leave stored values alone.

        A non-terminal status does not overwrite a terminal one unless ``fresh`` is true.
        Returns the stored record; listeners are told only when something changed.
        """
        if not id:
            raise ValueError("a task needs a non-empty response id")
        clean = {k: v for k, v in values.items() if k in UPDATABLE and v is not None}
        if "tags" in clean:
            clean["tags"] = json.dumps(sorted(set(clean["tags"])))
        if "background" in clean:
            clean["background"] = int(bool(clean["background"]))
        with self._write() as cur:
            old = fetch_one(cur, id)
            if old is not None:
                clean = _merge(old, clean, fresh=fresh)
                if not clean:
                    return old
                sets = ", ".join(f"{k} = ?" for k in clean)
                cur.execute(
                    f"UPDATE tasks SET {sets}, updated_at = ?, version = ? WHERE id = ?",
                    [*clean.values(), time.time(), _next_version(cur), id],
                )
            else:
                cols = ["id", *clean, "updated_at", "version"]
                cur.execute(
                    f"INSERT INTO tasks ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                    [id, *clean.values(), time.time(), _next_version(cur)],
                )
            new = fetch_one(cur, id)
        assert new is not None
        self._notify(new)
        return new

    def record_response(
        self,
        response: Response,
        *,
        profile: str | None = None,
        base_url: str | None = None,
        body: dict[str, Any] | None = None,
        cursor: int | None = None,
        source: str | None = None,
        fresh: bool = False,
    ) -> TaskRecord:
        """Record what ``response`` says (plus the request ``body`` on create)."""
        values = fields_from_response(response)
        url = strip_userinfo(base_url) if base_url else base_url  # never store credentials
        values.update(profile=profile, base_url=url, cursor=cursor, source=source)
        prompt = prompt_of(body)
        if prompt is not None:
            values["prompt"] = prompt
            values["title"] = make_title(prompt)
        if body is not None:
            if "background" in body and values.get("background") is None:
                values["background"] = bool(body["background"])
            meta_tags = body.get("tags")
            if isinstance(meta_tags, list):
                values["tags"] = [str(t) for t in meta_tags]
        if values.get("title") is None and values.get("manus_title"):
            values["title"] = values["manus_title"]
        return self.upsert(response.id, values, fresh=fresh)

    def set_cursor(self, id: str, cursor: int) -> None:
        """Remember the last stream sequence number seen for ``id`` (for resuming)."""
        with self._write() as cur:
            cur.execute(
                "UPDATE tasks SET cursor = ?, updated_at = ?, version = ? "
                "WHERE id = ? AND (cursor IS NULL OR cursor < ?)",
                (cursor, time.time(), _next_version(cur), id, cursor),
            )

    def add_tags(self, id: str, *tags: str) -> TaskRecord | None:
        """Add tags to a row."""
        rec = self.get(id)
        if rec is None:
            return None
        return self.upsert(id, {"tags": [*rec.tags, *tags]})

    def remove(self, id: str) -> bool:
        """Forget a row (after the response was deleted). True if a row was removed."""
        with self._write() as cur:
            cur.execute("DELETE FROM tasks WHERE id = ?", (id,))
            removed = cur.rowcount > 0
            if removed:
                _next_version(cur)
        if removed:
            self._notify(TaskRecord(id=id, status="deleted", normalized_status="deleted"))
        return removed

    # -- reads ------------------------------------------------------------------------------

    def get(self, id: str) -> TaskRecord | None:
        """The row for ``id``, or None."""
        with self._lock:
            return fetch_one(self._conn.cursor(), id)

    def records(
        self, *, where: str = "", params: Sequence[Any] = (), order: str = "created_at DESC"
    ) -> list[TaskRecord]:
        """Rows matching an SQL ``where`` clause (internal callers only), newest first."""
        sql = f"SELECT {', '.join(COLUMNS)} FROM tasks"
        if where:
            sql += f" WHERE {where}"
        sql += f" ORDER BY {order}"
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return [record_from_row(r) for r in rows]

    def in_flight(self) -> list[TaskRecord]:
        """Rows that are queued or running (not terminal, not waiting for input)."""
        return self.records(
            where="normalized_status IS NULL OR normalized_status IN ('queued', 'in_progress')"
        )

    def raw_rows(
        self, *, where: str = "", params: Sequence[Any] = ()
    ) -> tuple[list[str], list[tuple[Any, ...]]]:
        """Matching rows as plain tuples in storage order (the fast path for DataFrames)."""
        sql = f"SELECT {', '.join(COLUMNS)} FROM tasks"
        if where:
            sql += f" WHERE {where}"
        with self._lock:
            rows = self._conn.execute(sql, params).fetchall()
        return list(COLUMNS), rows

    def version(self) -> int:
        """The registry's change counter: every write gives its row the next number, across
        processes (writes are serialized), so ``version > v`` finds every row changed since."""
        with self._lock:
            row = self._conn.execute("SELECT value FROM meta WHERE key = 'version'").fetchone()
        return int(row[0]) if row else 0

    def ids(self) -> list[str]:
        """Every id in the registry."""
        with self._lock:
            return [r[0] for r in self._conn.execute("SELECT id FROM tasks").fetchall()]

    def count(self) -> int:
        """How many rows the registry holds."""
        with self._lock:
            return int(self._conn.execute("SELECT COUNT(*) FROM tasks").fetchone()[0])

    def status_counts(
        self, *, where: str = "", params: Sequence[Any] = ()
    ) -> dict[str | None, int]:
        """How many rows (matching an SQL ``where``; internal callers) per normalized status."""
        sql = "SELECT normalized_status, COUNT(*) FROM tasks"
        if where:
            sql += f" WHERE {where}"
        with self._lock:
            rows = self._conn.execute(sql + " GROUP BY normalized_status", params).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def bulk_insert(self, rows: Iterable[dict[str, Any]]) -> int:
        """Insert many prepared rows in one transaction (imports and benchmarks)."""
        n = 0
        rows = list(rows)
        with self._write() as cur:
            version = _next_version(cur, max(1, len(rows)))
            for values in rows:
                v = dict(values)
                v["version"] = version + n
                if isinstance(v.get("tags"), list | tuple):
                    v["tags"] = json.dumps(list(v["tags"]))
                cols = [c for c in (*COLUMNS, "version") if c in v]
                cur.execute(
                    f"INSERT OR REPLACE INTO tasks ({', '.join(cols)}) "
                    f"VALUES ({', '.join('?' * len(cols))})",
                    [v[c] for c in cols],
                )
                n += 1
        return n


class _Tx:
    """``BEGIN IMMEDIATE`` ... ``COMMIT`` under the registry lock (short write transactions)."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn = conn
        self._lock = lock

    def __enter__(self) -> sqlite3.Cursor:
        self._lock.acquire()
        try:
            self._conn.execute("BEGIN IMMEDIATE")
        except BaseException:
            self._lock.release()
            raise
        return self._conn.cursor()

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        try:
            self._conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()


def _next_version(cur: sqlite3.Cursor, n: int = 1) -> int:
    """Reserve ``n`` change numbers (a counter that never goes back, deletes included)."""
    row = cur.execute(
        "UPDATE meta SET value = value + ? WHERE key = 'version' RETURNING value", (n,)
    ).fetchone()
    return int(row[0]) - n + 1


def _merge(old: TaskRecord, new: dict[str, Any], *, fresh: bool) -> dict[str, Any]:
    """The columns of ``new`` that really change ``old``, keeping terminal statuses sticky."""
    if not fresh and old.is_terminal and new.get("normalized_status") not in TERMINAL_STATUSES:
        for key in ("status", "normalized_status", "completed_at"):
            new.pop(key, None)
    if old.started_at is not None:
        new.pop("started_at", None)
    if old.completed_at is not None and not fresh:
        new.pop("completed_at", None)
    if fresh and new.get("normalized_status") not in TERMINAL_STATUSES and old.completed_at:
        new["completed_at"] = None  # a continued task runs again
    changed: dict[str, Any] = {}
    for key, value in new.items():
        current = getattr(old, key)
        if key == "tags":
            current = json.dumps(sorted(current)) if current else None
        elif key == "background" and current is not None:
            current = int(current)
        if value != current:
            changed[key] = value
    return changed
