"""A Python twin of js/rv_store.js: applies patches the way the front end does.

Replaying a run's patches into it and comparing with ``state.snapshot_blocks()`` proves the
patches carry everything (and nothing twice).
"""

from __future__ import annotations

import copy
import json
from typing import Any

from respnb.types import StreamEvent, parse_event
from tests.core.streams import StreamBuilder

PART_FIELDS = {
    "text": ("content", "output_text", "text"),
    "refusal": ("content", "refusal", "refusal"),
    "summary": ("summary", "summary_text", "text"),
    "reasoning": ("content", "reasoning_text", "text"),
}
IMPLICIT = {
    "text": "message",
    "refusal": "message",
    "summary": "reasoning",
    "reasoning": "reasoning",
    "arguments": "function_call",
    "code": "code_interpreter_call",
    "input": "custom_tool_call",
}


def _ensure_part(item: dict[str, Any], container: str, index: int, ptype: Any) -> dict[str, Any]:
    if isinstance(item.get(container), str):
        item[container] = [{"type": "output_text", "text": item[container]}]
    if not isinstance(item.get(container), list):
        item[container] = []
    parts = item[container]
    while len(parts) <= index:
        parts.append({"type": ptype})
    part: dict[str, Any] = parts[index]
    return part


class Mirror:
    def __init__(self) -> None:
        self.blocks: dict[int, dict[str, Any]] = {}

    def _ensure(self, index: int, kind: str) -> dict[str, Any]:
        if index not in self.blocks:
            item: dict[str, Any] = {"type": kind}
            if kind == "message":
                item.update(role="assistant", content=[])
            self.blocks[index] = {"index": index, "kind": kind, "item": item, "done": False}
        return self.blocks[index]

    def apply(self, patches: list[Any]) -> None:
        for raw in json.loads(json.dumps(patches)):  # what goes over the wire
            if isinstance(raw, list):  # the compact wire form of a delta
                raw = {
                    "op": "delta",
                    "index": raw[0],
                    "field": raw[1],
                    "part": raw[2],
                    "delta": raw[3],
                }
            p = raw
            op, index = p["op"], p.get("index")
            if op in ("header", "usage", "error"):
                continue
            if op == "item":
                self.blocks[index] = {
                    "index": index,
                    "kind": p["item"].get("type", "unknown"),
                    "item": p["item"],
                    "done": p["done"],
                }
            elif op == "delta":
                block = self._ensure(index, IMPLICIT.get(p["field"], "unknown"))
                spec = PART_FIELDS.get(p["field"])
                if spec:
                    part = _ensure_part(block["item"], spec[0], p["part"], spec[1])
                    part[spec[2]] = (part.get(spec[2]) or "") + p["delta"]
                else:
                    block["item"][p["field"]] = (block["item"].get(p["field"]) or "") + p["delta"]
            elif op == "part":
                block = self._ensure(index, "unknown")
                part = _ensure_part(block["item"], p["field"], p["part"], p["value"].get("type"))
                part.update(p["value"])
            elif op == "annotation":
                block = self._ensure(index, "unknown")
                part = _ensure_part(block["item"], "content", p["part"], "output_text")
                part.setdefault("annotations", []).append(p["annotation"])
            elif op == "set":
                item = self._ensure(index, "unknown")["item"]
                if p.get("unset"):
                    item.pop(p["key"], None)
                else:
                    item[p["key"]] = p["value"]
            elif op == "done":
                self._ensure(index, "unknown")["done"] = True
            else:  # pragma: no cover - a new op must be added here and in rv_store.js
                raise AssertionError(f"unknown op {op}")

    def snapshot(self) -> list[dict[str, Any]]:
        return [copy.deepcopy(self.blocks[i]) for i in sorted(self.blocks)]


def events_of(builder: StreamBuilder) -> list[StreamEvent]:
    return [parse_event(e) for e in builder.events]


def full_mix() -> StreamBuilder:
    """One of every streamed item kind, with annotations and a refusal."""
    ann = [
        {
            "type": "url_citation",
            "url": "https://example.org/a",
            "title": "Example",
            "start_index": 0,
            "end_index": 5,
        }
    ]
    return (
        StreamBuilder("resp_mix_000001")
        .created()
        .reasoning([["Let me ", "think."], ["Second ", "thought."]], raw=["raw ", "chain"])
        .message(
            ["Hello ", "**world**", "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"],
            annotations=ann,
            refusal=["I can", "not"],
        )
        .function_call("get_weather", ['{"city": ', '"Paris"}'])
        .custom_tool_call("run", ["print(", "1)"])
        .web_search("weather paris")
        .file_search(["report q3"])
        .code_interpreter(["x = ", "1\nprint(x)"])
        .image_generation(["QUFBQUFBQUFBQUFBQUFBQUFB"], "QkJCQkJCQkJCQkJCQkJCQkJC")
        .mcp("deepwiki", "ask", ['{"q": ', '"x"}'], "answer")
        .completed()
    )
