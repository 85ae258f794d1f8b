"""The openai-python side of ``bench_tasks.py``: history -> DataFrame and table re-display.

openai-python keeps no history: its user holds the ``Response`` objects and dumps them,
``pd.DataFrame([r.model_dump() for r in responses])``; re-showing a table after a change is
``update_display(df)``. Imported by ``bench_tasks.py`` (not a benchmark of its own).
"""

from __future__ import annotations

import gc
import json
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["bench_openai_frame", "openai_shaped", "pandas_display_bytes"]


def openai_shaped(i: int, row: dict[str, Any]) -> dict[str, Any]:
    """A Responses-API ``Response`` body with the content of one synthetic history row."""
    return {
        "id": row["id"],
        "object": "response",
        "created_at": row["created_at"],
        "status": row["status"],
        "model": row["model"],
        "background": True,
        "error": None,
        "incomplete_details": None,
        "instructions": None,
        "metadata": {"title": row["title"]},
        "output": [
            {
                "type": "message",
                "id": f"msg_{i:08d}",
                "status": "completed",
                "role": "assistant",
                "content": [{"type": "output_text", "text": row["output_text"], "annotations": []}],
            }
        ],
        "parallel_tool_calls": True,
        "temperature": 1.0,
        "tool_choice": "auto",
        "tools": [],
        "top_p": 1.0,
        "store": True,
        "text": {"format": {"type": "text"}},
        "truncation": "disabled",
        "usage": {
            "input_tokens": row["input_tokens"],
            "input_tokens_details": {
                "cached_tokens": row["cached_tokens"],
                "cache_write_tokens": 0,
            },
            "output_tokens": row["output_tokens"],
            "output_tokens_details": {"reasoning_tokens": row["reasoning_tokens"]},
            "total_tokens": row["total_tokens"],
        },
    }


def bench_openai_frame(
    rows: int, target_rows: int, make_row: Callable[[int, float], dict[str, Any]]
) -> dict[str, Any]:
    """``pd.DataFrame([r.model_dump() for r in responses])`` over ``rows`` openai-python
    Responses made from ``make_row(i, now)`` (a history row), and what building them costs."""
    import pandas as pd
    from openai.types.responses import Response as OpenAIResponse

    now = time.time()
    bodies = [openai_shaped(i, make_row(i, now)) for i in range(rows)]
    t0 = time.perf_counter()
    objs = [OpenAIResponse.model_validate(body) for body in bodies]
    build_s = time.perf_counter() - t0
    sample = min(rows, 1000)
    tracemalloc.start()
    kept = [OpenAIResponse.model_validate(body) for body in bodies[:sample]]
    mib_per_1k = tracemalloc.get_traced_memory()[0] / 2**20 * 1000 / sample
    tracemalloc.stop()
    del kept, bodies
    times = []
    for _ in range(3):
        gc.collect()
        t0 = time.perf_counter()
        df = pd.DataFrame([r.model_dump() for r in objs])
        times.append(time.perf_counter() - t0)
    best = min(times)
    return {
        "rows": rows,
        "frame_rows": len(df),
        "columns": len(df.columns),
        "frame_seconds_best": round(best, 3),
        "frame_seconds_all": [round(t, 3) for t in times],
        "us_per_row": round(1e6 * best / rows, 1),
        "extrapolated_rows": target_rows,
        "extrapolated_seconds": round(best * target_rows / rows, 2),
        "build_seconds": round(build_s, 2),
        "objects_mib_per_1k": round(mib_per_1k, 1),
        "note": f"measured at {rows:,} rows; {target_rows:,} is linear extrapolation",
    }


def pandas_display_bytes(db: Path, rows: int) -> int:
    """Bytes of the mimebundle ``update_display(df)`` sends for the whole history frame in
    the task registry at ``db`` (pandas truncates what it renders to ``display.max_rows``)."""
    from IPython.core.formatters import DisplayFormatter

    from respnb.tasks import TaskRegistry, TaskTable

    reg = TaskRegistry(db)
    df = TaskTable(reg).frame()
    reg.close()
    data, metadata = DisplayFormatter().format(df)
    assert len(df) == rows, (len(df), rows)
    content = {"data": data, "metadata": metadata, "transient": {"display_id": "x" * 32}}
    return len(json.dumps(content, separators=(",", ":"), ensure_ascii=False).encode())
