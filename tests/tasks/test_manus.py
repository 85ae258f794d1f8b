"""Manus dialect: /v1/tasks listing (web-app tasks too) merged, pending tasks, reply via task_id."""

from __future__ import annotations

import asyncio
from pathlib import Path

import httpx
import pytest

from respnb._client import AsyncClient
from respnb.tasks import Refresher, TaskRegistry, TaskTable

pytest.importorskip("respnb.server.launch")


async def _settle(reg: TaskRegistry, id: str, status: str) -> None:
    for _ in range(200):
        rec = reg.get(id)
        if rec is not None and rec.normalized_status == status:
            return
        await asyncio.sleep(0.05)
    raise AssertionError(f"{id} never reached {status}: {reg.get(id)}")


async def test_manus_merge_pending_reply(tmp_path: Path) -> None:
    from respnb.server.launch import serve_in_thread

    with serve_in_thread(db_path=tmp_path / "srv.sqlite3", dialect="manus", pace=0) as srv:
        client = AsyncClient("manus", base_url=srv.base_url, api_key="test-key")
        reg = TaskRegistry(tmp_path / "tasks.sqlite3")
        ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.05, poll_max=0.2)
        ref.use_client(client)
        ref.listen()
        try:
            # tasks created in the "web app": straight to the server, unknown to the registry
            async with httpx.AsyncClient() as web:
                for title in ("web plan alpha", "web plan beta", "web notes"):
                    r = await web.post(
                        f"{srv.base_url}/responses",
                        headers={"API_KEY": "k"},
                        json={"model": "manus-1.5", "input": title},
                    )
                    assert r.status_code == 200
            mine = await client.responses.create(
                model="manus-1.5", input="Please ask me first", background=True
            )
            reg.record_response(
                mine,
                profile="manus",
                base_url=srv.base_url,
                body={"input": "Please ask me first", "background": True},
            )
            await _settle(reg, mine.id, "requires_input")
            pending = reg.get(mine.id)
            assert pending.status == "pending"
            assert pending.task_url and pending.task_url.startswith("http")
            assert pending.manus_title == "Please ask me first"

            # pagination: page size 1 still lists all four tasks
            n = await ref.sync_remote(client, limit=1)
            assert n == 4
            assert reg.count() == 4
            remote = [r for r in reg.records() if r.source == "remote"]
            assert sorted(r.title for r in remote) == [
                "web notes",
                "web plan alpha",
                "web plan beta",
            ]
            assert reg.get(mine.id).source is None  # created here, not "remote"
            for r in remote:
                await _settle(reg, r.id, "completed")
            assert reg.get(remote[0].id).credit_usage is not None

            # filters are passed through to /v1/tasks
            assert await ref.sync_remote(client, query="web plan") == 2
            assert await ref.sync_remote(client, status=["pending"]) == 1

            table = TaskTable(reg, ref)
            df = table.frame(status="requires_input")
            assert list(df["id"]) == [mine.id]
            assert set(table.frame(search="web")["id"]) == {r.id for r in remote}

            # reply continues the same task via task_id
            rec = await ref.reply(mine.id, "Yes, go ahead")
            assert rec.id == mine.id
            await _settle(reg, mine.id, "completed")
            done = reg.get(mine.id)
            assert done.completed_at is not None
            assert done.output_text
        finally:
            ref.close()
            await ref.aclose()
            await client.close()
            reg.close()
