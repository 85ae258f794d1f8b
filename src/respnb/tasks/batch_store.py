"""Batch rows in the task registry's SQLite database: what each row asked and what it got.

Two tables beside the registry's ``tasks`` (same file, same WAL settings):

* ``batch_jobs`` — one row per batch (id derived from the call, see :mod:`respnb.batch._spec`):
  profile name and base URL (never a key), model, mode, the template, row counts, status,
  provider Batch API ids (JSON list) and a ``cancel_requested`` flag that any kernel may set.
* ``batch_rows`` — one row per distinct request of a batch, keyed by ``(batch_id, row_key)``
  (``row_key`` is a digest of the request body): the body, status (``pending`` until a result
  or an error is recorded), output text, parsed JSON, error, token usage, response id, attempts.

Results are written in groups (one short transaction per group), so recording 10,000 rows
costs a few transactions, not 10,000.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

__all__ = ["DONE_STATUSES", "BatchStore", "RowResult", "shared_batch_store"]

DONE_STATUSES = ("completed", "incomplete")
"""Row statuses that a re-run skips (``failed`` and ``pending`` rows are sent again)."""

_SCHEMA = """
CREATE TABLE IF NOT EXISTS batch_jobs (
    id TEXT PRIMARY KEY, created_at REAL, updated_at REAL, profile TEXT, base_url TEXT,
    model TEXT, mode TEXT, template TEXT, n_rows INTEGER, status TEXT, error TEXT,
    provider_batches TEXT NOT NULL DEFAULT '[]', cancel_requested INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE IF NOT EXISTS batch_rows (
    batch_id TEXT NOT NULL, row_key TEXT NOT NULL, body TEXT NOT NULL, status TEXT NOT NULL,
    output_text TEXT, parsed TEXT, error TEXT, input_tokens INTEGER, output_tokens INTEGER,
    total_tokens INTEGER, response_id TEXT, attempts INTEGER NOT NULL DEFAULT 0,
    updated_at REAL, PRIMARY KEY (batch_id, row_key)
) WITHOUT ROWID;
"""


JOB_FIELDS = (
    "id",
    "created_at",
    "updated_at",
    "status",
    "mode",
    "profile",
    "model",
    "rows",
    "done",
    "failed",
    "pending",
    "input_tokens",
    "output_tokens",
    "provider_batches",
    "error",
    "template",
)
"""The fields of one batch as :meth:`BatchStore.jobs` returns it."""


@dataclass(frozen=True)
class RowResult:
    """The outcome of one row (``status``: completed, incomplete, failed, cancelled...)."""

    row_key: str
    status: str
    output_text: str | None = None
    parsed: str | None = None
    """The structured output as JSON text (schema runs), else None."""
    error: str | None = None
    input_tokens: int | None = None
    output_tokens: int | None = None
    total_tokens: int | None = None
    response_id: str | None = None
    attempts: int = 1

    @property
    def done(self) -> bool:
        return self.status in DONE_STATUSES


_RESULT_COLUMNS = (
    "status, output_text, parsed, error, input_tokens, output_tokens, total_tokens, "
    "response_id, attempts"
)


class BatchStore:
    """The two batch tables (thread-safe; one connection per store object)."""

    def __init__(self, path: str | Path, *, busy_timeout: float = 30.0) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(
            str(self.path), timeout=busy_timeout, isolation_level=None, check_same_thread=False
        )
        self._conn.execute(f"PRAGMA busy_timeout={int(busy_timeout * 1000)}")
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=NORMAL")
        with self._lock:
            self._conn.executescript(_SCHEMA)

    def __repr__(self) -> str:
        return f"BatchStore(path={str(self.path)!r})"

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    def _tx(self, statements: Iterable[tuple[str, Sequence[Any]]]) -> None:
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                for sql, params in statements:
                    cur.execute(sql, params)
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    # -- jobs --------------------------------------------------------------------------------

    def open_job(
        self,
        id: str,
        *,
        profile: str,
        base_url: str | None,
        model: str | None,
        mode: str,
        template: str,
        rows: dict[str, str],
    ) -> None:
        """Create the job (or reopen it: a re-run clears its cancel flag) and its pending rows.

        ``rows`` maps row key -> request body JSON; rows already recorded keep their result."""
        now = time.time()
        with self._lock:
            cur = self._conn.cursor()
            cur.execute("BEGIN IMMEDIATE")
            try:
                cur.execute(
                    "INSERT INTO batch_jobs (id, created_at, updated_at, profile, base_url, model,"
                    " mode, template, n_rows, status) VALUES (?,?,?,?,?,?,?,?,?,'running')"
                    " ON CONFLICT(id) DO UPDATE SET updated_at=excluded.updated_at,"
                    " mode=excluded.mode, status='running', error=NULL, cancel_requested=0",
                    (id, now, now, profile, base_url, model, mode, template, len(rows)),
                )
                cur.executemany(
                    "INSERT OR IGNORE INTO batch_rows (batch_id, row_key, body, status,"
                    " updated_at) VALUES (?, ?, ?, 'pending', ?)",
                    [(id, key, body, now) for key, body in rows.items()],
                )
            except BaseException:
                cur.execute("ROLLBACK")
                raise
            cur.execute("COMMIT")

    def set_status(self, id: str, status: str, error: str | None = None) -> None:
        self._tx(
            [
                (
                    "UPDATE batch_jobs SET status=?, error=?, updated_at=? WHERE id=?",
                    (status, error, time.time(), id),
                )
            ]
        )

    def request_cancel(self, id: str) -> bool:
        """Set the cancel flag (a running batch in any kernel stops soon). False if unknown."""
        with self._lock:
            cur = self._conn.execute(
                "UPDATE batch_jobs SET cancel_requested=1, updated_at=? WHERE id=?",
                (time.time(), id),
            )
            return cur.rowcount > 0

    def cancel_requested(self, id: str) -> bool:
        with self._lock:
            row = self._conn.execute(
                "SELECT cancel_requested FROM batch_jobs WHERE id=?", (id,)
            ).fetchone()
        return bool(row and row[0])

    def add_provider_batch(self, id: str, provider_id: str) -> None:
        ids = self.provider_batches(id)
        if provider_id not in ids:
            ids.append(provider_id)
        self._tx(
            [
                (
                    "UPDATE batch_jobs SET provider_batches=?, updated_at=? WHERE id=?",
                    (json.dumps(ids), time.time(), id),
                )
            ]
        )

    def drop_provider_batch(self, id: str, provider_id: str) -> None:
        ids = [p for p in self.provider_batches(id) if p != provider_id]
        self._tx([("UPDATE batch_jobs SET provider_batches=? WHERE id=?", (json.dumps(ids), id))])

    def provider_batches(self, id: str) -> list[str]:
        with self._lock:
            row = self._conn.execute(
                "SELECT provider_batches FROM batch_jobs WHERE id=?", (id,)
            ).fetchone()
        return list(json.loads(row[0])) if row else []

    def job(self, id: str) -> dict[str, Any] | None:
        with self._lock:
            cur = self._conn.execute("SELECT * FROM batch_jobs WHERE id=?", (id,))
            row = cur.fetchone()
            names = [d[0] for d in cur.description]
        return dict(zip(names, row, strict=True)) if row else None

    def jobs(self) -> list[dict[str, Any]]:
        """Every job with its row counts by status (newest first)."""
        with self._lock:
            cur = self._conn.execute(
                "SELECT j.id, j.created_at, j.updated_at, j.status, j.mode, j.profile, j.model,"
                " j.n_rows,"
                " SUM(r.status IN ('completed','incomplete')), SUM(r.status='failed'),"
                " SUM(r.status='pending'), SUM(r.input_tokens), SUM(r.output_tokens),"
                " j.provider_batches, j.error, j.template"
                " FROM batch_jobs j LEFT JOIN batch_rows r ON r.batch_id = j.id"
                " GROUP BY j.id ORDER BY j.created_at DESC"
            )
            rows = cur.fetchall()
        return [dict(zip(JOB_FIELDS, r, strict=True)) for r in rows]

    # -- rows --------------------------------------------------------------------------------

    def results(self, id: str) -> dict[str, RowResult]:
        """Every recorded outcome of the batch (pending rows included), by row key."""
        with self._lock:
            rows = self._conn.execute(
                f"SELECT row_key, {_RESULT_COLUMNS} FROM batch_rows WHERE batch_id=?", (id,)
            ).fetchall()
        return {r[0]: RowResult(*r) for r in rows}

    def record(self, id: str, results: Sequence[RowResult]) -> None:
        """Record outcomes (one transaction). A done row is never downgraded."""
        if not results:
            return
        now = time.time()
        self._tx(
            (
                "UPDATE batch_rows SET status=?, output_text=?, parsed=?, error=?,"
                " input_tokens=?, output_tokens=?, total_tokens=?, response_id=?,"
                " attempts=attempts+?, updated_at=? WHERE batch_id=? AND row_key=?"
                " AND status NOT IN ('completed','incomplete')",
                (
                    r.status,
                    r.output_text,
                    r.parsed,
                    r.error,
                    r.input_tokens,
                    r.output_tokens,
                    r.total_tokens,
                    r.response_id,
                    r.attempts,
                    now,
                    id,
                    r.row_key,
                ),
            )
            for r in results
        )


_shared: BatchStore | None = None
_shared_lock = threading.Lock()


def shared_batch_store() -> BatchStore:
    """The batch store in the shared task registry's database file."""
    global _shared
    from . import shared_registry

    path = shared_registry().path
    with _shared_lock:
        if _shared is None or _shared.path != path:
            _shared = BatchStore(path)
        return _shared
