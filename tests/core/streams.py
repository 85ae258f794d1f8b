"""Deterministic generators of canonical Responses API event streams (protocol.md §3).

Used by the core tests, the oracle tests against openai-python and ``bench/``. A
:class:`StreamBuilder` appends events in the order OpenAI sends them and records the final
items, so ``completed()`` carries the output the deltas must add up to.
"""

from __future__ import annotations

import copy
import json
from typing import Any

from respnb._sse import encode_sse

__all__ = ["StreamBuilder", "chunked", "reasoning_tool_mix", "text_stream", "to_sse"]

_BASE_RESPONSE: dict[str, Any] = {
    "object": "response",
    "created_at": 1752202195,
    "error": None,
    "incomplete_details": None,
    "instructions": None,
    "max_output_tokens": None,
    "parallel_tool_calls": True,
    "previous_response_id": None,
    "reasoning": {"effort": None, "summary": None},
    "store": True,
    "temperature": 1.0,
    "text": {"format": {"type": "text"}},
    "tool_choice": "auto",
    "tools": [],
    "top_p": 1.0,
    "truncation": "disabled",
    "usage": None,
    "user": None,
    "metadata": {},
}


class StreamBuilder:
    """Builds one stream: call ``created()``, item methods, then a terminal method."""

    def __init__(self, response_id: str = "resp_test_1", model: str = "gpt-test") -> None:
        self.response_id = response_id
        self.model = model
        self.events: list[dict[str, Any]] = []
        self.output: list[dict[str, Any]] = []
        self._n = 0

    # ---------------------------------------------------------------- plumbing
    def emit(self, type_: str, **fields: Any) -> dict[str, Any]:
        event = {"type": type_, "sequence_number": len(self.events), **fields}
        self.events.append(event)
        return event

    def _id(self, prefix: str) -> str:
        self._n += 1
        return f"{prefix}_{self._n:04d}{self.response_id[-6:]}"

    def response(self, status: str, output: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
        return {
            **copy.deepcopy(_BASE_RESPONSE),
            "id": self.response_id,
            "model": self.model,
            "status": status,
            "output": copy.deepcopy(output),
            **extra,
        }

    def _item(self, item: dict[str, Any]) -> int:
        index = len(self.output)
        self.emit("response.output_item.added", output_index=index, item=copy.deepcopy(item))
        return index

    def _item_done(self, index: int, item: dict[str, Any]) -> None:
        self.emit("response.output_item.done", output_index=index, item=copy.deepcopy(item))
        self.output.append(item)

    # ---------------------------------------------------------------- lifecycle
    def created(self, in_progress: bool = True) -> StreamBuilder:
        self.emit("response.created", response=self.response("in_progress", []))
        if in_progress:
            self.emit("response.in_progress", response=self.response("in_progress", []))
        return self

    def completed(self, **extra: Any) -> StreamBuilder:
        usage = {
            "input_tokens": 17,
            "input_tokens_details": {"cached_tokens": 0},
            "output_tokens": 65,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": 82,
        }
        resp = self.response("completed", self.output, usage=usage, **extra)
        self.emit("response.completed", response=resp)
        return self

    def failed(self, code: str = "server_error", message: str = "boom") -> StreamBuilder:
        resp = self.response("failed", [], error={"code": code, "message": message})
        self.emit("response.failed", response=resp)
        return self

    def incomplete(self, reason: str = "max_output_tokens") -> StreamBuilder:
        resp = self.response("incomplete", self.output, incomplete_details={"reason": reason})
        self.emit("response.incomplete", response=resp)
        return self

    # ---------------------------------------------------------------- items
    def message(
        self,
        chunks: list[str],
        *,
        annotations: list[dict[str, Any]] | None = None,
        logprobs: bool = False,
        refusal: list[str] | None = None,
    ) -> StreamBuilder:
        mid = self._id("msg")
        index = self._item(
            {
                "id": mid,
                "type": "message",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            }
        )
        where = {"item_id": mid, "output_index": index}
        content: list[dict[str, Any]] = []
        if chunks:
            text = "".join(chunks)
            empty: dict[str, Any] = {"type": "output_text", "text": "", "annotations": []}
            if logprobs:
                empty["logprobs"] = []
            self.emit("response.content_part.added", **where, content_index=0, part=empty)
            all_lp: list[dict[str, Any]] = []
            for chunk in chunks:
                extra: dict[str, Any] = {"logprobs": []}
                if logprobs:
                    lp = [
                        {
                            "token": chunk,
                            "logprob": -0.5,
                            "bytes": list(chunk.encode()),
                            "top_logprobs": [],
                        }
                    ]
                    extra["logprobs"] = lp
                    all_lp.extend(lp)
                self.emit(
                    "response.output_text.delta", **where, content_index=0, delta=chunk, **extra
                )
            for i, ann in enumerate(annotations or []):
                self.emit(
                    "response.output_text.annotation.added",
                    **where,
                    content_index=0,
                    annotation_index=i,
                    annotation=ann,
                )
            self.emit(
                "response.output_text.done", **where, content_index=0, text=text, logprobs=all_lp
            )
            part: dict[str, Any] = {
                "type": "output_text",
                "text": text,
                "annotations": annotations or [],
            }
            if logprobs:
                part["logprobs"] = all_lp
            self.emit("response.content_part.done", **where, content_index=0, part=part)
            content.append(part)
        if refusal:
            ci = len(content)
            self.emit(
                "response.content_part.added",
                **where,
                content_index=ci,
                part={"type": "refusal", "refusal": ""},
            )
            for chunk in refusal:
                self.emit("response.refusal.delta", **where, content_index=ci, delta=chunk)
            full = "".join(refusal)
            self.emit("response.refusal.done", **where, content_index=ci, refusal=full)
            rpart = {"type": "refusal", "refusal": full}
            self.emit("response.content_part.done", **where, content_index=ci, part=rpart)
            content.append(rpart)
        done = {
            "id": mid,
            "type": "message",
            "role": "assistant",
            "status": "completed",
            "content": content,
        }
        self._item_done(index, done)
        return self

    def reasoning(self, summaries: list[list[str]], raw: list[str] | None = None) -> StreamBuilder:
        rid = self._id("rs")
        index = self._item({"id": rid, "type": "reasoning", "summary": []})
        where = {"item_id": rid, "output_index": index}
        summary: list[dict[str, Any]] = []
        for si, chunks in enumerate(summaries):
            empty = {"type": "summary_text", "text": ""}
            self.emit(
                "response.reasoning_summary_part.added", **where, summary_index=si, part=empty
            )
            for chunk in chunks:
                self.emit(
                    "response.reasoning_summary_text.delta", **where, summary_index=si, delta=chunk
                )
            text = "".join(chunks)
            self.emit("response.reasoning_summary_text.done", **where, summary_index=si, text=text)
            part = {"type": "summary_text", "text": text}
            self.emit("response.reasoning_summary_part.done", **where, summary_index=si, part=part)
            summary.append(part)
        done: dict[str, Any] = {"id": rid, "type": "reasoning", "summary": summary}
        if raw is not None:
            for chunk in raw:
                self.emit("response.reasoning_text.delta", **where, content_index=0, delta=chunk)
            text = "".join(raw)
            self.emit("response.reasoning_text.done", **where, content_index=0, text=text)
            done["content"] = [{"type": "reasoning_text", "text": text}]
        self._item_done(index, done)
        return self

    def function_call(self, name: str, chunks: list[str]) -> StreamBuilder:
        fid, call_id = self._id("fc"), self._id("call")
        item = {
            "id": fid,
            "type": "function_call",
            "status": "in_progress",
            "arguments": "",
            "call_id": call_id,
            "name": name,
        }
        index = self._item(item)
        for chunk in chunks:
            self.emit(
                "response.function_call_arguments.delta",
                item_id=fid,
                output_index=index,
                delta=chunk,
            )
        args = "".join(chunks)
        self.emit(
            "response.function_call_arguments.done",
            item_id=fid,
            output_index=index,
            arguments=args,
            name=name,
        )
        self._item_done(index, {**item, "arguments": args, "status": "completed"})
        return self

    def custom_tool_call(self, name: str, chunks: list[str]) -> StreamBuilder:
        cid, call_id = self._id("ctc"), self._id("call")
        item = {
            "id": cid,
            "type": "custom_tool_call",
            "call_id": call_id,
            "name": name,
            "input": "",
        }
        index = self._item(item)
        for chunk in chunks:
            self.emit(
                "response.custom_tool_call_input.delta",
                item_id=cid,
                output_index=index,
                delta=chunk,
            )
        text = "".join(chunks)
        self.emit(
            "response.custom_tool_call_input.done", item_id=cid, output_index=index, input=text
        )
        self._item_done(index, {**item, "input": text})
        return self

    def web_search(self, query: str) -> StreamBuilder:
        wid = self._id("ws")
        index = self._item({"id": wid, "type": "web_search_call", "status": "in_progress"})
        for phase in ("in_progress", "searching", "completed"):
            self.emit(f"response.web_search_call.{phase}", item_id=wid, output_index=index)
        done = {
            "id": wid,
            "type": "web_search_call",
            "status": "completed",
            "action": {"type": "search", "query": query},
        }
        self._item_done(index, done)
        return self

    def file_search(self, queries: list[str]) -> StreamBuilder:
        fid = self._id("fs")
        item = {"id": fid, "type": "file_search_call", "status": "in_progress", "queries": []}
        index = self._item(item)
        for phase in ("in_progress", "searching", "completed"):
            self.emit(f"response.file_search_call.{phase}", item_id=fid, output_index=index)
        done = {**item, "status": "completed", "queries": queries, "results": None}
        self._item_done(index, done)
        return self

    def code_interpreter(self, chunks: list[str], logs: str = "ok\n") -> StreamBuilder:
        cid = self._id("ci")
        item = {
            "id": cid,
            "type": "code_interpreter_call",
            "status": "in_progress",
            "code": "",
            "container_id": "cntr_1",
            "outputs": None,
        }
        index = self._item(item)
        where = {"item_id": cid, "output_index": index}
        self.emit("response.code_interpreter_call.in_progress", **where)
        for chunk in chunks:
            self.emit("response.code_interpreter_call_code.delta", **where, delta=chunk)
        code = "".join(chunks)
        self.emit("response.code_interpreter_call_code.done", **where, code=code)
        self.emit("response.code_interpreter_call.interpreting", **where)
        self.emit("response.code_interpreter_call.completed", **where)
        done = {
            **item,
            "status": "completed",
            "code": code,
            "outputs": [{"type": "logs", "logs": logs}],
        }
        self._item_done(index, done)
        return self

    def image_generation(self, partials: list[str], result: str) -> StreamBuilder:
        iid = self._id("ig")
        item = {"id": iid, "type": "image_generation_call", "status": "in_progress", "result": None}
        index = self._item(item)
        where = {"item_id": iid, "output_index": index}
        self.emit("response.image_generation_call.in_progress", **where)
        self.emit("response.image_generation_call.generating", **where)
        for i, b64 in enumerate(partials):
            self.emit(
                "response.image_generation_call.partial_image",
                **where,
                partial_image_index=i,
                partial_image_b64=b64,
            )
        self.emit("response.image_generation_call.completed", **where)
        self._item_done(index, {**item, "status": "completed", "result": result})
        return self

    def mcp(self, server: str, tool: str, chunks: list[str], output: str) -> StreamBuilder:
        lid = self._id("mcpl")
        listing = {"id": lid, "type": "mcp_list_tools", "server_label": server, "tools": []}
        index = self._item(listing)
        self.emit("response.mcp_list_tools.in_progress", item_id=lid, output_index=index)
        self.emit("response.mcp_list_tools.completed", item_id=lid, output_index=index)
        tools = [{"name": tool, "input_schema": {"type": "object"}, "description": "a tool"}]
        self._item_done(index, {**listing, "tools": tools})
        mid = self._id("mcp")
        call = {
            "id": mid,
            "type": "mcp_call",
            "server_label": server,
            "name": tool,
            "arguments": "",
            "output": None,
            "error": None,
            "status": "in_progress",
        }
        index = self._item(call)
        where = {"item_id": mid, "output_index": index}
        self.emit("response.mcp_call.in_progress", **where)
        for chunk in chunks:
            self.emit("response.mcp_call_arguments.delta", **where, delta=chunk)
        args = "".join(chunks)
        self.emit("response.mcp_call_arguments.done", **where, arguments=args)
        self.emit("response.mcp_call.completed", **where)
        self._item_done(index, {**call, "arguments": args, "output": output, "status": "completed"})
        return self

    def sse(self, *, with_event_lines: bool = True, done_sentinel: bool = False) -> bytes:
        return to_sse(self.events, with_event_lines=with_event_lines, done_sentinel=done_sentinel)


def to_sse(
    events: list[dict[str, Any]], *, with_event_lines: bool = True, done_sentinel: bool = False
) -> bytes:
    """SSE bytes in OpenAI wire style (compact JSON, ``event:`` + ``data:`` lines)."""
    out = [
        encode_sse(ev["type"] if with_event_lines else None, json.dumps(ev, separators=(",", ":")))
        for ev in events
    ]
    if done_sentinel:
        out.append(encode_sse(None, "[DONE]"))
    return b"".join(out)


def chunked(data: bytes, size: int) -> list[bytes]:
    """``data`` cut into chunks of ``size`` bytes."""
    return [data[i : i + size] for i in range(0, len(data), size)]


_WORDS = ["the", "quick", "brown", "fox", "jumps", "over", "a", "lazy", "dog", "while"]
_WORDS += ["streaming", "tokens", "één", "世界", "🙂"]


def words(n: int, offset: int = 0) -> list[str]:
    """``n`` deterministic token-like chunks (some multi-byte UTF-8)."""
    return [(" " if i else "") + _WORDS[(i + offset) % len(_WORDS)] for i in range(n)]


def text_stream(n_deltas: int, response_id: str = "resp_bench_text") -> StreamBuilder:
    """created, in_progress, one message of ``n_deltas`` text deltas, completed."""
    return StreamBuilder(response_id).created().message(words(n_deltas)).completed()


def reasoning_tool_mix(n_events: int, response_id: str = "resp_bench_mix") -> StreamBuilder:
    """About ``n_events`` events: rounds of reasoning summary deltas, a function call's
    argument deltas and a short message."""
    b = StreamBuilder(response_id).created()
    rounds = max(1, n_events // 200)
    for r in range(rounds):
        b.reasoning([words(60, r), words(40, r + 1)])
        args = ['{"city": "', *words(60, r), '", "n": ', str(r), "}"]
        b.function_call(f"tool_{r}", args)
        b.message(words(10, r))
    return b.completed()
