"""The layering holds: `lint-imports` keeps the import-linter contracts of pyproject.toml.

Core (every top-level module but the composition roots) never imports notebook/, tasks/ or
server/; tasks/ never imports notebook/; server/ never imports notebook/ or tasks/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
PKG = ROOT / "src" / "respnb"
LAYERS = {"notebook", "tasks", "server", "batch"}


def _contracts() -> list[dict[str, object]]:
    data = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts: list[dict[str, object]] = data["tool"]["importlinter"]["contracts"]
    return contracts


def core_modules() -> set[str]:
    """Every top-level module and package but the layers and the composition roots."""
    return {
        f"respnb.{p.stem}" for p in PKG.glob("*.py") if p.stem not in ("__init__", "__main__")
    } | {
        f"respnb.{d.name}"
        for d in PKG.iterdir()
        if d.is_dir() and (d / "__init__.py").exists() and d.name not in LAYERS
    }


def test_core_contract_lists_existing_core_modules() -> None:
    """The CLI's contract (pyproject) names core modules that exist; the test below checks
    the tree as it is, so a module added later is covered even before it is listed."""
    listed = set(_contracts()[0]["source_modules"])  # type: ignore[arg-type]
    assert listed <= core_modules(), f"not core modules (any more): {listed - core_modules()}"
    assert {"respnb._client", "respnb._sync", "respnb.types", "respnb.resources"} <= listed


def _toml(importlinter: dict[str, Any]) -> str:
    """The ``[tool.importlinter]`` table as TOML (strings and lists of strings only)."""

    def value(v: Any) -> str:
        return json.dumps(v) if not isinstance(v, bool) else str(v).lower()

    lines = ["[tool.importlinter]"]
    lines += [f"{k} = {value(v)}" for k, v in importlinter.items() if k != "contracts"]
    for contract in importlinter["contracts"]:
        lines.append("\n[[tool.importlinter.contracts]]")
        lines += [f"{k} = {value(v)}" for k, v in contract.items()]
    return "\n".join(lines) + "\n"


def test_lint_imports_keeps_the_contracts(tmp_path: Path) -> None:
    exe = shutil.which("lint-imports", path=str(Path(sys.executable).parent)) or shutil.which(
        "lint-imports"
    )
    if exe is None:
        pytest.fail("lint-imports (import-linter, in the dev group) is not installed")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = config["tool"]["importlinter"]["contracts"]
    contracts[0]["source_modules"] = sorted(core_modules())  # the tree as it is now
    generated = tmp_path / "importlinter.toml"
    generated.write_text(_toml(config["tool"]["importlinter"]), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [exe, str(generated), "--no-cache", "--no-logo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "Contracts: 4 kept, 0 broken." in proc.stdout, proc.stdout[-6000:] + proc.stderr
    assert proc.returncode == 0


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                found.append(sorted(comp))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def test_cycle_finder_finds_a_cycle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_no_import_cycles_between_modules() -> None:
    """No two modules import each other, directly or through others, at module or function
    level (the root package, which re-exports everything, is left out)."""
    grimp = pytest.importorskip("grimp")  # installed with import-linter
    graph = grimp.build_graph("respnb", cache_dir=None)
    modules = {m for m in graph.modules if m != "respnb"}
    edges = {m: set(graph.find_modules_directly_imported_by(m)) & modules for m in modules}
    cycles = _cycles(edges)
    detail = {" <-> ".join(c): {m: sorted(edges[m] & set(c)) for m in c} for c in cycles}
    assert not cycles, f"import cycles: {detail}"
