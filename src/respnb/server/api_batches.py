"""HTTP routes of ``/v1/batches`` over :class:`~respnb.server.batches.BatchService`."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .api_responses import origin_of, read_json
from .batches import BatchService
from .paging import paginate, query_int

__all__ = ["batch_routes"]


def _service(request: Request) -> BatchService:
    service: BatchService = request.app.state.batches
    return service


async def create(request: Request) -> Response:
    body = await read_json(request)
    return JSONResponse(await _service(request).create(body, origin_of(request)))


async def retrieve(request: Request) -> Response:
    return JSONResponse(await _service(request).get(request.path_params["batch_id"]))


async def cancel(request: Request) -> Response:
    return JSONResponse(await _service(request).cancel(request.path_params["batch_id"]))


async def list_batches(request: Request) -> Response:
    items = await _service(request).list()
    limit = query_int(request, "limit", 20, 1, 100)
    after = request.query_params.get("after")
    return JSONResponse(paginate(items, after=after, limit=limit, order="desc"))


def batch_routes(prefix: str = "/v1") -> list[BaseRoute]:
    """The routes of this module under ``prefix``."""
    p = prefix
    return [
        Route(f"{p}/batches", create, methods=["POST"]),
        Route(f"{p}/batches", list_batches, methods=["GET"]),
        Route(f"{p}/batches/{{batch_id}}", retrieve, methods=["GET"]),
        Route(f"{p}/batches/{{batch_id}}/cancel", cancel, methods=["POST"]),
    ]
