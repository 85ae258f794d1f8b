"""History under the user's control: recording switch, purge, and respnb.tasks a plain function."""

from __future__ import annotations

import inspect
import os
import sqlite3
import subprocess
import sys
import types
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import respnb
from respnb.tasks import TaskRegistry, recording
from respnb.tasks._observer import RegistryObserver
from respnb.tasks.history import parse_date, purge
from respnb.types import Response

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _recording_follows_env(monkeypatch: pytest.MonkeyPatch) -> None:
    from respnb.tasks import _observer

    monkeypatch.setattr(_observer, "_recording", None)  # restored after each test


@pytest.fixture
def client(local_server: Any) -> Iterator[respnb.Client]:
    c = respnb.Client("local", base_url=local_server.base_url)
    yield c
    c.close()
    respnb.tasks.reset()


def _rows(path: Path) -> list[str]:
    with sqlite3.connect(path) as conn:
        return [r[0] for r in conn.execute("SELECT prompt FROM tasks ORDER BY created_at")]


def test_tasks_is_a_plain_function_and_the_package_imports_as_before() -> None:
    assert inspect.isfunction(respnb.tasks)
    package = sys.modules["respnb.tasks"]
    assert type(package) is types.ModuleType  # no replaced module class
    from respnb.tasks import TaskTable, start_webhook_receiver

    assert respnb.tasks.start_webhook_receiver is start_webhook_receiver
    assert respnb.tasks.recording is recording
    assert TaskTable.__module__ == "respnb.tasks.table"


def test_recording_switch_in_process(client: respnb.Client) -> None:
    table = respnb.tasks(client)
    kept = client.responses.create(model="respnb-demo", input="kept prompt", store=True)
    assert recording() is True
    assert recording(False) is False
    dropped = client.responses.create(model="respnb-demo", input="private prompt", store=True)
    assert table.registry.get(kept.id) is not None
    assert table.registry.get(dropped.id) is None
    assert "private prompt" not in table.registry.path.read_bytes().decode("latin-1")
    with pytest.raises(TypeError, match="True, False or None"):
        recording("no")  # type: ignore[arg-type]
    assert recording(True) is True
    again = client.responses.create(model="respnb-demo", input="kept again", store=True)
    assert table.registry.get(again.id) is not None


@pytest.mark.parametrize("value", ["0", "false", "OFF"])
def test_recording_env_switch(value: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    reg = TaskRegistry(tmp_path / "t.sqlite3")
    observer = RegistryObserver(reg)
    monkeypatch.setenv("RESPNB_RECORD", value)
    observer.on_response(None, Response(id="resp_off", status="completed"), {"input": "x"})
    assert reg.get("resp_off") is None
    monkeypatch.setenv("RESPNB_RECORD", "1")
    observer.on_response(None, Response(id="resp_on", status="completed"), {"input": "x"})
    assert reg.get("resp_on") is not None
    reg.close()


def test_purge_before_and_all(tmp_path: Path) -> None:
    db = tmp_path / "tasks.sqlite3"
    reg = TaskRegistry(db)
    reg.bulk_insert(
        [
            {"id": "old", "prompt": "old secret", "created_at": parse_date("2026-01-01")},
            {"id": "undated", "prompt": "undated"},
            {"id": "new", "prompt": "new one", "created_at": parse_date("2026-06-01T12:00")},
        ]
    )
    v0 = reg.version()
    assert purge(db, before=parse_date("2026-03-01")) == 2
    assert reg.ids() == ["new"] and reg.version() > v0  # an open registry sees the change
    assert b"old secret" not in db.read_bytes()  # vacuumed: the text left the file
    assert purge(db) == 1 and reg.count() == 0
    assert purge(tmp_path / "missing.sqlite3") == 0
    assert not (tmp_path / "missing.sqlite3").exists()
    reg.close()
    with pytest.raises(ValueError, match="YYYY-MM-DD"):
        parse_date("last tuesday")


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "respnb", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )


def test_history_cli(tmp_path: Path) -> None:
    env = {**os.environ, "RESPNB_HOME": str(tmp_path), "PYTHONPATH": str(ROOT / "src")}
    shown = _cli("history", env=env)
    assert shown.returncode == 0 and str(tmp_path / "tasks.sqlite3") in shown.stdout
    reg = TaskRegistry(tmp_path / "tasks.sqlite3")
    reg.bulk_insert(
        [
            {"id": "a", "prompt": "a", "created_at": parse_date("2025-12-31")},
            {"id": "b", "prompt": "b", "created_at": parse_date("2026-02-01")},
        ]
    )
    reg.close()
    before = _cli("history", "purge", "--before", "2026-01-01", env=env)
    assert before.returncode == 0, before.stderr
    assert "deleted 1 history row " in before.stdout
    assert _rows(tmp_path / "tasks.sqlite3") == ["b"]
    both = _cli("history", "purge", env=env)
    assert both.returncode == 2 and "--before DATE or --all" in both.stdout
    bad = _cli("history", "purge", "--before", "soon", env=env)
    assert bad.returncode == 2 and "not a date" in bad.stdout
    everything = _cli("history", "purge", "--all", env=env)
    assert "deleted 1 history row " in everything.stdout
    assert _rows(tmp_path / "tasks.sqlite3") == []
    off = _cli("history", env={**env, "RESPNB_RECORD": "0"})
    assert "recording: off" in off.stdout
