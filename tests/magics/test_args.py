"""Option parsing helpers: the line splitter, tools, extras, schema formats."""

from __future__ import annotations

from typing import Any

import pytest
from IPython.core.error import UsageError
from pydantic import BaseModel

from respnb.notebook._magic_args import split_line
from respnb.notebook._magic_options import parse_extras, parse_tools, schema_format
from respnb.notebook.magics import RespondMagics


@pytest.fixture(scope="module")
def parser() -> Any:
    return RespondMagics.respond.parser  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    ("line", "tokens", "prompt"),
    [
        ("-m gpt -q Hello world", ["-m", "gpt", "-q"], "Hello world"),
        ("Hello -m not an option", [], "Hello -m not an option"),
        ("--model=gpt What's up?", ["--model=gpt"], "What's up?"),
        ("-i 'Be brief, please.' Hi", ["-i", "Be brief, please."], "Hi"),
        ('--extra a=1 b="x y" Go', ["--extra", "a=1", "b=x y"], "Go"),
        ("-q -- -1 is a number", ["-q"], "-1 is a number"),
        ("--temperature -0.5 hi", ["--temperature", "-0.5"], "hi"),
        ("-q", ["-q"], ""),
        ("", [], ""),
        ("   spaced   prompt  ", [], "spaced   prompt"),
    ],
)
def test_split_line(parser: Any, line: str, tokens: list[str], prompt: str) -> None:
    assert split_line(line, parser) == (tokens, prompt)


def add(a: int, b: int) -> int:
    """Add."""
    return a + b


def test_parse_tools() -> None:
    ns = {"add": add}
    functions, hosted = parse_tools(
        [
            "add,web_search",
            "file_search:vs_1,vs_2",
            "mcp:deep=https://mcp.example/sse",
            "code_interpreter",
        ],
        ns,
    )
    assert [f.name for f in functions] == ["add"]
    assert hosted == [
        {"type": "web_search"},
        {"type": "file_search", "vector_store_ids": ["vs_1", "vs_2"]},
        {
            "type": "mcp",
            "server_label": "deep",
            "server_url": "https://mcp.example/sse",
            "require_approval": "never",
        },
        {"type": "code_interpreter", "container": {"type": "auto"}},
    ]
    _, plus = parse_tools(["file_search:vs_a+vs_b"], ns)
    assert plus == [{"type": "file_search", "vector_store_ids": ["vs_a", "vs_b"]}]


def test_a_notebook_function_wins_over_a_hosted_name() -> None:
    def web_search(query: str) -> str:
        """My own search."""
        return query

    functions, hosted = parse_tools(["web_search"], {"web_search": web_search})
    assert [f.name for f in functions] == ["web_search"] and hosted == []


def test_parse_extras() -> None:
    assert parse_extras(["task_mode=agent", "n=3", 'tags=["a"]', "flag=true", "s=a=b"]) == {
        "task_mode": "agent",
        "n": 3,
        "tags": ["a"],
        "flag": True,
        "s": "a=b",
    }
    with pytest.raises(UsageError, match="KEY=VALUE"):
        parse_extras(["=x"])


def test_schema_format() -> None:
    class Report(BaseModel):
        title: str
        score: float = 0.0

    fmt = schema_format(Report)
    assert fmt["type"] == "json_schema" and fmt["name"] == "Report" and fmt["strict"] is True
    assert fmt["schema"]["required"] == ["title", "score"]
    assert fmt["schema"]["additionalProperties"] is False
