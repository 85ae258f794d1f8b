"""A background streaming create cut before its response id arrived, against respnb's real server
behind a fault proxy: sent again with the same Idempotency-Key where the profile says the
server honours it, otherwise a clear error that a task may be running."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import respnb
from respnb.server.launch import RunningServer

from ..reliability.proxy import FaultProxy, Forward, Seen
from ..waiting import wait_until


@pytest.fixture
def proxy(local_server: RunningServer) -> Iterator[FaultProxy]:
    with FaultProxy(local_server.origin) as px:
        yield px


def _cut_first_create(seen: Seen) -> Forward | None:
    first = seen.method == "POST" and seen.path.endswith("/responses")
    if first and not getattr(_cut_first_create, "done", False):
        _cut_first_create.done = True  # type: ignore[attr-defined]
        return Forward(cut_at=20)  # inside the first event: no id reaches the client
    return None


def _stored(server: RunningServer, marker: str) -> list[str]:
    db = Path(server.config.db_path)
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True) as conn:
        rows = conn.execute(
            "SELECT id FROM responses WHERE search LIKE ?", (f"%{marker}%",)
        ).fetchall()
    conn.close()
    return [r[0] for r in rows]


def test_cut_background_create_is_sent_again_with_the_same_key(local_server, proxy):
    _cut_first_create.done = False  # type: ignore[attr-defined]
    proxy.reset(_cut_first_create)
    client = respnb.Client("local", base_url=proxy.base_url)
    assert client.profile.supports("idempotency")
    with client.responses.stream(model="respnb-demo", input="resend-7731", background=True) as s:
        final = s.get_final_response()
    posts = proxy.requests("POST", "/responses")
    assert len(posts) == 2
    assert posts[0].headers["idempotency-key"] == posts[1].headers["idempotency-key"]
    assert len(posts[0].answer) == 20  # the first answer really was cut
    assert final.status == "completed" and final.output_text
    # one task on the server, not two
    stored = wait_until(lambda: _stored(local_server, "resend-7731"), what="the stored task")
    assert stored == [final.id]
    client.close()


def test_cut_background_create_without_idempotency_says_a_task_may_run(local_server, proxy):
    _cut_first_create.done = False  # type: ignore[attr-defined]
    proxy.reset(_cut_first_create)
    client = respnb.Client("compatible", base_url=proxy.base_url)
    assert not client.profile.supports("idempotency")
    stream = client.responses.stream(model="respnb-demo", input="resend-8842", background=True)
    with stream as s, pytest.raises(respnb.StreamInterruptedError) as info:
        s.get_final_response()
    text = str(info.value)
    assert "a background task may be running" in text
    assert "task list" in text and "responses.resume(" not in text
    assert info.value.response_id is None
    assert len(proxy.requests("POST", "/responses")) == 1
    client.close()
