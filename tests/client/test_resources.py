"""Conversations, files (multipart and Manus presigned) and Manus tasks."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx
import pytest

import respnb
from respnb.types import Message

from .support import BASE, SECRET, response_json


def _conv(cid: str = "conv_1", **meta: str) -> dict:
    return {"id": cid, "object": "conversation", "created_at": 1, "metadata": meta}


async def test_conversations_crud(make_client, recorder):
    client = make_client()
    recorder.queue += [
        httpx.Response(200, json=_conv(topic="a")),
        httpx.Response(200, json=_conv()),
        httpx.Response(200, json=_conv(topic="b")),
        httpx.Response(
            200, json={"id": "conv_1", "object": "conversation.deleted", "deleted": True}
        ),
    ]
    c = await client.conversations.create(
        items=[{"role": "user", "content": "hi"}], metadata={"topic": "a"}
    )
    assert (recorder.last.method, recorder.last.url.path) == ("POST", "/v1/conversations")
    assert recorder.json_body() == {
        "items": [{"role": "user", "content": "hi"}],
        "metadata": {"topic": "a"},
    }
    assert c.id == "conv_1" and c.metadata == {"topic": "a"}
    await client.conversations.retrieve("conv_1")
    assert (recorder.last.method, recorder.last.url.path) == ("GET", "/v1/conversations/conv_1")
    u = await client.conversations.update("conv_1", metadata={"topic": "b"})
    assert recorder.last.method == "POST" and recorder.json_body() == {"metadata": {"topic": "b"}}
    assert u.metadata == {"topic": "b"}
    d = await client.conversations.delete("conv_1")
    assert recorder.last.method == "DELETE" and d.deleted
    with pytest.raises(ValueError, match="20"):
        await client.conversations.create(items=[{"role": "user", "content": "x"}] * 21)


async def test_conversation_items(make_client, recorder):
    client = make_client()
    item = {"type": "message", "id": "msg_1", "role": "user", "content": "hi"}
    recorder.queue += [
        httpx.Response(
            200, json={"object": "list", "data": [item], "last_id": "msg_1", "has_more": True}
        ),
        httpx.Response(
            200, json={"object": "list", "data": [item | {"id": "msg_2"}], "has_more": False}
        ),
        httpx.Response(200, json={"object": "list", "data": [item]}),
        httpx.Response(200, json=item),
        httpx.Response(200, json=_conv()),
    ]
    items = [i async for i in client.conversations.items.list("conv_1", limit=1)]
    assert [i.id for i in items] == ["msg_1", "msg_2"]
    assert recorder.requests[1].url.params.get("after") == "msg_1"
    page = await client.conversations.items.create("conv_1", items=[item], include=["x.y"])
    assert recorder.last.url.params.get_list("include[]") == ["x.y"]
    assert recorder.json_body() == {"items": [item]}
    assert isinstance(page.data[0], Message)
    got = await client.conversations.items.retrieve("conv_1", "msg_1")
    assert recorder.last.url.path == "/v1/conversations/conv_1/items/msg_1"
    assert isinstance(got, Message)
    conv = await client.conversations.items.delete("conv_1", "msg_1")
    assert recorder.last.method == "DELETE" and conv.id == "conv_1"


def _file(fid: str = "file-1", **kw: object) -> dict:
    return {
        "id": fid,
        "object": "file",
        "bytes": 3,
        "created_at": 1,
        "filename": "a.txt",
        "purpose": "user_data",
        "status": "processed",
        **kw,
    }


@pytest.mark.parametrize("kind", ["path", "bytes", "tuple"])
async def test_files_multipart_upload(make_client, recorder, tmp_path, kind):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=_file()))
    path = tmp_path / "notes.txt"
    path.write_bytes(b"abc")
    arg = {"path": path, "bytes": b"abc", "tuple": ("notes.txt", b"abc")}[kind]
    f = await client.files.create(file=arg, purpose="assistants")
    req = recorder.last
    assert req.url.path == "/v1/files"
    assert req.headers["content-type"].startswith("multipart/form-data; boundary=")
    body = recorder.bodies[-1]
    assert b'name="purpose"\r\n\r\nassistants' in body
    expected_name = b"upload" if kind == "bytes" else b"notes.txt"
    assert b'name="file"; filename="' + expected_name + b'"' in body
    assert b"\r\n\r\nabc\r\n" in body
    assert f.id == "file-1"


async def test_files_list_retrieve_delete_content(make_client, recorder):
    client = make_client()
    recorder.queue += [
        httpx.Response(
            200, json={"object": "list", "data": [_file()], "has_more": True, "last_id": "file-1"}
        ),
        httpx.Response(200, json={"object": "list", "data": [_file("file-2")], "has_more": False}),
        httpx.Response(200, json=_file()),
        httpx.Response(200, json={"id": "file-1", "object": "file", "deleted": True}),
        httpx.Response(200, content=b"\x00raw bytes"),
    ]
    files = [f async for f in client.files.list(purpose="user_data", limit=1)]
    assert [f.id for f in files] == ["file-1", "file-2"]
    assert recorder.requests[0].url.params.get("purpose") == "user_data"
    assert recorder.requests[1].url.params.get("after") == "file-1"
    assert (await client.files.retrieve("file-1")).filename == "a.txt"
    assert (await client.files.delete("file-1")).deleted
    assert await client.files.content("file-1") == b"\x00raw bytes"
    assert recorder.last.url.path == "/v1/files/file-1/content"


async def test_manus_presigned_upload_sends_no_key_to_upload_url(monkeypatch):
    seen: list[httpx.Request] = []
    upload_url = "https://s3.example/bucket/obj?X-Amz-Signature=abc"

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        if request.method == "POST":
            return httpx.Response(
                200,
                json={
                    "id": "file-9",
                    "object": "file",
                    "filename": "r.pdf",
                    "status": "pending",
                    "upload_url": upload_url,
                    "upload_expires_at": "2026-01-01T00:03:00Z",
                    "created_at": "2026-01-01T00:00:00Z",
                },
            )
        return httpx.Response(200)

    client = respnb.AsyncClient(
        "manus",
        api_key=SECRET,
        transport=httpx.MockTransport(handler),
        default_headers={"X-Team": "t"},
    )
    rec = await client.files.upload_presigned(b"%PDF-1", filename="r.pdf")
    post, put = seen
    assert post.url.path == "/v1/files" and json.loads(post.content) == {"filename": "r.pdf"}
    assert post.headers["API_KEY"] == SECRET
    assert put.method == "PUT" and str(put.url) == upload_url and put.content == b"%PDF-1"
    for name, value in put.headers.items():
        assert SECRET not in value, name
    assert "api_key" not in put.headers and "authorization" not in put.headers
    assert "x-team" not in put.headers
    assert rec.id == "file-9" and rec.upload_url == upload_url


async def test_presigned_upload_failure_is_typed(monkeypatch):
    def handler(request: httpx.Request) -> httpx.Response:
        if request.method == "POST":
            return httpx.Response(200, json={"id": "f", "upload_url": "https://s3.example/x"})
        return httpx.Response(403, text="SignatureDoesNotMatch")

    client = respnb.AsyncClient("manus", api_key=SECRET, transport=httpx.MockTransport(handler))
    with pytest.raises(respnb.PermissionDeniedError, match="SignatureDoesNotMatch"):
        await client.files.upload_presigned(b"x", filename="x.bin")


async def test_presigned_needs_capability(make_client):
    client = make_client()
    with pytest.raises(respnb.UnsupportedFeatureError, match="presigned_files"):
        await client.files.upload_presigned(b"x")


def _manus(recorder):
    return respnb.AsyncClient("manus", api_key=SECRET, transport=recorder.transport, base_url=BASE)


async def test_tasks_list_filters_and_pagination(recorder):
    client = _manus(recorder)
    recorder.queue += [
        httpx.Response(
            200,
            json={
                "data": [response_json("t1", "running")],
                "first_id": "t1",
                "last_id": "t1",
                "has_more": True,
            },
        ),
        httpx.Response(
            200,
            json={
                "data": [response_json("t2", "pending")],
                "first_id": "t2",
                "last_id": "t2",
                "has_more": False,
            },
        ),
    ]
    after = datetime(2026, 1, 1, tzinfo=UTC)
    tasks = [
        t
        async for t in client.tasks.list(
            limit=1,
            order="desc",
            order_by="updated_at",
            query="sky",
            status=["completed", "running"],
            created_after=after,
            created_before=1767225700,
        )
    ]
    assert [t.id for t in tasks] == ["t1", "t2"]
    assert [t.normalized_status for t in tasks] == ["in_progress", "requires_input"]
    q = recorder.requests[0].url
    assert q.path == "/v1/tasks"
    assert b"status=completed&status=running" in q.query
    p = q.params
    assert (p["limit"], p["order"], p["order_by"], p["query"]) == ("1", "desc", "updated_at", "sky")
    assert p["created_after"] == str(int(after.timestamp()))
    assert p["created_before"] == "1767225700"
    assert "after" not in p
    assert recorder.requests[1].url.params["after"] == "t1"
    assert recorder.requests[0].headers["API_KEY"] == SECRET


async def test_tasks_validation(recorder):
    client = _manus(recorder)
    for bad in ({"limit": 0}, {"limit": 1001}, {"order": "up"}, {"order_by": "title"}):
        with pytest.raises(ValueError, match=next(iter(bad))):
            client.tasks.list(**bad)
    assert recorder.requests == []
    with pytest.raises(respnb.UnsupportedFeatureError):
        respnb.AsyncClient("openai", api_key=SECRET).tasks.list()


async def test_tasks_page_update_delete(recorder):
    client = _manus(recorder)
    recorder.queue += [
        httpx.Response(200, json={"data": [], "has_more": False}),
        httpx.Response(
            200, json={"id": "t1", "status": "completed", "metadata": {"task_title": "New"}}
        ),
        httpx.Response(200, json={"id": "t1", "object": "response", "deleted": True}),
    ]
    page = await client.tasks.page(status="completed", limit=1000)
    assert page.data == [] and recorder.last.url.params.get_list("status") == ["completed"]
    r = await client.tasks.update(
        "t1", title="New", enable_shared=True, enable_visible_in_task_list=False
    )
    assert (recorder.last.method, recorder.last.url.path) == ("PUT", "/v1/tasks/t1")
    assert recorder.json_body() == {
        "title": "New",
        "enable_shared": True,
        "enable_visible_in_task_list": False,
    }
    assert r.id == "t1"
    d = await client.tasks.delete("t1")
    assert (recorder.last.method, recorder.last.url.path) == ("DELETE", "/v1/responses/t1")
    assert d.deleted
