"""HTTP routes of ``/v1/responses`` (protocol.md §1) over :class:`ResponseService`."""

from __future__ import annotations

import asyncio
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .errors import ApiError, bad_request
from .faults import Fault
from .guard import Limits, parse_json_body
from .idempotency import IdempotencyCache, body_digest
from .paging import paginate, query_int, query_order
from .runs import Run
from .service import ResponseService
from .sse import SSEResponse

__all__ = ["origin_of", "read_json", "response_routes", "service_of"]


def service_of(request: Request) -> ResponseService:
    """The app's response service."""
    service: ResponseService = request.app.state.service
    return service


def origin_of(request: Request) -> str:
    """``scheme://host:port`` of this server as the client reached it."""
    return str(request.base_url).rstrip("/")


def _fault(request: Request) -> Fault | None:
    fault: Fault | None = getattr(request.state, "fault", None)
    return fault


async def read_json(request: Request) -> Any:
    """The JSON body (400 if it is not JSON); parsed and checked once by the guard."""
    state = request.scope.get("state") or {}
    if "respnb_json" in state:
        return state["respnb_json"]
    return parse_json_body(await request.body(), Limits().max_depth)


def _view(request: Request, resp: dict[str, Any]) -> JSONResponse:
    return JSONResponse(service_of(request).dialect.view(resp, origin_of(request)))


def _stream_run(request: Request, run: Run, after: int | None, *, owns_run: bool) -> SSEResponse:
    service = service_of(request)
    fault = _fault(request)

    def on_disconnect() -> None:
        if owns_run and not run.background:
            run.cancel()  # closing a foreground stream stops its generation

    return SSEResponse(
        service.events(run.id, after),
        drop_after=fault.drop_after if fault is not None else None,
        on_disconnect=on_disconnect,
    )


async def create(request: Request) -> Response:
    service = service_of(request)
    body = await read_json(request)
    key = request.headers.get("idempotency-key")
    cache: IdempotencyCache = request.app.state.idempotency
    digest = body_digest(body) if key else ""
    if key:
        seen = cache.lookup(key)
        if seen is not None:
            if seen[0] != digest:
                raise ApiError(
                    409,
                    "This Idempotency-Key was already used with a different request body; "
                    "send a new key for a new request.",
                    code="idempotency_key_reused",
                )
            return await _replay_create(request, seen[1], body)
    run = await service.create(body, origin=origin_of(request), fault=_fault(request))
    if key and body.get("store", True) is not False:
        cache.record(key, digest, run.id)
    if body.get("stream"):
        return _stream_run(request, run, None, owns_run=True)  # type: ignore[return-value]
    if not run.background:
        await run.wait()
    return _view(request, run.snapshot())


async def _replay_create(request: Request, rid: str, body: dict[str, Any]) -> Response:
    """A retried create whose first attempt went through: answer with that response."""
    service = service_of(request)
    if body.get("stream"):
        return SSEResponse(service.events(rid, None))  # type: ignore[return-value]
    resp = await service.get(rid)
    while not body.get("background") and resp.get("status") in ("queued", "in_progress"):
        await asyncio.sleep(0.02)  # the first attempt's foreground run is still going
        resp = await service.get(rid)
    return _view(request, resp)


def _starting_after(request: Request) -> int | None:
    raw = request.query_params.get("starting_after")
    if raw is None or raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bad_request(
            f"Invalid 'starting_after': expected an integer, got '{raw}'.", "starting_after"
        ) from None


async def retrieve(request: Request) -> Response:
    service = service_of(request)
    rid = request.path_params["response_id"]
    resp = await service.get(rid)
    stream = request.query_params.get("stream", "").lower() in ("true", "1")
    after = _starting_after(request)
    if not stream:
        return _view(request, resp)
    service.check_streamable(resp)
    fault = _fault(request)
    return SSEResponse(  # type: ignore[return-value]
        service.events(rid, after), drop_after=fault.drop_after if fault is not None else None
    )


async def delete(request: Request) -> Response:
    return JSONResponse(await service_of(request).delete(request.path_params["response_id"]))


async def cancel(request: Request) -> Response:
    resp = await service_of(request).cancel(request.path_params["response_id"])
    return _view(request, resp)


async def input_items(request: Request) -> Response:
    items = await service_of(request).input_items(request.path_params["response_id"])
    page = paginate(
        items,
        after=request.query_params.get("after"),
        limit=query_int(request, "limit", 20, 1, 100),
        order=query_order(request),
    )
    return JSONResponse(page)


async def input_tokens(request: Request) -> Response:
    body = await read_json(request)
    count = await service_of(request).input_tokens(body)
    return JSONResponse({"object": "response.input_tokens", "input_tokens": count})


async def health(request: Request) -> Response:
    service = service_of(request)
    return JSONResponse(
        {"status": "ok", "dialect": service.dialect.name, "live_runs": len(service.runs)}
    )


def response_routes(prefix: str = "/v1") -> list[BaseRoute]:
    """The routes of this module under ``prefix``."""
    p = prefix
    return [
        Route(f"{p}/health", health, methods=["GET"]),
        Route(f"{p}/responses", create, methods=["POST"]),
        Route(f"{p}/responses/input_tokens", input_tokens, methods=["POST"]),
        Route(f"{p}/responses/{{response_id}}", retrieve, methods=["GET"]),
        Route(f"{p}/responses/{{response_id}}", delete, methods=["DELETE"]),
        Route(f"{p}/responses/{{response_id}}/cancel", cancel, methods=["POST"]),
        Route(f"{p}/responses/{{response_id}}/input_items", input_items, methods=["GET"]),
    ]
