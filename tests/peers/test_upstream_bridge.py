"""``respnb serve --upstream`` in front of real third-party Chat Completions servers: aimock
(with this module's fixtures: text, tool calls, JSON, reasoning, slow and paced streams) and
LiteLLM's proxy (its ``mock_response`` model, and its model in front of aimock). The official
openai SDK is the client."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import APIConnectionError, OpenAI

from respnb.server.launch import RunningServer, serve_in_thread
from respnb.server.upstream import UpstreamConfig
from tests.peers.launch import Peer, aimock
from tests.reliability.proxy import FaultProxy, Forward
from tests.waiting import wait_until

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "aimock_bridge.json"
WEATHER_TOOL = {
    "type": "function",
    "name": "get_weather",
    "description": "Current weather of a city",
    "parameters": {
        "type": "object",
        "properties": {"city": {"type": "string"}},
        "required": ["city"],
    },
}


@pytest.fixture(scope="module")
def mock_peer(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Peer]:
    with aimock(tmp_path_factory.mktemp("aimock-bridge"), FIXTURES) as peer:
        yield peer


def _bridge(peer: Peer, model: str | None = None) -> RunningServer:
    return serve_in_thread(upstream=UpstreamConfig(peer.base_url, peer.api_key, model))


@pytest.fixture(scope="module")
def via_aimock(mock_peer: Peer) -> Iterator[OpenAI]:
    with _bridge(mock_peer) as srv, OpenAI(base_url=srv.base_url, api_key="x") as c:
        yield c


@pytest.fixture(scope="module")
def litellm_server(litellm_peer: Peer) -> Iterator[RunningServer]:
    with _bridge(litellm_peer) as srv:
        yield srv


@pytest.fixture(scope="module")
def via_litellm(litellm_server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=litellm_server.base_url, api_key="x", max_retries=0) as c:
        yield c


def _text(events: list[Any]) -> str:
    return "".join(e.delta for e in events if e.type == "response.output_text.delta")


def _canonical(events: list[Any]) -> None:
    types = [e.type for e in events]
    assert types[0] == "response.created" and "response.in_progress" in types[1:3]
    assert types[-1] == "response.completed"
    assert [e.sequence_number for e in events] == list(range(len(events)))
    assert types.count("response.output_item.added") == types.count("response.output_item.done")


# ----------------------------------------------------------------- aimock
def test_aimock_text_stream_and_usage(via_aimock: OpenAI) -> None:
    events = list(
        via_aimock.responses.create(model="gpt-4o", input="paced text please", stream=True)
    )
    _canonical(events)
    final = events[-1].response
    assert _text(events) == final.output_text and final.output_text.startswith("A paced answer")
    assert sum(e.type == "response.output_text.delta" for e in events) > 10
    assert final.usage.input_tokens > 0 and final.usage.output_tokens > 0


def test_aimock_tools_round_trip(via_aimock: OpenAI) -> None:
    first = via_aimock.responses.create(
        model="gpt-4o",
        input="What is the weather in Paris?",
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    call = first.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris"}
    second = via_aimock.responses.create(
        model="gpt-4o",
        previous_response_id=first.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "21C"}],
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    assert second.output_text == "It is 21C and sunny in Paris, says the tool."


def test_aimock_json_schema(via_aimock: OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"name": {"type": "string"}, "born": {"type": "integer"}},
        "required": ["name", "born"],
    }
    resp = via_aimock.responses.create(
        model="gpt-4o",
        input="Describe a famous person as JSON",
        text={"format": {"type": "json_schema", "name": "person", "schema": schema}},
    )
    assert json.loads(resp.output_text) == {"name": "Ada Lovelace", "born": 1815}


def test_aimock_reasoning(via_aimock: OpenAI) -> None:
    resp = via_aimock.responses.create(model="gpt-4o", input="think: what is six times seven?")
    assert [i.type for i in resp.output] == ["reasoning", "message"]
    assert resp.output[0].content[0].text == "Six times seven is forty-two."
    assert resp.output_text == "The answer is 42."


def test_aimock_chaining_and_conversation(via_aimock: OpenAI) -> None:
    first = via_aimock.responses.create(model="gpt-4o", input="My name is Ada.")
    second = via_aimock.responses.create(
        model="gpt-4o", input="What is my name?", previous_response_id=first.id
    )
    assert second.previous_response_id == first.id
    assert second.output_text == "You told me your name is Ada."
    items = list(via_aimock.responses.input_items.list(second.id))
    assert len(items) == 1
    conv = via_aimock.conversations.create()
    via_aimock.responses.create(model="gpt-4o", input="Hi, I am Ada", conversation=conv.id)
    again = via_aimock.responses.create(model="gpt-4o", input="my name?", conversation=conv.id)
    assert again.output_text == "You told me your name is Ada."
    assert len(list(via_aimock.conversations.items.list(conv.id))) == 4


def _connections(port: int) -> set[str]:
    """Local addresses of the ESTABLISHED TCP connections to 127.0.0.1:``port``."""
    found: set[str] = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            local, remote, state = fields[1], fields[2], fields[3]
            if state == "01" and int(remote.rsplit(":", 1)[1], 16) == port:
                found.add(local)
    return found


def test_aimock_background_cancel_stops_the_upstream(mock_peer: Peer) -> None:
    port = int(mock_peer.base_url.rsplit(":", 1)[1].split("/")[0])
    with _bridge(mock_peer) as srv, OpenAI(base_url=srv.base_url, api_key="x") as client:
        before = _connections(port)
        resp = client.responses.create(model="gpt-4o", input="slow story", background=True)
        opened = wait_until(
            lambda: _connections(port) - before, what="the upstream request to be open"
        )
        with client.responses.retrieve(resp.id, stream=True) as live:  # follows the run
            first = next(e for e in live if e.type == "response.output_text.delta")
        assert first.delta
        cancelled = client.responses.cancel(resp.id)
        assert cancelled.status == "cancelled"
        wait_until(
            lambda: not (opened & _connections(port)), what="the upstream connection to close"
        )
        final = client.responses.retrieve(resp.id)
        assert final.status == "cancelled" and len(final.output_text) < 100  # cut short


def _cut_and_resume(server: RunningServer, sdk: OpenAI, model: str, prompt: str) -> list[Any]:
    with FaultProxy(server.base_url.removesuffix("/v1")) as proxy:
        proxy.rule = lambda seen: Forward(cut_at=1500) if seen.method == "POST" else None
        with OpenAI(base_url=proxy.base_url, api_key="x", max_retries=0) as cut:
            got: list[Any] = []
            with pytest.raises(APIConnectionError):  # noqa: PT012 - events arrive before the cut
                for event in cut.responses.create(
                    model=model, input=prompt, background=True, stream=True
                ):
                    got.append(event)
    assert got and got[-1].type != "response.completed"
    rest = list(
        sdk.responses.retrieve(
            got[0].response.id, stream=True, starting_after=got[-1].sequence_number
        )
    )
    events = [*got, *rest]
    _canonical(events)
    assert _text(events) == events[-1].response.output_text
    return events


def test_aimock_background_resume_after_a_cut(mock_peer: Peer) -> None:
    with _bridge(mock_peer) as srv, OpenAI(base_url=srv.base_url, api_key="x") as sdk:
        events = _cut_and_resume(srv, sdk, "gpt-4o", "paced story")
    assert events[-1].response.output_text.startswith("A paced answer")


# ----------------------------------------------------------------- LiteLLM's proxy
def test_litellm_mock_response_stream(via_litellm: OpenAI) -> None:
    events = list(via_litellm.responses.create(model="mock-gpt", input="hi", stream=True))
    _canonical(events)
    assert _text(events) == "Hello from the LiteLLM proxy. It streams this answer."
    assert events[-1].response.usage.total_tokens > 0


def test_litellm_background_resume_after_a_cut(
    litellm_server: RunningServer, via_litellm: OpenAI
) -> None:
    events = _cut_and_resume(litellm_server, via_litellm, "bridge", "a long answer please")
    assert events[-1].response.output_text.startswith("A longer answer")


def test_litellm_cancel_closes_the_upstream_request(litellm_peer: Peer, aimock_peer: Peer) -> None:
    """While aimock (behind LiteLLM's ``bridge`` model) holds requests for a while, a cancel
    ends the run and closes the bridge's request to LiteLLM."""
    chaos = aimock_peer.base_url.removesuffix("/v1") + "/__aimock/chaos"
    port = int(litellm_peer.base_url.rsplit(":", 1)[1].split("/")[0])
    assert httpx.post(chaos, json={"latencyMs": 8000}).status_code < 300
    try:
        with _bridge(litellm_peer) as srv, OpenAI(base_url=srv.base_url, api_key="x") as client:
            before = _connections(port)
            resp = client.responses.create(model="bridge", input="hello", background=True)
            opened = wait_until(
                lambda: _connections(port) - before, what="the request to LiteLLM to be open"
            )
            cancelled = client.responses.cancel(resp.id)
            assert cancelled.status == "cancelled"
            wait_until(
                lambda: not (opened & _connections(port)),
                what="the request to LiteLLM to be closed",
            )
            assert client.responses.retrieve(resp.id).output == []
    finally:
        httpx.delete(chaos)


def test_litellm_chaining_tools_and_json(via_litellm: OpenAI, aimock_peer: Peer) -> None:
    first = via_litellm.responses.create(model="mock-gpt", input="My name is Ada.")
    second = via_litellm.responses.create(
        model="mock-gpt", input="And now?", previous_response_id=first.id
    )
    assert second.output_text == "Hello from the LiteLLM proxy. It streams this answer."
    assert [i.type for i in via_litellm.responses.input_items.list(second.id)] == ["message"]
    call_resp = via_litellm.responses.create(
        model="bridge",
        input="What is the weather in Paris?",
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    call = call_resp.output[0]
    assert call.type == "function_call" and json.loads(call.arguments) == {"city": "Paris"}
    answered = via_litellm.responses.create(
        model="bridge",
        previous_response_id=call_resp.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "21C"}],
        tools=[WEATHER_TOOL],  # type: ignore[list-item]
    )
    assert answered.status == "completed"
    journal = httpx.get(aimock_peer.base_url.removesuffix("/v1") + "/__aimock/journal").json()
    sent = journal[-1]["body"]["messages"]  # what LiteLLM passed on to aimock
    assert sent[-2]["tool_calls"][0]["function"]["name"] == "get_weather"
    assert sent[-1]["role"] == "tool" and sent[-1]["content"] == "21C"
    assert sent[-1]["tool_call_id"] == sent[-2]["tool_calls"][0]["id"] == call.call_id
    person = via_litellm.responses.create(
        model="bridge",
        input="Describe a person as JSON",
        text={
            "format": {
                "type": "json_schema",
                "name": "person",
                "schema": {"type": "object", "properties": {"name": {"type": "string"}}},
            }
        },
    )
    assert json.loads(person.output_text)["name"] == "Ada Lovelace"
