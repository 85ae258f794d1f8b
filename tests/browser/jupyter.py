"""A real Jupyter server (JupyterLab 4 + Notebook 7) for browser tests, and the Chromium flags.

Everything it writes (config, runtime, settings, workspaces, RESPNB_HOME) stays under ``root``;
the local respnb server a kernel starts on demand is stopped with it.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TOKEN = "respnb-test-token"
LOOPBACK_ONLY = r"^(?!http://127\.0\.0\.1:).*"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def stop_local_server(record: Path) -> None:
    """Stop the local respnb server a kernel started on demand (by the pid it recorded)."""
    if not record.exists():
        return
    pid = json.loads(record.read_text()).get("pid")
    if isinstance(pid, int):
        with contextlib.suppress(OSError):
            os.kill(pid, 15)


def write_settings(settings: Path, theme: str, *, quiet_news: bool = True) -> None:
    values: dict[str, Any] = {"apputils-extension/themes": {"theme": theme}}
    if quiet_news:
        values["apputils-extension/notification"] = {"fetchNews": "false", "checkForUpdates": False}
    for name, value in values.items():
        path = settings / f"@jupyterlab/{name}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(value))


@contextlib.contextmanager
def jupyter_server(
    root: Path,
    *,
    theme: str = "JupyterLab Light",
    env: dict[str, str] | None = None,
    quiet_news: bool = True,
) -> Iterator[str]:
    """Run ``jupyter lab`` (which also serves Notebook 7 at /notebooks/...) on loopback."""
    settings = root / ".settings"
    write_settings(settings, theme, quiet_news=quiet_news)
    env = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(root / ".config"),
        "JUPYTER_RUNTIME_DIR": str(root / ".runtime"),
        "IPYTHONDIR": str(root / ".ipython"),
        "JUPYTERLAB_SETTINGS_DIR": str(settings),
        "JUPYTERLAB_WORKSPACES_DIR": str(root / ".workspaces"),
        "RESPNB_HOME": str(root / ".respnb"),
        **(env or {}),
    }
    port = free_port()
    log_path = root / "jupyter.log"
    log = log_path.open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            f"--ServerApp.port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={root}",
            "--ServerApp.port_retries=0",
            "--LabApp.news_url=None",
            "--ServerApp.log_level=WARN",
            *(["--allow-root"] if os.geteuid() == 0 else []),
        ],
        cwd=root,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(240):
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=1)
                break
            except OSError:
                if proc.poll() is not None:
                    pytest.fail("jupyter lab exited: " + log_path.read_text()[-2000:])
                time.sleep(0.25)
        else:
            pytest.fail("jupyter lab did not start: " + log_path.read_text()[-2000:])
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()
        stop_local_server(root / ".respnb" / "server.json")


KERNEL_IDLE = (
    "() => !!document.querySelector('.jp-Notebook-ExecutionIndicator')"
    " && document.querySelector('.jp-Notebook-ExecutionIndicator').dataset.status === 'idle'"
)
"""A JS predicate: the notebook's kernel is connected and idle (Lab and Notebook 7)."""


@contextlib.contextmanager
def loopback_context(pw: Any, init_script: str) -> Iterator[Any]:
    """A headless Debian chromium context that may reach loopback only, with ``init_script``."""
    browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS, headless=True)
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    context.route(re.compile(LOOPBACK_ONLY), lambda route: route.abort())
    context.add_init_script(init_script)
    try:
        yield context
    finally:
        context.close()
        browser.close()
