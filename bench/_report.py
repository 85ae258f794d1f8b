"""Renders ``bench/out/*.json`` as ``docs/perf.md`` and the README's compact table.

Used by ``run_all.py``; pure functions of the JSON (no timing here).
"""

from __future__ import annotations

from typing import Any

from notebook_weight import render as _notebook_weight

__all__ = ["SECTIONS", "Verdicts", "machine_line"]

Verdicts = list[tuple[str, str]]
MET, MISSED, SMALL = "met", "MISSED", "not at size"


def _n(value: float | None, digits: int = 0) -> str:
    """A number with thousands separators, or an em dash when missing."""
    if value is None:
        return "—"
    return f"{value:,.{digits}f}"


def _x(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}x"


def _verdict(ok: bool, at_size: bool) -> str:
    if not at_size:
        return SMALL
    return MET if ok else MISSED


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return lines


def machine_line(data: dict[str, Any], run: dict[str, Any] | None) -> str:
    m = data.get("machine")
    if not isinstance(m, dict):
        return "_Machine: not recorded in this JSON (rerun the bench)._"
    load = ", ".join(str(x) for x in m.get("load_avg", []))
    took = f"; took {run['seconds']:.0f} s" if run and "seconds" in run else ""
    cmd = f"; `{run['command']}`" if run and "command" in run else ""
    return (
        f"_Measured {m.get('date_utc', '?')} on {m.get('cpus')} CPUs {m.get('machine')}, "
        f"Python {m.get('python')}, openai {m.get('openai_version')}; "
        f"load average (1, 5, 15 min) at start: {load}{took}{cmd}._"
    )


# ---------------------------------------------------------------- pipeline
def _pipeline(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    rows = []
    for name, e in data["scenarios"].items():
        eps = {k: v["events_per_s"] for k, v in e.items() if isinstance(v, dict)}
        rows.append(
            [
                f"{name} ({_n(e['respnb_pipeline']['events'])} events)",
                _n(eps.get("respnb_pipeline")),
                _n(eps.get("respnb_async_client")),
                _n(eps.get("respnb_client")),
                _n(eps.get("openai_stream")),
                _n(eps.get("raw_iter_lines_json")),
                _x(e.get("ratio_respnb_vs_openai"), 1),
                _x(e.get("ratio_respnb_async_client_vs_openai"), 1),
                _x(e.get("ratio_respnb_client_vs_openai"), 1),
                _x(e.get("ratio_respnb_vs_raw")),
            ]
        )
        vs_openai = e.get("ratio_respnb_vs_openai")
        verdicts.append(
            (
                f"pipeline {name}: respnb >= 20x openai responses.stream() "
                f"(measured {_x(vs_openai, 1)})",
                _verdict(vs_openai is not None and vs_openai >= 20, vs_openai is not None),
            )
        )
        verdicts.append(
            (
                f"pipeline {name}: respnb >= 0.5x the raw floor "
                f"(measured {_x(e['ratio_respnb_vs_raw'])})",
                _verdict(e["ratio_respnb_vs_raw"] >= 0.5, True),
            )
        )
    header = [
        "scenario",
        "respnb pipeline",
        "respnb AsyncClient",
        "respnb Client (sync)",
        "openai-python stream",
        "raw floor",
        "pipeline / openai",
        "AsyncClient / openai",
        "Client / openai",
        "pipeline / raw",
    ]
    return [
        "Events per second (CPU time of the process, best of "
        f"{data.get('repeat')} runs, x3 for the pipeline and the raw floor; one fresh interpreter "
        "per contender); the same SSE bytes "
        "for everyone, over `httpx.MockTransport` for the clients.",
        "",
        *_table(header, rows),
    ]


# ---------------------------------------------------------------- view
def _view(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    best, naive = data["full_speed_best"], data.get("openai_naive_update_display")
    ratio = data.get("ratio_vs_openai_naive", {})
    verdicts.append(
        (
            f"view: <= 20 µs CPU per token (measured {best['cpu_us_per_token']:.1f} µs)",
            _verdict(best["cpu_us_per_token"] <= 20.0, data["tokens"] >= 20_000),
        )
    )
    naive = naive or {}
    rows = [
        [
            "kernel CPU per token (µs)",
            _n(best["cpu_us_per_token"], 1),
            _n(naive.get("cpu_us_per_token"), 1),
            _x(ratio.get("cpu_us_per_token"), 3),
        ],
        [
            "messages sent (full speed)",
            _n(best["messages"]),
            _n(naive.get("messages")),
            _x(ratio.get("messages"), 4),
        ],
        [
            "bytes sent (full speed)",
            _n(best["bytes_sent"]),
            _n(naive.get("bytes_sent")),
            _x(ratio.get("bytes_sent"), 5),
        ],
        [
            "bytes sent / final rendered size",
            _x(best["bytes_vs_final"]),
            _x(naive.get("bytes_vs_final"), 0),
            "",
        ],
    ]
    paced = [
        [
            _n(p["tokens_per_s"]),
            _n(p["messages_per_s"], 1),
            _n(p["bytes_sent"]),
            _x(p["bytes_vs_final"]),
            _n(p["tokens_per_s"]),
            _n(naive.get("bytes_sent")),
        ]
        for p in data.get("paced", [])
    ]
    return [
        f"A {_n(data['tokens'])}-token answer ({_n(data['events'])} events) through the live "
        "view, no front end: respnb's `ResponseView` (view state + coalescer + comm messages, "
        "bytes counted) against what an openai-python user writes in a notebook, "
        "`update_display(Markdown(text), display_id=...)` on every delta (mimebundles built by "
        "IPython's `DisplayFormatter`, bytes of each `update_display_data` content counted). "
        f"Event parsing is not counted for either ({data['parse_cpu_us_per_event']:.1f} µs "
        "per event, paid by the client anyway).",
        "",
        *_table(["figure", "respnb ResponseView", "openai-python + update_display", "ratio"], rows),
        "",
        "At a paced token rate (simulated clock; the naive loop sends one message per delta "
        "whatever the rate):",
        "",
        *_table(
            [
                "tokens/s",
                "respnb messages/s",
                "respnb bytes",
                "respnb bytes / final",
                "naive messages/s",
                "naive bytes",
            ],
            paced,
        ),
    ]


# ---------------------------------------------------------------- tasks
def _tasks(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    t, h, b = data.get("tracking") or {}, data["history"], data["board"]
    o = data.get("openai_frame") or {}
    verdicts.append(
        (
            f"tasks: {_n(h['rows'])}-row history -> DataFrame <= 1 s "
            f"(measured {h['frame_seconds_best']:.3f} s)",
            _verdict(h["frame_seconds_best"] <= 1.0, h["rows"] >= 100_000),
        )
    )
    lines: list[str] = []
    if t:
        ok = t["all_completed"] and t["lost"] == 0
        verdicts.append(
            (
                f"tasks: {_n(t['tasks'])} concurrent background tasks all complete, none lost "
                f"({t['statuses']}, lost {t['lost']})",
                _verdict(ok, t["tasks"] >= 1000),
            )
        )
        lines += [
            f"**Tracking.** One process creates {_n(t['tasks'])} background responses on a local "
            f"server (a subprocess, pace {t['pace_tokens_per_s']} tokens/s) and one `Refresher` "
            "follows them all (a few streams, the rest polled with backoff):",
            "",
            *_table(
                ["tasks", "statuses", "lost", "wall s", "client CPU s", "CPU ms/task", "requests"],
                [
                    [
                        _n(t["tasks"]),
                        ", ".join(f"{k} {v}" for k, v in t["statuses"].items()),
                        str(t["lost"]),
                        _n(t["wall_seconds"], 1),
                        _n(t["process_cpu_seconds"], 2),
                        _n(t["cpu_ms_per_task"], 1),
                        _n(t["refresher_requests"]),
                    ]
                ],
            ),
            "",
        ]
    rows = [
        [
            f"new kernel: `TaskTable.frame()` ({_n(h['rows'])} rows; columnar snapshot"
            " + changed rows)",
            _n(h["frame_seconds_best"], 3),
            _n(1e6 * h["frame_seconds_best"] / h["rows"], 2),
        ],
        [
            "very first read (every row from SQLite)",
            _n(h["first_frame_from_sqlite_seconds"], 3),
            _n(1e6 * h["first_frame_from_sqlite_seconds"] / h["rows"], 2),
        ],
        ["same table after 10 tasks changed", _n(h["warm_frame_seconds_after_10_changes"], 3), ""],
    ]
    if o:
        rows.append(
            [
                f"openai-python `pd.DataFrame([r.model_dump() for r in responses])` "
                f"({_n(o['rows'])} rows, measured)",
                _n(o["frame_seconds_best"], 3),
                _n(o["us_per_row"], 2),
            ]
        )
        rows.append(
            [
                f"openai-python, same, extrapolated to {_n(o['extrapolated_rows'])} rows",
                _n(o["extrapolated_seconds"], 2),
                "",
            ]
        )
    lines += [
        "**History -> DataFrame.** openai-python keeps no history: its user holds the "
        "`Response` objects and dumps them; measured at "
        f"{_n(o.get('rows'))} rows and extrapolated linearly"
        + (
            f" (building those {_n(o['rows'])} validated objects took {o['build_seconds']:.1f} s"
            f" and they hold ~{o['objects_mib_per_1k']:.1f} MiB per 1,000)."
            if "build_seconds" in o
            else "."
        ),
        "",
        *_table(["figure", "seconds", "µs per row"], rows),
        "",
    ]
    if "ratio_frame_per_row_vs_openai" in data and o:
        per_row = data["ratio_frame_per_row_vs_openai"]
        first = h["first_frame_from_sqlite_seconds"] / h["rows"] / (o["us_per_row"] / 1e6)
        lines += [
            f"Per row, respnb's new-kernel frame costs {_x(per_row, 4)} of openai-python's; "
            f"the very first read from SQLite costs {_x(first)}.",
            "",
        ]
    lines += [
        "**Task board.** Bytes sent per task change (a patch of the rows that changed on the "
        "page shown) against sending the page, or the whole table:",
        "",
        *_table(
            ["figure", "bytes", "change / this"],
            [
                ["respnb: one task changed (mean of 200)", _n(b["bytes_per_change_mean"]), ""],
                ["respnb: one task changed (max)", _n(b["bytes_per_change_max"]), ""],
                [
                    f"one page of {_n(b.get('page_rows'))} rows (a query's answer, "
                    f"{_n((b.get('page_seconds_best') or 0) * 1000, 1)} ms)",
                    _n(b.get("page_bytes")),
                    _x(b["bytes_per_change_mean"] / (b.get("page_bytes") or float("nan")), 3),
                ],
                [
                    f"whole table, all {_n(b['history_rows'])} rows (respnb full sync)",
                    _n(b["full_sync_bytes"]),
                    _x(b.get("ratio_change_vs_full_sync"), 5),
                ],
                [
                    "`update_display(df)` of the whole frame (pandas truncates to "
                    "`display.max_rows`)",
                    _n(b.get("pandas_update_display_bytes")),
                    _x(b.get("ratio_change_vs_pandas_display"), 4),
                ],
            ],
        ),
    ]
    return lines


# ---------------------------------------------------------------- server
def _server(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    pl, st, bg = data["plain"], data["stream"], data["background"]
    ok = bg["lost"] == 0 and bg["runs_with_gapless_events"] == bg["responses"]
    verdicts.append(
        (
            f"server: {_n(bg['responses'])} concurrent background responses all complete, none "
            f"lost (completed {bg['completed']}, lost {bg['lost']}, gapless "
            f"{bg['runs_with_gapless_events']})",
            _verdict(ok, bg["responses"] >= 1000),
        )
    )
    lines = [
        "**The server** (`respnb serve` in a subprocess, measured with a bare httpx client, "
        f"concurrency {data['config']['concurrency']}):",
        "",
        *_table(
            ["figure", "value"],
            [
                ["plain `POST /v1/responses` per s", _n(pl["per_second"], 1)],
                ["plain p50 / p95 ms", f"{pl['p50_ms']:.1f} / {pl['p95_ms']:.1f}"],
                ["streamed responses per s", _n(st["per_second"], 1)],
                ["stream events per s", _n(st["events_per_second"])],
                [
                    f"{_n(bg['responses'])} background responses "
                    f"({bg['pace_tokens_per_s']:g} tokens/s each)",
                    f"completed {bg['completed']}, lost {bg['lost']}, gapless event logs "
                    f"{bg['runs_with_gapless_events']}, peak live {bg['peak_live_runs']}, all "
                    f"done in {bg['seconds_until_all_done']:.1f} s",
                ],
            ],
        ),
        "",
    ]
    clients = data.get("clients") or {}
    if not clients:
        return [*lines, "_No client comparison in this JSON (run without --no-clients)._"]
    rows = []
    for phase, key, label, digits in (
        ("plain", "per_second", "plain create, requests/s", 1),
        ("plain", "cpu_ms_per_item", "plain create, client CPU ms/request", 2),
        ("stream", "events_per_second", "streamed, events/s", 0),
        ("stream", "cpu_us_per_event", "streamed, client CPU µs/event", 1),
        ("stream", "ttfd_p50_ms", "streamed, time to first delta p50 ms", 1),
        ("stream", "p50_ms", "streamed, whole response p50 ms", 1),
    ):
        e = clients[phase]
        rows.append(
            [
                label,
                _n(e["respnb"].get(key), digits),
                _n(e["openai"].get(key), digits),
                _x(e["ratio"].get(key)),
            ]
        )
    lines += [
        f"**Clients on that server**: `respnb.AsyncClient` vs `openai.AsyncOpenAI` (same "
        f"httpx set-up, concurrency {data['config']['concurrency']}, "
        f"{clients['plain']['respnb']['n']} plain and {clients['stream']['respnb']['n']} "
        "streamed responses, each client in a fresh interpreter):",
        "",
        *_table(["figure", "respnb", "openai-python", "respnb / openai"], rows),
        "",
    ]
    tr = clients.get("tracking")
    if tr:
        theirs = tr["openai_poll"]
        rows = []
        contenders = [
            ("respnb `responses.wait` (backoff 1 s x1.5, max 10 s)", tr["respnb_wait"]),
            ("respnb `responses.resume`: one stream per response", tr["respnb_resume"]),
        ]
        if "respnb_refresher" in tr:
            contenders.append(
                ("respnb `tasks.Refresher` (16 streams, the rest polled)", tr["respnb_refresher"])
            )
        contenders.append(("openai-python: `retrieve` every 2 s (its guide)", theirs))
        for label, e in contenders:
            rows.append(
                [
                    label,
                    f"{e['completed']} / {e['lost']}",
                    _n(e["http_requests"]),
                    _n(e["cpu_s"], 2),
                    _n(e["wall_s"], 1),
                ]
            )
        summary = []
        for mode in ("wait", "resume", "refresher"):
            r = tr.get(f"ratio_{mode}")
            if r:
                summary.append(
                    f"`{mode}` requests {_x(r.get('http_requests'))}, CPU {_x(r.get('cpu_s'))}, "
                    f"wall {_x(r.get('wall_s'))}"
                )
        lines += [
            f"**Tracking {_n(theirs['n'])} background responses** "
            f"({data['config']['bg_pace']:g} tokens/s each; created 32 at a "
            "time, then each followed until done; 64 connections for every client):",
            "",
            *_table(["client", "completed / lost", "requests", "client CPU s", "wall s"], rows),
            "",
            "respnb / openai: " + "; ".join(summary) + ". A resumed stream holds one connection "
            "for the whole life of its response, so with more live responses than connections "
            "the streams queue for the pool and the wall time grows.",
        ]
    return lines


def _saved(data: dict[str, Any], verdicts: Verdicts) -> list[str]:
    from bench_saved import INTRO, section

    return [INTRO, "", *section(data)]


# name -> (title, script, renderer)
SECTIONS = {
    "pipeline": ("Streaming pipeline", "bench_pipeline.py", _pipeline),
    "view": ("Live view", "bench_view.py", _view),
    "tasks": ("Background tasks, history and the task board", "bench_tasks.py", _tasks),
    "server": ("Local server and the clients on it", "bench_server.py", _server),
    "notebook_weight": ("Saved notebook weight", "notebook_weight.py", _notebook_weight),
    "saved": ("Saved answers: size per answered cell", "bench_saved.py", _saved),
}

from _report_batch import TITLE as _BATCH_TITLE  # noqa: E402
from _report_batch import batch_section as _batch  # noqa: E402

SECTIONS["batch"] = (_BATCH_TITLE, "bench_batch.py", _batch)
