"""The Manus dialect's output: the user's messages, then the agent's message and its file.

Manus returns the conversation in ``output``: user messages (content ``output_text``), then
the assistant's message with a text part and an ``output_file`` part (a markdown report at
``/v1/manus_files/<response id>/report.md``, which the server serves with
:func:`manus_file_content`). A prompt containing "ask me" makes the agent wait for input.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .request import EngineRequest, as_list, content_text, input_items, prompt_of
from .stream import Emitter, Event, TextPart
from .text import answer_text

__all__ = ["REPORT_NAME", "manus_file_content", "manus_output", "needs_input"]

REPORT_NAME = "report.md"
_REPORT_MIME = "text/markdown"


def needs_input(req: EngineRequest) -> bool:
    """Whether the Manus agent stops to wait for the user (status ``pending``)."""
    return req.dialect == "manus" and re.search(r"\bask me\b", prompt_of(req), re.I) is not None


def manus_output(em: Emitter, req: EngineRequest) -> Iterator[Event]:
    """The Manus output items: user message(s), then the assistant's message."""
    for item in input_items(req.body):
        if item.get("type") != "message" or item.get("role") != "user":
            continue
        text = content_text(item.get("content"))
        yield from em.whole(
            {
                "id": em.new_id("msg"),
                "type": "message",
                "status": "completed",
                "role": "user",
                "content": [
                    {"type": "output_text", "text": text, "annotations": [], "logprobs": []}
                ],
            }
        )
    prompt = prompt_of(req)
    short = prompt if len(prompt) <= 120 else prompt[:117] + "..."
    if needs_input(req):
        question = (
            f"Before I start on “{short}”, I need one detail from you: which aspect should I "
            "focus on, and how long should the result be? Reply to continue this task."
        )
        yield from em.message([TextPart("output_text", question)])
        return
    text = f"Understood — I worked on “{short}”. The full report is attached as {REPORT_NAME}.\n\n"
    text += answer_text(req)
    task = req.response_id or em.new_id("task")
    file_part: dict[str, Any] = {
        "type": "output_file",
        "fileUrl": f"{req.origin}/v1/manus_files/{task}/{REPORT_NAME}",
        "fileName": REPORT_NAME,
        "mimeType": _REPORT_MIME,
    }
    yield from em.message([TextPart("output_text", text), TextPart(static=file_part)])


def manus_file_content(output_items: list[dict[str, Any]], filename: str) -> bytes | None:
    """The bytes of an ``output_file`` named ``filename`` in a stored Manus output, or None."""
    for item in output_items:
        if item.get("type") != "message" or item.get("role") != "assistant":
            continue
        parts = as_list(item.get("content"))
        names = [
            p.get("fileName")
            for p in parts
            if isinstance(p, dict) and p.get("type") == "output_file"
        ]
        if filename not in names:
            continue
        body = "\n\n".join(
            str(p.get("text"))
            for p in parts
            if isinstance(p, dict) and p.get("type") == "output_text" and p.get("text")
        )
        body = body.split("\n\n", 1)[1] if "\n\n" in body else body
        return f"# Task report\n\n{body}\n".encode()
    return None
