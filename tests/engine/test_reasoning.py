"""Reasoning items: summaries streamed per summary_index, effort drives reasoning tokens."""

from __future__ import annotations

import pytest

from respnb.server.engine import EngineRequest, usage_for


@pytest.mark.parametrize(("mode", "parts"), [("concise", 1), ("auto", 2), ("detailed", 3)])
def test_summary_parts_stream_before_the_message(run, mode, parts):
    r = run({"input": "Plan a trip to Lisbon", "reasoning": {"summary": mode}})
    assert [i["type"] for i in r.items] == ["reasoning", "message"]
    reasoning = r.items[0]
    assert reasoning["id"].startswith("rs_")
    assert len(reasoning["summary"]) == parts
    assert all(s["type"] == "summary_text" and s["text"] for s in reasoning["summary"])
    assert r.types.count("response.reasoning_summary_part.added") == parts
    assert r.types.count("response.reasoning_summary_text.done") == parts
    assert r.events[-1]["output_index"] == 1
    first_message_event = r.types.index("response.content_part.added")
    assert r.types.index("response.reasoning_summary_part.done") < first_message_event


def test_effort_without_summary_gives_empty_summary(run):
    r = run({"input": "Plan a trip", "reasoning": {"effort": "high"}})
    assert r.items[0] == {"id": "rs_0001", "type": "reasoning", "summary": []}
    assert "response.reasoning_summary_part.added" not in r.types


def test_no_reasoning_item_without_reasoning_or_with_effort_none(run):
    assert [i["type"] for i in run({"input": "x"}).items] == ["message"]
    assert [i["type"] for i in run({"input": "x", "reasoning": {"effort": "none"}}).items] == [
        "message"
    ]


def test_effort_changes_reasoning_tokens(run):
    counts = []
    for effort in ("minimal", "low", "medium", "high"):
        body = {
            "input": "Prove there are infinitely many primes",
            "reasoning": {"effort": effort, "summary": "auto"},
        }
        usage = usage_for(EngineRequest(body=body), run(body).items)
        counts.append(usage["output_tokens_details"]["reasoning_tokens"])
        assert usage["output_tokens"] > usage["output_tokens_details"]["reasoning_tokens"]
    assert counts == sorted(counts) and len(set(counts)) == 4
