"""Who can reach the local server, and who can read RESPNB_HOME.

A non-loopback bind needs a key (read from a file or the environment, never argv); the
on-demand server requires the per-install token, which the ``local`` profile sends and which
never shows in ``ps``; RESPNB_HOME is 0700 and the files respnb writes there are 0600.
"""

from __future__ import annotations

import json
import os
import socket
import stat
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

import respnb
from respnb._home import home, local_token
from respnb.server.exposure import KEY_ENV, ExposureError, server_api_key
from respnb.server.launch import ensure_local_server
from respnb.tasks import TaskRegistry
from respnb.types import Response
from tests.waiting import wait_until


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_non_loopback_bind_needs_a_key() -> None:
    run = subprocess.run(
        [sys.executable, "-m", "respnb", "serve", "--host", "0.0.0.0", "--port", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        env={k: v for k, v in os.environ.items() if k != KEY_ENV},
    )
    assert run.returncode == 2
    assert "--api-key-file" in run.stderr and "0.0.0.0" in run.stderr


def test_key_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    keyfile = tmp_path / "key.txt"
    keyfile.write_text("from-the-file\n")
    assert server_api_key("0.0.0.0", None, str(keyfile)) == "from-the-file"
    assert server_api_key("127.0.0.1", None, None) is None
    assert server_api_key("::1", None, None) is None
    monkeypatch.setenv(KEY_ENV, "from-the-env")
    assert server_api_key("192.0.2.1", None, None) == "from-the-env"
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(ExposureError, match="empty"):
        server_api_key("127.0.0.1", None, str(tmp_path / "empty"))
    with pytest.raises(ExposureError, match="cannot read"):
        server_api_key("127.0.0.1", None, str(tmp_path / "missing"))


def test_served_key_comes_from_a_file_not_argv(tmp_path: Path) -> None:
    keyfile = tmp_path / "key.txt"
    keyfile.write_text("sk-from-file-5150\n")
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "respnb",
            "serve",
            "--port",
            str(port),
            "--api-key-file",
            str(keyfile),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env={**os.environ, "RESPNB_HOME": str(tmp_path / "home")},
    )
    try:
        base = f"http://127.0.0.1:{port}/v1"

        def up() -> bool:
            try:
                return httpx.get(f"{base}/health", timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        wait_until(up, what="respnb serve --api-key-file answering")
        assert httpx.get(f"{base}/files").status_code == 401
        auth = {"authorization": "Bearer sk-from-file-5150"}
        assert httpx.get(f"{base}/files", headers=auth).status_code == 200
        cmdline = Path(f"/proc/{proc.pid}/cmdline").read_bytes()
        assert b"sk-from-file" not in cmdline
    finally:
        proc.terminate()
        proc.wait(timeout=60)


def test_on_demand_server_requires_the_token_the_local_profile_sends() -> None:
    url = ensure_local_server()
    token = local_token()
    assert len(token) >= 32
    assert httpx.get(f"{url}/files").status_code == 401
    assert (
        httpx.get(f"{url}/files", headers={"authorization": f"Bearer {token}"}).status_code == 200
    )
    with respnb.Client() as client:  # the local profile
        resp = client.responses.create(model="respnb-demo", input="hello")
        assert resp.status == "completed"
    pid = json.loads((home() / "server.json").read_text())["pid"]
    assert token.encode() not in Path(f"/proc/{pid}/cmdline").read_bytes()


def test_home_is_private() -> None:
    ensure_local_server()
    root = home()
    registry = TaskRegistry(root / "tasks.sqlite3")
    registry.record_response(Response.model_validate({"id": "r1", "status": "completed"}))
    try:
        assert _mode(root) == 0o700
        names = ["server.token", "server.json", "server.log", "server.sqlite3", "tasks.sqlite3"]
        names += ["tasks.sqlite3-wal", "server.sqlite3-wal"]
        for name in names:
            assert (root / name).exists(), name
            assert _mode(root / name) == 0o600, (name, oct(_mode(root / name)))
    finally:
        registry.close()


def test_an_open_home_is_tightened(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    loose = tmp_path / "loose"
    loose.mkdir(mode=0o755)
    loose.chmod(0o755)
    monkeypatch.setenv("RESPNB_HOME", str(loose))
    assert home() == loose
    assert _mode(loose) == 0o700
