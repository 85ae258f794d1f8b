"""What a create request and a Response tell the registry: prompt, title, columns."""

from __future__ import annotations

import time
from typing import Any

from respnb.types import TERMINAL_STATUSES, Response, normalize_status

__all__ = ["fields_from_response", "make_title", "prompt_of"]


def prompt_of(body: dict[str, Any] | None) -> str | None:
    """The user's prompt text from a create request body (string input or input items)."""
    if not body:
        return None
    raw = body.get("input")
    if isinstance(raw, str):
        return raw
    if not isinstance(raw, list):
        return None
    texts: list[str] = []
    for item in raw:
        if not isinstance(item, dict) or item.get("role", "user") != "user":
            continue
        content = item.get("content")
        if isinstance(content, str):
            texts.append(content)
        elif isinstance(content, list):
            texts.extend(
                str(p.get("text", ""))
                for p in content
                if isinstance(p, dict) and p.get("type") in ("input_text", "text")
            )
    return "\n".join(t for t in texts if t) or None


def make_title(prompt: str | None, limit: int = 60) -> str | None:
    """A one-line title: the prompt's first line, cut at ``limit`` characters."""
    if not prompt:
        return None
    line = " ".join(prompt.strip().split("\n", 1)[0].split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


def _float(v: Any) -> float | None:
    try:
        return None if v is None or v == "" else float(v)
    except (TypeError, ValueError):
        return None


def fields_from_response(response: Response) -> dict[str, Any]:
    """The registry columns a Response carries (None where it carries nothing)."""
    meta = response.metadata or {}
    usage = response.usage
    conv = response.conversation
    row: dict[str, Any] = {
        "model": response.model,
        "status": response.status,
        "normalized_status": normalize_status(response.status),
        "background": response.background,
        "created_at": response.created_at,
        "completed_at": response.completed_at,
        "previous_response_id": response.previous_response_id,
        "conversation": conv.get("id") if conv else None,
        "task_url": response.task_url,
        "share_url": response.share_url,
        "credit_usage": _float(meta.get("credit_usage")),
        "manus_title": meta.get("task_title") or meta.get("title"),
        "output_text": response.output_text or None,
        "error": _error_text(response),
    }
    if usage is not None:
        row.update(
            input_tokens=usage.input_tokens,
            output_tokens=usage.output_tokens,
            total_tokens=usage.total_tokens,
            cached_tokens=usage.cached_tokens,
            reasoning_tokens=usage.reasoning_tokens,
        )
    tags = response.get("tags")
    if isinstance(tags, list):
        row["tags"] = [str(t) for t in tags]
    if row["normalized_status"] in TERMINAL_STATUSES and row["completed_at"] is None:
        row["completed_at"] = time.time()
    if row["normalized_status"] == "in_progress":
        row["started_at"] = time.time()
    return row


def _error_text(response: Response) -> str | None:
    err = response.error
    if err is None:
        return None
    return f"{err.code}: {err.message}" if err.code else err.message or None
