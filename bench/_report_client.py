"""Renders the client benches (``sync_stream``, ``tracking``) for ``docs/perf.md``.

``run_all.py`` adds these sections to the page; ``python bench/_report_client.py`` splices
them (and their rows of the Targets table) into an existing ``docs/perf.md`` without
re-running the other benches.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _report import MET, MISSED, Verdicts, _n, _table, machine_line

__all__ = ["CLIENT_SECTIONS"]

ROOT = Path(__file__).resolve().parent.parent
SYNC_TARGET, LIST_TARGET = 20.0, 0.3


def _sync_stream(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    rows = []
    for layout, e in data["layouts"].items():
        c = e["contenders"]
        rows.append(
            [
                {"4k": "4 KB chunks", "event": "one chunk per event"}.get(layout, layout),
                _n(c["respnb_client"]["events_per_s"]),
                _n(c["respnb_async_client"]["events_per_s"]),
                _n(c["openai_sync_stream"]["events_per_s"]),
                f"{e['ratio_client_vs_openai']:.1f}x",
                f"{e['ratio_async_vs_openai']:.1f}x",
            ]
        )
    ratio = data["layouts"]["4k"]["ratio_client_vs_openai"]
    verdicts.append(
        (
            f"sync stream over loopback (4 KB chunks): respnb.Client >= {SYNC_TARGET:.0f}x "
            f"openai responses.stream() (measured {ratio:.1f}x)",
            MET if ratio >= SYNC_TARGET else MISSED,
        )
    )
    header = [
        "server writes",
        "respnb Client (sync)",
        "respnb AsyncClient",
        "openai-python sync stream",
        "Client / openai",
        "AsyncClient / openai",
    ]
    return [
        f"Events per CPU second of the client process (all threads; best of {data['repeat']}; "
        f"one fresh interpreter per contender) reading a {data['deltas']:,}-delta stream over a "
        "real loopback TCP socket from a server process. The sync client reads on its loop "
        "thread and hands the events of each network chunk across at once. With one HTTP chunk "
        "per event, httpx's per-chunk cost (about 9 µs) bounds every client.",
        "",
        *_table(header, rows),
    ]


def _tracking(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    names = {
        "openai": "respnb's server: one task listing per sweep",
        "manus": "Manus dialect: /v1/tasks with status filters",
        "webhooks": "webhooks: no polling, one retrieve per event",
        "elsewhere": "no listing, no webhooks: polls paced by age",
    }
    rows = []
    for key, s in data["settings"].items():
        naive, mine = s["naive"], s["refresher"]
        rows.append(
            [
                names.get(key, key),
                f"{naive['cpu_s']:.2f}",
                _n(naive["requests"]),
                f"{mine['cpu_s']:.2f}",
                _n(mine["requests"]),
                f"{s['cpu_ratio']:.2f}x",
                f"{s['request_ratio']:.2f}x",
            ]
        )
        goal = 1.0 if key == "elsewhere" else LIST_TARGET
        ok = s["cpu_ratio"] <= goal and s["request_ratio"] <= goal
        verdicts.append(
            (
                f"tracking {data['tasks']} tasks, {key}: <= {goal}x CPU and requests of the naive "
                f"2-s poll (measured {s['cpu_ratio']:.2f}x / {s['request_ratio']:.2f}x)",
                MET if ok else MISSED,
            )
        )
    header = [
        "setting",
        "naive CPU s",
        "naive requests",
        "Refresher CPU s",
        "Refresher requests",
        "CPU ratio",
        "request ratio",
    ]
    return [
        f"{data['tasks']} background responses (pace {data['pace']:g} tokens/s) followed to the "
        "end, by openai-python's documented loop (`retrieve` every 2 s while running) and by "
        "respnb's `tasks.Refresher`; client CPU seconds (all threads, the webhook receiver "
        "included) and HTTP requests, each in a fresh interpreter; `respnb serve` in its own "
        "process.",
        "",
        *_table(header, rows),
    ]


CLIENT_SECTIONS = {
    "sync_stream": ("Sync streaming over a loopback socket", "bench_sync_stream.py", _sync_stream),
    "tracking": ("Following many background tasks", "bench_tracking.py", _tracking),
}


def splice(perf_md: Path = ROOT / "docs" / "perf.md") -> None:
    """Replace (or add) the client sections and their Targets rows in ``perf_md``."""
    text = perf_md.read_text()
    out_dir = ROOT / "bench" / "out"
    for name, (title, script, render) in CLIENT_SECTIONS.items():
        path = out_dir / f"{name}.json"
        if not path.exists():
            continue
        data = json.loads(path.read_text())
        verdicts: Verdicts = []
        heading = f"## {title} (`bench/{script}`)"
        section = "\n".join([heading, "", *render(data, verdicts), "", machine_line(data, None)])
        if heading in text:
            start = text.index(heading)
            nxt = text.find("\n## ", start + len(heading))
            text = text[:start] + section + ("\n" + text[nxt:] if nxt != -1 else "\n")
        else:
            text = text.rstrip("\n") + "\n\n" + section + "\n"
        for label, verdict in verdicts:
            key = label.split(" (measured")[0]
            lines = [ln for ln in text.split("\n") if not ln.startswith(f"| {key} (measured")]
            text = "\n".join(lines)
            anchor = text.index("| target (from the issues) | verdict |")
            end = text.index("\n\n", anchor)
            text = text[:end] + f"\n| {label} | {verdict} |" + text[end:]
    perf_md.write_text(text)


if __name__ == "__main__":
    splice()
