"""``%%respond`` (foreground and background) with a Chat Completions model behind the local
server."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell

import respnb
from respnb.notebook.magics import RespondMagics
from respnb.server.launch import RunningServer
from tests.magics.conftest import Runner, _prepared, ipshell, magics  # noqa: F401 - fixtures

from .chatserver import ChatServer


@pytest.fixture
def bridged_shell(
    ipshell: InteractiveShell,  # noqa: F811
    magics: RespondMagics,  # noqa: F811
    bridged: RunningServer,
    _isolated_home: Path,
) -> Iterator[InteractiveShell]:
    yield from _prepared(ipshell, magics, _isolated_home, bridged.base_url)


def test_respond_streams_an_upstream_answer(
    bridged_shell: InteractiveShell, chat: ChatServer
) -> None:
    Runner(bridged_shell)("-q", "hello from a notebook cell")
    result = bridged_shell.user_ns["_r"]
    assert result.status == "completed"
    assert result.output_text == "Echo: hello from a notebook cell (1 messages)"
    assert chat.requests[-1]["messages"][-1]["content"] == "hello from a notebook cell"


def test_background_respond_is_recorded_and_finishes(
    bridged_shell: InteractiveShell,
    magics: RespondMagics,  # noqa: F811
) -> None:
    Runner(bridged_shell)("-b -q", "think about otters in the background")
    run = magics.background_runs[-1]
    result: Any = run.wait(60)
    assert result is not None and result.status == "completed" and result.background
    assert result.output_text.startswith("Echo: think about otters")
    client = respnb.Client(profile="local")  # what the task board polls: the stored response
    try:
        stored = client.responses.retrieve(result.id)
    finally:
        client.close()
    assert stored.status == "completed" and stored.background
    assert stored.output_text == result.output_text
