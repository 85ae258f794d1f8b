"""ResponseAccumulator on canonical, reduced and odd event orders."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from respnb._accumulator import ResponseAccumulator
from respnb._sse import SSEDecoder
from respnb.types import GenericItem, Message, OutputFile, Response, parse_event

from .streams import StreamBuilder, words


def feed_all(events: list[dict[str, Any]], acc: ResponseAccumulator | None = None):
    acc = acc or ResponseAccumulator()
    for event in events:
        acc.feed(parse_event(copy.deepcopy(event)))
    return acc


def norm(value: Any) -> Any:
    """JSON form with None values dropped, recursively."""
    if hasattr(value, "model_dump"):
        value = value.model_dump(mode="json", exclude_none=True)
    if isinstance(value, dict):
        return {k: norm(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [norm(v) for v in value]
    return value


def everything() -> StreamBuilder:
    ann = {
        "type": "url_citation",
        "url": "https://x.test",
        "title": "X",
        "start_index": 0,
        "end_index": 3,
    }
    return (
        StreamBuilder()
        .created()
        .reasoning([words(5), words(3, 2)], raw=words(4))
        .message(words(12), annotations=[ann], logprobs=True, refusal=["I can", "not"])
        .function_call("get_weather", ['{"city"', ': "Paris"', "}"])
        .custom_tool_call("patch", ["*** Begin", " Patch"])
        .web_search("weather paris")
        .file_search(["q1", "q2"])
        .code_interpreter(["print(", "1 + 1)"])
        .image_generation(["AAAA", "BBBB"], "CCCC")
        .mcp("deepwiki", "ask", ['{"q":', '"x"}'], "answer")
        .message(words(7, 3))
        .completed()
    )


SCENARIOS = {
    "text": lambda: StreamBuilder().created().message(words(30)).completed(),
    "reasoning": lambda: (
        StreamBuilder().created().reasoning([words(8), words(5)]).message(words(6)).completed()
    ),
    "function_call": lambda: (
        StreamBuilder().created().function_call("f", ['{"a"', ": 1", "}"]).completed()
    ),
    "everything": everything,
}


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_canonical_output_built_before_completed_equals_server(name: str) -> None:
    b = SCENARIOS[name]()
    *body, last = b.events
    acc = feed_all(body)
    built = acc.snapshot()
    assert norm(built.output) == norm(Response.model_validate(last["response"]).output)
    assert built.status == "in_progress"
    assert not acc.done
    acc.feed(parse_event(last))
    final = acc.snapshot()
    assert norm(final) == norm(Response.model_validate(last["response"]))
    assert acc.done and acc.terminal_event == "response.completed"
    assert acc.cursor == last["sequence_number"]
    assert acc.events_seen == len(b.events)
    assert acc.unknown_events == 0


_DONE_EVENTS = (".done", "content_part.done", "summary_part.done")
_STREAMED = {"content", "summary", "arguments", "input", "code", "name", "id", "type", "role"}


def test_deltas_alone_build_every_streamed_field() -> None:
    """With every *.done event removed, the deltas alone rebuild text, summaries, refusals,
    annotations, logprobs, arguments, tool input and code."""
    b = everything()
    body = [e for e in b.events[:-1] if not e["type"].endswith(_DONE_EVENTS)]
    assert len(body) < len(b.events) - 20
    built = feed_all(body).snapshot().output
    server = b.events[-1]["response"]["output"]
    assert len(built) == len(server)
    for mine, theirs in zip(built, server, strict=True):
        mine_d = norm(mine)
        for key in _STREAMED & theirs.keys():
            assert mine_d.get(key) == norm(theirs[key]), (theirs["type"], key)


def test_snapshot_before_each_item_done_matches_done_item() -> None:
    b = everything()
    acc = ResponseAccumulator()
    checked = 0
    for event in b.events:
        if event["type"] == "response.output_item.done":
            mine = norm(acc.snapshot().output[event["output_index"]])
            theirs = norm(Response.model_validate({"output": [event["item"]]}).output[0])
            for key in _STREAMED & theirs.keys():
                assert mine.get(key) == theirs[key], (theirs["type"], key)
            checked += 1
        acc.feed(parse_event(event))
    assert checked == 11


def test_hosted_tool_progress_and_partial_images_show_live() -> None:
    b = StreamBuilder().created().image_generation(["P0", "P1"], "FINAL").web_search("q")
    acc = ResponseAccumulator()
    seen: list[tuple[str | None, str | None]] = []
    for event in b.events:
        acc.feed(parse_event(event))
        out = acc.snapshot().output
        kind = event["type"]
        is_item0_done = kind == "response.output_item.done" and event["output_index"] == 0
        if kind.startswith("response.image_generation_call") or is_item0_done:
            seen.append((out[0].status, out[0].result))
    assert ("generating", "P1") in seen
    assert seen[-1] == ("completed", "FINAL")
    assert acc.snapshot().output[1].status == "completed"


def test_text_property_tracks_deltas_and_snapshot_is_cached() -> None:
    b = StreamBuilder().created().message(["Hel", "lo"]).message([" world"]).completed()
    acc = ResponseAccumulator()
    texts = []
    for event in b.events:
        acc.feed(parse_event(event))
        texts.append(acc.text)
        snap = acc.snapshot()
        assert acc.snapshot() is snap
    assert "Hel" in texts and "Hello" in texts
    assert texts[-1] == "Hello world" == acc.snapshot().output_text


def test_done_text_wins_over_deltas() -> None:
    b = StreamBuilder().created().message(["a", "b"])
    events = copy.deepcopy(b.events)
    for e in events:
        if e["type"] == "response.output_text.done":
            e["text"] = "corrected"
    skip = ("response.content_part.done", "response.output_item.done")
    acc = feed_all([e for e in events if e["type"] not in skip])
    assert acc.text == "corrected"


# ---------------------------------------------------------------- seed 004 (real objects)
SEED_TEXT = (
    "Alright, here goes!\n\n"
    "**Double bubble bath, double bubble bath, double bubble bath, double bubble bath, "
    "double bubble bath, double bubble bath, double bubble bath, double bubble bath, "
    "double bubble bath, double bubble bath!**\n\n"
    "Try saying that out loud—it's a real tongue twister! Want another one?"
)
SEED_RESP = "resp_68707bd385788196ab67695f57a9a7ef0b1f98ffee1ea1cb"
SEED_MSG = "msg_68707bd3d3948196817ec90a408f357c0b1f98ffee1ea1cb"


def seed_004_events() -> list[dict[str, Any]]:
    """The stream printed in seed 004: 72 events, 64 text deltas between seq 4 and 67."""
    base = {
        "id": SEED_RESP,
        "object": "response",
        "model": "gpt-4.1-2025-04-14",
        "created_at": 1752202195.0,
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "top_p": 1.0,
    }
    ev: list[dict[str, Any]] = [
        {
            "type": "response.created",
            "sequence_number": 0,
            "response": {**base, "status": "in_progress", "output": []},
        },
        {
            "type": "response.in_progress",
            "sequence_number": 1,
            "response": {"id": SEED_RESP, "status": "in_progress", "output": []},
        },
        {
            "type": "response.output_item.added",
            "sequence_number": 2,
            "output_index": 0,
            "item": {
                "id": SEED_MSG,
                "type": "message",
                "role": "assistant",
                "status": "in_progress",
                "content": [],
            },
        },
        {
            "type": "response.content_part.added",
            "sequence_number": 3,
            "item_id": SEED_MSG,
            "output_index": 0,
            "content_index": 0,
            "part": {"type": "output_text", "text": ""},
        },
    ]
    n = 64
    step = -(-len(SEED_TEXT) // n)
    pieces = [SEED_TEXT[i : i + step] for i in range(0, len(SEED_TEXT), step)]
    for i, piece in enumerate(pieces):
        ev.append(
            {
                "type": "response.output_text.delta",
                "sequence_number": 4 + i,
                "item_id": SEED_MSG,
                "output_index": 0,
                "content_index": 0,
                "delta": piece,
            }
        )
    seq = 4 + len(pieces)
    final_msg = {
        "id": SEED_MSG,
        "type": "message",
        "role": "assistant",
        "status": "completed",
        "content": [{"type": "output_text", "text": SEED_TEXT, "annotations": []}],
    }
    ev += [
        {
            "type": "response.output_text.done",
            "sequence_number": seq,
            "item_id": SEED_MSG,
            "output_index": 0,
            "content_index": 0,
            "text": SEED_TEXT,
        },
        {
            "type": "response.content_part.done",
            "sequence_number": seq + 1,
            "item_id": SEED_MSG,
            "output_index": 0,
            "content_index": 0,
            "part": final_msg["content"][0],
        },
        {
            "type": "response.output_item.done",
            "sequence_number": seq + 2,
            "output_index": 0,
            "item": final_msg,
        },
        {
            "type": "response.completed",
            "sequence_number": seq + 3,
            "response": {
                **base,
                "status": "completed",
                "output": [final_msg],
                "usage": {"input_tokens": 17, "output_tokens": 65, "total_tokens": 82},
            },
        },
    ]
    return ev


def test_seed_004_stream() -> None:
    events = seed_004_events()
    acc = ResponseAccumulator()
    for event in events[:-4]:
        acc.feed(parse_event(event))
    assert acc.text == SEED_TEXT
    assert acc.response_id == SEED_RESP
    assert acc.status == "in_progress"
    # in_progress carried a reduced response: what created said is kept
    snap = acc.snapshot()
    assert snap.model == "gpt-4.1-2025-04-14"
    assert snap.created_at == 1752202195.0
    for event in events[-4:]:
        acc.feed(parse_event(event))
    final = acc.snapshot()
    assert final.output_text == SEED_TEXT
    assert final.usage is not None and final.usage.total_tokens == 82
    assert acc.cursor == events[-1]["sequence_number"]


# ---------------------------------------------------------------- reduced taxonomies
def test_maniac_reduced_stream_creates_message_implicitly() -> None:
    created = {
        "type": "response.created",
        "response": {"id": "resp_m", "status": "in_progress", "output": [], "provider": "openai"},
    }
    deltas = [{"type": "response.output_text.delta", "delta": w} for w in words(20)]
    completed = {
        "type": "response.completed",
        "response": {
            "id": "resp_m",
            "status": "completed",
            "output": [],
            "usage": {"input_tokens": 3, "output_tokens": 20, "total_tokens": 23},
        },
    }
    acc = feed_all([created, *deltas])
    assert acc.text == "".join(words(20))
    assert acc.cursor is None
    acc.feed(parse_event(completed))
    final = acc.snapshot()
    assert final.status == "completed"
    assert final.output_text == "".join(words(20))
    assert isinstance(final.output[0], Message)
    assert final.usage is not None and final.usage.output_tokens == 20


def test_maniac_sse_without_event_lines() -> None:
    b = StreamBuilder().created(in_progress=False).message(words(5)).completed()
    raw = b.sse(with_event_lines=False, done_sentinel=True)
    d = SSEDecoder()
    acc = ResponseAccumulator()
    for sse in [*d.feed(raw), *d.flush()]:
        if sse.data == "[DONE]":
            break
        acc.feed(parse_event(sse.data, sse.event))
    assert acc.done
    assert acc.text == "".join(words(5))


def test_ollama_summary_deltas_without_part_events() -> None:
    events = [
        {
            "type": "response.created",
            "sequence_number": 0,
            "response": {"id": "r", "status": "in_progress", "output": []},
        },
        *[
            {
                "type": "response.reasoning_summary_text.delta",
                "sequence_number": i + 1,
                "item_id": "rs_1",
                "output_index": 0,
                "summary_index": 0,
                "delta": w,
            }
            for i, w in enumerate(["think", "ing"])
        ],
        {
            "type": "response.output_text.delta",
            "sequence_number": 3,
            "item_id": "msg_1",
            "output_index": 1,
            "content_index": 0,
            "delta": "answer",
        },
    ]
    snap = feed_all(events).snapshot()
    assert snap.output[0].type == "reasoning"
    assert snap.output[0].summary[0].text == "thinking"
    assert snap.output[1].id == "msg_1" and snap.output_text == "answer"


def test_vllm_reasoning_part_events() -> None:
    where = {"item_id": "rs_v", "output_index": 0, "content_index": 0}
    events = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "rs_v", "type": "reasoning", "summary": []},
        },
        {
            "type": "response.reasoning_part.added",
            **where,
            "part": {"type": "reasoning_text", "text": ""},
        },
        {"type": "response.reasoning_text.delta", **where, "delta": "step 1; "},
        {"type": "response.reasoning_text.delta", **where, "delta": "step 2"},
        {
            "type": "response.reasoning_part.done",
            **where,
            "part": {"type": "reasoning_text", "text": "step 1; step 2"},
        },
    ]
    snap = feed_all(events).snapshot()
    assert snap.output[0].content[0].text == "step 1; step 2"
    assert snap.output_text == ""


def test_missing_sequence_numbers_keep_last_cursor() -> None:
    events = [
        {"type": "response.output_text.delta", "sequence_number": 5, "delta": "a"},
        {"type": "response.output_text.delta", "delta": "b"},
    ]
    acc = feed_all(events)
    assert acc.cursor == 5
    assert acc.text == "ab"


def test_output_index_gaps_and_item_id_only_addressing() -> None:
    events = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {
                "id": "fc_1",
                "type": "function_call",
                "call_id": "c1",
                "name": "f",
                "arguments": "",
            },
        },
        {
            "type": "response.output_item.added",
            "output_index": 3,
            "item": {"id": "msg_9", "type": "message", "role": "assistant", "content": []},
        },
        # item_id only: no output_index (the model's default 0 would point at fc_1)
        {"type": "response.output_text.delta", "item_id": "msg_9", "delta": "hi"},
        {"type": "response.function_call_arguments.delta", "item_id": "fc_1", "delta": "{}"},
    ]
    snap = feed_all(events).snapshot()
    assert [i.id for i in snap.output] == ["fc_1", "msg_9"]
    assert snap.output[0].arguments == "{}"
    assert snap.output_text == "hi"


def test_unknown_delta_item_id_does_not_clobber_other_item() -> None:
    events = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "rs_1", "type": "reasoning", "summary": []},
        },
        {"type": "response.output_text.delta", "item_id": "msg_new", "delta": "x"},
    ]
    snap = feed_all(events).snapshot()
    assert [i.type for i in snap.output] == ["reasoning", "message"]
    assert snap.output[1].id == "msg_new"


def test_unknown_events_and_item_types_are_kept_or_counted() -> None:
    events = [
        {"type": "response.created", "response": {"id": "r", "status": "in_progress"}},
        {"type": "response.brand_new_thing", "sequence_number": 9, "foo": 1},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "z", "type": "hologram", "colour": "blue"},
        },
        {"type": "response.output_item.added", "item": None},
    ]
    acc = feed_all(events)
    assert acc.unknown_events == 2
    assert acc.cursor == 9
    item = acc.snapshot().output[0]
    assert isinstance(item, GenericItem)
    assert item.get("colour") == "blue"


# ---------------------------------------------------------------- errors and ends
@pytest.mark.parametrize(
    "error_event",
    [
        {"type": "error", "code": "server_error", "message": "upstream died", "param": None},
        {
            "type": "error",
            "error": {
                "type": "server_error",
                "code": "server_error",
                "message": "upstream died",
                "param": None,
            },
        },
    ],
    ids=["flat", "nested"],
)
def test_error_event_keeps_partial_output(error_event: dict[str, Any]) -> None:
    b = StreamBuilder().created().message(["partial ", "answer"])
    events = [e for e in b.events if e["type"] != "response.output_item.done"]
    acc = feed_all([*events, {**error_event, "sequence_number": len(events)}])
    snap = acc.snapshot()
    assert acc.done and acc.terminal_event == "error"
    assert acc.error is not None and acc.error.message == "upstream died"
    assert acc.status == snap.status == "failed"
    assert snap.error is not None and snap.error.code == "server_error"
    assert snap.output_text == "partial answer"
    assert snap.id == "resp_test_1"


def test_error_event_of_unexpected_shape() -> None:
    acc = feed_all([{"type": "output_text.delta"}, {"type": "error", "error": "boom"}])
    assert acc.done
    assert acc.error is not None and acc.error.message == "boom"
    assert acc.snapshot().status == "failed"


def test_response_failed_without_output_keeps_partial_output() -> None:
    b = StreamBuilder().created().function_call("f", ['{"x":', "1}"]).failed()
    acc = feed_all(b.events)
    snap = acc.snapshot()
    assert acc.terminal_event == "response.failed"
    assert snap.status == "failed" and snap.error is not None and snap.error.message == "boom"
    assert snap.output[0].arguments == '{"x":1}'


def test_response_incomplete() -> None:
    b = StreamBuilder().created().message(["cut ", "sh"]).incomplete()
    snap = feed_all(b.events).snapshot()
    assert snap.status == "incomplete"
    assert snap.incomplete_details is not None
    assert snap.incomplete_details.reason == "max_output_tokens"
    assert snap.output_text == "cut sh"


def test_server_final_output_wins_when_present() -> None:
    b = StreamBuilder().created().message(["draft"])
    final = b.response(
        "completed",
        [
            {
                "type": "message",
                "id": "m2",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "final"}],
            }
        ],
    )
    acc = feed_all([*b.events, {"type": "response.completed", "response": final}])
    assert acc.text == "final"
    assert [i.id for i in acc.snapshot().output] == ["m2"]


# ---------------------------------------------------------------- Manus-shaped responses
MANUS = {
    "id": "a5ej4FnVPLP8Vjvb6FoeAu",
    "object": "response",
    "status": "completed",
    "model": "manus-agent-quality",
    "createdAt": "1760348691",
    "metadata": {"credit_usage": "12", "task_url": "https://manus.test/app/a5ej4FnVPLP8Vjvb6FoeAu"},
    "reasoning": None,
    "text": None,
    "usage": None,
    "output": [
        {
            "id": "jxdOzAoH8RxKi45YJvww2a",
            "role": "user",
            "type": "message",
            "content": [{"type": "output_text", "text": "What's the color of the sky?"}],
        },
        {
            "id": "lJLNeZP1bnHE0YsAPq3Vzd",
            "role": "assistant",
            "type": "message",
            "content": [
                {
                    "type": "output_text",
                    "text": "Understood, I will provide information about the color of the sky.",
                },
                {
                    "annotations": None,
                    "text": None,
                    "type": "output_file",
                    "logprobs": None,
                    "fileUrl": "https://files.test/x.md",
                    "fileName": "notion_benefits.md",
                    "mimeType": "text/markdown",
                },
            ],
        },
    ],
}


def test_manus_completed_response() -> None:
    running = {**MANUS, "status": "running", "output": []}
    acc = feed_all(
        [
            {"type": "response.created", "response": running},
            {"type": "response.completed", "response": MANUS},
        ]
    )
    snap = acc.snapshot()
    assert acc.status == "completed"
    assert snap.created_at == 1760348691.0
    assert acc.text == "Understood, I will provide information about the color of the sky."
    part = snap.output[1].content[1]
    assert isinstance(part, OutputFile) and part.fileName == "notion_benefits.md"
    assert snap.task_url == MANUS["metadata"]["task_url"]


def test_initial_seed_then_more_deltas() -> None:
    """Resuming a stream: seed with a known response, continue with later events."""
    seed = Response.model_validate({**MANUS, "status": "running"})
    acc = ResponseAccumulator(initial=seed)
    assert acc.response_id == MANUS["id"]
    acc.feed(
        parse_event(
            {
                "type": "response.output_text.delta",
                "item_id": "lJLNeZP1bnHE0YsAPq3Vzd",
                "output_index": 1,
                "content_index": 0,
                "delta": " Blue.",
                "sequence_number": 40,
            }
        )
    )
    snap = acc.snapshot()
    assert snap.output[1].content[0].text.endswith("sky. Blue.")
    assert snap.output[1].content[1].type == "output_file"
    assert snap.output[0].role == "user"
    assert acc.text.endswith("sky. Blue.")
    assert acc.cursor == 40


# ---------------------------------------------------------------- final items and odd orders
def test_done_items_are_reused_and_thawed_by_stray_events() -> None:
    b = StreamBuilder().created().message(["one"]).message(["two"])
    acc = feed_all(b.events)
    first = acc.snapshot().output[0]
    acc.feed(
        parse_event(
            {
                "type": "response.in_progress",
                "response": {"id": "resp_test_1", "status": "in_progress"},
            }
        )
    )
    assert acc.snapshot().output[0] is first  # a finished item is not rebuilt
    msg_id = first.id
    acc.feed(
        parse_event(
            {
                "type": "response.output_text.delta",
                "item_id": msg_id,
                "output_index": 0,
                "content_index": 0,
                "delta": " more",
            }
        )
    )
    assert acc.snapshot().output[0].content[0].text == "one more"
    assert acc.text == "one moretwo"


def test_done_item_with_empty_payload_keeps_accumulated_one() -> None:
    b = StreamBuilder().created()
    events = [
        *b.events,
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {
                "id": "fc_1",
                "type": "function_call",
                "call_id": "c",
                "name": "f",
                "arguments": "",
            },
        },
        {
            "type": "response.function_call_arguments.delta",
            "item_id": "fc_1",
            "output_index": 0,
            "delta": '{"x": 1}',
        },
        {
            "type": "response.output_item.done",
            "output_index": 0,
            "item": {
                "id": "fc_1",
                "type": "function_call",
                "call_id": "c",
                "name": "f",
                "arguments": "",
                "status": "completed",
            },
        },
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {"id": "m", "type": "message", "role": "assistant", "content": []},
        },
        {
            "type": "response.output_text.delta",
            "item_id": "m",
            "output_index": 1,
            "content_index": 0,
            "delta": "kept",
        },
        {
            "type": "response.output_item.done",
            "output_index": 1,
            "item": {"id": "m", "type": "message", "role": "assistant", "status": "completed"},
        },
    ]
    snap = feed_all(events).snapshot()
    assert snap.output[0].arguments == '{"x": 1}'
    assert snap.output[0].status == "completed"
    assert snap.output[1].content[0].text == "kept"
    assert snap.output[1].status == "completed"


def test_output_item_done_without_added() -> None:
    item = {
        "id": "ws_1",
        "type": "web_search_call",
        "status": "completed",
        "action": {"type": "search", "query": "q"},
    }
    snap = feed_all(
        [{"type": "response.output_item.done", "output_index": 2, "item": item}]
    ).snapshot()
    assert norm(snap.output[0]) == item


def test_lifecycle_with_output_seeds_final_items() -> None:
    resp = {
        "id": "r",
        "status": "in_progress",
        "output": [
            {
                "id": "m",
                "type": "message",
                "role": "assistant",
                "content": [{"type": "output_text", "text": "so far"}],
            }
        ],
    }
    acc = feed_all(
        [
            {"type": "response.in_progress", "response": resp},
            {
                "type": "response.output_text.delta",
                "item_id": "m",
                "output_index": 0,
                "content_index": 0,
                "delta": ", then more",
            },
        ]
    )
    assert acc.text == "so far, then more"


def test_content_part_with_reasoning_text_on_reasoning_item() -> None:
    where = {"item_id": "rs_o", "output_index": 0, "content_index": 0}
    events = [
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"id": "rs_o", "type": "reasoning", "summary": []},
        },
        {
            "type": "response.content_part.added",
            **where,
            "part": {"type": "reasoning_text", "text": ""},
        },
        {"type": "response.reasoning_text.delta", **where, "delta": "hmm"},
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {"id": "m", "type": "message", "role": "assistant", "content": []},
        },
        {
            "type": "response.output_text.delta",
            "item_id": "m",
            "output_index": 1,
            "content_index": 0,
            "delta": "ok",
        },
    ]
    acc = feed_all(events)
    snap = acc.snapshot()
    assert snap.output[0].content[0].text == "hmm"
    assert acc.text == "ok"
    assert acc.unknown_events == 0
