"""Storage (restart recovery, many concurrent runs), launching and the CLI."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
from pathlib import Path

import httpx
import pytest

from respnb.__main__ import build_parser
from respnb.server.launch import LAUNCHED, ensure_local_server, serve_in_thread
from tests.waiting import wait_until


def test_stop_marks_running_background_failed(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    with serve_in_thread(db_path=db) as srv, httpx.Client(base_url=srv.base_url) as h:
        rid = h.post(
            "/responses", json={"model": "respnb-slow", "input": "long", "background": True}
        ).json()["id"]
        assert h.get(f"/responses/{rid}").json()["status"] in ("queued", "in_progress")
    with serve_in_thread(db_path=db) as srv, httpx.Client(base_url=srv.base_url) as h:
        data = h.get(f"/responses/{rid}").json()
        assert data["status"] == "failed"
        assert data["error"]["code"] == "server_stopped"
        with h.stream("GET", f"/responses/{rid}", params={"stream": "true"}) as r:
            types = [x[7:] for x in r.iter_lines() if x.startswith("event: ")]
        assert types[0] == "response.created" and types[-1] == "response.failed"


def test_crashed_run_is_failed_on_startup(tmp_path: Path) -> None:
    db = tmp_path / "s.sqlite3"
    with serve_in_thread(db_path=db) as srv, httpx.Client(base_url=srv.base_url) as h:
        rid = h.post(
            "/responses", json={"model": "respnb-demo", "input": "hi", "background": True}
        ).json()["id"]
        wait_until(
            lambda: h.get(f"/responses/{rid}").json()["status"] == "completed",
            what=f"response {rid} completed",
        )
    # Simulate a crash mid-run: the row says in_progress (its last_seq stale at 2, as rows are
    # updated less often than events are written) and the events stop at seq 5.
    conn = sqlite3.connect(db)
    data = json.loads(conn.execute("SELECT data FROM responses WHERE id=?", (rid,)).fetchone()[0])
    data["status"] = "in_progress"
    conn.execute(
        "UPDATE responses SET status='in_progress', last_seq=2, data=? WHERE id=?",
        (json.dumps(data), rid),
    )
    conn.execute("DELETE FROM events WHERE response_id=? AND seq > 5", (rid,))
    conn.commit()
    conn.close()
    with serve_in_thread(db_path=db) as srv, httpx.Client(base_url=srv.base_url) as h:
        assert h.get(f"/responses/{rid}").json()["error"]["code"] == "server_restarted"
        with h.stream(
            "GET", f"/responses/{rid}", params={"stream": "true", "starting_after": 1}
        ) as r:
            seqs = [
                json.loads(x[6:])["sequence_number"]
                for x in r.iter_lines()
                if x.startswith("data: ")
            ]
        assert seqs == [2, 3, 4, 5, 6]  # the failed event goes after the last one recorded


async def test_many_concurrent_background_runs(tmp_path: Path) -> None:
    n = 120
    srv = await asyncio.to_thread(serve_in_thread, db_path=tmp_path / "s.sqlite3")
    try:
        limits = httpx.Limits(max_connections=50)
        async with httpx.AsyncClient(base_url=srv.base_url, limits=limits, timeout=60) as h:
            created = await asyncio.gather(
                *(
                    h.post(
                        "/responses",
                        json={"model": "respnb-demo", "input": f"task {i}", "background": True},
                    )
                    for i in range(n)
                )
            )
            ids = [r.json()["id"] for r in created]
            assert len(set(ids)) == n
            while (await h.get("/health")).json()["live_runs"]:
                await asyncio.sleep(0.05)
            got = await asyncio.gather(*(h.get(f"/responses/{i}") for i in ids))
            assert {g.json()["status"] for g in got} == {"completed"}
            assert all(g.json()["output"][0]["content"][0]["text"] for g in got)
    finally:
        await asyncio.to_thread(srv.stop)
    conn = sqlite3.connect(tmp_path / "s.sqlite3")
    assert conn.execute("SELECT COUNT(*) FROM responses WHERE status='completed'").fetchone() == (
        n,
    )
    per_run = conn.execute("SELECT COUNT(*), MAX(seq) FROM events GROUP BY response_id").fetchall()
    assert len(per_run) == n
    assert all(count == top + 1 for count, top in per_run)  # no gaps, no duplicates
    conn.close()


def test_serve_in_thread_temp_db_and_port() -> None:
    srv = serve_in_thread()
    try:
        assert srv.base_url.startswith("http://127.0.0.1:") and srv.base_url.endswith("/v1")
        assert srv.port > 0
        assert httpx.get(f"{srv.base_url}/health").json()["dialect"] == "openai"
    finally:
        srv.stop()
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"{srv.base_url}/health")


def test_ensure_local_server_starts_once(tmp_path: Path) -> None:
    url = ensure_local_server()
    record = json.loads((Path(os.environ["RESPNB_HOME"]) / "server.json").read_text())
    try:
        assert url == record["base_url"] and url.endswith("/v1")
        assert httpx.get(f"{url}/health").json()["status"] == "ok"
        assert ensure_local_server() == url  # reused, not restarted
        assert Path(record["db"]).name == "server.sqlite3"
    finally:
        (proc,) = [p for p in LAUNCHED if p.pid == record["pid"]]
        proc.send_signal(signal.SIGTERM)
        proc.wait(10)
        LAUNCHED.remove(proc)


def test_cli_parser() -> None:
    args = build_parser().parse_args(
        ["serve", "--port", "0", "--dialect", "manus", "--api-key", "k", "--faults", "--pace", "50"]
    )
    assert (args.command, args.host, args.port, args.dialect) == ("serve", "127.0.0.1", 0, "manus")
    assert args.faults is True and args.pace == 50.0
    with pytest.raises(SystemExit):
        build_parser().parse_args(["serve", "--dialect", "klingon"])
