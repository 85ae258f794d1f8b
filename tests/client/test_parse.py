"""``responses.parse`` / ``stream(text_format=)`` / ``create(text_format=)`` on both clients,
against the real local server, with openai-python's ``responses.parse`` as the oracle."""

from __future__ import annotations

import httpx
import openai
import pytest
from pydantic import BaseModel

import respnb
from respnb import ParsedResponse
from respnb._parsing import ParsedResponseOutputText

from .support import response_json


class City(BaseModel):
    name: str
    country: str
    population: int


def test_sync_parse_matches_the_openai_sdk(local_server):
    client = respnb.Client("local", base_url=local_server.base_url)
    ours = client.responses.parse(model="respnb-demo", input="Describe Oslo", text_format=City)
    assert isinstance(ours, ParsedResponse)
    assert isinstance(ours.output_parsed, City)
    message = ours.output[-1]
    part = message.content[0]
    assert isinstance(part, ParsedResponseOutputText) and part.parsed == ours.output_parsed
    oracle = openai.OpenAI(base_url=local_server.base_url, api_key="x")
    theirs = oracle.responses.parse(model="respnb-demo", input="Describe Oslo", text_format=City)
    assert theirs.output_parsed == ours.output_parsed
    oracle.close()
    body = client.responses.retrieve(ours.id).model_dump()
    assert "parsed" not in str(body["output"])  # parsed values are never serialized
    client.close()


async def test_async_stream_and_create_with_text_format(local_server):
    async with respnb.AsyncClient("local", base_url=local_server.base_url) as client:
        async with client.responses.stream(
            model="respnb-demo", input="Describe Lima", text_format=City
        ) as stream:
            deltas = [e async for e in stream if e.type == "response.output_text.delta"]
            final = await stream.get_final_response()
        assert deltas and isinstance(final, ParsedResponse)
        assert isinstance(final.output_parsed, City)
        created = await client.responses.create(
            model="respnb-demo", input="Describe Lima", text_format=City
        )
        assert isinstance(created, ParsedResponse) and isinstance(created.output_parsed, City)
        parsed = await client.responses.parse(
            model="respnb-demo", input="Describe Lima", text_format=City
        )
        assert parsed.output_parsed == created.output_parsed


def test_sync_stream_with_text_format(local_server):
    with respnb.Client("local", base_url=local_server.base_url) as client:
        with client.responses.stream(
            model="respnb-demo", input="Describe Quito", text_format=City
        ) as stream:
            final = stream.get_final_response()
        assert isinstance(final, ParsedResponse) and isinstance(final.output_parsed, City)


async def test_text_format_schema_is_sent_strict(make_client, recorder):
    text = '{"name": "Oslo", "country": "Norway", "population": 700000}'
    recorder.queue.append(httpx.Response(200, json=response_json(text=text)))
    client = make_client()
    result = await client.responses.parse(model="m", input="x", text_format=City)
    fmt = recorder.json_body()["text"]["format"]
    assert fmt["type"] == "json_schema" and fmt["name"] == "City" and fmt["strict"] is True
    assert fmt["schema"]["additionalProperties"] is False
    assert result.output_parsed == City(name="Oslo", country="Norway", population=700000)


async def test_refusal_is_kept_and_output_parsed_is_none(make_client, recorder):
    body = response_json(text="")
    body["output"] = [
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "refusal", "refusal": "I can't help with that."}],
        }
    ]
    recorder.queue.append(httpx.Response(200, json=body))
    client = make_client()
    result = await client.responses.parse(model="m", input="x", text_format=City)
    assert result.output_parsed is None
    assert result.output[0].content[0].refusal == "I can't help with that."


async def test_unparseable_completed_answer_raises(make_client, recorder):
    recorder.queue.append(httpx.Response(200, json=response_json(text="not json")))
    client = make_client()
    with pytest.raises(ValueError, match="Expecting value"):
        await client.responses.parse(model="m", input="x", text_format=City)


async def test_truncated_incomplete_answer_parses_to_none(make_client, recorder):
    body = response_json(status="incomplete", text='{"name": "Os')
    recorder.queue.append(httpx.Response(200, json=body))
    client = make_client()
    result = await client.responses.parse(model="m", input="x", text_format=City)
    assert result.output_parsed is None and result.status == "incomplete"


@pytest.mark.parametrize(
    ("kwargs", "exc", "match"),
    [
        ({"text_format": dict}, TypeError, "pydantic model class"),
        ({"text_format": City(name="a", country="b", population=1)}, TypeError, "model class"),
        (
            {"text_format": City, "text": {"format": {"type": "json_object"}}},
            ValueError,
            "either text_format= or text=",
        ),
    ],
    ids=["not-a-model", "an-instance", "two-formats"],
)
async def test_misused_text_format_is_a_clear_error(make_client, recorder, kwargs, exc, match):
    client = make_client()
    with pytest.raises(exc, match=match):
        await client.responses.create(model="m", input="x", **kwargs)
    assert recorder.requests == []  # nothing was sent


async def test_parse_refuses_stream(make_client):
    client = make_client()
    with pytest.raises(TypeError, match=r"responses\.stream\(\.\.\., text_format"):
        await client.responses.parse(model="m", input="x", text_format=City, stream=True)
