"""The Starlette application of ``respnb serve``.

:func:`create_app` wires the store, the response service and the routes, and wraps them in a
gate that, for every HTTP request: assigns an ``x-request-id`` (sent on every response),
checks the API key the dialect's way (not on ``/v1/health``, the presigned ``/upload/``
endpoint nor the public ``/share/`` pages), parses the ``x-respnb-fault`` header when faults
are enabled, waits the injected first-byte delay and answers injected HTTP errors. Every error
is the OpenAI envelope.

In the manus dialect the routes are also served without the ``/v1`` prefix, since Manus's
documented base URL (``https://api.manus.im``) has none.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path

from starlette.applications import Starlette
from starlette.datastructures import Headers, MutableHeaders
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .api_batches import batch_routes
from .api_resources import resource_routes, upload_routes
from .api_responses import response_routes
from .api_vector_stores import vector_store_routes
from .batches import BatchService
from .conversations import Conversations
from .dialects import Dialect
from .errors import ApiError, error_body
from .faults import FaultInjector
from .files import Files
from .guard import Guard, Limits, limits_for
from .idempotency import IdempotencyCache
from .runs import MAX_PACED_SECONDS
from .service import ResponseService
from .store import Store
from .upstream import UpstreamConfig
from .vector_stores import VectorStores
from .webhooks import WebhookSender

__all__ = ["ServerConfig", "create_app"]

log = logging.getLogger("respnb.server")
_OPEN_PATHS = ("/v1/health", "/health")


@dataclass
class ServerConfig:
    """Settings of one server (the ``respnb serve`` flags). The key never shows in its repr."""

    db_path: Path
    dialect: str = "openai"
    api_key: str | None = field(default=None, repr=False)
    faults: bool = False
    pace: float | None = None
    pace_limit: float = MAX_PACED_SECONDS
    """Longest a run's pacing may last, in seconds (faster deltas beyond it)."""
    webhook_url: str | None = None
    """Loopback URL that gets a signed event when a background response ends."""
    webhook_secret: str | None = field(default=None, repr=False)
    """``whsec_<base64>`` signing secret of the webhooks (required with ``webhook_url``)."""
    host: str = "127.0.0.1"
    """The bound address: the ``Host`` header may name it (besides the loopback names)."""
    limits: Limits | None = None
    """Hosts and body limits of the request guard (default: :func:`limits_for` ``host``)."""
    lenient: bool = False
    """Accept unknown parameters, tool types and enum values (no strict checks)."""
    upstream: UpstreamConfig | None = None
    """A Chat Completions endpoint that writes the answers instead of the demo engine."""


class _Gate:
    """Request id, auth, fault injection; answers ApiErrors raised here with the envelope."""

    def __init__(
        self, app: ASGIApp, config: ServerConfig, dialect: Dialect, injector: FaultInjector
    ) -> None:
        self.app = app
        self.config = config
        self.dialect = dialect
        self.injector = injector

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = "req_" + secrets.token_hex(16)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers["x-request-id"] = request_id
                fault = scope.get("state", {}).get("fault")
                if fault is not None:
                    headers.update(fault.ratelimit_headers())
            await send(message)

        headers = Headers(scope=scope)
        path: str = scope["path"]
        try:
            if path not in _OPEN_PATHS and not path.startswith(("/upload/", "/share/")):
                self.dialect.check_auth(headers, self.config.api_key)
            fault = self.injector.fault_for(headers)
            scope.setdefault("state", {})["fault"] = fault
            if fault is not None:
                if fault.first_byte_delay > 0:
                    await asyncio.sleep(fault.first_byte_delay)
                error = self.injector.http_error(fault, headers)
                if error is not None:
                    raise error
        except ApiError as exc:
            await exc.response()(scope, receive, send_with_id)
            return
        await self.app(scope, receive, send_with_id)


async def _api_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ApiError)
    return exc.response()


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if exc.status_code == 404:
        message = f"Unknown endpoint: {request.method} {request.url.path}."
    elif exc.status_code == 405:
        message = f"Method {request.method} is not allowed on {request.url.path}."
    else:
        message = str(exc.detail)
    return JSONResponse(
        error_body(message, type="invalid_request_error"), status_code=exc.status_code
    )


async def _server_error(request: Request, exc: Exception) -> Response:
    log.exception("unhandled error in %s %s", request.method, request.url.path)
    return JSONResponse(
        error_body(f"The local server failed: {type(exc).__name__}: {exc}", type="server_error"),
        status_code=500,
    )


def create_app(config: ServerConfig) -> ASGIApp:
    """The ASGI app for ``config`` (store opened and recovered in its lifespan).

    Raises ValueError for a webhook URL off this machine or a malformed webhook secret."""
    dialect = Dialect(config.dialect)
    webhooks = None
    if config.webhook_url:
        webhooks = WebhookSender(config.webhook_url, config.webhook_secret or "")
    elif config.webhook_secret:
        raise ValueError("--webhook-secret needs --webhook-url (where to send the events).")
    store = Store(config.db_path)
    files = Files(store, config.dialect)
    service = ResponseService(
        store,
        dialect,
        files,
        Conversations(store),
        config.pace,
        vector_stores=VectorStores(store, files),
        webhooks=webhooks,
        pace_limit=config.pace_limit,
        strict=not config.lenient,
        upstream=config.upstream,
    )

    batches = BatchService(store, files, service)

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await store.start()
        failed = await store.recover()
        if failed:
            log.warning("marked %d interrupted response(s) as failed", len(failed))
        try:
            yield
        finally:
            await batches.shutdown()
            await service.shutdown()
            if webhooks is not None:
                await webhooks.aclose()
            await store.close()

    routes = [
        *response_routes("/v1"),
        *resource_routes("/v1"),
        *vector_store_routes("/v1"),
        *batch_routes("/v1"),
        *upload_routes(),
    ]
    if dialect.name == "manus":
        routes += [*response_routes(""), *resource_routes("")]
    app = Starlette(
        routes=routes,
        lifespan=lifespan,
        exception_handlers={
            ApiError: _api_error,
            HTTPException: _http_error,
            Exception: _server_error,
        },
    )
    app.state.service = service
    app.state.batches = batches
    app.state.config = config
    app.state.idempotency = IdempotencyCache()
    guarded = Guard(app, config.limits or limits_for(config.host))
    return _Gate(guarded, config, dialect, FaultInjector(config.faults))
