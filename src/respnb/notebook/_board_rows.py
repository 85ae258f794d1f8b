"""The JSON a TaskBoard front end receives: one compact row per task, one page message."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from respnb._pricing import estimate
from respnb.tasks.paging import STATUS_WORDS, TaskPage
from respnb.tasks.registry import TaskRecord

__all__ = ["actions_for", "board_row", "page_message", "profile_supports", "safe_url"]

_CONTINUABLE = frozenset({"completed", "incomplete", "requires_input"})


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL without control characters, else None."""
    if not url or not isinstance(url, str):
        return None
    if any(ord(c) < 0x20 or c in ' "<>`\\' for c in url):
        return None
    lower = url.lower()
    return url if lower.startswith(("https://", "http://")) else None


def _is_manus(rec: TaskRecord) -> bool:
    return (rec.profile or "").lower() == "manus" or "manus" in (rec.base_url or "").lower()


Supports = Callable[[str], bool]


@functools.lru_cache(maxsize=16)
def _builtin_supports(name: str) -> Supports:
    from respnb._profile_config import builtin_profile

    return builtin_profile(name).supports


def profile_supports(refresher: Any, rec: TaskRecord) -> Supports:
    """What the service behind ``rec`` offers: its profile's capability flags (the profile
    the refresher has seen, else the built-in one of that name, else the defaults)."""
    from respnb._profile_config import BUILTIN_PROFILES
    from respnb._profiles import Capabilities

    seen = getattr(refresher, "_profiles", None) or {}
    profile = seen.get((rec.profile or "", (rec.base_url or "").rstrip("/")))
    if profile is not None:
        return profile.supports  # type: ignore[no-any-return]
    if rec.profile in BUILTIN_PROFILES:
        return _builtin_supports(rec.profile)
    defaults = Capabilities()
    return lambda feature: bool(getattr(defaults, feature, False))


def actions_for(rec: TaskRecord, supports: Supports | None) -> list[str]:
    """The row actions that can work for ``rec`` (``supports=None``: a read-only board).

    ``cancel`` while a background task runs on a service that can cancel (Manus cannot);
    ``continue`` once a task has a stored answer to continue from (``previous_response_id``)
    or a Manus task waits for input or is done (``task_id``); ``open`` where the service can
    retrieve; ``delete`` where it can delete.
    """
    if supports is None:
        return []
    acts: list[str] = []
    if rec.in_flight and rec.background and supports("cancel"):
        acts.append("cancel")
    if supports("retrieve"):
        acts.append("open")
    manus = _is_manus(rec)
    stored = bool(rec.background) or manus
    if (
        rec.normalized_status in _CONTINUABLE
        and stored
        and (manus or supports("previous_response_id"))
    ):
        acts.append("continue")
    if supports("delete"):
        acts.append("delete")
    return acts


def board_row(rec: TaskRecord, refresher: Any = None) -> dict[str, Any]:
    """The compact JSON row the board shows for one task."""
    cost = estimate(
        rec.model,
        input_tokens=rec.input_tokens,
        output_tokens=rec.output_tokens,
        cached_tokens=rec.cached_tokens,
        reasoning_tokens=rec.reasoning_tokens,
        credits=rec.credit_usage,
        profile=rec.profile,
        base_url=rec.base_url,
        created_at=rec.created_at,
    )
    return {
        "id": rec.id,
        "status": rec.status,
        "nstatus": rec.normalized_status,
        "word": STATUS_WORDS.get(rec.normalized_status, rec.normalized_status or "unknown"),
        "model": rec.model,
        "profile": rec.profile,
        "title": rec.title or rec.manus_title or (rec.prompt or "")[:60] or None,
        "created": rec.created_at,
        "started": rec.started_at,
        "completed": rec.completed_at,
        "tokens": rec.total_tokens,
        "cost": cost.to_dict(),
        "bg": rec.background,
        "url": safe_url(rec.task_url),
        "error": rec.error,
        "src": rec.source,
        "acts": actions_for(rec, None if refresher is None else profile_supports(refresher, rec)),
    }


def page_message(page: TaskPage, refresher: Any = None) -> dict[str, Any]:
    """``{kind:"page", rows, matching, total, counts, page, pages, size, cost}``
    (``refresher=None``: a read-only board, no actions)."""
    rows = [board_row(r, refresher) for r in page.records]
    usd = [r["cost"]["usd"] for r in rows if r["cost"]["usd"] is not None]
    credits = [r["cost"]["credits"] for r in rows if r["cost"]["credits"] is not None]
    return {
        "kind": "page",
        "rows": rows,
        "matching": page.matching,
        "total": page.total,
        "counts": page.counts,
        "page": page.page,
        "pages": page.pages,
        "size": page.limit,
        "cost": {
            "usd": sum(usd) if usd else None,
            "credits": sum(credits) if credits else None,
            "priced": len(usd) + len(credits),
        },
    }
