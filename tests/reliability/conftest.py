"""Fixtures of the reliability suite: per module, one real server (faults on, full speed) behind
one fault proxy, and servers started with a key (module scope: nothing outlives its module)."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from respnb.server.launch import RunningServer, serve_in_thread

from .proxy import FaultProxy

TERMINAL = ("completed", "failed", "incomplete", "cancelled")


@pytest.fixture(scope="module")
def rel_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    """A real respnb server: openai dialect, faults enabled, no pace (full speed)."""
    db = tmp_path_factory.mktemp("reliability") / "server.sqlite3"
    with serve_in_thread(db_path=db, faults=True) as srv:
        yield srv


@pytest.fixture(scope="module")
def _module_proxy(rel_server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(rel_server.origin) as px:
        yield px


@pytest.fixture
def proxy(_module_proxy: FaultProxy) -> Iterator[FaultProxy]:
    """The module's proxy, cleared before and after the test."""
    _module_proxy.reset()
    yield _module_proxy
    _module_proxy.reset()


def stored_rows(server: RunningServer, marker: str, *, settle: str | None = None) -> list[str]:
    """Ids of the server's stored responses whose prompt contains ``marker``.

    Waits (up to 15 s, not a timing assertion) until the response ``settle`` is stored and
    every matching response is terminal, so that queued store writes are all counted.
    """
    deadline = time.monotonic() + 15
    while True:
        with sqlite3.connect(f"file:{server.config.db_path}?mode=ro", uri=True) as db:
            rows = db.execute(
                "SELECT id, status FROM responses WHERE search LIKE ?", (f"%{marker}%",)
            ).fetchall()
        db.close()
        ids = [r[0] for r in rows]
        ready = all(r[1] in TERMINAL for r in rows) and (settle is None or settle in ids)
        if ready or time.monotonic() > deadline:
            return sorted(ids)
        time.sleep(0.02)


def db_path(server: RunningServer) -> Path:
    """The server's SQLite store."""
    return Path(server.config.db_path)


SECRET = "sk-test-SECRET-4242-q7Zr9xW3mK5vT1nB8cJ2"
"""The distinctive fake key of the auth and secrets-scan tests."""


@pytest.fixture(scope="module")
def keyed_servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningServer]]:
    """One server per dialect (openai, manus, maniac), each started with ``api_key=SECRET``."""
    root = tmp_path_factory.mktemp("keyed")
    servers = {
        d: serve_in_thread(db_path=root / f"{d}.sqlite3", dialect=d, api_key=SECRET)
        for d in ("openai", "manus", "maniac")
    }
    try:
        yield servers
    finally:
        for srv in servers.values():
            srv.stop()
