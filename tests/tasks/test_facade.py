"""respnb.tasks() on the shared loop: recording, actions, attach, webhooks (board: tests/board)."""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

import respnb
import respnb.tasks
from respnb.tasks import TaskTable
from tests.waiting import wait_until

pytest.importorskip("respnb.server.launch")


@pytest.fixture
def client(local_server: Any) -> Iterator[respnb.Client]:
    c = respnb.Client("local", base_url=local_server.base_url)
    yield c
    c.close()
    respnb.tasks.reset()


def _until(pred: Any, what: str) -> None:
    wait_until(pred, what=what)


def _slow(c: respnb.Client, text: str) -> respnb.Response:
    pace = {"respnb_pace": "100"}
    return c.responses.create(
        model="respnb-demo", input=text, background=True, store=True, metadata=pace
    )


def test_tasks_records_refreshes_and_acts(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    assert isinstance(table, TaskTable)
    assert table.registry.path.parent == respnb._home.home()
    quick = client.responses.create(
        model="respnb-demo", input="quick one", background=True, store=True
    )
    slow = _slow(client, "slow one")
    # recorded at once by the observer, with the request's prompt
    assert table.get(quick.id).prompt == "quick one"
    assert table.get(slow.id).background is True
    _until(lambda: table.get(quick.id).normalized_status == "completed", "quick completes")
    rec = table.cancel(slow.id)
    assert rec.normalized_status == "cancelled"
    _until(lambda: table.refresher is not None and table.refresher.following == 0, "settled")
    assert table.get(slow.id).normalized_status == "cancelled"
    df = table.frame()
    assert set(df["id"]) == {quick.id, slow.id}
    assert df.set_index("id").loc[quick.id, "output_text"]
    assert table.refresh() == 0  # nothing in flight any more
    table.delete(quick.id)
    with pytest.raises(KeyError):
        table.get(quick.id)
    with pytest.raises(respnb.NotFoundError):
        client.responses.retrieve(quick.id)


def test_restart_shows_history_and_reattaches(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    slow = _slow(client, "survives a restart")
    respnb.tasks.reset()  # a new kernel: fresh registry and refresher objects, same database
    again = respnb.tasks()
    assert again is not table and again.refresher is not table.refresher
    assert again.get(slow.id).prompt == "survives a restart"
    ref = again.refresher
    assert ref is not None
    _until(lambda: ref.following >= 1 or again.get(slow.id).is_terminal, "re-attached")
    assert ref.requests > 0 or ref.following >= 1
    _until(lambda: again.get(slow.id).normalized_status == "completed", "reattached completes")


def test_attach_gives_live_view(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    slow = _slow(client, "watch me")
    from respnb.notebook.board import attach
    from respnb.notebook.view import ResponseView

    view = attach(slow.id, table)

    assert isinstance(view, ResponseView)
    view.task.result(timeout=30)
    assert view.finished
    assert "watch me" in view.text
    assert view.status == "completed"


def test_attach_to_a_task_the_service_cannot_give_says_so(client: respnb.Client) -> None:
    """A task the service no longer has: the view shows the error and the known status,
    never a "pending" view that waits forever."""
    table = respnb.tasks(client)
    done = client.responses.create(model="respnb-demo", input="then gone", store=True)
    _until(lambda: table.get(done.id).normalized_status == "completed", "recorded")
    client.responses.delete(done.id)  # gone from the service and from the history...
    table.registry.record_response(done, profile="local", base_url=client.base_url)  # ...but
    # a history copied from another machine still lists it
    from respnb.notebook.board import attach

    view = attach(done.id, table)
    with pytest.raises(respnb.NotFoundError):
        view.task.result(timeout=30)
    assert view.finished
    assert view.status == "completed"
    assert view.state.error is not None
    assert view.state.error["code"] == 404
    assert view.state.error["message"].startswith(f"could not follow task {done.id}: ")


def test_webhook_drives_update(client: respnb.Client, local_server: Any) -> None:
    from respnb.tasks import Refresher, TaskRegistry, sign, start_webhook_receiver

    reg = TaskRegistry(respnb._home.home() / "hooked.sqlite3")
    ref = Refresher(reg, respnb._sync.loop_thread().loop)  # not listening: no polling at all
    ref.use_client(client.async_client)
    r = client.responses.create(model="respnb-demo", input="hook me", background=True, store=True)
    reg.record_response(r, profile="local", base_url=local_server.base_url)
    assert reg.get(r.id).in_flight
    client.responses.wait(r.id)
    assert reg.get(r.id).in_flight  # nobody told the registry yet
    secret = "whsec_" + base64.b64encode(b"s" * 32).decode()
    rx = start_webhook_receiver(secret, refresher=ref)
    try:
        body = json.dumps(
            {
                "id": "evt_1",
                "object": "event",
                "type": "response.completed",
                "created_at": int(time.time()),
                "data": {"id": r.id},
            }
        ).encode()
        ts = int(time.time())
        bad = httpx.post(
            rx.url,
            content=body,
            headers={
                "webhook-id": "msg_0",
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(secret, "msg_0", ts - 1, body),
            },
        )
        assert bad.status_code == 400
        assert reg.get(r.id).in_flight
        ok = httpx.post(
            rx.url,
            content=body,
            headers={
                "webhook-id": "msg_1",
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(secret, "msg_1", ts, body),
            },
        )
        assert ok.status_code == 204
        _until(lambda: reg.get(r.id).normalized_status == "completed", "webhook refresh")
    finally:
        rx.stop()
        ref.close()
        reg.close()


def test_tasks_magic(client: respnb.Client, tmp_path: Any) -> None:
    from respnb.notebook.board import TaskBoard
    from respnb.notebook.board_magic import parse_args, register, tasks_magic

    respnb.tasks()  # (re)installs the observer after a reset (importing respnb installs it)
    client.responses.create(model="respnb-demo", input="magic row", store=True)
    board = tasks_magic("magic --page-size 20")
    assert isinstance(board, TaskBoard)
    assert (board.search, board.page_size) == ("magic", 20)
    board.close()
    out = tasks_magic(f"--csv {tmp_path / 'h.csv'}")
    assert "magic row" in out.read_text()
    with pytest.raises(ValueError, match="unknown %tasks option"):
        parse_args("--bogus")

    class Shell:
        def register_magic_function(self, fn: Any, magic_kind: str, magic_name: str) -> None:
            self.got = (fn, magic_kind, magic_name)

    shell = Shell()
    register(shell)
    assert shell.got == (tasks_magic, "line", "tasks")


def test_api_key_never_reaches_db_exports_or_board(local_server: Any, tmp_path: Any) -> None:
    secret = "sk-test-SECRET-4242-never-store"
    c = respnb.Client("local", base_url=local_server.base_url, api_key=secret)
    try:
        table = respnb.tasks(c)
        r = c.responses.create(
            model="respnb-demo", input="secret scan", background=True, store=True
        )
        _until(lambda: table.get(r.id).normalized_status == "completed", "completes")
        board = respnb.TaskBoard(table)
        sent: list[str] = []
        board.send = lambda msg, buffers=None: sent.append(json.dumps(msg))  # type: ignore[method-assign]
        board.sync()
        csv = table.to_csv(tmp_path / "all.csv").read_text()
        db = table.registry.path
        blobs = [db.read_bytes()]
        wal = db.with_name(db.name + "-wal")
        if wal.exists():
            blobs.append(wal.read_bytes())
        assert all(secret.encode() not in b for b in blobs)
        assert secret not in csv and secret not in "".join(sent)
        assert secret not in repr(table) + repr(table.refresher) + repr(table.get(r.id))
        board.close()
    finally:
        c.close()
        respnb.tasks.reset()


def test_observer_from_import_time_remembers_custom_profiles(local_server: Any) -> None:
    from respnb.tasks import _observer

    respnb.tasks.reset()
    _observer.install()  # what importing respnb does: record everything from the start
    prof = respnb.Profile(
        name="my-local", kind="local", base_url=local_server.base_url, key_required=False
    )
    c = respnb.Client(prof)
    try:
        r = _slow(c, "custom profile task")
        table = respnb.tasks()  # later: the refresher builds a client from the seen profile
        _until(lambda: table.get(r.id).normalized_status == "completed", "completes")
        rec = table.get(r.id)
        assert (rec.profile, rec.base_url) == ("my-local", local_server.base_url)
        assert rec.error is None
    finally:
        c.close()
        respnb.tasks.reset()
