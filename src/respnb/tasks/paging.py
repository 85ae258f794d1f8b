"""One page of the task history: search, status filter, sort, offset (what a board shows).

Reads go straight to SQLite (``LIMIT``/``OFFSET`` on indexed columns), so a page of a history
of 100k rows costs about as much as a page of ten. Jupyter-free: the TaskBoard in
``respnb.notebook`` consumes it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from ._filters import where_clause
from .registry import TaskRecord, TaskRegistry

__all__ = ["SORT_KEYS", "STATUS_WORDS", "TaskPage", "query_page"]

STATUS_WORDS: dict[str | None, str] = {
    "requires_input": "waiting for input",
    "in_progress": "running",
    "queued": "queued",
    "failed": "failed",
    "incomplete": "incomplete",
    "cancelled": "cancelled",
    "completed": "completed",
    "lost": "lost",
    None: "unknown",
}
"""The word a person reads for each normalized status (in the board's order of urgency)."""

_ORDER = [s for s in STATUS_WORDS if s is not None]
_STATUS_RANK = (
    "CASE normalized_status "
    + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(_ORDER))
    + f" ELSE {len(_ORDER)} END"
)

SORT_KEYS: dict[str, str] = {
    "created": "created_at",
    "status": _STATUS_RANK,
    "title": "lower(coalesce(title, manus_title, prompt, id))",
    "model": "model",
    "profile": "profile",
    "tokens": "total_tokens",
    "elapsed": "coalesce(completed_at, {now}) - coalesce(started_at, created_at)",
}
"""Sortable board columns -> SQL expressions (no user text ever reaches the SQL)."""


@dataclass
class TaskPage:
    """One page of matching rows, how many match, and the per-status counts."""

    records: list[TaskRecord]
    matching: int
    total: int
    offset: int
    limit: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def page(self) -> int:
        """The 0-based page number."""
        return self.offset // self.limit

    @property
    def pages(self) -> int:
        """How many pages the matching rows fill (at least one)."""
        return max(1, -(-self.matching // self.limit))


def query_page(
    registry: TaskRegistry,
    *,
    search: str = "",
    status: str = "",
    sort: str = "created",
    descending: bool = True,
    page: int = 0,
    limit: int = 50,
) -> TaskPage:
    """Rows ``page*limit`` ... of the history matching ``search`` (id, title, prompt, output)
    and ``status`` (a normalized status, ``""`` for all), ordered by ``sort``.

    A page past the end is clamped to the last page. ``counts`` are per normalized status
    over the rows matching ``search`` (so a status filter can show its count).
    """
    if sort not in SORT_KEYS:
        raise ValueError(f"unknown sort key {sort!r}; use one of {', '.join(SORT_KEYS)}")
    limit = max(1, min(int(limit), 1000))
    search_where, search_params = where_clause(None, None, None, None, None, search.strip() or None)
    counts = registry.status_counts(where=search_where, params=search_params)
    where, params = search_where, list(search_params)
    if status:
        clause = "normalized_status IS NULL" if status == "unknown" else "normalized_status = ?"
        where = f"({where}) AND {clause}" if where else clause
        if status != "unknown":
            params.append(status)
        matching = counts.get(None if status == "unknown" else status, 0)
    else:
        matching = sum(counts.values())
    pages = max(1, -(-matching // limit))
    offset = max(0, min(int(page), pages - 1)) * limit
    expr = SORT_KEYS[sort].format(now=f"{time.time():.3f}")
    direction = "DESC" if descending else "ASC"
    order = f"{expr} {direction}, created_at DESC, rowid DESC LIMIT {limit} OFFSET {offset}"
    records = registry.records(where=where, params=params, order=order)
    return TaskPage(
        records=records,
        matching=matching,
        total=registry.count(),
        offset=offset,
        limit=limit,
        counts={("unknown" if s is None else s): n for s, n in counts.items()},
    )
