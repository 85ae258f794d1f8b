"""The request mapping and the chunk translation of the upstream bridge, as pure functions."""

from __future__ import annotations

import itertools
from typing import Any

from respnb.server.engine import EngineFile, EngineRequest
from respnb.server.upstream.messages import chat_request
from respnb.server.upstream.translate import Translator


def _ids() -> Any:
    counter = itertools.count()
    return lambda prefix: f"{prefix}_{next(counter)}"


def test_items_become_messages() -> None:
    history = [
        {"type": "message", "role": "user", "content": "Weather in Oslo and Rome?"},
        {"type": "reasoning", "summary": []},
        {"type": "function_call", "call_id": "c1", "name": "w", "arguments": '{"c":"Oslo"}'},
        {"type": "function_call", "call_id": "c2", "name": "w", "arguments": '{"c":"Rome"}'},
        {"type": "function_call_output", "call_id": "c1", "output": "5C"},
        {"type": "function_call_output", "call_id": "c2", "output": {"t": 20}},
    ]
    body = {
        "model": "m",
        "instructions": "Short answers.",
        "input": [{"type": "message", "role": "developer", "content": "Use Celsius."}],
        "tool_choice": {"type": "function", "name": "w"},
        "tools": [{"type": "function", "name": "w", "parameters": {"type": "object"}}],
        "reasoning": {"effort": "low"},
        "text": {"format": {"type": "json_object"}},
    }
    out = chat_request(EngineRequest(body=body, history=history), "up-model")
    roles = [m["role"] for m in out["messages"]]
    assert roles == ["system", "user", "assistant", "tool", "tool", "system"]
    assert [c["id"] for c in out["messages"][2]["tool_calls"]] == ["c1", "c2"]
    assert out["messages"][4]["content"] == '{"t": 20}'
    assert out["tool_choice"] == {"type": "function", "function": {"name": "w"}}
    assert out["reasoning_effort"] == "low" and out["response_format"] == {"type": "json_object"}
    assert out["model"] == "up-model" and out["stream_options"] == {"include_usage": True}


def test_inline_file_data_is_sent_as_text() -> None:
    part = {"type": "input_file", "filename": "a.txt", "file_data": "data:text/plain;base64,eA=="}
    f = EngineFile("inline-1", "a.txt", b"the inline text", direct=True)
    body = {"model": "m", "input": [{"type": "message", "role": "user", "content": [part]}]}
    out = chat_request(EngineRequest(body=body, files=[f]), "m")
    assert "the inline text" in out["messages"][0]["content"]


def test_parallel_tool_calls_keep_their_own_output_index() -> None:
    t = Translator(_ids(), 0)
    chunks = [
        {"choices": [{"delta": {"reasoning_content": "hmm"}}]},
        {"choices": [{"delta": {"content": "Checking both."}}]},
        {
            "choices": [
                {
                    "delta": {
                        "tool_calls": [
                            {"index": 0, "id": "a", "function": {"name": "w", "arguments": "{"}},
                            {"index": 1, "id": "b", "function": {"name": "w", "arguments": "{"}},
                        ]
                    }
                }
            ]
        },
        {"choices": [{"delta": {"tool_calls": [{"index": 1, "function": {"arguments": "}"}}]}}]},
        {"choices": [{"delta": {"tool_calls": [{"index": 0, "function": {"arguments": "}"}}]}}]},
        {"choices": [{"delta": {}, "finish_reason": "tool_calls"}]},
    ]
    events = [e for c in chunks for e in t.feed(c)] + list(t.finish())
    done = [e for e in events if e["type"] == "response.output_item.done"]
    assert [(e["output_index"], e["item"]["type"]) for e in done] == [
        (0, "reasoning"),
        (1, "message"),
        (2, "function_call"),
        (3, "function_call"),
    ]
    assert [e["item"]["arguments"] for e in done[2:]] == ["{}", "{}"]
    added = [e["output_index"] for e in events if e["type"] == "response.output_item.added"]
    assert added == [0, 1, 2, 3]
    arg_deltas = [
        (e["output_index"], e["delta"])
        for e in events
        if e["type"] == "response.function_call_arguments.delta"
    ]
    assert arg_deltas == [(2, "{"), (3, "{"), (3, "}"), (2, "}")]
