"""Rows against the local server with injected faults: every row ends with a result or a
recorded error, and after an interrupt nothing done is sent again (the server's own log)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

import pandas as pd

import respnb
from respnb.batch import start_batch
from respnb.tasks.batch_store import shared_batch_store
from tests.waiting import wait_until

from .conftest import Served, tickets


def _faults(df: pd.DataFrame, by_row: dict[int, str]) -> pd.DataFrame:
    out = df.copy()
    out["fault"] = [by_row.get(i, "") for i in range(len(df))]
    return out


def test_a_429_storm_with_retry_after_shrinks_concurrency_and_every_row_completes(
    served: Served,
) -> None:
    df = _faults(tickets(40), {i: "status=429;retry_after=0.05;times=2" for i in range(40)})
    job = start_batch(
        df,
        "Classify: {text}",
        headers={"x-respnb-fault": "{fault}"},
        concurrency=8,
        **served.kw(),
    )
    assert job.wait() == "completed"
    out = job.frame()
    assert (out["status"] == "completed").all(), out["error"].dropna().tolist()
    assert out["output_text"].str.len().min() > 0
    assert job.requests_sent == 40 * 3  # two 429s, then the answer, for each row
    assert job.limiter is not None and job.limiter.rate_limited == 80
    assert job.limiter.decreases >= 1  # the storm shrank the concurrency
    wait_until(lambda: len(served.created()) == 40, what="40 prompts stored")
    created = served.created()
    assert all(created[f"Classify: {t}"] == 1 for t in df["text"]), created


def test_500s_are_retried_and_a_hopeless_row_is_a_recorded_error(served: Served) -> None:
    df = _faults(tickets(12), {0: "status=500;times=2", 1: "status=500", 2: "status=400"})
    out = respnb.batch(
        df, "Classify: {text}", headers={"x-respnb-fault": "{fault}"}, retries=3, **served.kw()
    )
    assert out.loc["t0", "status"] == "completed"
    assert out.loc["t1", "status"] == "failed" and "HTTP 500" in out.loc["t1", "error"]
    assert out.loc["t2", "status"] == "failed" and "HTTP 400" in out.loc["t2", "error"]
    assert (out.iloc[3:]["status"] == "completed").all()
    assert out.loc["t1", "output_text"] is pd.NA
    job = shared_batch_store().job(out.attrs["batch_id"])
    assert job is not None and job["status"] == "completed"


def test_dropped_streams_end_as_recorded_errors_and_the_rest_completes(served: Served) -> None:
    df = _faults(tickets(10), {3: "drop_after=2", 7: "fail_after=3"})
    out = respnb.batch(
        df,
        "Classify: {text}",
        headers={"x-respnb-fault": "{fault}"},
        stream=True,
        retries=2,
        **served.kw(),
    )
    assert out.loc["t3", "status"] == "failed" and out.loc["t3", "error"]
    assert out.loc["t7", "status"] == "failed" and "failed" in out.loc["t7", "error"]
    ok = out.drop(index=["t3", "t7"])
    assert (ok["status"] == "completed").all() and ok["output_text"].notna().all()


def test_a_response_failed_by_the_service_is_retried_under_a_new_key(served: Served) -> None:
    """``server_error`` in a failed response is worth another attempt (with a new
    Idempotency-Key, or the service would answer with the same failure); a failure the request
    caused is recorded at once."""
    for stream in (False, True):
        once = "fail_after=3;code=server_error;times=1;id={stream}-{row}"
        df = _faults(
            tickets(8),
            {
                0: once.format(stream=stream, row=0),
                1: once.format(stream=stream, row=1),
                2: "fail_after=3;code=invalid_prompt",
            },
        )
        out = respnb.batch(
            df, f"Label {stream}: {{text}}", headers={"x-respnb-fault": "{fault}"},
            stream=stream, retries=2, **served.kw(),
        )  # fmt: skip
        assert (out.loc[["t0", "t1"], "status"] == "completed").all(), out["error"].tolist()
        created = served.created()  # the server's log: one response per attempt
        tries = {i: created[f"Label {stream}: {t}"] for i, t in df["text"].items()}
        assert [tries["t0"], tries["t1"], tries["t2"]] == [2, 2, 1]
        assert out.loc["t2", "status"] == "failed" and "invalid_prompt" in out.loc["t2", "error"]
        assert (out.iloc[3:]["status"] == "completed").all()
        assert all(tries[k] == 1 for k in out.index[3:])
    always = _faults(tickets(2, prefix="hopeless"), {0: "fail_after=3;code=server_error"})
    out = respnb.batch(
        always, "Label: {text}", headers={"x-respnb-fault": "{fault}"}, retries=2, **served.kw()
    )
    assert out.iloc[0]["status"] == "failed" and "server_error" in out.iloc[0]["error"]
    text = always["text"].iloc[0]
    assert served.created()[f"Label: {text}"] == 3  # the first attempt and 2 retries


def test_stop_and_cancel_then_resume_sends_only_the_rest(served: Served) -> None:
    df = tickets(60)
    first = start_batch(df, "Tag: {text}", max_rows=20, concurrency=4, **served.kw())
    assert first.wait() == "stopped"
    assert (first.frame()["status"] == "completed").sum() == 20
    # cancel the second run while rows are in flight (a slow answer per row)
    slow = {"extra": {"metadata": {"respnb_pace": "200"}}}
    df_slow = tickets(30, prefix="slow")
    second = start_batch(df_slow, "Tag: {text}", concurrency=3, **slow, **served.kw())
    wait_until(lambda: second.progress.done >= 3, what="three rows done before the cancel")
    second.cancel()
    assert second.wait() == "cancelled"
    done_before = int((second.frame()["status"] == "completed").sum())
    assert 3 <= done_before < 30
    again = start_batch(df_slow, "Tag: {text}", concurrency=6, **slow, **served.kw())
    assert again.id == second.id and again.progress.skipped == done_before
    assert again.wait() == "completed"
    assert again.requests_sent == 30 - done_before
    rest = start_batch(df, "Tag: {text}", **served.kw())
    assert rest.wait() == "completed" and rest.requests_sent == 40
    assert (rest.frame()["status"] == "completed").all()
    texts = [f"Tag: {t}" for t in [*df["text"], *df_slow["text"]]]
    wait_until(lambda: all(served.created()[t] >= 1 for t in texts), what="all rows stored")
    created = served.created()
    assert {t: created[t] for t in texts if created[t] != 1} == {}


SCRIPT = """
import sys, pandas as pd, respnb
df = pd.DataFrame({{"text": [f"kernel {{i}}" for i in range(30)]}})
print("started", flush=True)
out = respnb.batch(df, "Tag: {{text}}", profile="local", base_url="{url}", concurrency=2,
                   extra={{"metadata": {{"respnb_pace": "300"}}}}, progress="text")
print("returned", (out["status"] == "completed").sum(), flush=True)
"""


def test_a_kernel_interrupt_mid_batch_then_a_new_process_resumes(served: Served) -> None:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    script = textwrap.dedent(SCRIPT.format(url=served.base_url))
    proc = subprocess.Popen(
        [sys.executable, "-c", script],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_until(
            lambda: sum(v for k, v in served.created().items() if k.startswith("Tag: kernel")) >= 6,
            what="6 rows created on the server before the interrupt",
        )
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert "interrupted" in err, err
    done_before = int(out.split("returned")[1].split()[0])
    assert 4 <= done_before < 30  # 6 created, at most 2 (the concurrency) in flight
    df = pd.DataFrame({"text": [f"kernel {i}" for i in range(30)]})
    job = start_batch(
        df,
        "Tag: {text}",
        concurrency=8,  # not part of the call's identity: the same batch, sent faster
        extra={"metadata": {"respnb_pace": "300"}},
        **served.kw(),
    )
    assert job.progress.skipped == done_before
    assert job.wait() == "completed"
    assert job.requests_sent == 30 - done_before
    assert (job.frame()["status"] == "completed").all()
    wait_until(
        lambda: len([k for k in served.created() if k.startswith("Tag: kernel")]) == 30,
        what="30 prompts stored",
    )
    created = served.created()
    assert {k: v for k, v in created.items() if k.startswith("Tag: kernel") and v != 1} == {}


def test_rate_limit_headers_from_the_server_pause_new_requests(served: Served) -> None:
    df = _faults(tickets(12), {i: "ratelimit=0/50ms" for i in range(12)})
    job = start_batch(
        df,
        "Classify: {text}",
        headers={"x-respnb-fault": "{fault}"},
        concurrency=4,
        **served.kw(),
    )
    assert job.wait() == "completed"
    assert job.limiter is not None and job.limiter.header_pauses == 12
    assert (job.frame()["status"] == "completed").all()
