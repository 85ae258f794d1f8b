"""``%%respond --over df``: the magic's options and interpolation, one request per row."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
from IPython.core.error import UsageError

from tests.magics.conftest import Runner

from .conftest import tickets


def test_over_a_frame_with_a_schema_and_notebook_variables(shell: Any) -> None:
    shell.run_cell(
        "from pydantic import BaseModel\n"
        "class Label(BaseModel):\n    label: str\n    confidence: float\n"
    )
    shell.user_ns["df"] = tickets(6)
    shell.user_ns["tone"] = "briefly"
    respond = Runner(shell)
    respond("--over df --schema Label --keep -q --out res -i 'Answer {tone}'", "Label {text}")
    res = shell.user_ns["res"]
    assert isinstance(res, pd.DataFrame) and list(res.index) == list(tickets(6).index)
    assert (res["status"] == "completed").all()
    assert str(res["confidence"].dtype) == "Float64" and "text" in res.columns
    assert res.attrs["batch_id"].startswith("bat_")


def test_over_in_the_background_sets_the_variable_when_done(shell: Any) -> None:
    shell.user_ns["df"] = tickets(4)
    Runner(shell)("--over df -b -q --out bg", "Label {text}")
    job = shell.user_ns["bg_job"]
    job.wait()
    from tests.waiting import wait_until

    res = wait_until(
        lambda: shell.user_ns.get("bg"),
        what="the background result",
        accept=lambda v: v is not None,
    )
    assert (res["status"] == "completed").all()


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("--over nothing", "no variable named 'nothing'"),
        ("--over notdf", "not a pandas DataFrame"),
        ("--over df -c", "--continue cannot be combined with --over"),
        ("--over df --concurrency 0", "at least 1"),
        ("--over df --mode fast", "invalid choice"),
    ],
)
def test_bad_over_options(shell: Any, line: str, message: str) -> None:
    shell.user_ns["df"] = tickets(2)
    shell.user_ns["notdf"] = [1, 2]
    with pytest.raises(UsageError, match=message):
        Runner(shell)(line, "Label {text}")
