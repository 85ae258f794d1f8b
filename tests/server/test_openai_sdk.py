"""The official openai SDK, a client no one here wrote, against the running local server."""

from __future__ import annotations

import json

import httpx
import openai
import pytest
from openai import OpenAI
from pydantic import BaseModel

from respnb.server.launch import RunningServer
from tests.waiting import wait_until

from .conftest import check_event, check_response


def _wait(client: OpenAI, rid: str) -> object:
    return wait_until(
        lambda: client.responses.retrieve(rid),
        what=f"response {rid} terminal",
        accept=lambda resp: resp.status not in ("queued", "in_progress"),
    )


def test_create_plain(client: OpenAI) -> None:
    resp = client.responses.create(
        model="respnb-demo", input="Compare tea and coffee", instructions="Be brief."
    )
    assert resp.status == "completed"
    assert resp.object == "response"
    assert "tea and coffee" in resp.output_text.lower()
    assert resp.instructions == "Be brief."
    assert resp.usage is not None
    assert resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens
    assert resp.usage.output_tokens > 0
    check_response(resp.model_dump(mode="json"))
    again = client.responses.retrieve(resp.id)
    assert again.output_text == resp.output_text


def test_stream_canonical_order(client: OpenAI) -> None:
    events = list(client.responses.create(model="respnb-demo", input="Say hi", stream=True))
    types = [e.type for e in events]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert types[:4] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert set(types[4:-4]) == {"response.output_text.delta"}
    deltas = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    final = events[-1].response
    assert final.output_text == deltas
    for e in events:
        check_event(e.model_dump(mode="json"))
    stored = client.responses.retrieve(final.id)
    assert stored.output_text == deltas


def test_stream_helper_with_reasoning(client: OpenAI) -> None:
    with client.responses.stream(
        model="respnb-demo", input="Plan a trip", reasoning={"effort": "low", "summary": "auto"}
    ) as stream:
        seen = [e.type for e in stream]
        final = stream.get_final_response()
    assert [o.type for o in final.output] == ["reasoning", "message"]
    assert "response.reasoning_summary_text.delta" in seen
    assert final.output[0].summary  # type: ignore[union-attr]


def test_background_poll_and_replay(client: OpenAI) -> None:
    bg = client.responses.create(model="respnb-demo", input="Write about otters", background=True)
    assert bg.status == "queued"
    assert bg.background is True
    done = _wait(client, bg.id)
    assert done.status == "completed"  # type: ignore[attr-defined]
    replay = list(client.responses.retrieve(bg.id, stream=True))
    types = [e.type for e in replay]
    assert types[:3] == ["response.created", "response.queued", "response.in_progress"]
    assert replay[0].response.status == "queued"
    assert types[-1] == "response.completed"
    assert [e.sequence_number for e in replay] == list(range(len(replay)))
    tail = list(client.responses.retrieve(bg.id, stream=True, starting_after=5))
    assert [e.sequence_number for e in tail] == list(range(6, len(replay)))
    assert [e.model_dump() for e in tail] == [e.model_dump() for e in replay[6:]]


def test_background_stream_follows_live(client: OpenAI) -> None:
    stream = client.responses.create(
        model="respnb-demo",
        input="Explain tides",
        background=True,
        stream=True,
        metadata={"respnb_pace": "3000"},
    )
    events = list(stream)
    assert events[0].type == "response.created"
    assert events[1].type == "response.queued"
    assert events[-1].type == "response.completed"
    assert events[-1].response.background is True


def test_cancel_background(client: OpenAI) -> None:
    bg = client.responses.create(model="respnb-slow", input="A very long essay", background=True)
    cancelled = client.responses.cancel(bg.id)
    assert cancelled.status == "cancelled"
    assert client.responses.retrieve(bg.id).status == "cancelled"
    again = client.responses.cancel(bg.id)  # finished: returned unchanged
    assert again.status == "cancelled"


def test_cancel_foreground_is_400_and_unknown_404(client: OpenAI) -> None:
    resp = client.responses.create(model="respnb-demo", input="hi")
    with pytest.raises(openai.BadRequestError):
        client.responses.cancel(resp.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.cancel("resp_does_not_exist")


def test_delete(client: OpenAI) -> None:
    resp = client.responses.create(model="respnb-demo", input="hi")
    client.responses.delete(resp.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(resp.id)
    with pytest.raises(openai.NotFoundError):
        client.responses.delete(resp.id)


def test_store_false_not_retrievable(client: OpenAI) -> None:
    resp = client.responses.create(model="respnb-demo", input="hi", store=False)
    assert resp.status == "completed"
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve(resp.id)


def test_input_items_pagination(client: OpenAI) -> None:
    msgs = [{"role": "user", "content": f"message {i}"} for i in range(5)]
    resp = client.responses.create(model="respnb-demo", input=msgs)  # type: ignore[arg-type]
    page = client.responses.input_items.list(resp.id, order="asc", limit=2)
    assert [i.content[0].text for i in page.data] == ["message 0", "message 1"]  # type: ignore[union-attr]
    assert page.has_more is True
    everything = [
        i.content[0].text for i in client.responses.input_items.list(resp.id, order="asc", limit=2)
    ]  # type: ignore[union-attr]
    assert everything == [f"message {i}" for i in range(5)]
    desc = client.responses.input_items.list(resp.id)
    assert desc.data[0].content[0].text == "message 4"  # type: ignore[union-attr]


def test_input_tokens(client: OpenAI) -> None:
    small = client.responses.input_tokens.count(model="respnb-demo", input="hi")
    big = client.responses.input_tokens.count(model="respnb-demo", input="hi " * 200)
    assert small.object == "response.input_tokens"
    assert 0 < small.input_tokens < big.input_tokens


def test_previous_response_chain_drops_instructions(client: OpenAI) -> None:
    first = client.responses.create(model="respnb-demo", input="My name is Ada.", instructions="X")
    second = client.responses.create(
        model="respnb-demo", input="What is my name?", previous_response_id=first.id
    )
    assert second.previous_response_id == first.id
    assert second.instructions is None
    assert second.usage.input_tokens > first.usage.input_tokens  # type: ignore[union-attr]


def test_conversations_and_items(client: OpenAI) -> None:
    conv = client.conversations.create(
        metadata={"topic": "demo"}, items=[{"type": "message", "role": "user", "content": "Hi"}]
    )
    assert conv.id.startswith("conv_")
    assert client.conversations.retrieve(conv.id).metadata == {"topic": "demo"}
    updated = client.conversations.update(conv.id, metadata={"topic": "new"})
    assert updated.metadata == {"topic": "new"}
    resp = client.responses.create(model="respnb-demo", input="Tell me more", conversation=conv.id)
    assert resp.conversation is not None and resp.conversation.id == conv.id
    items = list(client.conversations.items.list(conv.id, order="asc"))
    assert [i.type for i in items] == ["message", "message", "message"]
    assert items[-1].role == "assistant"  # type: ignore[union-attr]
    added = client.conversations.items.create(
        conv.id, items=[{"type": "message", "role": "user", "content": "More"}]
    )
    item_id = added.data[0].id
    assert client.conversations.items.retrieve(item_id, conversation_id=conv.id).id == item_id
    after_delete = client.conversations.items.delete(item_id, conversation_id=conv.id)
    assert after_delete.id == conv.id
    with pytest.raises(openai.NotFoundError):
        client.conversations.items.retrieve(item_id, conversation_id=conv.id)
    client.conversations.delete(conv.id)
    with pytest.raises(openai.NotFoundError):
        client.conversations.retrieve(conv.id)


def test_conversation_with_previous_id_is_400(client: OpenAI) -> None:
    conv = client.conversations.create()
    first = client.responses.create(model="respnb-demo", input="hi")
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="respnb-demo", input="x", conversation=conv.id, previous_response_id=first.id
        )
    assert err.value.body["param"] == "conversation"  # type: ignore[index]


def test_files(client: OpenAI) -> None:
    up = client.files.create(
        file=("notes.txt", b"otters hold hands while sleeping"), purpose="user_data"
    )
    assert up.filename == "notes.txt" and up.bytes == 32 and up.purpose == "user_data"
    assert client.files.retrieve(up.id).id == up.id
    assert client.files.content(up.id).content == b"otters hold hands while sleeping"
    assert up.id in [f.id for f in client.files.list()]
    vs = client.vector_stores.create(name="notes", file_ids=[up.id])
    resp = client.responses.create(
        model="respnb-demo",
        input="What do otters do?",
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
    )
    calls = [o for o in resp.output if o.type == "file_search_call"]
    assert calls, [o.type for o in resp.output]
    client.files.delete(up.id)
    with pytest.raises(openai.NotFoundError):
        client.files.retrieve(up.id)


def test_parse_with_pydantic(client: OpenAI) -> None:
    class Meeting(BaseModel):
        name: str
        day: str
        participants: list[str]

    resp = client.responses.parse(
        model="respnb-demo",
        input="Alice and Bob meet for the science fair on Friday.",
        text_format=Meeting,
    )
    parsed = resp.output_parsed
    assert isinstance(parsed, Meeting)
    assert Meeting.model_validate_json(resp.output_text) == parsed


def test_function_calling_round_trip(client: OpenAI) -> None:
    tools = [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather of a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
                "additionalProperties": False,
            },
            "strict": True,
        }
    ]
    first = client.responses.create(model="respnb-demo", input="Weather in Paris?", tools=tools)  # type: ignore[arg-type]
    call = next(o for o in first.output if o.type == "function_call")
    args = json.loads(call.arguments)  # type: ignore[union-attr]
    assert isinstance(args["city"], str)
    second = client.responses.create(
        model="respnb-demo",
        previous_response_id=first.id,
        tools=tools,  # type: ignore[arg-type]
        input=[
            {
                "type": "function_call_output",
                "call_id": call.call_id,  # type: ignore[union-attr]
                "output": json.dumps({"temperature_c": 17}),
            }
        ],
    )
    assert "17" in second.output_text


def test_health_and_request_id(server: RunningServer, http: httpx.Client) -> None:
    r = http.get("/health")
    assert r.json()["status"] == "ok"
    assert r.headers["x-request-id"].startswith("req_")
    assert server.base_url.endswith("/v1")


def test_max_output_tokens_incomplete(client: OpenAI) -> None:
    resp = client.responses.create(
        model="respnb-demo", input="Write a long essay about the sea", max_output_tokens=16
    )
    assert resp.status == "incomplete"
    assert resp.incomplete_details is not None
    assert resp.incomplete_details.reason == "max_output_tokens"
    assert resp.usage is not None and resp.usage.output_tokens <= 16
    events = list(
        client.responses.create(
            model="respnb-demo", input="Write a long essay", max_output_tokens=16, stream=True
        )
    )
    assert events[-1].type == "response.incomplete"


def test_get_stream_joins_a_live_run(client: OpenAI) -> None:
    bg = client.responses.create(
        model="respnb-demo",
        input="Explain photosynthesis",
        background=True,
        metadata={"respnb_pace": "400"},
    )
    live = client.responses.retrieve(bg.id)
    assert live.status in ("queued", "in_progress")
    events = list(client.responses.retrieve(bg.id, stream=True, starting_after=2))
    assert [e.sequence_number for e in events] == list(range(3, 3 + len(events)))
    assert events[-1].type == "response.completed"
    assert client.responses.retrieve(bg.id).status == "completed"
