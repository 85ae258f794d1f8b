"""Vector stores on the local server, driven by the official openai SDK (seed 004's sequence)."""

from __future__ import annotations

from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from .conftest import check_response, start

FAQ = (
    b"airnz-baggage-FAQ\n\n"
    b"Question : Can I bring more bags than my standard allowance?\n\n"
    b"Answer : If you need to carry more than you can fit in your baggage allowance, the best "
    b"option is to purchase Prepaid Extra Bags. They apply to extra bags or large items like "
    b"sports gear or musical instruments.\n\n"
    b"Question : Can my pet travel with me?\n\nAnswer : Pets travel in the hold."
)
DECOY = b"Extra bags of standard allowance bring more otters, more bags, more allowance."
QUESTION = "Can I bring more bags than my standard allowance?"


def _upload(client: OpenAI, name: str, content: bytes) -> str:
    return client.files.create(file=(name, content), purpose="assistants").id


def test_seed_sequence_file_search_cites_the_vector_store_file(client: OpenAI) -> None:
    file_id = _upload(client, "airnz-baggage-FAQ.txt", FAQ)
    decoy_id = _upload(client, "decoy.txt", DECOY)  # uploaded, but in no vector store

    vector_store = client.vector_stores.create(name="airnz_onsite")
    assert vector_store.id.startswith("vs_") and vector_store.object == "vector_store"
    assert vector_store.name == "airnz_onsite" and vector_store.file_counts.total == 0

    result = client.vector_stores.files.create(vector_store_id=vector_store.id, file_id=file_id)
    assert result.object == "vector_store.file" and result.id == file_id
    assert result.status == "in_progress" and result.usage_bytes == 0
    assert result.vector_store_id == vector_store.id
    assert result.chunking_strategy is not None and result.chunking_strategy.type == "static"
    static = result.chunking_strategy.static  # type: ignore[union-attr]
    assert (static.max_chunk_size_tokens, static.chunk_overlap_tokens) == (800, 400)

    for _ in range(50):
        status = client.vector_stores.files.list(vector_store_id=vector_store.id)
        if all(f.status == "completed" for f in status.data):
            break
    assert [f.id for f in status.data] == [file_id]
    assert status.data[0].status == "completed" and status.data[0].usage_bytes == len(FAQ)
    assert status.first_id == status.last_id == file_id and status.has_more is False

    again = client.vector_stores.retrieve(vector_store.id)
    assert again.file_counts.completed == again.file_counts.total == 1
    assert again.usage_bytes == len(FAQ) and again.status == "completed"

    response = client.responses.create(
        model="gpt-4o",
        input=QUESTION,
        tools=[{"type": "file_search", "vector_store_ids": [vector_store.id]}],
        include=["file_search_call.results"],
    )
    check_response(response.model_dump(mode="json"))
    assert [o.type for o in response.output] == ["file_search_call", "message"]
    search = response.output[0]
    assert search.type == "file_search_call" and search.queries == [QUESTION]
    assert search.results, "the FAQ answers the question"
    assert {r.file_id for r in search.results} == {file_id}  # never the decoy
    assert any("Prepaid Extra Bags" in (r.text or "") for r in search.results)
    message = response.output[1]
    assert message.type == "message"
    citations = [a for part in message.content for a in part.annotations]  # type: ignore[union-attr]
    assert citations and {(a.type, a.file_id, a.filename) for a in citations} == {
        ("file_citation", file_id, "airnz-baggage-FAQ.txt")
    }
    assert decoy_id not in response.output_text


def test_unknown_vector_store_is_a_400_naming_the_tool(client: OpenAI, http: httpx.Client) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(
            model="respnb-demo",
            input="hi",
            tools=[{"type": "file_search", "vector_store_ids": ["vs_missing"]}],
        )
    assert "vs_missing" in err.value.message
    r = http.post(
        "/responses",
        json={
            "input": "hi",
            "tools": [
                {"type": "web_search"},
                {"type": "file_search", "vector_store_ids": ["vs_missing"]},
            ],
        },
    )
    assert r.status_code == 400
    error = r.json()["error"]
    assert error["param"] == "tools[1].vector_store_ids"
    assert error["code"] == "vector_store_not_found"


def test_crud_pagination_and_errors(client: OpenAI, http: httpx.Client) -> None:
    a = client.vector_stores.create(name="a", metadata={"team": "x"})
    b = client.vector_stores.create(name="b", expires_after={"anchor": "last_active_at", "days": 7})
    assert b.expires_after is not None and b.expires_after.days == 7
    assert b.expires_at == b.last_active_at + 7 * 86400  # type: ignore[operator]
    ids = [vs.id for vs in client.vector_stores.list(limit=1)]  # auto-paginates, newest first
    assert ids.index(b.id) < ids.index(a.id)
    page = client.vector_stores.list(limit=1, order="asc", after=a.id)
    assert page.data[0].id == b.id

    renamed = client.vector_stores.update(a.id, name="renamed", metadata={"team": "y"})
    assert renamed.name == "renamed" and renamed.metadata == {"team": "y"}
    assert client.vector_stores.retrieve(a.id).name == "renamed"

    deleted = client.vector_stores.delete(a.id)
    assert deleted.deleted is True and deleted.id == a.id
    assert deleted.object == "vector_store.deleted"
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.retrieve(a.id)
    with pytest.raises(openai.NotFoundError):
        client.vector_stores.files.create(vector_store_id=b.id, file_id="file-nope")

    bad = http.post("/vector_stores", json={"chunking_strategy": {"type": "static"}})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "chunking_strategy"
    bad = http.post("/vector_stores", json={"expires_after": {"anchor": "created", "days": 1}})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "expires_after"
    bad = http.post(f"/vector_stores/{b.id}/files", json={})
    assert bad.status_code == 400 and bad.json()["error"]["param"] == "file_id"


def test_files_attributes_search_and_removal(client: OpenAI) -> None:
    faq = _upload(client, "faq.txt", FAQ)
    other = _upload(client, "pets.txt", b"Cats sleep sixteen hours a day.")
    vs = client.vector_stores.create(name="docs", file_ids=[faq])
    assert vs.file_counts.total == 1
    client.vector_stores.files.create(
        vector_store_id=vs.id, file_id=other, attributes={"topic": "pets"}
    )
    listed = list(client.vector_stores.files.list(vector_store_id=vs.id, limit=1))
    assert sorted(f.id for f in listed) == sorted([faq, other])
    got = client.vector_stores.files.retrieve(other, vector_store_id=vs.id)
    assert got.attributes == {"topic": "pets"} and got.status == "completed"

    found = client.vector_stores.search(vs.id, query="how long do cats sleep")
    assert [h.file_id for h in found.data][:1] == [other]
    assert found.data[0].attributes == {"topic": "pets"}
    assert "sixteen hours" in found.data[0].content[0].text

    resp = client.responses.create(
        model="respnb-demo",
        input="How long do cats sleep?",
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        include=["file_search_call.results"],
    )
    hits = resp.output[0].results  # type: ignore[union-attr]
    assert hits and hits[0].file_id == other and hits[0].attributes == {"topic": "pets"}

    removed = client.vector_stores.files.delete(other, vector_store_id=vs.id)
    assert removed.deleted is True and removed.object == "vector_store.file.deleted"
    assert [f.id for f in client.vector_stores.files.list(vector_store_id=vs.id)] == [faq]
    client.files.retrieve(other)  # the uploaded file itself stays
    resp = client.responses.create(
        model="respnb-demo",
        input="How long do cats sleep?",
        tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        include=["file_search_call.results"],
    )
    assert all(r.file_id != other for r in resp.output[0].results or [])  # type: ignore[union-attr]


def test_vector_stores_survive_a_restart(tmp_path: Path) -> None:
    with start(tmp_path) as srv, OpenAI(base_url=srv.base_url, api_key="k") as c:
        fid = c.files.create(file=("faq.txt", FAQ), purpose="assistants").id
        vs = c.vector_stores.create(name="kept")
        c.vector_stores.files.create(vector_store_id=vs.id, file_id=fid)
    with start(tmp_path) as srv, OpenAI(base_url=srv.base_url, api_key="k") as c:
        again = c.vector_stores.retrieve(vs.id)
        assert again.name == "kept" and again.file_counts.completed == 1
        resp = c.responses.create(
            model="respnb-demo",
            input=QUESTION,
            tools=[{"type": "file_search", "vector_store_ids": [vs.id]}],
        )
        assert resp.output[0].type == "file_search_call"
        assert "faq.txt" in resp.output_text
