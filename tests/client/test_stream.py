"""Streaming: terminal events, [DONE], bare EOF, failures keep output, resume, auto-resume."""

from __future__ import annotations

import json

import httpx
import pytest

import respnb
from respnb._accumulator import ResponseAccumulator
from respnb.types import OutputTextDeltaEvent

from .support import DroppingStream, response_json, sse_bytes, sse_response, text_events


async def test_stream_happy_path(make_client, recorder):
    client = make_client()
    recorder.queue.append(sse_response(sse_bytes(text_events())))
    async with client.responses.stream(model="m", input="hi") as stream:
        types = [e.type async for e in stream]
        assert stream.cursor == 6
        assert stream.response_id == "resp_1"
        final = await stream.get_final_response()
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert final.output_text == "Hello" and final.status == "completed"
    body = recorder.json_body()
    assert body["stream"] is True
    assert recorder.last.headers["accept"] == "text/event-stream"


async def test_stream_stops_at_first_terminal_event(make_client, recorder):
    client = make_client()
    events = text_events()
    extra = {
        "type": "response.output_text.delta",
        "item_id": "msg_1",
        "output_index": 0,
        "content_index": 0,
        "delta": "IGNORED",
        "sequence_number": 99,
    }
    recorder.queue.append(sse_response(sse_bytes([*events, extra])))
    async with client.responses.stream(model="m", input="hi") as stream:
        seen = [e async for e in stream]
    assert len(seen) == len(events)
    assert "IGNORED" not in stream.snapshot().output_text


async def test_create_stream_true_returns_open_stream(make_client, recorder):
    client = make_client()
    recorder.queue.append(sse_response(sse_bytes(text_events(), done=True)))
    stream = await client.responses.create(model="m", input="hi", stream=True)
    assert isinstance(stream, respnb.AsyncResponseStream)
    deltas = [d async for d in stream.text_deltas()]
    assert deltas == ["Hel", "lo"]
    await stream.close()


async def test_done_sentinel_and_bare_eof_end_quietly(make_client, recorder):
    client = make_client()
    partial = text_events(end="none")
    # [DONE] without terminal event
    recorder.queue.append(sse_response(sse_bytes(partial, done=True)))
    async with client.responses.stream(model="m", input="hi") as s:
        final = await s.get_final_response()
    assert final.output_text == "Hello" and s.done
    # bare EOF, last event without its closing blank line
    body = sse_bytes(partial).rstrip(b"\n")
    recorder.queue.append(sse_response(body))
    async with client.responses.stream(model="m", input="hi") as s:
        final = await s.get_final_response()
    assert final.output_text == "Hello"


@pytest.mark.parametrize("end", ["failed", "error", "incomplete"])
async def test_failed_stream_keeps_partial_output(make_client, recorder, end):
    client = make_client()
    recorder.queue.append(sse_response(sse_bytes(text_events(end=end))))
    async with client.responses.stream(model="m", input="hi") as s:
        final = await s.get_final_response()
    assert "Hello" in s.text
    assert final.output, "partial output lost"
    if end == "incomplete":
        assert final.status == "incomplete"
        assert final.incomplete_details is not None
    else:
        assert final.status == "failed"
        assert final.error is not None and final.error.message in ("boom", "kaput")


async def test_malformed_event_raises_stream_error_with_text(make_client, recorder):
    client = make_client()
    good = sse_bytes(text_events(end="none")[:3])
    recorder.queue.append(sse_response(good + b"event: x\ndata: {not json\n\n"))
    async with client.responses.stream(model="m", input="hi") as s:
        with pytest.raises(respnb.StreamError) as info:
            async for _ in s:
                pass
    assert info.value.text == "{not json"
    assert s.snapshot().id == "resp_1"


async def test_http_error_before_first_byte_is_retried_then_streams(
    make_client, recorder, fake_sleep
):
    client = make_client()
    recorder.queue += [
        httpx.Response(503, json={"error": {"message": "busy"}}),
        sse_response(sse_bytes(text_events())),
    ]
    async with client.responses.stream(model="m", input="hi") as s:
        final = await s.get_final_response()
    assert final.output_text == "Hello"
    assert len(recorder.requests) == 2 and len(fake_sleep.delays) == 1
    keys = {r.headers["idempotency-key"] for r in recorder.requests}
    assert len(keys) == 1


async def test_stream_http_error_raises_typed(make_client, recorder):
    client = make_client(max_retries=0)
    recorder.queue.append(httpx.Response(400, json={"error": {"message": "bad input"}}))
    with pytest.raises(respnb.BadRequestError, match="bad input"):
        async with client.responses.stream(model="m", input="hi"):
            pass


async def test_resume_query_and_drops_replayed_events(make_client, recorder):
    client = make_client()
    # the server ignores starting_after and replays everything
    recorder.queue.append(sse_response(sse_bytes(text_events(deltas=("A", "B", "C")))))
    seen = []
    async with client.responses.resume("resp_1", after=5) as s:
        async for e in s:
            seen.append(e.sequence_number)
    req = recorder.last
    assert req.method == "GET" and req.url.path == "/v1/responses/resp_1"
    assert req.url.params.get("stream") == "true"
    assert req.url.params.get("starting_after") == "5"
    assert seen == [6, 7]
    assert s.cursor == 7


async def test_resume_continues_an_accumulator(make_client, recorder):
    client = make_client()
    events = text_events(deltas=("one ", "two"))
    acc = ResponseAccumulator()
    for e in events[:5]:  # up to the first delta
        acc.feed(respnb.types.parse_event(e))
    recorder.queue.append(sse_response(sse_bytes(events)))
    async with client.responses.resume("resp_1", after=acc.cursor, accumulator=acc) as s:
        final = await s.get_final_response()
    assert final.output_text == "one two"


async def test_auto_resume_after_drop(make_client, recorder, fake_sleep):
    client = make_client()
    events = text_events(deltas=("a", "b", "c"))
    first = httpx.Response(
        200,
        headers={"content-type": "text/event-stream"},
        stream=DroppingStream(sse_bytes(events[:5])),
    )
    recorder.queue += [first, sse_response(sse_bytes(events))]  # 2nd: full replay
    async with client.responses.stream(model="m", input="x", background=True) as s:
        deltas = [e.delta async for e in s if isinstance(e, OutputTextDeltaEvent)]
    assert deltas == ["a", "b", "c"]
    assert s.resumes == 1
    resume_req = recorder.requests[1]
    assert resume_req.method == "GET"
    assert resume_req.url.params.get("starting_after") == "4"
    assert s.snapshot().output_text == "abc"


async def test_foreground_drop_raises_but_keeps_snapshot(make_client, recorder):
    client = make_client()
    events = text_events()
    recorder.queue.append(
        httpx.Response(
            200,
            headers={"content-type": "text/event-stream"},
            stream=DroppingStream(sse_bytes(events[:5])),
        )
    )
    async with client.responses.stream(model="m", input="x") as s:
        with pytest.raises(respnb.APIConnectionError, match="resume"):
            async for _ in s:
                pass
    assert s.snapshot().output_text == "Hel"
    assert s.cursor == 4
    assert len(recorder.requests) == 1


async def test_server_answering_json_instead_of_sse(make_client, recorder):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=response_json(text="whole")))
    async with client.responses.stream(model="m", input="x") as s:
        events = [e async for e in s]
    assert [e.type for e in events] == ["response.completed"]
    assert s.snapshot().output_text == "whole"


async def test_close_midway_keeps_snapshot(make_client, recorder):
    client = make_client()
    recorder.queue.append(sse_response(sse_bytes(text_events())))
    async with client.responses.stream(model="m", input="x") as s:
        async for e in s:
            if e.type == "response.output_text.delta":
                break
        await s.close()
        assert s.done
        assert [e async for e in s] == []
    assert s.snapshot().output_text == "Hel"


def test_sse_helper_sanity():
    body = sse_bytes(text_events()[:1])
    assert body.startswith(b"event: response.created\ndata: ")
    assert json.loads(body.split(b"data: ")[1])["sequence_number"] == 0
