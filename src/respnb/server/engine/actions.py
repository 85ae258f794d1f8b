"""Caller-run tools besides functions: computer use and apply_patch.

Like function calls, these items end the response; the caller performs the action and sends
back ``computer_call_output`` / ``apply_patch_call_output`` items, which the next answer
quotes. Neither has delta events: each item is added and done whole.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from .stream import Emitter, Event

__all__ = ["ACTION_TYPES", "apply_patch_call", "computer_call", "type_words"]

ACTION_TYPES = frozenset({"computer_use_preview", "computer", "apply_patch"})
"""Tool types answered by :func:`computer_call` or :func:`apply_patch_call`."""

_TYPE_WORDS = {
    "computer_use_preview": {"click", "screen", "screenshot", "browser", "website", "page"},
    "computer": {"click", "screen", "screenshot", "browser", "website", "page"},
    "apply_patch": {"patch", "edit", "fix", "file", "change", "refactor", "rename"},
}


def type_words(tool: dict[str, Any]) -> set[str]:
    """Words that make a prompt fit a tool of this type (for tools without a name)."""
    return _TYPE_WORDS.get(str(tool.get("type")), set())


def computer_call(em: Emitter) -> Iterator[Event]:
    """A computer_call: the first step of computer use is a screenshot."""
    item = {
        "id": em.new_id("cu"),
        "type": "computer_call",
        "call_id": em.new_id("call"),
        "status": "completed",
        "action": {"type": "screenshot"},
        "pending_safety_checks": [],
    }
    yield from em.whole(item)


_PATH = re.compile(r"(?<![\w./-])[\w./-]+\.[A-Za-z]{1,5}\b")
"""A file path: starts only where a path can (linear on one long token)."""


def apply_patch_call(em: Emitter, prompt: str) -> Iterator[Event]:
    """An apply_patch_call creating a file named in the prompt (else ``notes.md``)."""
    found = _PATH.search(prompt)
    path = found.group(0).lstrip("./-") if found else "notes.md"
    body = "\n".join(f"+{line}" for line in ["# Notes", "", prompt.strip() or "(empty)"])
    item = {
        "id": em.new_id("apc"),
        "type": "apply_patch_call",
        "call_id": em.new_id("call"),
        "status": "completed",
        "operation": {"type": "create_file", "path": path, "diff": body + "\n"},
    }
    yield from em.whole(item)
