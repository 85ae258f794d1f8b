"""hatch_build.py: when the front-end bundle is rebuilt, and what happens without npm."""

from __future__ import annotations

import importlib.util
import os
import sys
import types
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Any:
    if importlib.util.find_spec("hatchling") is None:  # stand in for hatchling's base class
        iface = types.ModuleType("hatchling.builders.hooks.plugin.interface")
        iface.BuildHookInterface = type("BuildHookInterface", (), {})  # type: ignore[attr-defined]
        for name in (
            "hatchling",
            "hatchling.builders",
            "hatchling.builders.hooks",
            "hatchling.builders.hooks.plugin",
        ):
            monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
        monkeypatch.setitem(sys.modules, iface.__name__, iface)
    spec = importlib.util.spec_from_file_location("hatch_build_under_test", ROOT / "hatch_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    js, static = tmp_path / "js", tmp_path / "static"
    js.mkdir()
    static.mkdir()
    (js / "package.json").write_text("{}")
    (js / "package-lock.json").write_text("{}")
    (js / "response_view.js").write_text("export default {}")
    monkeypatch.setattr(module, "JS", js)
    monkeypatch.setattr(module, "STATIC", static)
    monkeypatch.delenv("RESPNB_SKIP_JS", raising=False)
    return module


def _touch(path: Path, mtime: float) -> None:
    path.write_text("x")
    os.utime(path, (mtime, mtime))


def test_staleness(hook: Any) -> None:
    assert hook.bundle_is_stale()  # no bundle yet
    _touch(hook.STATIC / "response_view.js", 4_000_000_000)
    assert not hook.bundle_is_stale()
    _touch(hook.JS / "rv_items.js", 4_000_000_100)  # a newer source
    assert hook.bundle_is_stale()


def test_runs_npm_when_stale(hook: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[list[str]] = []
    monkeypatch.setattr(hook.shutil, "which", lambda name: "/usr/bin/npm")
    monkeypatch.setattr(hook.subprocess, "run", lambda cmd, **kw: calls.append(cmd[1:3]))
    hook.build_frontend(strict=True)
    assert calls == [["ci", "--no-audit"], ["run", "build"]]  # no node_modules yet: npm ci


def test_without_npm(hook: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(hook.shutil, "which", lambda name: None)
    with pytest.raises(RuntimeError, match=r"Install Node\.js"):
        hook.build_frontend(strict=True)
    hook.build_frontend(strict=False)  # an editable install only warns
    _touch(hook.STATIC / "response_view.js", 1.0)  # an old bundle is kept
    hook.build_frontend(strict=True)


def test_skip_switch(hook: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("RESPNB_SKIP_JS", "1")
    monkeypatch.setattr(hook.subprocess, "run", lambda *a, **k: pytest.fail("npm ran"))
    hook.build_frontend(strict=True)
