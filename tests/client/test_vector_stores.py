"""``client.vector_stores``: the seed's sequence against the real local server (async and
sync), and the requests it sends (recorded with a mock transport)."""

from __future__ import annotations

import json

import httpx
import pytest

import respnb
from respnb.types import VectorStore, VectorStoreFile

from .support import FakeSleep, Recorder

pytest.importorskip("respnb.server.launch", reason="respnb.server.launch is not there yet")

FAQ = (
    b"Question : Can I bring more bags than my standard allowance?\n\n"
    b"Answer : If you need to carry more than you can fit in your baggage allowance, "
    b"purchase Prepaid Extra Bags.\n\nQuestion : Can my pet fly?\n\nAnswer : In the hold."
)
QUESTION = "Can I bring more bags than my standard allowance?"


@pytest.fixture
async def client(local_server):
    async with respnb.AsyncClient("local", base_url=local_server.base_url) as c:
        yield c


async def test_seed_sequence_async(client: respnb.AsyncClient) -> None:
    up = await client.files.create(file=("airnz-baggage-FAQ.txt", FAQ), purpose="assistants")
    await client.files.create(file=("decoy.txt", b"more bags than allowance"), purpose="assistants")
    vs = await client.vector_stores.create(name="airnz_onsite")
    assert isinstance(vs, VectorStore) and vs.id.startswith("vs_") and vs.name == "airnz_onsite"

    added = await client.vector_stores.files.create(vector_store_id=vs.id, file_id=up.id)
    assert isinstance(added, VectorStoreFile)
    assert (added.id, added.status, added.vector_store_id) == (up.id, "in_progress", vs.id)
    assert added.chunking_strategy == {
        "type": "static",
        "static": {"max_chunk_size_tokens": 800, "chunk_overlap_tokens": 400},
    }
    files = [f async for f in client.vector_stores.files.list(vector_store_id=vs.id)]
    assert [(f.id, f.status, f.usage_bytes) for f in files] == [(up.id, "completed", len(FAQ))]
    page = await client.vector_stores.files.list(vector_store_id=vs.id, filter="completed")
    assert page.first_id == up.id and not page.has_more

    r = await client.responses.create(
        model="gpt-4o",
        input=QUESTION,
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        include=["file_search_call.results"],
    )
    assert [o.type for o in r.output] == ["file_search_call", "message"]
    results = r.output[0].results  # type: ignore[union-attr]
    assert results and {h.file_id for h in results} == {up.id}
    assert any("Prepaid Extra Bags" in (h.text or "") for h in results)
    notes = [a for part in r.output[1].content for a in part.annotations or []]  # type: ignore[union-attr]
    assert notes and all(
        (a.type, a.file_id, a.filename) == ("file_citation", up.id, "airnz-baggage-FAQ.txt")
        for a in notes
    )

    hits = await client.vector_stores.search(vs.id, query="extra bags", max_num_results=1)
    assert len(hits.data) == 1 and hits.data[0].file_id == up.id
    assert "Prepaid Extra Bags" in hits.data[0].text


async def test_crud_and_errors_async(client: respnb.AsyncClient) -> None:
    first = await client.vector_stores.create(name="one", metadata={"k": "v"})
    second = await client.vector_stores.create(name="two")
    ids = [vs.id async for vs in client.vector_stores.list(limit=1, order="asc")]
    assert ids.index(first.id) < ids.index(second.id)
    renamed = await client.vector_stores.update(first.id, name="uno")
    assert renamed.name == "uno" and renamed.metadata == {"k": "v"}
    up = await client.files.create(file=("a.txt", b"alpha beta"), purpose="assistants")
    done = await client.vector_stores.files.create_and_poll(
        vector_store_id=first.id, file_id=up.id, attributes={"lang": "en"}
    )
    assert done.status == "completed" and done.attributes == {"lang": "en"}
    got = await client.vector_stores.files.retrieve(up.id, vector_store_id=first.id)
    assert got.usage_bytes == len(b"alpha beta")
    changed = await client.vector_stores.files.update(
        up.id, vector_store_id=first.id, attributes={"lang": "fr"}
    )
    assert changed.attributes == {"lang": "fr"}
    assert (await client.vector_stores.retrieve(first.id)).file_counts.completed == 1
    removed = await client.vector_stores.files.delete(up.id, vector_store_id=first.id)
    assert removed.deleted and removed.id == up.id
    assert (await client.vector_stores.delete(first.id)).deleted
    with pytest.raises(respnb.NotFoundError):
        await client.vector_stores.retrieve(first.id)
    with pytest.raises(respnb.BadRequestError) as err:
        await client.responses.create(
            model="respnb-demo",
            input="hi",
            tools=[{"type": "file_search", "vector_store_ids": [first.id]}],
        )
    assert err.value.param == "tools[0].vector_store_ids"  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="filter"):
        client.vector_stores.files.list(vector_store_id=second.id, filter="done")  # type: ignore[arg-type]


def test_seed_sequence_sync(local_server) -> None:  # type: ignore[no-untyped-def]
    with respnb.Client("local", base_url=local_server.base_url) as client:
        up = client.files.create(file=("faq.txt", FAQ), purpose="assistants")
        vs = client.vector_stores.create(name="sync")
        added = client.vector_stores.files.create(vector_store_id=vs.id, file_id=up.id)
        assert added.status == "in_progress"
        listed = list(client.vector_stores.files.list(vector_store_id=vs.id))
        assert [(f.id, f.status) for f in listed] == [(up.id, "completed")]
        assert vs.id in [v.id for v in client.vector_stores.list()]
        r = client.responses.create(
            model="respnb-demo",
            input=QUESTION,
            tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        )
        assert r.output[0].type == "file_search_call"
        assert "faq.txt" in r.output_text
        assert client.vector_stores.search(vs.id, query="pet").data[0].file_id == up.id
        assert client.vector_stores.delete(vs.id).deleted


async def test_requests_on_the_wire() -> None:
    recorder = Recorder()
    file_json = {
        "id": "file-1",
        "object": "vector_store.file",
        "status": "in_progress",
        "vector_store_id": "vs_1",
    }
    recorder.queue += [
        httpx.Response(200, json=file_json),
        httpx.Response(200, json={**file_json, "status": "in_progress"}),
        httpx.Response(200, json={**file_json, "status": "completed", "usage_bytes": 9}),
    ]
    sleep = FakeSleep()
    async with respnb.AsyncClient(
        "openai",
        api_key="sk-test",
        base_url="https://api.test/v1",
        transport=recorder.transport,
        sleep=sleep,
    ) as c:
        done = await c.vector_stores.files.create_and_poll(
            vector_store_id="vs_1", file_id="file-1", poll_interval=0.25
        )
    assert done.status == "completed" and done.usage_bytes == 9
    methods = [(r.method, r.url.path) for r in recorder.requests]
    assert methods == [
        ("POST", "/v1/vector_stores/vs_1/files"),
        ("GET", "/v1/vector_stores/vs_1/files/file-1"),
        ("GET", "/v1/vector_stores/vs_1/files/file-1"),
    ]
    assert json.loads(recorder.bodies[0]) == {"file_id": "file-1"}
    assert sleep.delays == [0.25]
