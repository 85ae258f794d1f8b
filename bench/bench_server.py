"""Benchmark of the local Responses server (``respnb serve``), loopback only.

Starts ``python -m respnb serve`` in a subprocess on a free port with a fresh store, then
measures with an async httpx client and bounded concurrency:

* plain: ``POST /v1/responses`` (non-streamed) requests per second and latency;
* stream: streamed responses per second and SSE events per second;
* background: N background responses created at once (default 1000) at a pace that makes
  them live together (25 tokens/s: each lasts about ten seconds), all polled to the end; it
  checks that every one completed, none was lost, and that each run's recorded events are
  numbered 0..n without gaps.

The client (httpx, one process) is usually the slower party: a raw keep-alive socket gets
``/v1/health`` answered in about 0.2 ms, so treat the figures as end-to-end lower bounds.

Prints a table and writes ``bench/out/server.json``. Run: ``python bench/bench_server.py``
(``--help`` for the sizes). Default runtime is well under a minute.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine_info

OUT = Path(__file__).resolve().parent / "out" / "server.json"


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _start_server(db: Path, pace: float | None) -> tuple[subprocess.Popen[bytes], str]:
    port = _free_port()
    cmd = [sys.executable, "-m", "respnb", "serve", "--port", str(port), "--db", str(db)]
    if pace:
        cmd += ["--pace", str(pace)]
    src = Path(__file__).resolve().parents[1] / "src"
    env = {**os.environ, "PYTHONPATH": f"{src}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}/v1"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health", timeout=1).status_code == 200:
                return proc, base
        except httpx.HTTPError:
            pass
        time.sleep(0.05)
    proc.kill()
    raise RuntimeError("respnb serve did not start")


def _pct(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


async def _bounded(n: int, concurrency: int, job: Any) -> list[Any]:
    sem = asyncio.Semaphore(concurrency)

    async def one(i: int) -> Any:
        async with sem:
            return await job(i)

    return await asyncio.gather(*(one(i) for i in range(n)))


async def bench_plain(h: httpx.AsyncClient, n: int, concurrency: int) -> dict[str, Any]:
    async def job(i: int) -> float:
        t = time.perf_counter()
        r = await h.post(
            "/responses", json={"model": "respnb-demo", "input": f"Summarize item {i}"}
        )
        r.raise_for_status()
        return time.perf_counter() - t

    t0 = time.perf_counter()
    lat = await _bounded(n, concurrency, job)
    wall = time.perf_counter() - t0
    return {
        "requests": n,
        "seconds": wall,
        "per_second": n / wall,
        "p50_ms": 1000 * statistics.median(lat),
        "p95_ms": 1000 * _pct(lat, 0.95),
    }


async def bench_stream(h: httpx.AsyncClient, n: int, concurrency: int) -> dict[str, Any]:
    async def job(i: int) -> tuple[float, int]:
        t = time.perf_counter()
        events = 0
        body = {"model": "respnb-demo", "input": f"Explain topic {i}", "stream": True}
        async with h.stream("POST", "/responses", json=body) as r:
            async for line in r.aiter_lines():
                if line.startswith("data: "):
                    events += 1
        return time.perf_counter() - t, events

    t0 = time.perf_counter()
    res = await _bounded(n, concurrency, job)
    wall = time.perf_counter() - t0
    events = sum(e for _, e in res)
    lat = [t for t, _ in res]
    return {
        "streams": n,
        "seconds": wall,
        "per_second": n / wall,
        "events": events,
        "events_per_second": events / wall,
        "p50_ms": 1000 * statistics.median(lat),
    }


async def bench_background(h: httpx.AsyncClient, n: int, db: Path, pace: float) -> dict[str, Any]:
    t0 = time.perf_counter()
    body = {"model": "respnb-demo", "background": True, "metadata": {"respnb_pace": str(pace)}}
    created = await _bounded(
        n, 100, lambda i: h.post("/responses", json={**body, "input": f"Background task {i}"})
    )
    ids = [r.json()["id"] for r in created]
    t_created = time.perf_counter() - t0
    peak = 0
    while True:
        live = (await h.get("/health")).json()["live_runs"]
        peak = max(peak, live)
        if live == 0:
            break
        await asyncio.sleep(0.25)
    wall = time.perf_counter() - t0
    got = await _bounded(n, 100, lambda i: h.get(f"/responses/{ids[i]}"))
    statuses: dict[str, int] = {}
    for r in got:
        s = r.json().get("status", f"http {r.status_code}")
        statuses[s] = statuses.get(s, 0) + 1
    conn = sqlite3.connect(db)
    rows = conn.execute(
        "SELECT response_id, COUNT(*), MIN(seq), MAX(seq) FROM events GROUP BY response_id"
    ).fetchall()
    conn.close()
    wanted = set(ids)
    gapless = sum(1 for rid, c, lo, hi in rows if rid in wanted and lo == 0 and hi == c - 1)
    return {
        "responses": n,
        "pace_tokens_per_s": pace,
        "unique_ids": len(set(ids)),
        "create_seconds": t_created,
        "seconds_until_all_done": wall,
        "peak_live_runs": peak,
        "statuses": statuses,
        "completed": statuses.get("completed", 0),
        "lost": n - statuses.get("completed", 0),
        "runs_with_gapless_events": gapless,
        "events_recorded": sum(r[1] for r in rows),
    }


def _client_child(
    client: str, phase: str, base: str, n: int, concurrency: int, pace: float
) -> dict[str, Any]:
    """One client x phase of ``server_clients.py`` in a fresh interpreter, against ``base``."""
    cmd = [sys.executable, str(Path(__file__).with_name("server_clients.py")), client, phase]
    cmd += ["--base-url", base, "--n", str(n), "--concurrency", str(concurrency)]
    cmd += ["--pace", str(pace)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"{client} {phase} failed:\n{proc.stderr[-3000:]}")
    return dict(json.loads(proc.stdout.strip().splitlines()[-1]))


def _ratios(
    mine: dict[str, Any], theirs: dict[str, Any], keys: tuple[str, ...]
) -> dict[str, float]:
    """respnb / openai-python for each figure present in both (and non-zero)."""
    return {k: mine[k] / theirs[k] for k in keys if theirs.get(k) and k in mine}


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    clients: dict[str, Any] = {}
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "bench.sqlite3"
        proc, base = _start_server(db, args.pace)
        try:
            limits = httpx.Limits(max_connections=max(args.concurrency, 100))
            async with httpx.AsyncClient(base_url=base, limits=limits, timeout=120) as h:
                plain = await bench_plain(h, args.plain, args.concurrency)
                stream = await bench_stream(h, args.stream, args.concurrency)
                if not args.no_clients:
                    clients = await asyncio.to_thread(_compare_clients, args, base)
                background = await bench_background(h, args.background, db, args.bg_pace)
        finally:
            proc.terminate()
            proc.wait(10)
    return {
        "machine": machine_info(),
        "plain": plain,
        "stream": stream,
        "background": background,
        "clients": clients,
        "config": {
            "concurrency": args.concurrency,
            "pace": args.pace,
            "bg_pace": args.bg_pace,
            "track": args.track,
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
        },
    }


def _compare_clients(args: argparse.Namespace, base: str) -> dict[str, Any]:
    """respnb.AsyncClient vs openai.AsyncOpenAI, same server, same sizes and concurrency."""
    c, pace = args.concurrency, args.bg_pace
    out: dict[str, Any] = {}
    for phase, n in (("plain", args.plain), ("stream", args.stream)):
        mine = _client_child("respnb", phase, base, n, c, pace)
        theirs = _client_child("openai", phase, base, n, c, pace)
        keys = ("per_second", "cpu_ms_per_item", "events_per_second", "cpu_us_per_event")
        keys += ("ttfd_p50_ms", "p50_ms")
        out[phase] = {"respnb": mine, "openai": theirs, "ratio": _ratios(mine, theirs, keys)}
    if args.track:
        wait = _client_child("respnb", "wait", base, args.track, c, pace)
        resume = _client_child("respnb", "resume", base, args.track, c, pace)
        refresher = _client_child("respnb", "refresher", base, args.track, c, pace)
        theirs = _client_child("openai", "wait", base, args.track, c, pace)
        keys = ("http_requests", "cpu_s", "wall_s")
        out["tracking"] = {
            "respnb_wait": wait,
            "respnb_resume": resume,
            "respnb_refresher": refresher,
            "openai_poll": theirs,
            "ratio_wait": _ratios(wait, theirs, keys),
            "ratio_resume": _ratios(resume, theirs, keys),
            "ratio_refresher": _ratios(refresher, theirs, keys),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--plain", type=int, default=200, help="plain requests (default 200)")
    p.add_argument("--stream", type=int, default=60, help="streamed responses (default 60)")
    p.add_argument(
        "--background",
        type=int,
        default=200,
        help="concurrent background responses on the server (default 200; --full: 1000)",
    )
    p.add_argument(
        "--track",
        type=int,
        default=200,
        help="background responses tracked by each client (default 200; --full: 1000; 0: skip)",
    )
    p.add_argument("--full", action="store_true", help="--background 1000 --track 1000")
    p.add_argument(
        "--bg-pace",
        type=float,
        default=25.0,
        help="tokens/s of each background run, so the runs overlap (default 25)",
    )
    p.add_argument("--concurrency", type=int, default=16, help="client concurrency (16)")
    p.add_argument("--pace", type=float, default=None, help="server --pace (default max)")
    p.add_argument("--no-clients", action="store_true", help="skip respnb vs openai clients")
    args = p.parse_args(argv)
    if args.full:
        args.background = args.track = 1000
    result = asyncio.run(main_async(args))
    pl, st, bg = result["plain"], result["stream"], result["background"]
    print(f"{'server (raw httpx client)':<28}{'value':>14}")
    print("-" * 42)
    print(f"{'plain requests/s':<28}{pl['per_second']:>14.1f}")
    print(f"{'plain p50 / p95 ms':<28}{pl['p50_ms']:>7.1f}/{pl['p95_ms']:<6.1f}")
    print(f"{'streamed responses/s':<28}{st['per_second']:>14.1f}")
    print(f"{'stream events/s':<28}{st['events_per_second']:>14.0f}")
    print(f"{'background created':<28}{bg['responses']:>14}")
    print(f"{'background completed':<28}{bg['completed']:>14}")
    print(f"{'background lost':<28}{bg['lost']:>14}")
    print(f"{'peak live runs':<28}{bg['peak_live_runs']:>14}")
    print(f"{'runs with gapless events':<28}{bg['runs_with_gapless_events']:>14}")
    print(f"{'seconds until all done':<28}{bg['seconds_until_all_done']:>14.2f}")
    _print_clients(result["clients"])
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(f"\nwritten to {OUT}")
    lost = sum(t.get("lost", 0) for t in result["clients"].get("tracking", {}).values())
    ok = bg["lost"] == 0 and bg["runs_with_gapless_events"] == bg["responses"] and not lost
    return 0 if ok else 1


def _print_clients(clients: dict[str, Any]) -> None:
    if not clients:
        return
    print(f"\n{'client side':<34}{'respnb':>12}{'openai':>12}{'ratio':>8}")
    print("-" * 66)
    rows = [
        ("plain", "per_second", "requests/s"),
        ("plain", "cpu_ms_per_item", "client CPU ms/request"),
        ("stream", "events_per_second", "stream events/s"),
        ("stream", "cpu_us_per_event", "client CPU µs/event"),
        ("stream", "ttfd_p50_ms", "time to first delta p50 ms"),
    ]
    for phase, key, label in rows:
        entry = clients[phase]
        mine, theirs = entry["respnb"][key], entry["openai"][key]
        print(f"{label:<34}{mine:>12.1f}{theirs:>12.1f}{entry['ratio'].get(key, 0):>7.2f}x")
    tracking = clients.get("tracking")
    if tracking:
        theirs = tracking["openai_poll"]
        for mode in ("wait", "resume", "refresher"):
            mine = tracking[f"respnb_{mode}"]
            for key in ("http_requests", "cpu_s", "wall_s"):
                label = f"{mine['n']} background, {mode}: {key}"
                ratio = tracking[f"ratio_{mode}"].get(key, 0)
                print(f"{label:<34}{mine[key]:>12.1f}{theirs[key]:>12.1f}{ratio:>7.2f}x")


if __name__ == "__main__":
    sys.exit(main())
