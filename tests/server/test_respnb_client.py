"""respnb's own client against the local server in the manus and maniac dialects.

(The openai dialect is covered by tests/client/test_integration.py with the same server.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

import respnb
from respnb.server.launch import RunningServer, serve_in_thread
from respnb.types import OutputTextDeltaEvent

from .conftest import SECRET


@pytest.fixture(scope="module")
def manus_srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("rc-manus") / "server.sqlite3"
    with serve_in_thread(db_path=db, dialect="manus", api_key=SECRET) as srv:
        yield srv


@pytest.fixture(scope="module")
def maniac_srv(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("rc-maniac") / "server.sqlite3"
    with serve_in_thread(db_path=db, dialect="maniac", api_key=SECRET) as srv:
        yield srv


@pytest.fixture
async def manus(manus_srv: RunningServer) -> AsyncIterator[respnb.AsyncClient]:
    async with respnb.AsyncClient("manus", base_url=manus_srv.base_url, api_key=SECRET) as c:
        yield c


@pytest.fixture
async def maniac(maniac_srv: RunningServer) -> AsyncIterator[respnb.AsyncClient]:
    async with respnb.AsyncClient("maniac", base_url=maniac_srv.base_url, api_key=SECRET) as c:
        yield c


async def test_manus_task_via_respnb(manus: respnb.AsyncClient) -> None:
    task = await manus.responses.create(
        input="Summarize the sky", extra_body={"task_mode": "agent", "agent_profile": "speed"}
    )
    assert task.status == "running" and task.task_url
    done = await manus.responses.wait(task.id, poll_interval=0.02)
    assert done.status == "completed" and done.normalized_status == "completed"
    assert "sky" in done.output_text.lower()
    assert [getattr(o, "role", None) for o in done.output] == ["user", "assistant"]
    listed = [t.id async for t in manus.tasks.list(limit=1, order="desc")]
    assert task.id in listed
    renamed = await manus.tasks.update(task.id, title="Sky report")
    assert (renamed.metadata or {}).get("task_title") == "Sky report"


async def test_manus_presigned_upload_via_respnb(manus: respnb.AsyncClient) -> None:
    record = await manus.files.upload_presigned(b"hello manus", filename="hello.txt")
    got = await manus.files.retrieve(record.id)
    assert got.status == "uploaded" and got.bytes == 11


async def test_maniac_stream_via_respnb(maniac: respnb.AsyncClient) -> None:
    async with maniac.responses.stream(model="openai/gpt-4o-mini", input="hi there") as s:
        deltas = [e.delta async for e in s if isinstance(e, OutputTextDeltaEvent)]
        final = await s.get_final_response()
    assert final.status == "completed"
    assert "".join(deltas) == final.output_text
    assert final.get("provider") == "openai"
