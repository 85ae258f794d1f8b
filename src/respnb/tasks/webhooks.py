"""Standard Webhooks: verify signed events and a small loopback receiver (protocol.md §6).

Headers ``webhook-id``, ``webhook-timestamp`` (unix seconds) and ``webhook-signature``
(space-separated ``v1,<base64>``). The signed content is ``"{id}.{timestamp}.{raw body}"``,
HMAC-SHA256 keyed with the base64-decoded secret (after stripping ``whsec_``). Any matching
signature is accepted (constant-time compare); timestamps more than ``tolerance`` seconds old
or ahead are rejected; the raw bytes are verified before parsing; ids are deduplicated.
Secrets shorter than :data:`MIN_SECRET_BYTES` (``whsec_`` alone, a few characters) are
refused: anyone could forge their signatures. The receiver remembers an id only once its
handler succeeded (a failed handler answers 500, and the sender's retry is handled again).

The event carries only the response id, so the receiver fetches the response after a
verified event (through the refresher) and the registry and board update from that.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from typing import Any

from respnb._signing import MIN_SECRET_BYTES, sign
from respnb._signing import secret_key as _key

__all__ = [
    "MIN_SECRET_BYTES",
    "WebhookReceiver",
    "WebhookVerificationError",
    "WebhookVerifier",
    "sign",
]


class WebhookVerificationError(ValueError):
    """A webhook was rejected; the message says why (never echoing the secret)."""


log = logging.getLogger("respnb.tasks.webhooks")


class WebhookVerifier:
    """Verifies Standard Webhooks requests and remembers the ids already accepted."""

    def __init__(
        self, secret: str | bytes, *, tolerance: float = 300.0, remember: int = 10_000
    ) -> None:
        self._key = _key(secret)
        self.tolerance = tolerance
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._pending: set[str] = set()
        self._remember = remember
        self._lock = threading.Lock()

    def __repr__(self) -> str:
        return f"WebhookVerifier(tolerance={self.tolerance})"

    def verify(
        self,
        headers: Mapping[str, str],
        body: bytes,
        *,
        now: float | None = None,
        pending: bool = False,
    ) -> dict[str, Any]:
        """Check one request and return its parsed JSON payload.

        Raises :class:`WebhookVerificationError` for missing headers, a bad or stale
        timestamp, no matching signature, a replayed id, or a body that is not JSON.
        The id is remembered at once, or with ``pending=True`` held until :meth:`settle`
        (meanwhile the same id is refused too).
        """
        h = {k.lower(): v for k, v in headers.items()}
        msg_id, ts_raw, sig_header = (
            h.get("webhook-id"),
            h.get("webhook-timestamp"),
            h.get("webhook-signature"),
        )
        if not msg_id or not ts_raw or not sig_header:
            raise WebhookVerificationError(
                "missing webhook-id, webhook-timestamp or webhook-signature header"
            )
        try:
            ts = int(ts_raw)
        except ValueError:
            raise WebhookVerificationError("webhook-timestamp is not unix seconds") from None
        current = time.time() if now is None else now
        if ts < current - self.tolerance:
            raise WebhookVerificationError("webhook timestamp is too old")
        if ts > current + self.tolerance:
            raise WebhookVerificationError("webhook timestamp is in the future")
        content = f"{msg_id}.{ts}.".encode() + body
        expected = hmac.new(self._key, content, hashlib.sha256).digest()
        matched = False
        for candidate in sig_header.split():
            version, _, b64 = candidate.partition(",")
            if version != "v1":
                continue
            try:
                given = base64.b64decode(b64, validate=True)
            except (binascii.Error, ValueError):
                continue
            if hmac.compare_digest(given, expected):
                matched = True
        if not matched:
            raise WebhookVerificationError("no matching webhook signature")
        try:
            payload = json.loads(body)
        except ValueError:
            raise WebhookVerificationError("webhook body is not JSON") from None
        if not isinstance(payload, dict):
            raise WebhookVerificationError("webhook body is not a JSON object")
        with self._lock:
            if msg_id in self._seen or msg_id in self._pending:
                raise WebhookVerificationError(f"webhook {msg_id!r} was already received")
            if pending:
                self._pending.add(msg_id)
            else:
                self._remember_id(msg_id)
        return payload

    def _remember_id(self, msg_id: str) -> None:
        self._seen[msg_id] = None
        while len(self._seen) > self._remember:
            self._seen.popitem(last=False)

    def settle(self, msg_id: str, *, handled: bool) -> None:
        """End a ``pending`` id: remembered if ``handled``, else free to arrive again."""
        with self._lock:
            self._pending.discard(msg_id)
            if handled:
                self._remember_id(msg_id)


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
