"""The shared wire types: open enums, kept extras, generic fallbacks, Manus shapes."""

from __future__ import annotations

import json

import pytest

from respnb.types import (
    ANY_EVENT_TYPES,
    ErrorEvent,
    FunctionCall,
    GenericEvent,
    GenericItem,
    GenericPart,
    LifecycleEvent,
    Message,
    OutputFile,
    OutputTextDeltaEvent,
    Reasoning,
    Response,
    normalize_status,
    parse_event,
)

MANUS_TASK = {
    "id": "a5ej4FnVPLP8Vjvb6FoeAu",
    "object": "response",
    "status": "completed",
    "model": "manus-agent-quality",
    "createdAt": "1760348691",
    "metadata": {"credit_usage": "12", "task_url": "https://example.test/app/a5ej4"},
    "reasoning": None,
    "text": None,
    "usage": None,
    "output": [
        {
            "id": "jxdOzAoH8RxKi45YJvww2a",
            "type": "message",
            "role": "user",
            "content": [{"type": "output_text", "text": "What's the color of the sky?"}],
        },
        {
            "id": "lJLNeZP1bnHE0YsAPq3Vzd",
            "type": "message",
            "role": "assistant",
            "content": [
                {"type": "output_text", "text": "Understood, the sky is blue."},
                {
                    "annotations": None,
                    "text": None,
                    "type": "output_file",
                    "logprobs": None,
                    "fileUrl": "https://files.example.test/notion_benefits.md",
                    "fileName": "notion_benefits.md",
                    "mimeType": "text/markdown",
                },
            ],
        },
    ],
}


def test_manus_task_shape() -> None:
    r = Response.model_validate(MANUS_TASK)
    assert r.created_at == 1760348691.0
    assert r.task_url == "https://example.test/app/a5ej4"
    user, assistant = r.output
    assert isinstance(user, Message) and user.role == "user"
    assert isinstance(assistant, Message)
    part = assistant.content[1]
    assert isinstance(part, OutputFile)
    assert part.fileName == "notion_benefits.md"
    # only assistant text counts as output_text
    assert r.output_text == "Understood, the sky is blue."
    # round trip keeps every field the service sent
    dumped = r.to_dict()
    assert dumped["createdAt"] == "1760348691"
    assert dumped["output"][1]["content"][1]["mimeType"] == "text/markdown"


@pytest.mark.parametrize(
    ("raw", "normalized", "terminal"),
    [
        ("running", "in_progress", False),
        ("pending", "requires_input", False),
        ("error", "failed", True),
        ("completed", "completed", True),
        ("queued", "queued", False),
        ("cancelled", "cancelled", True),
        ("incomplete", "incomplete", True),
        ("brand_new_status", "brand_new_status", False),
    ],
)
def test_status_normalization(raw: str, normalized: str, terminal: bool) -> None:
    r = Response(id="x", status=raw)
    assert r.status == raw
    assert r.normalized_status == normalized == normalize_status(raw)
    assert r.is_terminal is terminal


def test_unknown_and_ill_fitting_items_are_kept() -> None:
    r = Response.model_validate(
        {
            "id": "r",
            "output": [
                {"type": "hologram_call", "id": "h1", "beam": {"power": 3}},
                {"type": "function_call", "id": "f", "arguments": {"not": "a string"}},
                {"type": "message", "role": "assistant", "content": [{"type": "sparkle", "n": 1}]},
                {"type": "function_call", "call_id": "c", "name": "f", "arguments": "{}"},
                {"type": "reasoning", "id": "rs", "summary": None},
            ],
        }
    )
    kinds = [type(i) for i in r.output]
    assert kinds == [GenericItem, GenericItem, Message, FunctionCall, Reasoning]
    msg = r.output[2]
    assert isinstance(msg, Message)
    assert isinstance(msg.content, list) and isinstance(msg.content[0], GenericPart)
    dumped = json.loads(r.model_dump_json(exclude_unset=True))
    assert dumped["output"][0] == {"type": "hologram_call", "id": "h1", "beam": {"power": 3}}
    assert dumped["output"][1]["arguments"] == {"not": "a string"}
    assert dumped["output"][2]["content"][0] == {"type": "sparkle", "n": 1}


def test_parse_event_known_unknown_and_both_error_shapes() -> None:
    ev = parse_event(
        b'{"type":"response.output_text.delta","sequence_number":4,"item_id":"m",'
        b'"output_index":0,"content_index":0,"delta":"Hi","obfuscation":"xx"}'
    )
    assert isinstance(ev, OutputTextDeltaEvent)
    assert (ev.sequence_number, ev.delta, ev.obfuscation) == (4, "Hi", "xx")

    unknown = parse_event('{"type":"response.teleport.delta","sequence_number":9,"x":[1]}')
    assert isinstance(unknown, GenericEvent)
    assert unknown.get("x") == [1]

    flat = parse_event('{"type":"error","code":"rate_limit","message":"slow down","param":null}')
    nested = parse_event(
        '{"type":"error","error":{"type":"server_error","code":"boom","message":"m"}}'
    )
    assert isinstance(flat, ErrorEvent) and isinstance(nested, ErrorEvent)
    assert flat.as_error().code == "rate_limit" and flat.as_error().message == "slow down"
    assert nested.as_error().code == "boom" and nested.as_error().type == "server_error"


def test_parse_event_uses_sse_event_name_when_type_missing() -> None:
    ev = parse_event('{"delta":"x"}', event="response.output_text.delta")
    assert isinstance(ev, OutputTextDeltaEvent) and ev.delta == "x"


def test_parse_event_bad_json_says_what_it_got() -> None:
    with pytest.raises(ValueError, match="not JSON"):
        parse_event(b"{nope")
    with pytest.raises(ValueError, match="not a JSON object"):
        parse_event(b"[1,2]")


def test_lifecycle_event_carries_response() -> None:
    ev = parse_event(
        json.dumps(
            {
                "type": "response.created",
                "sequence_number": 0,
                "response": {"id": "resp_1", "status": "in_progress", "output": []},
            }
        )
    )
    assert isinstance(ev, LifecycleEvent)
    assert ev.response.id == "resp_1"


def test_every_protocol_event_group_is_modelled() -> None:
    for name in (
        "response.created",
        "response.queued",
        "response.output_item.added",
        "response.content_part.done",
        "response.output_text.annotation.added",
        "response.refusal.delta",
        "response.reasoning_summary_part.added",
        "response.reasoning_summary_text.done",
        "response.reasoning_text.delta",
        "response.function_call_arguments.done",
        "response.custom_tool_call_input.delta",
        "response.mcp_call_arguments.delta",
        "response.file_search_call.searching",
        "response.web_search_call.completed",
        "response.code_interpreter_call.interpreting",
        "response.code_interpreter_call_code.delta",
        "response.image_generation_call.partial_image",
        "response.mcp_list_tools.failed",
        "error",
    ):
        assert name in ANY_EVENT_TYPES
