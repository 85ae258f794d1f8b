"""bench/run_all.py renders docs/perf.md and the README block from bench JSON (no timing here)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

import run_all  # noqa: E402


def _pipeline(ratio_openai: float, ratio_raw: float) -> dict[str, Any]:
    def c(eps: int) -> dict[str, Any]:
        return {"seconds": 20_000 / eps, "events": 20_000, "events_per_s": eps}

    return {
        "repeat": 5,
        "scenarios": {
            "A_text_20k": {
                "respnb_pipeline": c(300_000),
                "openai_stream": c(int(300_000 / ratio_openai)),
                "raw_iter_lines_json": c(int(300_000 / ratio_raw)),
                "ratio_respnb_vs_openai": ratio_openai,
                "ratio_respnb_vs_raw": ratio_raw,
            }
        },
    }


def _view(tokens: int, cpu_us: float) -> dict[str, Any]:
    best = {"cpu_us_per_token": cpu_us, "messages": 7, "bytes_sent": 1000, "bytes_vs_final": 1.0}
    naive = {"cpu_us_per_token": 300.0, "messages": tokens, "bytes_sent": 10**9}
    return {
        "tokens": tokens,
        "events": tokens + 8,
        "parse_cpu_us_per_event": 9.0,
        "full_speed_best": best,
        "openai_naive_update_display": {**naive, "bytes_vs_final": 9000.0},
        "ratio_vs_openai_naive": {"cpu_us_per_token": cpu_us / 300, "bytes_sent": 1e-6},
        "paced": [],
    }


def test_verdicts_met_missed_and_not_at_size() -> None:
    results = {"pipeline": _pipeline(34.5, 0.42), "view": _view(5_000, 4.0)}
    doc, verdicts = run_all.render_perf_md(results, {}, "python bench/run_all.py")
    by_label = {label.split(" (")[0]: v for label, v in verdicts}
    assert by_label["pipeline A_text_20k: respnb >= 20x openai responses.stream()"] == "met"
    assert by_label["pipeline A_text_20k: respnb >= 0.5x the raw floor"] == "MISSED"
    assert by_label["view: <= 20 µs CPU per token"] == "not at size"  # 5k tokens, not 20k
    assert "| A_text_20k (20,000 events) | 300,000 |" in doc
    assert "**missed**" in doc
    assert "_Not measured: no `bench/out/tasks.json`" in doc
    block = run_all.render_readme_block(results, verdicts, "python bench/run_all.py")
    assert "| stream pipeline, events/s (A_text_20k) | 300,000 |" in block
    assert "Targets: 1 of 3 met; missed: pipeline A_text_20k: respnb >= 0.5x" in block


def test_update_readme_replaces_only_the_marked_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    readme = tmp_path / "README.md"
    readme.write_text(
        "# x\n\n## Performance\n\n<!-- perf:start -->\nold\n<!-- perf:end -->\n\n## Next\n"
    )
    monkeypatch.setattr(run_all, "README", readme)
    assert run_all.update_readme("| new | table |\n")
    assert readme.read_text() == (
        "# x\n\n## Performance\n\n<!-- perf:start -->\n| new | table |\n<!-- perf:end -->"
        "\n\n## Next\n"
    )
    readme.write_text("# no markers\n")
    assert not run_all.update_readme("| new |")
    assert readme.read_text() == "# no markers\n"
