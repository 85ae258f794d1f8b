"""Cursor pagination and query-parameter parsing shared by the list endpoints."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from .errors import bad_request

__all__ = ["page_of", "paginate", "query_int", "query_order"]


def query_int(request: Request, name: str, default: int, lo: int, hi: int) -> int:
    """An integer query parameter within ``[lo, hi]`` (400 naming it otherwise)."""
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"Invalid '{name}': expected an integer, got '{raw}'.", name) from None
    if not lo <= value <= hi:
        raise bad_request(
            f"Invalid '{name}': expected a value from {lo} to {hi}, got {value}.", name
        )
    return value


def query_order(request: Request, default: str = "desc") -> str:
    """``order``: ``asc`` or ``desc``."""
    order = request.query_params.get("order") or default
    if order not in ("asc", "desc"):
        raise bad_request(f"Invalid 'order': expected 'asc' or 'desc', got '{order}'.", "order")
    return order


def paginate(
    items: list[dict[str, Any]],
    *,
    after: str | None,
    limit: int,
    order: str,
    object_list: bool = True,
) -> dict[str, Any]:
    """``{object:"list", data, first_id, last_id, has_more}`` of oldest-first ``items``."""
    seq = list(reversed(items)) if order == "desc" else list(items)
    if after:
        ids = [i.get("id") for i in seq]
        if after not in ids:
            raise bad_request(f"Invalid 'after': no item with id '{after}' in this list.", "after")
        seq = seq[ids.index(after) + 1 :]
    page = seq[:limit]
    out: dict[str, Any] = {"object": "list"} if object_list else {}
    out.update(
        data=page,
        first_id=page[0].get("id") if page else None,
        last_id=page[-1].get("id") if page else None,
        has_more=len(seq) > limit,
    )
    return out


def page_of(
    items: list[dict[str, Any]], *, after: str | None, before: str | None, limit: int, order: str
) -> dict[str, Any]:
    """A cursor page of oldest-first ``items`` with OpenAI's ``after`` and ``before``."""
    seq = list(reversed(items)) if order == "desc" else list(items)
    if before:
        ids = [i.get("id") for i in seq]
        if before not in ids:
            raise bad_request(
                f"Invalid 'before': no item with id '{before}' in this list.", "before"
            )
        seq = seq[: ids.index(before)]
    return paginate(seq, after=after, limit=limit, order="asc")
