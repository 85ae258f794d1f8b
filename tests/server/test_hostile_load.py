"""Hostile requests cannot stall the local server.

While a ``$ref`` bomb, a one-megabyte regex-bomb prompt, a 50 MB body, deeply nested JSON, a
catastrophic ``pattern`` and an exponentially wide recursive schema are in flight, health
checks keep being answered (latencies are measured and printed; the only bound is a generous
deadline), every hostile request ends in a 4xx or a finished response, and SIGTERM stops a
``respnb serve`` process that is busy with them.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from respnb.server.launch import RunningServer, serve_in_thread
from tests.waiting import wait_until

MODEL = "respnb-demo"
DEADLINE = 60.0  # seconds: generous, for a busy 2-core machine


def _fmt(schema: dict[str, Any]) -> dict[str, Any]:
    return {"format": {"type": "json_schema", "name": "out", "schema": schema}}


def hostile_requests(base_url: str) -> dict[str, Callable[[], int]]:
    """name -> a function sending that request and returning its status."""
    json_headers = {"content-type": "application/json"}

    def post(body: dict[str, Any] | None = None, raw: bytes | None = None) -> int:
        with httpx.Client(base_url=base_url, timeout=DEADLINE * 2) as h:
            if raw is not None:
                return h.post("/responses", content=raw, headers=json_headers).status_code
            return h.post("/responses", json=body).status_code

    wide = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"$ref": "#"}}
    redos = {"type": "object", "properties": {"query": {"type": "string", "pattern": "^(a|aa)+$"}}}
    return {
        "ref bomb": lambda: post({"model": MODEL, "input": "x", "text": _fmt({"$ref": "#"})}),
        "regex bomb": lambda: post(  # gpt-4.1: a window (1M tokens) that takes it whole
            {"model": "gpt-4.1", "input": "x" * 1_000_000 + "@" + "a-" * 100_000}
        ),
        "huge body": lambda: post(raw=b'{"input": "' + b"a" * (50 * 1024 * 1024) + b'"}'),
        "deep json": lambda: post(
            raw=b'{"model": "m", "input": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
        ),
        "redos pattern": lambda: post(
            {"model": MODEL, "input": "a" * 200 + "!", "text": _fmt(redos)}
        ),
        "wide schema": lambda: post({"model": MODEL, "input": "a tree", "text": _fmt(wide)}),
    }


def _run_all(
    requests: dict[str, Callable[[], int]],
) -> tuple[dict[str, int], list[threading.Thread]]:
    results: dict[str, int] = {}

    def run(name: str, fn: Callable[[], int]) -> None:
        try:
            results[name] = fn()
        except httpx.HTTPError as exc:  # recorded, and the test fails on it
            results[name] = -1
            results[f"{name}: {type(exc).__name__}"] = -1

    threads = [
        threading.Thread(target=run, args=(name, fn), daemon=True) for name, fn in requests.items()
    ]
    for t in threads:
        t.start()
    return results, threads


@pytest.fixture
def srv(tmp_path: Path) -> Any:
    with serve_in_thread(db_path=tmp_path / "server.sqlite3") as s:
        yield s


def test_health_answers_while_hostile_requests_run(srv: RunningServer) -> None:
    results, threads = _run_all(hostile_requests(srv.base_url))
    latencies: list[float] = []
    with httpx.Client(base_url=srv.base_url, timeout=DEADLINE) as h:
        while any(t.is_alive() for t in threads) or len(latencies) < 5:
            start = time.perf_counter()
            r = h.get("/health")
            latencies.append(time.perf_counter() - start)
            assert r.status_code == 200
    for t in threads:
        t.join(DEADLINE)
    print(
        f"health during hostile load: {len(latencies)} probes, "
        f"median {sorted(latencies)[len(latencies) // 2] * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.1f} ms; statuses {results}"
    )
    assert results == {
        "ref bomb": 400,
        "regex bomb": 200,
        "huge body": 413,
        "deep json": 400,
        "redos pattern": 200,
        "wide schema": 200,
    }
    with httpx.Client(base_url=srv.base_url, timeout=DEADLINE) as h:
        wait_until(lambda: h.get("/health").json()["live_runs"] == 0, what="no live run left")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_sigterm_stops_a_busy_server(tmp_path: Path) -> None:
    port = _free_port()
    log = open(tmp_path / "serve.log", "wb")  # noqa: SIM115 - closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "respnb",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.db"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        base = f"http://127.0.0.1:{port}/v1"

        def healthy() -> bool:
            try:
                return httpx.get(f"{base}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(healthy, what="respnb serve answering", timeout=DEADLINE)
        requests = hostile_requests(base)
        _results, threads = _run_all({k: requests[k] for k in ("regex bomb", "wide schema")})

        def busy() -> bool:
            live = httpx.get(f"{base}/health", timeout=DEADLINE).json()["live_runs"]
            return bool(live) or not any(t.is_alive() for t in threads)

        wait_until(busy, what="a hostile run live on the server", timeout=DEADLINE)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(timeout=DEADLINE)  # raises TimeoutExpired if SIGTERM is ignored
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        log.close()
    assert code in (0, 1, -signal.SIGTERM), code
