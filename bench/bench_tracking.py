"""Following many background tasks: respnb's Refresher vs the naive 2-second poll.

``respnb serve`` runs in a subprocess (its CPU is not counted). For each setting, ``--tasks``
background responses lasting several seconds are created with a plain httpx client (not
counted), then followed to the end by (a) openai-python's documented loop, ``retrieve`` every
2 s while the task runs, and (b) respnb's ``tasks.Refresher``; each in a fresh interpreter,
counting its HTTP requests and its CPU seconds (all threads) until every task is terminal.

Settings: ``openai`` (respnb's server, openai dialect: the refresher lists tasks),
``manus`` (Manus dialect: ``/v1/tasks`` with status filters), ``webhooks`` (the server POSTs
a signed event when a task ends; the refresher polls nothing) and ``elsewhere`` (a server that
neither lists tasks nor sends webhooks: per-task polling paced by each task's age).

    python bench/bench_tracking.py [--tasks 200] [--pace 6]
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import CountingTransport, machine_info  # noqa: E402

OUT = ROOT / "bench" / "out" / "tracking.json"
SETTINGS = ("openai", "manus", "webhooks", "elsewhere")
SECRET = "whsec_" + base64.b64encode(b"bench-tracking-secret-0123456789").decode()
RUNNING = ("queued", "in_progress", "running")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(
    setting: str, db: Path, hook_port: int | None
) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    dialect = "manus" if setting == "manus" else "openai"
    cmd = [sys.executable, "-m", "respnb", "serve", "--port", str(port), "--db", str(db)]
    cmd += ["--dialect", dialect]
    if hook_port is not None:
        cmd += ["--webhook-url", f"http://127.0.0.1:{hook_port}/webhooks"]
        cmd += ["--webhook-secret", SECRET]
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/models", timeout=1).status_code < 500:
                return proc, base
        except httpx.HTTPError:
            time.sleep(0.1)
    proc.kill()
    raise RuntimeError("respnb serve did not start")


async def create_tasks(base: str, n: int, pace: float) -> list[str]:
    async with httpx.AsyncClient(timeout=60) as http:
        gate = asyncio.Semaphore(32)

        async def one(i: int) -> str:
            async with gate:
                r = await http.post(
                    f"{base}/responses",
                    headers={"API_KEY": "x"},
                    json={
                        "model": "respnb-demo",
                        "input": f"tracking task {i}: explain tides",
                        "background": True,
                        "metadata": {"respnb_pace": f"{pace:g}"},
                    },
                )
                r.raise_for_status()
                return str(r.json()["id"])

        return await asyncio.gather(*(one(i) for i in range(n)))


# ---------------------------------------------------------------- the contenders (children)
async def follow_naive(base: str, ids: list[str]) -> dict[str, Any]:
    import openai

    counting = CountingTransport()
    http = httpx.AsyncClient(transport=counting, timeout=60)
    client = openai.AsyncOpenAI(base_url=base, api_key="x", http_client=http)
    gate = asyncio.Semaphore(32)

    async def one(rid: str) -> str:
        while True:
            async with gate:
                resp = await client.responses.retrieve(rid)
            if resp.status not in RUNNING:
                return str(resp.status)
            await asyncio.sleep(2.0)  # the background-mode guide's loop

    cpu0 = time.process_time()
    statuses = await asyncio.gather(*(one(r) for r in ids))
    cpu = time.process_time() - cpu0
    await http.aclose()
    return {"cpu_s": cpu, "requests": counting.requests, "statuses": _count(statuses)}


async def follow_refresher(setting: str, base: str, ids: list[str], tmp: Path) -> dict[str, Any]:
    from respnb._client import AsyncClient
    from respnb.tasks import Refresher, TaskRegistry
    from respnb.tasks.webhooks import WebhookReceiver
    from respnb.types import Response

    counting = CountingTransport()
    http = httpx.AsyncClient(transport=counting, timeout=60)
    profile = "manus" if setting == "manus" else "local"
    caps = {"task_list": False} if setting == "elsewhere" else None
    client = AsyncClient(profile, base_url=base, api_key="x", http_client=http, capabilities=caps)
    reg = TaskRegistry(tmp / "tasks.sqlite3")
    ref = Refresher(reg, asyncio.get_running_loop())
    ref.use_client(client)
    receiver = None
    if setting == "webhooks":
        ref.use_webhooks()
        port = int(os.environ["BENCH_HOOK_PORT"])

        def on_event(payload: dict[str, Any]) -> None:
            ref.submit(ref.refresh_one(payload["data"]["id"]))

        receiver = WebhookReceiver(SECRET, on_event)
        receiver.start(port=port)
    for rid in ids:  # as a create through the client would have recorded them
        reg.record_response(
            Response(id=rid, status="queued", created_at=time.time(), background=True),
            profile=client.profile.name,
            base_url=base,
            body={"input": "tracking", "background": True},
        )
    cpu0 = time.process_time()
    ref.reattach()
    await asyncio.sleep(0)
    await ref.drain(timeout=900)
    cpu = time.process_time() - cpu0
    statuses = [str(r.normalized_status) if (r := reg.get(i)) else "lost" for i in ids]
    await ref.aclose()
    if receiver is not None:
        receiver.stop()
    await http.aclose()
    return {"cpu_s": cpu, "requests": counting.requests, "statuses": _count(statuses)}


def _count(statuses: list[str]) -> dict[str, int]:
    out: dict[str, int] = {}
    for s in statuses:
        out[s] = out.get(s, 0) + 1
    return out


def child(args: argparse.Namespace) -> None:
    setting, contender, base = args.child
    ids = json.loads(Path(args.ids).read_text())
    with tempfile.TemporaryDirectory() as d:
        if contender == "naive":
            result = asyncio.run(follow_naive(base, ids))
        else:
            result = asyncio.run(follow_refresher(setting, base, ids, Path(d)))
    print(json.dumps(result))


def run_setting(setting: str, n: int, pace: float) -> dict[str, Any]:
    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as d:
        hook_port = _free_port() if setting == "webhooks" else None
        proc, base = start_server(setting, Path(d) / "server.sqlite3", hook_port)
        try:
            for contender in ("naive", "refresher"):
                ids = asyncio.run(create_tasks(base, n, pace))
                ids_file = Path(d) / f"{contender}.json"
                ids_file.write_text(json.dumps(ids))
                cmd = [sys.executable, __file__, "--child", setting, contender, base]
                cmd += ["--ids", str(ids_file)]
                env = {**os.environ, "BENCH_HOOK_PORT": str(hook_port or 0)}
                done = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
                if done.returncode != 0:
                    raise SystemExit(f"{setting}/{contender} failed:\n{done.stderr[-3000:]}")
                out[contender] = json.loads(done.stdout.strip().splitlines()[-1])
                print(f"{setting:9} {contender:9} {out[contender]}", flush=True)
        finally:
            proc.terminate()
            proc.wait(10)
    naive, mine = out["naive"], out["refresher"]
    out["cpu_ratio"] = round(mine["cpu_s"] / naive["cpu_s"], 3)
    out["request_ratio"] = round(mine["requests"] / naive["requests"], 3)
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tasks", type=int, default=200)
    parser.add_argument("--pace", type=float, default=6.0, help="tokens/s of each task")
    parser.add_argument("--only", default=",".join(SETTINGS))
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args)
        return {}
    settings = {s: run_setting(s, args.tasks, args.pace) for s in args.only.split(",")}
    data = {"machine": machine_info(), "tasks": args.tasks, "pace": args.pace}
    data["settings"] = settings
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2))
    for name, s in settings.items():
        print(f"{name:9} CPU {s['cpu_ratio']:.2f}x  requests {s['request_ratio']:.2f}x of naive")
    return data


if __name__ == "__main__":
    main()
