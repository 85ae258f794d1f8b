"""The TaskBoard's Python side, driven the way ipywidgets drives it: ``widget._handle_msg(msg)``
with a comm message dict; what the board sends is read off its comm. Actions run against a
real local server (openai and Manus dialects); the openai SDK checks what the server says."""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import openai
import pytest

import respnb
import respnb.tasks
from respnb.notebook.board import TaskBoard
from respnb.tasks import TaskRegistry, TaskTable
from tests.waiting import wait_until

pytest.importorskip("respnb.server.launch")

HEX32 = re.compile(r"^[0-9a-f]{32}$")


def comm_msg(content: dict[str, Any]) -> dict[str, Any]:
    """A comm_msg as the kernel hands it to ``Widget._handle_msg``."""
    return {
        "header": {"msg_type": "comm_msg", "msg_id": "m1"},
        "content": {"comm_id": "c1", "data": {"method": "custom", "content": content}},
        "buffers": [],
    }


class Wire:
    """What a board sent through its comm (custom messages only)."""

    def __init__(self, board: TaskBoard) -> None:
        self.sent: list[dict[str, Any]] = []
        comm = board.comm
        original = comm.send

        def send(data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
            if isinstance(data, dict) and data.get("method") == "custom":
                self.sent.append(data["content"])
            original(data=data, metadata=metadata, buffers=buffers)

        comm.send = send

    def kinds(self) -> list[str]:
        return [m["kind"] for m in self.sent]

    def reply_to(self, msg_id: str) -> dict[str, Any] | None:
        return next((m for m in self.sent if m.get("reply_to") == msg_id), None)


@pytest.fixture
def client(local_server: Any) -> Iterator[respnb.Client]:
    c = respnb.Client("local", base_url=local_server.base_url)
    yield c
    c.close()
    respnb.tasks.reset()


@pytest.fixture
def oracle(local_server: Any) -> Iterator[openai.OpenAI]:
    o = openai.OpenAI(base_url=local_server.base_url, api_key="unused", max_retries=0)
    yield o
    o.close()


def _finished(client: respnb.Client, n: int) -> list[str]:
    ids = []
    for i in range(n):
        r = client.responses.create(
            model="respnb-demo", input=f"history item {i}", background=True, store=True
        )
        ids.append(r.id)
    for rid in ids:
        client.responses.wait(rid)
    return ids


def test_no_argument_board_lists_existing_history_at_once(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    ids = _finished(client, 13)
    wait_until(lambda: len(table), what="13 rows recorded", accept=lambda n: n == 13)
    board = respnb.TaskBoard()  # the README's call: the default history
    first = board.first_page  # synced with the widget: shown before any message round trip
    assert first["total"] == 13 and first["matching"] == 13
    assert {r["id"] for r in first["rows"]} == set(ids)
    row = first["rows"][0]
    assert row["word"] == "completed" and row["acts"] == ["open", "continue", "delete"]
    assert row["cost"]["usd"] is None and "respnb-demo" in row["cost"]["note"]
    board.close()


def test_failed_construction_leaves_no_del_error() -> None:
    class NoFrontEnd(TaskBoard):
        _esm = ""

    with pytest.raises(respnb.ConfigurationError, match="npm"):
        NoFrontEnd()
    gc.collect()  # an AttributeError from __del__ would surface as an unraisable warning


def test_query_messages_search_filter_sort_and_pages(tmp_path: Path) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    statuses = ["completed", "failed", "in_progress", "requires_input"]
    reg.bulk_insert(
        {
            "id": f"r{i:05d}",
            "status": statuses[i % 4],
            "normalized_status": statuses[i % 4],
            "model": "gpt-4o" if i % 2 else "respnb-demo",
            "profile": "openai",
            "title": f"task {i} {'alpha' if i % 10 == 0 else 'beta'}",
            "created_at": 1.7e9 + i,
            "input_tokens": 100,
            "output_tokens": 10,
            "total_tokens": 110,
            "background": True,
        }
        for i in range(10_000)
    )
    board = TaskBoard(TaskTable(reg), page_size=50)
    wire = Wire(board)
    assert board.first_page["total"] == 10_000 and len(board.first_page["rows"]) == 50
    assert board.first_page["rows"][0]["id"] == "r09999"  # newest first

    board._handle_msg(comm_msg({"id": "q1", "kind": "query", "page": 3}))
    page = wire.reply_to("q1")
    assert page is not None and page["kind"] == "page" and HEX32.match(page["id"])
    assert page["page"] == 3 and page["pages"] == 200 and len(page["rows"]) == 50
    assert page["rows"][0]["id"] == "r09849"
    assert board.first_page == {}  # shown once; saved widget state keeps no history
    assert len(str(page)) < 60_000  # one page travels, never the whole history

    board._handle_msg(comm_msg({"id": "q2", "kind": "query", "search": "ALPHA", "page": 0}))
    page = wire.reply_to("q2")
    assert page["matching"] == 1000 and all("alpha" in r["title"] for r in page["rows"])
    board._handle_msg(comm_msg({"id": "q3", "kind": "query", "status": "requires_input"}))
    page = wire.reply_to("q3")
    # search and status combine; counts are per status over the search
    assert page["matching"] == 0 and page["counts"] == {"completed": 500, "in_progress": 500}
    board._handle_msg(comm_msg({"id": "q4", "kind": "query", "search": "", "status": "failed"}))
    page = wire.reply_to("q4")
    assert page["matching"] == 2500 and {r["word"] for r in page["rows"]} == {"failed"}
    board._handle_msg(
        comm_msg({"id": "q5", "kind": "query", "status": "", "sort": "title", "desc": False})
    )
    page = wire.reply_to("q5")
    titles = [r["title"] for r in page["rows"]]
    assert titles == sorted(titles, key=str.lower)
    # priced rows carry their estimate, and the page footer sums them
    priced = [r for r in page["rows"] if r["model"] == "gpt-4o"]
    assert priced and all(r["cost"]["usd"] > 0 for r in priced)
    assert page["cost"]["usd"] == pytest.approx(sum(r["cost"]["usd"] for r in priced))
    # a page past the end is clamped; junk is ignored
    board._handle_msg(comm_msg({"id": "q6", "kind": "query", "page": 10_000, "sort": "x;drop"}))
    assert wire.reply_to("q6")["page"] == 199
    board._handle_msg(comm_msg({"id": "q7", "kind": "nonsense"}))
    assert wire.reply_to("q7") is None
    board.close()
    reg.close()


def test_read_only_board_answers_with_an_error(tmp_path: Path) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    reg.bulk_insert([{"id": "r1", "status": "completed", "normalized_status": "completed"}])
    board = TaskBoard(TaskTable(reg))
    wire = Wire(board)
    assert board.first_page["rows"][0]["acts"] == []
    board._handle_msg(comm_msg({"id": "a1", "kind": "action", "action": "delete", "task": "r1"}))
    reply = wire.reply_to("a1")
    assert reply == {**reply, "kind": "reply", "ok": False, "text": "this board is read-only"}
    board.close()
    reg.close()


def test_actions_reach_the_server_and_answer(client: respnb.Client, oracle: Any) -> None:
    table = respnb.tasks(client)
    board = TaskBoard(table)
    wire = Wire(board)
    board._handle_msg(comm_msg({"id": "q0", "kind": "query"}))  # what a front end does first
    (done,) = _finished(client, 1)
    slow = client.responses.create(
        model="respnb-slow", input="cancel me from the board", background=True, store=True
    )
    wait_until(
        lambda: table.get(slow.id).normalized_status, what="slow task running",
        accept=lambda s: s == "in_progress",
    )  # fmt: skip

    # history changes reach the front end unasked: a page, then patches of its changed rows
    def running_row() -> dict[str, Any] | None:
        for m in reversed(wire.sent):
            if m["kind"] in ("page", "patch"):
                for r in m["rows"]:
                    if r["id"] == slow.id:
                        return r if r["word"] == "running" else None
        return None

    row = wait_until(running_row, what="an unasked page or patch with the running task")
    assert row["word"] == "running" and "cancel" in row["acts"] and "continue" not in row["acts"]

    board._handle_msg(comm_msg({"id": "c1", "kind": "action", "action": "cancel", "task": slow.id}))
    reply = wait_until(lambda: wire.reply_to("c1"), what="the cancel reply")
    assert reply["ok"] and reply["action"] == "cancel" and HEX32.match(reply["id"])
    wait_until(
        lambda: oracle.responses.retrieve(slow.id).status, what="server says cancelled",
        accept=lambda s: s == "cancelled",
    )  # fmt: skip

    board._handle_msg(
        comm_msg({"id": "k1", "kind": "action", "action": "continue", "task": done, "text": "more"})
    )
    reply = wait_until(lambda: wire.reply_to("k1"), what="the continue reply")
    assert reply["ok"], reply
    new_id = reply["text"].removeprefix("reply sent: ")
    assert oracle.responses.retrieve(new_id).previous_response_id == done
    board._handle_msg(comm_msg({"id": "k0", "kind": "action", "action": "continue", "task": done}))
    assert wire.reply_to("k0")["text"] == "type a reply first"

    # the service's own error comes back in the row's reply
    oracle.responses.delete(done)
    board._handle_msg(
        comm_msg({"id": "k2", "kind": "action", "action": "continue", "task": done, "text": "?"})
    )
    reply = wait_until(lambda: wire.reply_to("k2"), what="the failed continue reply")
    assert not reply["ok"] and reply["text"].startswith("continue failed: 400: Previous response")
    assert done in reply["text"] and "not found" in reply["text"]

    board._handle_msg(comm_msg({"id": "d1", "kind": "action", "action": "delete", "task": slow.id}))
    reply = wait_until(lambda: wire.reply_to("d1"), what="the delete reply")
    assert reply["ok"] and reply["text"] == "deleted"
    with pytest.raises(openai.NotFoundError):
        oracle.responses.retrieve(slow.id)
    assert table.registry.get(slow.id) is None

    opened: list[str] = []
    board.on_open = opened.append
    board._handle_msg(comm_msg({"id": "o1", "kind": "action", "action": "open", "task": new_id}))
    assert opened == [new_id] and wire.reply_to("o1")["ok"]
    board._handle_msg(comm_msg({"id": "x1", "kind": "action", "action": "open", "task": "nope"}))
    assert wire.reply_to("x1")["ok"] is False
    assert all(HEX32.match(m["id"]) for m in wire.sent)
    board.close()


def test_open_shows_a_live_view_below_the_board(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    (done,) = _finished(client, 1)
    board = TaskBoard(table)
    wire = Wire(board)
    bundle = board._repr_mimebundle_()
    bundle = bundle[0] if isinstance(bundle, tuple) else bundle
    shown = bundle["application/vnd.jupyter.widget-view+json"]["model_id"]
    assert shown != board.model_id  # a box: the board and its output area below
    assert board.output is not None
    board._handle_msg(comm_msg({"id": "o1", "kind": "action", "action": "open", "task": done}))
    assert wire.reply_to("o1")["ok"]
    outputs = board.output.outputs
    assert len(outputs) == 1 and "application/vnd.jupyter.widget-view+json" in outputs[0]["data"]
    board.close()


def test_manus_dialect_continue_open_delete_and_no_cancel(tmp_path: Path) -> None:
    from respnb.server.launch import serve_in_thread

    with serve_in_thread(db_path=tmp_path / "m.sqlite3", dialect="manus", pace=50) as srv:
        client = respnb.Client("manus", base_url=srv.base_url, api_key="test-key")
        try:
            table = respnb.tasks(client)
            board = TaskBoard(table)
            wire = Wire(board)
            ask = client.responses.create(
                model="manus-1.5", input="Please ask me first", background=True
            )
            wait_until(
                lambda: table.get(ask.id).normalized_status, what="manus task pending",
                accept=lambda s: s == "requires_input",
            )  # fmt: skip
            board._handle_msg(comm_msg({"id": "q", "kind": "query"}))
            row = next(r for r in wire.reply_to("q")["rows"] if r["id"] == ask.id)
            assert row["word"] == "waiting for input" and "continue" in row["acts"]
            msg = {"id": "k", "kind": "action", "action": "continue", "task": ask.id}
            board._handle_msg(comm_msg({**msg, "text": "Go ahead, no questions"}))
            reply = wait_until(lambda: wire.reply_to("k"), what="manus continue reply")
            assert reply["ok"], reply
            wait_until(
                lambda: client.responses.retrieve(ask.id).status, what="manus task goes on",
                accept=lambda s: s != "pending",
            )  # fmt: skip

            # open: a live view of the Manus task (polled: Manus has no stream), below the board
            board._handle_msg(comm_msg({"id": "o", "kind": "action", "action": "open",
                                        "task": ask.id}))  # fmt: skip
            assert wire.reply_to("o")["ok"]
            (shown,) = board.output.outputs
            assert "application/vnd.jupyter.widget-view+json" in shown["data"]

            slow = client.responses.create(
                model="manus-1.5", input="a long job " * 50, background=True,
                metadata={"respnb_pace": "2"},
            )  # fmt: skip
            wait_until(
                lambda: table.get(slow.id).normalized_status, what="manus task running",
                accept=lambda s: s == "in_progress",
            )  # fmt: skip
            board._handle_msg(comm_msg({"id": "q2", "kind": "query"}))
            row = next(r for r in wire.reply_to("q2")["rows"] if r["id"] == slow.id)
            # Manus has no cancel API: the board does not offer it, and says why if asked
            assert row["word"] == "running" and row["acts"] == ["open", "delete"]
            board._handle_msg(comm_msg({"id": "c", "kind": "action", "action": "cancel",
                                        "task": slow.id}))  # fmt: skip
            reply = wait_until(lambda: wire.reply_to("c"), what="manus cancel reply")
            assert not reply["ok"] and "does not support 'cancel'" in reply["text"]
            board._handle_msg(comm_msg({"id": "d", "kind": "action", "action": "delete",
                                        "task": slow.id}))  # fmt: skip
            reply = wait_until(lambda: wire.reply_to("d"), what="manus delete reply")
            assert reply["ok"], reply["text"]
            assert table.registry.get(slow.id) is None
            web = httpx.get(f"{srv.base_url}/responses/{slow.id}", headers={"API_KEY": "k"})
            assert web.status_code == 404
            board.close()
        finally:
            client.close()
            respnb.tasks.reset()


def test_history_changes_send_only_what_changed(tmp_path: Path) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    reg.bulk_insert(
        {"id": f"r{i}", "status": "queued", "normalized_status": "queued",
         "created_at": 1.7e9 + i, "title": f"t{i}"}
        for i in range(30)
    )  # fmt: skip
    board = TaskBoard(TaskTable(reg), page_size=10)
    wire = Wire(board)
    reg.upsert("r0", {"title": "before any view"})  # listeners run synchronously
    assert board._timer is None and wire.sent == []  # never shown: no work, nothing sent
    board._handle_msg(comm_msg({"id": "q", "kind": "query"}))
    shown = [r["id"] for r in wire.reply_to("q")["rows"]]
    assert shown == [f"r{i}" for i in range(29, 19, -1)]
    # a visible task changes in place: one small patch with that row only
    reg.upsert("r25", {"status": "in_progress", "normalized_status": "in_progress"})
    patch = wait_until(
        lambda: next((m for m in wire.sent if m["kind"] == "patch"), None), what="a patch"
    )
    assert [r["id"] for r in patch["rows"]] == ["r25"] and patch["rows"][0]["word"] == "running"
    assert patch["counts"] == {"queued": 29, "in_progress": 1}
    assert len(str(patch)) < 1500
    # a new task moves the page: the whole page travels
    reg.upsert("r99", {"status": "queued", "normalized_status": "queued", "created_at": 1.8e9})
    page = wait_until(
        lambda: [m for m in wire.sent if m["kind"] == "page" and "reply_to" not in m],
        what="an unasked page",
    )[-1]
    assert page["rows"][0]["id"] == "r99" and page["total"] == 31
    board.close()
    reg.close()


def test_actions_offered_only_where_they_can_work() -> None:
    from respnb._profiles import Capabilities
    from respnb.notebook._board_rows import actions_for
    from respnb.tasks.registry import TaskRecord

    def caps(**off: bool) -> Any:
        c = Capabilities(**off)
        return lambda feature: bool(getattr(c, feature, False))

    running_bg = TaskRecord(id="a", normalized_status="in_progress", background=True)
    running_fg = TaskRecord(id="b", normalized_status="in_progress", background=False)
    done_bg = TaskRecord(id="c", normalized_status="completed", background=True)
    failed = TaskRecord(id="d", normalized_status="failed", background=True)
    manus = TaskRecord(id="e", profile="manus", normalized_status="requires_input")
    assert actions_for(running_bg, caps()) == ["cancel", "open", "delete"]
    assert actions_for(running_fg, caps()) == ["open", "delete"]  # foreground: no cancel API
    assert actions_for(done_bg, caps()) == ["open", "continue", "delete"]
    assert actions_for(failed, caps()) == ["open", "delete"]  # nothing to continue from
    # a vLLM-like service: cancel, but no DELETE and no stored state to continue
    vllm = caps(delete=False, previous_response_id=False)
    assert actions_for(running_bg, vllm) == ["cancel", "open"]
    assert actions_for(done_bg, vllm) == ["open"]
    manus_caps = caps(cancel=False, resume=False)
    assert actions_for(manus, manus_caps) == ["open", "continue", "delete"]
    assert actions_for(done_bg, None) == []  # read-only board
