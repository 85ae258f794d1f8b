"""Every bad option or value raises UsageError with a message that says what to fix."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.error import UsageError
from IPython.core.interactiveshell import InteractiveShell
from pydantic import BaseModel


class City(BaseModel):
    name: str


class NotModel:
    pass


def add(a: int, b: int) -> int:
    return a + b


def bad_hint(x: "Undefined") -> None:  # type: ignore[name-defined]  # noqa: F821, UP037
    pass


NAMESPACE = {
    "add": add,
    "bad_hint": bad_hint,
    "City": City,
    "NotModel": NotModel,
    "notfn": 3,
}

# (line, cell or None, fragment of the UsageError message)
CASES: list[tuple[str, str | None, str]] = [
    ("--bogus hi", None, "unrecognized arguments: --bogus"),
    ("--temprature 0.5 hi", None, "--temprature: did you mean --temperature?"),
    ("--temprature 0.5", "hi", "--temprature: did you mean --temperature?"),
    ("--max-tokens 50", "hi", "did you mean --max-output-tokens?"),
    ("--zzzzzz", "hi", "see %%respond? for every option"),
    ("--max-output-tokens abc hi", None, "invalid int value: 'abc'"),
    ("--max-output-tokens 5 hi", None, "--max-output-tokens must be at least 16"),
    ("--temperature hot hi", None, "invalid float value: 'hot'"),
    ("--temperature 3 hi", None, "--temperature must be between 0 and 2"),
    ("--max-tool-rounds -1 hi", None, "--max-tool-rounds must be 0 or more"),
    ("--max-tool-rounds x hi", None, "invalid int value: 'x'"),
    ("--tools nope hi", None, "no function named 'nope'"),
    ("--tools notfn hi", None, "'notfn' is a int, not a function"),
    ("--tools NotModel hi", None, "'NotModel' is a type, not a function"),
    ("--tools bad_hint hi", None, "'bad_hint' cannot be a tool"),
    ("--tools mcp:x hi", None, "mcp:LABEL=https://server/url"),
    ("--tools file_search: hi", None, "file_search needs vector store ids"),
    ("--tools weird:thing hi", None, "unknown tool kind 'weird'"),
    ("--schema Missing hi", None, "no pydantic model named 'Missing'"),
    ("--schema NotModel hi", None, "'NotModel' is a type, not a pydantic model"),
    ("--schema notfn hi", None, "is a int, not a pydantic model"),
    ("--attach /nonexistent/file.txt hi", None, "file '/nonexistent/file.txt' not found"),
    ("--profile nosuch hi", None, "unknown profile 'nosuch'"),
    ("-c --new hi", None, "--continue and --new contradict each other"),
    ("-c --conversation conv_1 hi", None, "cannot be combined with --conversation"),
    ("-c hi", None, "no previous response of profile 'local'"),
    ("-b --no-store hi", None, "drop --no-store"),
    ("-b --confirm-tools hi", None, "--confirm-tools needs a foreground run"),
    ("--reasoning extreme hi", None, "--reasoning 'extreme' is not an effort"),
    ("--summary long hi", None, "use auto, concise or detailed"),
    ("--extra novalue hi", None, "write KEY=VALUE"),
    ("--out 1abc hi", None, "'1abc' is not a valid Python variable name"),
    ("--conversation '' hi", None, "--conversation needs an id"),
    ("", None, "nothing to send"),
    ("-q", "   \n", "nothing to send"),
    ("Tell me about {unknown_thing}", None, "no variable 'unknown_thing'"),
    ("-q", "Unbalanced { brace", "write {{ and }}"),
    ("-q", "{notfn.missing}", "cannot be resolved"),
    ("-q", "{0}", "is not a name"),
    ("-i '{nobody}' hi", None, "no variable 'nobody'"),
    ("hello there", "the cell", "unexpected text after %%respond"),
    ("-m", None, "expected one argument"),
    ("-p maniac --tools add hi", None, "does not support tools"),
    ("-p openai hi", None, "has no default model: pass --model/-m"),
    ("-p openai -m gpt-4.1-mini hi", None, "needs an API key"),
    ("-q --attach 'no such.png' hi", None, "not found"),
    ("--summary", None, "expected one argument"),
]


@pytest.mark.parametrize(("line", "cell", "fragment"), CASES)
def test_bad_input_raises_usage_error(
    bare_shell: InteractiveShell, respond_offline: Any, line: str, cell: str | None, fragment: str
) -> None:
    bare_shell.user_ns.update(NAMESPACE)
    with pytest.raises(UsageError) as info:
        respond_offline(line, cell)
    assert fragment in str(info.value)


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 25


def test_help_lists_every_option(magics: Any) -> None:
    doc = magics.respond.__doc__
    for option in (
        "--model",
        "--profile",
        "--instructions",
        "--continue",
        "--new",
        "--conversation",
        "--background",
        "--no-store",
        "--reasoning",
        "--summary",
        "--tools",
        "--schema",
        "--attach",
        "--max-output-tokens",
        "--temperature",
        "--extra",
        "--out",
        "--no-stream",
        "--quiet",
        "--confirm-tools",
        "--max-tool-rounds",
    ):
        assert option in doc, option
    assert doc.lstrip().startswith("::") or "usage" in doc.lower() or "%respond" in doc


def test_help_via_question_mark(bare_shell: InteractiveShell) -> None:
    from IPython.utils.capture import capture_output

    with capture_output() as cap:
        bare_shell.run_cell("%%respond?\n")
    shown = cap.stdout
    assert "--max-tool-rounds" in shown and "--confirm-tools" in shown


def test_help_reads_as_plain_text(shell: InteractiveShell) -> None:
    """``%%respond?`` shows the docstring: no reST ``::`` marker, the cell form named right."""
    from respnb.notebook.magics import RespondMagics

    doc = RespondMagics.respond.__doc__ or ""
    assert not doc.lstrip().startswith("::") and "\n::" not in doc
    assert doc.lstrip().startswith("%respond [-m MODEL]")
    assert "(%%respond: the cell body is the prompt)" in doc
