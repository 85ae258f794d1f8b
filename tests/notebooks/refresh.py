"""Re-execute notebooks and store only the outputs that nbval checks.

Usage (from the repository root)::

    python tests/notebooks/refresh.py notebooks/quickstart.ipynb [more.ipynb ...]
    python tests/notebooks/refresh.py            # every notebook in notebooks/

Each notebook runs top to bottom in a ``python3`` kernel (in a temporary ``RESPNB_HOME``, so
the run is offline and starts from nothing). Then the outputs of cells marked
``# NBVAL_CHECK_OUTPUT`` are kept, every other output is cleared, execution counts, timing
metadata and saved widget state are dropped. Commit the result.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import sys
import tempfile
from pathlib import Path

import nbformat
from nbclient import NotebookClient

__all__ = ["CHECK_MARK", "SKIP_MARK", "main", "refresh", "strip"]

CHECK_MARK = "NBVAL_CHECK_OUTPUT"
SKIP_MARK = "NBVAL_SKIP"
ROOT = Path(__file__).resolve().parents[2]
_SECRET_ENV = ("OPENAI_API_KEY", "MANUS_API_KEY", "MANIAC_API_KEY", "RESPNB_API_KEY")


def strip(nb: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """Keep the outputs of checked cells only; no counts, timings or widget state."""
    nb.metadata.pop("widgets", None)
    for cell in nb.cells:
        cell.metadata.pop("execution", None)
        cell.metadata.pop("widgets", None)
        if cell.cell_type != "code":
            continue
        if CHECK_MARK not in cell.source:
            # nbval treats a checked cell without an execution count as never run, so only
            # the unchecked cells lose theirs.
            cell.execution_count = None
            cell.outputs = []
        for out in cell.outputs:
            out.get("metadata", {}).pop("widgets", None)
    return nb


def _stop_local_server(home: Path) -> None:
    """Stop the local server the notebook's ``local`` profile started in ``home``."""
    try:
        pid = int(json.loads((home / "server.json").read_text())["pid"])
    except (OSError, ValueError, KeyError, TypeError):
        return
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGTERM)


def refresh(path: Path, timeout: int = 120) -> None:
    """Execute ``path`` (skipping NBVAL_SKIP cells) and rewrite it stripped."""
    nb = nbformat.read(path, as_version=4)  # type: ignore[no-untyped-call]
    skipped = {}
    for i, cell in enumerate(nb.cells):
        if cell.cell_type == "code" and SKIP_MARK in cell.source:
            skipped[i] = cell.source
            cell.source = "pass  # skipped while refreshing"
    with tempfile.TemporaryDirectory(prefix="respnb-nb-") as home:
        env_backup = dict(os.environ)
        os.environ["RESPNB_HOME"] = home
        for name in _SECRET_ENV:
            os.environ.pop(name, None)
        try:
            NotebookClient(
                nb,
                timeout=timeout,
                kernel_name="python3",
                resources={"metadata": {"path": str(path.parent)}},
            ).execute()
        finally:
            os.environ.clear()
            os.environ.update(env_backup)
            _stop_local_server(Path(home))
    for i, source in skipped.items():
        nb.cells[i].source = source
        nb.cells[i].outputs = []
    nbformat.validate(nb)
    nbformat.write(strip(nb), path)  # type: ignore[no-untyped-call]


def main(argv: list[str]) -> int:
    paths = [Path(a) for a in argv] or sorted((ROOT / "notebooks").glob("*.ipynb"))
    for path in paths:
        print(f"refreshing {path} ...", flush=True)
        refresh(path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
