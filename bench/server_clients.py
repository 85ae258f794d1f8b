"""Client side of ``bench_server.py``: respnb.AsyncClient vs openai.AsyncOpenAI on one server.

Run by ``bench_server.py`` in a fresh interpreter per client x phase (so no client inherits
the other's heap or imports), against the server it started; prints one JSON line. By hand:

    python bench/server_clients.py CLIENT PHASE --base-url http://127.0.0.1:PORT/v1 [--n N]

CLIENT is ``respnb`` or ``openai``; PHASE is

* ``plain``: ``responses.create`` (non-streamed) ``--n`` times, ``--concurrency`` at once;
* ``stream``: ``responses.stream`` ``--n`` times, iterated to the end, ``get_final_response``;
  events/s and time to the first ``response.output_text.delta``;
* ``wait``: ``--n`` background responses (``metadata.respnb_pace``), each created then
  waited: respnb ``responses.wait`` (backoff 1 s x1.5 up to 10 s), openai-python the loop its
  background-mode guide shows (``while status in {"queued", "in_progress"}: sleep(2);
  retrieve``); ``resume``: respnb only, each followed by ``responses.resume`` to the end;
  ``refresher``: respnb only, the notebook's way for many tasks: one ``respnb.tasks.Refresher``
  follows them all (a few streams, the rest polled with backoff; ``bench_tasks.py`` tracking).

Both clients get the same ``httpx.AsyncClient`` set-up (a counting transport, 64
connections). CPU is ``time.process_time`` of this process (the server runs elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "bench"))

from _common import CountingTransport  # noqa: E402

MODEL = "respnb-demo"
CREATE_CONCURRENCY = 32
OPENAI_POLL_SECONDS = 2.0  # the background-mode guide's `sleep(2)`


def _clients(name: str, base_url: str) -> tuple[Any, CountingTransport, httpx.AsyncClient]:
    counting = CountingTransport()
    http = httpx.AsyncClient(transport=counting, timeout=120)
    if name == "respnb":
        import respnb

        client: Any = respnb.AsyncClient("local", base_url=base_url, api_key="x", http_client=http)
    elif name == "openai":
        import openai

        client = openai.AsyncOpenAI(base_url=base_url, api_key="x", http_client=http)
    else:
        raise SystemExit(f"unknown client {name!r}: choose respnb or openai")
    return client, counting, http


async def _bounded(n: int, concurrency: int, job: Any) -> list[Any]:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Any:
        async with sem:
            return await job(i)

    return await asyncio.gather(*(one(i) for i in range(n)))


async def phase_plain(client: Any, n: int, concurrency: int) -> dict[str, Any]:
    async def job(i: int) -> float:
        t = time.perf_counter()
        r = await client.responses.create(model=MODEL, input=f"Summarize item {i}")
        assert r.status == "completed", r.status
        return time.perf_counter() - t

    lat = await _bounded(n, concurrency, job)
    return {"n": n, "p50_ms": 1000 * statistics.median(lat)}


async def phase_stream(client: Any, n: int, concurrency: int) -> dict[str, Any]:
    async def job(i: int) -> tuple[float, float, int]:
        t = time.perf_counter()
        first = 0.0
        events = 0
        async with client.responses.stream(model=MODEL, input=f"Explain topic {i}") as stream:
            async for event in stream:
                events += 1
                if not first and event.type == "response.output_text.delta":
                    first = time.perf_counter() - t
            final = await stream.get_final_response()
        assert final.status == "completed", final.status
        return time.perf_counter() - t, first, events

    res = await _bounded(n, concurrency, job)
    return {
        "n": n,
        "events": sum(e for _, _, e in res),
        "p50_ms": 1000 * statistics.median(t for t, _, _ in res),
        "ttfd_p50_ms": 1000 * statistics.median(f for _, f, _ in res),
        "ttfd_p95_ms": 1000 * sorted(f for _, f, _ in res)[int(0.95 * (n - 1))],
    }


async def phase_background(
    client: Any, name: str, mode: str, n: int, pace: float
) -> dict[str, Any]:
    gate = asyncio.Semaphore(CREATE_CONCURRENCY)
    meta = {"respnb_pace": str(pace)}

    async def job(i: int) -> str:
        async with gate:
            r = await client.responses.create(
                model=MODEL, input=f"Background task {i}", background=True, metadata=meta
            )
        if mode == "resume":
            async with client.responses.resume(r.id) as stream:
                async for _ in stream:
                    pass
                r = await stream.get_final_response()
        elif name == "respnb":
            r = await client.responses.wait(r.id)
        else:  # openai-python: the polling loop of its background-mode guide
            while r.status in {"queued", "in_progress"}:
                await asyncio.sleep(OPENAI_POLL_SECONDS)
                r = await client.responses.retrieve(r.id)
        return str(r.status)

    statuses: dict[str, int] = {}
    for status in await asyncio.gather(*(job(i) for i in range(n))):
        statuses[status] = statuses.get(status, 0) + 1
    completed = statuses.get("completed", 0)
    return {"n": n, "statuses": statuses, "completed": completed, "lost": n - completed}


async def phase_refresher(n: int, pace: float, base_url: str) -> dict[str, Any]:
    """respnb's task layer: ``bench_tasks.bench_tracking`` against this server, counted."""
    import os
    import tempfile

    from bench_tasks import bench_tracking

    counting = CountingTransport()
    with tempfile.TemporaryDirectory(prefix="respnb-bench-") as d:
        os.environ["RESPNB_HOME"] = str(Path(d) / "home")
        t = await bench_tracking(n, f"{pace:g}", Path(d), base_url, transport=counting)
    completed = t["statuses"].get("completed", 0)
    return {
        "n": n,
        "client": "respnb",
        "phase": "refresher",
        "statuses": t["statuses"],
        "completed": completed,
        "lost": n - completed,
        "wall_s": t["wall_seconds"],
        "cpu_s": t["process_cpu_seconds"],
        "per_second": n / t["wall_seconds"],
        "cpu_ms_per_item": t["cpu_ms_per_task"],
        "http_requests": counting.requests,
        "http_by_method": counting.by_method,
        "peak_followed": t["peak_followed"],
    }


async def run(args: argparse.Namespace) -> dict[str, Any]:
    if args.phase == "refresher":
        if args.client != "respnb":
            raise SystemExit("refresher is a respnb phase")
        return await phase_refresher(args.n, args.pace, args.base_url)
    client, counting, http = _clients(args.client, args.base_url)
    cpu0, t0 = time.process_time(), time.perf_counter()
    if args.phase == "plain":
        result = await phase_plain(client, args.n, args.concurrency)
    elif args.phase == "stream":
        result = await phase_stream(client, args.n, args.concurrency)
    elif args.phase in ("wait", "resume"):
        if args.phase == "resume" and args.client != "respnb":
            raise SystemExit("resume is a respnb phase")
        result = await phase_background(client, args.client, args.phase, args.n, args.pace)
    else:
        raise SystemExit(f"unknown phase {args.phase!r}: plain, stream, wait or resume")
    wall, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    await http.aclose()
    result.update(
        client=args.client,
        phase=args.phase,
        wall_s=wall,
        cpu_s=cpu,
        per_second=args.n / wall,
        cpu_ms_per_item=1000 * cpu / args.n,
        http_requests=counting.requests,
        http_by_method=counting.by_method,
    )
    if "events" in result:
        result["events_per_second"] = result["events"] / wall
        result["cpu_us_per_event"] = 1e6 * cpu / result["events"]
    return result


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("client", choices=("respnb", "openai"))
    p.add_argument("phase", choices=("plain", "stream", "wait", "resume", "refresher"))
    p.add_argument("--base-url", required=True)
    p.add_argument("--n", type=int, default=100)
    p.add_argument("--concurrency", type=int, default=16)
    p.add_argument("--pace", type=float, default=25.0, help="tokens/s of background runs")
    args = p.parse_args(argv)
    print(json.dumps(asyncio.run(run(args))))


if __name__ == "__main__":
    main()
