"""Idle exit for servers started on demand (``respnb serve --idle-timeout SECONDS``).

The ``local`` profile starts a server subprocess that later kernels reuse; nobody stops it
explicitly, so it stops itself once nothing has happened for a while: no request in flight,
none for ``timeout`` seconds, and no live run.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

__all__ = ["IdleExit"]


class IdleExit:
    """ASGI wrapper that signals the process (SIGTERM, a graceful uvicorn stop) when idle."""

    def __init__(
        self,
        app: ASGIApp,
        timeout: float,
        *,
        busy: Callable[[], bool] = lambda: False,
        on_idle: Callable[[], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.app = app
        self.timeout = timeout
        self.busy = busy
        self.clock = clock
        self.on_idle = on_idle or (lambda: os.kill(os.getpid(), signal.SIGTERM))
        self.in_flight = 0
        self.last = clock()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with self._lock:
            self.in_flight += 1
            self.last = self.clock()
        try:
            await self.app(scope, receive, send)
        finally:
            with self._lock:
                self.in_flight -= 1
                self.last = self.clock()

    def idle(self) -> bool:
        """True when nothing is in flight, nothing is running and the quiet spell is long."""
        with self._lock:
            quiet = self.in_flight == 0 and self.clock() - self.last >= self.timeout
        return quiet and not self.busy()

    def start(self, interval: float | None = None) -> None:
        """Start the watcher thread (checks every ``interval`` seconds)."""
        step = interval if interval is not None else max(1.0, min(30.0, self.timeout / 4))

        def watch() -> None:
            while not self._stop.wait(step):
                if self.idle():
                    self.on_idle()
                    return

        self._thread = threading.Thread(target=watch, name="respnb-idle-exit", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
