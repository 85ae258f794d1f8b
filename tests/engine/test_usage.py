"""Usage consistent with the text, max_output_tokens cuts, pace and cached tokens."""

from __future__ import annotations

import pytest

from respnb.server.engine import (
    EngineRequest,
    count_tokens,
    incomplete_reason,
    input_tokens_for,
    pace_for,
    split_tokens,
    usage_for,
)


def test_split_tokens_round_trip_and_count():
    text = "Alright, here goes!\n\n**Double** bubble_bath  \n```py\nx = 1\n```"
    tokens = split_tokens(text)
    assert "".join(tokens) == text and count_tokens(text) == len(tokens)
    assert tokens[:4] == ["Alright", ",", " here", " goes"]


def test_usage_counts_the_streamed_deltas(run):
    body = {"input": "Explain photosynthesis", "instructions": "Be clear."}
    r = run(body)
    usage = usage_for(EngineRequest(body=body), r.items)
    deltas = r.types.count("response.output_text.delta")
    assert usage["output_tokens"] == deltas == count_tokens(r.text)
    assert usage["input_tokens"] == input_tokens_for(EngineRequest(body=body)) > 3
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    assert usage["input_tokens_details"] == {"cached_tokens": 0}
    assert usage["output_tokens_details"] == {"reasoning_tokens": 0}
    assert incomplete_reason(EngineRequest(body=body), r.items) is None


def test_function_arguments_count_as_output(run):
    tool = {
        "type": "function",
        "name": "get_weather",
        "parameters": {
            "type": "object",
            "properties": {"city": {"type": "string"}},
            "required": ["city"],
        },
    }
    body = {"input": "weather in Oslo", "tools": [tool]}
    r = run(body)
    usage = usage_for(EngineRequest(body=body), r.items)
    assert usage["output_tokens"] == count_tokens(r.items[0]["arguments"])


@pytest.mark.parametrize("limit", [16, 40, 100])
def test_max_output_tokens_cuts_the_message(run, limit):
    body = {"input": "Explain the history of the printing press", "max_output_tokens": limit}
    r = run(body)
    msg = r.items[-1]
    assert msg["status"] == "incomplete"
    assert count_tokens(r.text) == limit
    req = EngineRequest(body=body)
    assert incomplete_reason(req, r.items) == "max_output_tokens"
    assert usage_for(req, r.items)["output_tokens"] == limit


def test_max_output_tokens_with_reasoning(run):
    body = {"input": "Explain gravity", "reasoning": {"effort": "high"}, "max_output_tokens": 50}
    r = run(body)
    assert [i["type"] for i in r.items] == ["reasoning"]
    assert r.items[0]["status"] == "incomplete"
    req = EngineRequest(body=body)
    assert incomplete_reason(req, r.items) == "max_output_tokens"
    assert usage_for(req, r.items)["output_tokens_details"]["reasoning_tokens"] == 50
    big = {**body, "max_output_tokens": 5000}
    r = run(big)
    assert [i["status"] for i in r.items if "status" in i] == ["completed"]
    assert incomplete_reason(EngineRequest(body=big), r.items) is None


def test_long_history_is_cached(run):
    history = []
    for i in range(6):
        history.append({"role": "user", "content": f"Question number {i} about astronomy"})
        reply = run({"input": f"Question number {i} about astronomy"}).items[0]
        history.append(reply)
    req = EngineRequest(body={"input": "One more"}, history=history)
    usage = usage_for(req, [])
    cached = usage["input_tokens_details"]["cached_tokens"]
    assert cached >= 1024 and cached % 128 == 0 and cached <= usage["input_tokens"]


def test_pace():
    def req(**body):
        return EngineRequest(body={"input": "x", **body})

    assert pace_for(req(), None) is None
    assert pace_for(req(), 50.0) == 50.0
    assert pace_for(req(model="respnb-slow"), 50.0) == 5.0
    assert pace_for(req(model="respnb-slow", metadata={"respnb_pace": "12.5"}), None) == 12.5
    assert pace_for(req(metadata={"respnb_pace": "0"}), 50.0) is None


def test_tools_and_schema_count_as_input():
    base = {"input": "Weather in Oslo?"}
    tool = {"type": "function", "name": "get_weather", "description": "Get the weather."}
    fmt = {
        "type": "json_schema",
        "name": "W",
        "schema": {"type": "object", "properties": {"city": {"type": "string"}}},
    }
    plain = input_tokens_for(EngineRequest(body=base))
    with_tool = input_tokens_for(EngineRequest(body={**base, "tools": [tool]}))
    with_fmt = input_tokens_for(EngineRequest(body={**base, "text": {"format": fmt}}))
    assert plain < with_tool and plain < with_fmt
