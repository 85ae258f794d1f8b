"""Helpers for the engine tests: run a request, validate every event and item, check order."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from pydantic import TypeAdapter

from respnb.server.engine import EngineRequest, generate
from respnb.types import GenericEvent, GenericItem, GenericPart, Item, parse_event

_ITEM = TypeAdapter(Item)
_LIFECYCLE = {
    "response.created",
    "response.queued",
    "response.in_progress",
    "response.completed",
    "response.failed",
    "response.incomplete",
}
_STREAMED = {
    "response.function_call_arguments": ("function_call", "arguments"),
    "response.custom_tool_call_input": ("custom_tool_call", "input"),
    "response.mcp_call_arguments": ("mcp_call", "arguments"),
    "response.code_interpreter_call_code": ("code_interpreter_call", "code"),
}
_PHASES = {"in_progress": 0, "searching": 1, "generating": 1, "interpreting": 1, "completed": 2}
_ITEM_KEYS = {
    "message": {"id", "type", "status", "role", "content"},
    "function_call": {"id", "type", "status", "arguments", "call_id", "name"},
    "reasoning": {"id", "type", "summary"},
}


def make_ids() -> Callable[[str], str]:
    """A deterministic id factory: ``prefix_0001``, ``prefix_0002``, ..."""
    counter = itertools.count(1)
    return lambda prefix: f"{prefix}_{next(counter):04d}"


@dataclass
class Run:
    """The events of one generated response and its final items."""

    events: list[dict[str, Any]]
    items: list[dict[str, Any]] = field(default_factory=list)

    @property
    def types(self) -> list[str]:
        return [e["type"] for e in self.events]

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [i for i in self.items if i["type"] == kind]

    @property
    def text(self) -> str:
        """All assistant output_text joined."""
        return "".join(
            p.get("text") or ""
            for m in self.of("message")
            if m["role"] == "assistant"
            for p in m["content"]
            if p["type"] == "output_text"
        )


def validate_item(item: dict[str, Any]) -> None:
    """The item parses into its own model (never the generic fallback), parts too."""
    model = _ITEM.validate_python(item)
    assert not isinstance(model, GenericItem), item
    for part in getattr(model, "content", None) or []:
        assert not isinstance(part, GenericPart), part
    for part in getattr(model, "summary", None) or []:
        assert not isinstance(part, GenericPart), part
    keys = _ITEM_KEYS.get(item["type"])
    if keys is not None:
        assert set(item) <= keys | {"status", "encrypted_content"}, item
        assert keys - {"status"} <= set(item), item
    if item["type"] == "message":
        for part in item["content"]:
            if part["type"] == "output_text":
                assert set(part) == {"type", "text", "annotations", "logprobs"}, part


def check_order(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Assert the canonical order of protocol.md §3; return the final items."""
    items: list[dict[str, Any]] = []
    cur: dict[str, Any] | None = None
    for ev in events:
        kind = ev["type"]
        assert "sequence_number" not in ev and kind not in _LIFECYCLE, ev
        parsed = parse_event(ev)
        assert not isinstance(parsed, GenericEvent), ev
        if kind == "response.output_item.added":
            assert cur is None, f"item added while another is open: {ev}"
            assert ev["output_index"] == len(items)
            validate_item(ev["item"])
            cur = {
                "item": ev["item"],
                "parts": {},
                "summ": {},
                "stream": "",
                "phase": -1,
                "streamed_done": False,
            }
            continue
        assert cur is not None, f"{kind} outside an item"
        assert ev["output_index"] == len(items), ev
        item = cur["item"]
        if kind == "response.output_item.done":
            final = ev["item"]
            validate_item(final)
            assert final["id"] == item["id"] and final["type"] == item["type"]
            assert all(not p["open"] for p in cur["parts"].values()), "part left open"
            assert all(not s["open"] for s in cur["summ"].values()), "summary left open"
            _check_final(cur, final)
            items.append(final)
            cur = None
            continue
        assert ev["item_id"] == item["id"], ev
        base, _, tail = kind.rpartition(".")
        if kind == "response.content_part.added":
            assert ev["content_index"] == len(cur["parts"])
            cur["parts"][ev["content_index"]] = {
                "open": True,
                "text": "",
                "done": False,
                "anns": 0,
                "kind": ev["part"]["type"],
            }
        elif kind in ("response.output_text.delta", "response.refusal.delta"):
            part = cur["parts"][ev["content_index"]]
            assert part["open"] and not part["done"]
            part["text"] += ev["delta"]
        elif kind == "response.output_text.annotation.added":
            part = cur["parts"][ev["content_index"]]
            assert part["open"] and ev["annotation_index"] == part["anns"]
            part["anns"] += 1
        elif kind in ("response.output_text.done", "response.refusal.done"):
            part = cur["parts"][ev["content_index"]]
            assert (ev.get("text") if "text" in ev else ev["refusal"]) == part["text"]
            part["done"] = True
        elif kind == "response.content_part.done":
            part = cur["parts"][ev["content_index"]]
            assert part["open"]
            if part["kind"] in ("output_text", "refusal"):
                assert part["done"], "content_part.done before the text's done"
                assert ev["part"].get("text", ev["part"].get("refusal")) == part["text"]
            part["open"] = False
        elif kind == "response.reasoning_summary_part.added":
            assert ev["summary_index"] == len(cur["summ"])
            cur["summ"][ev["summary_index"]] = {"open": True, "text": "", "done": False}
        elif kind == "response.reasoning_summary_text.delta":
            summ = cur["summ"][ev["summary_index"]]
            assert summ["open"] and not summ["done"]
            summ["text"] += ev["delta"]
        elif kind == "response.reasoning_summary_text.done":
            summ = cur["summ"][ev["summary_index"]]
            assert ev["text"] == summ["text"]
            summ["done"] = True
        elif kind == "response.reasoning_summary_part.done":
            summ = cur["summ"][ev["summary_index"]]
            assert summ["done"] and ev["part"]["text"] == summ["text"]
            summ["open"] = False
        elif base in _STREAMED:
            assert item["type"] == _STREAMED[base][0]
            if tail == "delta":
                assert not cur["streamed_done"]
                cur["stream"] += ev["delta"]
            else:
                assert ev[_STREAMED[base][1]] == cur["stream"]
                cur["streamed_done"] = True
        elif tail in _PHASES:
            assert kind.split(".")[1] == item["type"], ev
            assert _PHASES[tail] >= cur["phase"], f"{kind} out of order"
            cur["phase"] = _PHASES[tail]
        elif tail == "partial_image":
            assert cur["phase"] == 1, "partial image outside generating"
        else:
            raise AssertionError(f"unexpected event {kind}")
    assert cur is None, "stream ended inside an item"
    return items


def _check_final(cur: dict[str, Any], final: dict[str, Any]) -> None:
    if final["type"] == "message":
        for ci, part in cur["parts"].items():
            got = final["content"][ci]
            if part["kind"] == "output_text":
                assert got["text"] == part["text"]
                assert len(got["annotations"]) == part["anns"]
            elif part["kind"] == "refusal":
                assert got["refusal"] == part["text"]
    elif final["type"] == "reasoning":
        assert [s["text"] for s in final["summary"]] == [s["text"] for s in cur["summ"].values()]
    for kind, key in _STREAMED.values():
        if final["type"] == kind:
            assert final[key] == cur["stream"]
            assert cur["streamed_done"]


def run_request(req: EngineRequest) -> Run:
    """Generate, validate and order-check a request."""
    events = list(generate(req, make_ids()))
    return Run(events, check_order(events))


@pytest.fixture
def run() -> Callable[..., Run]:
    """``run(body, **request_fields)`` -> :class:`Run` (validated, order-checked)."""

    def _run(body: dict[str, Any], **kw: Any) -> Run:
        return run_request(EngineRequest(body=body, **kw))

    return _run


@pytest.fixture
def order_check() -> Callable[[list[dict[str, Any]]], list[dict[str, Any]]]:
    """The canonical-order checker (returns the final items)."""
    return check_order


@pytest.fixture
def ids() -> Callable[[], Callable[[str], str]]:
    """A factory of deterministic id factories."""
    return make_ids
