"""Following many background tasks cheaply, against real respnb servers: one task listing per
sweep (openai and Manus dialects), no polling with webhooks, age-paced polling elsewhere."""

from __future__ import annotations

import asyncio
import base64
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from respnb._client import AsyncClient
from respnb.server.launch import serve_in_thread
from respnb.tasks import Refresher, TaskRegistry
from respnb.tasks._watch import PACE_SHARE, poll_delay
from respnb.tasks.webhooks import WebhookReceiver

SECRET = "whsec_" + base64.b64encode(b"watch-test-secret-0123456789abcd").decode()
N = 12


class Counter:
    """Counts the requests an httpx client sends, by method and path kind."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    async def __call__(self, request: httpx.Request) -> None:
        self.seen.append((request.method, request.url.path))

    def count(self, method: str, test: object) -> int:
        return sum(1 for m, p in self.seen if m == method and test(p))  # type: ignore[operator]


@pytest.fixture
def reg(tmp_path: Path) -> Iterator[TaskRegistry]:
    r = TaskRegistry(tmp_path / "tasks.sqlite3")
    yield r
    r.close()


async def _create_and_follow(
    base_url: str, profile: str, reg: TaskRegistry, counter: Counter, *, webhooks: bool = False
) -> list[str]:
    http = httpx.AsyncClient(timeout=30, event_hooks={"request": [counter]})
    client = AsyncClient(profile, base_url=base_url, api_key="k", http_client=http)
    ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.05, poll_max=0.3)
    ref.use_client(client)
    if webhooks:
        ref.use_webhooks()
    ids = []
    for i in range(N):
        r = await client.responses.create(
            model="respnb-demo",
            input=f"watch task {i}",
            background=True,
            metadata={"respnb_pace": "200"},
        )
        reg.record_response(r, profile=profile, base_url=base_url, body={"background": True})
        ids.append(r.id)
    counter.seen.clear()  # count the following only
    for rid in ids:
        ref.track(rid)
    await ref.drain(timeout=120)
    ref.close()
    await ref.aclose()
    await http.aclose()
    return ids


def _is_retrieve(path: str) -> bool:
    return "/responses/" in path


def _is_listing(path: str) -> bool:
    return path.endswith("/tasks")


@pytest.mark.parametrize(("dialect", "profile"), [("openai", "local"), ("manus", "manus")])
async def test_one_listing_per_sweep_replaces_retrieves(tmp_path, reg, dialect, profile):
    counter = Counter()
    with serve_in_thread(db_path=tmp_path / "s.sqlite3", dialect=dialect) as srv:
        ids = await _create_and_follow(srv.base_url, profile, reg, counter)
    assert all(reg.get(i).normalized_status == "completed" for i in ids)
    assert counter.count("GET", _is_retrieve) == 0  # settled tasks come from the listing
    assert counter.count("GET", _is_listing) >= 2  # the running list, then the settled list


async def test_with_webhooks_nothing_is_polled(tmp_path, reg):
    counter = Counter()
    receiver = WebhookReceiver(SECRET, lambda payload: None)
    url = receiver.start()
    try:
        with serve_in_thread(
            db_path=tmp_path / "s.sqlite3", webhook_url=url, webhook_secret=SECRET
        ) as srv:
            http = httpx.AsyncClient(timeout=30, event_hooks={"request": [counter]})
            client = AsyncClient("local", base_url=srv.base_url, http_client=http)
            ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.05)
            ref.use_client(client)
            ref.use_webhooks()

            def refresh(payload: dict) -> None:
                ref.submit(ref.refresh_one(payload["data"]["id"]))

            receiver.on_event = refresh
            ids = []
            for i in range(N):
                r = await client.responses.create(
                    model="respnb-demo", input=f"hook task {i}", background=True
                )
                reg.record_response(
                    r, profile="local", base_url=srv.base_url, body={"background": True}
                )
                ids.append(r.id)
            for rid in ids:
                ref.track(rid)
            await ref.drain(timeout=120)
            ref.close()
            await ref.aclose()
            await http.aclose()
    finally:
        receiver.stop()
    assert all(reg.get(i).normalized_status == "completed" for i in ids)
    assert counter.count("GET", _is_listing) == 0
    assert counter.count("GET", _is_retrieve) == N  # one retrieve per event, no polling
    assert receiver.accepted == N


def test_poll_interval_follows_the_tasks_age():
    for _ in range(50):
        assert 1.8 <= poll_delay(0.0, 2.0, 10.0) <= 2.2  # young: the floor
        assert 9.0 <= poll_delay(1000.0, 2.0, 10.0) <= 11.0  # old: the cap
        mid = poll_delay(20.0, 2.0, 10.0)
        assert 0.9 * 20 * PACE_SHARE <= mid <= 1.1 * 20 * PACE_SHARE


async def test_a_lost_webhook_is_covered_by_one_late_retrieve(tmp_path, reg):
    counter = Counter()
    with serve_in_thread(db_path=tmp_path / "s.sqlite3") as srv:  # it sends no webhooks
        http = httpx.AsyncClient(timeout=30, event_hooks={"request": [counter]})
        client = AsyncClient("local", base_url=srv.base_url, http_client=http)
        ref = Refresher(reg, asyncio.get_running_loop())
        ref.use_client(client)
        ref.use_webhooks(fallback=0.2)
        r = await client.responses.create(model="respnb-demo", input="lost", background=True)
        reg.record_response(r, profile="local", base_url=srv.base_url, body={"background": True})
        ref.track(r.id)
        await ref.drain(timeout=60)
        ref.close()
        await ref.aclose()
        await http.aclose()
    assert reg.get(r.id).normalized_status == "completed"
    assert counter.count("GET", _is_retrieve) >= 1 and counter.count("GET", _is_listing) == 0
