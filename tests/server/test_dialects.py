"""The manus and maniac dialects."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer, serve_in_thread
from respnb.types import Response
from tests.waiting import wait_until

from .conftest import SECRET, check_event

# ---------------------------------------------------------------- manus


@pytest.fixture(scope="module")
def manus(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("manus") / "server.sqlite3"
    with serve_in_thread(db_path=db, dialect="manus", api_key=SECRET) as srv:
        yield srv


@pytest.fixture
def mh(manus: RunningServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=manus.base_url, headers={"API_KEY": SECRET}, timeout=30) as c:
        yield c


def _task(mh: httpx.Client, text: str, **extra: Any) -> dict[str, Any]:
    body = {
        "input": [{"role": "user", "content": [{"type": "input_text", "text": text}]}],
        "task_mode": "agent",
        "agent_profile": "quality",
        **extra,
    }
    r = mh.post("/responses", json=body)
    assert r.status_code == 200, r.text
    return dict(r.json())


def _settle(mh: httpx.Client, rid: str) -> dict[str, Any]:
    data = wait_until(
        lambda: mh.get(f"/responses/{rid}").json(),
        what=f"Manus task {rid} settled",
        accept=lambda d: d["status"] != "running",
    )
    return dict(data)


def test_manus_auth_header(manus: RunningServer) -> None:
    with httpx.Client(base_url=manus.base_url) as h:
        bearer = h.post(
            "/responses",
            json={"model": "respnb-demo", "input": "hi"},
            headers={"authorization": f"Bearer {SECRET}"},
        )
        assert bearer.status_code == 401  # Manus reads API_KEY, the bearer is a placeholder
        assert "API_KEY" in bearer.json()["error"]["message"]
    sdk = OpenAI(
        base_url=manus.origin, api_key="**", default_headers={"API_KEY": SECRET}, max_retries=0
    )
    task = sdk.responses.create(
        input="What's the color of the sky?",
        extra_body={"task_mode": "agent", "agent_profile": "speed"},
    )
    sdk.close()
    assert task.status == "running"
    assert task.model == "manus-agent-speed"


def test_manus_task_lifecycle(mh: httpx.Client) -> None:
    created = _task(mh, "What's the color of the sky?", create_shareable_link=True)
    assert created["status"] == "running"
    meta = created["metadata"]
    assert meta["task_url"].endswith(created["id"]) and meta["share_url"]
    assert meta["task_title"] == "What's the color of the sky?"
    assert created["createdAt"] == str(created["created_at"])
    done = _settle(mh, created["id"])
    assert done["status"] == "completed"
    assert [o["role"] for o in done["output"]] == ["user", "assistant"]
    parts = done["output"][1]["content"]
    files = [p for p in parts if p["type"] == "output_file"]
    assert files and files[0]["fileName"] and files[0]["mimeType"]
    assert int(done["metadata"]["credit_usage"]) >= 1
    report = mh.get(files[0]["fileUrl"].removeprefix("/v1"))
    assert report.status_code == 200 and report.text.startswith("#")
    resp = Response.model_validate(done)
    assert resp.normalized_status == "completed" and resp.task_url == meta["task_url"]


def test_manus_pending_then_task_id_continuation(mh: httpx.Client) -> None:
    created = _task(mh, "Draft a plan, but ask me about the budget first")
    pending = _settle(mh, created["id"])
    assert pending["status"] == "pending"
    assert Response.model_validate(pending).normalized_status == "requires_input"
    both = mh.post(
        "/responses",
        json={
            "model": "respnb-demo",
            "input": "x",
            "task_id": created["id"],
            "previous_response_id": created["id"],
        },
    )
    assert both.status_code == 400 and both.json()["error"]["param"] == "task_id"
    cont = mh.post(
        "/responses",
        json={"model": "respnb-demo", "input": "Budget is 500 euros.", "task_id": created["id"]},
    )
    assert cont.status_code == 200 and cont.json()["id"] == created["id"]
    done = _settle(mh, created["id"])
    assert done["status"] == "completed"
    assert [o["role"] for o in done["output"]] == ["user", "assistant", "user", "assistant"]
    with mh.stream("GET", f"/responses/{created['id']}", params={"stream": "true"}) as r:
        seqs = [
            json.loads(line[6:])["sequence_number"]
            for line in r.iter_lines()
            if line.startswith("data: ")
        ]
    assert seqs == list(range(len(seqs)))


def test_manus_tasks_list_filters_and_pagination(mh: httpx.Client) -> None:
    ids = [_task(mh, f"zebra research number {i}")["id"] for i in range(5)]
    for rid in ids:
        _settle(mh, rid)
    hidden = _task(mh, "zebra hidden", hide_in_task_list=True)
    pages: list[str] = []
    after = None
    while True:
        params: dict[str, Any] = {"limit": 2, "order": "asc", "query": "zebra research"}
        if after:
            params["after"] = after
        page = mh.get("/tasks", params=params).json()
        assert set(page) == {"data", "first_id", "last_id", "has_more"}
        pages.extend(t["id"] for t in page["data"])
        if not page["has_more"]:
            break
        after = page["last_id"]
    assert pages == ids
    assert hidden["id"] not in pages
    desc = mh.get("/tasks", params={"query": "zebra research", "order": "desc"}).json()
    assert [t["id"] for t in desc["data"]] == ids[::-1]
    by_status = mh.get("/tasks?status=completed&status=running&query=zebra+research").json()
    assert {t["status"] for t in by_status["data"]} <= {"completed", "running"}
    assert len(by_status["data"]) == 5
    none_pending = mh.get("/tasks", params={"status": "pending", "query": "zebra"}).json()
    assert none_pending["data"] == []
    future = int(time.time()) + 3600
    assert mh.get("/tasks", params={"created_after": future}).json()["data"] == []
    assert (
        len(
            mh.get(
                "/tasks",
                params={
                    "created_before": future,
                    "query": "zebra research",
                    "order_by": "updated_at",
                },
            ).json()["data"]
        )
        == 5
    )
    assert mh.get("/tasks", params={"limit": 0}).status_code == 400
    assert mh.get("/tasks", params={"limit": 1001}).status_code == 400
    assert mh.get("/tasks", params={"status": "weird"}).status_code == 400


def test_manus_put_task(mh: httpx.Client) -> None:
    rid = _task(mh, "Quarterly numbers")["id"]
    r = mh.put(f"/tasks/{rid}", json={"title": "Renamed", "enable_shared": True})
    assert r.json()["metadata"]["task_title"] == "Renamed"
    assert r.json()["metadata"]["share_url"]
    mh.put(f"/tasks/{rid}", json={"enable_visible_in_task_list": False})
    listed = [t["id"] for t in mh.get("/tasks", params={"limit": 1000}).json()["data"]]
    assert rid not in listed
    assert mh.get(f"/responses/{rid}").json()["metadata"]["task_title"] == "Renamed"
    assert mh.put("/tasks/nope", json={"title": "x"}).status_code == 404
    assert mh.delete(f"/responses/{rid}").json()["deleted"] is True


def test_manus_presigned_upload(mh: httpx.Client) -> None:
    rec = mh.post("/files", json={"filename": "letter.pdf"}).json()
    assert rec["status"] == "pending" and rec["object"] == "file"
    assert isinstance(rec["created_at"], int)  # unix seconds, as Manus's examples print it
    assert rec["expires_at"] == rec["created_at"] + 48 * 3600  # uploads live 48 hours
    assert isinstance(rec["upload_expires_at"], str)
    assert "/v1/" not in rec["upload_url"] and "/upload/" in rec["upload_url"]
    put = httpx.put(rec["upload_url"], content=b"%PDF-1.4 fake")  # no API key sent
    assert put.status_code == 200
    got = mh.get(f"/files/{rec['id']}").json()
    assert got["status"] == "uploaded" and got["bytes"] == 13
    assert httpx.put(rec["upload_url"], content=b"again").status_code == 404  # single use
    assert mh.delete(f"/files/{rec['id']}").json()["deleted"] is True
    assert mh.get(f"/files/{rec['id']}").json()["status"] == "deleted"


# ---------------------------------------------------------------- maniac


@pytest.fixture(scope="module")
def maniac(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("maniac") / "server.sqlite3"
    with serve_in_thread(db_path=db, dialect="maniac") as srv:
        yield srv


def test_maniac_reduced_stream(maniac: RunningServer) -> None:
    with (
        httpx.Client(base_url=maniac.base_url) as h,
        h.stream(
            "POST",
            "/responses",
            json={
                "model": "openai/gpt-4o-mini",
                "input": "hi",
                "stream": True,
                "tags": ["a"],
                "trace": {"id": "t"},
            },
        ) as r,
    ):
        events = [json.loads(x[6:]) for x in r.iter_lines() if x.startswith("data: ")]
    types = [e["type"] for e in events]
    assert types[0] == "response.created" and types[-1] == "response.completed"
    assert set(types[1:-1]) == {"response.output_text.delta"}
    assert [e["sequence_number"] for e in events] == list(range(len(events)))
    final = events[-1]["response"]
    assert final["provider"] == "openai"
    text = "".join(e["delta"] for e in events[1:-1])
    assert Response.model_validate(final).output_text == text
    for e in events:
        check_event(e)


def test_maniac_rejects_tools_and_background_works(maniac: RunningServer) -> None:
    sdk = OpenAI(base_url=maniac.base_url, api_key="k", max_retries=0)
    with pytest.raises(openai.BadRequestError) as err:
        sdk.responses.create(model="openai/gpt-4o-mini", input="hi", tools=[{"type": "web_search"}])
    assert err.value.body["param"] == "tools"  # type: ignore[index]
    bg = sdk.responses.create(model="openai/gpt-4o-mini", input="essay", background=True)
    assert bg.status == "queued"
    tail = list(sdk.responses.retrieve(bg.id, stream=True))
    assert tail[0].type == "response.created" and tail[-1].type == "response.completed"
    assert sdk.responses.retrieve(bg.id).status == "completed"
    sdk.close()


def test_manus_task_and_share_pages(mh: httpx.Client) -> None:
    shared = _task(mh, "Tides <b>and</b> moons", create_shareable_link=True)
    private = _task(mh, "Private notes")
    _settle(mh, shared["id"])
    page = httpx.get(shared["metadata"]["task_url"], headers={"API_KEY": SECRET})
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "Tides &lt;b&gt;and&lt;/b&gt; moons" in page.text and "<b>and</b>" not in page.text
    assert httpx.get(shared["metadata"]["task_url"]).status_code == 401  # private page
    assert httpx.get(shared["metadata"]["share_url"]).status_code == 200  # public, no key
    unshared = shared["metadata"]["share_url"].replace(shared["id"], private["id"])
    assert httpx.get(unshared).status_code == 404
