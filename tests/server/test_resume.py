"""Killing streams part-way and resuming them: zero events lost, none duplicated."""

from __future__ import annotations

import json

import httpx
import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer
from tests.waiting import wait_until

from .conftest import check_event


def _sse_events(lines: list[str]) -> list[dict[str, object]]:
    out: list[dict[str, object]] = []
    kind = None
    for line in lines:
        if line.startswith("event: "):
            kind = line[7:]
        elif line.startswith("data: "):
            data = json.loads(line[6:])
            assert data["type"] == kind
            out.append(data)
    return out


def _wait_terminal(client: OpenAI, rid: str) -> str:
    return str(
        wait_until(
            lambda: client.responses.retrieve(rid).status,
            what=f"response {rid} terminal",
            accept=lambda status: status not in ("queued", "in_progress"),
        )
    )


@pytest.mark.parametrize("k", [1, 7, 40])
def test_sdk_client_closes_then_resumes(client: OpenAI, k: int) -> None:
    stream = client.responses.create(
        model="respnb-demo",
        input="Describe the water cycle in detail",
        background=True,
        stream=True,
        metadata={"respnb_pace": "2000"},
    )
    first = []
    for event in stream:
        first.append(event)
        if len(first) == k:
            break
    stream.close()  # the client goes away part-way
    cursor = first[-1].sequence_number
    rid = first[0].response.id
    rest = list(client.responses.retrieve(rid, stream=True, starting_after=cursor))
    seqs = [e.sequence_number for e in first] + [e.sequence_number for e in rest]
    assert seqs == list(range(len(seqs))), "events lost or duplicated"
    assert rest[-1].type == "response.completed"
    text = "".join(e.delta for e in [*first, *rest] if e.type == "response.output_text.delta")
    assert text == rest[-1].response.output_text
    full = list(client.responses.retrieve(rid, stream=True))
    assert [e.model_dump() for e in full] == [e.model_dump() for e in [*first, *rest]]


def test_injected_drop_then_resume(server: RunningServer, http: httpx.Client) -> None:
    body = {
        "model": "respnb-demo",
        "input": "Tell me about volcanoes",
        "background": True,
        "stream": True,
    }
    lines: list[str] = []
    with (
        http.stream(
            "POST", "/responses", json=body, headers={"x-respnb-fault": "drop_after=5"}
        ) as r,
        pytest.raises(httpx.RemoteProtocolError),
    ):
        lines.extend(r.iter_lines())
    got = _sse_events(lines)
    assert [e["sequence_number"] for e in got] == [0, 1, 2, 3, 4]
    rid = got[0]["response"]["id"]  # type: ignore[index]
    with http.stream(
        "GET", f"/responses/{rid}", params={"stream": "true", "starting_after": 4}
    ) as r:
        rest = _sse_events(list(r.iter_lines()))
    seqs = [e["sequence_number"] for e in got + rest]
    assert seqs == list(range(len(seqs)))
    assert rest[-1]["type"] == "response.completed"
    for e in got + rest:
        check_event(e)


def test_replay_drop_fault_on_get(http: httpx.Client, client: OpenAI) -> None:
    bg = client.responses.create(model="respnb-demo", input="hello", background=True)
    assert _wait_terminal(client, bg.id) == "completed"
    lines: list[str] = []
    with (
        pytest.raises(httpx.RemoteProtocolError),
        http.stream(
            "GET", f"/responses/{bg.id}?stream=true", headers={"x-respnb-fault": "drop_after=3"}
        ) as r,
    ):
        lines.extend(r.iter_lines())
    assert [e["sequence_number"] for e in _sse_events(lines)] == [0, 1, 2]


def test_foreground_disconnect_stops_generation(client: OpenAI) -> None:
    stream = client.responses.create(model="respnb-slow", input="A long story", stream=True)
    rid = None
    for event in stream:
        rid = event.response.id  # type: ignore[union-attr]
        break
    stream.close()
    assert rid is not None
    assert _wait_terminal(client, rid) == "cancelled"


def test_many_followers_see_identical_streams(client: OpenAI) -> None:
    bg = client.responses.create(
        model="respnb-demo",
        input="Explain rainbows",
        background=True,
        metadata={"respnb_pace": "4000"},
    )
    a = list(client.responses.retrieve(bg.id, stream=True))
    b = list(client.responses.retrieve(bg.id, stream=True, starting_after=-1))
    assert [e.model_dump() for e in a] == [e.model_dump() for e in b]
    assert a[-1].type == "response.completed"
