"""The Batch API path end to end on the local server: files split at the limits, polling,
results joined by custom_id, an error file, an expired batch with partial results, re-attaching
after an interrupt, cancelling, and the provider batches shown as tasks."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

import respnb
from respnb.batch import start_batch
from respnb.batch._batch_api import chunk_lines
from respnb.tasks import shared_registry
from respnb.tasks.batch_store import shared_batch_store
from tests.waiting import wait_until

from .conftest import Served, tickets

FAST = {"mode": "batch", "poll_interval": 0.05, "poll_max": 0.2}


class Ticket(BaseModel):
    category: str
    urgent: bool


def test_chunks_respect_both_limits() -> None:
    lines = [b"x" * 9] * 7  # 10 bytes each with the newline
    assert [len(c) for c in chunk_lines(lines, 3, 10_000)] == [3, 3, 1]
    assert [len(c) for c in chunk_lines(lines, 100, 25)] == [2, 2, 2, 1]
    with pytest.raises(ValueError, match="shorten that row"):
        list(chunk_lines([b"y" * 50], 10, 20))


def test_files_split_joined_back_by_custom_id_and_shown_as_tasks(served: Served) -> None:
    df = tickets(25)
    out = respnb.batch(df, "Triage: {text}", schema=Ticket, max_lines=10, **FAST, **served.kw())
    assert (out["status"] == "completed").all(), out["error"].dropna().tolist()
    assert list(out.index) == list(df.index)
    assert str(out["urgent"].dtype) == "boolean" and str(out["category"].dtype) == "string"
    assert out["input_tokens"].notna().all()
    client = respnb.Client("local", base_url=served.base_url)
    provider = list(client.batches.list())
    assert len(provider) == 3  # 10 + 10 + 5 lines
    assert sorted(b.request_counts.total for b in provider if b.request_counts) == [5, 10, 10]
    # each row's answer is the one its custom_id got: the response echoes the row's prompt
    for pid in (b.id for b in provider):
        batch = client.batches.retrieve(pid)
        assert batch.output_file_id
        for line in client.files.content(batch.output_file_id).splitlines():
            row = json.loads(line)
            rid = row["response"]["body"]["id"]
            assert rid in set(out["response_id"])
    tasks = {r.id: r for r in shared_registry().records()}
    for b in provider:
        assert tasks[b.id].source == "batch" and tasks[b.id].status == "completed"
        assert out.attrs["batch_id"] in (tasks[b.id].title or "")
    client.close()


def test_an_expired_batch_gives_partial_results_then_a_rerun_sends_the_rest(
    served: Served,
) -> None:
    df = tickets(20)
    meta = {"respnb_expire_after": "8"}
    out = respnb.batch(df, "Triage: {text}", batch_metadata=meta, **FAST, **served.kw())
    assert (out["status"] == "completed").sum() == 8
    expired = out[out["status"] == "failed"]
    assert len(expired) == 12 and expired["error"].str.contains("batch_expired").all()
    jobs = respnb.batches()
    assert jobs.loc[out.attrs["batch_id"], "status"] == "expired"
    assert jobs.loc[out.attrs["batch_id"], "done"] == 8
    again = start_batch(df, "Triage: {text}", **FAST, **served.kw())
    assert again.progress.skipped == 8
    assert again.wait() == "completed"
    assert (again.frame()["status"] == "completed").all()
    client = respnb.Client("local", base_url=served.base_url)
    totals = sorted(b.request_counts.total for b in client.batches.list() if b.request_counts)
    assert totals == [12, 20]  # the re-run sent only the 12 rows the expiry left
    client.close()


def test_an_error_file_line_becomes_that_rows_error(served: Served) -> None:
    client = respnb.Client("local", base_url=served.base_url)
    lines = [
        {
            "custom_id": "ok",
            "method": "POST",
            "url": "/v1/responses",
            "body": {"model": "respnb-demo", "input": "hello"},
        },
        {
            "custom_id": "bad",
            "method": "POST",
            "url": "/v1/responses",
            "body": {"model": "respnb-demo", "input": "hello", "temperature": 7},
        },
    ]
    data = "\n".join(json.dumps(x) for x in lines).encode()
    file = client.files.create(file=("in.jsonl", data), purpose="batch")
    batch = client.batches.create(input_file_id=file.id)
    assert batch.status == "validating"
    final = wait_until(
        lambda: client.batches.retrieve(batch.id),
        what="batch terminal",
        accept=lambda b: b.is_terminal,
    )
    assert final.status == "completed" and final.request_counts is not None
    assert (final.request_counts.completed, final.request_counts.failed) == (1, 1)
    assert final.output_file_id and final.error_file_id
    err = json.loads(client.files.content(final.error_file_id))
    assert err["custom_id"] == "bad" and err["response"]["status_code"] == 400
    assert "temperature" in json.dumps(err["response"]["body"])
    # a malformed input file fails validation, naming the lines
    bad = client.files.create(
        file=("bad.jsonl", b'{"custom_id": "a"}\nnot json\n'), purpose="batch"
    )
    failed = wait_until(
        lambda: client.batches.retrieve(client.batches.create(input_file_id=bad.id).id),
        what="failed batch",
        accept=lambda b: b.status == "failed",
    )
    assert failed.errors is not None and {e["line"] for e in failed.errors.data} == {1, 2}
    other = client.files.create(file=("x.txt", b"x"), purpose="user_data")
    with pytest.raises(respnb.BadRequestError, match="purpose 'batch'"):
        client.batches.create(input_file_id=other.id)
    client.close()


def test_interrupted_client_reattaches_and_cancel_keeps_finished_requests(
    served: Served,
) -> None:
    df = tickets(16)
    slow = {"batch_metadata": {"respnb_request_delay": "0.15"}}
    first = start_batch(df, "Slow: {text}", **slow, **FAST, **served.kw())
    store = shared_batch_store()
    wait_until(lambda: store.provider_batches(first.id), what="the provider batch recorded")
    assert first.future is not None
    first.future.cancel()  # the kernel went away; the provider batch keeps running
    wait_until(first.finished.is_set, what="the first run to stop")
    again = start_batch(df, "Slow: {text}", **slow, **FAST, **served.kw())
    assert again.wait() == "completed"
    assert (again.frame()["status"] == "completed").all()
    client = respnb.Client("local", base_url=served.base_url)
    assert len(list(client.batches.list())) == 1  # re-attached, not submitted twice
    # cancel: the provider batch goes cancelling -> cancelled, finished requests are kept
    df2 = tickets(48, prefix="cancel")
    job = start_batch(
        df2, "Slow: {text}", batch_metadata={"respnb_request_delay": "0.5"}, **FAST, **served.kw()
    )
    wait_until(lambda: store.provider_batches(job.id), what="the second provider batch")
    assert respnb.batch.cancel(job.id)
    assert job.wait() == "cancelled"
    out = job.frame()
    assert 0 < (out["status"] == "completed").sum() < 48
    assert out.loc[out["status"] == "failed", "error"].str.contains("batch_cancelled").all()
    cancelled = [b for b in client.batches.list() if b.status == "cancelled"]
    assert len(cancelled) == 1
    client.close()


def test_the_official_sdk_reads_our_batches(served: Served) -> None:
    openai = pytest.importorskip("openai")
    sdk = openai.OpenAI(base_url=served.base_url, api_key="unused", max_retries=0)
    line = {
        "custom_id": "c1",
        "method": "POST",
        "url": "/v1/responses",
        "body": {"model": "respnb-demo", "input": "hello from the SDK"},
    }
    file = sdk.files.create(file=("in.jsonl", json.dumps(line).encode()), purpose="batch")
    batch = sdk.batches.create(
        input_file_id=file.id, endpoint="/v1/responses", completion_window="24h"
    )
    final = wait_until(
        lambda: sdk.batches.retrieve(batch.id),
        what="the SDK's batch terminal",
        accept=lambda b: b.status in ("completed", "failed", "expired", "cancelled"),
    )
    assert final.status == "completed" and final.request_counts is not None
    assert final.request_counts.completed == 1 and final.output_file_id
    row = json.loads(sdk.files.content(final.output_file_id).text)
    assert row["custom_id"] == "c1" and row["response"]["status_code"] == 200
    assert row["response"]["body"]["object"] == "response"
    assert [b.id for b in sdk.batches.list()] == [batch.id]
    with pytest.raises(openai.BadRequestError):
        sdk.batches.cancel(batch.id)  # finished: not cancellable
    sdk.close()


def test_auto_mode_switches_to_the_batch_api_from_batch_above(served: Served) -> None:
    kw = {"poll_interval": 0.05, "poll_max": 0.2, **served.kw()}
    small = start_batch(tickets(4), "Auto: {text}", batch_above=5, **kw)
    assert small.wait() == "completed" and small.mode == "rows"
    big = start_batch(tickets(6, prefix="big"), "Auto: {text}", batch_above=5, **kw)
    assert big.wait() == "completed" and big.mode == "batch"
    client = respnb.Client("local", base_url=served.base_url)
    assert [b.request_counts.total for b in client.batches.list() if b.request_counts] == [6]
    client.close()
