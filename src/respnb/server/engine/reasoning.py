"""Reasoning: whether a request gets a reasoning item, its summary texts, its token count.

A reasoning item comes first, for reasoning models only, when ``reasoning.effort`` (other
than ``none``) or ``reasoning.summary`` is set. Summaries stream only with ``summary``
(concise: one part, auto: two, detailed: three). The reasoning token count grows with the effort.
"""

from __future__ import annotations

from typing import Any

from .hints import keywords
from .models import is_reasoning_model
from .request import EngineRequest, pending_outputs, prompt_of, tools_of
from .text import history_summary
from .tokens import count_tokens

__all__ = ["EFFORT_FACTORS", "reasoning_tokens", "summaries", "wants_reasoning"]

EFFORT_FACTORS = {"minimal": 1, "low": 2, "medium": 4, "high": 8, "xhigh": 12, "max": 16}
"""Reasoning tokens per summary token, by ``reasoning.effort`` (medium when absent)."""

_PARTS = {"concise": 1, "auto": 2, "detailed": 3}


def _config(req: EngineRequest) -> dict[str, Any]:
    cfg = req.body.get("reasoning")
    return cfg if isinstance(cfg, dict) else {}


def wants_reasoning(req: EngineRequest) -> bool:
    """Whether the output starts with a reasoning item."""
    cfg = _config(req)
    effort, summary = cfg.get("effort"), cfg.get("summary") or cfg.get("generate_summary")
    if effort == "none" or not is_reasoning_model(str(req.body.get("model") or "")):
        return False
    return effort is not None or summary is not None


def _all_summaries(req: EngineRequest) -> list[str]:
    prompt = prompt_of(req)
    short = prompt if len(prompt) <= 120 else prompt[:117] + "..."
    keys = keywords(prompt, 4)
    earlier = [t for t in history_summary(req) if t.strip()]
    first = f"**Understanding the request**\n\nThe user asks: “{short}”."
    if keys:
        first += f" The key terms are {', '.join(keys)}."
    if earlier:
        first += f" Earlier they said: “{earlier[-1].strip()[:80]}”, which I keep in mind."
    outputs = pending_outputs(req)
    names = [str(t.get("name") or t.get("type")) for t in tools_of(req.body)]
    if outputs:
        plan = (
            f"**Using the tool results**\n\nI received {len(outputs)} tool output(s); "
            "I will quote them and answer from them."
        )
    elif names:
        plan = (
            f"**Choosing tools**\n\nAvailable tools: {', '.join(names)}. I pick the ones that "
            "fit the question and fill their arguments from the prompt."
        )
    else:
        plan = (
            "**Planning the answer**\n\nStart with a heading and quote the question, then list "
            "the key points, add a comparison table and a short Python example."
        )
    check = (
        "**Checking the details**\n\nMake sure every point is accurate, the table is "
        "consistent and the code example runs as written."
    )
    return [first, plan, check]


def summaries(req: EngineRequest) -> list[str]:
    """The summary texts to stream (empty when no summary was asked for)."""
    cfg = _config(req)
    mode = cfg.get("summary") or cfg.get("generate_summary")
    if not isinstance(mode, str):
        return []
    return _all_summaries(req)[: _PARTS.get(mode, 2)]


def reasoning_tokens(req: EngineRequest) -> int:
    """The reasoning tokens this request spends (before any ``max_output_tokens`` cut)."""
    if not wants_reasoning(req):
        return 0
    effort = _config(req).get("effort")
    factor = EFFORT_FACTORS.get(effort if isinstance(effort, str) else "medium", 4)
    return factor * (16 + sum(count_tokens(s) for s in _all_summaries(req)))
