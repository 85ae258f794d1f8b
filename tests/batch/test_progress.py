"""Progress: the text line, the widget's messages (O(1) bytes per update), Cancel via on_msg."""

from __future__ import annotations

import io
import json
from typing import Any

import pytest

from respnb.batch import BatchProgress, start_batch
from respnb.batch._progress import TextProgress, format_duration
from tests.waiting import wait_until

from .conftest import Served, tickets

pytest.importorskip("anywidget")


class RecordingComm:
    """Stands in for the kernel comm: keeps every message the widget sends."""

    comm_id = "recording"
    kernel = object()  # ipywidgets sends only when the comm has a kernel

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def send(self, data: Any = None, metadata: Any = None, buffers: Any = None) -> None:
        self.sent.append(json.dumps(data, default=str).encode())

    def on_msg(self, callback: Any) -> None:
        pass

    def close(self, *args: Any, **kwargs: Any) -> None:
        pass


def test_the_text_line_and_its_printer() -> None:
    p = BatchProgress("bat_x", 1000)
    p.skipped, p.done, p.failed, p.running = 100, 200, 3, 16
    p.input_tokens, p.output_tokens = 1_000_000, 200_000
    line = p.line()
    assert line.startswith("bat_x: 303/1,000 [30%] 3 failed 16 running")
    assert "rows/min ETA" in line and "1.2M tok" in line
    buf = io.StringIO()
    TextProgress(p, file=buf, interval=3600)
    p.changed()
    p.changed()  # throttled
    p.finish("completed")
    text = buf.getvalue()
    assert text.count("\r") == 2 and text.endswith("| completed\n")
    assert format_duration(75) == "1m15s" and format_duration(None) == "?"


def _view(job: Any) -> Any:
    from respnb.notebook.batch_view import BatchProgressView

    view = BatchProgressView(job, interval=0.0)
    view.comm = RecordingComm()
    return view


@pytest.mark.parametrize("rows", [20, 400])
def test_widget_bytes_per_update_do_not_grow_with_rows(served: Served, rows: int) -> None:
    df = tickets(rows)
    faults = {"headers": {"x-respnb-fault": "{n}"}}  # not a fault spec: 400 for every row
    job = start_batch(df, "Sort: {text}", **faults, **served.kw())
    view = _view(job)
    job.wait()
    sizes = [len(m) for m in view.comm.sent]
    assert sizes and max(sizes) < 2500, max(sizes)
    final = json.loads(view.comm.sent[-1])["state"]["state"]
    assert final["failed"] == rows and len(final["errors"]) == 5
    assert final["errors"][-1]["message"].startswith("HTTP 400")


def test_cancel_message_stops_the_batch(served: Served) -> None:
    df = tickets(40, prefix="widget")
    job = start_batch(
        df,
        "Sort: {text}",
        concurrency=2,
        extra={"metadata": {"respnb_pace": "400"}},
        **served.kw(),
    )
    view = _view(job)
    wait_until(lambda: job.progress.done >= 2, what="two rows done")
    view._handle_custom_msg({"kind": "cancel"}, [])  # what the front end's button sends
    assert job.wait() == "cancelled"
    assert view.state["status"] == "cancelled" and view.state["done"] < 40
    assert repr(view).startswith(job.id)


def test_error_text_cannot_drive_a_terminal() -> None:
    p = BatchProgress("bat_x", 3)
    p.row_error("t\x1b[2J1", "HTTP 400: \x1b]0;pwned\x07 bad\nline")
    (err,) = p.snapshot()["errors"]
    assert "\x1b" not in err["message"] and "\x07" not in err["message"]
    assert err["message"] == "HTTP 400:  ]0;pwned  bad line" and "\x1b" not in err["row"]


def test_cost_so_far_comes_from_the_price_table() -> None:
    import asyncio

    from respnb import AsyncClient
    from respnb._pricing import table_available
    from respnb.batch._estimate import pricer

    if not table_available():
        pytest.skip("the genai-prices table is not installed")
    client = AsyncClient("openai", api_key="test-key-not-used")
    p = BatchProgress("bat_x", 10)
    assert p.cost is None  # nothing spent yet
    p.pricer = pricer(client, "gpt-4.1-mini")
    p.input_tokens, p.output_tokens = 1_000_000, 100_000
    cost = p.cost
    assert cost is not None and cost > 0
    assert p.snapshot()["cost"] == cost and f"~${cost:,.2f}" in p.line()
    p.pricer = pricer(client, "respnb-demo")  # a model the table does not know: tokens only
    assert p.cost is None and "~$" not in p.line()
    asyncio.run(client.close())
