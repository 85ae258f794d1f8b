"""The bounded tool loop against a scripted fake service."""

from __future__ import annotations

import json
from typing import Any

import pytest

from respnb._tool_loop import ToolOutcome, execute_call, follow_up_params, run_tool_loop
from respnb._tools import function_tool
from respnb.types import FunctionCall, Response


def _call(name: str, args: dict[str, Any], call_id: str) -> dict[str, Any]:
    return {
        "type": "function_call",
        "id": f"fc_{call_id}",
        "call_id": call_id,
        "name": name,
        "arguments": json.dumps(args),
        "status": "completed",
    }


def _response(rid: str, *items: dict[str, Any], status: str = "completed") -> Response:
    return Response.model_validate({"id": rid, "status": status, "output": list(items)})


def _answer(rid: str, text: str) -> Response:
    msg = {
        "type": "message",
        "role": "assistant",
        "content": [{"type": "output_text", "text": text}],
    }
    return _response(rid, msg)


class Scripted:
    """A fake ``send``: returns scripted responses and records every request."""

    def __init__(self, *responses: Response) -> None:
        self.responses = list(responses)
        self.requests: list[dict[str, Any]] = []

    def __call__(self, params: dict[str, Any]) -> Response:
        self.requests.append(params)
        return self.responses.pop(0)


def add(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


def boom(x: str) -> str:
    raise RuntimeError(f"kaboom {x}")


def test_loop_runs_calls_and_chains_outputs() -> None:
    send = Scripted(
        _response("r1", _call("add", {"a": 2, "b": 3}, "c1"), _call("add", {"a": 1, "b": 1}, "c2")),
        _answer("r2", "2+3=5 and 1+1=2"),
    )
    seen: list[ToolOutcome] = []
    params = {"model": "m", "input": "add", "tools": [function_tool(add).to_param()]}
    result = run_tool_loop(send, params, [function_tool(add)], on_outcome=seen.append)
    assert result.response.output_text == "2+3=5 and 1+1=2"
    assert not result.limit_hit
    assert [o.output for o in seen] == ["5", "2"]
    assert [o.status for o in seen] == ["ok", "ok"]
    second = send.requests[1]
    assert second["previous_response_id"] == "r1"
    assert second["tools"] == params["tools"]
    assert second["input"] == [
        {"type": "function_call_output", "call_id": "c1", "output": "5"},
        {"type": "function_call_output", "call_id": "c2", "output": "2"},
    ]
    assert len(result.rounds) == 2 and len(result.rounds[0].outcomes) == 2


def test_errors_in_tools_go_back_to_the_model() -> None:
    send = Scripted(_response("r1", _call("boom", {"x": "now"}, "c1")), _answer("r2", "sorry"))
    result = run_tool_loop(send, {"input": "x"}, [function_tool(boom)])
    outcome = result.rounds[0].outcomes[0]
    assert outcome.status == "error"
    assert outcome.output == "error: RuntimeError: kaboom now"
    assert send.requests[1]["input"][0]["output"] == "error: RuntimeError: kaboom now"
    assert result.response.output_text == "sorry"


def test_invalid_arguments_and_unknown_tools() -> None:
    tools = {"add": function_tool(add)}
    bad = FunctionCall(call_id="c", name="add", arguments='{"a": "x", "b": 1}')
    out = execute_call(bad, tools)
    assert out.status == "error" and "invalid arguments" in out.output and "a:" in out.output
    garbled = FunctionCall(call_id="c", name="add", arguments="{nope")
    assert "not valid JSON" in execute_call(garbled, tools).output
    unknown = execute_call(FunctionCall(call_id="c", name="mul", arguments="{}"), tools)
    assert unknown.status == "unknown"
    assert unknown.output == "error: no tool named 'mul' (available: add)"


def test_confirm_declines() -> None:
    asked: list[str] = []

    def confirm(call: FunctionCall) -> bool:
        asked.append(call.name)
        return call.call_id == "c2"

    send = Scripted(
        _response("r1", _call("add", {"a": 1, "b": 2}, "c1"), _call("add", {"a": 5, "b": 5}, "c2")),
        _answer("r2", "ok"),
    )
    result = run_tool_loop(send, {"input": "x"}, [function_tool(add)], confirm=confirm)
    assert asked == ["add", "add"]
    outs = [o.output for o in result.rounds[0].outcomes]
    assert outs == ["declined: the user did not allow this call to run", "10"]
    assert [o.status for o in result.rounds[0].outcomes] == ["declined", "ok"]


def test_round_limit_is_reported() -> None:
    send = Scripted(
        *[_response(f"r{i}", _call("add", {"a": i, "b": 0}, f"c{i}")) for i in range(5)]
    )
    result = run_tool_loop(send, {"input": "x"}, [function_tool(add)], max_rounds=2)
    assert result.limit_hit
    assert len(send.requests) == 3  # the first request and two follow-ups
    assert result.message is not None
    assert "stopped after 2 tool rounds" in result.message
    assert "add" in result.message and "--max-tool-rounds" in result.message


def test_zero_rounds_runs_nothing() -> None:
    send = Scripted(_response("r1", _call("add", {"a": 1, "b": 2}, "c1")))
    result = run_tool_loop(send, {"input": "x"}, [function_tool(add)], max_rounds=0)
    assert result.limit_hit and result.rounds[0].outcomes == []


def test_incomplete_responses_stop_the_loop() -> None:
    send = Scripted(_response("r1", _call("add", {"a": 1, "b": 2}, "c1"), status="cancelled"))
    result = run_tool_loop(send, {"input": "x"}, [function_tool(add)])
    assert result.response.id == "r1" and result.rounds[0].outcomes == []
    assert len(send.requests) == 1


def test_stateless_follow_up_replays_the_input() -> None:
    response = _response(
        "r1",
        {"type": "reasoning", "id": "rs_1", "summary": []},
        {"type": "reasoning", "id": "rs_2", "summary": [], "encrypted_content": "enc"},
        _call("add", {"a": 1, "b": 2}, "c1"),
    )
    outcome = ToolOutcome(response.output[2], "3", "ok")  # type: ignore[arg-type]
    nxt = follow_up_params({"input": "hi", "store": False}, response, [outcome], chain=False)
    assert "previous_response_id" not in nxt
    types = [i.get("type", i.get("role")) for i in nxt["input"]]
    assert types == ["user", "reasoning", "function_call", "function_call_output"]
    assert nxt["input"][0] == {"role": "user", "content": "hi"}
    assert nxt["input"][1]["encrypted_content"] == "enc"


def test_conversation_follow_up_sends_only_outputs() -> None:
    response = _response("r1", _call("add", {"a": 1, "b": 2}, "c1"))
    outcome = ToolOutcome(response.output[0], "3", "ok")  # type: ignore[arg-type]
    nxt = follow_up_params(
        {"input": "hi", "conversation": "conv_1"}, response, [outcome], chain=True
    )
    assert nxt["conversation"] == "conv_1"
    assert "previous_response_id" not in nxt
    assert nxt["input"] == [{"type": "function_call_output", "call_id": "c1", "output": "3"}]


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ({"a": [1, 2]}, '{"a": [1, 2]}'),
        ("plain", "plain"),
        (None, "null"),
        ({1, 2}, "[1, 2]"),
    ],
)
def test_return_values_are_serialized(value: Any, text: str) -> None:
    def f() -> Any:
        return value

    out = execute_call(FunctionCall(call_id="c", name="f", arguments=""), {"f": function_tool(f)})
    assert out.output == text
