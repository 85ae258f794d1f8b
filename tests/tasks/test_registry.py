"""The SQLite task registry: fields, idempotent upserts, sticky terminal states, two processes."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from respnb.tasks.registry import TaskRegistry, make_title, prompt_of
from respnb.types import Response


def _resp(id: str = "resp_1", status: str = "queued", **kw: object) -> Response:
    return Response.model_validate({"id": id, "status": status, "model": "m1", **kw})


@pytest.fixture
def reg(tmp_path: Path) -> TaskRegistry:
    r = TaskRegistry(tmp_path / "tasks.sqlite3")
    yield r
    r.close()


def test_wal_and_default_path() -> None:
    import os

    r = TaskRegistry()
    assert r.path == Path(os.environ["RESPNB_HOME"]) / "tasks.sqlite3"
    mode = r._conn.execute("PRAGMA journal_mode").fetchone()[0]
    assert mode == "wal"
    r.close()


def test_record_create_fields(reg: TaskRegistry) -> None:
    body = {
        "model": "m1",
        "input": "Write a poem\nabout the sea",
        "background": True,
        "tags": ["poetry"],
    }
    rec = reg.record_response(
        _resp(created_at=1700000000),
        profile="local",
        base_url="http://127.0.0.1:9/v1",
        body=body,
        fresh=True,
    )
    assert rec.prompt == "Write a poem\nabout the sea"
    assert rec.title == "Write a poem"
    assert rec.background is True
    assert rec.profile == "local"
    assert rec.base_url == "http://127.0.0.1:9/v1"
    assert rec.created_at == 1700000000
    assert rec.tags == ("poetry",)
    assert rec.in_flight and not rec.is_terminal


def test_completed_fields_and_usage(reg: TaskRegistry) -> None:
    reg.record_response(_resp(), body={"input": "hi"})
    done = _resp(
        status="completed",
        completed_at=1700000100,
        usage={
            "input_tokens": 3,
            "output_tokens": 5,
            "total_tokens": 8,
            "output_tokens_details": {"reasoning_tokens": 2},
        },
        output=[
            {
                "type": "message",
                "id": "m",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": "Hello!", "annotations": []}],
            }
        ],
        previous_response_id="resp_0",
        conversation="conv_9",
    )
    rec = reg.record_response(done)
    assert (rec.input_tokens, rec.output_tokens, rec.total_tokens, rec.reasoning_tokens) == (
        3,
        5,
        8,
        2,
    )
    assert rec.output_text == "Hello!"
    assert rec.previous_response_id == "resp_0"
    assert rec.conversation == "conv_9"
    assert rec.completed_at == 1700000100
    assert rec.prompt == "hi"  # kept from the create
    assert rec.is_terminal


def test_manus_metadata_and_pending(reg: TaskRegistry) -> None:
    r = _resp(
        "task_1",
        status="pending",
        metadata={
            "task_url": "https://manus.im/app/x",
            "share_url": "https://manus.im/share/x",
            "credit_usage": "12",
            "task_title": "Trip plan",
        },
    )
    rec = reg.record_response(r, profile="manus")
    assert rec.normalized_status == "requires_input"
    assert not rec.in_flight and not rec.is_terminal
    assert rec.task_url == "https://manus.im/app/x"
    assert rec.share_url == "https://manus.im/share/x"
    assert rec.credit_usage == 12.0
    assert rec.manus_title == "Trip plan"
    assert rec.title == "Trip plan"
    assert reg.in_flight() == []


def test_upsert_idempotent_and_notifies_only_changes(reg: TaskRegistry) -> None:
    seen: list[str | None] = []
    reg.add_listener(lambda rec: seen.append(rec.status))
    r = _resp(status="in_progress")
    first = reg.record_response(r)
    again = reg.record_response(r)
    assert first == again
    assert seen == ["in_progress"]
    assert reg.count() == 1


def test_terminal_is_sticky_unless_fresh(reg: TaskRegistry) -> None:
    reg.record_response(_resp(status="completed"))
    rec = reg.record_response(_resp(status="in_progress"))  # a stale update
    assert rec.status == "completed"
    rec = reg.record_response(_resp(status="in_progress"), fresh=True)  # a continuation
    assert rec.status == "in_progress"
    assert rec.completed_at is None


def test_key_never_stored(reg: TaskRegistry) -> None:
    body = {"input": "x", "api_key": "sk-SECRET-123"}
    reg.record_response(_resp(), profile="openai", base_url="https://api.x/v1", body=body)
    raw = reg.path.read_bytes() + Path(str(reg.path) + "-wal").read_bytes()
    assert b"sk-SECRET-123" not in raw


def test_cursor_only_moves_forward(reg: TaskRegistry) -> None:
    reg.record_response(_resp())
    reg.set_cursor("resp_1", 7)
    reg.set_cursor("resp_1", 3)
    assert reg.get("resp_1").cursor == 7


def test_remove_and_tags(reg: TaskRegistry) -> None:
    reg.record_response(_resp())
    assert reg.add_tags("resp_1", "a", "b").tags == ("a", "b")
    assert reg.remove("resp_1") is True
    assert reg.get("resp_1") is None
    assert reg.remove("resp_1") is False


def test_prompt_helpers() -> None:
    body = {
        "input": [
            {"role": "system", "content": "sys"},
            {
                "role": "user",
                "content": [
                    {"type": "input_text", "text": "A"},
                    {"type": "input_image", "image_url": "u"},
                ],
            },
            {"role": "user", "content": "B"},
        ]
    }
    assert prompt_of(body) == "A\nB"
    assert prompt_of(None) is None
    assert make_title("x" * 100, 10) == "xxxxxxxxx…"


_WRITER = textwrap.dedent(
    """
    import sys
    from respnb.tasks.registry import TaskRegistry
    from respnb.types import Response
    reg = TaskRegistry(sys.argv[1])
    tag = sys.argv[2]
    for i in range(200):
        reg.record_response(Response(id=f"{tag}_{i}", status="queued"), profile=tag)
        reg.record_response(Response(id=f"shared_{i}", status="completed"), profile="both")
        reg.set_cursor(f"{tag}_{i}", i)
    print("ok")
    """
)


def test_two_processes_write_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.sqlite3"
    TaskRegistry(db).close()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", _WRITER, str(db), tag],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        for tag in ("p1", "p2")
    ]
    for p in procs:
        out, err = p.communicate(timeout=60)
        assert p.returncode == 0, err.decode()
        assert out.strip() == b"ok"
    reg = TaskRegistry(db)
    assert reg.count() == 600
    assert reg.get("p1_199").cursor == 199
    assert reg.get("p2_5").profile == "p2"
    reg.close()


def test_database_from_an_older_respnb_gains_new_columns(tmp_path):
    """An older tasks table (fewer columns, no version) is migrated in place, rows kept."""
    import sqlite3

    from respnb.tasks.registry import TaskRegistry

    path = tmp_path / "old.sqlite3"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE tasks (id TEXT PRIMARY KEY, profile TEXT, status TEXT)")
        conn.execute("INSERT INTO tasks VALUES ('resp_old', 'local', 'completed')")
    registry = TaskRegistry(path)
    try:
        record = registry.get("resp_old")
        assert record is not None
        assert record.profile == "local"
        assert record.status == "completed"
        registry.upsert("resp_old", {"title": "kept"})
        assert registry.get("resp_old").title == "kept"
    finally:
        registry.close()
