"""The refresher against the local server: 50 concurrent tasks, cancel, restart, reattach."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from respnb._client import AsyncClient
from respnb.tasks import Refresher, TaskRegistry
from respnb.tasks._observer import RegistryObserver

pytest.importorskip("respnb.server.launch")

_REATTACH = textwrap.dedent(
    """
    import asyncio, json, sys
    from respnb.tasks import Refresher, TaskRegistry

    async def main():
        reg = TaskRegistry(sys.argv[1])
        before = len(reg.in_flight())
        ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.2, poll_max=1.0)
        n = ref.reattach()
        await ref.drain(timeout=120)
        print(json.dumps({"in_flight_before": before, "reattached": n,
                          "in_flight_after": len(reg.in_flight()), "errors": ref.errors}))

    asyncio.run(main())
    """
)


async def test_fifty_tasks_cancel_restart_reattach(tmp_path: Path) -> None:
    from respnb import _hooks
    from respnb.server.launch import serve_in_thread

    db = tmp_path / "tasks.sqlite3"
    with serve_in_thread(db_path=tmp_path / "server.sqlite3", pace=4000) as srv:
        client = AsyncClient("local", base_url=srv.base_url)
        reg = TaskRegistry(db)
        ref = Refresher(reg, asyncio.get_running_loop(), poll_initial=0.2, poll_max=1.0)
        ref.use_client(client)
        observer = RegistryObserver(reg)
        _hooks.add_observer(observer)  # the client records its own creates
        ref.listen()
        try:
            # 20 quick (full speed), 30 slow (seconds); cancel 10 of the slow ones
            paces = ["0"] * 20 + ["60"] * 30
            created = await asyncio.gather(
                *(
                    client.responses.create(
                        model="respnb-demo",
                        input=f"task number {i}",
                        background=True,
                        store=True,
                        metadata={"respnb_pace": pace},
                    )
                    for i, pace in enumerate(paces)
                )
            )
            ids = [r.id for r in created]
            assert len(set(ids)) == 50
            assert reg.count() == 50
            assert ref.following > 0
            cancel_ids = ids[20:30]
            await asyncio.gather(*(ref.cancel(i) for i in cancel_ids))
            quick = ids[:20]
            for _ in range(200):
                if all(reg.get(i).is_terminal for i in quick):
                    break
                await asyncio.sleep(0.05)
        finally:
            # the "kernel" dies: followers stop, some tasks are still in flight
            ref.close()
            await ref.aclose()
            _hooks.remove_observer(observer)
            await asyncio.sleep(0)
            await client.close()
        still = {r.id for r in reg.in_flight()}
        assert still, "some slow tasks should still be running at the restart"
        assert still <= set(ids[30:])
        reg.close()

        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _REATTACH,
            str(db),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(proc.communicate(), 180)
        assert proc.returncode == 0, err.decode()
        report = json.loads(out)
        assert report["reattached"] == len(still)
        assert report["in_flight_after"] == 0
        assert report["errors"] == []

        reg = TaskRegistry(db)
        rows = {i: reg.get(i) for i in ids}
        assert all(r is not None for r in rows.values()), "no task lost"
        statuses = [rows[i].normalized_status for i in ids]
        assert statuses[:20] == ["completed"] * 20
        assert statuses[20:30] == ["cancelled"] * 10
        assert statuses[30:] == ["completed"] * 20
        # the server agrees with the registry
        async with AsyncClient("local", base_url=srv.base_url) as check:
            for i in [*cancel_ids[:3], *ids[30:33]]:
                assert (await check.responses.retrieve(i)).status == rows[i].status
        done = rows[ids[40]]
        assert done.output_text and done.total_tokens and done.completed_at
        assert done.prompt == "task number 40" and done.title == "task number 40"
        assert done.profile == "local" and done.base_url == srv.base_url
        reg.close()
