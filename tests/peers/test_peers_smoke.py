"""The peers themselves answer as the tests that use them expect (the official SDK as client)."""

from __future__ import annotations

from openai import OpenAI

from tests.peers.launch import Peer


def test_aimock_answers_responses_and_chat(aimock_peer: Peer) -> None:
    with OpenAI(base_url=aimock_peer.base_url, api_key=aimock_peer.api_key) as oai:
        r = oai.responses.create(model="gpt-4o", input="hello")
        assert r.output_text == "Hello from aimock! Streams arrive in chunks."
        events = [e.type for e in oai.responses.create(model="gpt-4o", input="hello", stream=True)]
        assert events[0] == "response.created"
        assert events[-1] == "response.completed"
        assert events.count("response.output_text.delta") >= 2
        chat = oai.chat.completions.create(
            model="gpt-4o", messages=[{"role": "user", "content": "hello"}]
        )
        assert chat.choices[0].message.content == "Hello from aimock! Streams arrive in chunks."


def test_litellm_proxy_answers_both_models(litellm_peer: Peer) -> None:
    with OpenAI(base_url=litellm_peer.base_url, api_key=litellm_peer.api_key) as oai:
        mocked = oai.responses.create(model="mock-gpt", input="hi")
        assert mocked.output_text == "Hello from the LiteLLM proxy. It streams this answer."
        bridged = oai.responses.create(model="bridge", input="hello")
        assert bridged.output_text == "Hello from aimock! Streams arrive in chunks."
        chunks = oai.chat.completions.create(
            model="mock-gpt", messages=[{"role": "user", "content": "hi"}], stream=True
        )
        text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
        assert text == "Hello from the LiteLLM proxy. It streams this answer."
