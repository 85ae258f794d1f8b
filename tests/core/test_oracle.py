"""Oracle: the same SSE bytes through respnb and through the official ``openai`` package.

respnb's pipeline (SSEDecoder -> parse_event -> ResponseAccumulator) must yield the same
events (types and sequence numbers) and the same final Response as openai-python's
``client.responses.stream(...).get_final_response()``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from respnb._accumulator import ResponseAccumulator
from respnb._sse import SSEDecoder, is_done
from respnb.types import parse_event

from .streams import StreamBuilder, chunked, reasoning_tool_mix, text_stream, words
from .test_accumulator import everything, norm, seed_004_events

openai = pytest.importorskip("openai")


def respnb_run(raw: bytes, chunk: int) -> tuple[list[tuple[str, int | None]], Any]:
    decoder = SSEDecoder()
    acc = ResponseAccumulator()
    seen = []
    for piece in [*chunked(raw, chunk), b""]:
        for sse in decoder.feed(piece) if piece else decoder.flush():
            if is_done(sse):
                continue
            event = parse_event(sse.data, sse.event)
            seen.append((event.type, event.sequence_number))
            acc.feed(event)
    return seen, acc


def openai_run(raw: bytes, chunk: int) -> tuple[list[tuple[str, int | None]], Any]:
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/v1/responses"
        return httpx.Response(
            200, headers={"content-type": "text/event-stream"}, content=iter(chunked(raw, chunk))
        )

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = openai.OpenAI(base_url="http://oracle.test/v1", api_key="x", http_client=http)
    try:
        with client.responses.stream(model="gpt-test", input="hi") as stream:
            seen = [(e.type, e.sequence_number) for e in stream]
            final = stream.get_final_response()
    finally:
        http.close()
    return seen, final


SCENARIOS: dict[str, Callable[[], bytes]] = {
    "text": lambda: text_stream(200).sse(),
    "reasoning_tools_mix": lambda: reasoning_tool_mix(1000).sse(),
    "everything": lambda: everything().sse(),
    "refusal_only": lambda: (
        StreamBuilder().created().message([], refusal=["no", "pe"]).completed().sse()
    ),
    "no_event_lines_done_sentinel": lambda: text_stream(20).sse(
        with_event_lines=False, done_sentinel=True
    ),
    "crlf": lambda: text_stream(30).sse().replace(b"\n", b"\r\n"),
    "seed_004": lambda: _seed_bytes(),
}


def _seed_bytes() -> bytes:
    from .streams import to_sse

    return to_sse(seed_004_events())


@pytest.mark.parametrize("chunk", [61, 4096])
@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_same_events_and_final_response_as_openai(name: str, chunk: int) -> None:
    raw = SCENARIOS[name]()
    mine_seen, acc = respnb_run(raw, chunk)
    theirs_seen, final = openai_run(raw, chunk)
    assert mine_seen == theirs_seen
    assert len(mine_seen) > 3
    assert acc.done and acc.terminal_event == "response.completed"
    mine = norm(acc.snapshot())
    theirs = norm(final)
    assert mine == theirs
    assert acc.text == final.output_text


def test_failed_stream_events_match_openai() -> None:
    raw = StreamBuilder().created().message(words(5)).failed().sse()
    mine_seen, acc = respnb_run(raw, 64)

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=raw)

    http = httpx.Client(transport=httpx.MockTransport(handler))
    client = openai.OpenAI(base_url="http://oracle.test/v1", api_key="x", http_client=http)
    with client.responses.stream(model="gpt-test", input="hi") as stream:
        events = list(stream)
    http.close()
    assert mine_seen == [(e.type, e.sequence_number) for e in events]
    failed = events[-1].response
    snap = acc.snapshot()
    assert snap.status == failed.status == "failed"
    assert snap.error is not None and failed.error is not None
    assert snap.error.message == failed.error.message
    # respnb keeps the partial output the failed response left out
    assert snap.output_text == "".join(words(5))
