"""One view per question: the rounds of a tool loop and the function results in one view."""

from __future__ import annotations

import json
from typing import Any

from respnb.notebook._run_display import RunDisplay
from respnb.notebook.view import ResponseView
from tests.core.streams import StreamBuilder

from .jsstore import events_of, replay


def _recorded(view: ResponseView) -> list[dict[str, Any]]:
    sent: list[dict[str, Any]] = []
    view.send = lambda content, buffers=None: sent.append(json.loads(json.dumps(content)))  # type: ignore[method-assign]
    return sent


def test_rounds_and_results_follow_each_other_in_one_view() -> None:
    view = ResponseView(autoflush=False)
    sent = _recorded(view)
    first = (
        StreamBuilder("resp_round_1").created().function_call("get_weather", ['{"city": "Paris"}'])
    )
    for event in events_of(first.completed()):
        view.apply(event)
    view.finish()
    call_id = view.state.blocks[0].item["call_id"]
    view.add_tool_output(call_id, '{"temp": 21}')
    view.begin_round()
    assert not view.finished
    second = StreamBuilder("resp_round_2").created().message(["It is ", "21 degrees."])
    for event in events_of(second.completed()):
        view.apply(event)
    view.finish()
    kinds = [(b.index, b.kind) for b in view.state.blocks]
    assert kinds == [(0, "function_call"), (1, "function_call_output"), (2, "message")]
    assert view.state.blocks[1].item == {
        "type": "function_call_output",
        "call_id": call_id,
        "output": '{"temp": 21}',
    }
    assert view.text == "It is 21 degrees."
    assert view.header["id"] == "resp_round_2"
    # the front end's store, fed the same messages, holds the same three blocks
    assert all(m["kind"] == "patches" for m in sent)
    assert replay(sent) == json.loads(json.dumps(view.state.snapshot_blocks()))


def test_run_display_reuses_the_view_for_the_next_round() -> None:
    made: list[ResponseView] = []

    def factory() -> ResponseView:
        made.append(ResponseView(autoflush=False))
        return made[-1]

    run = RunDisplay(quiet=False, threaded=True, factory=factory)
    run.prepare()
    one = run.new_round()
    two = run.new_round()
    assert one is two and len(made) == 1
