"""The Manus dialect: user messages first, then the agent's message with an output_file."""

from __future__ import annotations

from respnb.server.engine import REPORT_NAME, EngineRequest, manus_file_content, needs_input
from respnb.types import Message, OutputFile


def test_manus_output_shape(run):
    body = {
        "model": "manus-1.5",
        "task_mode": "agent",
        "input": [
            {
                "role": "user",
                "content": [{"type": "input_text", "text": "What's the color of the sky?"}],
            }
        ],
    }
    r = run(body, dialect="manus", response_id="task123")
    user, agent = r.items
    assert user["role"] == "user" and user["content"] == [
        {
            "type": "output_text",
            "text": "What's the color of the sky?",
            "annotations": [],
            "logprobs": [],
        }
    ]
    assert agent["role"] == "assistant" and agent["status"] == "completed"
    text, file_part = agent["content"]
    assert text["type"] == "output_text" and text["text"].startswith("Understood")
    assert file_part == {
        "type": "output_file",
        "fileUrl": f"/v1/manus_files/task123/{REPORT_NAME}",
        "fileName": REPORT_NAME,
        "mimeType": "text/markdown",
    }
    parsed = Message.model_validate(agent)
    assert isinstance(parsed.content[1], OutputFile)
    report = manus_file_content(r.items, REPORT_NAME)
    assert report is not None and report.startswith(b"# Task report")
    assert b"> What's the color of the sky?" in report
    assert manus_file_content(r.items, "other.md") is None
    assert not needs_input(EngineRequest(body=body, dialect="manus"))


def test_manus_ask_me_waits_for_input(run):
    body = {"input": "Plan my week, ask me what matters most"}
    req = EngineRequest(body=body, dialect="manus")
    assert needs_input(req)
    assert not needs_input(EngineRequest(body=body))  # only the Manus dialect waits
    r = run(body, dialect="manus")
    agent = r.items[-1]
    assert [p["type"] for p in agent["content"]] == ["output_text"]
    assert "Reply to continue" in agent["content"][0]["text"]
