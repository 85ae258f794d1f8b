"""Event builders: one output item at a time, in the canonical order of protocol.md §3.

:class:`Emitter` hands out ``output_index`` values, new ids and the ``max_output_tokens``
budget. Each streamed text (message text, refusal, function arguments, custom tool input,
code, MCP arguments) goes out one token per delta; when the budget runs out mid-item the item
ends with status ``incomplete`` and :attr:`Emitter.cut` tells the caller to stop.
Events carry no ``sequence_number`` (the server numbers them).
"""

from __future__ import annotations

import copy
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from .tokens import split_tokens

__all__ = ["Emitter", "Event", "TextPart"]

Event = dict[str, Any]


@dataclass
class TextPart:
    """A content part to stream: ``output_text`` (with annotations at text positions),
    ``refusal``, or a static part (``output_file``) given whole in ``static``."""

    kind: str = "output_text"
    text: str = ""
    annotations: list[dict[str, Any]] = field(default_factory=list)
    static: dict[str, Any] | None = None


def token_logprob(token: str, top: int) -> dict[str, Any]:
    """A deterministic logprob entry for ``token`` with ``top`` alternatives."""
    h = int.from_bytes(hashlib.sha256(token.encode()).digest()[:4], "big")
    value = -round((h % 900) / 1000 * 0.4, 4)
    alts = [
        {
            "token": alt,
            "bytes": list(alt.encode()),
            "logprob": round(value - 1.5 * (k + 1), 4),
        }
        for k, alt in enumerate([token.upper(), token.lower() + "s", token.strip() or "_"][:top])
    ]
    alts.insert(0, {"token": token, "bytes": list(token.encode()), "logprob": value})
    return {
        "token": token,
        "bytes": list(token.encode()),
        "logprob": value,
        "top_logprobs": alts[:top],
    }


def _anchor(annotation: dict[str, Any]) -> int:
    """The text position an annotation belongs to (where its event is emitted)."""
    for key in ("end_index", "index"):
        value = annotation.get(key)
        if isinstance(value, int):
            return value
    return 0


class Emitter:
    """Builds the events of successive output items for one response."""

    def __init__(self, new_id: Callable[[str], str], budget: int | None) -> None:
        self.new_id = new_id
        self.index = 0
        self.remaining = budget
        self.cut = False
        self.items: list[dict[str, Any]] = []
        self.streamed = ""
        self.logprobs: int | None = None
        """Top alternatives per token when logprobs were asked for (None: not asked)."""

    # ------------------------------------------------------------ budget
    def take(self, tokens: list[str]) -> list[str]:
        """The tokens the budget allows; sets :attr:`cut` when some are refused."""
        if self.remaining is None:
            return tokens
        allowed = tokens[: self.remaining]
        self.remaining -= len(allowed)
        if len(allowed) < len(tokens):
            self.cut = True
        return allowed

    def spend(self, count: int) -> int:
        """Spend ``count`` tokens (reasoning); returns how many the budget allowed."""
        if self.remaining is None:
            return count
        allowed = min(count, self.remaining)
        self.remaining -= allowed
        if allowed < count:
            self.cut = True
        return allowed

    # ------------------------------------------------------------ items
    def added(self, item: dict[str, Any]) -> Event:
        return {
            "type": "response.output_item.added",
            "output_index": self.index,
            "item": copy.deepcopy(item),
        }

    def done(self, item: dict[str, Any]) -> Event:
        event = {
            "type": "response.output_item.done",
            "output_index": self.index,
            "item": copy.deepcopy(item),
        }
        self.items.append(copy.deepcopy(item))
        self.index += 1
        return event

    def at(self, kind: str, item_id: str, **fields: Any) -> Event:
        """An event located on the current item (``item_id``, ``output_index``)."""
        return {"type": kind, "item_id": item_id, "output_index": self.index, **fields}

    def whole(self, item: dict[str, Any]) -> Iterator[Event]:
        """An item with nothing to stream: added then done."""
        yield self.added(item)
        yield self.done(item)

    def deltas(self, kind: str, item_id: str, text: str, **extra: Any) -> Iterator[Event]:
        """One ``kind`` delta event per allowed token; the text sent ends in :attr:`streamed`."""
        self.streamed = ""
        sent: list[str] = []  # joined once: += on an attribute copies the text every time
        try:
            for token in self.take(split_tokens(text)):
                sent.append(token)
                yield self.at(kind, item_id, **extra, delta=token)
        finally:
            self.streamed = "".join(sent)

    # ------------------------------------------------------------ message
    def message(self, parts: list[TextPart], role: str = "assistant") -> Iterator[Event]:
        """An assistant message whose parts stream (text, refusal, static parts)."""
        item: dict[str, Any] = {
            "id": self.new_id("msg"),
            "type": "message",
            "status": "in_progress",
            "content": [],
            "role": role,
        }
        yield self.added(item)
        for ci, spec in enumerate(parts):
            if self.cut:
                break
            yield from self._part(item, ci, spec)
        item["status"] = "incomplete" if self.cut else "completed"
        yield self.done(item)

    def _part(self, item: dict[str, Any], ci: int, spec: TextPart) -> Iterator[Event]:
        mid = item["id"]
        if spec.static is not None:
            yield self.at("response.content_part.added", mid, content_index=ci, part=spec.static)
            item["content"].append(copy.deepcopy(spec.static))
            yield self.at("response.content_part.done", mid, content_index=ci, part=spec.static)
            return
        if spec.kind == "refusal":
            yield self.at(
                "response.content_part.added",
                mid,
                content_index=ci,
                part={"type": "refusal", "refusal": ""},
            )
            yield from self.deltas("response.refusal.delta", mid, spec.text, content_index=ci)
            text = self.streamed
            part: dict[str, Any] = {"type": "refusal", "refusal": text}
            yield self.at("response.refusal.done", mid, content_index=ci, refusal=text)
        else:
            empty = {"type": "output_text", "text": "", "annotations": [], "logprobs": []}
            yield self.at("response.content_part.added", mid, content_index=ci, part=empty)
            pending = sorted(spec.annotations, key=_anchor)
            emitted: list[dict[str, Any]] = []
            text = ""
            probs: list[dict[str, Any]] = []
            for event in self.deltas(
                "response.output_text.delta", mid, spec.text, content_index=ci, logprobs=[]
            ):
                if self.logprobs is not None:
                    entry = token_logprob(event["delta"], self.logprobs)
                    probs.append(entry)
                    event["logprobs"] = [entry]
                yield event
                text += event["delta"]
                while pending and _anchor(pending[0]) <= len(text):
                    ann = pending.pop(0)
                    yield self.at(
                        "response.output_text.annotation.added",
                        mid,
                        content_index=ci,
                        annotation_index=len(emitted),
                        annotation=ann,
                    )
                    emitted.append(ann)
            yield self.at(
                "response.output_text.done", mid, content_index=ci, text=text, logprobs=probs
            )
            part = {"type": "output_text", "text": text, "annotations": emitted, "logprobs": probs}
        item["content"].append(copy.deepcopy(part))
        yield self.at("response.content_part.done", mid, content_index=ci, part=part)

    # ------------------------------------------------------------ reasoning
    def reasoning(
        self, summaries: list[str], tokens: int, encrypted: str | None = None
    ) -> Iterator[Event]:
        """A reasoning item whose summary parts stream; spends ``tokens`` of the budget.

        ``encrypted`` (asked for with ``include: ["reasoning.encrypted_content"]``) is set
        on the finished item.
        """
        item: dict[str, Any] = {"id": self.new_id("rs"), "type": "reasoning", "summary": []}
        yield self.added(item)
        rid = item["id"]
        for si, summary in enumerate(summaries):
            empty = {"type": "summary_text", "text": ""}
            yield self.at(
                "response.reasoning_summary_part.added", rid, summary_index=si, part=empty
            )
            text = ""
            for token in split_tokens(summary):
                text += token
                yield self.at(
                    "response.reasoning_summary_text.delta", rid, summary_index=si, delta=token
                )
            yield self.at("response.reasoning_summary_text.done", rid, summary_index=si, text=text)
            part = {"type": "summary_text", "text": text}
            item["summary"].append(part)
            yield self.at("response.reasoning_summary_part.done", rid, summary_index=si, part=part)
        self.spend(tokens)
        if encrypted is not None:
            item["encrypted_content"] = encrypted
        if self.cut:
            item["status"] = "incomplete"
        yield self.done(item)

    # ------------------------------------------------------------ tool calls
    def function_call(self, name: str, arguments: str) -> Iterator[Event]:
        """A function_call whose arguments stream; ``call_id`` is a new ``call_...`` id."""
        item: dict[str, Any] = {
            "id": self.new_id("fc"),
            "type": "function_call",
            "status": "in_progress",
            "arguments": "",
            "call_id": self.new_id("call"),
            "name": name,
        }
        yield self.added(item)
        yield from self.deltas("response.function_call_arguments.delta", item["id"], arguments)
        text = self.streamed
        yield self.at(
            "response.function_call_arguments.done", item["id"], arguments=text, name=name
        )
        item.update(arguments=text, status="incomplete" if self.cut else "completed")
        yield self.done(item)

    def custom_tool_call(self, name: str, tool_input: str) -> Iterator[Event]:
        """A custom_tool_call whose free-form input streams."""
        item: dict[str, Any] = {
            "id": self.new_id("ctc"),
            "type": "custom_tool_call",
            "call_id": self.new_id("call"),
            "input": "",
            "name": name,
        }
        yield self.added(item)
        yield from self.deltas("response.custom_tool_call_input.delta", item["id"], tool_input)
        text = self.streamed
        yield self.at("response.custom_tool_call_input.done", item["id"], input=text)
        item["input"] = text
        if self.cut:
            item["status"] = "incomplete"
        yield self.done(item)
