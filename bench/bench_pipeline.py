"""Throughput of respnb's streaming pipeline against openai-python and a raw floor.

Same SSE bytes for everyone, generated deterministically by ``tests/core/streams.py``:

* scenario A: 20,000 ``response.output_text.delta`` events in one message;
* scenario B: ~20,000 events mixing reasoning summary deltas, function-call argument deltas
  and short messages.

Measured (events per second, best of ``--repeat`` runs):

1. ``respnb``: SSEDecoder -> parse_event -> ResponseAccumulator, bytes fed in 4 KiB chunks,
   ending with ``snapshot()``; and the full clients, ``respnb.AsyncClient`` and the sync
   ``respnb.Client``, streaming over ``httpx.MockTransport`` (when they exist);
2. ``openai``: ``client.responses.stream()`` over ``httpx.MockTransport`` until
   ``get_final_response()``;
3. ``raw``: ``httpx.Response.iter_lines()`` over the same chunks + ``json.loads`` per data line.

Run: ``python bench/bench_pipeline.py [--repeat 5] [--save-fixtures]``. Writes
``bench/out/pipeline.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine_info  # noqa: E402
from tests.core.streams import chunked, reasoning_tool_mix, text_stream  # noqa: E402

import respnb  # noqa: E402
from respnb._accumulator import ResponseAccumulator  # noqa: E402
from respnb._sse import SSEDecoder  # noqa: E402
from respnb.types import parse_event  # noqa: E402

CHUNK = 4096
BASE_URL = "http://bench.test/v1"


# ---------------------------------------------------------------- the contenders
def run_respnb(chunks: list[bytes]) -> int:
    decoder = SSEDecoder()
    acc = ResponseAccumulator()
    feed, parse = acc.feed, parse_event
    for chunk in chunks:
        for sse in decoder.feed(chunk):
            feed(parse(sse.data, sse.event))
    for sse in decoder.flush():
        feed(parse(sse.data, sse.event))
    final = acc.snapshot()
    assert final.status == "completed", final.status
    return acc.events_seen


def _sse_response(chunks: list[bytes]) -> httpx.Response:
    return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=iter(chunks))


def run_openai(chunks: list[bytes]) -> int:
    import openai

    http = httpx.Client(transport=httpx.MockTransport(lambda request: _sse_response(chunks)))
    client = openai.OpenAI(base_url=BASE_URL, api_key="x", http_client=http)
    n = 0
    with client.responses.stream(model="gpt-bench", input="hi") as stream:
        for _ in stream:
            n += 1
        final = stream.get_final_response()
    http.close()
    assert final.status == "completed"
    return n


def run_raw(chunks: list[bytes]) -> int:
    loads = json.loads
    n = 0
    for line in _sse_response(chunks).iter_lines():
        if line.startswith("data: "):
            loads(line[6:])
            n += 1
    return n


def bench_respnb_async_client(chunks: list[bytes], repeat: int) -> tuple[float, int] | None:
    """The full ``respnb.AsyncClient`` stream over MockTransport, if the client exists."""
    if not hasattr(respnb, "AsyncClient"):
        return None

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    async def main() -> tuple[float, int]:
        client = respnb.AsyncClient(
            base_url=BASE_URL, api_key="x", transport=httpx.MockTransport(handler)
        )
        best, count = float("inf"), 0
        for _ in range(repeat):
            gc.collect()
            t0 = time.process_time()
            count = 0
            async with client.responses.stream(model="gpt-bench", input="hi") as stream:
                async for _ in stream:
                    count += 1
                final = await stream.get_final_response()
            best = min(best, time.process_time() - t0)
            assert final.status == "completed", final.status
        await client.close()
        return best, count

    return asyncio.run(main())


def bench_respnb_client(chunks: list[bytes], repeat: int) -> tuple[float, int] | None:
    """The full sync respnb client over MockTransport, if the client exists (closed after)."""
    if not hasattr(respnb, "Client"):
        return None

    async def body() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk

    def handler(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, headers={"content-type": "text/event-stream"}, content=body())

    client = respnb.Client(base_url=BASE_URL, api_key="x", transport=httpx.MockTransport(handler))

    def run() -> int:
        n = 0
        with client.responses.stream(model="gpt-bench", input="hi") as stream:
            for _ in stream:
                n += 1
            final = stream.get_final_response()
        assert final.status == "completed", final.status
        return n

    try:
        return best_of(run, repeat)
    finally:
        client.close()


# ---------------------------------------------------------------- timing
def best_of(fn: Callable[[], int], repeat: int) -> tuple[float, int]:
    """Best CPU time (``time.process_time``, all threads of this process) of ``repeat`` runs.

    CPU time, not wall time: on a shared, loaded machine wall time mostly measures the
    other processes; the CPU seconds a pipeline burns are what it costs.
    """
    best, count = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        count = fn()
        best = min(best, time.process_time() - t0)
    return best, count


SCENARIOS: dict[str, Callable[[], bytes]] = {
    "A_text_20k": lambda: text_stream(20_000).sse(),
    "B_reasoning_tools_20k": lambda: reasoning_tool_mix(20_000).sse(),
}
CONTENDERS = (
    "respnb_pipeline",
    "respnb_async_client",
    "respnb_client",
    "openai_stream",
    "raw_iter_lines_json",
)


def measure(scenario: str, contender: str, repeat: int) -> tuple[float, int] | None:
    """Best-of-``repeat`` seconds and the event count of one contender on one scenario."""
    chunks = chunked(SCENARIOS[scenario](), CHUNK)
    if contender == "respnb_pipeline":  # cheap: more runs for a steadier best
        return best_of(lambda: run_respnb(chunks), repeat * 3)
    if contender == "raw_iter_lines_json":
        return best_of(lambda: run_raw(chunks), repeat * 3)
    if contender == "openai_stream":
        return best_of(lambda: run_openai(chunks), repeat)
    if contender == "respnb_client":
        return bench_respnb_client(chunks, repeat)
    if contender == "respnb_async_client":
        return bench_respnb_async_client(chunks, repeat)
    raise SystemExit(f"unknown contender {contender!r}; choose from {CONTENDERS}")


def measure_in_child(scenario: str, contender: str, repeat: int) -> tuple[float, int] | None:
    """Run :func:`measure` in a fresh interpreter, so no contender inherits another's heap
    (openai-python leaves ~85k live objects behind, which slows every later GC pass)."""
    cmd = [sys.executable, __file__, "--child", scenario, contender, "--repeat", str(repeat)]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{scenario}/{contender} failed:\n{proc.stderr[-2000:]}")
    answer = json.loads(proc.stdout.strip().splitlines()[-1])
    return None if answer is None else (answer[0], answer[1])


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--save-fixtures",
        action="store_true",
        help="also write the SSE bytes to bench/fixtures/*.sse",
    )
    parser.add_argument("--no-openai", action="store_true", help="skip the (slow) openai runs")
    parser.add_argument(
        "--child", nargs=2, metavar=("SCENARIO", "CONTENDER"), help=argparse.SUPPRESS
    )
    args = parser.parse_args(argv)
    if args.child:
        measured = measure(args.child[0], args.child[1], args.repeat)
        print(json.dumps(measured))
        return {}

    results: dict[str, Any] = {
        "machine": machine_info(),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_avg_1m_at_start": round(os.getloadavg()[0], 2),
        "chunk_bytes": CHUNK,
        "repeat": args.repeat,
        "isolation": "one fresh interpreter per scenario x contender",
        "clock": "time.process_time (CPU seconds), best of repeat runs (x3 for the fast ones)",
        "scenarios": {},
    }
    try:
        import openai

        results["openai_version"] = openai.__version__
    except ImportError:
        args.no_openai = True
    rows = []
    for name, make in SCENARIOS.items():
        raw = make()
        if args.save_fixtures:
            fixtures = ROOT / "bench" / "fixtures"
            fixtures.mkdir(parents=True, exist_ok=True)
            (fixtures / ".gitignore").write_text("*.sse\n")  # ~4 MB each: regenerate, not commit
            (fixtures / f"{name}.sse").write_bytes(raw)
        entry: dict[str, Any] = {"bytes": len(raw)}
        counts = {}
        for label in CONTENDERS:
            if label == "openai_stream" and args.no_openai:
                continue
            measured = measure_in_child(name, label, args.repeat)
            if measured is None:
                continue
            seconds, count = measured
            counts[label] = count
            entry[label] = {
                "seconds": round(seconds, 5),
                "events": count,
                "events_per_s": round(count / seconds),
            }
        assert len(set(counts.values())) == 1, f"event counts differ: {counts}"
        eps = {k: v["events_per_s"] for k, v in entry.items() if isinstance(v, dict)}
        mine = eps["respnb_pipeline"]
        entry["ratio_respnb_vs_raw"] = round(mine / eps["raw_iter_lines_json"], 2)
        if "openai_stream" in eps:
            entry["ratio_respnb_vs_openai"] = round(mine / eps["openai_stream"], 1)
            for label in ("respnb_async_client", "respnb_client"):
                if label in eps:
                    entry[f"ratio_{label}_vs_openai"] = round(eps[label] / eps["openai_stream"], 1)
        results["scenarios"][name] = entry
        rows.append((name, entry, eps))

    print(f"{'scenario':24} {'contender':22} {'events':>7} {'events/s':>12}")
    for name, entry, eps in rows:
        for label, value in eps.items():
            print(f"{name:24} {label:22} {entry[label]['events']:>7} {value:>12,}")
        ratios = {k: v for k, v in entry.items() if k.startswith("ratio")}
        print(f"{name:24} " + "  ".join(f"{k}={v}" for k, v in ratios.items()))
    out = ROOT / "bench" / "out"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(results, indent=2) + "\n")
    print(f"wrote {out / 'pipeline.json'}")
    return results


if __name__ == "__main__":
    main()
