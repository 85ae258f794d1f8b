"""Manus with the sync client: ``TaskTable.sync_remote(Client)``, ``source="remote"`` on rows
listed from ``/v1/tasks``, and ``files.download`` of an ``output_file`` with the profile's auth."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

import respnb
from respnb.server.launch import RunningServer, serve_in_thread
from respnb.types import Message
from respnb.types.parts import OutputFile

from .support import BASE, SECRET

KEY = "manus-test-key-7788"


@pytest.fixture
def manus_server(tmp_path: Path) -> Iterator[RunningServer]:
    with serve_in_thread(
        db_path=tmp_path / "manus.sqlite3", dialect="manus", api_key=KEY, pace=5000
    ) as srv:
        yield srv


@pytest.fixture(autouse=True)
def _fresh_shared_tasks() -> Iterator[None]:
    yield
    respnb.tasks.reset()  # the shared refresher these tests start must not outlive them


def _output_file(response: respnb.Response) -> OutputFile:
    for item in response.output:
        if isinstance(item, Message) and not isinstance(item.content, str):
            for part in item.content:
                if isinstance(part, OutputFile):
                    return part
    raise AssertionError(f"no output_file in {response.output!r}")


def test_sync_remote_with_the_sync_client_marks_tasks_made_elsewhere(manus_server):
    web_ids = []
    for title in ("web plan alpha", "web plan beta"):  # made in the web app
        r = httpx.post(
            f"{manus_server.base_url}/responses",
            headers={"API_KEY": KEY},
            json={"model": "manus-1.5", "input": title},
        )
        web_ids.append(r.json()["id"])
    table = respnb.tasks()  # the shared registry records what this kernel creates
    client = respnb.Client("manus", base_url=manus_server.base_url, api_key=KEY)
    mine = client.responses.create(model="manus-1.5", input="my own plan", background=True)
    assert table.sync_remote(client) == 3
    for rid in web_ids:
        assert table.get(rid).source == "remote"
    assert table.get(mine.id).source is None  # created here
    client.close()


def test_download_an_output_file_with_the_profiles_auth(manus_server, tmp_path):
    client = respnb.Client("manus", base_url=manus_server.base_url, api_key=KEY)
    task = client.responses.create(model="manus-1.5", input="Write a short report")
    final = client.responses.wait(task.id, poll_interval=0.05)
    part = _output_file(final)
    # absolute on the wire, as Manus sends it (relative URLs: see the test below)
    assert part.fileUrl and part.fileUrl.startswith(manus_server.base_url.removesuffix("/v1"))
    content = client.files.download(part)
    assert isinstance(content, bytes) and content.strip()
    path = client.files.download(part, to=tmp_path)
    assert path == tmp_path / part.fileName and path.read_bytes() == content
    assert client.files.download(part.to_dict(), to=tmp_path / "r.md").read_bytes() == content
    bad = respnb.Client("manus", base_url=manus_server.base_url, api_key="wrong")
    with bad, pytest.raises(respnb.AuthenticationError):  # the file needs the key
        bad.files.download(part)
    client.close()


async def test_the_key_goes_only_to_the_services_own_origin(make_client, recorder):
    recorder.handler = lambda request: httpx.Response(200, content=b"data")
    client = make_client()
    assert await client.files.download("/v1/manus_files/r1/report.md") == b"data"
    own = recorder.last
    assert str(own.url) == BASE.removesuffix("/v1") + "/v1/manus_files/r1/report.md"
    assert own.headers["authorization"] == f"Bearer {SECRET}"
    await client.files.download({"fileUrl": "https://store.example/x/report.md"})
    assert recorder.last.url.host == "store.example"
    assert "authorization" not in recorder.last.headers


async def test_download_without_a_url_says_what_to_pass(make_client):
    client = make_client()
    with pytest.raises(ValueError, match="output_file part, a URL or a file id"):
        await client.files.download({"fileName": "x.md"})
