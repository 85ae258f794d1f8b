"""Odd but legal requests never crash the engine, and every stream stays canonical."""

from __future__ import annotations

import itertools
import json

import jsonschema
import pytest

from respnb.server.engine import EngineRequest, usage_for

PROMPTS = ["", "  ", "日本語で説明してください 🚀", "x" * 3000, "a \"quoted\" 'word' 42 3.5 -7"]
TOOLSETS = [
    [],
    [{"type": "function", "name": "f"}],
    [{"type": "function", "name": "f", "parameters": None}],
    [{"type": "function", "name": "f", "parameters": {"type": "object", "properties": {}}}],
    [
        {
            "type": "function",
            "name": "lookup_word",
            "description": "look up a word",
            "parameters": {
                "type": "object",
                "properties": {"word": {"type": "string"}},
                "required": ["word"],
                "additionalProperties": False,
            },
        }
    ],
    [
        {
            "type": "custom",
            "name": "c",
            "format": {"type": "grammar", "syntax": "lark", "definition": "start: WORD"},
        }
    ],
    [
        {"type": "file_search", "vector_store_ids": []},
        {"type": "web_search_preview"},
        {"type": "code_interpreter", "container": "cntr_fixed"},
    ],
    [{"type": "computer_use_preview", "display_width": 800}],
]
FORMATS = [
    None,
    {"type": "text"},
    {"type": "json_object"},
    {"type": "json_schema", "name": "Root", "schema": {"type": "array"}},
]


@pytest.mark.parametrize(
    ("prompt", "tools", "fmt"), list(itertools.product(PROMPTS, TOOLSETS, FORMATS))
)
def test_matrix_of_requests(run, prompt, tools, fmt):
    body = {"input": prompt, "tools": tools, "tool_choice": "required" if tools else "auto"}
    if fmt is not None:
        body["text"] = {"format": fmt}
    r = run(body)
    assert r.items
    usage = usage_for(EngineRequest(body=body), r.items)
    assert usage["total_tokens"] == usage["input_tokens"] + usage["output_tokens"]
    for call in r.of("function_call"):
        tool = next(t for t in tools if t.get("name") == call["name"])
        jsonschema.validate(
            json.loads(call["arguments"]), tool.get("parameters") or {"type": "object"}
        )
    if fmt is not None and fmt["type"] != "text" and r.of("message") and not tools:
        value = json.loads(r.text)
        if fmt["type"] == "json_schema":
            jsonschema.validate(value, fmt["schema"])


def test_input_without_any_user_text(run):
    r = run({"input": [{"type": "item_reference", "id": "msg_1"}]})
    assert r.of("message")


def test_encrypted_reasoning_when_included(run):
    body = {
        "input": "hi",
        "reasoning": {"effort": "low"},
        "include": ["reasoning.encrypted_content"],
    }
    item = run(body).items[0]
    assert item["type"] == "reasoning" and item["encrypted_content"].startswith("gAAAAA")
    assert "encrypted_content" not in run({**body, "include": []}).items[0]
