"""Run every benchmark and write ``docs/perf.md`` and the README's performance table.

    python bench/run_all.py [--quick] [--only pipeline,view,tasks,server] [--no-run]

Each bench runs in a subprocess of this interpreter and writes ``bench/out/<name>.json``;
this script then renders those files: ``docs/perf.md`` (one section per bench, respnb side
by side with openai-python, ratios, the targets from the issues and whether they are met,
the date, the machine and the exact command) and the block between ``<!-- perf:start -->``
and ``<!-- perf:end -->`` in ``README.md``.

``--quick`` uses small sizes for a fast check (targets measured at a smaller size are
reported as such, never as met). ``--no-run`` only re-renders from the existing JSON.
Exit status 1 when a bench failed or a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from _report import MET, MISSED, SECTIONS, SMALL, Verdicts, machine_line  # noqa: E402
from _report_client import CLIENT_SECTIONS  # noqa: E402

SECTIONS = {**SECTIONS, **CLIENT_SECTIONS}

OUT = BENCH / "out"
PERF_MD = ROOT / "docs" / "perf.md"
KEEP_MARK = "<!-- kept by run_all.py: sections below are written by their own benches -->"
README = ROOT / "README.md"
START, END = "<!-- perf:start -->", "<!-- perf:end -->"

# name -> (script, arguments at full size, arguments with --quick)
BENCHES: dict[str, tuple[str, list[str], list[str]]] = {
    "pipeline": ("bench_pipeline.py", ["--repeat", "5"], ["--repeat", "1"]),
    "view": ("bench_view.py", ["--repeat", "5"], ["--tokens", "5000", "--repeat", "2"]),
    "tasks": (
        "bench_tasks.py",
        [],
        ["--tasks", "100", "--rows", "20000", "--openai-rows", "2000", "--board-rows", "2000"],
    ),
    "batch": ("bench_batch.py", [], ["--rows", "1000", "--resume-rows", "400"]),
    "sync_stream": ("bench_sync_stream.py", ["--repeat", "5"], ["--repeat", "1"]),
    "tracking": ("bench_tracking.py", [], ["--tasks", "40", "--pace", "20"]),
    "server": (
        "bench_server.py",
        ["--full"],
        ["--plain", "100", "--stream", "30", "--background", "100", "--track", "50"],
    ),
    "notebook_weight": ("notebook_weight.py", [], ["-n", "20"]),
    "saved": ("bench_saved.py", ["--repeat", "5"], ["--repeat", "2"]),
}


def run_bench(name: str, quick: bool) -> dict[str, Any]:
    """Run one bench in a subprocess; return how it went (the figures are in its JSON)."""
    script, full_args, quick_args = BENCHES[name]
    cmd = [sys.executable, str(BENCH / script), *(quick_args if quick else full_args)]
    out = OUT / f"{name}.json"
    before = out.stat().st_mtime if out.exists() else 0.0
    print(f"\n=== {name}: {shlex.join(cmd[1:])}", flush=True)
    t0 = time.perf_counter()
    proc = subprocess.run(cmd, cwd=ROOT, check=False)
    seconds = time.perf_counter() - t0
    fresh = out.exists() and out.stat().st_mtime > before
    status = "ok" if proc.returncode == 0 and fresh else f"exit {proc.returncode}"
    if proc.returncode == 0 and not fresh:
        status = "no new JSON"
    print(f"=== {name}: {status} in {seconds:.0f} s", flush=True)
    return {
        "command": f"python {shlex.join([str(Path(cmd[1]).relative_to(ROOT)), *cmd[2:]])}",
        "seconds": round(seconds, 1),
        "status": status,
        "returncode": proc.returncode,
    }


def load_results(names: list[str]) -> dict[str, Any]:
    """The JSON of every bench that has one in ``bench/out``."""
    results: dict[str, Any] = {}
    for name in names:
        path = OUT / f"{name}.json"
        if path.exists():
            results[name] = json.loads(path.read_text())
    return results


def render_perf_md(
    results: dict[str, Any], runs: dict[str, Any], command: str
) -> tuple[str, Verdicts]:
    """The whole of ``docs/perf.md`` and the verdict on every target."""
    verdicts: Verdicts = []
    body: list[str] = []
    for name, (title, script, render) in SECTIONS.items():
        body += ["", f"## {title} (`bench/{script}`)", ""]
        data = results.get(name)
        if data is None:
            body.append(f"_Not measured: no `bench/out/{name}.json`; run `{command}`._")
            continue
        run = runs.get(name)
        if run and run.get("status") != "ok":
            body += [
                f"**This bench failed in the last run ({run['status']}); figures below "
                "may be from an earlier run.**",
                "",
            ]
        body += [*render(data, verdicts), "", machine_line(data, run)]
    quick = bool(runs.get("_quick"))
    load = [
        ", ".join(map(str, runs.get(k) or ["?"])) for k in ("_load_avg_before", "_load_avg_after")
    ]
    machines = [r["machine"] for r in results.values() if isinstance(r.get("machine"), dict)]
    m: dict[str, Any] = machines[0] if machines else {}
    dates = sorted(str(x["date_utc"]) for x in machines if "date_utc" in x)
    date = runs.get("_date") or (dates[0] if dates else "unknown")
    head = [
        "# Performance",
        "",
        "<!-- Generated by bench/run_all.py from bench/out/*.json; edit the benches, not this. -->",
        "",
        f"Regenerate with `{command}` (every bench in its own subprocess, then this page and the "
        "table in README.md). Timing lives in `bench/`, never in the tests.",
        "",
        f"* Date: {date}",
        f"* Machine: {m.get('cpus', '?')} CPUs {m.get('machine', '?')}, {m.get('system', '?')}, "
        f"Python {m.get('python', '?')}, openai {m.get('openai_version', '?')}, "
        f"httpx {m.get('httpx_version', '?')}, pydantic {m.get('pydantic_version', '?')}, "
        f"pandas {m.get('pandas_version', '?')}",
        f"* Load average (1, 5, 15 min) before / after the run: {load[0]} / {load[1]} — a shared "
        "machine; CPU-time figures (`time.process_time`) are steadier than wall-clock ones.",
        "* Ratios are respnb / openai-python (higher is better for rates, lower for costs).",
    ]
    if quick:
        head.append("* **`--quick` run: small sizes; size-bound targets are not judged.**")
    head += ["", "## Targets", "", *_verdict_table(verdicts)]
    return "\n".join([*head, *body]) + "\n", verdicts


def _verdict_table(verdicts: Verdicts) -> list[str]:
    marks = {MET: "met", MISSED: "**missed**", SMALL: "not at target size"}
    lines = ["| target (from the issues) | verdict |", "|---|---|"]
    lines += [f"| {label} | {marks.get(v, v)} |" for label, v in verdicts]
    return lines


def render_readme_block(results: dict[str, Any], verdicts: Verdicts, command: str) -> str:
    """The compact table between the perf markers in README.md."""
    rows: list[tuple[str, str, str, str]] = []
    p = results.get("pipeline", {}).get("scenarios", {})
    for name, e in p.items():
        rows.append(
            (
                f"stream pipeline, events/s ({name})",
                f"{e['respnb_pipeline']['events_per_s']:,}",
                f"{e['openai_stream']['events_per_s']:,}" if "openai_stream" in e else "—",
                f"{e.get('ratio_respnb_vs_openai', 0):.1f}x",
            )
        )
    s = results.get("server", {}).get("clients", {})
    if s:
        st = s["stream"]
        rows.append(
            (
                "AsyncClient on the local server, stream events/s",
                f"{st['respnb']['events_per_second']:,.0f}",
                f"{st['openai']['events_per_second']:,.0f}",
                f"{st['ratio']['events_per_second']:.1f}x",
            )
        )
        rows.append(
            (
                "↳ time to first delta p50 (ms)",
                f"{st['respnb']['ttfd_p50_ms']:.0f}",
                f"{st['openai']['ttfd_p50_ms']:.0f}",
                f"{st['ratio']['ttfd_p50_ms']:.2f}x",
            )
        )
        tr = s.get("tracking", {})
        mine, theirs = tr.get("respnb_refresher"), tr.get("openai_poll")
        if mine and theirs:
            rows.append(
                (
                    f"{theirs['n']:,} background responses followed to the end, client CPU s",
                    f"{mine['cpu_s']:.1f} (tasks.Refresher)",
                    f"{theirs['cpu_s']:.1f} (retrieve every 2 s)",
                    f"{tr['ratio_refresher']['cpu_s']:.2f}x",
                )
            )
            rows.append(
                (
                    "↳ HTTP requests",
                    f"{mine['http_requests']:,}",
                    f"{theirs['http_requests']:,}",
                    f"{tr['ratio_refresher']['http_requests']:.2f}x",
                )
            )
    v = results.get("view")
    if v and v.get("openai_naive_update_display"):
        best, naive = v["full_speed_best"], v["openai_naive_update_display"]
        rows.append(
            (
                f"live view, kernel CPU per token (µs, {v['tokens']:,} tokens)",
                f"{best['cpu_us_per_token']:.1f}",
                f"{naive['cpu_us_per_token']:.1f} (update_display per delta)",
                f"{v['ratio_vs_openai_naive']['cpu_us_per_token']:.3f}x",
            )
        )
        rows.append(
            (
                "↳ bytes sent to the front end",
                f"{best['bytes_sent']:,}",
                f"{naive['bytes_sent']:,}",
                f"{v['ratio_vs_openai_naive']['bytes_sent']:.5f}x",
            )
        )
    t = results.get("tasks")
    if t and t.get("openai_frame"):
        h, o = t["history"], t["openai_frame"]
        rows.append(
            (
                f"history -> DataFrame, {h['rows']:,} rows (s)",
                f"{h['frame_seconds_best']:.3f}",
                f"{o['extrapolated_seconds']:.2f} (model_dump, from {o['rows']:,})",
                f"{t['ratio_frame_per_row_vs_openai']:.3f}x",
            )
        )
    met = sum(1 for _, x in verdicts if x == MET)
    missed = [label for label, x in verdicts if x == MISSED]
    lines = [
        "| figure | respnb | openai-python | respnb / openai |",
        "|---|---|---|---|",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        "",
        f"Targets: {met} of {len(verdicts)} met"
        + (f"; missed: {'; '.join(missed)}" if missed else "")
        + f". Details, machine and load in [docs/perf.md](docs/perf.md); regenerate with "
        f"`{command}`.",
    ]
    return "\n".join(lines)


def update_readme(block: str) -> bool:
    """Replace the text between the perf markers in README.md; False if they are missing."""
    text = README.read_text()
    if START not in text or END not in text:
        print(f"README.md has no {START} ... {END} block; not updated", file=sys.stderr)
        return False
    head, rest = text.split(START, 1)
    _, tail = rest.split(END, 1)
    README.write_text(f"{head}{START}\n{block.strip()}\n{END}{tail}")
    return True


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a fast check")
    parser.add_argument("--only", default="", help="comma-separated subset of " + ",".join(BENCHES))
    parser.add_argument("--no-run", action="store_true", help="only render the existing JSON")
    args = parser.parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()] or list(BENCHES)
    unknown = [n for n in names if n not in BENCHES]
    if unknown:
        parser.error(f"unknown bench {unknown}; choose from {list(BENCHES)}")
    command = "python bench/run_all.py" + (" --quick" if args.quick else "")
    runs: dict[str, Any] = {}
    if not args.no_run:
        OUT.mkdir(parents=True, exist_ok=True)
        load_before = [round(x, 2) for x in os.getloadavg()]
        started = time.time()
        for name in names:
            runs[name] = run_bench(name, args.quick)
        runs["_load_avg_before"] = load_before
        runs["_load_avg_after"] = [round(x, 2) for x in os.getloadavg()]
        runs["_quick"] = args.quick
        runs["_date"] = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(started))
        (OUT / "run_all.json").write_text(json.dumps(runs, indent=2) + "\n")
    elif (OUT / "run_all.json").exists():
        runs = json.loads((OUT / "run_all.json").read_text())
        command = "python bench/run_all.py" + (" --quick" if runs.get("_quick") else "")
    results = load_results(list(BENCHES))
    doc, verdicts = render_perf_md(results, runs, command)
    PERF_MD.parent.mkdir(parents=True, exist_ok=True)
    # sections written by benches that run apart (in a browser) follow this marker: kept as is
    if PERF_MD.exists() and KEEP_MARK in PERF_MD.read_text():
        doc = doc.rstrip("\n") + "\n\n" + KEEP_MARK + PERF_MD.read_text().split(KEEP_MARK, 1)[1]
    PERF_MD.write_text(doc)
    update_readme(render_readme_block(results, verdicts, command))
    print(f"\nwrote {PERF_MD.relative_to(ROOT)} and the README block")
    for label, verdict in verdicts:
        print(f"  {verdict:<10} {label}")
    failed = [n for n in names if runs.get(n, {}).get("status", "ok") != "ok"]
    missed = [label for label, verdict in verdicts if verdict == "MISSED"]
    if failed:
        print(f"failed benches: {failed}", file=sys.stderr)
    return 1 if failed or missed else 0


if __name__ == "__main__":
    sys.exit(main())
