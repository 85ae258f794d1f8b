"""The ``docs/perf.md`` section of ``bench_batch.py`` (registered in ``_report.SECTIONS``).

``python bench/_report_batch.py`` splices this section alone into ``docs/perf.md`` from
``bench/out/batch.json`` (the other sections are left as they are).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import Verdicts, _n, _table, _verdict, _x, machine_line

__all__ = ["TITLE", "batch_section"]

TITLE = "Batching a prompt over a DataFrame"


def batch_section(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    rn, oa, rs = data["respnb"], data["openai"], data["resume"]
    n = data["config"]["rows"]
    at_size = n >= 10_000
    intact = all(x["lost"] == 0 and x["duplicated"] == 0 for x in (rn, oa, rs))
    verdicts.append(
        (
            f"batch: {_n(n)} rows, none lost or duplicated (server log), respnb.batch and the "
            "openai-python loop",
            _verdict(intact and rn["completed"] == n, at_size),
        )
    )
    exact = rs["requests_sent_on_resume"] == rs["not_done"]
    verdicts.append(
        ("batch: requests sent on resume = rows not done", _verdict(exact and intact, True))
    )
    lines = [
        f"{_n(n)} rows against `respnb serve` (a subprocess), concurrency "
        f'{data["config"]["concurrency"]} for both: `respnb.batch(df, "Classify: {{text}}")` '
        "(progress view attached, every row recorded in SQLite) vs a hand-written "
        "`asyncio.gather` + `asyncio.Semaphore` over `openai.AsyncOpenAI.responses.create`, "
        "then a DataFrame of the answers. Client CPU is `time.process_time` of the bench "
        "process; lost / duplicated rows are counted on the server's own store.",
        "",
        *_table(
            ["figure", "respnb.batch", "openai-python loop", "respnb / openai"],
            [
                ["wall s", _n(rn["wall_s"], 1), _n(oa["wall_s"], 1), _x(data["ratios"]["wall"])],
                [
                    "client CPU s",
                    _n(rn["cpu_s"], 2),
                    _n(oa["cpu_s"], 2),
                    _x(data["ratios"]["cpu"]),
                ],
                ["rows completed", _n(rn["completed"]), _n(oa["completed"]), ""],
                [
                    "lost / duplicated (server log)",
                    f"{rn['lost']} / {rn['duplicated']}",
                    f"{oa['lost']} / {oa['duplicated']}",
                    "",
                ],
            ],
        ),
        "",
        f"Progress view: {_n(rn['progress_messages'])} state messages, "
        f"{_n(rn['progress_bytes'])} bytes for {_n(n)} rows = "
        f"**{rn['progress_bytes_per_row']:.2f} bytes per row**, "
        f"{rn['progress_bytes'] / max(1, rn['progress_messages']):.0f} bytes per message (each "
        "message is the fixed-size state, sent at most 4 times a second whatever the number of "
        "rows: the bytes follow the duration, not the row count).",
        "",
        f"Resume: a batch of {_n(rs['rows'])} rows cancelled at 50% with rows in flight "
        f"({_n(rs['done_before_resume'])} done), then the same call again: "
        f"**{_n(rs['requests_sent_on_resume'])} requests sent for {_n(rs['not_done'])} rows not "
        f"done**; the server created {_n(rs['server_responses_created_on_resume'])} new "
        "responses (rows in flight at the cancel were answered again from the first attempt "
        "through their `Idempotency-Key`); "
        f"{_n(rs['completed_after_resume'])} completed, {rs['lost']} lost, "
        f"{rs['duplicated']} duplicated.",
    ]
    return lines


def splice(perf_md: Path, data: dict[str, Any]) -> None:
    """Replace (or add) this section of ``perf_md``."""
    verdicts: Verdicts = []
    body = batch_section(data, verdicts)
    marks = {"met": "met", "MISSED": "**missed**"}
    targets = [f"* {label}: {marks.get(v, v)}" for label, v in verdicts]
    section = "\n".join(
        [
            f"## {TITLE} (`bench/bench_batch.py`)",
            "",
            *body,
            "",
            *targets,
            "",
            machine_line(data, {"seconds": data.get("seconds", 0)}),
            "",
        ]
    )
    text = perf_md.read_text()
    pattern = re.compile(rf"## {re.escape(TITLE)} .*?(?=\n## |\n<!-- |\Z)", re.S)
    text = (
        pattern.sub(lambda _m: section.rstrip() + "\n", text)
        if pattern.search(text)
        else (text.rstrip() + "\n\n" + section)
    )
    perf_md.write_text(text)


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1]
    splice(root / "docs" / "perf.md", json.loads((root / "bench/out/batch.json").read_text()))
