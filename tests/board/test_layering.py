"""The history layer offers data only: nothing under respnb/tasks imports respnb.notebook, and
the pricing core imports neither Jupyter nor the notebook layer."""

from __future__ import annotations

import ast
import shutil
import subprocess
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src" / "respnb"
JS = Path(__file__).resolve().parents[2] / "js"


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: resolve against the file's package
                pkg = path.relative_to(SRC.parent).with_suffix("").parts[: -node.level]
                base = ".".join((*pkg, base)) if base else ".".join(pkg)
            names.add(base)
            names.update(f"{base}.{a.name}" for a in node.names)
    return names


@pytest.mark.parametrize("path", sorted((SRC / "tasks").glob("*.py")), ids=lambda p: p.name)
def test_tasks_never_import_the_notebook_layer(path: Path) -> None:
    bad = {n for n in _imports(path) if n.startswith("respnb.notebook")}
    assert not bad, f"{path.name} imports {sorted(bad)}"


def test_pricing_core_is_jupyter_free() -> None:
    names = _imports(SRC / "_pricing.py")
    bad = {n for n in names if n.split(".")[0] in {"ipywidgets", "anywidget", "IPython"}}
    bad |= {n for n in names if n.startswith(("respnb.notebook", "respnb.tasks"))}
    assert not bad


def test_board_format_helpers_in_node() -> None:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    run = subprocess.run(
        [node, "--test", str(JS / "test" / "tb_format.test.mjs")],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert run.returncode == 0, run.stdout + run.stderr
