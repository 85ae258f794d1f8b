"""Standard Webhooks: a small loopback receiver of signed events (protocol.md §6).

Verification (headers, HMAC-SHA256, tolerance, deduplicated ids) lives in the core module
:mod:`respnb._webhooks`, shared with ``client.webhooks``; its names are re-exported here.
Secrets shorter than :data:`MIN_SECRET_BYTES` (``whsec_`` alone, a few characters) are
refused: anyone could forge their signatures. The receiver remembers an id only once its
handler succeeded (a failed handler answers 500, and the sender's retry is handled again).

The event carries only the response id, so the receiver fetches the response after a
verified event (through the refresher) and the registry and board update from that.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Awaitable, Callable
from typing import Any

from respnb._webhooks import MIN_SECRET_BYTES, WebhookVerificationError, WebhookVerifier, sign

log = logging.getLogger("respnb.tasks.webhooks")

__all__ = [
    "MIN_SECRET_BYTES",
    "WebhookReceiver",
    "WebhookVerificationError",
    "WebhookVerifier",
    "sign",
]


EventHandler = Callable[[dict[str, Any]], Awaitable[None] | None]


class WebhookReceiver:
    """A Starlette app on loopback that verifies events and hands them to ``on_event``.

    ``on_event(payload)`` gets each verified payload (``{type, data:{id}}``); the default
    wiring in :func:`respnb.tasks.start_webhook_receiver` fetches the response by id.
    Start it with :meth:`start` (uvicorn in a daemon thread); ``url`` is the endpoint.
    """

    def __init__(
        self,
        secret: str | bytes,
        on_event: EventHandler,
        *,
        path: str = "/webhooks",
        tolerance: float = 300.0,
    ) -> None:
        self.verifier = WebhookVerifier(secret, tolerance=tolerance)
        self.on_event = on_event
        self.path = path
        self.accepted = 0
        self.rejected = 0
        self.failed = 0
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self.url: str | None = None

    def __repr__(self) -> str:
        return f"WebhookReceiver(url={self.url!r}, accepted={self.accepted})"

    def app(self) -> Any:
        """The Starlette application (POST ``path``)."""
        from starlette.applications import Starlette
        from starlette.requests import Request
        from starlette.responses import JSONResponse, Response
        from starlette.routing import Route

        async def receive(request: Request) -> Response:
            body = await request.body()
            try:
                payload = self.verifier.verify(dict(request.headers), body, pending=True)
            except WebhookVerificationError as exc:
                self.rejected += 1
                return JSONResponse({"error": str(exc)}, status_code=400)
            msg_id = request.headers["webhook-id"]
            try:
                result = self.on_event(payload)
                if result is not None:
                    await result
            except Exception:
                self.verifier.settle(msg_id, handled=False)  # the sender's retry is handled
                self.failed += 1
                log.exception("the webhook handler failed on %s", msg_id)
                return JSONResponse({"error": "the handler failed; retry"}, status_code=500)
            self.verifier.settle(msg_id, handled=True)
            self.accepted += 1
            return Response(status_code=204)

        return Starlette(routes=[Route(self.path, receive, methods=["POST"])])

    def start(self, host: str = "127.0.0.1", port: int = 0, timeout: float = 10.0) -> str:
        """Serve on ``host:port`` (a free port by default) in a thread; returns the URL."""
        import socket

        import uvicorn

        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))
        port = sock.getsockname()[1]
        config = uvicorn.Config(self.app(), log_level="warning", lifespan="off")
        self._server = uvicorn.Server(config)
        server = self._server
        self._thread = threading.Thread(
            target=lambda: server.run(sockets=[sock]), name="respnb-webhooks", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not server.started:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError("the webhook receiver did not start")
            time.sleep(0.01)
        self.url = f"http://{host}:{port}{self.path}"
        return self.url

    def stop(self) -> None:
        """Stop the server thread."""
        if self._server is not None:
            self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self) -> WebhookReceiver:
        if self.url is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()
