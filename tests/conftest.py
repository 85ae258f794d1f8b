"""Shared fixtures: every test runs with an isolated RESPNB_HOME and no real API keys."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

_SECRET_ENV = (
    "OPENAI_API_KEY",
    "OPENAI_BASE_URL",
    "MANUS_API_KEY",
    "MANIAC_API_KEY",
    "RESPNB_PROFILE",
    "RESPNB_BASE_URL",
    "RESPNB_API_KEY",
)


@pytest.fixture(autouse=True)
def _isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    home = tmp_path_factory.mktemp("respnb_home")
    monkeypatch.setenv("RESPNB_HOME", str(home))
    monkeypatch.setenv("RESPNB_LOCAL_PACE", "0")  # on-demand local servers at full speed
    for name in _SECRET_ENV:
        monkeypatch.delenv(name, raising=False)
    return home


@pytest.fixture
def local_server(tmp_path: Path) -> Iterator[object]:
    """A real respnb server on loopback (openai dialect, faults enabled, fast pace)."""
    from respnb.server.launch import serve_in_thread

    with serve_in_thread(db_path=tmp_path / "server.sqlite3", faults=True, pace=5000) as srv:
        yield srv


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Stop the on-demand local servers this test process started (they would idle-exit later)."""
    try:
        from respnb.server.launch import LAUNCHED
    except ImportError:
        return
    for proc in LAUNCHED:
        if proc.poll() is None:
            proc.terminate()
