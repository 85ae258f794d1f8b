"""The engine's decision: which items a request produces, in which order.

Order of precedence: the Manus dialect's own shape; a reasoning item first when asked; MCP
approvals answered in the input; tool outputs sent back (answered by quoting them); a
refusal; hosted tools; function/custom tool calls (the response then ends, awaiting
outputs); structured JSON; else the markdown answer. Once ``max_output_tokens`` cuts an item,
nothing follows it.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterator
from typing import Any

from .actions import ACTION_TYPES, apply_patch_call, computer_call
from .compose import declined_text, findings_part, tool_outputs_text
from .hosted import Findings, code_interpreter, file_search, image_generation, web_search
from .manus import manus_output
from .mcp import approval_responses, mcp_call, mcp_tool
from .reasoning import reasoning_tokens, summaries, wants_reasoning
from .request import EngineRequest, pending_outputs, prompt_of
from .stream import Emitter, Event, TextPart
from .text import answer_text, asks_refusal, json_text, refusal_text
from .tools import arguments_for, custom_input_for, hosted_tools, planned_calls

__all__ = ["generate"]

_Producer = Callable[[Emitter, EngineRequest, dict[str, Any], Findings], Iterator[Event]]
_HOSTED: dict[str, _Producer] = {
    "file_search": file_search,
    "web_search": web_search,
    "web_search_preview": web_search,
    "web_search_2025_08_26": web_search,
    "web_search_preview_2025_03_11": web_search,
    "code_interpreter": code_interpreter,
    "mcp": mcp_tool,
    "image_generation": image_generation,
}


def _budget(req: EngineRequest) -> int | None:
    limit = req.body.get("max_output_tokens")
    return limit if isinstance(limit, int) and not isinstance(limit, bool) else None


def _format(req: EngineRequest) -> dict[str, Any] | None:
    text = req.body.get("text")
    fmt = text.get("format") if isinstance(text, dict) else None
    if isinstance(fmt, dict) and fmt.get("type") in ("json_schema", "json_object"):
        return fmt
    return None


def _encrypted(req: EngineRequest) -> str | None:
    """An opaque stand-in for encrypted reasoning, when ``include`` asks for it."""
    if not req.includes("reasoning.encrypted_content"):
        return None
    digest = hashlib.sha256(json.dumps(req.body, sort_keys=True, default=str).encode())
    return "gAAAAA" + base64.urlsafe_b64encode(digest.digest() * 3).decode("ascii")


def wanted_logprobs(req: EngineRequest) -> int | None:
    """How many top logprobs each output token carries (None: logprobs not asked for)."""
    if not req.includes("message.output_text.logprobs"):
        return None
    top = req.body.get("top_logprobs")
    return top if isinstance(top, int) and not isinstance(top, bool) else 0


def generate(req: EngineRequest, new_id: Callable[[str], str]) -> Iterator[Event]:
    """The item-level stream events of one response, in canonical order.

    No ``sequence_number`` and no lifecycle events (the server adds both). ``new_id("msg")``
    must return a fresh ``msg_...`` id; with a deterministic ``new_id`` the whole stream is
    deterministic.
    """
    em = Emitter(new_id, _budget(req))
    em.logprobs = wanted_logprobs(req)
    if req.dialect == "manus":
        yield from manus_output(em, req)
        return
    if wants_reasoning(req):
        yield from em.reasoning(summaries(req), reasoning_tokens(req), _encrypted(req))
        if em.cut:
            return
    yield from _body(em, req)


def _body(em: Emitter, req: EngineRequest) -> Iterator[Event]:
    found = Findings()
    approvals = approval_responses(req)
    if approvals:
        approved = [r for r, ok in approvals if ok]
        for request in approved:
            yield from mcp_call(
                em,
                str(request.get("server_label")),
                str(request.get("name")),
                str(request.get("arguments") or "{}"),
                found,
                str(request["id"]),
            )
            if em.cut:
                return
        if approved:
            yield from em.message([findings_part(req, found)])
        else:
            text = declined_text([r for r, _ in approvals])
            yield from em.message([TextPart("output_text", text)])
        return
    if pending_outputs(req):
        yield from em.message([TextPart("output_text", tool_outputs_text(req))])
        return
    prompt = prompt_of(req)
    if asks_refusal(prompt):
        yield from em.message([TextPart("refusal", refusal_text(prompt))])
        return
    ran_hosted = False
    for tool in hosted_tools(req):
        yield from _HOSTED[str(tool["type"])](em, req, tool, found)
        ran_hosted = True
        if em.cut:
            return
    if found.waiting_approval:
        return
    calls = planned_calls(req)
    if calls:
        for tool in calls:
            name = str(tool.get("name"))
            if tool.get("type") == "custom":
                yield from em.custom_tool_call(name, custom_input_for(tool, prompt))
            elif tool.get("type") == "apply_patch":
                yield from apply_patch_call(em, prompt)
            elif tool.get("type") in ACTION_TYPES:
                yield from computer_call(em)
            else:
                yield from em.function_call(name, arguments_for(tool, prompt))
            if em.cut:
                return
        return
    fmt = _format(req)
    if fmt is not None:
        yield from em.message([TextPart("output_text", json_text(req, fmt))])
    elif ran_hosted:
        yield from em.message([findings_part(req, found)])
    else:
        yield from em.message([TextPart("output_text", answer_text(req))])
