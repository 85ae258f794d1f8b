"""Argument filling from the prompt: places are real names, not question words or openers."""

from __future__ import annotations

import json

import pytest

from respnb.server.engine.hints import Hints

GET_WEATHER = {
    "type": "function",
    "name": "get_weather",
    "parameters": {
        "type": "object",
        "properties": {"location": {"type": "string"}},
        "required": ["location"],
        "additionalProperties": False,
    },
}


@pytest.mark.parametrize(
    ("prompt", "place"),
    [
        ("What's the weather in Paris?", "Paris"),
        ("What is the weather in Paris?", "Paris"),
        ("Where's Berlin on the map?", "Berlin"),
        ("How warm is it in New York today?", "New York"),
        ("Weather in Oslo please", "Oslo"),
        ("Could you check the weather in Tokyo?", "Tokyo"),
        ("Tell me the weather in Bogotá, Colombia", "Bogotá, Colombia"),
        ("Book a table in Lisbon for Friday", "Lisbon"),
        ("Hello! Is it raining in Dublin?", "Dublin"),
        ("Paris is lovely. What is the weather there?", "Paris"),
    ],
)
def test_location_is_the_place_named(prompt: str, place: str) -> None:
    assert Hints.from_prompt(prompt).string_for("location") == place


@pytest.mark.parametrize(
    ("prompt", "absent"),
    [
        ("What's the weather in Paris?", "What"),
        ("Where's Berlin?", "Where's Berlin"),
        ("Why is London foggy?", "Why"),
    ],
)
def test_question_words_are_never_names(prompt: str, absent: str) -> None:
    hints = Hints.from_prompt(prompt)
    assert absent not in hints.proper
    assert hints.proper, prompt


def test_people_keep_names_that_open_a_sentence() -> None:
    hints = Hints.from_prompt("Ada from London, 36, likes green")
    assert hints.string_for("author") == "Ada"
    assert hints.string_for("city") == "London"
    meeting = Hints.from_prompt("Book a meeting with Alice and Bob on Friday in Berlin")
    assert meeting.string_for("participants", 0) == "Alice"
    assert meeting.string_for("participants", 1) == "Bob"
    assert meeting.string_for("location") == "Berlin"


def test_prompt_without_a_place_gives_no_location() -> None:
    assert Hints.from_prompt("what is the weather like?").string_for("location") is None


@pytest.mark.parametrize(
    ("prompt", "place"),
    [
        ("What's the weather in Paris?", "Paris"),
        ("Where's Berlin? I need the weather there.", "Berlin"),
        ("Weather in Oslo please", "Oslo"),
    ],
)
def test_function_call_arguments_pick_the_place(run, prompt: str, place: str) -> None:  # type: ignore[no-untyped-def]
    r = run({"input": prompt, "tools": [GET_WEATHER], "tool_choice": "required"})
    calls = r.of("function_call")
    assert [c["name"] for c in calls] == ["get_weather"]
    assert json.loads(calls[0]["arguments"]) == {"location": place}
