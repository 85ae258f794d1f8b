"""Weight of a saved notebook: N ``%%respond`` answers executed and saved with widget state.

Builds a notebook of ``N`` answered cells (offline, the on-demand local server), executes it with
nbclient (``store_widget_state=True``, as JupyterLab's "save widget state" does) and reports the
file size, the widget-state size and the bytes per answer. Run it against two source trees to
compare (``PYTHONPATH=<tree>/src python bench/notebook_weight.py``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient


def build(n: int) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    nb.cells.append(nbformat.v4.new_code_cell("%load_ext respnb"))
    for i in range(n):
        nb.cells.append(nbformat.v4.new_code_cell(f"%%respond\nAnswer number {i}: say hello."))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    return nb


def measure(n: int) -> dict[str, float]:
    nb = build(n)
    with tempfile.TemporaryDirectory() as home:
        os.environ["RESPNB_HOME"] = home
        os.environ.setdefault("RESPNB_LOCAL_PACE", "0")
        NotebookClient(nb, timeout=600, kernel_name="python3", store_widget_state=True).execute()
        try:
            from respnb.server.launch import stop_local_server

            stop_local_server()
        except ImportError:  # an older tree without the lifecycle commands
            pass
    text = nbformat.writes(nb)
    state = nb.metadata.get("widgets", {}).get("application/vnd.jupyter.widget-state+json", {})
    models = state.get("state", {})
    return {
        "answers": n,
        "file_bytes": len(text.encode()),
        "widget_state_bytes": len(json.dumps(state).encode()),
        "models": len(models),
        "bytes_per_answer": len(text.encode()) / max(n, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("-n", type=int, default=20, help="answered cells (default 20)")
    args = parser.parse_args()
    print(json.dumps(measure(args.n), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
