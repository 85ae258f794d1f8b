"""What a finished ``%%respond`` answer costs in the saved notebook.

When a run ends, its live widget output is replaced by the static rendering (sanitized HTML +
the view's CSS, a markdown copy, plain text; no widget reference). Measured here, on the
demo engine's answers (the real local server) and on synthetic answers of growing size:

* bytes of each mime type and of the whole ``display_data`` output as nbformat saves it;
* the answer's own text, for the ratio saved / answer;
* what the live widget output alone weighs (widget-view reference + markdown + text), the form
  a notebook saved mid-run keeps, for comparison;
* CPU time to build the static bundle (``time.process_time``), against openai-python's usual
  notebook idiom of ``display(Markdown(text))`` (IPython's own markdown mimebundle).

Run: ``python bench/bench_saved.py``. Writes ``bench/out/saved.json``; ``--markdown`` prints the
``docs/perf.md`` section.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from _common import machine_info  # noqa: E402

from respnb._sanitize import parse  # noqa: E402
from respnb._view_state import ResponseViewState  # noqa: E402
from respnb.notebook._static import fallback_bundle, static_bundle  # noqa: E402
from respnb.types import Response  # noqa: E402

OUT = ROOT / "bench" / "out" / "saved.json"
INTRO = (
    "When a `%%respond` run ends, its live widget output is replaced by a static rendering: "
    "sanitized HTML with the view's CSS, a markdown copy and plain text, no widget reference "
    "(so a notebook reopened without a kernel or saved widget state shows the answer). Bytes "
    "per answered cell as nbformat saves the output, for the demo engine's answers (local "
    "server, reasoning on) and synthetic markdown answers; the live widget output (what a "
    "notebook saved mid-run keeps) for comparison; CPU to build the static bundle at the end "
    "of a run (cold parse), next to IPython formatting `display(Markdown(text))`, the usual "
    "openai-python idiom, which neither sanitizes nor renders."
)
PROMPTS = {
    "otters (demo answer)": "Tell me about otters",
    "long essay (demo answer)": "Write a long essay about otters",
}


def _synthetic(kb: int) -> str:
    block = (
        "## Section\n\nSome **bold** text, a [link](https://example.org) and `code`.\n\n"
        "| a | b |\n|---|---|\n| 1 | 2 |\n\n```python\nfor i in range(3):\n    print(i)\n```\n\n"
        "- one\n- two with $x^2$\n\n"
    )
    return (block * (kb * 1024 // len(block) + 1))[: kb * 1024]


def _state_of(response: Response) -> ResponseViewState:
    state = ResponseViewState.from_response(response, profile="local")
    state.set_header(started_at=1000.0, ended_at=1004.2)
    return state


def _measure(name: str, response: Response, repeat: int) -> dict[str, Any]:
    state = _state_of(response)
    bundle = static_bundle(state)
    output = {"output_type": "display_data", "data": bundle, "metadata": {}}
    live = {
        "output_type": "display_data",
        "data": {
            "application/vnd.jupyter.widget-view+json": {
                "version_major": 2,
                "version_minor": 1,
                "model_id": "0" * 32,
            },
            **fallback_bundle(state),
        },
        "metadata": {},
    }
    cpu = []
    for _ in range(repeat):
        parse.cache_clear()  # a cold parse, as at the end of a real run
        t0 = time.process_time()
        static_bundle(_state_of(response))
        cpu.append(time.process_time() - t0)
    from IPython.core.formatters import DisplayFormatter
    from IPython.display import Markdown

    formatter = DisplayFormatter()
    naive = []
    for _ in range(repeat):
        t0 = time.process_time()
        formatter.format(Markdown(response.output_text))
        naive.append(time.process_time() - t0)
    return {
        "name": name,
        "answer_bytes": len(response.output_text.encode()),
        "html_bytes": len(bundle["text/html"].encode()),
        "markdown_bytes": len(bundle["text/markdown"].encode()),
        "text_bytes": len(bundle["text/plain"].encode()),
        "saved_output_bytes": len(json.dumps(output, ensure_ascii=False).encode()),
        "live_output_bytes": len(json.dumps(live, ensure_ascii=False).encode()),
        "build_ms": min(cpu) * 1000,
        "openai_markdown_display_ms": min(naive) * 1000,
    }


def _demo(prompt: str) -> Response:
    from respnb import Client
    from respnb.server.launch import serve_in_thread

    with serve_in_thread(pace=0) as srv:
        client = Client(profile="local", base_url=srv.base_url)
        try:
            return client.responses.create(
                model="respnb-demo",
                input=prompt,
                reasoning={"effort": "medium", "summary": "auto"},
            )
        finally:
            client.close()


def _synthetic_response(kb: int) -> Response:
    return Response.model_validate(
        {
            "id": f"resp_synthetic_{kb}",
            "object": "response",
            "status": "completed",
            "model": "m",
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": _synthetic(kb)}],
                }
            ],
        }
    )


def run(repeat: int) -> dict[str, Any]:
    rows = [_measure(name, _demo(prompt), repeat) for name, prompt in PROMPTS.items()]
    rows += [_measure(f"synthetic {kb} KB", _synthetic_response(kb), repeat) for kb in (1, 10, 100)]
    return {"machine": machine_info(), "repeat": repeat, "rows": rows}


def section(data: dict[str, Any]) -> list[str]:
    """The docs/perf.md section of ``data``."""
    lines = [
        "| answer | answer text | HTML | markdown | text | saved output (JSON) | saved / answer "
        "| live widget output | build (ms CPU) | openai `display(Markdown)` (ms CPU) |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in data["rows"]:
        ratio = r["saved_output_bytes"] / max(r["answer_bytes"], 1)
        lines.append(
            f"| {r['name']} | {r['answer_bytes']:,} | {r['html_bytes']:,} | "
            f"{r['markdown_bytes']:,} | {r['text_bytes']:,} | {r['saved_output_bytes']:,} | "
            f"{ratio:.1f}x | {r['live_output_bytes']:,} | {r['build_ms']:.1f} | "
            f"{r['openai_markdown_display_ms']:.2f} |"
        )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--markdown", action="store_true", help="print the docs section")
    args = parser.parse_args()
    data = run(args.repeat)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(data, indent=1), encoding="utf-8")
    print("\n".join(section(data)))


if __name__ == "__main__":
    main()
