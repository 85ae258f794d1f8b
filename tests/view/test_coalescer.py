"""Coalescer: merging rules and the per-interval send budget, on a fake clock."""

from __future__ import annotations

import pytest

from respnb._view_state import Coalescer, Patch, ResponseViewState
from tests.core.streams import text_stream

from .jsstore import events_of, replay_steps


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def _delta(index: int, text: str, field: str = "text", part: int = 0) -> Patch:
    return {"op": "delta", "index": index, "field": field, "part": part, "delta": text}


def test_consecutive_deltas_merge_and_wait_for_the_interval() -> None:
    clock, sent = FakeClock(), []
    c = Coalescer(sent.append, interval=0.1, min_bytes=0, clock=clock)
    assert c.push([_delta(0, "a")])  # the first push goes out at once
    assert not c.push([_delta(0, "b")])
    assert not c.push([_delta(0, "c")])
    assert len(sent) == 1 and c.pending == [_delta(0, "bc")]
    clock.now += 0.05
    assert not c.push([_delta(0, "d")])
    clock.now += 0.05
    assert c.push([_delta(0, "e")])
    assert sent == [[_delta(0, "a")], [_delta(0, "bcde")]]


def test_different_targets_do_not_merge() -> None:
    clock, sent = FakeClock(), []
    c = Coalescer(sent.append, interval=1.0, clock=clock)
    c.push([_delta(0, "x")])
    c.push(
        [
            _delta(0, "a"),
            _delta(0, "b", part=1),
            _delta(0, "c", field="summary"),
            _delta(1, "d"),
            _delta(1, "e"),
        ]
    )
    c.flush()
    assert sent[1] == [
        _delta(0, "a"),
        _delta(0, "b", part=1),
        _delta(0, "c", field="summary"),
        _delta(1, "de"),
    ]


def test_header_usage_error_merge_into_one() -> None:
    clock, sent = FakeClock(), []
    c = Coalescer(sent.append, interval=1.0, clock=clock)
    c.push([_delta(0, "x")])
    c.push(
        [
            {"op": "header", "status": "queued"},
            _delta(0, "y"),
            {"op": "header", "status": "in_progress", "id": "r"},
            {"op": "usage", "output_tokens": 1},
            {"op": "usage", "output_tokens": 2},
        ]
    )
    c.flush()
    assert sent[1] == [
        {"op": "header", "status": "in_progress", "id": "r"},
        _delta(0, "y"),
        {"op": "usage", "output_tokens": 2},
    ]


def test_flush_with_nothing_pending_sends_nothing() -> None:
    sent: list[list[Patch]] = []
    c = Coalescer(sent.append, clock=FakeClock())
    c.flush()
    assert sent == [] and c.due_in() == 0.0


def test_small_text_waits_for_min_bytes_or_max_wait() -> None:
    clock, sent = FakeClock(), []
    c = Coalescer(sent.append, interval=0.05, min_bytes=10, max_wait=0.5, clock=clock)
    c.push([_delta(0, "first")])
    clock.now += 0.1
    assert not c.push([_delta(0, "abc")])  # interval passed, but 3 bytes are not worth a send
    assert c.next_flush_in() == pytest.approx(0.4)
    clock.now += 0.1
    assert c.push([_delta(0, "defghijk")])  # 11 bytes: due
    clock.now += 0.1
    assert not c.push([_delta(0, "x")])
    clock.now += 0.4
    assert c.next_flush_in() == 0.0 and c.push([])  # max_wait passed
    clock.now += 0.06
    assert c.push([{"op": "done", "index": 0}])  # structure changes go out at the interval
    assert [len(b) for b in sent] == [1, 1, 1, 1]
    assert sent[1] == [_delta(0, "abcdefghijk")]


def test_budget_of_30_batches_per_second_over_a_simulated_stream() -> None:
    clock, sent = FakeClock(), []
    c = Coalescer(sent.append, interval=1 / 30, clock=clock)
    state = ResponseViewState()
    events = events_of(text_stream(3000))
    for event in events:  # 3000 tokens arriving at 1000 tokens/s -> about 3 simulated seconds
        clock.now += 0.001
        c.push(state.apply(event))
    c.flush()
    seconds = len(events) * 0.001
    assert len(sent) <= seconds * 30 + 2
    assert len(sent) >= seconds * 30 * 0.8  # and it does keep streaming
    assert (
        replay_steps([[p for b in sent for p in b]])[-1][0]["item"]["content"][0]["text"]
        == state.text
    )
