"""A local server with faults for the batch tests, and its server-side request log."""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from respnb.server.launch import RunningServer, serve_in_thread
from tests.magics.conftest import ipshell, magics, shell  # noqa: F401  (the %%respond shell)


@dataclass
class Served:
    server: RunningServer
    db: Path

    @property
    def base_url(self) -> str:
        return self.server.base_url

    def kw(self) -> dict[str, Any]:
        """The batch() arguments that point at this server."""
        return {"profile": "local", "base_url": self.base_url, "progress": None}

    def created(self) -> Counter[str]:
        """How many responses the server created per prompt (its request log)."""
        with sqlite3.connect(self.db) as conn:
            try:
                rows = conn.execute("SELECT search FROM responses").fetchall()
            except sqlite3.OperationalError:
                return Counter()
        return Counter(r[0] for r in rows)


@pytest.fixture
def served(tmp_path: Path) -> Iterator[Served]:
    db = tmp_path / "server.sqlite3"
    with serve_in_thread(db_path=db, faults=True, pace=5000) as srv:
        yield Served(srv, db)


def tickets(n: int, *, prefix: str = "ticket") -> pd.DataFrame:
    """A table of ``n`` distinct support tickets (index t0, t1, ...)."""
    kinds = ["crashes on start", "please add dark mode", "how do I export?"]
    return pd.DataFrame(
        {"text": [f"{prefix} {i}: {kinds[i % 3]}" for i in range(n)], "n": range(n)},
        index=[f"t{i}" for i in range(n)],
    )
