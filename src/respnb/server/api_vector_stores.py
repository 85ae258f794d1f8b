"""HTTP routes of OpenAI's vector stores (``/v1/vector_stores``) over :mod:`.vector_stores`."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .api_responses import read_json, service_of
from .errors import bad_request
from .paging import query_int, query_order
from .strict import check_known
from .vector_stores import VectorStores

__all__ = ["vector_store_routes"]


def _stores(request: Request) -> VectorStores:
    stores = service_of(request).vector_stores
    assert stores is not None, "the app wires a VectorStores into the service"
    return stores


async def _body(request: Request, kind: str) -> dict[str, Any]:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    if service_of(request).strict:
        check_known(body, kind)
    return body


def _cursor(request: Request) -> dict[str, Any]:
    q = request.query_params
    return {
        "after": q.get("after") or None,
        "before": q.get("before") or None,
        "limit": query_int(request, "limit", 20, 1, 100),
        "order": query_order(request),
    }


async def vs_create(request: Request) -> Response:
    return JSONResponse(await _stores(request).create(await _body(request, "vector_store.create")))


async def vs_list(request: Request) -> Response:
    return JSONResponse(await _stores(request).list_page(**_cursor(request)))


async def vs_get(request: Request) -> Response:
    return JSONResponse(await _stores(request).get(request.path_params["vsid"]))


async def vs_update(request: Request) -> Response:
    body = await _body(request, "vector_store.update")
    return JSONResponse(await _stores(request).update(request.path_params["vsid"], body))


async def vs_delete(request: Request) -> Response:
    return JSONResponse(await _stores(request).delete(request.path_params["vsid"]))


async def vs_search(request: Request) -> Response:
    body = await _body(request, "vector_store.search")
    return JSONResponse(await _stores(request).search(request.path_params["vsid"], body))


async def vsf_create(request: Request) -> Response:
    body = await _body(request, "vector_store.file.create")
    return JSONResponse(await _stores(request).add_file(request.path_params["vsid"], body))


async def vsf_list(request: Request) -> Response:
    stores = _stores(request)
    page = await stores.list_files(
        request.path_params["vsid"],
        status=request.query_params.get("filter") or None,
        **_cursor(request),
    )
    return JSONResponse(page)


async def vsf_get(request: Request) -> Response:
    p = request.path_params
    return JSONResponse(await _stores(request).get_file(p["vsid"], p["fid"]))


async def vsf_update(request: Request) -> Response:
    p = request.path_params
    body = await _body(request, "vector_store.file.update")
    return JSONResponse(await _stores(request).update_file(p["vsid"], p["fid"], body))


async def vsf_delete(request: Request) -> Response:
    p = request.path_params
    return JSONResponse(await _stores(request).delete_file(p["vsid"], p["fid"]))


async def vsf_content(request: Request) -> Response:
    p = request.path_params
    return JSONResponse(await _stores(request).file_content(p["vsid"], p["fid"]))


def vector_store_routes(prefix: str = "/v1") -> list[BaseRoute]:
    """Vector store and vector store file routes under ``prefix``."""
    vs = f"{prefix}/vector_stores"
    one = f"{vs}/{{vsid}}"
    file = f"{one}/files/{{fid}}"
    return [
        Route(vs, vs_create, methods=["POST"]),
        Route(vs, vs_list, methods=["GET"]),
        Route(one, vs_get, methods=["GET"]),
        Route(one, vs_update, methods=["POST"]),
        Route(one, vs_delete, methods=["DELETE"]),
        Route(f"{one}/search", vs_search, methods=["POST"]),
        Route(f"{one}/files", vsf_create, methods=["POST"]),
        Route(f"{one}/files", vsf_list, methods=["GET"]),
        Route(file, vsf_get, methods=["GET"]),
        Route(file, vsf_update, methods=["POST"]),
        Route(file, vsf_delete, methods=["DELETE"]),
        Route(f"{file}/content", vsf_content, methods=["GET"]),
    ]
