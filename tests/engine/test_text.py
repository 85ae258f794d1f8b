"""Answers: markdown, quoting, length, memory of earlier turns, instructions, refusals."""

from __future__ import annotations

import re

from respnb.server.engine import count_tokens


def test_answer_quotes_prompt_and_has_markdown(run):
    prompt = "Explain how Python list comprehensions compare to loops"
    text = run({"input": prompt}).text
    assert re.search(r"^## \S", text, re.M)  # heading
    assert f"> {prompt}" in text  # quoted prompt
    assert re.search(r"^- \*\*", text, re.M)  # list
    assert "|---|---|" in text and "| Aspect | Detail |" in text  # GFM table
    assert "```python\n" in text and text.count("```") % 2 == 0  # fenced code


def test_input_as_item_list_uses_last_user_text(run):
    body = {
        "input": [
            {"role": "system", "content": "Be brief."},
            {"role": "user", "content": [{"type": "input_text", "text": "Tell me about otters"}]},
        ]
    }
    assert "> Tell me about otters" in run(body).text


def test_length_follows_verbosity_and_model(run):
    def size(**extra):
        return count_tokens(run({"input": "Describe the water cycle in nature", **extra}).text)

    low = size(text={"verbosity": "low"})
    medium = size()
    high = size(text={"verbosity": "high"})
    slow = size(model="respnb-slow")
    assert low < medium < high < slow
    assert slow >= 900  # at 5 tokens/s the slow answer lasts minutes


def test_chaining_remembers_a_name(run):
    history = [
        {"type": "message", "role": "user", "content": "My name is Ada"},
        {
            "type": "message",
            "id": "msg_1",
            "role": "assistant",
            "status": "completed",
            "content": [{"type": "output_text", "text": "Nice to meet you!", "annotations": []}],
        },
    ]
    r = run({"input": "What's my name?"}, history=history)
    assert "Ada" in r.text
    alone = run({"input": "What's my name?"})
    assert "Ada" not in alone.text and "haven't told me" in alone.text


def test_intro_and_other_facts(run):
    assert "Grace" in run({"input": "Hi, my name is Grace"}).text
    history = [{"role": "user", "content": "My favorite color is teal."}]
    assert "teal" in run({"input": "What is my favorite color?"}, history=history).text


def test_chained_answer_refers_to_earlier_turn(run):
    history = [{"role": "user", "content": "How do volcanoes form?"}]
    text = run({"input": "And what about earthquakes?"}, history=history).text
    assert "How do volcanoes form?" in text


def test_instructions_are_acknowledged(run):
    text = run({"input": "Tell me about cats", "instructions": "Talk like a pirate"}).text
    assert "Talk like a pirate" in text


def test_refusal_streams_refusal_deltas(run):
    r = run({"input": "Please refuse this request"})
    assert "response.refusal.delta" in r.types and "response.refusal.done" in r.types
    part = r.items[0]["content"][0]
    assert part["type"] == "refusal" and "can't help" in part["refusal"]
    assert "response.output_text.delta" not in r.types


def test_input_file_is_read(run):
    from respnb.server.engine import EngineFile

    files = [EngineFile("file-1", "notes.txt", b"Quarterly revenue grew 12 percent.\nMore.")]
    body = {
        "input": [
            {
                "role": "user",
                "content": [
                    {"type": "input_file", "file_id": "file-1"},
                    {"type": "input_text", "text": "Summarize this file"},
                ],
            }
        ]
    }
    text = run(body, files=files).text
    assert "notes.txt" in text and "Quarterly revenue grew 12 percent." in text


def test_greeting_gets_a_short_welcome(run):
    text = run({"input": "Hello there!"}).text
    assert text.startswith("## Hello there! 👋") and "respnb-slow" in text
    assert "Hello there" not in run({"input": "Hello, explain gravity"}).text.splitlines()[0]
