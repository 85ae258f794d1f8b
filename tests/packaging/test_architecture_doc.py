"""docs/architecture.md's module map is generated from the code and kept current."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "scripts" / "gen_architecture.py"


def test_module_map_is_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(SCRIPT), "--check"], capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stderr


def test_module_map_lists_every_module_and_no_stale_one() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    for path in (ROOT / "src" / "respnb").rglob("*.py"):
        rel = path.relative_to(ROOT / "src").with_suffix("")
        name = ".".join(p for p in rel.parts if p != "__init__")
        assert f"| `{name}` |" in doc, f"{name} is missing from the module map"
    assert "`server/engine.py`" not in doc  # the engine is a package now


def test_check_mode_fails_on_a_stale_map(tmp_path: Path) -> None:
    sys.path.insert(0, str(SCRIPT.parent))
    try:
        import gen_architecture as gen
    finally:
        sys.path.remove(str(SCRIPT.parent))
    stale = gen.render(gen.DOC.read_text(encoding="utf-8")).replace("| `respnb._sse` |", "| x |")
    assert stale != gen.render(stale)  # rendering restores the row a stale file lost
