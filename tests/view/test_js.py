"""The front end's own tests and type check, run as part of the Python suite: ``npm test``
(node --test: store, renderers under jsdom, markdown budgets, incremental rendering) and
``npm run typecheck`` (tsc --noEmit over the // @ts-check sources)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

JS = Path(__file__).resolve().parents[2] / "js"
NPM = shutil.which("npm")

pytestmark = pytest.mark.skipif(
    NPM is None or not (JS / "node_modules").is_dir(),
    reason="npm or js/node_modules is missing (scripts/setup.sh installs them)",
)


def _npm(*args: str) -> None:
    assert NPM is not None
    proc = subprocess.run(
        [NPM, *args], cwd=JS, capture_output=True, text=True, timeout=300, check=False
    )
    assert proc.returncode == 0, (
        f"npm {' '.join(args)} failed:\n{proc.stdout[-6000:]}\n{proc.stderr[-3000:]}"
    )


def test_node_tests_pass() -> None:
    _npm("test", "--silent")


def test_typecheck_passes() -> None:
    _npm("run", "--silent", "typecheck")
