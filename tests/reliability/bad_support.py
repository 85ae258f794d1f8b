"""Shared machinery of the bad-input tables (``test_bad_inputs``, ``test_bad_params``).

A case is a :class:`Bad`: an async ``run(ctx)`` that must raise ``exc`` whose message matches
``match``, an optional extra ``check``, and ``sends_nothing`` for client-side rejections (no
request may reach the mock transport). :func:`run_case` applies them all.
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

import respnb
from respnb.server.launch import RunningServer

from .conftest import SECRET
from .proxy import FaultProxy, Forward


class Sleeps:
    """An injected sleep that records delays and waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@dataclass
class Ctx:
    """What a case may use; ``sent`` lists the requests that reached a mock transport."""

    server: RunningServer
    keyed: dict[str, RunningServer]
    proxy: FaultProxy
    tmp: Path
    home: Path
    sleeps: Sleeps = field(default_factory=Sleeps)
    sent: list[httpx.Request] = field(default_factory=list)
    stream: respnb.AsyncResponseStream | None = None

    def client(self, profile: str = "compatible", **kw: Any) -> respnb.AsyncClient:
        kw.setdefault("base_url", self.server.base_url)
        kw.setdefault("sleep", self.sleeps)
        return respnb.AsyncClient(profile, **kw)

    def mock(
        self, status: int, body: str | bytes, ctype: str = "application/json", **kw: Any
    ) -> respnb.AsyncClient:
        raw = body.encode() if isinstance(body, str) else body

        def handle(request: httpx.Request) -> httpx.Response:
            self.sent.append(request)
            return httpx.Response(status, content=raw, headers={"content-type": ctype})

        kw.setdefault("base_url", "http://mock.invalid/v1")
        kw.setdefault("max_retries", 2)
        return self.client(
            kw.pop("profile", "compatible"), transport=httpx.MockTransport(handle), **kw
        )

    async def drain(self, client: respnb.AsyncClient, **params: Any) -> respnb.Response:
        """Stream a create to the end (the stream stays in ``self.stream`` for checks)."""
        params.setdefault("model", "respnb-demo")
        params.setdefault("input", "Tell me about rivers")
        async with client:
            self.stream = client.responses.stream(**params)
            async with self.stream as s:
                final: respnb.Response = await s.get_final_response()
                return final


Run = Callable[[Ctx], Awaitable[object]]
Check = Callable[[BaseException, Ctx], None]


@dataclass(frozen=True)
class Bad:
    run: Run
    exc: type[BaseException]
    match: str
    check: Check | None = None
    sends_nothing: bool = False


async def create_with(client: respnb.AsyncClient, **params: Any) -> respnb.Response:
    params.setdefault("model", "respnb-demo")
    params.setdefault("input", "hi")
    async with client:
        response: respnb.Response = await client.responses.create(**params)
        return response


def create(**params: Any) -> Run:
    """A create on the real (unkeyed) server."""
    return lambda c: create_with(c.client(max_retries=0), **params)


def mock_create(status: int, body: str, ctype: str = "application/json", **params: Any) -> Run:
    return lambda c: create_with(c.mock(status, body, ctype), **params)


def construct(profile: str = "compatible", **kw: Any) -> Run:
    async def run(c: Ctx) -> object:
        kw.setdefault("base_url", c.server.base_url)
        return await create_with(respnb.AsyncClient(profile, **kw))

    return run


def toml(text: str, profile: str) -> Run:
    async def run(c: Ctx) -> object:
        (c.home / "profiles.toml").write_text(text, encoding="utf-8")
        return await create_with(respnb.AsyncClient(profile))

    return run


def param_is(name: str) -> Check:
    def check(exc: BaseException, c: Ctx) -> None:
        assert isinstance(exc, respnb.BadRequestError) and exc.param == name, exc

    return check


def no_secret(exc: BaseException, c: Ctx) -> None:
    assert SECRET not in str(exc) and SECRET not in repr(exc.args)
    if isinstance(exc, respnb.APIStatusError):
        assert SECRET not in json.dumps(exc.body)


def retried(times: int) -> Check:
    def check(exc: BaseException, c: Ctx) -> None:
        assert len(c.sleeps.delays) == times, c.sleeps.delays

    return check


def kept_partial(exc: BaseException, c: Ctx) -> None:
    """Nothing lost: the text that arrived before the failure is in the snapshot."""
    assert c.stream is not None
    assert c.stream.snapshot().output_text == "Hello part"
    assert c.stream.response_id == "resp_1"


def real_partial(exc: BaseException, c: Ctx) -> None:
    assert c.stream is not None
    snap = c.stream.snapshot()
    assert snap.id.startswith("resp_") and snap.output_text, snap


# --- malformed SSE from a mock server -------------------------------------------------------
HEAD = "".join(
    f"event: {json.loads(d)['type']}\ndata: {d}\n\n"
    for d in (
        '{"type":"response.created","sequence_number":0,"response":{"id":"resp_1",'
        '"object":"response","status":"in_progress","output":[]}}',
        '{"type":"response.output_item.added","sequence_number":1,"output_index":0,'
        '"item":{"id":"m1","type":"message","role":"assistant","status":"in_progress",'
        '"content":[]}}',
        '{"type":"response.content_part.added","sequence_number":2,"item_id":"m1",'
        '"output_index":0,"content_index":0,"part":{"type":"output_text","text":"",'
        '"annotations":[]}}',
        '{"type":"response.output_text.delta","sequence_number":3,"item_id":"m1",'
        '"output_index":0,"content_index":0,"delta":"Hello part"}',
    )
)


def sse(tail: str, *, head: bool = True) -> Run:
    body = (HEAD if head else "") + tail
    return lambda c: c.drain(c.mock(200, body, "text/event-stream"))


def server_stream(fault: str, **params: Any) -> Run:
    return lambda c: c.drain(
        c.client(max_retries=0), extra_headers={"x-respnb-fault": fault}, **params
    )


def text_is(fragment: str) -> Check:
    def check(exc: BaseException, c: Ctx) -> None:
        assert isinstance(exc, respnb.StreamError) and exc.text == fragment
        kept_partial(exc, c)

    return check


# --- keys, unreachable servers --------------------------------------------------------------
def keyed(dialect: str, profile: str, key: str | None, *, stream: bool = False) -> Run:
    async def run(c: Ctx) -> object:
        client = c.client(profile, base_url=c.keyed[dialect].base_url, api_key=key)
        if stream:
            return await c.drain(client)
        return await create_with(client)

    return run


def closed_port_url() -> str:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/v1"


CLOSED = closed_port_url()


def unreachable(op: str) -> Run:
    async def run(c: Ctx) -> object:
        async with c.client(base_url=CLOSED) as client:
            if op == "create":
                return await client.responses.create(model="m", input="x")
            if op == "retrieve":
                return await client.responses.retrieve("resp_1")
            async with client.responses.stream(model="m", input="x") as s:
                return await s.get_final_response()

    return run


def names_url(path: str) -> Check:
    def check(exc: BaseException, c: Ctx) -> None:
        assert f"{CLOSED}{path}" in str(exc)
        assert len(c.sleeps.delays) == 2  # retried twice, then gave up

    return check


# --- files, Manus, Maniac ---------------------------------------------------------------------
def upload(
    make: Callable[[Ctx], Any], profile: str = "compatible", presigned: bool = False, **kw: Any
) -> Run:
    async def run(c: Ctx) -> object:
        async with c.mock(200, "{}", profile=profile, **kw) as client:
            if presigned:
                return await client.files.upload_presigned(make(c))
            return await client.files.create(file=make(c))

    return run


def missing_file(c: Ctx) -> Path:
    return c.tmp / "no-such-dir" / "report.pdf"


def manus(call: Callable[[respnb.AsyncClient], Awaitable[object]]) -> Run:
    async def run(c: Ctx) -> object:
        async with c.mock(200, "{}", profile="manus", api_key="k") as client:
            return await call(client)

    return run


def maniac(call: Callable[[respnb.AsyncClient], Awaitable[object]]) -> Run:
    async def run(c: Ctx) -> object:
        async with c.mock(200, "{}", profile="maniac", api_key="k") as client:
            return await call(client)

    return run


async def raw_request(c: Ctx, method: str, path: str, **kw: Any) -> object:
    """A request the client refuses to send, sent raw to the server: 400 + param."""
    async with httpx.AsyncClient(base_url=c.server.base_url) as http:
        if "{rid}" in path:  # a real stored response
            made = await http.post("/responses", json={"model": "respnb-demo", "input": "hi"})
            path = path.replace("{rid}", made.json()["id"])
        response = await http.request(method, path, **kw)
    await response.aread()
    raise respnb._exceptions.make_status_error(response)


async def files_retrieve(c: Ctx, file_id: str) -> object:
    async with c.client(max_retries=0) as client:
        return await client.files.retrieve(file_id)


async def retrieve_with(client: respnb.AsyncClient, rid: str) -> object:
    async with client:
        return await client.responses.retrieve(rid)


async def input_items_with(client: respnb.AsyncClient, **kw: Any) -> object:
    async with client:
        return await client.responses.input_items("resp_1", **kw)


async def stream_once(client: respnb.AsyncClient, **params: Any) -> object:
    async with client.responses.stream(model="m", input="x", **params) as s:
        return await s.get_final_response()


async def cut_early(c: Ctx) -> object:
    c.proxy.reset(lambda seen: Forward(cut_at=10))
    return await c.drain(c.client(base_url=c.proxy.base_url, max_retries=0))


def cases(table: dict[str, Any]) -> list[Any]:
    """``pytest.param`` per case of ``table`` (ids are the keys; xfail marks kept)."""
    out: list[Any] = []
    for name, case in table.items():
        if isinstance(case, Bad):
            out.append(pytest.param(case, id=name))
        else:
            out.append(pytest.param(*case.values, marks=case.marks, id=name))
    return out


async def run_case(case: Bad, ctx: Ctx) -> None:
    """Run ``case``: the right error, a message long enough to act on, no key, checks."""
    with pytest.raises(case.exc, match=case.match) as info:
        await case.run(ctx)
    message = str(info.value)
    assert len(message) >= 12, f"too terse to act on: {message!r}"
    assert SECRET not in message
    if case.sends_nothing:
        assert ctx.sent == [], "a request left although the client should refuse it"
    if case.check is not None:
        case.check(info.value, ctx)
