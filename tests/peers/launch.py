"""Start third-party peers (aimock, LiteLLM's proxy) on loopback for the interoperability tests.

``scripts/peers.sh`` installs them into the git-ignored ``.peers/`` folder (CI runs it through
``scripts/setup.sh``). Each peer is a real process on a free loopback port; a context manager
starts it, waits until it answers HTTP, yields a :class:`Peer` and stops it. A peer that is not
installed is an error that says how to install it: these tests are never skipped.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

__all__ = ["AIMOCK_CLI", "LITELLM_BIN", "Peer", "aimock", "free_port", "litellm_proxy"]

ROOT = Path(__file__).resolve().parents[2]
PEERS = ROOT / ".peers"
AIMOCK_CLI = PEERS / "node" / "node_modules" / "@copilotkit" / "aimock" / "dist" / "cli.js"
LITELLM_BIN = PEERS / "litellm" / "bin" / "litellm"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
LITELLM_KEY = "sk-peer-master-key"
STARTUP_TIMEOUT = 180.0  # LiteLLM imports for a long while on a busy 2-core machine


@dataclass(frozen=True)
class Peer:
    """A running third-party server: ``base_url`` ends in ``/v1``."""

    name: str
    base_url: str
    api_key: str
    log: Path

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _require(path: Path, what: str) -> None:
    if not path.exists():
        raise RuntimeError(
            f"{what} is not installed ({path} is missing): run `bash scripts/peers.sh`"
        )


def _wait_ready(proc: subprocess.Popen[bytes], url: str, log: Path, name: str) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    last: object = None
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            tail = log.read_text(errors="replace")[-3000:]
            raise RuntimeError(f"{name} exited with {proc.returncode} while starting:\n{tail}")
        try:
            r = httpx.get(url, timeout=2.0)
            if r.status_code < 500:
                return
            last = r.status_code
        except httpx.HTTPError as exc:
            last = exc
        time.sleep(0.2)
    raise RuntimeError(
        f"{name} did not answer {url} within {STARTUP_TIMEOUT:.0f} s (last: {last!r})"
    )


@contextlib.contextmanager
def _running(
    name: str, argv: list[str], ready_url: str, log: Path, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        proc = subprocess.Popen(
            argv,
            stdout=out,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env={**os.environ, **(env or {})},
        )
        try:
            _wait_ready(proc, ready_url, log, name)
            yield proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=20)


@contextlib.contextmanager
def aimock(log_dir: Path, fixtures: Path = FIXTURES / "aimock.json") -> Iterator[Peer]:
    """aimock (npm ``@copilotkit/aimock``): OpenAI Responses and Chat Completions from fixtures."""
    _require(AIMOCK_CLI, "aimock")
    port = free_port()
    argv = ["node", str(AIMOCK_CLI), "-p", str(port), "-h", "127.0.0.1", "-f", str(fixtures)]
    argv += ["--log-level", "warn"]
    base = f"http://127.0.0.1:{port}"
    log = log_dir / "aimock.log"
    with _running("aimock", argv, f"{base}/v1/models", log):
        yield Peer("aimock", f"{base}/v1", "aimock-key", log)


@contextlib.contextmanager
def litellm_proxy(log_dir: Path, upstream: Peer) -> Iterator[Peer]:
    """LiteLLM's proxy with a ``mock_response`` model (``mock-gpt``) and a model in front of
    ``upstream`` (``bridge``), as it fronts vLLM or Ollama."""
    _require(LITELLM_BIN, "LiteLLM's proxy")
    config = log_dir / "litellm.yaml"
    template = (FIXTURES / "litellm.yaml").read_text()
    config.write_text(
        template.replace("{aimock}", upstream.base_url).replace("{master_key}", LITELLM_KEY)
    )
    port = free_port()
    argv = [str(LITELLM_BIN), "--config", str(config), "--host", "127.0.0.1", "--port", str(port)]
    env = {
        "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # no download of the price map at start
        "LITELLM_TELEMETRY": "False",
        "LITELLM_LOG": "WARNING",
        "NO_DOCS": "True",
    }
    base = f"http://127.0.0.1:{port}"
    log = log_dir / "litellm.log"
    with _running("litellm", argv, f"{base}/health/liveliness", log, env):
        yield Peer("litellm", f"{base}/v1", LITELLM_KEY, log)
