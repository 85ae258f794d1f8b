"""Stream semantics against what real servers send: sparse sequence numbers, JSON answers to a
streaming request, final items that leave streamed fields empty, failed resumes, errors that
say what to switch off."""

from __future__ import annotations

import httpx
import pytest

import respnb
from respnb.types import OutputItemEvent

from .support import DroppingStream, response_json, sse_bytes, sse_response, text_events


def _dropping(body: bytes) -> httpx.Response:
    return httpx.Response(
        200, headers={"content-type": "text/event-stream"}, stream=DroppingStream(body)
    )


async def test_sparse_sequence_numbers_are_not_taken_for_replays(make_client, recorder):
    # LiteLLM numbers ... 9, 10 and then starts again at 1: no reconnect happened, keep all
    events = text_events(deltas=("a", "b"))
    done = {
        "type": "response.output_item.done",
        "output_index": 0,
        "item": response_json(text="ab")["output"][0],
    }
    events.insert(-1, done)
    numbers = [9, 10, 11, 12, 13, 14, 1, 2]
    for event, seq in zip(events, numbers, strict=True):
        event["sequence_number"] = seq
    recorder.queue.append(sse_response(sse_bytes(events)))
    client = make_client()
    async with client.responses.stream(model="m", input="x") as s:
        seen = [e async for e in s]
    assert any(
        isinstance(e, OutputItemEvent) and e.type == "response.output_item.done" for e in seen
    )
    assert seen[-1].type == "response.completed"
    assert len(seen) == len(events)


async def test_explicit_after_still_drops_replayed_events(make_client, recorder):
    recorder.queue.append(sse_response(sse_bytes(text_events(deltas=("a", "b", "c")))))
    client = make_client()
    async with client.responses.resume("resp_1", after=4) as s:
        deltas = [e.delta async for e in s if e.type == "response.output_text.delta"]
    assert deltas == ["b", "c"]  # up to 4 were already seen by the caller


def _queued() -> httpx.Response:
    return httpx.Response(200, json=response_json(status="queued", text=""))


async def test_queued_json_answer_is_resumed_when_the_server_can(make_client, recorder):
    recorder.queue += [_queued(), sse_response(sse_bytes(text_events(deltas=("x", "y"))))]
    client = make_client()
    async with client.responses.stream(model="m", input="x", background=True) as s:
        final = await s.get_final_response()
    assert final.status == "completed" and final.output_text == "xy"
    assert recorder.requests[1].method == "GET"
    assert recorder.requests[1].url.params["stream"] == "true"


async def test_queued_json_answer_is_waited_for_without_resume(make_client, recorder, fake_sleep):
    recorder.queue += [
        _queued(),
        httpx.Response(200, json=response_json(status="in_progress", text="")),
        httpx.Response(200, json=response_json(text="done")),
    ]
    client = make_client(capabilities={"resume": False})
    async with client.responses.stream(model="m", input="x", background=True) as s:
        types = [e.type async for e in s]
    assert types == ["response.queued", "response.completed"]
    assert s.snapshot().output_text == "done"
    assert [r.method for r in recorder.requests] == ["POST", "GET", "GET"]
    assert "stream" not in recorder.requests[1].url.params
    assert fake_sleep.delays  # waited between polls, without sleeping for real


async def test_queued_json_answer_without_resume_or_retrieve_names_wait(make_client, recorder):
    recorder.queue.append(_queued())
    client = make_client(capabilities={"resume": False, "retrieve": False})
    async with client.responses.stream(model="m", input="x") as s:
        with pytest.raises(respnb.StreamError, match=r"responses\.wait\('resp_1'\)"):
            async for _ in s:
                pass
    assert s.snapshot().status == "queued"


def _reasoning_stream() -> list[dict]:
    base = response_json(status="in_progress", text="")
    annotation = {"type": "url_citation", "url": "https://x.test", "title": "X"}
    annotation.update(start_index=0, end_index=1)
    events: list[dict] = [
        {"type": "response.created", "response": base},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"type": "reasoning", "id": "rs_1", "summary": []},
        },
        {
            "type": "response.reasoning_summary_text.delta",
            "item_id": "rs_1",
            "output_index": 0,
            "summary_index": 0,
            "delta": "Thinking hard",
        },
        {
            "type": "response.output_item.added",
            "output_index": 1,
            "item": {"type": "function_call", "id": "fc_1", "call_id": "c1", "name": "f"},
        },
        {
            "type": "response.function_call_arguments.delta",
            "item_id": "fc_1",
            "output_index": 1,
            "delta": '{"a": 1}',
        },
        {
            "type": "response.output_text.delta",
            "item_id": "msg_1",
            "output_index": 2,
            "content_index": 0,
            "delta": "Hi",
        },
        {
            "type": "response.output_text.annotation.added",
            "item_id": "msg_1",
            "output_index": 2,
            "content_index": 0,
            "annotation_index": 0,
            "annotation": annotation,
        },
    ]
    # a slimmed completed: the summary left empty (its text under content), no arguments,
    # no annotations
    completed = response_json(text="")
    completed["output"] = [
        {
            "type": "reasoning",
            "id": "rs_1",
            "summary": [],
            "content": [{"type": "reasoning_text", "text": "Thinking hard"}],
        },
        {"type": "function_call", "id": "fc_1", "call_id": "c1", "name": "f", "arguments": ""},
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "Hi", "annotations": []}],
        },
    ]
    events.append({"type": "response.completed", "response": completed})
    for i, e in enumerate(events):
        e["sequence_number"] = i
    return events


async def test_final_response_never_erases_what_streamed(make_client, recorder):
    recorder.queue.append(sse_response(sse_bytes(_reasoning_stream())))
    client = make_client()
    async with client.responses.stream(model="m", input="x") as s:
        final = await s.get_final_response()
    reasoning, call, message = final.output
    assert reasoning.summary[0].text == "Thinking hard"
    assert reasoning.content[0].text == "Thinking hard"  # the server's field is kept too
    assert call.arguments == '{"a": 1}'
    assert message.content[0].annotations[0].url == "https://x.test"
    assert final.output_text == "Hi"


async def test_failed_auto_resume_keeps_the_drop_and_the_partial_answer(make_client, recorder):
    events = text_events(deltas=("a", "b", "c"))
    recorder.queue += [
        _dropping(sse_bytes(events[:5])),
        httpx.Response(404, json={"detail": "Not Found"}),
    ]
    client = make_client()
    async with client.responses.stream(model="m", input="x", background=True) as s:
        with pytest.raises(respnb.StreamInterruptedError) as info:
            async for _ in s:
                pass
    err = info.value
    assert isinstance(err.__cause__, httpx.ReadError)
    assert isinstance(err.resume_error, respnb.NotFoundError)
    assert err.snapshot is not None and err.snapshot.output_text == "a"
    assert err.response_id == "resp_1" and err.cursor == 4
    assert "resuming it failed" in str(err)
    assert "responses.resume('resp_1', after=4)" in str(err)


@pytest.mark.parametrize(
    ("background", "caps", "numbered", "expect"),
    [
        (False, {}, True, "foreground response stops"),
        (True, {"resume": False}, True, "responses.wait('resp_1')"),
        (True, {}, False, "responses.wait('resp_1')"),
    ],
    ids=["foreground", "resume-off", "no-cursor"],
)
async def test_drop_advice_fits_what_the_profile_can_do(
    make_client, recorder, background, caps, numbered, expect
):
    events = text_events()[:5]
    if not numbered:
        for e in events:
            del e["sequence_number"]
    recorder.queue.append(_dropping(sse_bytes(events)))
    client = make_client(capabilities=caps)
    stream = client.responses.stream(model="m", input="x", background=background)
    stream.auto_resume = False
    async with stream as s:
        with pytest.raises(respnb.StreamInterruptedError) as info:
            async for _ in s:
                pass
    assert expect in str(info.value)
    assert "responses.resume(" not in str(info.value)
    assert info.value.snapshot is not None and info.value.snapshot.output_text == "Hel"


async def test_missing_endpoint_error_names_method_path_and_capability(make_client, recorder):
    recorder.queue.append(httpx.Response(404, json={"detail": "Not Found"}))
    client = make_client("compatible")
    with pytest.raises(respnb.NotFoundError) as info:
        await client.responses.input_items("resp_9").first_page()
    text = str(info.value)
    assert "404" in text and "GET /v1/responses/resp_9/input_items" in text
    assert "capabilities={'input_items': False}" in text
    assert info.value.feature == "input_items"


async def test_method_not_allowed_on_cancel_names_cancel(make_client, recorder):
    recorder.queue.append(httpx.Response(405, text="Method Not Allowed"))
    client = make_client("compatible")
    with pytest.raises(respnb.APIStatusError) as info:
        await client.responses.cancel("resp_9")
    assert "POST /v1/responses/resp_9/cancel" in str(info.value)
    assert "'cancel': False" in str(info.value)


async def test_a_missing_object_is_not_blamed_on_the_endpoint(make_client, recorder):
    body = {"error": {"message": "No response with id 'resp_9' found.", "code": "not_found"}}
    recorder.queue.append(httpx.Response(404, json=body))
    client = make_client()
    with pytest.raises(respnb.NotFoundError) as info:
        await client.responses.retrieve("resp_9")
    assert info.value.feature is None
    assert "capabilities" not in str(info.value)


async def test_string_status_codes_are_not_printed_twice(make_client, recorder):
    body = {"error": {"message": "bad model", "type": "invalid_request_error", "code": "400"}}
    recorder.queue.append(httpx.Response(400, json=body))
    client = make_client()
    with pytest.raises(respnb.BadRequestError) as info:
        await client.responses.create(model="m", input="x")
    assert str(info.value).startswith("Error code 400 (POST /v1/responses): bad model")
    assert "[400]" not in str(info.value)


async def test_output_item_done_keeps_streamed_annotations(make_client, recorder):
    events = _reasoning_stream()
    done = {
        "type": "response.output_item.done",
        "output_index": 2,
        "item": {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "Hi", "annotations": []}],
        },
    }
    events.insert(-1, done)
    completed = events[-1]["response"]
    completed["output"] = []  # a slimmed completed: the items only streamed
    for i, e in enumerate(events):
        e["sequence_number"] = i
    recorder.queue.append(sse_response(sse_bytes(events)))
    client = make_client()
    async with client.responses.stream(model="m", input="x") as s:
        final = await s.get_final_response()
    message = final.output[2]
    assert message.status == "completed"
    assert message.content[0].annotations[0].url == "https://x.test"
    assert final.output[0].summary[0].text == "Thinking hard"
