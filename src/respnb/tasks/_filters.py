"""SQL filters of the task history: status, profile, model, time range and text search.

Shared by :class:`~respnb.tasks.table.TaskTable` and the board's pages
(:mod:`respnb.tasks.paging`); values always travel as parameters, never in the SQL text.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

__all__ = ["to_ts", "where_clause"]


def to_ts(value: str | dt.date | dt.datetime | float | None) -> float | None:
    """Unix seconds of a date, datetime (naive = UTC), ISO string or number."""
    if value is None:
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    if not isinstance(value, dt.datetime):
        value = dt.datetime(value.year, value.month, value.day)
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    return value.timestamp()


def _listify(v: str | list[str] | None) -> list[str] | None:
    return [v] if isinstance(v, str) else v


def where_clause(
    status: str | list[str] | None,
    profile: str | list[str] | None,
    model: str | list[str] | None,
    since: Any,
    until: Any,
    search: str | None,
) -> tuple[str, list[Any]]:
    """``(where, params)`` for the given filters (an empty string when there are none)."""
    clauses: list[str] = []
    params: list[Any] = []
    st = _listify(status)
    if st:
        marks = ", ".join("?" * len(st))
        clauses.append(f"(status IN ({marks}) OR normalized_status IN ({marks}))")
        params += [*st, *st]
    for col, val in (("profile", _listify(profile)), ("model", _listify(model))):
        if val:
            clauses.append(f"{col} IN ({', '.join('?' * len(val))})")
            params += val
    lo, hi = to_ts(since), to_ts(until)
    if lo is not None:
        clauses.append("created_at >= ?")
        params.append(lo)
    if hi is not None:
        clauses.append("created_at < ?")
        params.append(hi)
    if search:
        escaped = search.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        like = f"%{escaped}%"
        clauses.append(
            "("
            + " OR ".join(
                f"lower(coalesce({c}, '')) LIKE ? ESCAPE '\\'"
                for c in ("id", "title", "prompt", "output_text")
            )
            + ")"
        )
        params += [like] * 4
    return " AND ".join(clauses), params
