"""Idle exit of on-demand servers: only when nothing is in flight, running or recent."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from respnb.server.idle import IdleExit
from respnb.server.launch import _free_socket
from tests.waiting import wait_until


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


async def _ok(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


async def test_idle_needs_quiet_no_flight_and_no_runs() -> None:
    clock = Clock()
    busy = [False]
    idle = IdleExit(_ok, 60, busy=lambda: busy[0], on_idle=lambda: None, clock=clock)
    assert not idle.idle()  # just started
    clock.now += 61
    assert idle.idle()
    transport = httpx.ASGITransport(app=idle)
    async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
        assert (await http.get("/")).text == "ok"
    assert not idle.idle()  # a request resets the quiet spell
    clock.now += 61
    busy[0] = True
    assert not idle.idle()  # a live run keeps it up
    busy[0] = False
    assert idle.idle()
    idle.in_flight = 1
    assert not idle.idle()  # an open stream keeps it up


@pytest.mark.slow
def test_serve_exits_when_idle(tmp_path) -> None:  # type: ignore[no-untyped-def]
    sock = _free_socket("127.0.0.1", 0)
    port = sock.getsockname()[1]
    sock.close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "respnb",
            "serve",
            "--port",
            str(port),
            "--db",
            str(tmp_path / "s.sqlite3"),
            "--idle-timeout",
            "1",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def healthy() -> bool:
            try:
                return httpx.get(f"http://127.0.0.1:{port}/v1/health", timeout=1).is_success
            except httpx.HTTPError:
                return proc.poll() is not None  # exited already: the assertion below says so

        wait_until(healthy, what="the idle-exit server to answer or exit")
        # a graceful uvicorn stop; uvicorn re-raises the SIGTERM it handled after shutdown
        assert proc.wait(timeout=30) in (0, -15)
    finally:
        if proc.poll() is None:
            proc.kill()
