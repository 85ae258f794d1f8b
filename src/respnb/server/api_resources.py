"""HTTP routes of conversations, files, Manus tasks and the presigned upload endpoint."""

from __future__ import annotations

import html
import json
from typing import Any

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from .api_responses import origin_of, read_json, service_of
from .conversations import check_items
from .dialects import PRIVATE
from .engine import manus_file_content
from .errors import ApiError, bad_request, not_found
from .paging import paginate, query_int, query_order
from .strict import check_known, check_task_update

__all__ = ["resource_routes", "upload_routes"]

_PURPOSES = ("assistants", "batch", "fine-tune", "vision", "user_data", "evals")
_MANUS_STATUSES = {
    "running": ("queued", "in_progress"),
    "pending": ("requires_input",),
    "completed": ("completed",),
    "error": ("failed", "cancelled", "incomplete"),
}


_OPENAI_STATUSES = ("queued", "in_progress", "completed", "failed", "cancelled", "incomplete")


def _metadata(body: dict[str, Any]) -> dict[str, Any]:
    meta = body.get("metadata") or {}
    if not isinstance(meta, dict):
        raise bad_request("Invalid 'metadata': expected an object.", "metadata")
    return meta


# ---------------------------------------------------------------- conversations
async def conv_create(request: Request) -> Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    if service_of(request).strict:
        check_known(body, "conversation.create")
    conv = await service_of(request).conversations.create(
        _metadata(body), check_items(body.get("items"))
    )
    return JSONResponse(conv)


async def conv_get(request: Request) -> Response:
    return JSONResponse(await service_of(request).conversations.get(request.path_params["cid"]))


async def conv_update(request: Request) -> Response:
    body = await read_json(request)
    if not isinstance(body, dict) or "metadata" not in body:
        raise bad_request("Missing required parameter: 'metadata'.", "metadata")
    if service_of(request).strict:
        check_known(body, "conversation.update")
    conv = await service_of(request).conversations.update(
        request.path_params["cid"], _metadata(body)
    )
    return JSONResponse(conv)


async def conv_delete(request: Request) -> Response:
    return JSONResponse(await service_of(request).conversations.delete(request.path_params["cid"]))


async def items_create(request: Request) -> Response:
    convs = service_of(request).conversations
    cid = request.path_params["cid"]
    await convs.get(cid)
    body = await read_json(request)
    if not isinstance(body, dict) or "items" not in body:
        raise bad_request("Missing required parameter: 'items'.", "items")
    added = await convs.append(cid, check_items(body["items"]))
    return JSONResponse(paginate(added, after=None, limit=len(added) or 1, order="asc"))


async def items_list(request: Request) -> Response:
    convs = service_of(request).conversations
    cid = request.path_params["cid"]
    await convs.get(cid)
    page = paginate(
        await convs.items(cid),
        after=request.query_params.get("after"),
        limit=query_int(request, "limit", 20, 1, 100),
        order=query_order(request),
    )
    return JSONResponse(page)


async def item_get(request: Request) -> Response:
    convs = service_of(request).conversations
    p = request.path_params
    return JSONResponse(await convs.get_item(p["cid"], p["item_id"]))


async def item_delete(request: Request) -> Response:
    convs = service_of(request).conversations
    p = request.path_params
    return JSONResponse(await convs.delete_item(p["cid"], p["item_id"]))


# ---------------------------------------------------------------- files
async def file_create(request: Request) -> Response:
    files = service_of(request).files
    ctype = request.headers.get("content-type", "")
    if ctype.startswith("application/json"):
        if service_of(request).dialect.name != "manus":
            raise bad_request(
                "Upload the file as multipart/form-data with fields 'file' and 'purpose' "
                "(the JSON two-step upload is Manus's; start the server with --dialect manus).",
                "file",
            )
        body = await read_json(request)
        name = body.get("filename") if isinstance(body, dict) else None
        if not isinstance(name, str) or not name:
            raise bad_request("Missing required parameter: 'filename'.", "filename")
        return JSONResponse(await files.create_presigned(name, origin_of(request)))
    if not ctype.startswith("multipart/form-data"):
        raise bad_request(
            "Send the file as multipart/form-data with fields 'file' and 'purpose'.", "file"
        )
    async with request.form(max_part_size=64 * 1024 * 1024) as form:
        upload = form.get("file")
        purpose = form.get("purpose")
        if not isinstance(upload, UploadFile):
            raise bad_request("Missing required parameter: 'file'.", "file")
        if not isinstance(purpose, str) or not purpose:
            raise bad_request("Missing required parameter: 'purpose'.", "purpose")
        if purpose not in _PURPOSES:
            raise bad_request(
                f"Invalid value for 'purpose': '{purpose}'. Supported values are "
                f"{', '.join(repr(p) for p in _PURPOSES)}.",
                "purpose",
            )
        content = await upload.read()
        record = await files.create(upload.filename or "upload", purpose, content)
    return JSONResponse(record)


async def file_list(request: Request) -> Response:
    page = await service_of(request).files.list_page(
        after=request.query_params.get("after"),
        limit=query_int(request, "limit", 10000, 1, 10000),
        order=query_order(request),
        purpose=request.query_params.get("purpose"),
    )
    return JSONResponse(page)


async def file_get(request: Request) -> Response:
    return JSONResponse(await service_of(request).files.get(request.path_params["fid"]))


async def file_delete(request: Request) -> Response:
    service = service_of(request)
    soft = service.dialect.name == "manus"
    return JSONResponse(await service.files.delete(request.path_params["fid"], soft=soft))


async def file_content(request: Request) -> Response:
    data = await service_of(request).files.content(request.path_params["fid"])
    return Response(data, media_type="application/octet-stream")


async def upload(request: Request) -> Response:
    """Manus step two: the presigned URL. It never needs (nor checks) the API key."""
    content = await request.body()
    await service_of(request).files.upload(request.path_params["token"], content)
    return Response(b"", status_code=200)


async def manus_file(request: Request) -> Response:
    """Manus: the content behind an ``output_file`` part's ``fileUrl``."""
    service = service_of(request)
    rid, name = request.path_params["rid"], request.path_params["name"]
    resp = await service.get(rid)
    data = manus_file_content(list(resp.get("output") or []), name)
    if data is None:
        raise not_found("file", f"{rid}/{name}")
    return Response(data, media_type="text/markdown" if name.endswith(".md") else None)


async def task_page(request: Request) -> Response:
    """Manus ``task_url`` / ``share_url``: a small HTML page of the task (escaped text).

    ``/share/{id}`` answers only once the task is shared (``create_shareable_link`` or
    ``PUT /v1/tasks/{id} {enable_shared: true}``); it needs no key, being public.
    """
    service = service_of(request)
    rid = request.path_params["rid"]
    resp = await service.get(rid)
    private = resp.get(PRIVATE) or {}
    if request.url.path.startswith("/share/") and not private.get("shared"):
        raise not_found("shared task", rid)
    view = service.dialect.view(resp, origin_of(request))
    rows = []
    for item in view.get("output") or []:
        for part in item.get("content") or [] if isinstance(item.get("content"), list) else []:
            text = part.get("text") if isinstance(part, dict) else None
            if text:
                role = html.escape(str(item.get("role", "")))
                rows.append(f"<section><h3>{role}</h3><pre>{html.escape(text)}</pre></section>")
    title = html.escape(str(private.get("title") or rid))
    body = (
        f"<!doctype html><meta charset=utf-8><title>{title}</title><h1>{title}</h1>"
        f"<p>status: <b>{html.escape(str(view.get('status')))}</b></p>{''.join(rows)}"
    )
    return HTMLResponse(body)


# ---------------------------------------------------------------- Manus tasks
def _manus_only(request: Request) -> None:
    if service_of(request).dialect.name != "manus":
        raise ApiError(
            404,
            "The /v1/tasks API is a Manus extension; start the server with --dialect manus.",
            code="not_found",
        )


def _unix(request: Request, name: str) -> float | None:
    raw = request.query_params.get(name)
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise bad_request(f"Invalid '{name}': expected a unix timestamp.", name) from None


async def tasks_list(request: Request) -> Response:
    # every dialect lists its tasks (a client follows many with one page); update is Manus's
    service = service_of(request)
    q = request.query_params
    order_by = q.get("order_by") or "created_at"
    if order_by not in ("created_at", "updated_at"):
        raise bad_request("Invalid 'order_by': expected 'created_at' or 'updated_at'.", "order_by")
    statuses = q.getlist("status") + q.getlist("status[]")
    wanted: set[str] = set()
    for s in statuses:
        if s in _OPENAI_STATUSES:
            wanted.add(s)
            continue
        if s not in _MANUS_STATUSES:
            raise bad_request(
                f"Invalid 'status': '{s}'; expected one of {', '.join(_MANUS_STATUSES)}.", "status"
            )
        wanted.update(_MANUS_STATUSES[s])
    after_ts, before_ts = _unix(request, "created_after"), _unix(request, "created_before")
    query = (q.get("query") or "").lower()
    limit = query_int(request, "limit", 100, 1, 1000)
    order = query_order(request)
    await service.store.flush()
    rows = await service.store.fetchall(
        "SELECT id, created_at, updated_at, search, data FROM responses WHERE hidden = 0"
    )
    tasks: list[tuple[float, str, dict[str, Any]]] = []
    for rid, created, updated, search, data in rows:
        run = service.runs.get(rid)
        resp = run.resp if run is not None else json.loads(data)
        private = resp.get(PRIVATE) or {}
        if private.get("hidden"):
            continue
        if wanted and resp.get("status") not in wanted:
            continue
        if after_ts is not None and created <= after_ts:
            continue
        if before_ts is not None and created >= before_ts:
            continue
        if query and query not in f"{search} {private.get('title', '')}".lower():
            continue
        tasks.append((created if order_by == "created_at" else updated, rid, resp))
    tasks.sort(key=lambda t: (t[0], t[1]))
    origin = origin_of(request)
    views = [service.dialect.view(t[2], origin) for t in tasks]
    page = paginate(views, after=q.get("after"), limit=limit, order=order, object_list=False)
    return JSONResponse(page)


async def task_update(request: Request) -> Response:
    _manus_only(request)
    service = service_of(request)
    rid = request.path_params["tid"]
    body = await read_json(request)
    if not isinstance(body, dict):
        raise bad_request("The request body must be a JSON object.")
    if service.strict:
        check_task_update(body)
    resp = await service.load(rid)
    if resp is None:
        raise not_found("task", rid)
    private = resp.setdefault(PRIVATE, {})
    if "title" in body:
        if not isinstance(body["title"], str):
            raise bad_request("Invalid type for 'title': expected a string.", "title")
        private["title"] = body["title"]
    for key, field, invert in (
        ("enable_shared", "shared", False),
        ("enable_visible_in_task_list", "hidden", True),
    ):
        if key in body:
            if not isinstance(body[key], bool):
                raise bad_request(f"Invalid type for '{key}': expected a boolean.", key)
            private[field] = (not body[key]) if invert else body[key]
    run = service.runs.get(rid)
    service.persist_nowait(resp, run.last_seq if run is not None else await _last_seq(request))
    await service.store.flush()
    return JSONResponse(service.dialect.view(resp, origin_of(request)))


async def _last_seq(request: Request) -> int:
    row = await service_of(request).store.fetchone(
        "SELECT last_seq FROM responses WHERE id = ?", (request.path_params["tid"],)
    )
    return int(row[0]) if row else -1


def resource_routes(prefix: str = "/v1") -> list[BaseRoute]:
    """Conversation, file and task routes under ``prefix``."""
    p = prefix
    return [
        Route(f"{p}/conversations", conv_create, methods=["POST"]),
        Route(f"{p}/conversations/{{cid}}", conv_get, methods=["GET"]),
        Route(f"{p}/conversations/{{cid}}", conv_update, methods=["POST"]),
        Route(f"{p}/conversations/{{cid}}", conv_delete, methods=["DELETE"]),
        Route(f"{p}/conversations/{{cid}}/items", items_create, methods=["POST"]),
        Route(f"{p}/conversations/{{cid}}/items", items_list, methods=["GET"]),
        Route(f"{p}/conversations/{{cid}}/items/{{item_id}}", item_get, methods=["GET"]),
        Route(f"{p}/conversations/{{cid}}/items/{{item_id}}", item_delete, methods=["DELETE"]),
        Route(f"{p}/files", file_create, methods=["POST"]),
        Route(f"{p}/files", file_list, methods=["GET"]),
        Route(f"{p}/files/{{fid}}", file_get, methods=["GET"]),
        Route(f"{p}/files/{{fid}}", file_delete, methods=["DELETE"]),
        Route(f"{p}/files/{{fid}}/content", file_content, methods=["GET"]),
        Route(f"{p}/manus_files/{{rid}}/{{name}}", manus_file, methods=["GET"]),
        Route(f"{p}/tasks", tasks_list, methods=["GET"]),
        Route(f"{p}/tasks/{{tid}}", task_update, methods=["PUT"]),
    ]


def upload_routes() -> list[BaseRoute]:
    """The presigned upload endpoint and the Manus task pages (outside ``/v1``)."""
    return [
        Route("/upload/{token}", upload, methods=["PUT"]),
        Route("/app/{rid}", task_page, methods=["GET"]),
        Route("/share/{rid}", task_page, methods=["GET"]),
    ]
