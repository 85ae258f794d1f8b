"""200 background streams cut at seeded random byte offsets by an independent proxy.

Each case creates a background response whose answer quotes a non-ASCII prompt, lets the proxy
cut the POST's SSE body after N bytes, and resumes — with respnb's auto-resume or by hand with
``client.responses.resume(id, after=cursor)``. The text must equal the uninterrupted answer
and the sequence numbers seen must be exactly 0..N: nothing lost, nothing duplicated.

Offsets are drawn (``random.Random`` seeded per case) from categories found in an
uninterrupted reference stream: inside an ``event:`` line, inside ``data:`` JSON, inside a
multi-byte UTF-8 character (those also get the body re-chunked into 1-7 byte writes), right
after a blank line, and anywhere; some cases cut the resumed stream a second time.
"""

from __future__ import annotations

import random
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest
import pytest_asyncio

import respnb
from respnb.types import OutputTextDeltaEvent, StreamEvent
from tests.waiting import async_wait_until

from .proxy import FaultProxy, Forward, Seen

PROMPT = "Réponds «vite» 🎉 — café, naïve façade, 東京"
SEED = 20261122
PARAMS: dict[str, Any] = {
    "model": "respnb-demo",
    "input": PROMPT,
    "background": True,
    "max_output_tokens": 48,
}

CATEGORIES = {
    "event-line": 35,
    "data-json": 35,
    "utf8-mid-char": 35,
    "after-blank-line": 30,
    "anywhere": 45,
    "twice": 20,
}
CASES = [(cat, i) for cat, n in CATEGORIES.items() for i in range(n)]
assert len(CASES) == 200
SLEPT: list[float] = []


@dataclass(frozen=True)
class Reference:
    """The uninterrupted stream: its bytes, text, last sequence number and offset classes."""

    raw: bytes
    text: str
    last_seq: int
    classes: dict[str, list[int]]


def _classify(raw: bytes) -> dict[str, list[int]]:
    """Cut offsets by category; every offset lies after the first event (its id is known)."""
    first = raw.index(b"\n\n") + 2
    classes: dict[str, list[int]] = {k: [] for k in CATEGORIES}
    pos = 0
    for line in raw.split(b"\n"):
        start, end = pos, pos + len(line)
        pos = end + 1
        if start < first:
            continue
        if line.startswith(b"event: "):
            classes["event-line"] += range(start + 1, end + 1)
        elif line.startswith(b"data: "):
            classes["data-json"] += range(start + 6, end)
    classes["utf8-mid-char"] = [i for i in range(first, len(raw)) if 0x80 <= raw[i] <= 0xBF]
    classes["after-blank-line"] = [
        i + 2 for i in range(first, len(raw) - 2) if raw[i : i + 2] == b"\n\n"
    ]
    classes["anywhere"] = list(range(first, len(raw)))
    classes["twice"] = classes["anywhere"]
    return classes


def _seqs(events: list[StreamEvent]) -> list[int | None]:
    return [e.sequence_number for e in events]


def _nth_frame_end(raw: bytes, n: int) -> int:
    """The offset just after the ``n``-th blank line (0 for n == 0)."""
    pos = 0
    for _ in range(n):
        pos = raw.index(b"\n\n", pos) + 2
    return pos


async def _collect(stream: respnb.AsyncResponseStream, into: list[StreamEvent]) -> None:
    async for event in stream:
        into.append(event)


def _text(events: list[StreamEvent]) -> str:
    return "".join(e.delta for e in events if isinstance(e, OutputTextDeltaEvent))


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(_module_proxy: FaultProxy) -> AsyncIterator[respnb.AsyncClient]:
    """One client (one connection pool) for every case, as a notebook would keep it.

    Its waits between resumes go to :data:`SLEPT` instead of the clock."""

    async def sleep(delay: float) -> None:
        SLEPT.append(delay)

    async with respnb.AsyncClient(
        "compatible", base_url=_module_proxy.base_url, max_retries=0, sleep=sleep
    ) as client:
        yield client


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def reference(
    _module_proxy: FaultProxy, client: respnb.AsyncClient
) -> AsyncIterator[Reference]:
    """Two uninterrupted runs through the proxy: same layout (only ids differ).

    The client stops reading at the terminal event, possibly before the proxy has passed the
    rest of the body on, so each capture is read only once the proxy says it is complete; no
    auto-resume, so a stream cut on a busy machine fails loudly instead of leaving a partial
    capture."""

    async def run() -> tuple[bytes, list[StreamEvent]]:
        _module_proxy.reset()
        async with client.responses.stream(auto_resume=False, **PARAMS) as stream:
            events = [e async for e in stream]
        (post,) = _module_proxy.requests("POST", "/responses")

        async def complete() -> bool:
            return post.complete

        await async_wait_until(complete, what="the proxy to pass the whole reference body on")
        resumed = [seen for seen in _module_proxy.seen if seen.method == "GET"]
        assert not resumed, "the reference stream was cut and resumed"
        return bytes(post.answer), events

    raw1, events = await run()
    raw2, _ = await run()
    _module_proxy.reset()
    assert len(raw1) == len(raw2), "two runs of one prompt must have the same byte layout"
    assert [i for i, b in enumerate(raw1) if b >= 0x80] == [
        i for i, b in enumerate(raw2) if b >= 0x80
    ]
    text = _text(events)
    assert events[-1].type == "response.incomplete"  # max_output_tokens keeps it short
    assert "🎉" in text and "東京" in text  # the answer quotes the non-ASCII prompt
    assert _seqs(events) == list(range(len(events)))
    classes = _classify(raw1)
    assert all(classes[k] for k in CATEGORIES), {k: len(v) for k, v in classes.items()}
    yield Reference(raw1, text, len(events) - 1, classes)


@pytest.mark.asyncio(loop_scope="module")
async def test_reference_offsets_cover_every_kind(reference: Reference) -> None:
    """The offset classes really are what their names say."""
    raw = reference.raw
    for kind, prefix in (("event-line", b"event: "), ("data-json", b"data: {")):
        for i in reference.classes[kind]:
            line_start = raw.rfind(b"\n", 0, i) + 1
            assert raw.startswith(prefix, line_start) and b"\n" not in raw[line_start:i]
    for i in reference.classes["utf8-mid-char"]:
        with pytest.raises(UnicodeDecodeError):
            raw[:i].decode("utf-8")
    for i in reference.classes["after-blank-line"]:
        assert raw[i - 2 : i] == b"\n\n"
    assert any(raw[i] >= 0xF0 for i in range(len(raw)))  # a 4-byte character (the emoji)


@pytest.mark.asyncio(loop_scope="module")
@pytest.mark.parametrize(("category", "index"), CASES, ids=[f"{c}-{i}" for c, i in CASES])
async def test_cut_and_resume(
    proxy: FaultProxy, client: respnb.AsyncClient, reference: Reference, category: str, index: int
) -> None:
    rng = random.Random(f"{SEED}:{category}:{index}")
    cut = rng.choice(reference.classes[category])
    got = reference.raw[:cut].count(b"\n\n")  # complete events before the cut
    replay = len(reference.raw) - _nth_frame_end(reference.raw, got)  # bytes the resume sends
    second_cut = rng.randint(1, replay - 1) if category == "twice" and replay > 1 else None
    manual = index % 3 == 0
    cuts = {"POST": cut, "GET": second_cut}
    # the UTF-8 cases also get the create's body in tiny writes (splits inside characters)
    pieces = tuple(rng.randint(1, 7) for _ in range(11)) if category == "utf8-mid-char" else ()
    done: set[str] = set()

    def rule(seen: Seen) -> Forward | None:
        # One cut for the create, and (case "twice") one for the first resume.
        if seen.method in done or cuts.get(seen.method) is None:
            return None
        done.add(seen.method)
        return Forward(cut_at=cuts[seen.method], pieces=pieces if seen.method == "POST" else ())

    proxy.reset(rule)
    SLEPT.clear()
    events: list[StreamEvent] = []
    async with client.responses.stream(auto_resume=not manual, **PARAMS) as stream:
        if manual:
            with pytest.raises(respnb.APIConnectionError, match=r"responses\.resume\("):
                await _collect(stream, events)
            partial = stream.snapshot()
            assert partial.id == stream.response_id
            assert reference.text.startswith(partial.output_text)  # nothing lost so far
            assert _text(events) == partial.output_text
            resumed = client.responses.resume(
                stream.response_id or "", after=stream.cursor, accumulator=stream.accumulator
            )
            async with resumed:
                events += [e async for e in resumed]
            final = resumed.snapshot()
        else:
            events += [e async for e in stream]
            final = stream.snapshot()
            assert stream.resumes >= 1
    stored = await client.responses.retrieve(final.id)

    (post,) = proxy.requests("POST", "/responses")
    assert len(post.answer) == cut, "the proxy cut the create's body at the chosen offset"
    assert _seqs(events) == list(range(reference.last_seq + 1)), "events lost or duplicated"
    assert _text(events) == reference.text
    assert final.output_text == reference.text
    assert stored.output_text == reference.text
    assert final.status == stored.status == "incomplete"
    gets = proxy.requests("GET", f"/responses/{final.id}")
    resumes = [r for r in gets if "stream=true" in r.target]
    assert len(resumes) == (2 if second_cut else 1) and len(gets) == len(resumes) + 1
    # the client resumes right after the last complete event it received before the cut
    assert f"starting_after={got - 1}" in resumes[0].target.split("&")
    # a second reconnect of one stream backs off (0.5 s), through the injected sleep
    expected_sleeps = [0.5] if len(resumes) == 2 and not manual else []
    assert expected_sleeps == SLEPT


@pytest.mark.parametrize("index", range(6))
def test_sync_client_cut_and_resume(proxy: FaultProxy, reference: Reference, index: int) -> None:
    """The sync ``Client`` (its loop thread) resumes a cut background stream the same way."""
    rng = random.Random(f"{SEED}:sync:{index}")
    cut = rng.choice(reference.classes["utf8-mid-char" if index % 2 else "anywhere"])
    proxy.reset(lambda seen: Forward(cut_at=cut) if seen.method == "POST" else None)
    with (
        respnb.Client("compatible", base_url=proxy.base_url, max_retries=0) as client,
        client.responses.stream(**PARAMS) as stream,
    ):
        events = list(stream)
        final = stream.snapshot()
    assert _seqs(events) == list(range(reference.last_seq + 1))
    assert _text(events) == final.output_text == reference.text
