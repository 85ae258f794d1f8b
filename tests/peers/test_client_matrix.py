"""respnb's client against third-party servers (aimock, LiteLLM's proxy): what works, and each
server's limitation asserted as the clear error or fallback respnb gives, never skipped.

aimock is used with the plain ``compatible`` profile (every capability on), so a missing
endpoint shows up as the server's 404 that respnb turns into an error naming the capability;
LiteLLM with its ``litellm`` preset, which refuses up front what LiteLLM cannot do.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import BaseModel

import respnb
from respnb._presets import PRESETS
from respnb.types import FunctionCall
from tests.peers.launch import Peer
from tests.reliability.proxy import FaultProxy, Forward, Seen

AIMOCK_HELLO = "Hello from aimock! Streams arrive in chunks."
LITELLM_HELLO = "Hello from the LiteLLM proxy. It streams this answer."
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "The weather in a city.",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
        "additionalProperties": False,
    },
}


class Person(BaseModel):
    name: str
    born: int


@pytest.fixture
def am(aimock_peer: Peer) -> Iterator[respnb.Client]:
    with respnb.Client(
        "compatible", base_url=aimock_peer.base_url, api_key=aimock_peer.api_key, max_retries=0
    ) as client:
        yield client


@pytest.fixture
def ll(litellm_peer: Peer) -> Iterator[respnb.Client]:
    with respnb.Client(
        "litellm", base_url=litellm_peer.base_url, api_key=litellm_peer.api_key, max_retries=0
    ) as client:
        yield client


def _origin(peer: Peer) -> str:
    return peer.base_url.removesuffix("/v1")


# ---------------------------------------------------------------- aimock
def test_aimock_create_stream_and_background(am: respnb.Client) -> None:
    assert am.responses.create(model="gpt-4o", input="hello").output_text == AIMOCK_HELLO
    with am.responses.stream(model="gpt-4o", input="hello") as s:
        deltas = list(s.text_deltas())
        final = s.get_final_response()
    assert "".join(deltas) == AIMOCK_HELLO == final.output_text and len(deltas) >= 2
    assert s.cursor is None  # limitation: aimock sends no sequence numbers
    # limitation: aimock ignores background and answers the finished response at once
    assert am.responses.create(model="gpt-4o", input="hello", background=True).is_terminal


def test_aimock_stored_response_endpoints_are_missing(am: respnb.Client) -> None:
    rid = am.responses.create(model="gpt-4o", input="hello").id
    calls = {
        "retrieve": lambda: am.responses.retrieve(rid),
        "input_items": lambda: am.responses.input_items(rid).first_page(),
        "cancel": lambda: am.responses.cancel(rid),
        "delete": lambda: am.responses.delete(rid),
    }
    for feature, call in calls.items():
        with pytest.raises(respnb.NotFoundError) as info:
            call()
        assert info.value.feature == feature
        assert f"capabilities={{'{feature}': False}}" in str(info.value)
        assert f"/v1/responses/{rid}" in str(info.value)


def test_aimock_background_stream_cut_cannot_resume(aimock_peer: Peer) -> None:
    def cut(seen: Seen) -> Forward | None:
        return Forward(cut_at=1500) if seen.method == "POST" else None

    with FaultProxy(_origin(aimock_peer)) as proxy:
        proxy.reset(cut)
        client = respnb.Client("compatible", base_url=proxy.base_url, max_retries=0)
        stream = client.responses.stream(model="gpt-4o", input="long", background=True)
        with client, stream as s, pytest.raises(respnb.StreamInterruptedError) as info:
            s.get_final_response()
        resumes = proxy.requests("GET", "")
    err = info.value
    assert isinstance(err.resume_error, respnb.NotFoundError)  # limitation: no stream tail
    assert err.resume_error.feature == "resume"
    assert err.__cause__ is not None and err.response_id is not None
    assert err.snapshot is not None and err.snapshot.output_text  # what arrived is kept
    assert len(resumes) == 1 and "stream=true" in resumes[0].target


def test_aimock_chaining_tools_and_json_schema(am: respnb.Client) -> None:
    first = am.responses.create(model="gpt-4o", input="hello")
    # limitation: accepted but not used (aimock keeps no history)
    follow = am.responses.create(
        model="gpt-4o", input="what did I say?", previous_response_id=first.id
    )
    assert follow.output_text == "aimock default answer."
    tools = am.responses.create(model="gpt-4o", input="weather", tools=[WEATHER_TOOL])
    call = tools.output[0]
    assert isinstance(call, FunctionCall) and call.name == "get_weather"
    assert call.arguments == '{"city":"Paris"}'
    parsed = am.responses.parse(model="gpt-4o", input="person", text_format=Person)
    assert parsed.output_parsed == Person(name="Ada Lovelace", born=1815)


# ---------------------------------------------------------------- LiteLLM
def test_litellm_create_stream_and_input_tokens(ll: respnb.Client) -> None:
    assert ll.responses.create(model="mock-gpt", input="hi").output_text == LITELLM_HELLO
    assert ll.responses.create(model="bridge", input="hello").output_text == AIMOCK_HELLO
    with ll.responses.stream(model="bridge", input="long") as s:
        types = [e.type for e in s]
        final = s.get_final_response()
    assert final.output_text.startswith("A longer answer") and final.status == "completed"
    assert types.count("response.output_text.delta") > 2 and types[-1] == "response.completed"
    assert s.cursor is None  # data-only lines, no sequence numbers: read all the same
    assert ll.responses.input_tokens(model="bridge", input="hello there") > 0
    # limitation: LiteLLM's mock_response model cannot stream the Responses API
    with pytest.raises(respnb.InternalServerError, match="Error processing stream start"):
        ll.responses.stream(model="mock-gpt", input="hi").open()


def test_litellm_refuses_up_front_what_it_cannot_do(ll: respnb.Client) -> None:
    rid = ll.responses.create(model="bridge", input="hello").id
    for feature, call in {
        "previous_response_id": lambda: ll.responses.create(
            model="bridge", input="again", previous_response_id=rid
        ),
        "cancel": lambda: ll.responses.cancel(rid),
        "resume": lambda: ll.responses.resume(rid),
        "conversations": lambda: ll.conversations.create(),
    }.items():
        with pytest.raises(respnb.UnsupportedFeatureError) as info:
            call()
        assert info.value.feature == feature
    # the tool loop does not chain on it: it replays the input instead (see _tool_loop)
    assert not ll.profile.supports("previous_response_id")


def test_litellm_stored_responses_depend_on_the_upstream(ll: respnb.Client) -> None:
    rid = ll.responses.create(model="bridge", input="hello").id
    # limitation: LiteLLM forwards to its upstream, which (aimock) keeps nothing
    with pytest.raises(respnb.NotFoundError, match=rf"GET /v1/responses/{rid[:20]}"):
        ll.responses.retrieve(rid)
    with pytest.raises(respnb.NotFoundError):
        ll.responses.input_items(rid).first_page()


def test_litellm_background_stream_cut_advises_wait(litellm_peer: Peer) -> None:
    def cut(seen: Seen) -> Forward | None:
        return Forward(cut_at=2500) if seen.method == "POST" else None

    with FaultProxy(_origin(litellm_peer)) as proxy:
        proxy.reset(cut)
        client = respnb.Client(
            "litellm", base_url=proxy.base_url, api_key=litellm_peer.api_key, max_retries=0
        )
        stream = client.responses.stream(model="bridge", input="long", background=True)
        with client, stream as s, pytest.raises(respnb.StreamInterruptedError) as info:
            s.get_final_response()
        assert proxy.requests("GET", "") == []  # resume is off: nothing was retried
    text = str(info.value)
    assert "responses.wait(" in text and "responses.resume(" not in text
    assert info.value.snapshot is not None


def test_litellm_tools_json_schema_and_errors(ll: respnb.Client) -> None:
    tools = ll.responses.create(model="bridge", input="weather", tools=[WEATHER_TOOL])
    calls = [i for i in tools.output if isinstance(i, FunctionCall)]
    assert calls and calls[0].name == "get_weather" and "Paris" in calls[0].arguments
    parsed = ll.responses.parse(model="bridge", input="person", text_format=Person)
    assert parsed.output_parsed == Person(name="Ada Lovelace", born=1815)
    with pytest.raises(respnb.BadRequestError) as info:
        ll.responses.create(model="nope-model", input="x")
    text = str(info.value)
    assert text.startswith("Error code 400 (POST /v1/responses): ")
    assert "Invalid model name" in text and "[400]" not in text


def test_litellm_preset_agrees_with_the_probe(litellm_peer: Peer) -> None:
    with respnb.Client(
        "compatible", base_url=litellm_peer.base_url, api_key=litellm_peer.api_key
    ) as client:
        report = client.probe(model="bridge")
    table = report.table()
    for flag, allowed in PRESETS["litellm"].items():
        assert not allowed
        assert report.get(flag).ok is not True, (flag, table)  # refused: it does not work
    assert report.get("input_tokens").ok is True, table  # allowed: it works
    assert report.get("create").ok is True and report.get("streaming").ok is True, table
