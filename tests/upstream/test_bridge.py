"""``respnb serve --upstream``: the full Responses API over a Chat Completions endpoint, driven
by the official openai SDK (store, chaining, conversations, tools, json_schema, reasoning,
background runs with resume and cancel, input items, files, file_search, usage)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from openai import APIConnectionError, BadRequestError, NotFoundError, OpenAI

from respnb.server.launch import RunningServer
from respnb.server.pdf import make_pdf
from respnb.server.upstream import UpstreamConfig
from tests.reliability.proxy import FaultProxy, Forward
from tests.waiting import wait_until

from .chatserver import ChatServer


def _last(chat: ChatServer) -> dict[str, Any]:
    return chat.requests[-1]


def test_text_answer_usage_and_request_mapping(sdk: OpenAI, chat: ChatServer) -> None:
    resp = sdk.responses.create(
        model="respnb-demo",
        instructions="Be terse.",
        input=[
            {"role": "developer", "content": "Use metric units."},
            {"role": "user", "content": "hello there"},
        ],
        temperature=0.2,
        max_output_tokens=50,
    )
    assert resp.status == "completed"
    assert resp.output_text == "Echo: hello there (3 messages)"
    sent = _last(chat)
    assert sent["model"] == "tiny-model" and sent["stream"] is True
    assert sent["messages"][0] == {"role": "system", "content": "Be terse."}
    assert sent["messages"][1] == {"role": "system", "content": "Use metric units."}
    assert sent["temperature"] == 0.2 and sent["max_tokens"] == 50
    assert chat.headers[-1]["authorization"] == "Bearer up-key-123"
    assert resp.usage is not None and resp.usage.input_tokens > 0
    assert resp.usage.total_tokens == resp.usage.input_tokens + resp.usage.output_tokens


def test_stream_is_the_canonical_event_sequence(sdk: OpenAI) -> None:
    events = list(sdk.responses.create(model="m", input="stream me please", stream=True))
    types = [e.type for e in events]
    assert types[:5] == [
        "response.created",
        "response.in_progress",
        "response.output_item.added",
        "response.content_part.added",
        "response.output_text.delta",
    ]
    assert types[-4:] == [
        "response.output_text.done",
        "response.content_part.done",
        "response.output_item.done",
        "response.completed",
    ]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert text == "Echo: stream me please (1 messages)" == events[-1].response.output_text


def test_store_chain_input_items_and_conversation(sdk: OpenAI, chat: ChatServer) -> None:
    first = sdk.responses.create(model="m", input="My name is Ada.")
    second = sdk.responses.create(
        model="m", input="What is my name?", previous_response_id=first.id
    )
    roles = [m["role"] for m in _last(chat)["messages"]]
    assert roles == ["user", "assistant", "user"]
    assert _last(chat)["messages"][1]["content"] == first.output_text
    assert sdk.responses.retrieve(second.id).output_text == second.output_text
    items = list(sdk.responses.input_items.list(second.id))
    assert [i.type for i in items] == ["message"]
    conv = sdk.conversations.create(items=[{"role": "user", "content": "I live in Oslo."}])
    sdk.responses.create(model="m", input="Where do I live?", conversation=conv.id)
    assert [m["content"] for m in _last(chat)["messages"]][:1] == ["I live in Oslo."]
    listed = list(sdk.conversations.items.list(conv.id))
    assert len(listed) == 3  # the seeded item, this input, this output


def test_tools_round_trip(sdk: OpenAI, chat: ChatServer) -> None:
    tools = [
        {
            "type": "function",
            "name": "get_weather",
            "description": "Weather for a city",
            "parameters": {
                "type": "object",
                "properties": {"city": {"type": "string"}},
                "required": ["city"],
            },
        }
    ]
    resp = sdk.responses.create(model="m", input="weather in Paris?", tools=tools)  # type: ignore[arg-type]
    sent_tool = _last(chat)["tools"][0]
    assert sent_tool["type"] == "function" and sent_tool["function"]["name"] == "get_weather"
    call = resp.output[0]
    assert call.type == "function_call" and call.name == "get_weather"
    assert json.loads(call.arguments) == {"city": "Paris"} and call.call_id == "call_up_1"
    answer = sdk.responses.create(
        model="m",
        previous_response_id=resp.id,
        input=[{"type": "function_call_output", "call_id": call.call_id, "output": "21C sunny"}],
        tools=tools,  # type: ignore[arg-type]
    )
    msgs = _last(chat)["messages"]
    assert msgs[-2]["tool_calls"][0]["id"] == "call_up_1"
    assert msgs[-1] == {"role": "tool", "tool_call_id": "call_up_1", "content": "21C sunny"}
    assert answer.output_text == "Tool said: 21C sunny"


def test_json_schema_passes_through(sdk: OpenAI, chat: ChatServer) -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string"}, "temp_c": {"type": "integer"}},
        "required": ["city", "temp_c"],
        "additionalProperties": False,
    }
    resp = sdk.responses.create(
        model="m",
        input="Weather as JSON",
        text={"format": {"type": "json_schema", "name": "w", "schema": schema, "strict": True}},
    )
    fmt = _last(chat)["response_format"]
    assert fmt == {
        "type": "json_schema",
        "json_schema": {"name": "w", "schema": schema, "strict": True},
    }
    assert json.loads(resp.output_text) == {"city": "Paris", "temp_c": 21}


def test_reasoning_from_the_upstream(sdk: OpenAI) -> None:
    events = list(sdk.responses.create(model="m", input="think about it", stream=True))
    final = events[-1].response
    kinds = [i.type for i in final.output]
    assert kinds == ["reasoning", "message"]
    assert final.output[0].content[0].text == "Let me think."
    assert "response.reasoning_text.delta" in [e.type for e in events]
    assert final.usage.output_tokens_details.reasoning_tokens == 3


def test_background_resume_and_replay(sdk: OpenAI, bridged: RunningServer) -> None:
    resp = sdk.responses.create(model="m", input="background echo", background=True)
    assert resp.status in ("queued", "in_progress")
    done = wait_until(
        lambda: (r := sdk.responses.retrieve(resp.id)).status == "completed" and r,
        what="the background response to complete",
    )
    assert done.output_text == "Echo: background echo (1 messages)"
    replay = list(sdk.responses.retrieve(resp.id, stream=True))
    resumed = list(sdk.responses.retrieve(resp.id, stream=True, starting_after=3))
    assert [e.sequence_number for e in resumed] == [e.sequence_number for e in replay[4:]]
    assert resumed[-1].type == "response.completed"


def test_background_stream_resumes_after_a_cut(sdk: OpenAI, bridged: RunningServer) -> None:
    with FaultProxy(bridged.base_url.removesuffix("/v1")) as proxy:
        proxy.rule = lambda seen: Forward(cut_at=2500) if seen.method == "POST" else None
        with OpenAI(base_url=proxy.base_url, api_key="x", max_retries=0) as cut_client:
            got: list[Any] = []
            with pytest.raises(APIConnectionError):  # noqa: PT012 - events arrive before the cut
                for event in cut_client.responses.create(
                    model="m", input="paced story", background=True, stream=True
                ):
                    got.append(event)
    assert got and got[-1].type != "response.completed"
    cursor = got[-1].sequence_number
    rid = got[0].response.id
    rest = list(sdk.responses.retrieve(rid, stream=True, starting_after=cursor))
    events = [*got, *rest]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if e.type == "response.output_text.delta")
    assert events[-1].type == "response.completed"
    assert text == events[-1].response.output_text and text.startswith("p0 p1 ")


def test_cancel_stops_the_upstream_request(sdk: OpenAI, chat: ChatServer) -> None:
    chat.hung_up.clear()
    resp = sdk.responses.create(model="m", input="slow story", background=True)
    wait_until(
        lambda: (
            len(sdk.responses.retrieve(resp.id).output) > 0
            or any("slow story" in json.dumps(r) for r in chat.requests)
        ),
        what="the upstream to receive the request",
    )
    cancelled = sdk.responses.cancel(resp.id)
    assert cancelled.status == "cancelled"
    assert chat.hung_up.wait(30), "the upstream connection was not closed by the cancel"


def test_file_inputs_are_sent_as_text(sdk: OpenAI, chat: ChatServer) -> None:
    pdf = make_pdf(["Invoice 42\n\nTotal due: 99 EUR by March."])
    up = sdk.files.create(file=("invoice.pdf", pdf), purpose="user_data")
    sdk.responses.create(
        model="m",
        input=[
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "What is due?"},
                    {"type": "input_file", "file_id": up.id},
                    {"type": "input_image", "image_url": "https://example.com/a.png"},
                ],
            }
        ],
    )
    content = _last(chat)["messages"][-1]["content"]
    assert content[0]["type"] == "text" and "Total due: 99 EUR by March." in content[0]["text"]
    assert "[file: invoice.pdf]" in content[0]["text"] and "%PDF" not in content[0]["text"]
    assert content[1] == {
        "type": "image_url",
        "image_url": {"url": "https://example.com/a.png", "detail": "auto"},
    }


def test_file_search_is_done_locally(sdk: OpenAI, chat: ChatServer) -> None:
    up = sdk.files.create(
        file=("pets.md", b"# Pets\n\nSmall dogs may travel in the cabin in a carrier."),
        purpose="assistants",
    )
    vs = sdk.vector_stores.create(name="kb", file_ids=[up.id])
    resp = sdk.responses.create(
        model="m",
        input="Can my dog fly in the cabin?",
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        include=["file_search_call.results"],
    )
    assert "tools" not in _last(chat)  # the upstream never sees file_search
    system = [m for m in _last(chat)["messages"] if m["role"] == "system"]
    assert system and "Small dogs may travel in the cabin" in system[-1]["content"]
    assert [i.type for i in resp.output] == ["file_search_call", "message"]
    assert resp.output[0].results and resp.output[0].results[0].filename == "pets.md"
    cite = resp.output[1].content[0].annotations[0]
    assert cite.type == "file_citation" and cite.file_id == up.id


def test_unsupported_tools_and_upstream_errors(sdk: OpenAI) -> None:
    with pytest.raises(BadRequestError) as info:
        sdk.responses.create(model="m", input="hi", tools=[{"type": "web_search"}])
    assert info.value.param == "tools[0].type" and "upstream" in str(info.value)
    failed = sdk.responses.create(model="m", input="please fail")
    assert failed.status == "failed" and failed.error is not None
    assert "500" in failed.error.message and "upstream exploded" in failed.error.message


def test_non_streaming_upstream_is_read_whole(sdk: OpenAI) -> None:
    """An upstream that ignores ``stream`` and answers one JSON completion still works."""
    events = list(sdk.responses.create(model="m", input="whole answer", stream=True))
    assert events[-1].type == "response.completed"
    assert events[-1].response.output_text == "Echo: whole answer (1 messages)"
    assert events[-1].response.usage.input_tokens > 0


def test_local_profile_uses_the_upstream_when_set(
    chat: ChatServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    import respnb
    from respnb.server.launch import LAUNCHED, ensure_local_server

    monkeypatch.setenv("RESPNB_UPSTREAM", chat.url)
    monkeypatch.setenv("RESPNB_UPSTREAM_MODEL", "laptop-model")
    monkeypatch.setenv("UPSTREAM_TEST_KEY", "up-secret-9")
    monkeypatch.setenv("RESPNB_UPSTREAM_KEY_ENV", "UPSTREAM_TEST_KEY")
    url = ensure_local_server()
    try:
        client = respnb.Client(profile="local")
        try:
            resp = client.responses.create(model="respnb-demo", input="hi from the magic")
        finally:
            client.close()
        assert resp.output_text == "Echo: hi from the magic (1 messages)"
        assert chat.requests[-1]["model"] == "laptop-model"
        assert chat.headers[-1]["authorization"] == "Bearer up-secret-9"
        monkeypatch.delenv("RESPNB_UPSTREAM")
        assert ensure_local_server() != url  # a demo-engine server, not the bridged one
    finally:
        for proc in LAUNCHED:
            if proc.poll() is None:
                proc.terminate()
                proc.wait(10)


def test_length_limit_logprobs_and_store_false(sdk: OpenAI, chat: ChatServer) -> None:
    cut = sdk.responses.create(model="m", input="one two three four five six", max_output_tokens=16)
    assert cut.status == "completed"  # 9 chunks: under the limit
    assert _last(chat)["max_tokens"] == 16
    many = sdk.responses.create(
        model="m", input=" ".join(f"w{i}" for i in range(30)), max_output_tokens=16
    )
    assert many.status == "incomplete" and many.incomplete_details.reason == "max_output_tokens"
    probs = sdk.responses.create(
        model="m",
        input="hi there",
        include=["message.output_text.logprobs"],
        top_logprobs=1,
        store=False,
    )
    assert _last(chat)["logprobs"] is True and _last(chat)["top_logprobs"] == 1
    lps = probs.output[0].content[0].logprobs
    assert lps and "".join(lp.token for lp in lps) == probs.output_text
    assert lps[0].top_logprobs[0].logprob == -2.0
    with pytest.raises(NotFoundError):
        sdk.responses.retrieve(probs.id)  # store: false is not kept


def test_upstream_flags_and_key_never_shown(monkeypatch: pytest.MonkeyPatch) -> None:
    from respnb.__main__ import main
    from respnb.server.app import ServerConfig

    assert main(["serve", "--upstream", "ftp://nowhere"]) == 2
    monkeypatch.delenv("NO_SUCH_KEY_VAR", raising=False)
    assert (
        main(
            [
                "serve",
                "--upstream",
                "http://127.0.0.1:9/v1",
                "--upstream-key-env",
                "NO_SUCH_KEY_VAR",
            ]
        )
        == 2
    )
    monkeypatch.setenv("MY_UPSTREAM_KEY", "sk-upstream-very-secret")
    config = UpstreamConfig.from_flags("http://127.0.0.1:9/v1", "MY_UPSTREAM_KEY", "m")
    assert config.api_key == "sk-upstream-very-secret"
    assert config.endpoint == "http://127.0.0.1:9/v1/chat/completions"
    shown = repr(ServerConfig(db_path=Path("x"), upstream=config))
    assert "sk-upstream" not in shown and "127.0.0.1:9" in shown


def test_a_refused_optional_field_is_dropped_and_retried(sdk: OpenAI, chat: ChatServer) -> None:
    chat.refuse_stream_options = True
    try:
        resp = sdk.responses.create(model="m", input="hello again")
    finally:
        chat.refuse_stream_options = False
    assert resp.output_text == "Echo: hello again (1 messages)"
    assert "stream_options" in chat.requests[-2] and "stream_options" not in chat.requests[-1]
    assert resp.usage is not None and resp.usage.input_tokens > 0


def test_usage_is_counted_locally_when_the_upstream_sends_none(sdk: OpenAI) -> None:
    from respnb.server.engine import count_tokens

    resp = sdk.responses.create(model="m", input="nousage please")
    assert resp.output_text == "Echo: nousage please (1 messages)"
    usage = resp.usage
    assert usage is not None and usage.input_tokens > 0
    assert usage.output_tokens == count_tokens(resp.output_text)
    assert usage.total_tokens == usage.input_tokens + usage.output_tokens
