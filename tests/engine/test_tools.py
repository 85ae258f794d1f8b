"""Function and custom tools: choice, parallel calls, schema-valid arguments, answers."""

from __future__ import annotations

import json

import jsonschema
import pytest

WEATHER = {
    "type": "function",
    "name": "get_weather",
    "description": "Get current temperature for a given location.",
    "parameters": {
        "type": "object",
        "properties": {
            "location": {"type": "string", "description": "City and country e.g. Bogotá, Colombia"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
        },
        "required": ["location", "unit"],
        "additionalProperties": False,
    },
    "strict": True,
}
STOCK = {
    "type": "function",
    "name": "get_stock_price",
    "description": "Look up a stock quote.",
    "parameters": {
        "type": "object",
        "properties": {
            "ticker": {"type": "string", "pattern": "^[A-Z]{1,5}$"},
            "days": {"type": "integer", "minimum": 1, "maximum": 30, "default": 5},
        },
        "required": ["ticker"],
    },
}
BOOKING = {
    "type": "function",
    "name": "book_meeting",
    "description": "Book a meeting with people.",
    "parameters": {
        "type": "object",
        "properties": {
            "title": {"type": "string"},
            "attendees": {"type": "array", "items": {"type": "string"}, "minItems": 1},
            "when": {"type": "string", "format": "date-time"},
            "room": {
                "type": "object",
                "properties": {
                    "floor": {"type": "integer", "minimum": 0},
                    "name": {"type": "string"},
                },
                "required": ["floor"],
            },
        },
        "required": ["title", "attendees", "when", "room"],
    },
}
ALL = [WEATHER, STOCK, BOOKING]


def _args(call):
    return json.loads(call["arguments"])


def test_function_call_stream_and_valid_arguments(run):
    r = run({"input": "What's the weather like in Paris, France today?", "tools": [WEATHER]})
    assert [i["type"] for i in r.items] == ["function_call"]
    call = r.items[0]
    assert call["id"].startswith("fc_") and call["call_id"].startswith("call_")
    assert call["name"] == "get_weather" and call["status"] == "completed"
    jsonschema.validate(_args(call), WEATHER["parameters"])
    assert _args(call)["location"] == "Paris, France"
    assert "response.function_call_arguments.delta" in r.types
    done = next(e for e in r.events if e["type"] == "response.function_call_arguments.done")
    assert done["name"] == "get_weather" and done["arguments"] == call["arguments"]
    assert r.events[0]["item"]["arguments"] == "" and r.events[0]["item"]["status"] == "in_progress"


@pytest.mark.parametrize("tool", ALL, ids=lambda t: t["name"])
def test_forced_choice_arguments_validate(run, tool):
    choice = {"type": "function", "name": tool["name"]}
    r = run(
        {
            "input": "Book a sync with Alice and Bob about the weather in Oslo",
            "tools": ALL,
            "tool_choice": choice,
        }
    )
    assert len(r.items) == 1 and r.items[0]["name"] == tool["name"]
    jsonschema.validate(_args(r.items[0]), tool["parameters"])


def test_auto_calls_only_fitting_tools_and_none_calls_nothing(run):
    r = run({"input": "Tell me a joke about penguins", "tools": ALL})
    assert [i["type"] for i in r.items] == ["message"]
    r = run({"input": "weather in Oslo", "tools": ALL, "tool_choice": "none"})
    assert [i["type"] for i in r.items] == ["message"]


def test_required_calls_the_best_tool_even_without_overlap(run):
    r = run({"input": "Tell me a joke", "tools": [STOCK], "tool_choice": "required"})
    assert [i["name"] for i in r.items] == ["get_stock_price"]


def test_parallel_calls_and_parallel_false(run):
    prompt = "Check the weather in Oslo and the stock price of ACME, then book a meeting"
    r = run({"input": prompt, "tools": ALL})
    names = [i["name"] for i in r.items]
    assert sorted(names) == sorted(t["name"] for t in ALL)
    assert [e["output_index"] for e in r.events if e["type"] == "response.output_item.done"] == [
        0,
        1,
        2,
    ]
    assert len({i["call_id"] for i in r.items}) == 3
    r = run({"input": prompt, "tools": ALL, "parallel_tool_calls": False})
    assert len(r.items) == 1


def test_allowed_tools_narrow_the_choice(run):
    choice = {
        "type": "allowed_tools",
        "mode": "required",
        "tools": [{"type": "function", "name": "get_stock_price"}],
    }
    r = run({"input": "weather in Oslo", "tools": ALL, "tool_choice": choice})
    assert [i["name"] for i in r.items] == ["get_stock_price"]


def test_function_call_output_is_quoted_in_the_answer(run):
    first = run({"input": "What's the weather in Paris?", "tools": [WEATHER]})
    call = first.items[0]
    history = [{"role": "user", "content": "What's the weather in Paris?"}, call]
    output = {
        "type": "function_call_output",
        "call_id": call["call_id"],
        "output": json.dumps({"temperature_c": 14, "sky": "overcast"}),
    }
    r = run({"input": [output], "tools": [WEATHER]}, history=history)
    assert [i["type"] for i in r.items] == ["message"]
    text = r.text
    assert "get_weather" in text and '"temperature_c": 14' in text and "overcast" in text
    assert "| temperature_c | 14 |" in text


def test_outputs_in_the_same_input_are_answered(run):
    items = [
        {"role": "user", "content": "Weather in Rome?"},
        {
            "type": "function_call",
            "call_id": "call_x",
            "name": "get_weather",
            "arguments": '{"location":"Rome","unit":"celsius"}',
        },
        {"type": "function_call_output", "call_id": "call_x", "output": "22 degrees and sunny"},
    ]
    text = run({"input": items, "tools": [WEATHER]}).text
    assert "22 degrees and sunny" in text and '{"location":"Rome","unit":"celsius"}' in text


def test_custom_tool_input_streams(run):
    tool = {"type": "custom", "name": "run_sql", "description": "Run a SQL query on the sales db"}
    r = run({"input": "Run the sql 'SELECT count(*) FROM sales'", "tools": [tool]})
    call = r.items[0]
    assert call["type"] == "custom_tool_call" and call["input"] == "SELECT count(*) FROM sales"
    assert "response.custom_tool_call_input.delta" in r.types
    done = next(e for e in r.events if e["type"] == "response.custom_tool_call_input.done")
    assert done["input"] == call["input"]


def test_computer_use_and_its_output(run):
    tool = {
        "type": "computer_use_preview",
        "display_width": 1024,
        "display_height": 768,
        "environment": "browser",
    }
    r = run({"input": "Open the website and click the login button", "tools": [tool]})
    call = r.items[0]
    assert call["type"] == "computer_call" and call["action"] == {"type": "screenshot"}
    assert r.types == ["response.output_item.added", "response.output_item.done"]
    out = {
        "type": "computer_call_output",
        "call_id": call["call_id"],
        "output": {"type": "computer_screenshot", "image_url": "data:image/png;base64,AA"},
    }
    history = [{"role": "user", "content": "Open the website"}, call]
    text = run({"input": [out], "tools": [tool]}, history=history).text
    assert "computer_call" in text and "computer_screenshot" in text


def test_apply_patch_call(run):
    r = run(
        {
            "input": "Create the file docs/intro.md with a greeting",
            "tools": [{"type": "apply_patch"}],
        }
    )
    call = r.items[0]
    assert call["type"] == "apply_patch_call"
    assert call["operation"]["type"] == "create_file"
    assert call["operation"]["path"] == "docs/intro.md"
    assert all(line.startswith("+") for line in call["operation"]["diff"].splitlines())
