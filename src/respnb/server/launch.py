"""Start the local server: in a daemon thread (tests, notebooks) or as a shared subprocess.

* :func:`serve_in_thread` runs uvicorn in a daemon thread on a free loopback port and returns
  once the server answers; ``.base_url`` ends with ``/v1``; ``.stop()`` or ``with`` ends it.
* :func:`ensure_local_server` returns the base URL of the one shared server of this user:
  ``python -m respnb serve`` in its own session, on a free port, store at
  ``<home>/server.sqlite3``, recorded in ``<home>/server.json`` (pid, port, base_url) and reused
  by later kernels while ``GET /v1/health`` answers. It exits by itself after
  :data:`IDLE_TIMEOUT` seconds with no request and no live run.
* :func:`local_server_status` / :func:`stop_local_server` (``respnb serve status`` /
  ``respnb serve stop``) say where that server runs and stop it.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from types import TracebackType
from typing import Any

import httpx
import uvicorn

from respnb._home import home, local_token, private_file

from .app import ServerConfig, create_app
from .runs import MAX_PACED_SECONDS
from .upstream import UpstreamConfig

__all__ = [
    "RunningServer",
    "ensure_local_server",
    "local_server_status",
    "serve_in_thread",
    "stop_local_server",
]

IDLE_TIMEOUT = 1800.0
"""Seconds of quiet after which an on-demand server subprocess exits by itself."""

LOCAL_PACE = 150.0
"""Tokens per second of the on-demand local server: a pace a person can watch stream.
``$RESPNB_LOCAL_PACE`` overrides it (``0``: as fast as possible, as the test suite runs)."""


def _local_pace() -> float:
    raw = os.environ.get("RESPNB_LOCAL_PACE")
    if raw is None or raw.strip() == "":
        return LOCAL_PACE
    try:
        return max(0.0, float(raw))
    except ValueError:
        raise ValueError(
            f"RESPNB_LOCAL_PACE must be a number of tokens per second (0 = max), got {raw!r}"
        ) from None


LAUNCHED: list[subprocess.Popen[bytes]] = []
"""Server subprocesses this process started (kept so they are not reaped as garbage)."""


def _free_socket(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP: asyncio sets TCP_NODELAY on accepted sockets only when proto says TCP.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.set_inheritable(True)
    return sock


class RunningServer:
    """A server running in a daemon thread of this process."""

    def __init__(
        self,
        server: uvicorn.Server,
        thread: threading.Thread,
        host: str,
        port: int,
        config: ServerConfig,
        tmpdir: str | None,
    ) -> None:
        self._server = server
        self._thread = thread
        self.host = host
        self.port = port
        self.config = config
        self._tmpdir = tmpdir

    @property
    def origin(self) -> str:
        """``http://host:port`` (no path)."""
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        """The API base URL, ending in ``/v1``."""
        return f"{self.origin}/v1"

    def __repr__(self) -> str:
        return f"RunningServer({self.base_url!r}, dialect={self.config.dialect!r})"

    def stop(self, timeout: float = 10.0) -> None:
        """Stop the server (live runs are stored as failed) and join its thread."""
        self._server.should_exit = True
        self._thread.join(timeout)
        if self._tmpdir is not None:
            shutil.rmtree(self._tmpdir, ignore_errors=True)
            self._tmpdir = None

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def serve_in_thread(
    db_path: str | Path | None = None,
    dialect: str = "openai",
    api_key: str | None = None,
    faults: bool = False,
    pace: float | None = None,
    port: int = 0,
    host: str = "127.0.0.1",
    timeout: float = 15.0,
    webhook_url: str | None = None,
    webhook_secret: str | None = None,
    pace_limit: float = MAX_PACED_SECONDS,
    lenient: bool = False,
    upstream: UpstreamConfig | None = None,
) -> RunningServer:
    """Run a server in a daemon thread; returns when it accepts requests.

    ``db_path=None`` uses a temporary store removed by :meth:`RunningServer.stop`; ``port=0``
    picks a free port. ``webhook_url`` (loopback only) and ``webhook_secret``
    (``whsec_<base64>``) make it POST a signed event when a background response ends.
    ``pace_limit`` bounds how long a run's pacing may last (seconds).
    ``lenient`` turns the strict request checks off; ``upstream`` answers with a Chat
    Completions endpoint instead of the demo engine.
    """
    tmpdir = None
    if db_path is None:
        tmpdir = tempfile.mkdtemp(prefix="respnb-server-")
        db_path = Path(tmpdir) / "server.sqlite3"
    config = ServerConfig(
        db_path=Path(db_path),
        dialect=dialect,
        api_key=api_key,
        faults=faults,
        pace=pace,
        pace_limit=pace_limit,
        webhook_url=webhook_url,
        webhook_secret=webhook_secret,
        lenient=lenient,
        upstream=upstream,
    )
    try:
        app = create_app(config)
    except ValueError:
        if tmpdir is not None:
            shutil.rmtree(tmpdir, ignore_errors=True)
        raise
    sock = _free_socket(host, port)
    actual_port = int(sock.getsockname()[1])
    uv_config = uvicorn.Config(
        app,
        log_level="warning",
        lifespan="on",
        loop="asyncio",
        http="h11",
        timeout_graceful_shutdown=2,
        timeout_keep_alive=75,
    )
    server = uvicorn.Server(uv_config)
    thread = threading.Thread(
        target=server.run,
        kwargs={"sockets": [sock]},
        name=f"respnb-server-{actual_port}",
        daemon=True,
    )
    thread.start()
    deadline = time.monotonic() + timeout
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            server.should_exit = True
            sock.close()
            raise RuntimeError(f"the respnb server did not start on {host}:{actual_port}")
        time.sleep(0.01)
    return RunningServer(server, thread, host, actual_port, config, tmpdir)


def _healthy(base_url: str) -> bool:
    try:
        r = httpx.get(f"{base_url}/health", timeout=2.0)
        return r.status_code == 200 and r.json().get("status") == "ok"
    except (httpx.HTTPError, ValueError):
        return False


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


@contextlib.contextmanager
def _lock(path: Path) -> Any:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows: no lock, a rare double start is harmless
        yield
        return
    with open(private_file(path), "a+") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def ensure_local_server(timeout: float = 20.0) -> str:
    """The base URL (``.../v1``) of the shared local server, started if needed."""
    root = home()
    record_path = root / "server.json"
    upstream = UpstreamConfig.from_env()  # RESPNB_UPSTREAM: a local model answers
    wanted = upstream.url if upstream is not None else None
    with _lock(root / "server.lock"):
        record = _read_record(record_path)
        if (
            record
            and isinstance(record.get("base_url"), str)
            and record.get("upstream") == wanted
            and _healthy(record["base_url"])
        ):
            return str(record["base_url"])
        sock = _free_socket("127.0.0.1", 0)
        port = int(sock.getsockname()[1])
        sock.close()
        db = root / "server.sqlite3"
        private_file(db)
        local_token()  # the server requires it; the local profile sends it
        log = open(private_file(root / "server.log"), "ab")  # noqa: SIM115 - handed to the child
        cmd = [
            *(sys.executable, "-m", "respnb", "serve", "--port", str(port), "--db", str(db)),
            *("--idle-timeout", str(IDLE_TIMEOUT), "--api-key-file", str(root / "server.token")),
        ]
        pace = _local_pace()
        if pace:
            cmd += ["--pace", str(pace)]
        if upstream is not None:
            cmd += ["--upstream", upstream.url]
            if os.environ.get("RESPNB_UPSTREAM_KEY_ENV"):
                cmd += ["--upstream-key-env", os.environ["RESPNB_UPSTREAM_KEY_ENV"]]
            if upstream.model:
                cmd += ["--upstream-model", upstream.model]
        proc = subprocess.Popen(
            cmd,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        log.close()
        LAUNCHED.append(proc)
        base_url = f"http://127.0.0.1:{port}/v1"
        deadline = time.monotonic() + timeout
        while not _healthy(base_url):
            if proc.poll() is not None or time.monotonic() > deadline:
                with contextlib.suppress(OSError):
                    proc.kill()
                raise RuntimeError(
                    f"the local respnb server did not start; see {root / 'server.log'}"
                )
            time.sleep(0.05)
        record = {
            "pid": proc.pid,
            "port": port,
            "base_url": base_url,
            "db": str(db),
            "log": str(root / "server.log"),
            "idle_timeout": IDLE_TIMEOUT,
            "started_at": time.time(),
            "upstream": wanted,
        }
        private_file(record_path).write_text(json.dumps(record))
        print(
            f"respnb: started the local server at {base_url} (pid {proc.pid}, log "
            f"{record['log']}); it stops after {IDLE_TIMEOUT / 60:.0f} idle minutes, or with "
            "`respnb serve stop`.",
            file=sys.stderr,
            flush=True,
        )
        return base_url


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover - someone else's process
        return True
    return True


def local_server_status() -> dict[str, Any] | None:
    """The record of the running on-demand server (pid, base_url, db, log, ...), or None.

    A record whose server does not answer is stale and is removed.
    """
    record_path = home() / "server.json"
    record = _read_record(record_path)
    if not record or not isinstance(record.get("base_url"), str):
        return None
    if _healthy(record["base_url"]):
        return record
    with contextlib.suppress(OSError):
        record_path.unlink()
    return None


def stop_local_server(timeout: float = 15.0) -> dict[str, Any] | None:
    """Stop the on-demand server (SIGTERM: live runs are stored as failed); its record or None.

    Waits until the process has exited (``TimeoutError`` after ``timeout`` seconds).
    """
    root = home()
    with _lock(root / "server.lock"):
        record = local_server_status()
        if record is None:
            return None
        pid = record.get("pid")
        if isinstance(pid, int) and pid > 0 and _alive(pid):
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + timeout
            while _alive(pid) and not _reap(pid):
                if time.monotonic() > deadline:
                    raise TimeoutError(
                        f"the local server (pid {pid}) did not stop within {timeout:.0f} s"
                    )
                time.sleep(0.05)
        with contextlib.suppress(OSError):
            (root / "server.json").unlink()
        return record


def _reap(pid: int) -> bool:
    """True once ``pid`` has exited (reaped here when it is a child of this process)."""
    for proc in LAUNCHED:
        if proc.pid == pid:
            return proc.poll() is not None
    return False
