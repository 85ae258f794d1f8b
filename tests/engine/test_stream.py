"""Canonical event order, wire shapes, determinism, and the order checker itself."""

from __future__ import annotations

import pytest

from respnb.server.engine import EngineRequest, generate, split_tokens


def test_plain_text_has_the_canonical_sequence(run):
    r = run({"model": "respnb-demo", "input": "Say hello to the world"})
    types = r.types
    assert types[:2] == ["response.output_item.added", "response.content_part.added"]
    assert types[-3:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
    ]
    middle = types[2:-3]
    assert middle and set(middle) == {"response.output_text.delta"}
    added = r.events[0]
    assert added["item"] == {
        "id": "msg_0001",
        "type": "message",
        "status": "in_progress",
        "content": [],
        "role": "assistant",
    }
    assert r.events[1]["part"] == {
        "type": "output_text",
        "text": "",
        "annotations": [],
        "logprobs": [],
    }
    delta = r.events[2]
    assert set(delta) == {"type", "item_id", "output_index", "content_index", "delta", "logprobs"}
    final = r.items[0]
    assert final["status"] == "completed"
    assert [d["delta"] for d in r.events[2:-3]] == split_tokens(final["content"][0]["text"])


def test_same_request_same_events(ids):
    body = {
        "model": "respnb-demo",
        "input": "Compare tea and coffee",
        "reasoning": {"summary": "detailed"},
    }
    first = list(generate(EngineRequest(body=body), ids()))
    second = list(generate(EngineRequest(body=body), ids()))
    assert first == second
    other = list(generate(EngineRequest(body={**body, "input": "Compare rain and snow"}), ids()))
    assert other != first


def test_ids_come_from_new_id(run):
    r = run({"input": "hi", "reasoning": {"summary": "auto"}})
    assert [i["id"] for i in r.items] == ["rs_0001", "msg_0002"]


def test_order_checker_rejects_broken_streams(ids, order_check):
    events = list(generate(EngineRequest(body={"input": "hello"}), ids()))
    with pytest.raises(AssertionError):
        order_check(events[1:])  # no output_item.added
    with pytest.raises(AssertionError):
        order_check(events[:-1])  # never done
    early_done = [*events[:2], events[-3], *events[2:-3], *events[-2:]]
    with pytest.raises(AssertionError):
        order_check(early_done)  # text done before its deltas
    dropped = [*events[:3], *events[4:]]
    with pytest.raises(AssertionError):
        order_check(dropped)  # a delta lost -> text mismatch
    bad = [dict(e) for e in events]
    bad[-1] = {**bad[-1], "output_index": 3}
    with pytest.raises(AssertionError):
        order_check(bad)


def test_client_accumulator_rebuilds_every_item_from_the_events(ids):
    from respnb._accumulator import ResponseAccumulator
    from respnb.server.engine import EngineFile
    from respnb.types import parse_event

    body = {
        "input": "Can I bring extra bags? Also the mean of 3 and 4",
        "reasoning": {"summary": "detailed"},
        "tools": [
            {"type": "file_search", "vector_store_ids": ["vs_1"]},
            {"type": "web_search"},
            {"type": "code_interpreter", "container": {"type": "auto"}},
            {"type": "image_generation", "partial_images": 2},
            {"type": "mcp", "server_label": "docs", "require_approval": "never"},
        ],
    }
    files = [EngineFile("file-1", "bags.txt", b"You can bring extra bags for a fee.")]
    events = list(generate(EngineRequest(body=body, files=files), ids()))
    items = [e["item"] for e in events if e["type"] == "response.output_item.done"]
    base = {
        "id": "resp_1",
        "object": "response",
        "created_at": 1,
        "status": "in_progress",
        "model": "respnb-demo",
        "output": [],
    }
    acc = ResponseAccumulator()
    for n, event in enumerate([{"type": "response.created", "response": base}, *events]):
        acc.feed(parse_event({**event, "sequence_number": n}))
    snapshot = acc.snapshot().model_dump(mode="json", exclude_unset=True)["output"]
    assert [i["type"] for i in items] == [
        "reasoning",
        "file_search_call",
        "web_search_call",
        "code_interpreter_call",
        "image_generation_call",
        "mcp_list_tools",
        "mcp_call",
        "message",
    ]
    assert snapshot == items
