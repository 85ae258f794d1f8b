"""Benchmark of ``respnb.batch`` against a hand-written asyncio loop over the openai SDK.

Starts ``respnb serve`` in a subprocess with a fresh store, then, in this process:

1. ``respnb.batch(df, "...{text}")`` over N rows (default 10,000) at concurrency 16, its live
   progress view attached with its comm replaced by a byte counter (what a notebook would get);
2. what an openai-python user writes: ``asyncio.gather`` over ``AsyncOpenAI.responses.create``
   with an ``asyncio.Semaphore(16)``, then a DataFrame of the answers;
3. resume: a batch of M rows (default 4,000) cancelled at 50% while rows are in flight, then the
   same call again.

Wall time and client CPU (``time.process_time``: the server is another process) per client and
their ratio; rows lost or duplicated, counted on the server's own store (one response per prompt);
progress bytes per row; requests sent on resume versus rows not done. Writes
``bench/out/batch.json``. Run: ``python bench/bench_batch.py [--rows N] [--resume-rows M]``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import machine_info
from bench_server import _start_server

OUT = Path(__file__).resolve().parent / "out" / "batch.json"
CONCURRENCY = 16


def _frame(n: int, tag: str) -> Any:
    import pandas as pd

    return pd.DataFrame({"text": [f"{tag} ticket {i}: the export crashes" for i in range(n)]})


def _server_counts(db: Path, prefix: str) -> Counter[str]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT search FROM responses WHERE search LIKE ?", (prefix + "%",)
        ).fetchall()
    return Counter(r[0] for r in rows)


def _settled(db: Path, prefix: str, n: int) -> Counter[str]:
    """The server's per-prompt counts once its group commits caught up (at most 30 s)."""
    deadline = time.monotonic() + 30
    counts = _server_counts(db, prefix)
    while len(counts) < n and time.monotonic() < deadline:
        time.sleep(0.1)
        counts = _server_counts(db, prefix)
    return counts


class _ByteComm:
    comm_id = "bench"
    kernel = object()

    def __init__(self) -> None:
        self.messages = 0
        self.bytes = 0

    def send(self, data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
        self.messages += 1
        self.bytes += len(json.dumps(data, default=str))

    def on_msg(self, callback: Any) -> None:
        pass

    def close(self, *a: Any, **k: Any) -> None:
        pass


def bench_respnb(base: str, db: Path, n: int) -> dict[str, Any]:
    from respnb.batch import start_batch
    from respnb.notebook.batch_view import BatchProgressView

    df = _frame(n, "respnb")
    cpu, wall = time.process_time(), time.perf_counter()
    job = start_batch(
        df,
        "Classify: {text}",
        profile="local",
        base_url=base,
        concurrency=CONCURRENCY,
        progress=None,
        confirm=True,
    )
    view = BatchProgressView(job)
    comm = _ByteComm()
    view.comm = comm
    job.wait()
    out = job.frame()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    counts = _settled(db, "Classify: respnb", n)
    return {
        "rows": n,
        "wall_s": wall,
        "cpu_s": cpu,
        "completed": int((out["status"] == "completed").sum()),
        "server_responses": sum(counts.values()),
        "lost": n - len(counts),
        "duplicated": sum(v - 1 for v in counts.values() if v > 1),
        "progress_messages": comm.messages,
        "progress_bytes": comm.bytes,
        "progress_bytes_per_row": comm.bytes / n,
        "requests_sent": job.requests_sent,
    }


async def _openai_rows(base: str, prompts: list[str]) -> list[str]:
    import httpx
    import openai

    http = httpx.AsyncClient(limits=httpx.Limits(max_connections=64, max_keepalive_connections=64))
    client = openai.AsyncOpenAI(base_url=base, api_key="unused", http_client=http)
    sem = asyncio.Semaphore(CONCURRENCY)

    async def one(prompt: str) -> str:
        async with sem:
            r = await client.responses.create(model="respnb-demo", input=prompt)
            return r.output_text

    try:
        return await asyncio.gather(*(one(p) for p in prompts))
    finally:
        await client.close()


def bench_openai(base: str, db: Path, n: int) -> dict[str, Any]:
    import pandas as pd

    df = _frame(n, "openai")
    cpu, wall = time.process_time(), time.perf_counter()
    prompts = [f"Classify: {t}" for t in df["text"]]
    texts = asyncio.run(_openai_rows(base, prompts))
    out = pd.DataFrame({"output_text": texts}, index=df.index)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    counts = _settled(db, "Classify: openai", n)
    return {
        "rows": n,
        "wall_s": wall,
        "cpu_s": cpu,
        "completed": int(out["output_text"].str.len().gt(0).sum()),
        "server_responses": sum(counts.values()),
        "lost": n - len(counts),
        "duplicated": sum(v - 1 for v in counts.values() if v > 1),
    }


def bench_resume(base: str, db: Path, n: int) -> dict[str, Any]:
    from respnb.batch import start_batch

    df = _frame(n, "resume")
    kw = {"profile": "local", "base_url": base, "concurrency": CONCURRENCY, "progress": None}
    first = start_batch(df, "Tag: {text}", confirm=True, **kw)

    def halfway(progress: Any) -> None:
        if progress.done >= n // 2:
            first.cancel()

    first.progress.add_listener(halfway)
    first.wait()
    done_before = int((first.frame()["status"] == "completed").sum())
    before = sum(_server_counts(db, "Tag: resume").values())
    again = start_batch(df, "Tag: {text}", confirm=True, **kw)
    again.wait()
    out = again.frame()
    counts = _settled(db, "Tag: resume", n)
    return {
        "rows": n,
        "done_before_resume": done_before,
        "not_done": n - done_before,
        "requests_sent_on_resume": again.requests_sent,
        "server_responses_before_resume": before,
        "server_responses_created_on_resume": sum(counts.values()) - before,
        "completed_after_resume": int((out["status"] == "completed").sum()),
        "duplicated": sum(v - 1 for v in counts.values() if v > 1),
        "lost": n - len(counts),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--rows", type=int, default=10_000)
    p.add_argument("--resume-rows", type=int, default=4_000)
    args = p.parse_args(argv)
    home = tempfile.mkdtemp(prefix="respnb-bench-batch-")
    os.environ["RESPNB_HOME"] = home
    db = Path(home) / "server.sqlite3"
    started = time.perf_counter()
    info = machine_info()
    proc, base = _start_server(db, None)
    try:
        rn = bench_respnb(base, db, args.rows)
        print(f"respnb.batch   {rn['wall_s']:7.1f} s wall {rn['cpu_s']:7.1f} s CPU", flush=True)
        oa = bench_openai(base, db, args.rows)
        print(f"openai gather  {oa['wall_s']:7.1f} s wall {oa['cpu_s']:7.1f} s CPU", flush=True)
        rs = bench_resume(base, db, args.resume_rows)
        print(f"resume: {rs['requests_sent_on_resume']} sent for {rs['not_done']} not done")
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    result = {
        "config": {"rows": args.rows, "concurrency": CONCURRENCY, "resume_rows": args.resume_rows},
        "respnb": rn,
        "openai": oa,
        "resume": rs,
        "ratios": {
            "wall": rn["wall_s"] / oa["wall_s"],
            "cpu": rn["cpu_s"] / oa["cpu_s"],
        },
        "machine": info,
        "seconds": time.perf_counter() - started,
    }
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result["ratios"]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
