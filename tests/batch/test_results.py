"""The results frame, the batch list, the cancel flag, the size estimate, tools per row."""

from __future__ import annotations

import sqlite3
from enum import Enum
from typing import Literal

import pandas as pd
import pytest
from pydantic import BaseModel

import respnb
from respnb.batch import ConfirmationRequired, start_batch
from respnb.batch._frame import results_frame
from respnb.tasks.batch_store import RowResult, shared_batch_store

from .conftest import Served, tickets


class Color(Enum):
    RED = "red"


class Row(BaseModel):
    n: int
    score: float | None
    ok: bool
    name: str
    kind: Literal["a", "b"]
    color: Color
    tags: list[str]


def test_typed_columns_pending_rows_and_kept_inputs() -> None:
    src = pd.DataFrame({"text": ["x", "y", "x"], "status": [1, 2, 3]}, index=[10, 20, 30])
    parsed = (
        '{"n": 3, "score": null, "ok": true, "name": "q", "kind": "a", "color": "red", '
        '"tags": ["t"]}'
    )
    results = {
        "k1": RowResult("k1", "completed", "out", parsed, None, 5, 6, 11, "resp_1"),
    }
    frame = results_frame(src.index, ["k1", "k2", "k1"], results, schema=Row, source=src)
    assert list(frame.index) == [10, 20, 30]
    assert list(frame.columns[:2]) == ["text", "status_input"]  # an input clash is renamed
    dtypes = {c: str(t) for c, t in frame.dtypes.items()}
    assert dtypes["n"] == "Int64" and dtypes["score"] == "Float64" and dtypes["ok"] == "boolean"
    assert dtypes["name"] == "string" and dtypes["kind"] == "category"
    assert dtypes["color"] == "category" and dtypes["tags"] == "object"
    assert dtypes["input_tokens"] == "Int64"
    assert frame.loc[10, "n"] == 3 and frame.loc[30, "tags"] == ["t"]
    assert frame.loc[20, "status"] == "pending" and frame.loc[20, "n"] is pd.NA


def test_batches_lists_every_batch_and_no_key_is_stored(served: Served) -> None:
    out = respnb.batch(tickets(5), "A {text}", api_key="sk-secret-never-stored", **served.kw())
    frame = respnb.batches()
    row = frame.loc[out.attrs["batch_id"]]
    assert (row["rows"], row["done"], row["failed"], row["pending"]) == (5, 5, 0, 0)
    assert str(frame["created_at"].dtype).startswith("datetime64")
    store = shared_batch_store()
    with sqlite3.connect(store.path) as conn:
        dump = "\n".join(conn.iterdump())
    assert "sk-secret-never-stored" not in dump
    assert not respnb.batch.cancel("bat_unknown")


def test_duplicate_rows_are_sent_once(served: Served) -> None:
    df = pd.DataFrame({"text": ["same"] * 6 + ["other"]})
    job = start_batch(df, "Q {text}", **served.kw())
    job.wait()
    out = job.frame()
    assert job.requests_sent == 2
    assert out["response_id"].nunique() == 2 and (out["status"] == "completed").all()


def test_a_large_batch_needs_confirmation(served: Served) -> None:
    df = tickets(30)
    with pytest.raises(ConfirmationRequired, match="confirm=True") as info:
        respnb.batch(df, "Classify {text}", confirm_above=50, **served.kw())
    est = info.value.estimate
    assert est.method == "service" and est.to_send == 30 and est.input_tokens > 50
    seen = []
    out = respnb.batch(
        df,
        "Classify {text}",
        confirm_above=50,
        confirm=lambda e: seen.append(e) or True,
        **served.kw(),
    )
    assert len(seen) == 1 and (out["status"] == "completed").all()


def lookup(city: str) -> str:
    """Weather of a city."""
    return f"sunny in {city}"


def test_function_tools_run_per_row(served: Served) -> None:
    df = pd.DataFrame({"city": ["Paris", "Oslo"]})
    out = respnb.batch(df, "What is the weather in {city}?", tools=[lookup], **served.kw())
    assert (out["status"] == "completed").all(), out["error"].tolist()
    assert out["output_text"].str.len().min() > 0
    with pytest.raises(ValueError, match="cannot run Python function tools"):
        respnb.batch(df, "Weather in {city}?", tools=[lookup], mode="batch", **served.kw())


def test_bad_arguments_say_what_to_fix(served: Served) -> None:
    df = tickets(2)
    for kw, msg in [
        ({"mode": "fast"}, "mode='fast'"),
        ({"concurrency": 0}, "at least 1"),
        ({"max_rows": -1}, "0 or more"),
        ({"progress": "bar"}, "progress='bar'"),
    ]:
        with pytest.raises(ValueError, match=msg):
            respnb.batch(df, "{text}", **{**served.kw(), **kw})


def test_without_an_input_tokens_endpoint_the_estimate_counts_characters(served: Served) -> None:
    from respnb import Capabilities, Profile

    profile = Profile(
        name="no-count",
        kind="compatible",
        base_url=served.base_url,
        default_model="respnb-demo",
        capabilities=Capabilities(input_tokens=False),
    )
    job = start_batch(tickets(8), "Count: {text}", profile=profile, api_key="k", progress=None)
    assert job.wait() == "completed" and job.mode == "rows"
    assert job.estimate is not None and job.estimate.method == "chars/4"
    assert job.estimate.input_tokens > 0 and job.estimate.to_send == 8
