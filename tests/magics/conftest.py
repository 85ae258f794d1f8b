"""A real IPython shell with ``%load_ext respnb``, pointed at respnb's local server."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import CapturedIO, capture_output

from respnb._session import session
from respnb.notebook._magic_checks import ask_before_running as _ask
from respnb.notebook.magics import RespondMagics


@pytest.fixture(scope="module")
def ipshell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InteractiveShell]:
    """A headless InteractiveShell per test module; the process hooks it sets are restored."""
    saved = (sys.displayhook, sys.excepthook)
    mp = pytest.MonkeyPatch()
    mp.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
    InteractiveShell.clear_instance()
    shell = InteractiveShell.instance(history_length=0)
    shell.history_manager.enabled = False
    shell.run_line_magic("load_ext", "respnb")
    yield shell
    shell.run_line_magic("unload_ext", "respnb")
    InteractiveShell.clear_instance()
    sys.displayhook, sys.excepthook = saved
    mp.undo()


@pytest.fixture
def magics(ipshell: InteractiveShell) -> RespondMagics:
    found = ipshell.magics_manager.registry["RespondMagics"]
    assert isinstance(found, RespondMagics)
    return found


@pytest.fixture
def bare_shell(
    ipshell: InteractiveShell, magics: RespondMagics, _isolated_home: Path
) -> Iterator[InteractiveShell]:
    """The shell with the `local` profile pointed at a dead port (nothing may be sent)."""
    yield from _prepared(ipshell, magics, _isolated_home, "http://127.0.0.1:9/v1")


@pytest.fixture
def shell(
    ipshell: InteractiveShell, magics: RespondMagics, local_server: Any, _isolated_home: Path
) -> Iterator[InteractiveShell]:
    """The shell, its `local` profile pointed at a fresh server; state restored afterwards."""
    yield from _prepared(ipshell, magics, _isolated_home, local_server.base_url)


def _prepared(
    ipshell: InteractiveShell, magics: RespondMagics, home: Path, base_url: str
) -> Iterator[InteractiveShell]:
    (home / "profiles.toml").write_text(
        f'[profiles.local]\nkind = "local"\nbase_url = "{base_url}"\n', encoding="utf-8"
    )
    session.reset()
    session.local_notice_shown = True  # tests of the notice reset it themselves
    before = set(ipshell.user_ns)
    yield ipshell
    for run in magics.background_runs:
        run.cancel()
        run.wait(30)
    magics.background_runs.clear()
    magics.view_factory = None
    magics.confirm = _ask
    magics.close()
    for name in set(ipshell.user_ns) - before:
        del ipshell.user_ns[name]
    session.reset()


class Runner:
    """``respond(line)`` runs ``%respond line``; ``respond(line, cell)`` runs ``%%respond``.
    Every output is captured and returned."""

    def __init__(self, shell: InteractiveShell) -> None:
        self.shell = shell

    def __call__(self, line: str, cell: str | None = None) -> CapturedIO:
        with capture_output() as cap:
            if cell is None:
                self.shell.run_line_magic("respond", line)
            else:
                self.shell.run_cell_magic("respond", line, cell)
        return cap


@pytest.fixture
def respond(shell: InteractiveShell) -> Runner:
    return Runner(shell)


@pytest.fixture
def respond_offline(bare_shell: InteractiveShell) -> Runner:
    """Like ``respond``, for runs that must fail before sending anything."""
    return Runner(bare_shell)
