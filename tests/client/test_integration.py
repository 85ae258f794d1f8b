"""The client against respnb's real local server (``local_server`` fixture, faults on)."""

from __future__ import annotations

import pytest

import respnb
from respnb.types import OutputTextDeltaEvent

pytest.importorskip("respnb.server.launch", reason="respnb.server.launch is not there yet")


@pytest.fixture
async def client(local_server):
    async with respnb.AsyncClient("local", base_url=local_server.base_url) as c:
        yield c


async def test_create_retrieve_delete(client):
    r = await client.responses.create(model="respnb-demo", input="hello there")
    assert r.status == "completed" and r.output_text
    again = await client.responses.retrieve(r.id)
    assert again.output_text == r.output_text
    items = [i async for i in client.responses.input_items(r.id)]
    assert len(items) == 1
    assert (await client.responses.delete(r.id)).deleted
    with pytest.raises(respnb.NotFoundError) as info:
        await client.responses.retrieve(r.id)
    assert info.value.request_id and r.id in info.value.message


async def test_stream_then_resume_matches(client):
    async with client.responses.stream(model="respnb-demo", input="stream me") as s:
        deltas = [e.delta async for e in s if isinstance(e, OutputTextDeltaEvent)]
        final = await s.get_final_response()
    assert final.status == "completed"
    assert "".join(deltas) == final.output_text == s.text
    async with client.responses.resume(final.id, after=3) as again:
        seqs = [e.sequence_number async for e in again]
    assert seqs[0] == 4 and seqs[-1] == s.cursor


async def test_background_wait_and_input_tokens(client):
    b = await client.responses.create(model="respnb-demo", input="bg", background=True)
    assert b.status in ("queued", "in_progress")
    done = await client.responses.wait(b.id, poll_interval=0.05)
    assert done.status == "completed" and done.output_text
    assert await client.responses.input_tokens(model="respnb-demo", input="hello") > 0


async def test_dropped_background_stream_auto_resumes(client):
    async with client.responses.stream(
        model="respnb-demo",
        input="drop me please now",
        background=True,
        extra_headers={"x-respnb-fault": "drop_after=5"},
    ) as s:
        final = await s.get_final_response()
    assert s.resumes >= 1
    assert final.status == "completed"
    stored = await client.responses.retrieve(final.id)
    assert final.output_text == stored.output_text


async def test_rate_limit_fault_is_retried(local_server):
    async with respnb.AsyncClient("local", base_url=local_server.base_url) as c:
        r = await c.responses.create(
            model="respnb-demo",
            input="x",
            extra_headers={"x-respnb-fault": "status=429;retry_after=0;times=2"},
        )
    assert r.status == "completed"


async def test_conversations_and_files(client):
    conv = await client.conversations.create(metadata={"topic": "t"})
    assert (await client.conversations.retrieve(conv.id)).metadata == {"topic": "t"}
    f = await client.files.create(file=("x.txt", b"abc"))
    assert await client.files.content(f.id) == b"abc"
    assert (await client.files.delete(f.id)).deleted


def test_sync_client_against_server(local_server):
    with respnb.Client("local", base_url=local_server.base_url) as c:
        with c.responses.stream(model="respnb-demo", input="sync") as s:
            text = "".join(s.text_deltas())
        assert text and text == s.snapshot().output_text
        assert c.responses.retrieve(s.response_id).output_text == text


async def test_cancelled_background_stream_ends_without_reconnect_storm(client):
    """Cancellation has no stream event: the stream must end as cancelled, not keep resuming."""
    async with client.responses.stream(
        model="respnb-slow", input="a long story please", background=True
    ) as s:
        seen = 0
        async for event in s:
            seen += 1
            if isinstance(event, OutputTextDeltaEvent):
                await client.responses.cancel(s.response_id)
                break
        async for _ in s:  # drain what remains after the cancel
            pass
        final = s.snapshot()
    assert seen > 0
    assert final.status == "cancelled"
    assert s.resumes <= 1


def test_sync_cursor_is_what_the_loop_saw_despite_read_ahead(local_server):
    """After a break, resume(after=stream.cursor) continues exactly after the last seen event."""
    with respnb.Client("local", base_url=local_server.base_url) as client:
        _cursor_after_break(client)


def _cursor_after_break(client: respnb.Client) -> None:
    with client.responses.stream(model="respnb-demo", input="tell me", background=True) as s:
        seen = []
        for event in s:
            seen.append(event)
            if len(seen) == 7:
                break
        assert s.cursor == seen[-1].sequence_number == 6
        rid = s.response_id
    with client.responses.resume(rid, after=s.cursor) as again:
        rest = list(again)
    seqs = [e.sequence_number for e in seen + rest]
    assert seqs == list(range(len(seqs)))
    text = "".join(e.delta for e in seen + rest if isinstance(e, OutputTextDeltaEvent))
    assert text == client.responses.retrieve(rid).output_text


def test_sync_snapshot_is_what_the_loop_saw_despite_read_ahead(local_server):
    """Mid-loop, snapshot() and text describe the events handed out, not those read ahead."""
    from tests.waiting import wait_until

    with respnb.Client("local", base_url=local_server.base_url) as client:
        with client.responses.stream(model="respnb-demo", input="a long answer please") as s:
            seen = ""
            checked = 0
            for event in s:
                if isinstance(event, OutputTextDeltaEvent):
                    seen += event.delta
                    if checked == 0:
                        # let the reader run ahead to the end before looking
                        wait_until(lambda: s.async_stream.done, what="the read-ahead to finish")
                    if checked < 3:
                        assert s.snapshot().output_text == seen == s.text
                        checked += 1
            final = s.get_final_response()
        assert checked == 3 and len(seen) > 0
        assert final.output_text == seen == s.snapshot().output_text == s.text


def test_sync_snapshot_after_break_keeps_everything_read_and_a_second_loop_continues(
    local_server,
):
    from tests.waiting import wait_until

    with respnb.Client("local", base_url=local_server.base_url) as client:
        with client.responses.stream(model="respnb-demo", input="a long answer please") as s:
            for event in s:
                if isinstance(event, OutputTextDeltaEvent):
                    wait_until(lambda: s.async_stream.done, what="the read-ahead to finish")
                    break
            after_break = s.snapshot()
            final = s.get_final_response()  # a second loop: nothing more to read
        assert after_break.output_text == final.output_text
        assert final.status == "completed"
        assert final.output_text == client.responses.retrieve(final.id).output_text
