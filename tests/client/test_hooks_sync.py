"""Observers (``_hooks``), the LoopThread and the sync ``Client`` facade."""

from __future__ import annotations

import _thread
import asyncio
import logging
import threading
from collections.abc import AsyncIterator

import httpx
import pytest

import respnb
from respnb import _hooks
from respnb._loop_thread import LoopThread, loop_thread

from .support import BASE, SECRET, Recorder, response_json, sse_bytes, sse_response, text_events


class Obs:
    def __init__(self) -> None:
        self.calls: list[tuple] = []

    def on_request(self, profile, body):
        self.calls.append(("request", profile.name, body))

    def on_response(self, profile, response, body):
        self.calls.append(("response", profile.name, response.id, response.status, body))

    def on_deleted(self, profile, id):
        self.calls.append(("deleted", profile.name, id))


@pytest.fixture
def obs():
    o = Obs()
    _hooks.add_observer(o)
    _hooks.add_observer(o)  # idempotent
    yield o
    _hooks.remove_observer(o)


async def test_observers_see_creates_retrieves_streams_deletes(make_client, recorder, obs):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=response_json(status="queued", text="")),
        httpx.Response(200, json=response_json()),
        sse_response(sse_bytes(text_events("resp_2"))),
        httpx.Response(200, json={"deleted": True}),
    ]
    await client.responses.create(model="m", input="x", background=True)
    await client.responses.retrieve("resp_1")
    async with client.responses.stream(model="m", input="y") as s:
        await s.get_final_response()
    await client.responses.delete("resp_1")
    kinds = [c[0] for c in obs.calls]
    assert kinds == [
        "request",
        "response",
        "response",
        "request",
        "response",
        "response",
        "deleted",
    ]
    assert obs.calls[0][2] == {"model": "m", "input": "x", "background": True, "store": True}
    assert obs.calls[1][2:] == ("resp_1", "queued", obs.calls[0][2])
    assert obs.calls[4][2:4] == ("resp_2", "in_progress")  # stream start
    assert obs.calls[5][2:4] == ("resp_2", "completed")  # stream end
    assert obs.calls[6] == ("deleted", "openai", "resp_1")
    assert all(SECRET not in repr(c) for c in obs.calls)


async def test_observer_errors_are_logged_not_raised(make_client, recorder, caplog):
    class Bad:
        def on_response(self, profile, response, body):
            raise RuntimeError("observer bug")

    bad = Bad()
    _hooks.add_observer(bad)
    try:
        client = make_client()
        recorder.queue.append(httpx.Response(200, json=response_json()))
        with caplog.at_level(logging.ERROR, logger="respnb.hooks"):
            r = await client.responses.retrieve("resp_1")
        assert r.id == "resp_1"
        assert "observer bug" in caplog.text
    finally:
        _hooks.remove_observer(bad)
    assert bad not in _hooks.observers()


def test_loop_thread_runs_and_iterates_from_threads():
    lt = LoopThread(name="test-loop")
    try:

        async def square(x: int) -> int:
            await asyncio.sleep(0)
            return x * x

        async def gen() -> AsyncIterator[int]:
            for i in range(3):
                yield i

        results: list[int] = []

        def worker(i: int) -> None:
            results.append(lt.run(square(i)))

        threads = [threading.Thread(target=worker, args=(i,)) for i in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert sorted(results) == [i * i for i in range(8)]
        assert list(lt.iterate(gen())) == [0, 1, 2]

        async def inner() -> None:
            coro = square(2)
            lt.run(coro)

        with pytest.raises(RuntimeError, match="own loop"):
            lt.run(inner())
        with pytest.raises(ZeroDivisionError):
            lt.run(_div0())
    finally:
        lt.stop()
    assert not lt.alive


async def _div0() -> float:
    return 1 / 0


async def test_loop_thread_works_while_a_loop_runs_in_this_thread():
    # like Jupyter: the calling thread already runs an event loop
    assert asyncio.get_running_loop().is_running()
    lt = loop_thread()
    assert lt.run(_answer()) == 42


async def _answer() -> int:
    return 42


def _sync_client(recorder: Recorder, **kw) -> respnb.Client:
    return respnb.Client(
        "openai", api_key=SECRET, base_url=BASE, transport=recorder.transport, **kw
    )


def test_sync_client_mirrors_async(recorder):
    recorder.queue += [
        httpx.Response(200, json=response_json(text="sync!")),
        httpx.Response(
            200,
            json={
                "object": "list",
                "data": [{"type": "message", "role": "user", "content": "a", "id": "i1"}],
                "has_more": False,
            },
        ),
        httpx.Response(200, json={"id": "conv_1", "object": "conversation"}),
    ]
    with _sync_client(recorder) as client:
        r = client.responses.create(model="m", input="x")
        assert r.output_text == "sync!"
        items = list(client.responses.input_items("resp_1"))
        assert [i.id for i in items] == ["i1"]
        assert client.conversations.create().id == "conv_1"
        assert client.profile.name == "openai"


def test_sync_stream(recorder):
    recorder.queue.append(sse_response(sse_bytes(text_events())))
    client = _sync_client(recorder)
    with client.responses.stream(model="m", input="x") as s:
        types = [ev.type for ev in s]
        final = s.get_final_response()
    assert types[-1] == "response.completed"
    assert final.output_text == "Hello" and s.cursor == 6
    client.close()


def test_sync_keyboard_interrupt_closes_stream_and_keeps_snapshot():
    events = text_events(deltas=("a", "b", "c"))
    closed = threading.Event()

    class Hang(httpx.AsyncByteStream):
        async def __aiter__(self) -> AsyncIterator[bytes]:
            yield sse_bytes(events[:5])
            _thread.interrupt_main()  # Ctrl-C in the main thread, while it waits
            try:
                await asyncio.Event().wait()  # hang until cancelled
                yield b""
            finally:
                closed.set()

        async def aclose(self) -> None:
            closed.set()

    recorder = Recorder(
        lambda r: httpx.Response(200, headers={"content-type": "text/event-stream"}, stream=Hang())
    )
    client = _sync_client(recorder)
    seen: list[str] = []
    s = client.responses.stream(model="m", input="x")

    def consume() -> None:
        with s:
            for ev in s:
                seen.append(ev.type)

    with pytest.raises(KeyboardInterrupt):
        consume()
    assert closed.is_set()
    assert s.done
    assert s.snapshot().output_text == "a"
    assert s.async_stream.cursor == 4  # everything that arrived
    assert s.cursor == (4 if len(seen) == 5 else (len(seen) - 1 if seen else None))
    # the sync stream reads ahead, so Ctrl-C may come before the consumer saw every event
    # that arrived; what it saw is a prefix, and the snapshot holds everything that arrived
    assert seen == [e["type"] for e in events[: len(seen)]]
