"""What the assistant says: markdown answers, memory of earlier turns, refusals, JSON.

Every function here is pure: the same request gives the same text. Answers quote the prompt
and carry realistic markdown (a heading, a list, a GFM table, a fenced python block); their
length follows ``text.verbosity`` and the model (``respnb-slow`` writes a long plan).
"""

from __future__ import annotations

import hashlib
import json
import re
from typing import Any

from .hints import Hints, keywords
from .reading import file_answer
from .request import EngineRequest, all_items, content_text, input_items, prompt_of, user_texts
from .schema import instance_for

__all__ = [
    "SLOW_MODEL",
    "answer_text",
    "asks_refusal",
    "history_summary",
    "json_text",
    "memory_answer",
    "pick",
    "quote",
    "refusal_text",
]

SLOW_MODEL = "respnb-slow"

_INTROS = (
    "Here is a structured answer.",
    "Let me break this down.",
    "Good question — here is an overview.",
    "Here is what matters most.",
)
_POINTS = (
    "is the central idea, so it comes first.",
    "deserves a closer look, because the details change the outcome.",
    "connects the other points together.",
    "is where most mistakes happen in practice.",
    "is worth checking against a small example.",
    "is easy to measure, which makes it a good starting point.",
)
_APPROACHES = ("Start small, then iterate", "Measure first", "Compare two options", "Write a test")
_CLOSINGS = (
    "Let me know if you want me to go deeper on any of these points.",
    "Would you like a longer example?",
    "I can turn this into a checklist if that helps.",
)


def pick(options: tuple[str, ...], *seed: str) -> str:
    """A deterministic choice among ``options`` keyed by ``seed``."""
    digest = hashlib.sha256("\x00".join(seed).encode()).digest()
    return options[int.from_bytes(digest[:4], "big") % len(options)]


def quote(text: str, limit: int = 300) -> str:
    """``text`` (shortened to ``limit`` characters) as a markdown blockquote."""
    text = text.strip()
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return "\n".join(f"> {line}" if line.strip() else ">" for line in text.splitlines())


def asks_refusal(prompt: str) -> bool:
    """Whether the prompt asks the demo model to refuse (it mentions 'refuse' or 'refusal')."""
    return re.search(r"\brefus(e|al|ing)\b", prompt, re.IGNORECASE) is not None


def refusal_text(prompt: str) -> str:
    """The refusal the demo model gives."""
    del prompt
    return "I'm sorry, but I can't help with that request."


# ---------------------------------------------------------------- memory
_NAME = re.compile(r"\b(?:my name is|call me|i am|i'm)\s+([A-Z][\w-]*)", re.IGNORECASE)
_FACT = re.compile(r"\bmy ([a-z][a-z ]{1,30}?) (?:is|are) ([^.,!?\n]{1,60})", re.IGNORECASE)
_ASK_NAME = re.compile(r"\b(?:what(?:'s| is) my name|who am i|do you (?:know|remember) my name)")
_ASK_FACT = re.compile(r"\bwhat(?:'s| is| are) my ([a-z][a-z ]{1,30}?)\s*\??$")


def _facts(texts: list[str]) -> dict[str, str]:
    facts: dict[str, str] = {}
    for text in texts:
        for m in _NAME.finditer(text):
            if m.group(1)[0].isupper():
                facts["name"] = m.group(1)
        for m in _FACT.finditer(text):
            if m.group(1).lower() != "name":
                facts[m.group(1).lower().strip()] = m.group(2).strip()
    return facts


def memory_answer(req: EngineRequest) -> str | None:
    """A short answer about what the user said earlier (names, 'my X is Y'), or None."""
    prompt = prompt_of(req)
    lowered = prompt.lower().strip()
    earlier = user_texts(all_items(req))[:-1]
    facts = _facts(earlier)
    if _ASK_NAME.search(lowered):
        if "name" in facts:
            return f"Your name is **{facts['name']}** — you told me earlier in this conversation."
        return "You haven't told me your name yet. What should I call you?"
    asked = _ASK_FACT.search(lowered)
    if asked and asked.group(1) in facts:
        key = asked.group(1)
        return f"Your {key} is **{facts[key]}** — you mentioned it earlier."
    own = _facts([prompt])
    if "name" in own and "?" not in prompt:
        return (
            f"Nice to meet you, **{own['name']}**! I'll remember your name for the rest of "
            "this conversation."
        )
    return None


# ---------------------------------------------------------------- answers
def _attachments(req: EngineRequest) -> list[str]:
    notes: list[str] = []
    for item in input_items(req.body):
        content = item.get("content")
        if not isinstance(content, list):
            continue
        for part in content:
            if isinstance(part, dict) and part.get("type") == "input_image":
                notes.append("I received an image (this demo model describes, it cannot see).")
    return notes


def _earlier_question(req: EngineRequest) -> str | None:
    earlier = [t.strip() for t in user_texts(all_items(req))[:-1] if t.strip()]
    return earlier[-1] if earlier else None


def _code_block(prompt: str) -> str:
    ws = prompt.split()
    sample = prompt if len(prompt) <= 80 else prompt[:77] + "..."
    n = len(sample.split())
    unique = len({w.lower() for w in sample.split()})
    return (
        (
            "```python\n"
            "def summarize(prompt: str) -> dict[str, int]:\n"
            '    """Count the words of a prompt."""\n'
            "    words = prompt.split()\n"
            '    return {"words": len(words), "unique": len({w.lower() for w in words})}\n'
            "\n"
            f"print(summarize({sample!r}))\n"
            f"# {{'words': {n}, 'unique': {unique}}}\n"
            "```"
        )
        if ws
        else "```python\nprint('hello')\n```"
    )


def _plan(keys: list[str], steps: int, prompt: str) -> str:
    lines = ["### Step-by-step plan", ""]
    for i in range(steps):
        key = keys[i % len(keys)] if keys else "the task"
        lines.append(
            f"{i + 1}. **{key.capitalize()}, pass {i // max(1, len(keys)) + 1}:** "
            f"look at {key} again with fresh eyes. "
            f"{key.capitalize()} {pick(_POINTS, prompt, key, str(i))} "
            "Write down what you learned before moving on, so the next step starts from facts."
        )
    return "\n".join(lines)


_GREETING = re.compile(
    r"^\s*(hi|hello|hey|howdy|good (morning|afternoon|evening))([\s,]+(there|all|\w+))?[\s!.]*$",
    re.I,
)


def _greeting(prompt: str) -> str:
    return "\n".join(
        [
            f"## {prompt.strip().rstrip('!.').capitalize()}! 👋",
            "",
            "I'm the **respnb demo model**: deterministic, offline, no weights. Things to try:",
            "",
            "- Ask a question and watch the answer stream as markdown",
            "- Declare a function tool and get a schema-valid `function_call`",
            "- Ask for structured output with a JSON schema",
            "",
            "| Model | Pace |",
            "|---|---|",
            "| `respnb-demo` | as fast as the server allows |",
            "| `respnb-slow` | 5 tokens/s, for background tasks |",
            "",
            "```python",
            'client.responses.create(model="respnb-demo", input="Hello!")',
            "```",
        ]
    )


def answer_text(req: EngineRequest) -> str:
    """The markdown answer to the request's prompt."""
    prompt = prompt_of(req) or "(no prompt)"
    remembered = memory_answer(req)
    if remembered is not None:
        return remembered
    from_files = file_answer(req, _attachments(req))
    if from_files is not None:
        return from_files
    if _GREETING.match(prompt):
        return _greeting(prompt)
    hints = Hints.from_prompt(prompt)
    keys = keywords(prompt, 6) or ["topic"]
    title = hints.phrase() if hints.quoted or len(keys) < 3 else " ".join(keys[:3]).title()
    if title == "Untitled":
        title = prompt if len(prompt) <= 60 else prompt[:57] + "..."
    text_cfg = req.body.get("text")
    verbosity = text_cfg.get("verbosity") if isinstance(text_cfg, dict) else None
    slow = req.body.get("model") == SLOW_MODEL
    parts = [f"## {title}", "", quote(prompt), ""]
    instructions = req.body.get("instructions")
    if isinstance(instructions, str) and instructions.strip():
        parts += [f"_Following your instructions: “{instructions.strip()[:120]}”._", ""]
    intro = pick(_INTROS, prompt)
    earlier = _earlier_question(req)
    if earlier:
        short = earlier if len(earlier) <= 80 else earlier[:77] + "..."
        intro = f"Building on what you asked earlier (“{short}”): {intro[0].lower()}{intro[1:]}"
    parts += [intro, *_attachments(req), "", "### Key points", ""]
    n_points = 2 if verbosity == "low" else min(len(keys), 6 if verbosity == "high" else 4)
    for key in keys[: max(2, n_points)]:
        parts.append(f"- **{key.capitalize()}** {pick(_POINTS, prompt, key)}")
    if verbosity != "low":
        parts += [
            "",
            "| Aspect | Detail |",
            "|---|---|",
            f"| Topic | {title} |",
            f"| Keywords | {', '.join(f'`{k}`' for k in keys[:4])} |",
            f"| Words in your prompt | {len(prompt.split())} |",
            f"| Suggested approach | {pick(_APPROACHES, prompt)} |",
            "",
            "A quick way to explore it in code:",
            "",
            _code_block(prompt),
        ]
    if slow or verbosity == "high":
        parts += ["", _plan(keys, 20 if slow else 5, prompt)]
    parts += ["", pick(_CLOSINGS, prompt)]
    return "\n".join(parts)


def json_text(req: EngineRequest, fmt: dict[str, Any]) -> str:
    """The output_text of a ``json_schema`` or ``json_object`` text format (compact JSON)."""
    prompt = prompt_of(req)
    if fmt.get("type") == "json_schema":
        value = instance_for(fmt.get("schema") or {}, Hints.from_prompt(prompt))
    else:
        keys = keywords(prompt, 5)
        value = {
            "answer": f"A structured answer about {', '.join(keys) or 'your request'}.",
            "prompt": prompt,
            "keywords": keys,
            "word_count": len(prompt.split()),
        }
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def history_summary(req: EngineRequest) -> list[str]:
    """The user texts of earlier turns (for reasoning summaries)."""
    return [content_text(t) for t in user_texts(all_items(req))[:-1]]
