"""Streams recorded from the peers (``fixtures/recorded/*.sse``: aimock's, with ``event:`` lines
and no sequence numbers; LiteLLM's, data lines only, ``[DONE]``, huge ids) read by respnb and by
the official openai SDK from the same bytes: the SDK is the oracle.

Re-record with the peers running: ``POST /v1/responses`` with ``stream: true`` (aimock
``gpt-4o`` "long" and "weather" with a get_weather tool; LiteLLM ``bridge`` "long")."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import openai
import pytest

import respnb

RECORDED = Path(__file__).resolve().parent / "fixtures" / "recorded"
FILES = sorted(p.name for p in RECORDED.glob("*.sse"))


def _chunks(body: bytes) -> list[bytes]:
    return [body[i : i + 97] for i in range(0, len(body), 97)]  # cut at odd places


def _transport(body: bytes) -> httpx.MockTransport:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=iter(_chunks(body))
        )

    return httpx.MockTransport(answer)


def _async_transport(body: bytes) -> httpx.MockTransport:
    async def stream() -> AsyncIterator[bytes]:
        for chunk in _chunks(body):
            yield chunk

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=stream())

    return httpx.MockTransport(answer)


def test_the_recordings_are_there() -> None:
    assert {"aimock_long.sse", "aimock_weather.sse", "litellm_bridge_long.sse"} <= set(FILES)


@pytest.mark.parametrize("name", FILES)
async def test_respnb_reads_what_the_sdk_reads(name: str) -> None:
    body = (RECORDED / name).read_bytes()
    with (
        openai.OpenAI(
            base_url="http://peer.test/v1",
            api_key="x",
            http_client=httpx.Client(transport=_transport(body)),
        ) as oracle,
        oracle.responses.stream(model="m", input="x") as s,
    ):
        sdk_types = [e.type for e in s]
        sdk_final = s.get_final_response()
    async with (
        respnb.AsyncClient(
            "compatible",
            base_url="http://peer.test/v1",
            transport=_async_transport(body),
        ) as client,
        client.responses.stream(model="m", input="x") as stream,
    ):
        ours_types = [e.type async for e in stream]
        ours = await stream.get_final_response()
    assert ours_types == sdk_types
    assert ours.id == sdk_final.id and ours.status == sdk_final.status == "completed"
    assert ours.output_text == sdk_final.output_text
    assert [i.type for i in ours.output] == [i.type for i in sdk_final.output]
    for mine, theirs in zip(ours.output, sdk_final.output, strict=True):
        if theirs.type == "function_call":
            assert (mine.name, mine.arguments) == (theirs.name, theirs.arguments)
