"""SQLite (WAL) storage of the local server, with group-committed writes.

One writer thread owns one connection; writes are queued and committed in batches (one
transaction per batch, ``executemany`` where statements repeat), so a thousand concurrent runs
do not make SQLite the bottleneck. Reads use a second connection on the event loop's thread
(WAL lets them run beside the writer; a keyed read costs microseconds, less than a hand-off to
a thread). :meth:`Store.write` waits until its batch is committed (a read issued afterwards
sees it); :meth:`Store.write_nowait` does not (stream events).

Tables: ``responses`` (the Response JSON plus indexed columns), ``events`` (every recorded stream
event with its sequence number), ``input_items``, ``conversations``, ``conversation_items``,
``files``, ``file_contents``, ``vector_stores`` and ``vector_store_files``.

On startup (:meth:`Store.recover`) a response still ``queued``/``in_progress`` (the server died
while it ran) is marked ``failed`` with error code ``server_restarted`` and a terminal
``response.failed`` event is appended, so pollers and resuming streams end cleanly.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from respnb._home import private_file

__all__ = ["Store", "dumps"]

_SCHEMA = """
CREATE TABLE IF NOT EXISTS responses (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL,
    status TEXT, background INTEGER NOT NULL DEFAULT 0, hidden INTEGER NOT NULL DEFAULT 0,
    search TEXT NOT NULL DEFAULT '', last_seq INTEGER NOT NULL DEFAULT -1, data TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS responses_created ON responses(created_at);
CREATE TABLE IF NOT EXISTS events (
    response_id TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (response_id, seq)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS input_items (
    response_id TEXT NOT NULL, idx INTEGER NOT NULL, item_id TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (response_id, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, created_at INTEGER NOT NULL, metadata TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS conversation_items (
    conversation_id TEXT NOT NULL, pos INTEGER NOT NULL, item_id TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (conversation_id, pos)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS files (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, upload_token TEXT, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS file_contents (id TEXT PRIMARY KEY, content BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS vector_stores (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS vector_store_files (
    vector_store_id TEXT NOT NULL, file_id TEXT NOT NULL, created_at REAL NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (vector_store_id, file_id)
) WITHOUT ROWID;
"""

_Write = tuple[str, Sequence[Any]]


_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)


def dumps(obj: Any) -> str:
    """Compact JSON, as stored and as sent on the wire."""
    return _ENCODER.encode(obj)


def _connect(path: str) -> sqlite3.Connection:
    if path != ":memory:" and not path.startswith("file:"):
        private_file(Path(path))  # 0600 before SQLite creates it (its -wal/-shm follow)
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=30)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=NORMAL")
    conn.execute("PRAGMA busy_timeout=30000")
    return conn


class Store:
    """The server's SQLite store. Create it, then ``await start()`` inside the event loop."""

    def __init__(self, path: str | Path) -> None:
        self.path = str(path)
        self._wpool = ThreadPoolExecutor(1, thread_name_prefix="respnb-db-write")
        self._wconn: sqlite3.Connection | None = None
        self._rconn: sqlite3.Connection | None = None
        self._pending: list[_Write] = []
        self._waiters: list[asyncio.Future[None]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ lifecycle
    async def start(self) -> None:
        """Open both connections, create the schema and start the writer task."""
        loop = asyncio.get_running_loop()
        Path(self.path).parent.mkdir(parents=True, exist_ok=True)

        def _open_w() -> sqlite3.Connection:
            conn = _connect(self.path)
            conn.executescript(_SCHEMA)
            return conn

        self._wconn = await loop.run_in_executor(self._wpool, _open_w)
        self._rconn = _connect(self.path)
        self._writer = asyncio.create_task(self._write_loop(), name="respnb-db-writer")

    async def close(self) -> None:
        """Flush pending writes, stop the writer and close the connections."""
        if self._writer is not None:
            await self.flush()
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        loop = asyncio.get_running_loop()
        if self._wconn is not None:
            await loop.run_in_executor(self._wpool, self._wconn.close)
        if self._rconn is not None:
            self._rconn.close()
        self._wpool.shutdown(wait=True)

    # ------------------------------------------------------------------ writes
    def write_nowait(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Queue a write; it is committed with the next batch."""
        self._pending.append((sql, params))
        if not self._wake.is_set():
            self._wake.set()

    async def write(self, sql: str, params: Sequence[Any] = ()) -> None:
        """Queue a write and wait until its batch is committed."""
        self.write_nowait(sql, params)
        await self.flush()

    async def flush(self) -> None:
        """Wait until every write queued so far is committed."""
        fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._waiters.append(fut)
        if not self._wake.is_set():
            self._wake.set()
        await fut

    async def _write_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            await self._wake.wait()
            self._wake.clear()
            writes, self._pending = self._pending, []
            waiters, self._waiters = self._waiters, []
            error: BaseException | None = None
            try:
                if writes:
                    await loop.run_in_executor(self._wpool, self._commit, writes)
            except Exception as exc:  # pragma: no cover - disk full, corruption
                error = exc
            for fut in waiters:
                if not fut.done():
                    if error is None:
                        fut.set_result(None)
                    else:
                        fut.set_exception(error)

    def _commit(self, writes: list[_Write]) -> None:
        conn = self._wconn
        assert conn is not None
        conn.execute("BEGIN")
        try:
            i = 0
            while i < len(writes):
                sql = writes[i][0]
                j = i
                while j < len(writes) and writes[j][0] == sql:
                    j += 1
                if j - i == 1:
                    conn.execute(sql, writes[i][1])
                else:
                    conn.executemany(sql, [w[1] for w in writes[i:j]])
                i = j
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise

    # ------------------------------------------------------------------ reads
    async def fetchall(self, sql: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        """Rows of a read query.

        Reads run on the event loop's thread with their own connection: a WAL read by key
        takes microseconds, far less than a hand-off to a thread when the GIL is contended.
        """
        conn = self._rconn
        assert conn is not None, "Store.start() was not awaited"
        return conn.execute(sql, params).fetchall()

    async def fetchone(self, sql: str, params: Sequence[Any] = ()) -> tuple[Any, ...] | None:
        """The first row of a read query, or None."""
        rows = await self.fetchall(sql, params)
        return rows[0] if rows else None

    # ------------------------------------------------------------------ recovery
    async def recover(self) -> list[str]:
        """Mark runs interrupted by a restart as failed; returns their ids."""
        rows = await self.fetchall(
            "SELECT r.id, MAX(r.last_seq, COALESCE((SELECT MAX(e.seq) FROM events e "
            "WHERE e.response_id = r.id), -1)), r.data FROM responses r "
            "WHERE r.status IN ('queued', 'in_progress')"
        )
        now = time.time()
        for rid, last_seq, data in rows:
            resp = json.loads(data)
            resp["status"] = "failed"
            resp["error"] = {
                "code": "server_restarted",
                "message": "The local server restarted while this response was running.",
            }
            seq = int(last_seq) + 1
            event = {"type": "response.failed", "sequence_number": seq, "response": resp}
            self.write_nowait(
                "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)",
                (rid, seq, "response.failed", dumps(event)),
            )
            self.write_nowait(
                "UPDATE responses SET status='failed', updated_at=?, last_seq=?, data=? WHERE id=?",
                (now, seq, dumps(resp), rid),
            )
        await self.flush()
        return [r[0] for r in rows]
