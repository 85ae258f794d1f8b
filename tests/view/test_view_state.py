"""ResponseViewState: blocks, header, usage and error from canonical and reduced streams, and
patches that replay to the same document without ever resending it."""

from __future__ import annotations

import json

from respnb._view_state import ResponseViewState
from respnb.types import Response, parse_event
from tests.core.streams import StreamBuilder, text_stream, words

from .jsstore import events_of, full_mix, replay_steps


def _run(builder: StreamBuilder) -> tuple[ResponseViewState, list[dict[str, object]]]:
    state = ResponseViewState(profile="local")
    patches = state.apply_all(events_of(builder))
    return state, patches


def test_full_mix_blocks_header_usage() -> None:
    builder = full_mix()
    state, _ = _run(builder)
    kinds = [b.kind for b in state.blocks]
    assert kinds == [
        "reasoning",
        "message",
        "function_call",
        "custom_tool_call",
        "web_search_call",
        "file_search_call",
        "code_interpreter_call",
        "image_generation_call",
        "mcp_list_tools",
        "mcp_call",
    ]
    assert all(b.done for b in state.blocks)
    assert state.text.startswith("Hello **world**") and "| 1 | 2 |" in state.text
    assert state.blocks[0].text == "Let me think.Second thought."
    assert state.blocks[2].item["arguments"] == '{"city": "Paris"}'
    assert state.blocks[6].item["code"] == "x = 1\nprint(x)"
    assert state.header["status"] == "completed" and state.header["id"] == "resp_mix_000001"
    assert state.header["profile"] == "local"
    assert state.usage["input_tokens"] == 17 and state.usage["output_tokens"] == 65
    assert state.error is None
    message = state.blocks[1].item
    assert message["content"][0]["annotations"][0]["url"] == "https://example.org/a"
    assert message["content"][1] == {"type": "refusal", "refusal": "I cannot"}
    # the final items equal what the service said they are
    assert [b.item for b in state.blocks] == builder.output


def test_patches_replay_to_the_same_document() -> None:
    state, patches = _run(full_mix())
    assert replay_steps([patches])[-1] == json.loads(json.dumps(state.snapshot_blocks()))


def test_patches_replay_after_every_event() -> None:
    state = ResponseViewState()
    steps, expected = [], []
    for event in events_of(full_mix()):
        steps.append(state.apply(event))
        expected.append(json.loads(json.dumps(state.snapshot_blocks())))
    assert replay_steps(steps) == expected


def test_patches_are_deltas_not_documents() -> None:
    n = 3000
    state, patches = _run(text_stream(n))
    final = "".join(words(n))
    assert state.text == final
    # the full text never travels in one patch: the answer is only ever sent as deltas
    assert not any(final[:2000] in json.dumps(p, ensure_ascii=False) for p in patches)
    assert sum(1 for p in patches if p["op"] == "delta") == n


def test_reduced_taxonomy_creates_message_and_reconciles() -> None:
    # Maniac: created -> output_text.delta xN -> completed, no item events at all
    b = StreamBuilder("resp_maniac")
    b.emit("response.created", response=b.response("in_progress", []))
    chunks = words(50)
    for c in chunks:
        b.emit("response.output_text.delta", output_index=0, content_index=0, delta=c)
    text = "".join(chunks)
    item = {
        "type": "message",
        "id": "msg_1",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": text, "annotations": []}],
    }
    b.emit("response.completed", response=b.response("completed", [item]))
    state, patches = _run(b)
    assert state.text == text
    assert state.blocks[0].done and state.blocks[0].item["id"] == "msg_1"
    assert state.status == "completed"
    # completion did not resend the text
    tail = patches[-6:]
    assert not any(text in json.dumps(p, ensure_ascii=False) for p in tail)
    assert replay_steps([patches])[-1] == json.loads(json.dumps(state.snapshot_blocks()))


def test_ollama_summary_deltas_without_part_events() -> None:
    b = StreamBuilder("resp_ollama").created()
    for c in ["thinking ", "hard"]:
        b.emit("response.reasoning_summary_text.delta", output_index=0, summary_index=0, delta=c)
    b.emit("response.output_text.delta", output_index=1, content_index=0, delta="answer")
    state, _ = _run(b)
    assert [blk.kind for blk in state.blocks] == ["reasoning", "message"]
    assert state.blocks[0].text == "thinking hard"
    assert state.text == "answer"


def test_error_events_flat_and_nested() -> None:
    for payload in (
        {"type": "error", "code": "rate_limit", "message": "slow down", "sequence_number": 3},
        {
            "type": "error",
            "sequence_number": 3,
            "error": {"type": "x", "code": "rate_limit", "message": "slow down"},
        },
    ):
        state = ResponseViewState()
        patches = state.apply(parse_event(payload))
        assert state.error == {"code": "rate_limit", "message": "slow down"}
        assert patches == [{"op": "error", "code": "rate_limit", "message": "slow down"}]


def test_failed_and_incomplete_responses() -> None:
    state, patches = _run(StreamBuilder().created().failed("server_error", "boom"))
    assert state.status == "failed" and state.error == {"code": "server_error", "message": "boom"}
    assert any(p["op"] == "error" for p in patches)
    state, _ = _run(StreamBuilder().created().message(["partial"]).incomplete())
    assert state.status == "incomplete"
    assert state.header["incomplete_reason"] == "max_output_tokens"
    assert state.text == "partial"


def test_hosted_progress_partial_image_and_unknown_items() -> None:
    b = StreamBuilder().created()
    b.emit(
        "response.output_item.added",
        output_index=0,
        item={"type": "web_search_call", "id": "ws", "status": "in_progress"},
    )
    b.emit("response.web_search_call.searching", output_index=0, item_id="ws")
    b.emit(
        "response.image_generation_call.partial_image",
        output_index=1,
        item_id="ig",
        partial_image_index=0,
        partial_image_b64="AAAA",
    )
    b.emit(
        "response.output_item.added",
        output_index=2,
        item={"type": "future_thing", "id": "ft", "payload": {"x": 1}},
    )
    b.emit("response.brand_new.event", output_index=2, anything=1)
    state, _ = _run(b)
    assert state.blocks[0].item["status"] == "searching"
    assert state.blocks[1].kind == "image_generation_call"
    assert state.blocks[1].item["partial_image_b64"] == "AAAA"
    assert state.blocks[2].kind == "future_thing" and state.blocks[2].item["payload"] == {"x": 1}


def test_from_response_and_manus_header() -> None:
    data = {
        "id": "task_1",
        "object": "response",
        "status": "running",
        "model": "manus-1",
        "createdAt": "1752202195",
        "metadata": {"task_url": "https://manus.im/app/task_1", "task_title": "Trip plan"},
        "output": [
            {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "hi"}]},
            {
                "type": "message",
                "role": "assistant",
                "content": [
                    {"type": "output_text", "text": "Done."},
                    {
                        "type": "output_file",
                        "fileUrl": "https://f.example/a.png",
                        "fileName": "a.png",
                        "mimeType": "image/png",
                    },
                ],
            },
        ],
    }
    state = ResponseViewState.from_response(Response.model_validate(data), profile="manus")
    assert state.status == "in_progress" and state.header["status_raw"] == "running"
    assert state.header["task_url"] == "https://manus.im/app/task_1"
    assert state.header["title"] == "Trip plan"
    assert state.header["created_at"] == 1752202195.0
    assert state.text == "Done."  # the user's message is not part of the answer
    assert state.blocks[1].item["content"][1]["fileName"] == "a.png"


def test_apply_response_updates_polled_background_run() -> None:
    state = ResponseViewState()
    queued = Response.model_validate({"id": "r", "status": "queued", "output": []})
    assert state.apply_response(queued) == [
        {"op": "header", "id": "r", "status": "queued", "status_raw": "queued"}
    ]
    done = Response.model_validate(
        {
            "id": "r",
            "status": "completed",
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "hi"}],
                }
            ],
        }
    )
    patches = state.apply_response(done)
    assert state.text == "hi" and state.blocks[0].done
    assert {p["op"] for p in patches} >= {"header", "item"}
    assert state.apply_response(done) == []  # nothing changed, nothing sent


def test_set_header_and_set_error() -> None:
    state = ResponseViewState(profile="p", model="m")
    assert state.set_header(model="m") == []
    assert state.set_header(status="cancelled") == [{"op": "header", "status": "cancelled"}]
    assert state.set_error("interrupted") == [
        {"op": "error", "code": None, "message": "interrupted"}
    ]
