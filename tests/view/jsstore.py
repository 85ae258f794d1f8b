"""The front end's own store (js/rv_store.js) run under node, for Python tests.

``replay(messages)`` feeds the custom messages a ResponseView sent through the real Store (as
the browser would, sequence checks included) and returns its snapshot; ``replay_steps`` applies
batches of patches and returns the snapshot after each. Both compare directly with
``ResponseViewState.snapshot_blocks()``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from respnb.types import StreamEvent, parse_event
from tests.core.streams import StreamBuilder

JS = Path(__file__).resolve().parents[2] / "js"
NODE = shutil.which("node")


def _run(payload: Any) -> Any:
    if NODE is None:
        pytest.skip("node is not installed")
    proc = subprocess.run(
        [NODE, str(JS / "test" / "replay.mjs")],
        input=json.dumps(payload),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(proc.stdout)


def replay(messages: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The store's blocks after the custom messages (reset / patches), in order."""
    result: list[dict[str, Any]] = _run(json.loads(json.dumps(messages)))
    return result


def replay_steps(steps: list[list[Any]]) -> list[list[dict[str, Any]]]:
    """The store's blocks after each batch of patches."""
    result: list[list[dict[str, Any]]] = _run({"steps": json.loads(json.dumps(steps))})
    return result


def as_messages(batches: list[list[Any]]) -> list[dict[str, Any]]:
    """Batches of wire patches as the sequenced messages a view sends."""
    return [
        {"kind": "patches", "seq": i, "patches": batch} for i, batch in enumerate(batches, start=1)
    ]


def events_of(builder: StreamBuilder) -> list[StreamEvent]:
    return [parse_event(e) for e in builder.events]


def full_mix() -> StreamBuilder:
    """One of every streamed item kind, with annotations and a refusal."""
    ann = [
        {
            "type": "url_citation",
            "url": "https://example.org/a",
            "title": "Example",
            "start_index": 0,
            "end_index": 5,
        }
    ]
    return (
        StreamBuilder("resp_mix_000001")
        .created()
        .reasoning([["Let me ", "think."], ["Second ", "thought."]], raw=["raw ", "chain"])
        .message(
            ["Hello ", "**world**", "\n\n| a | b |\n|---|---|\n| 1 | 2 |\n"],
            annotations=ann,
            refusal=["I can", "not"],
        )
        .function_call("get_weather", ['{"city": ', '"Paris"}'])
        .custom_tool_call("run", ["print(", "1)"])
        .web_search("weather paris")
        .file_search(["report q3"])
        .code_interpreter(["x = ", "1\nprint(x)"])
        .image_generation(["QUFBQUFBQUFBQUFBQUFBQUFB"], "QkJCQkJCQkJCQkJCQkJCQkJC")
        .mcp("deepwiki", "ask", ['{"q": ', '"x"}'], "answer")
        .completed()
    )
