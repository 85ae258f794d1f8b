"""Refresher behaviour with a fake client: polling backoff, bounded concurrency, 404, cancel."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

import pytest

from respnb._exceptions import NotFoundError
from respnb.tasks import Refresher, TaskRegistry
from respnb.types import Response

_real_sleep = asyncio.sleep


class FakeProfile:
    name = "fake"
    kind = "compatible"

    def resolved_base_url(self) -> str:
        return "http://fake/v1"

    def supports(self, feature: str) -> bool:
        return False  # no resume: the refresher must poll


class FakeResponses:
    def __init__(self, polls_until_done: int) -> None:
        self.polls_until_done = polls_until_done
        self.calls: dict[str, int] = {}
        self.active = 0
        self.peak = 0
        self.cancelled: set[str] = set()
        self.missing: set[str] = set()

    async def retrieve(self, id: str) -> Response:
        self.active += 1
        self.peak = max(self.peak, self.active)
        try:
            await _real_sleep(0.005)
            if id in self.missing:
                import httpx

                req = httpx.Request("GET", "http://fake/v1/responses/x")
                raise NotFoundError("gone", response=httpx.Response(404, request=req))
            n = self.calls[id] = self.calls.get(id, 0) + 1
            if id in self.cancelled:
                return Response(id=id, status="cancelled")
            status = "completed" if n >= self.polls_until_done else "in_progress"
            return Response(id=id, status=status, output=[])
        finally:
            self.active -= 1

    async def cancel(self, id: str) -> Response:
        self.cancelled.add(id)
        return Response(id=id, status="cancelled")


class FakeClient:
    def __init__(self, polls: int) -> None:
        self.profile = FakeProfile()
        self.responses = FakeResponses(polls)
        self.tasks = None


@pytest.fixture
def reg(tmp_path: Path) -> TaskRegistry:
    r = TaskRegistry(tmp_path / "t.sqlite3")
    yield r
    r.close()


async def test_polls_with_backoff_until_terminal(
    reg: TaskRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    client = FakeClient(polls=6)
    ref = Refresher(
        reg, asyncio.get_running_loop(), poll_initial=0.001, poll_max=0.004, poll_factor=2.0
    )
    ref.use_client(client)
    delays: list[float] = []

    async def spy(d: float, *a: Any) -> None:
        delays.append(d)
        await _real_sleep(0)

    from respnb.tasks import refresher as refresher_module  # respnb.tasks is the function

    monkeypatch.setattr(refresher_module.asyncio, "sleep", spy)
    reg.record_response(
        Response(id="r1", status="queued", background=True),
        profile="fake",
        base_url="http://fake/v1",
    )
    ref.track("r1")
    await ref.drain(timeout=10)
    assert reg.get("r1").normalized_status == "completed"
    assert client.responses.calls["r1"] == 6
    assert len(delays) == 5
    assert delays[1] > delays[0]  # grows ...
    assert max(delays) <= 0.004 * 1.2  # ... up to the cap (with jitter)


async def test_bounded_concurrency_and_listen(reg: TaskRegistry) -> None:
    client = FakeClient(polls=3)
    ref = Refresher(
        reg, asyncio.get_running_loop(), max_concurrency=4, poll_initial=0.001, poll_max=0.002
    )
    ref.use_client(client)
    ref.listen()
    for i in range(40):  # every new background row is followed automatically
        reg.record_response(
            Response(id=f"t{i}", status="queued", background=True),
            profile="fake",
            base_url="http://fake/v1",
        )
    reg.record_response(
        Response(id="fg", status="in_progress", background=False),
        profile="fake",
        base_url="http://fake/v1",
    )
    await asyncio.sleep(0)
    await ref.drain(timeout=20)
    assert all(reg.get(f"t{i}").normalized_status == "completed" for i in range(40))
    assert client.responses.peak <= 4
    assert "fg" not in client.responses.calls  # foreground runs are followed by their stream
    assert ref.reattach() == 1  # ... but a restart re-attaches them too
    await asyncio.sleep(0)
    await ref.drain(timeout=5)
    assert reg.get("fg").normalized_status == "completed"
    ref.close()


async def test_not_found_marks_lost(reg: TaskRegistry) -> None:
    client = FakeClient(polls=3)
    client.responses.missing.add("gone")
    ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.001)
    ref.use_client(client)
    reg.record_response(
        Response(id="gone", status="queued"), profile="fake", base_url="http://fake/v1"
    )
    ref.track("gone")
    await ref.drain(timeout=5)
    rec = reg.get("gone")
    assert rec.normalized_status == "lost"
    assert "not found" in (rec.error or "")
    assert not rec.in_flight


async def test_cancel_is_confirmed(reg: TaskRegistry) -> None:
    client = FakeClient(polls=1000)
    ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.001, confirm_delay=0.001)
    ref.use_client(client)
    reg.record_response(
        Response(id="c1", status="in_progress", background=True),
        profile="fake",
        base_url="http://fake/v1",
    )
    rec = await ref.cancel("c1")
    assert rec.normalized_status == "cancelled"
    await ref.drain(timeout=5)
    assert client.responses.calls["c1"] >= 1  # a later poll confirmed the provisional status
    assert reg.get("c1").normalized_status == "cancelled"
    with pytest.raises(KeyError, match="nope"):
        await ref.cancel("nope")
