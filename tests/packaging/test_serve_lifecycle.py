"""`respnb serve status` / `respnb serve stop` for the on-demand local server."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

from tests.waiting import wait_until

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "respnb", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a zombie child of this process still answers kill(0): read its state
    stat = Path(f"/proc/{pid}/stat")
    return not (stat.exists() and stat.read_text().split(")")[-1].split()[0] == "Z")


def test_status_and_stop_of_the_on_demand_server(tmp_path: Path) -> None:
    env = {**os.environ, "RESPNB_HOME": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    none = _cli("serve", "status", env=env)
    assert none.returncode == 1 and "no on-demand local server" in none.stdout
    started = subprocess.run(
        [sys.executable, "-c", "from respnb.server.launch import ensure_local_server as e; e()"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert started.returncode == 0, started.stderr
    assert "respnb: started the local server at http://127.0.0.1:" in started.stderr
    assert "respnb serve stop" in started.stderr

    status = _cli("serve", "status", env=env)
    assert status.returncode == 0, status.stdout + status.stderr
    url = status.stdout.split("running: ")[1].split()[0]
    pid = int(status.stdout.split("(pid ")[1].split(",")[0])
    assert url.startswith("http://127.0.0.1:") and url.endswith("/v1")
    assert str(tmp_path / "server.sqlite3") in status.stdout
    assert "30 idle minutes" in status.stdout
    assert httpx.get(f"{url}/health", timeout=10).json()["status"] == "ok"

    stopped = _cli("serve", "stop", env=env)
    assert stopped.returncode == 0 and f"pid {pid}" in stopped.stdout
    wait_until(lambda: not _alive(pid), what=f"server pid {pid} gone")
    assert not (tmp_path / "server.json").exists()
    again = _cli("serve", "stop", env=env)
    assert again.returncode == 1 and "no on-demand local server" in again.stdout
    assert "running:" not in _cli("serve", "status", env=env).stdout


def test_serve_help_names_the_actions() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    out = _cli("serve", "--help", env=env).stdout
    assert "{status,stop}" in out and "--idle-timeout" in out
