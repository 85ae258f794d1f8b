"""The saved notebooks are clean: stripped outputs, no widget state, no secrets, real checks.

nbval executes the notebooks themselves (``pytest notebooks --nbval-lax``); these tests check
what is committed: only the cells marked ``# NBVAL_CHECK_OUTPUT`` keep outputs (nbval compares
them), nothing else leaks into the files.
"""

from __future__ import annotations

import copy
import json
import os
import re
from pathlib import Path
from typing import cast

import nbformat
import pytest

from .refresh import CHECK_MARK, SKIP_MARK, strip

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK_DIR = ROOT / "notebooks"
EXPECTED = (
    "quickstart",
    "tools",
    "files_and_images",
    "background_tasks",
    "task_history",
    "providers",
    "walkthrough",
    "batch",
)
NOTEBOOKS = sorted(NOTEBOOK_DIR.glob("*.ipynb"))
IDS = [p.stem for p in NOTEBOOKS]

# Credential shapes: OpenAI-style keys, bearer tokens, AWS ids, private keys, webhook secrets.
SECRET_PATTERNS = [
    re.compile(r"\bsk-(?:proj-|svcacct-)?[A-Za-z0-9_-]{20,}"),
    re.compile(r"Bearer\s+[A-Za-z0-9._~+/-]{20,}"),
    re.compile(r"\bAKIA[0-9A-Z]{16}\b"),
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----"),
    re.compile(r"whsec_[A-Za-z0-9+/=]{16,}"),
]
_KEY_ENV = ("OPENAI_API_KEY", "MANUS_API_KEY", "MANIAC_API_KEY", "RESPNB_API_KEY")
_WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


def _read(path: Path) -> nbformat.NotebookNode:
    return cast(nbformat.NotebookNode, nbformat.read(path, as_version=4))  # type: ignore[no-untyped-call]


def _code_cells(nb: nbformat.NotebookNode) -> list[nbformat.NotebookNode]:
    return [c for c in nb.cells if c.cell_type == "code"]


def test_every_planned_notebook_is_there() -> None:
    assert sorted(IDS) == sorted(EXPECTED)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_valid_and_runs_on_the_default_kernel(path: Path) -> None:
    nb = _read(path)
    nbformat.validate(nb)
    assert nb.metadata["kernelspec"]["name"] == "python3"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_saved_widget_state(path: Path) -> None:
    nb = _read(path)
    assert "widgets" not in nb.metadata
    for cell in nb.cells:
        assert "widgets" not in cell.metadata
        for out in cell.get("outputs", []):
            assert _WIDGET_MIME not in out.get("data", {}), cell.source[:80]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_only_checked_cells_keep_outputs(path: Path) -> None:
    nb = _read(path)
    for cell in _code_cells(nb):
        checked = CHECK_MARK in cell.source
        if checked:
            # nbval compares these; a checked cell without a stored run cannot be compared.
            assert cell.outputs, f"checked cell has no expected output: {cell.source[:80]!r}"
            assert cell.execution_count is not None, cell.source[:80]
        else:
            assert cell.outputs == [], f"unchecked cell has saved outputs: {cell.source[:80]!r}"
            assert cell.execution_count is None, cell.source[:80]
        assert all(out.output_type != "error" for out in cell.outputs), cell.source[:80]
        if SKIP_MARK in cell.source:
            assert not checked, "a skipped cell cannot be checked"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_stripping_is_a_no_op(path: Path) -> None:
    """The committed file is exactly what ``refresh.strip`` leaves (no timings, no state)."""
    nb = _read(path)
    assert strip(copy.deepcopy(nb)) == nb


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_notebook_checks_what_matters(path: Path) -> None:
    """Each notebook can fail: checked outputs and plain asserts, not only prints."""
    cells = _code_cells(_read(path))
    assert sum(CHECK_MARK in c.source for c in cells) >= 3
    asserts = sum(len(re.findall(r"^\s*assert\b", c.source, re.M)) for c in cells)
    assert asserts >= 5


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_no_secrets_or_local_paths(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    for pattern in SECRET_PATTERNS:
        assert not pattern.search(text), f"{path.name}: looks like a credential: {pattern.pattern}"
    for name in _KEY_ENV:
        value = os.environ.get(name)
        if value and len(value) >= 8:
            assert value not in text, f"{path.name} contains the value of ${name}"
    outputs = json.dumps([c.get("outputs", []) for c in _read(path).cells])
    for marker in ("/tmp/", "/root/", "/home/", str(ROOT)):
        assert marker not in outputs, f"{path.name}: a local path leaked into outputs: {marker}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)
def test_real_services_only_in_skipped_cells(path: Path) -> None:
    """Cells that talk to a real service never run in CI (offline)."""
    for cell in _code_cells(_read(path)):
        real = re.search(r"profile=\"(openai|manus|maniac)\"\)|--profile openai", cell.source)
        uses_local = "base_url=" in cell.source or "MANUS_BASE_URL" in cell.source
        if real and not uses_local:
            assert SKIP_MARK in cell.source, f"{path.name}: {cell.source[:80]!r}"
