"""Output items as the response view holds them, and the patches that edit or diff them.

A :class:`Block` is one output item of :class:`~respnb._view_state.ResponseViewState`: its kind,
its JSON and whether it is finished. :data:`DELTA_FIELDS` says where each streamed text field
lives in an item, and the event tables which stream events fill which field of which item type;
:func:`item_part` finds (or makes) the part a delta writes to, and :func:`diff_item` turns one
version of an item into the ``part`` / ``set`` patches that bring a front end from the old to
the new (see :mod:`respnb._view_state` for the patch ops).
"""

from __future__ import annotations

from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from ._coalescer import Patch

__all__ = [
    "DELTA_EVENTS",
    "DELTA_FIELDS",
    "DONE_EVENTS",
    "MISSING",
    "PART_EVENTS",
    "PART_KEY",
    "PHASES",
    "Block",
    "diff_item",
    "item_part",
    "part_index",
]

# field -> (container key in the item or None for a top-level string, default part type)
DELTA_FIELDS: dict[str, tuple[str | None, str]] = {
    "text": ("content", "output_text"),
    "refusal": ("content", "refusal"),
    "summary": ("summary", "summary_text"),
    "reasoning": ("content", "reasoning_text"),
    "arguments": (None, ""),
    "code": (None, ""),
    "input": (None, ""),
}
PART_KEY = {"text": "text", "refusal": "refusal", "summary": "text", "reasoning": "text"}
"""Delta field -> the key of its text in a part."""

# event type -> (delta field, implicit item type)
DELTA_EVENTS: dict[str, tuple[str, str]] = {
    "response.output_text.delta": ("text", "message"),
    "response.refusal.delta": ("refusal", "message"),
    "response.reasoning_summary_text.delta": ("summary", "reasoning"),
    "response.reasoning_text.delta": ("reasoning", "reasoning"),
    "response.function_call_arguments.delta": ("arguments", "function_call"),
    "response.mcp_call_arguments.delta": ("arguments", "mcp_call"),
    "response.code_interpreter_call_code.delta": ("code", "code_interpreter_call"),
    "response.custom_tool_call_input.delta": ("input", "custom_tool_call"),
}
# event type -> (field, key of the full value in the event, implicit item type)
DONE_EVENTS: dict[str, tuple[str, str, str]] = {
    "response.output_text.done": ("text", "text", "message"),
    "response.refusal.done": ("refusal", "refusal", "message"),
    "response.reasoning_summary_text.done": ("summary", "text", "reasoning"),
    "response.reasoning_text.done": ("reasoning", "text", "reasoning"),
    "response.function_call_arguments.done": ("arguments", "arguments", "function_call"),
    "response.mcp_call_arguments.done": ("arguments", "arguments", "mcp_call"),
    "response.code_interpreter_call_code.done": ("code", "code", "code_interpreter_call"),
    "response.custom_tool_call_input.done": ("input", "input", "custom_tool_call"),
}
# the last word of a hosted tool's progress event (response.<tool>.<phase>)
PHASES = frozenset(
    {"in_progress", "searching", "interpreting", "generating", "completed", "failed"}
)
# part event type -> the item field holding the part
PART_EVENTS = {
    "response.content_part.added": "content",
    "response.content_part.done": "content",
    "response.reasoning_summary_part.added": "summary",
    "response.reasoning_summary_part.done": "summary",
    "response.reasoning_part.added": "content",
    "response.reasoning_part.done": "content",
}


@dataclass
class Block:
    """One output item as the view shows it: its kind, its JSON, and whether it is finished."""

    index: int
    kind: str
    item: dict[str, Any]
    done: bool = False

    @property
    def text(self) -> str:
        """The markdown of a message (its output_text parts), a reasoning summary, else ``""``."""
        key = "summary" if self.kind == "reasoning" else "content"
        parts = self.item.get(key)
        if isinstance(parts, str):
            return parts
        if not isinstance(parts, list):
            return ""
        kinds = {"summary_text"} if self.kind == "reasoning" else {"output_text"}
        return "".join(
            str(p.get("text") or "")
            for p in parts
            if isinstance(p, dict) and p.get("type") in kinds
        )

    def to_json(self) -> dict[str, Any]:
        """The block as the front end stores it."""
        return {"index": self.index, "kind": self.kind, "item": self.item, "done": self.done}


MISSING: Any = object()
"""Stands for a key a dict does not have (``None`` may be a value)."""


def diff_item(index: int, old: dict[str, Any], new: dict[str, Any], out: list[Patch]) -> None:
    """Patches turning ``old`` into ``new``: changed keys, and changed keys of changed parts."""
    for key in [*new, *(k for k in old if k not in new)]:
        a, b = old.get(key, MISSING), new.get(key)
        if a == b:
            continue
        if (
            key in ("content", "summary")
            and isinstance(a, list)
            and isinstance(b, list)
            and len(a) <= len(b)
            and all(isinstance(p, dict) for p in [*a, *b])
        ):
            for pi, bp in enumerate(b):
                ap = a[pi] if pi < len(a) else {}
                changed = {k: v for k, v in bp.items() if ap.get(k, MISSING) != v}
                if changed:
                    out.append(
                        {
                            "op": "part",
                            "index": index,
                            "field": key,
                            "part": pi,
                            "value": {"type": bp.get("type"), **deepcopy(changed)},
                        }
                    )
            continue
        if key not in new:
            out.append({"op": "set", "index": index, "key": key, "value": None, "unset": True})
        else:
            out.append({"op": "set", "index": index, "key": key, "value": deepcopy(b)})


def part_index(event: Any) -> int:
    """The part an event addresses: its ``content_index`` or ``summary_index``, else 0."""
    for name in ("content_index", "summary_index"):
        value = getattr(event, name, None)
        if isinstance(value, int):
            return value
    return 0


def item_part(item: dict[str, Any], container: str, index: int, ptype: str) -> dict[str, Any]:
    """Part ``index`` of ``item[container]``, made (of type ``ptype``, with the parts before
    it) when missing; a container that is a bare string becomes one output_text part."""
    parts = item.get(container)
    if not isinstance(parts, list):
        parts = item[container] = (
            [] if not isinstance(parts, str) else [{"type": "output_text", "text": parts}]
        )
    while len(parts) <= index:
        parts.append({"type": ptype, **({"text": ""} if ptype != "refusal" else {"refusal": ""})})
    if not isinstance(parts[index], dict):
        parts[index] = {"type": ptype}
    part: dict[str, Any] = parts[index]
    return part
