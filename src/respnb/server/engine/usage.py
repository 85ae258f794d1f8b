"""Usage, pace and incompleteness: numbers consistent with the text the engine wrote.

Output tokens count what the model "wrote" (message text and refusals, function arguments,
custom tool input, code, MCP arguments) with :func:`count_tokens`, plus reasoning tokens.
Input tokens count instructions, tool declarations, the output schema, history and input;
that prefix is cached in 128-token steps once it reaches 1,024 tokens (as OpenAI's prompt
cache does).
"""

from __future__ import annotations

import json
import math
from typing import Any

from .models import image_tokens
from .reasoning import reasoning_tokens
from .request import EngineRequest, as_list, content_text, input_items, tools_of
from .text import SLOW_MODEL
from .tokens import count_tokens

__all__ = [
    "SLOW_PACE",
    "incomplete_reason",
    "input_tokens_for",
    "item_tokens",
    "output_tokens_of",
    "pace_for",
    "usage_for",
]

SLOW_PACE = 5.0
"""Tokens per second of the ``respnb-slow`` model (its long answers last minutes)."""

_ITEM_OVERHEAD = 3
_SKIP = frozenset({"id", "type", "status", "call_id", "role", "approval_request_id"})


def item_tokens(item: dict[str, Any]) -> int:
    """Tokens an item costs as input: its texts and string fields, plus a small overhead."""
    total = _ITEM_OVERHEAD
    for key, value in item.items():
        if key in _SKIP:
            continue
        if key in ("content", "summary", "output") and isinstance(value, list):
            total += count_tokens(content_text(value))
            total += sum(
                image_tokens(str(p.get("image_url") or ""), str(p.get("detail") or "auto"))
                for p in value
                if isinstance(p, dict) and p.get("type") == "input_image"
            )
        elif isinstance(value, str):
            total += count_tokens(value)
        elif isinstance(value, (dict, list)):
            total += count_tokens(json.dumps(value))
    return total


def _prefix_tokens(req: EngineRequest) -> int:
    instructions = req.body.get("instructions")
    total = count_tokens(instructions) if isinstance(instructions, str) else 0
    tools = tools_of(req.body)
    if tools:
        total += count_tokens(json.dumps(tools))
    text = req.body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict) and isinstance(fmt.get("schema"), dict):
        total += count_tokens(json.dumps(fmt["schema"]))
    return total + sum(item_tokens(i) for i in req.history)


def input_tokens_for(req: EngineRequest) -> int:
    """Input tokens of a request (also the answer of ``POST /v1/responses/input_tokens``)."""
    return _prefix_tokens(req) + sum(item_tokens(i) for i in input_items(req.body))


def _written(item: dict[str, Any]) -> int:
    kind = item.get("type")
    if kind == "message" and item.get("role", "assistant") == "assistant":
        parts = as_list(item.get("content"))
        return sum(
            count_tokens(str(p.get("text") or p.get("refusal") or ""))
            for p in parts
            if isinstance(p, dict)
        )
    field = {
        "function_call": "arguments",
        "mcp_call": "arguments",
        "custom_tool_call": "input",
        "code_interpreter_call": "code",
    }.get(str(kind))
    return count_tokens(str(item.get(field) or "")) if field else 0


def output_tokens_of(req: EngineRequest, output_items: list[dict[str, Any]]) -> tuple[int, int]:
    """(output tokens, reasoning tokens) of a response's output items."""
    visible = sum(_written(i) for i in output_items)
    reasoning = 0
    if any(i.get("type") == "reasoning" for i in output_items):
        reasoning = reasoning_tokens(req)
    limit = req.body.get("max_output_tokens")
    if isinstance(limit, int) and visible + reasoning > limit:
        reasoning = min(reasoning, limit)
        return limit, reasoning
    return visible + reasoning, reasoning


def usage_for(req: EngineRequest, output_items: list[dict[str, Any]]) -> dict[str, Any]:
    """The ``usage`` object of a response whose output is ``output_items``."""
    inp = input_tokens_for(req)
    prefix = _prefix_tokens(req)
    cached = (prefix // 128) * 128 if prefix >= 1024 else 0
    out, reasoning = output_tokens_of(req, output_items)
    return {
        "input_tokens": inp,
        "input_tokens_details": {"cached_tokens": cached},
        "output_tokens": out,
        "output_tokens_details": {"reasoning_tokens": reasoning},
        "total_tokens": inp + out,
    }


def incomplete_reason(req: EngineRequest, output_items: list[dict[str, Any]]) -> str | None:
    """``"max_output_tokens"`` when the output was cut by the budget, else None."""
    del req
    if any(i.get("status") == "incomplete" for i in output_items):
        return "max_output_tokens"
    return None


def pace_for(req: EngineRequest, default: float | None) -> float | None:
    """Tokens per second for this run; None means as fast as possible.

    ``metadata.respnb_pace`` (a number as a string; ``0`` for full speed) wins, then the
    ``respnb-slow`` model's :data:`SLOW_PACE`, then ``default`` (the server's ``--pace``).
    """
    metadata = req.body.get("metadata")
    raw = metadata.get("respnb_pace") if isinstance(metadata, dict) else None
    if raw is not None:
        try:
            pace = float(raw)
        except (TypeError, ValueError):
            pace = math.nan
        if math.isfinite(pace):
            return pace if pace > 0 else None
    if req.body.get("model") == SLOW_MODEL:
        return SLOW_PACE
    return default
