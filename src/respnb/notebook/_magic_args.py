"""The command line of ``%%respond`` / ``%respond``: the declared options and the line split.

:func:`respond_arguments` declares every option with IPython's ``magic_arguments`` (so
``%%respond?`` shows the full help and argparse errors become ``UsageError``);
:func:`split_line` separates the options of the line magic from its prompt. What the parsed
options mean (checked against the notebook) is :mod:`._magic_options`.
"""

from __future__ import annotations

import argparse
import re
import shlex
from collections.abc import Callable
from typing import Any, TypeVar

from IPython.core.error import UsageError
from IPython.core.magic_arguments import argument, magic_arguments

__all__ = [
    "DEFAULT_OUT",
    "EFFORTS",
    "respond_arguments",
    "split_line",
]

F = TypeVar("F", bound=Callable[..., Any])

DEFAULT_OUT = "_r"
"""The variable that receives the result when ``--out`` is not given."""

EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_KEY_VALUE = re.compile(r"^[A-Za-z_][\w.-]*=")

_OPTIONS: list[tuple[tuple[str, ...], dict[str, Any]]] = [
    (("-m", "--model"), {"metavar": "MODEL", "help": "the model (default: the profile's)."}),
    (
        ("-p", "--profile"),
        {
            "metavar": "NAME",
            "help": "openai, manus, maniac, compatible, local, or one declared in profiles.toml.",
        },
    ),
    (("-i", "--instructions"), {"metavar": "TEXT", "help": "system/developer instructions."}),
    (
        ("-c", "--continue"),
        {
            "dest": "cont",
            "action": "store_true",
            "help": "chain onto this notebook's previous response of the profile "
            "(previous_response_id). Without -c every run starts fresh.",
        },
    ),
    (("--new",), {"action": "store_true", "help": "start fresh (the default; explicit form)."}),
    (("--conversation",), {"metavar": "ID", "help": "add this run to a conversation (conv_...)."}),
    (
        ("-b", "--background"),
        {
            "action": "store_true",
            "help": "run in the background: the cell returns at once, the view "
            "keeps updating, the result variable is set when it finishes.",
        },
    ),
    (("--no-store",), {"action": "store_true", "help": "ask the service not to store it."}),
    (("--reasoning",), {"metavar": "EFFORT", "help": f"reasoning effort: {', '.join(EFFORTS)}."}),
    (("--summary",), {"metavar": "KIND", "help": "reasoning summary: auto, concise, detailed."}),
    (
        ("--tools",),
        {
            "action": "append",
            "metavar": "NAMES",
            "help": "comma-separated tools: Python callables of the notebook, "
            "web_search, code_interpreter, image_generation, file_search:VS_ID[+VS_ID], "
            "mcp:LABEL=URL. Repeatable.",
        },
    ),
    (
        ("--schema",),
        {
            "metavar": "NAME",
            "help": "a pydantic model of the notebook: structured "
            "output, parsed into result.parsed / respnb.last_parsed.",
        },
    ),
    (
        ("--attach",),
        {
            "action": "append",
            "metavar": "PATHS",
            "help": "files and images (paths or URLs), comma-separated; repeatable.",
        },
    ),
    (("--max-output-tokens",), {"type": int, "metavar": "N", "help": "at least 16."}),
    (("--temperature",), {"type": float, "metavar": "T", "help": "between 0 and 2."}),
    (
        ("--extra",),
        {
            "action": "append",
            "nargs": "+",
            "metavar": "KEY=VALUE",
            "help": "provider body fields (JSON values accepted), e.g. "
            "--extra task_mode=agent agent_profile=quality.",
        },
    ),
    (("--out",), {"metavar": "NAME", "help": f"variable for the result (default {DEFAULT_OUT})."}),
    (
        ("--over",),
        {
            "metavar": "DF",
            "help": "a DataFrame of the notebook: send the cell once per row ({column} "
            "fields); the result is a DataFrame aligned to its index.",
        },
    ),
    (("--concurrency",), {"type": int, "metavar": "N", "help": "--over: requests at once."}),
    (
        ("--mode",),
        {
            "choices": ("auto", "rows", "batch"),
            "help": "--over: one request per row, or the provider's Batch API (auto: by size).",
        },
    ),
    (("--keep",), {"action": "store_true", "help": "--over: keep the input columns."}),
    (("--yes",), {"action": "store_true", "help": "--over: send even above the size limit."}),
    (("--no-stream",), {"action": "store_true", "help": "wait for the whole answer, no stream."}),
    (("-q", "--quiet"), {"action": "store_true", "help": "no view; only set the result."}),
    (
        ("--confirm-tools",),
        {"action": "store_true", "help": "ask (input()) before running each function call."},
    ),
    (
        ("--max-tool-rounds",),
        {
            "type": int,
            "default": 8,
            "metavar": "N",
            "help": "most follow-up requests of the tool loop (default 8).",
        },
    ),
]


def respond_arguments(fn: F) -> F:
    """Decorate the magic with every option (and the prompt words of the line magic)."""
    prompt_help = "the prompt (%%%%respond: the cell body is the prompt)."  # argparse %-formats
    fn = argument("prompt", nargs="*", help=prompt_help)(fn)  # type: ignore[no-untyped-call]
    for flags, kwargs in reversed(_OPTIONS):
        fn = argument(*flags, **kwargs)(fn)  # type: ignore[no-untyped-call]
    decorated: F = magic_arguments()(fn)  # type: ignore[no-untyped-call]
    # magic_arguments writes the usage as an reST literal block ("::"); ``%%respond?`` shows
    # the docstring as plain text, where that marker is noise
    doc = decorated.__doc__ or ""
    decorated.__doc__ = doc[2:].lstrip("\n") if doc.startswith("::") else doc
    return decorated


def split_line(line: str, parser: argparse.ArgumentParser) -> tuple[list[str], str]:
    """``-m x -q Tell me {x}`` -> (``["-m", "x", "-q"]``, ``"Tell me {x}"``).

    Options come first; the prompt is the rest of the line, kept verbatim (quotes and all).
    ``--`` ends the options explicitly.
    """
    tokens: list[str] = []
    pos = 0
    expect_values = 0
    extra_mode = False
    for match in re.finditer(r"""(?:[^\s"']+|"[^"]*"|'[^']*')+""", line):
        word = match.group(0)
        try:
            value = shlex.split(word)
        except ValueError as exc:
            raise UsageError(f"cannot read option {word!r}: {exc}") from None
        text = value[0] if value else ""
        if expect_values:
            tokens.append(text)
            expect_values -= 1
        elif extra_mode and _KEY_VALUE.match(text):
            tokens.append(text)
        elif word == "--":
            pos = match.end()
            break
        elif word.startswith("-") and len(word) > 1 and not _is_number(word):
            extra_mode = False
            flag = word.split("=", 1)[0]
            action = parser._option_string_actions.get(flag)
            tokens.append(text)
            if action is not None and "=" not in word:
                if action.nargs == "+":
                    extra_mode, expect_values = True, 1
                elif action.nargs != 0:
                    expect_values = 1
        else:
            return tokens, line[match.start() :].strip()
        pos = match.end()
    return tokens, line[pos:].strip()


def _is_number(word: str) -> bool:
    try:
        float(word)
    except ValueError:
        return False
    return True
