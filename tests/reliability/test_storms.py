"""429/5xx storms: bounded retries, Retry-After honoured, no background task created twice.

Errors come from the server's own fault injection (``x-respnb-fault``) or from the proxy,
which answers by itself or loses the server's answer. The client's sleep is injected, so the
delays it was asked to wait are recorded and nothing waits for real. Requests are counted at
the proxy; responses are counted in the server's store.
"""

from __future__ import annotations

import email.utils
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

import respnb
from respnb.server.launch import RunningServer
from respnb.tasks import RegistryObserver, TaskRegistry
from respnb.types import OutputTextDeltaEvent

from .conftest import stored_rows
from .proxy import FaultProxy, Forward, Reply, Seen

FAULT = "x-respnb-fault"


class Sleeps:
    """An injected ``sleep``: records each delay in ``delays``, waits for nothing."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, delay: float) -> None:
        self.delays.append(delay)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest_asyncio.fixture
async def client(proxy: FaultProxy, sleeps: Sleeps) -> AsyncIterator[respnb.AsyncClient]:
    async with respnb.AsyncClient(
        "compatible", base_url=proxy.base_url, max_retries=2, sleep=sleeps
    ) as c:
        yield c


@pytest.fixture
def registry(tmp_path: Path) -> Iterator[TaskRegistry]:
    """A task registry recording every response the client sees, for this test only."""
    reg = TaskRegistry(tmp_path / "tasks.sqlite3")
    observer = RegistryObserver(reg)
    respnb._hooks.add_observer(observer)
    try:
        yield reg
    finally:
        respnb._hooks.remove_observer(observer)
        reg.close()


def marker() -> str:
    return f"storm-{uuid.uuid4().hex[:12]}"


def creates(proxy: FaultProxy) -> list[Seen]:
    return proxy.requests("POST", "/responses")


def one_key(requests: list[Seen]) -> str:
    keys = {r.headers.get("idempotency-key") for r in requests}
    assert len(keys) == 1 and None not in keys, f"retries must share one Idempotency-Key: {keys}"
    return str(keys.pop())


def error_reply(status: int, *headers: tuple[str, str]) -> Reply:
    body = {"error": {"message": f"proxy says {status}", "type": "proxy", "code": "storm"}}
    return Reply(status, headers, json.dumps(body).encode())


# --- server-injected storms ---------------------------------------------------------------
@pytest.mark.parametrize("status", [429, 500, 502, 503, 504])
async def test_storm_then_success_creates_once(
    client: respnb.AsyncClient,
    proxy: FaultProxy,
    rel_server: RunningServer,
    sleeps: Sleeps,
    registry: TaskRegistry,
    status: int,
) -> None:
    tag = marker()
    fault = f"status={status};retry_after=2.5;times=2"
    resp = await client.responses.create(
        model="respnb-demo", input=f"{tag} hello", background=True, extra_headers={FAULT: fault}
    )
    sent = creates(proxy)
    assert [r.status for r in sent] == [status, status, 200]
    one_key(sent)
    assert [r.headers.get("x-respnb-retry-count") for r in sent] == [None, "1", "2"]
    assert sleeps.delays == [2.5, 2.5], "Retry-After (retry-after-ms) must be honoured exactly"
    assert stored_rows(rel_server, tag, settle=resp.id) == [resp.id]
    assert [r.id for r in registry.records()] == [resp.id]  # one task in the registry too


@pytest.mark.parametrize("max_retries", [0, 1, 3])
async def test_endless_storm_is_bounded(
    proxy: FaultProxy, rel_server: RunningServer, sleeps: Sleeps, max_retries: int
) -> None:
    tag = marker()
    async with respnb.AsyncClient(
        "compatible", base_url=proxy.base_url, max_retries=max_retries, sleep=sleeps
    ) as client:
        with pytest.raises(respnb.InternalServerError, match="Injected fault: HTTP 503") as info:
            await client.responses.create(
                model="respnb-demo",
                input=tag,
                background=True,
                extra_headers={FAULT: "status=503;retry_after=0.75"},
            )
    assert info.value.status_code == 503
    assert len(creates(proxy)) == max_retries + 1
    assert sleeps.delays == [0.75] * max_retries
    assert stored_rows(rel_server, tag) == []


async def test_storm_on_a_stream_create(
    client: respnb.AsyncClient, proxy: FaultProxy, rel_server: RunningServer, sleeps: Sleeps
) -> None:
    tag = marker()
    async with client.responses.stream(
        model="respnb-demo",
        input=f"{tag} tell me about rivers",
        background=True,
        max_output_tokens=24,
        extra_headers={FAULT: "status=429;retry_after=1;times=2"},
    ) as stream:
        events = [e async for e in stream]
    assert [e.sequence_number for e in events] == list(range(len(events)))
    text = "".join(e.delta for e in events if isinstance(e, OutputTextDeltaEvent))
    assert text and text == stream.snapshot().output_text
    assert sleeps.delays == [1.0, 1.0]
    one_key(creates(proxy))
    assert stored_rows(rel_server, tag, settle=stream.response_id) == [stream.response_id]


# --- proxy-made storms ----------------------------------------------------------------------
def _in(seconds: float) -> str:
    return email.utils.formatdate(time.time() + seconds, usegmt=True)


@pytest.mark.parametrize(
    ("headers", "low", "high"),
    [
        ((("Retry-After", "3"),), 3.0, 3.0),
        ((("retry-after-ms", "1500"),), 1.5, 1.5),
        ((("retry-after-ms", "250"), ("Retry-After", "9")), 0.25, 0.25),
        ((("Retry-After", "0"),), 0.0, 0.0),
        # an HTTP date ~20 s ahead (whole seconds: the wait is 19-20 s)
        ((("Retry-After", "DATE+20"),), 18.5, 20.5),
        # out of range or unreadable: the jittered backoff (0.5 s * [0.75, 1]) instead
        ((("Retry-After", "3600"),), 0.375, 0.5),
        ((("Retry-After", "-4"),), 0.375, 0.5),
        ((("Retry-After", "soon"),), 0.375, 0.5),
        ((), 0.375, 0.5),
    ],
    ids=["secs", "ms", "ms-wins", "zero", "http-date", "too-long", "negative", "junk", "none"],
)
async def test_proxy_429_retry_after(
    client: respnb.AsyncClient,
    proxy: FaultProxy,
    rel_server: RunningServer,
    sleeps: Sleeps,
    headers: tuple[tuple[str, str], ...],
    low: float,
    high: float,
) -> None:
    hdrs = tuple((k, _in(20) if v == "DATE+20" else v) for k, v in headers)
    tag = marker()

    def rule(seen: Seen) -> Reply | None:
        return error_reply(429, *hdrs) if len(creates(proxy)) == 1 else None

    proxy.reset(rule)
    resp = await client.responses.create(model="respnb-demo", input=tag, background=True)
    assert len(sleeps.delays) == 1 and low <= sleeps.delays[0] <= high, sleeps.delays
    assert [r.status for r in creates(proxy)] == [429, 200]
    one_key(creates(proxy))
    assert stored_rows(rel_server, tag, settle=resp.id) == [resp.id]


@pytest.mark.parametrize(
    ("status", "headers", "attempts"),
    [
        (400, (), 1),
        (401, (), 1),
        (403, (), 1),
        (404, (), 1),
        (422, (), 1),
        (408, (), 3),
        (409, (), 3),
        (503, (("x-should-retry", "false"),), 1),
        (400, (("x-should-retry", "true"),), 3),
    ],
)
async def test_which_answers_are_retried(
    client: respnb.AsyncClient,
    proxy: FaultProxy,
    sleeps: Sleeps,
    status: int,
    headers: tuple[tuple[str, str], ...],
    attempts: int,
) -> None:
    proxy.reset(lambda seen: error_reply(status, *headers))
    with pytest.raises(respnb.APIStatusError, match=f"proxy says {status}") as info:
        await client.responses.create(model="respnb-demo", input="x", background=True)
    assert info.value.status_code == status and info.value.code == "storm"
    assert len(creates(proxy)) == attempts
    assert len(sleeps.delays) == attempts - 1


async def test_retrieve_survives_a_lost_answer(
    client: respnb.AsyncClient, proxy: FaultProxy, sleeps: Sleeps
) -> None:
    created = await client.responses.create(model="respnb-demo", input="hi", background=False)
    proxy.reset(lambda seen: Forward(drop_answer=True) if len(proxy.seen) == 1 else None)
    again = await client.responses.retrieve(created.id)
    assert again.id == created.id and again.output_text == created.output_text
    assert len(proxy.requests("GET", f"/responses/{created.id}")) == 2
    assert len(sleeps.delays) == 1


async def test_timeouts_are_bounded(proxy: FaultProxy, rel_server: RunningServer) -> None:
    tag = marker()
    sleeps = Sleeps()
    async with respnb.AsyncClient(
        "compatible", base_url=proxy.base_url, max_retries=2, sleep=sleeps, timeout=0.2
    ) as client:
        with pytest.raises(respnb.APITimeoutError) as err:
            await client.responses.create(
                model="respnb-demo",
                input=tag,
                background=True,
                extra_headers={FAULT: "first_byte_delay=1"},
            )
    # a silent service gets two chances (RETRY_WINDOW read timeouts), not max_retries + 1
    assert len(creates(proxy)) == 2
    one_key(creates(proxy))
    assert len(sleeps.delays) == 1
    assert f"POST {proxy.base_url}/responses" in str(err.value)
    assert stored_rows(rel_server, tag) == []


# --- the answer is lost after the server created the response -------------------------------
LOST = [
    pytest.param(Forward(drop_answer=True), id="connection-dropped"),
    pytest.param(Forward(then_reply=error_reply(502)), id="gateway-502"),
]


@pytest.mark.parametrize("lost", LOST)
async def test_lost_answer_does_not_create_twice(
    client: respnb.AsyncClient,
    proxy: FaultProxy,
    rel_server: RunningServer,
    registry: TaskRegistry,
    lost: Forward,
) -> None:
    tag = marker()
    proxy.reset(lambda seen: lost if len(creates(proxy)) == 1 else None)
    resp = await client.responses.create(model="respnb-demo", input=f"{tag} once", background=True)
    sent = creates(proxy)
    assert len(sent) == 2
    one_key(sent)
    assert registry.count() == 1  # the client saw (and recorded) one task
    rows = stored_rows(rel_server, tag, settle=resp.id)
    assert rows == [resp.id], f"the server created {len(rows)} responses for one create"


async def test_same_key_different_body_is_a_conflict(rel_server: RunningServer) -> None:
    """Reusing an Idempotency-Key for another request is refused (409), not replayed."""
    import httpx

    async with httpx.AsyncClient(base_url=rel_server.base_url) as http:
        first = await http.post(
            "/responses",
            json={"model": "respnb-demo", "input": "one"},
            headers={"Idempotency-Key": "k-conflict"},
        )
        again = await http.post(
            "/responses",
            json={"model": "respnb-demo", "input": "one"},
            headers={"Idempotency-Key": "k-conflict"},
        )
        other = await http.post(
            "/responses",
            json={"model": "respnb-demo", "input": "two"},
            headers={"Idempotency-Key": "k-conflict"},
        )
    assert first.status_code == again.status_code == 200
    assert again.json()["id"] == first.json()["id"]
    assert other.status_code == 409
    assert "Idempotency-Key" in other.json()["error"]["message"]
