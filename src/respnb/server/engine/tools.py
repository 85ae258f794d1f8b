"""Which tools a request calls, and with what arguments.

``tool_choice`` is honoured: ``"none"`` calls nothing, ``"auto"`` calls the function tools
whose name or description share words with the prompt (and runs the hosted tools declared),
``"required"`` calls at least the best-fitting one, ``{type: "function", name}`` forces one,
``{type: "allowed_tools", mode, tools}`` narrows the list, ``{type: <hosted>}`` runs only that
hosted tool. ``parallel_tool_calls: false`` keeps one function call.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .actions import ACTION_TYPES, type_words
from .hints import STOPWORDS, Hints, keywords
from .request import EngineRequest, pending_outputs, prompt_of, tools_of
from .schema import instance_for

__all__ = [
    "CALLABLE_TYPES",
    "HOSTED_TYPES",
    "arguments_for",
    "custom_input_for",
    "hosted_tools",
    "planned_calls",
    "tool_words",
]

CALLABLE_TYPES = frozenset({"function", "custom", *ACTION_TYPES})
"""Tools the caller runs: the response ends with their calls, awaiting outputs."""

HOSTED_TYPES = frozenset(
    {
        "file_search",
        "web_search",
        "web_search_preview",
        "web_search_2025_08_26",
        "web_search_preview_2025_03_11",
        "code_interpreter",
        "mcp",
        "image_generation",
    }
)
"""Tools the server runs itself, producing their own output items."""


def _choice(body: dict[str, Any]) -> Any:
    return body.get("tool_choice", "auto")


def _same_tool(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a.get("type") != b.get("type"):
        return False
    return all(a.get(key) == b[key] for key in ("name", "server_label") if key in b)


def _candidates(body: dict[str, Any]) -> tuple[list[dict[str, Any]], str]:
    """The tools in play and the mode (none / auto / required / forced)."""
    tools = tools_of(body)
    choice = _choice(body)
    if choice == "none":
        return [], "none"
    if isinstance(choice, str):
        return tools, "required" if choice == "required" else "auto"
    if not isinstance(choice, dict):
        return tools, "auto"
    kind = choice.get("type")
    if kind == "allowed_tools":
        allowed = [t for t in choice.get("tools", []) if isinstance(t, dict)]
        narrowed = [t for t in tools if any(_same_tool(t, a) for a in allowed)]
        return narrowed, "required" if choice.get("mode") == "required" else "auto"
    return [t for t in tools if _same_tool(t, choice)], "forced"


def tool_words(tool: dict[str, Any]) -> set[str]:
    """The words a tool is about: its name split at ``_``/camelCase, and its description."""
    name = str(tool.get("name") or tool.get("server_label") or "")
    name = re.sub(r"([a-z])([A-Z])", r"\1 \2", name).replace("_", " ").replace("-", " ")
    text = f"{name} {tool.get('description') or ''}"
    return {_stem(w) for w in keywords(text, 50)} | {_stem(w) for w in type_words(tool)}


def _stem(word: str) -> str:
    for suffix in ("ing", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)]
    return word


def _score(tool: dict[str, Any], prompt: str) -> int:
    prompt_words = {_stem(w) for w in keywords(prompt, 50) if w not in STOPWORDS}
    return len(prompt_words & tool_words(tool))


def planned_calls(req: EngineRequest) -> list[dict[str, Any]]:
    """The function/custom tools to call now (empty when tool outputs await an answer)."""
    if pending_outputs(req):
        return []
    tools, mode = _candidates(req.body)
    callable_tools = [t for t in tools if t.get("type") in CALLABLE_TYPES]
    if not callable_tools or mode == "none":
        return []
    prompt = prompt_of(req)
    if mode == "forced":
        chosen = callable_tools[:1]
    else:
        scored = [(t, _score(t, prompt)) for t in callable_tools]
        chosen = [t for t, s in scored if s > 0]
        if not chosen and mode == "required":
            best = max(scored, key=lambda ts: ts[1])[0]
            chosen = [best]
        chosen.sort(key=lambda t: -_score(t, prompt))
    if req.body.get("parallel_tool_calls") is False:
        chosen = chosen[:1]
    return chosen


def hosted_tools(req: EngineRequest) -> list[dict[str, Any]]:
    """The hosted tools to run now, in declaration order."""
    tools, mode = _candidates(req.body)
    if mode == "none":
        return []
    return [t for t in tools if t.get("type") in HOSTED_TYPES]


def arguments_for(tool: dict[str, Any], prompt: str) -> str:
    """Compact JSON arguments valid against the tool's ``parameters`` schema."""
    schema = tool.get("parameters")
    if not isinstance(schema, dict) or not schema:
        schema = {"type": "object", "properties": {}}
    value = instance_for(schema, Hints.from_prompt(prompt))
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def custom_input_for(tool: dict[str, Any], prompt: str) -> str:
    """Free-form input for a custom tool: the prompt's quoted text, or the prompt itself."""
    hints = Hints.from_prompt(prompt)
    fmt = tool.get("format")
    if isinstance(fmt, dict) and fmt.get("type") == "grammar":
        return hints.quoted[0] if hints.quoted else " ".join(hints.keys[:3])
    return hints.quoted[0] if hints.quoted else prompt
