"""Sync streaming over a loopback socket: ``respnb.Client`` vs openai-python, same bytes.

A server process (raw asyncio, no respnb code) answers every ``POST /v1/responses`` with the
same 20,000-delta text stream of ``tests/core/streams.py``, one HTTP chunk per event, over a
real loopback TCP socket. Each contender runs in a fresh interpreter and reads the whole
stream ``--repeat`` times; the figure is events per CPU second of the client process (all its
threads: respnb's sync client reads on a loop thread and hands events over in batches), best
run. Contenders: ``respnb.Client`` (sync ``responses.stream``), ``respnb.AsyncClient``, and
``openai.OpenAI().responses.stream()`` (the sync SDK call users write).

    python bench/bench_sync_stream.py [--repeat 5] [--deltas 20000]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine_info  # noqa: E402

OUT = ROOT / "bench" / "out" / "sync_stream.json"
CONTENDERS = ("respnb_client", "respnb_async_client", "openai_sync_stream")


# ---------------------------------------------------------------- the server (own process)
def serve(deltas: int, layout: str) -> None:
    """Answer every request with the stream; print the port, serve until killed.

    ``layout`` ``event``: one HTTP chunk per event (a server flushing every event);
    ``4k``: 4 KB chunks (a server or proxy that buffers its writes).
    """
    from tests.core.streams import chunked, text_stream

    body = text_stream(deltas).sse()
    if layout == "event":
        pieces = [e + b"\n\n" for e in body.split(b"\n\n") if e]
    else:
        pieces = chunked(body, 4096)
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(e), e) for e in pieces) + b"0\r\n\r\n"
    head = (
        b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\n"
        b"transfer-encoding: chunked\r\nconnection: keep-alive\r\n\r\n"
    )

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:
                request = await reader.readuntil(b"\r\n\r\n")
                length = 0
                for line in request.split(b"\r\n"):
                    if line.lower().startswith(b"content-length:"):
                        length = int(line.split(b":")[1])
                await reader.readexactly(length)
                writer.write(head)
                writer.write(chunks)
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            writer.close()

    async def main() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", 0)
        print(server.sockets[0].getsockname()[1], flush=True)
        await server.serve_forever()

    asyncio.run(main())


# ---------------------------------------------------------------- the contenders
def run_respnb(base_url: str) -> int:
    import respnb

    n = 0
    client = respnb.Client("compatible", base_url=base_url)
    with client, client.responses.stream(model="gpt-bench", input="hi") as stream:
        for _ in stream:
            n += 1
        final = stream.get_final_response()
    assert final.status == "completed", final.status
    return n


def run_respnb_async(base_url: str) -> int:
    import respnb

    async def main() -> int:
        n = 0
        client = respnb.AsyncClient("compatible", base_url=base_url)
        async with client, client.responses.stream(model="gpt-bench", input="hi") as stream:
            async for _ in stream:
                n += 1
            final = await stream.get_final_response()
        assert final.status == "completed", final.status
        return n

    return asyncio.run(main())


def run_openai(base_url: str) -> int:
    import openai

    n = 0
    client = openai.OpenAI(base_url=base_url, api_key="x")
    with client, client.responses.stream(model="gpt-bench", input="hi") as stream:
        for _ in stream:
            n += 1
        final = stream.get_final_response()
    assert final.status == "completed", final.status
    return n


RUNNERS = {
    "respnb_client": run_respnb,
    "respnb_async_client": run_respnb_async,
    "openai_sync_stream": run_openai,
}


def child(contender: str, base_url: str, repeat: int) -> None:
    """Best CPU seconds (this process, all threads) of ``repeat`` full reads."""
    run = RUNNERS[contender]
    run(base_url)  # warm up: imports, first connection
    best, count = float("inf"), 0
    for _ in range(repeat):
        gc.collect()
        t0 = time.process_time()
        count = run(base_url)
        best = min(best, time.process_time() - t0)
    print(json.dumps([best, count]))


LAYOUTS = ("4k", "event")


def measure_layout(layout: str, deltas: int, repeat: int) -> dict[str, Any]:
    """Every contender against one server process sending ``layout`` chunks."""
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", layout, "--deltas", str(deltas)],
        stdout=subprocess.PIPE,
        text=True,
    )
    results: dict[str, Any] = {}
    try:
        assert server.stdout is not None
        port = int(server.stdout.readline())
        base_url = f"http://127.0.0.1:{port}/v1"
        for contender in CONTENDERS:
            cmd = [sys.executable, __file__, "--child", contender, base_url]
            cmd += ["--repeat", str(repeat)]
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if proc.returncode != 0:
                raise SystemExit(f"{contender} failed:\n{proc.stderr[-2000:]}")
            seconds, events = json.loads(proc.stdout.strip().splitlines()[-1])
            results[contender] = {
                "cpu_seconds": round(seconds, 4),
                "events": events,
                "events_per_s": round(events / seconds),
            }
            print(f"{layout:5} {contender:20} {events:>7,} events {events / seconds:>10,.0f} /s")
    finally:
        server.terminate()
        server.wait(10)
    base = results["openai_sync_stream"]["events_per_s"]
    out = {
        "contenders": results,
        "ratio_client_vs_openai": round(results["respnb_client"]["events_per_s"] / base, 1),
        "ratio_async_vs_openai": round(results["respnb_async_client"]["events_per_s"] / base, 1),
    }
    print(f"{layout}: respnb.Client / openai = {out['ratio_client_vs_openai']}x")
    return out


def main(argv: list[str] | None = None) -> dict[str, Any]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--deltas", type=int, default=20_000)
    parser.add_argument("--serve", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--child", nargs=2, metavar=("CONTENDER", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve:
        serve(args.deltas, args.serve)
        return {}
    if args.child:
        child(args.child[0], args.child[1], args.repeat)
        return {}
    layouts = {}
    for layout in LAYOUTS:
        layouts[layout] = measure_layout(layout, args.deltas, args.repeat)
    data = {
        "machine": machine_info(),
        "deltas": args.deltas,
        "repeat": args.repeat,
        "layouts": layouts,
    }
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(data, indent=2))
    return data


if __name__ == "__main__":
    main()
