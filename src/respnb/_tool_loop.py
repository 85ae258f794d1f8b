"""The bounded tool loop: run a response's function calls here, send their outputs back.

:func:`run_tool_loop` sends a request, runs the function calls of the answer in this process
(each validated by pydantic; an exception becomes an error output for the model, never a
crash), sends the ``function_call_output`` items back and repeats until the model answers or
``max_rounds`` follow-ups were made. It is independent of any client: the caller gives a
``send(params) -> Response`` function (streaming into a view, or not).
"""

from __future__ import annotations

import enum
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel, ValidationError

from ._tools import FunctionTool
from .types import FunctionCall, Reasoning, Response

__all__ = [
    "ToolLoopResult",
    "ToolOutcome",
    "ToolRound",
    "execute_call",
    "follow_up_params",
    "format_output",
    "function_calls",
    "run_tool_loop",
]


# ---------------------------------------------------------------- executing calls
@dataclass
class ToolOutcome:
    """What happened to one function call; ``output`` is what the model receives."""

    call: FunctionCall
    output: str
    status: Literal["ok", "error", "declined", "unknown"]
    value: Any = field(default=None, repr=False)

    def to_input_item(self) -> dict[str, Any]:
        """The ``function_call_output`` input item."""
        return {"type": "function_call_output", "call_id": self.call.call_id, "output": self.output}


def format_output(value: Any) -> str:
    """A tool's return value as the string sent to the model (JSON where possible)."""
    if isinstance(value, str):
        return value
    if isinstance(value, BaseModel):
        return value.model_dump_json()
    if isinstance(value, enum.Enum):
        return str(value.value)
    try:
        return json.dumps(value, default=_json_default, ensure_ascii=False)
    except (TypeError, ValueError):
        return repr(value)


def _json_default(obj: Any) -> Any:
    if isinstance(obj, BaseModel):
        return obj.model_dump(mode="json")
    if isinstance(obj, (set, frozenset, tuple)):
        return list(obj)
    return str(obj)


def execute_call(
    call: FunctionCall,
    tools: Mapping[str, FunctionTool],
    confirm: Callable[[FunctionCall], bool] | None = None,
) -> ToolOutcome:
    """Run one call; errors become an ``error`` outcome sent back to the model, never raised."""
    tool = tools.get(call.name)
    if tool is None:
        known = ", ".join(sorted(tools)) or "none"
        msg = f"error: no tool named {call.name!r} (available: {known})"
        return ToolOutcome(call, msg, "unknown")
    if confirm is not None and not confirm(call):
        return ToolOutcome(call, "declined: the user did not allow this call to run", "declined")
    try:
        value = tool.invoke(call.arguments)
    except ValidationError as exc:
        errors = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'arguments'}: {e['msg']}" for e in exc.errors()
        )
        return ToolOutcome(call, f"error: invalid arguments: {errors}", "error")
    except json.JSONDecodeError as exc:
        return ToolOutcome(call, f"error: arguments are not valid JSON: {exc}", "error")
    except Exception as exc:
        return ToolOutcome(call, f"error: {type(exc).__name__}: {exc}", "error")
    return ToolOutcome(call, format_output(value), "ok", value)


# ---------------------------------------------------------------- the loop
@dataclass
class ToolRound:
    """One request: its response and the outcomes of the calls it asked for."""

    response: Response
    outcomes: list[ToolOutcome] = field(default_factory=list)


@dataclass
class ToolLoopResult:
    """The final response, every round, and a message when the loop stopped early."""

    response: Response
    rounds: list[ToolRound]
    limit_hit: bool = False
    message: str | None = None


def function_calls(response: Response) -> list[FunctionCall]:
    """The ``function_call`` items of a response's output, in order."""
    return [item for item in response.output if isinstance(item, FunctionCall)]


def follow_up_params(
    params: Mapping[str, Any],
    response: Response,
    outcomes: Sequence[ToolOutcome],
    *,
    chain: bool,
) -> dict[str, Any]:
    """The next request: outputs chained with ``previous_response_id`` (or the conversation),
    or, when ``chain`` is False (``store=false``, stateless servers), the whole input replayed."""
    outputs = [o.to_input_item() for o in outcomes]
    nxt = dict(params)
    if params.get("conversation"):
        nxt["input"] = outputs
    elif chain:
        nxt["input"] = outputs
        nxt["previous_response_id"] = response.id
    else:
        first = params.get("input", [])
        items = [{"role": "user", "content": first}] if isinstance(first, str) else list(first)
        for item in response.output:
            if isinstance(item, Reasoning) and not item.encrypted_content:
                continue  # unusable without store or encrypted content
            items.append(item.to_dict())
        nxt["input"] = items + outputs
    return nxt


def run_tool_loop(
    send: Callable[[dict[str, Any]], Response],
    params: Mapping[str, Any],
    tools: Sequence[FunctionTool],
    *,
    max_rounds: int = 8,
    chain: bool = True,
    confirm: Callable[[FunctionCall], bool] | None = None,
    on_outcome: Callable[[ToolOutcome], None] | None = None,
) -> ToolLoopResult:
    """Send ``params``; while the answer asks for function calls, run them and send the outputs.

    At most ``max_rounds`` follow-up requests are made; a response that did not complete
    (failed, cancelled, interrupted) ends the loop as it is.
    """
    registry = {t.name: t for t in tools}
    current = dict(params)
    response = send(current)
    rounds = [ToolRound(response)]
    while True:
        calls = function_calls(response)
        if not calls or response.normalized_status not in (None, "completed"):
            return ToolLoopResult(response, rounds)
        if len(rounds) > max_rounds:
            names = ", ".join(sorted({c.name for c in calls}))
            msg = (
                f"stopped after {max_rounds} tool rounds: the model still asks for {names}. "
                "Raise --max-tool-rounds, or continue with %%respond -c."
            )
            return ToolLoopResult(response, rounds, limit_hit=True, message=msg)
        for call in calls:
            outcome = execute_call(call, registry, confirm)
            rounds[-1].outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
        current = follow_up_params(current, response, rounds[-1].outcomes, chain=chain)
        response = send(current)
        rounds.append(ToolRound(response))
