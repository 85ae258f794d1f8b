"""validate_body: clear messages with the offending param."""

from __future__ import annotations

import pytest

from respnb.server.engine import EngineRequestError, validate_body

OK_TOOL = {"type": "function", "name": "f", "parameters": {"type": "object"}}


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"tools": "nope"}, "tools"),
        ({"tools": [{"type": "function", "name": "bad name!"}]}, "tools[0].name"),
        (
            {"tools": [OK_TOOL, {"type": "function", "name": "g", "parameters": 3}]},
            "tools[1].parameters",
        ),
        ({"tools": [{"type": "file_search"}]}, "tools[0].vector_store_ids"),
        ({"tools": [{"type": "mcp"}]}, "tools[0].server_label"),
        ({"tool_choice": "sometimes"}, "tool_choice"),
        ({"tool_choice": "required"}, "tool_choice"),
        ({"tools": [OK_TOOL], "tool_choice": {"type": "function", "name": "zzz"}}, "tool_choice"),
        ({"text": {"format": {"type": "yaml"}}}, "text.format.type"),
        ({"text": {"format": {"type": "json_schema", "schema": {}}}}, "text.format.name"),
        ({"text": {"format": {"type": "json_schema", "name": "X"}}}, "text.format.schema"),
        ({"text": {"verbosity": "loud"}}, "text.verbosity"),
        ({"reasoning": {"effort": "extreme"}}, "reasoning.effort"),
        ({"reasoning": {"summary": "long"}}, "reasoning.summary"),
        ({"max_output_tokens": 5}, "max_output_tokens"),
        ({"metadata": {"respnb_pace": "fast"}}, "metadata.respnb_pace"),
    ],
)
def test_rejects_with_param(body, param):
    with pytest.raises(EngineRequestError) as info:
        validate_body({"model": "respnb-demo", "input": "x", **body})
    assert info.value.param == param
    assert info.value.message and str(info.value) == info.value.message


def test_accepts_a_full_body():
    validate_body(
        {
            "model": "respnb-demo",
            "input": "x",
            "tools": [OK_TOOL, {"type": "web_search"}],
            "tool_choice": {"type": "function", "name": "f"},
            "max_output_tokens": 16,
            "text": {
                "format": {"type": "json_schema", "name": "Out", "schema": {}},
                "verbosity": "low",
            },
            "reasoning": {"effort": "low", "summary": "auto"},
            "metadata": {"respnb_pace": "7"},
        }
    )
