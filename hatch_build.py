"""Hatchling build hook: bundle the ESM front end (``js/``) into ``src/respnb/static/``.

The bundle is git-ignored and shipped in both the sdist and the wheel as an artifact (see
``pyproject.toml``), so neither needs Node.js to install. The hook runs ``npm ci`` (when ``node_modules`` is missing or older than the lock file) and
``npm run build`` in ``js/`` whenever the bundle is missing or older than any front-end source.

* ``RESPNB_SKIP_JS=1`` skips the front-end build entirely.
* Skip-if-exists: in an unpacked sdist (``PKG-INFO`` at the root) a present bundle is used as
  it is, so building the wheel from the sdist never runs npm.
* Without ``npm`` on PATH an existing bundle is kept (with a message); a missing bundle fails a
  wheel build with a message saying to install Node.js, while an editable install only warns
  (``ResponseView`` then explains how to build it when first used).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

__all__ = ["JsBuildHook"]

ROOT = Path(__file__).resolve().parent
JS = ROOT / "js"
STATIC = ROOT / "src" / "respnb" / "static"
# Entry points and their bundles; an entry whose source is absent is skipped.
BUNDLES = {
    "response_view.js": "response_view.js",
    "task_board.js": "task_board.js",
    "batch_progress.js": "batch_progress.js",
}


def _say(message: str) -> None:
    print(f"[respnb build hook] {message}", file=sys.stderr, flush=True)


def _sources() -> list[Path]:
    found = [p for p in JS.glob("*") if p.suffix in {".js", ".mjs", ".css"} and p.is_file()]
    found += [p for p in (JS / "src").rglob("*") if p.is_file()] if (JS / "src").is_dir() else []
    found += [p for p in (JS / "package.json", JS / "package-lock.json") if p.exists()]
    return found


def _outputs() -> list[Path]:
    return [STATIC / out for src, out in BUNDLES.items() if (JS / src).exists()]


def bundle_is_stale() -> bool:
    """True when a bundle is missing or older than any front-end source."""
    outputs = _outputs()
    if not outputs or any(not o.exists() for o in outputs):
        return True
    newest_source = max((p.stat().st_mtime for p in _sources()), default=0.0)
    return min(o.stat().st_mtime for o in outputs) < newest_source


def build_frontend(*, strict: bool) -> None:
    """Run npm in ``js/`` if the bundle is stale; ``strict`` turns a missing npm into an error."""
    if os.environ.get("RESPNB_SKIP_JS"):
        _say("RESPNB_SKIP_JS is set: front-end build skipped.")
        return
    if not (JS / "package.json").exists():
        _say("js/package.json not found: front-end build skipped.")
        return
    if (ROOT / "PKG-INFO").exists() and all(o.exists() for o in _outputs()):
        _say("sdist with a built front-end bundle: npm skipped.")
        return
    if not bundle_is_stale():
        _say("front-end bundle is up to date.")
        return
    npm = shutil.which("npm")
    if npm is None:
        if all(o.exists() for o in _outputs()):
            _say(
                "npm not found: keeping the existing (possibly stale) bundle in src/respnb/static/."
            )
            return
        message = (
            "npm not found and src/respnb/static/ holds no bundle. Install Node.js >= 18 "
            "(which provides npm) and build again, or run `npm ci && npm run build` in js/."
        )
        if strict:
            raise RuntimeError(message)
        _say(message + " Continuing without the widget front end.")
        return
    lock = JS / "package-lock.json"
    modules = JS / "node_modules"
    if not modules.exists() or (lock.exists() and lock.stat().st_mtime > modules.stat().st_mtime):
        _say("running `npm ci` in js/ ...")
        subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=JS, check=True)
    _say("running `npm run build` in js/ ...")
    subprocess.run([npm, "run", "build"], cwd=JS, check=True)


class JsBuildHook(BuildHookInterface):  # type: ignore[type-arg]
    """Builds the widget bundle before the sdist, wheel or editable wheel is assembled."""

    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict[str, Any]) -> None:
        if self.target_name not in ("wheel", "sdist"):
            return
        build_frontend(strict=version != "editable")
