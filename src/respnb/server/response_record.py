"""A response as the server keeps it: the object a create starts from and its ``responses`` row.

The new object holds the request fields OpenAI echoes (with its defaults), the passed-through
extras, and the private bookkeeping (title, search text, hidden, shared, whether events are
recorded); the row's indexed columns are taken from that bookkeeping.
"""

from __future__ import annotations

import time
from typing import Any

from .dialects import PRIVATE
from .inputs import echo_tools
from .store import dumps

__all__ = ["UPSERT_RESPONSE", "initial_response", "response_row"]

UPSERT_RESPONSE = "INSERT OR REPLACE INTO responses VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
"""Stores a :func:`response_row`."""

_PASS_THROUGH = ("prompt_cache_key", "safety_identifier", "user", "prompt", "tags", "trace")


def _texts(items: list[dict[str, Any]]) -> str:
    out: list[str] = []
    for item in items:
        content = item.get("content")
        if isinstance(content, str):
            out.append(content)
        elif isinstance(content, list):
            out.extend(str(p.get("text")) for p in content if isinstance(p, dict) and "text" in p)
    return " ".join(out)


def initial_response(
    body: dict[str, Any],
    inputs: list[dict[str, Any]],
    *,
    rid: str,
    model: str,
    background: bool,
    store: bool,
    conv_id: str | None,
) -> dict[str, Any]:
    """The new response ``rid`` of a validated ``body`` (``inputs``: its items with ids)."""
    prompt = _texts([i for i in inputs if i.get("role") == "user"])
    private: dict[str, Any] = {
        "created": time.time(),
        "title": prompt[:60] or "Untitled",
        "search": prompt[:2000],
        "hidden": bool(body.get("hide_in_task_list")),
        "shared": bool(body.get("create_shareable_link")),
        "recorded": background or bool(body.get("stream")),
    }
    if not store:
        private["input"] = inputs
    reasoning = body.get("reasoning") or {}
    resp: dict[str, Any] = {
        "id": rid,
        "object": "response",
        "created_at": int(time.time()),
        "status": "queued" if background else "in_progress",
        "background": background,
        "completed_at": None,
        "error": None,
        "incomplete_details": None,
        "instructions": body.get("instructions"),
        "max_output_tokens": body.get("max_output_tokens"),
        "max_tool_calls": body.get("max_tool_calls"),
        "model": model,
        "output": [],
        "parallel_tool_calls": body.get("parallel_tool_calls", True),
        "previous_response_id": body.get("previous_response_id"),
        "conversation": {"id": conv_id} if conv_id else None,
        "reasoning": {"effort": reasoning.get("effort"), "summary": reasoning.get("summary")},
        "service_tier": body.get("service_tier") or "default",
        "store": store,
        "temperature": body.get("temperature", 1.0),
        "text": body.get("text") or {"format": {"type": "text"}, "verbosity": "medium"},
        "tool_choice": body.get("tool_choice", "auto"),
        "tools": echo_tools(body.get("tools") or []),
        "top_logprobs": body.get("top_logprobs", 0),
        "top_p": body.get("top_p", 1.0),
        "truncation": body.get("truncation", "disabled"),
        "usage": None,
        "metadata": body.get("metadata") or {},
        PRIVATE: private,
    }
    for key in _PASS_THROUGH:
        if key in body:
            resp[key] = body[key]
    return resp


def response_row(resp: dict[str, Any], last_seq: int) -> tuple[Any, ...]:
    """The ``responses`` row of ``resp`` (see :data:`UPSERT_RESPONSE`)."""
    private = resp.get(PRIVATE) or {}
    return (
        resp["id"],
        float(private.get("created", resp["created_at"])),
        time.time(),
        resp.get("status"),
        int(bool(resp.get("background"))),
        int(bool(private.get("hidden"))),
        private.get("search", ""),
        last_seq,
        dumps(resp),
    )
