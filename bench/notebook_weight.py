"""Weight of a saved notebook: N ``%%respond`` answers executed and saved with widget state.

Builds a notebook of ``N`` answered cells (offline, the on-demand local server), executes it
with nbclient (``store_widget_state=True``, as JupyterLab's "save widget state" does) and
measures the file, its widget state and the bytes per answer, twice in one run:

* ``shared``: respnb's views, whose ``_esm`` is a small loader and whose bundle is one shared
  model per kernel;
* ``per_view``: the same views with the whole bundle as each view's ``_esm`` and ``_css``
  (how anywidget ships a bundle by default, and how respnb did before).

Writes ``bench/out/notebook_weight.json``; ``bench/run_all.py`` renders it into docs/perf.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

import nbformat
from nbclient import NotebookClient

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import machine_info

OUT = Path(__file__).resolve().parent / "out"

PER_VIEW = """\
from respnb.notebook.view import ResponseView, load_bundle
class PerViewBundle(ResponseView):
    def __init__(self, **kw):
        super().__init__(**kw)
        self.bundle = None
        self.add_traits(_esm_full=__import__("traitlets").Unicode(
            load_bundle("response_view.js") + load_bundle("response_view.css")).tag(sync=True))
get_ipython().magics_manager.registry["RespondMagics"].view_factory = (
    lambda profile, model: PerViewBundle(profile=profile, model=model))
"""


def build(n: int, per_view: bool) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("%load_ext respnb"))
    if per_view:
        nb.cells.append(nbformat.v4.new_code_cell(PER_VIEW))
    for i in range(n):
        nb.cells.append(nbformat.v4.new_code_cell(f"%%respond\nAnswer number {i}: say hello."))
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    return nb


def measure(n: int, per_view: bool) -> dict[str, Any]:
    """Execute and save a notebook of ``n`` answers; its sizes."""
    nb = build(n, per_view)
    with tempfile.TemporaryDirectory() as home:
        os.environ["RESPNB_HOME"] = home
        os.environ.setdefault("RESPNB_LOCAL_PACE", "0")
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True).execute()
        from respnb.server.launch import stop_local_server

        stop_local_server()
    text = nbformat.writes(nb).encode()
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    return {
        "answers": n,
        "file_bytes": len(text),
        "widget_state_bytes": len(json.dumps(state).encode()),
        "models": len(state.get("state", {})),
        "bytes_per_answer": round(len(text) / max(n, 1)),
    }


def render(data: dict[str, Any], verdicts: list[tuple[str, str]]) -> list[str]:
    """The docs/perf.md section (a table of both layouts and the ratio)."""
    shared, per_view = data["shared"], data["per_view"]
    rows = [
        ("notebook file, bytes", "file_bytes"),
        ("widget state, bytes", "widget_state_bytes"),
        ("bytes per answer", "bytes_per_answer"),
        ("widget models", "models"),
    ]
    out = [
        f"A notebook of {shared['answers']} `%%respond` answers executed with nbclient and saved "
        "with widget state. *shared*: each view's `_esm` is a small loader and the bundle is one "
        "shared model; *per view*: the whole bundle in every view's state (anywidget's default).",
        "",
        "| figure | shared | per view | shared / per view |",
        "|---|---|---|---|",
    ]
    for label, key in rows:
        a, b = shared[key], per_view[key]
        out.append(f"| {label} | {a:,} | {b:,} | {a / b:.3f}x |")
    ok = shared["file_bytes"] * 5 < per_view["file_bytes"]
    verdicts.append(("saved notebook of 20 answers at least 5x lighter", "met" if ok else "MISSED"))
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="answered cells (default 20)")
    args = parser.parse_args()
    result = {
        "shared": measure(args.n, per_view=False),
        "per_view": measure(args.n, per_view=True),
        "machine": machine_info(),
    }
    OUT.mkdir(exist_ok=True)
    (OUT / "notebook_weight.json").write_text(json.dumps(result, indent=2))
    print(json.dumps({k: v for k, v in result.items() if k != "machine"}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
