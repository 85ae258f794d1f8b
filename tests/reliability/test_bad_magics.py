"""``%%respond`` with bad options: a UsageError saying what to fix, no request sent, and the
previous result (``respnb.last``, ``_r``) untouched."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from IPython.utils.capture import capture_output

import respnb
from respnb._session import session

from .proxy import FaultProxy

CASES = [
    ("--max-output-tokens 3", "--max-output-tokens must be at least 16"),
    ("--temperature 9", "--temperature must be between 0 and 2"),
    ("--out 2fast", "is not a valid Python variable name"),
    ("-c --new", "contradict each other"),
    ("--tools no_such_function", "no function named 'no_such_function'"),
    ("--schema NoSuchModel", "no pydantic model named 'NoSuchModel'"),
    ("--extra justakey", "write KEY=VALUE"),
    ("-b --no-store", "drop --no-store"),
    ("--attach /no/such/file.csv", "not found"),
    ("--profile opneai", "unknown profile 'opneai'"),
    ("--frobnicate", "unrecognized arguments: --frobnicate"),
]


@pytest.fixture(scope="module")
def shell(tmp_path_factory: pytest.TempPathFactory) -> Iterator[InteractiveShell]:
    saved = (sys.displayhook, sys.excepthook)
    mp = pytest.MonkeyPatch()
    mp.setenv("IPYTHONDIR", str(tmp_path_factory.mktemp("ipython")))
    InteractiveShell.clear_instance()
    sh = InteractiveShell.instance(history_length=0)
    assert sh.history_manager is not None
    sh.history_manager.enabled = False
    sh.run_line_magic("load_ext", "respnb")
    yield sh
    sh.run_line_magic("unload_ext", "respnb")
    InteractiveShell.clear_instance()
    sys.displayhook, sys.excepthook = saved
    mp.undo()


@pytest.fixture
def local_via_proxy(
    shell: InteractiveShell, proxy: FaultProxy, _isolated_home: Path
) -> Iterator[InteractiveShell]:
    """The `local` profile points at the proxy; one good answer is made first."""
    (_isolated_home / "profiles.toml").write_text(
        f'[profiles.local]\nkind = "local"\nbase_url = "{proxy.base_url}"\n', encoding="utf-8"
    )
    session.reset()
    session.local_notice_shown = True
    with capture_output():  # type: ignore[no-untyped-call]
        shell.run_cell_magic(  # type: ignore[no-untyped-call]
            "respond", "-q --max-output-tokens 16", "Say hello"
        )
    yield shell
    session.reset()


@pytest.mark.parametrize(("line", "fragment"), CASES, ids=[c[0].split()[0] for c in CASES])
def test_bad_option(
    local_via_proxy: InteractiveShell, proxy: FaultProxy, line: str, fragment: str
) -> None:
    before: Any = respnb.last
    assert before is not None and before.output_text
    sent = len(proxy.seen)
    with pytest.raises(UsageError) as info, capture_output():  # type: ignore[no-untyped-call]
        local_via_proxy.run_cell_magic(  # type: ignore[no-untyped-call]
            "respond", line, "Tell me a joke"
        )
    assert fragment in str(info.value)
    assert len(proxy.seen) == sent, "nothing may be sent for a bad option"
    assert respnb.last is before and local_via_proxy.user_ns["_r"] is before
