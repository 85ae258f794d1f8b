"""``client.responses`` (non-streaming calls) through MockTransport."""

from __future__ import annotations

import json

import httpx
import pytest

import respnb
from respnb.types import FunctionCallOutput, Message

from .support import BASE, SECRET, response_json


async def test_create_path_body_headers(make_client, recorder):
    client = make_client(default_headers={"X-Custom": "1"})
    recorder.queue.append(httpx.Response(200, json=response_json(text="yo")))
    r = await client.responses.create(
        model="gpt-x",
        input="hello",
        temperature=0.2,
        instructions=None,
        extra_body={"foo": "bar"},
        extra_headers={"X-Extra": "2"},
        extra_query={"api-version": "1"},
    )
    req = recorder.last
    assert req.method == "POST"
    assert str(req.url) == f"{BASE}/responses?api-version=1"
    assert req.headers["authorization"] == f"Bearer {SECRET}"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["x-custom"] == "1" and req.headers["x-extra"] == "2"
    assert req.headers["user-agent"].startswith("respnb/")
    assert recorder.json_body() == {
        "model": "gpt-x",
        "input": "hello",
        "temperature": 0.2,
        "foo": "bar",
    }
    assert r.output_text == "yo"


async def test_create_background_sends_store(make_client, recorder):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=response_json(status="queued", text="")))
    r = await client.responses.create(model="m", input="x", background=True)
    assert recorder.json_body() == {"model": "m", "input": "x", "background": True, "store": True}
    assert r.status == "queued"


async def test_previous_response_id_and_conversation_conflict(make_client):
    client = make_client()
    with pytest.raises(ValueError, match="conversation"):
        await client.responses.create(
            model="m", input="x", previous_response_id="r", conversation="conv_1"
        )


async def test_retrieve_include_and_cancel_delete(make_client, recorder):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=response_json()),
        httpx.Response(200, json=response_json(status="cancelled")),
        httpx.Response(200, json={"id": "resp_1", "object": "response", "deleted": True}),
    ]
    await client.responses.retrieve("resp_1", include=["a.b", "c"])
    assert recorder.last.url.path == "/v1/responses/resp_1"
    assert recorder.last.url.query == b"include%5B%5D=a.b&include%5B%5D=c"
    assert recorder.last.url.params.get_list("include[]") == ["a.b", "c"]
    c = await client.responses.cancel("resp_1")
    assert (recorder.last.method, recorder.last.url.path) == ("POST", "/v1/responses/resp_1/cancel")
    assert c.status == "cancelled"
    d = await client.responses.delete("resp_1")
    assert recorder.last.method == "DELETE" and d.deleted and d.id == "resp_1"


async def test_input_items_auto_paginates(make_client, recorder):
    client = make_client()
    msg = {"type": "message", "role": "user", "content": "a", "id": "m1"}
    out = {"type": "function_call_output", "call_id": "c", "output": "1", "id": "m2"}
    recorder.queue += [
        httpx.Response(
            200,
            json={
                "object": "list",
                "data": [msg],
                "first_id": "m1",
                "last_id": "m1",
                "has_more": True,
            },
        ),
        httpx.Response(
            200,
            json={
                "object": "list",
                "data": [out],
                "first_id": "m2",
                "last_id": "m2",
                "has_more": False,
            },
        ),
    ]
    items = [
        i async for i in client.responses.input_items("resp_1", order="asc", limit=1, include=["x"])
    ]
    assert isinstance(items[0], Message) and isinstance(items[1], FunctionCallOutput)
    q1, q2 = (r.url.params for r in recorder.requests)
    assert q1.get("order") == "asc" and q1.get("limit") == "1" and "after" not in q1
    assert q1.get_list("include[]") == ["x"]
    assert q2.get("after") == "m1"
    with pytest.raises(ValueError, match="limit"):
        client.responses.input_items("resp_1", limit=500)


async def test_input_items_await_gives_first_page(make_client, recorder):
    client = make_client()
    recorder.queue.append(
        httpx.Response(200, json={"data": [], "has_more": False, "object": "list"})
    )
    page = await client.responses.input_items("resp_1")
    assert page.data == [] and not page.has_more


async def test_input_tokens(make_client, recorder):
    client = make_client()
    recorder.queue.append(
        httpx.Response(200, json={"object": "response.input_tokens", "input_tokens": 17})
    )
    n = await client.responses.input_tokens(model="m", input="hello", background=True)
    assert n == 17
    assert recorder.last.url.path == "/v1/responses/input_tokens"
    assert recorder.json_body() == {"model": "m", "input": "hello"}


async def test_wait_polls_with_backoff_until_terminal(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=response_json(status="queued", text="")),
        httpx.Response(200, json=response_json(status="in_progress", text="")),
        httpx.Response(200, json=response_json(status="in_progress", text="")),
        httpx.Response(200, json=response_json(status="completed", text="done")),
    ]
    r = await client.responses.wait("resp_1", poll_interval=1.0, max_poll_interval=2.0)
    assert r.output_text == "done"
    assert fake_sleep.delays == [1.0, 1.5, 2.0]


async def test_wait_stops_on_requires_input(make_client, recorder):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=response_json(status="running", text="")),
        httpx.Response(200, json=response_json(status="pending", text="which?")),
    ]
    r = await client.responses.wait("task_1")
    assert r.normalized_status == "requires_input"
    assert len(recorder.requests) == 2


async def test_wait_confirms_cancelled(make_client, recorder):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=response_json(status="cancelled", text="")),
        httpx.Response(200, json=response_json(status="completed", text="late")),
    ]
    r = await client.responses.wait("resp_1")
    assert r.status == "completed"


async def test_wait_timeout_carries_last_response(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.handler = lambda req: httpx.Response(
        200, json=response_json(status="in_progress", text="")
    )
    with pytest.raises(respnb.WaitTimeoutError) as info:
        await client.responses.wait("resp_1", timeout=5.0, poll_interval=2.0)
    assert isinstance(info.value, TimeoutError)
    assert info.value.response is not None and info.value.response.status == "in_progress"
    assert sum(fake_sleep.delays) == pytest.approx(5.0)


async def test_create_body_is_json_not_form(make_client, recorder):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=response_json()))
    inp = [{"role": "user", "content": [{"type": "input_text", "text": "é"}]}]
    await client.responses.create(model="m", input=inp)
    assert json.loads(recorder.bodies[-1])["input"] == inp


async def test_auto_resume_is_not_sent_as_a_body_field(make_client, recorder):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=response_json()))
    await client.responses.create(model="m", input="x", auto_resume=True)
    assert "auto_resume" not in recorder.json_body()
