"""Chat Completions stream chunks as Responses item events, in the canonical order.

Each chunk's ``choices[0].delta`` is read as it arrives: ``reasoning_content`` (or
``reasoning``) text opens a ``reasoning`` item streamed as ``response.reasoning_text.delta``;
``content`` opens an assistant ``message`` streamed as ``response.output_text.delta`` (with the
chunk's logprobs when asked); each ``tool_calls[k]`` opens a ``function_call`` streamed as
``response.function_call_arguments.delta``. A new kind of output closes the open item; the end
of the stream closes the rest. ``finish_reason: "length"`` leaves the last item
``incomplete``; the final chunk's ``usage`` is kept for the response. A whole (non-streamed)
completion is read the same way, as one chunk.
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Iterator
from typing import Any

__all__ = ["Translator"]

Event = dict[str, Any]


class Translator:
    """Turns chunks into item events; output indices start at ``first_index``."""

    def __init__(self, new_id: Callable[[str], str], first_index: int) -> None:
        self.new_id = new_id
        self.next_index = first_index
        self.usage: dict[str, Any] | None = None
        self.finish_reason: str | None = None
        self._reasoning: tuple[int, dict[str, Any]] | None = None
        self._message: tuple[int, dict[str, Any]] | None = None
        self._calls: dict[int, tuple[int, dict[str, Any]]] = {}
        self._text = ""
        self._logprobs: list[dict[str, Any]] = []
        self._annotations: list[dict[str, Any]] = []
        self.items: list[dict[str, Any]] = []

    # ------------------------------------------------------------ helpers
    def _open(self, item: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        index = self.next_index
        self.next_index += 1
        return index, item

    @staticmethod
    def _added(index: int, item: dict[str, Any]) -> Event:
        return {
            "type": "response.output_item.added",
            "output_index": index,
            "item": copy.deepcopy(item),
        }

    def _done(self, index: int, item: dict[str, Any]) -> Event:
        self.items.append(copy.deepcopy(item))
        return {
            "type": "response.output_item.done",
            "output_index": index,
            "item": copy.deepcopy(item),
        }

    # ------------------------------------------------------------ closing
    def _close_reasoning(self) -> Iterator[Event]:
        if self._reasoning is None:
            return
        index, item = self._reasoning
        self._reasoning = None
        text = item["content"][0]["text"]
        yield {
            "type": "response.reasoning_text.done",
            "item_id": item["id"],
            "output_index": index,
            "content_index": 0,
            "text": text,
        }
        yield self._done(index, item)

    def _close_message(self, status: str = "completed") -> Iterator[Event]:
        if self._message is None:
            return
        index, item = self._message
        self._message = None
        mid = item["id"]
        for k, ann in enumerate(self._annotations):
            yield {
                "type": "response.output_text.annotation.added",
                "item_id": mid,
                "output_index": index,
                "content_index": 0,
                "annotation_index": k,
                "annotation": ann,
            }
        part = {
            "type": "output_text",
            "text": self._text,
            "annotations": self._annotations,
            "logprobs": self._logprobs,
        }
        yield {
            "type": "response.output_text.done",
            "item_id": mid,
            "output_index": index,
            "content_index": 0,
            "text": self._text,
            "logprobs": self._logprobs,
        }
        yield {
            "type": "response.content_part.done",
            "item_id": mid,
            "output_index": index,
            "content_index": 0,
            "part": copy.deepcopy(part),
        }
        item.update(status=status, content=[part])
        yield self._done(index, item)

    def _close_calls(self, status: str = "completed") -> Iterator[Event]:
        for _, (index, item) in sorted(self._calls.items()):
            yield {
                "type": "response.function_call_arguments.done",
                "item_id": item["id"],
                "output_index": index,
                "arguments": item["arguments"],
                "name": item["name"],
            }
            item["status"] = status
            yield self._done(index, item)
        self._calls = {}

    # ------------------------------------------------------------ feeding
    def _reasoning_delta(self, text: str) -> Iterator[Event]:
        if self._reasoning is None:
            yield from self._close_message()
            yield from self._close_calls()
            item: dict[str, Any] = {
                "id": self.new_id("rs"),
                "type": "reasoning",
                "summary": [],
                "content": [{"type": "reasoning_text", "text": ""}],
            }
            self._reasoning = self._open(item)
            yield self._added(*self._reasoning)
        index, item = self._reasoning
        item["content"][0]["text"] += text
        yield {
            "type": "response.reasoning_text.delta",
            "item_id": item["id"],
            "output_index": index,
            "content_index": 0,
            "delta": text,
        }

    def _text_delta(self, text: str, logprobs: list[dict[str, Any]]) -> Iterator[Event]:
        if self._message is None:
            yield from self._close_reasoning()
            yield from self._close_calls()
            item = {
                "id": self.new_id("msg"),
                "type": "message",
                "status": "in_progress",
                "role": "assistant",
                "content": [],
            }
            self._message = self._open(item)
            self._text, self._logprobs = "", []
            yield self._added(*self._message)
            yield {
                "type": "response.content_part.added",
                "item_id": item["id"],
                "output_index": self._message[0],
                "content_index": 0,
                "part": {"type": "output_text", "text": "", "annotations": [], "logprobs": []},
            }
        index, item = self._message
        self._text += text
        self._logprobs += logprobs
        yield {
            "type": "response.output_text.delta",
            "item_id": item["id"],
            "output_index": index,
            "content_index": 0,
            "delta": text,
            "logprobs": logprobs,
        }

    def _call_delta(self, call: dict[str, Any]) -> Iterator[Event]:
        k = call.get("index", len(self._calls))
        k = k if isinstance(k, int) else len(self._calls)
        fn = call.get("function") or {}
        if k not in self._calls:
            yield from self._close_reasoning()
            yield from self._close_message()
            item = {
                "id": self.new_id("fc"),
                "type": "function_call",
                "status": "in_progress",
                "arguments": "",
                "call_id": call.get("id") or self.new_id("call"),
                "name": fn.get("name") or "",
            }
            self._calls[k] = self._open(item)
            yield self._added(*self._calls[k])
        index, item = self._calls[k]
        if fn.get("name") and not item["name"]:
            item["name"] = fn["name"]
        args = fn.get("arguments")
        if isinstance(args, str) and args:
            item["arguments"] += args
            yield {
                "type": "response.function_call_arguments.delta",
                "item_id": item["id"],
                "output_index": index,
                "delta": args,
            }

    def feed(self, chunk: dict[str, Any]) -> Iterator[Event]:
        """The events of one streamed chunk."""
        if isinstance(chunk.get("usage"), dict):
            self.usage = chunk["usage"]
        for choice in (chunk.get("choices") or [])[:1]:
            delta = choice.get("delta") or choice.get("message") or {}
            thought = delta.get("reasoning_content") or delta.get("reasoning")
            if isinstance(thought, str) and thought:
                yield from self._reasoning_delta(thought)
            content = delta.get("content")
            if isinstance(content, str) and content:
                probs = (choice.get("logprobs") or {}).get("content") or []
                yield from self._text_delta(content, [_logprob(p) for p in probs])
            for call in delta.get("tool_calls") or []:
                if isinstance(call, dict):
                    yield from self._call_delta(call)
            if choice.get("finish_reason"):
                self.finish_reason = str(choice["finish_reason"])

    def finish(self, annotations: list[dict[str, Any]] | None = None) -> Iterator[Event]:
        """Close every open item (``annotations`` go on the message, at its end)."""
        status = "incomplete" if self.finish_reason == "length" else "completed"
        yield from self._close_reasoning()
        if annotations and self._message is not None:
            end = len(self._text)
            self._annotations = [{**a, "index": end} for a in annotations]
        yield from self._close_message(status)
        yield from self._close_calls(status)


def _logprob(entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "token": entry.get("token", ""),
        "bytes": entry.get("bytes") or [],
        "logprob": entry.get("logprob", 0.0),
        "top_logprobs": [
            {
                "token": t.get("token", ""),
                "bytes": t.get("bytes") or [],
                "logprob": t.get("logprob", 0.0),
            }
            for t in entry.get("top_logprobs") or []
        ],
    }
