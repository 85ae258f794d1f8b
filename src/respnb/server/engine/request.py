"""What the engine is asked: :class:`EngineRequest`, and read-only views of its items.

The server builds one :class:`EngineRequest` per run: the create body, the prior items of a
``previous_response_id`` chain or conversation (``history``), the uploaded files the request
may search, the dialect and the response id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from .documents import extract_text

__all__ = [
    "EngineFile",
    "as_list",
    "EngineRequest",
    "EngineRequestError",
    "all_items",
    "content_text",
    "find_item",
    "input_items",
    "pending_outputs",
    "prompt_of",
    "tools_of",
    "user_texts",
]


class EngineRequestError(ValueError):
    """A request the engine cannot answer; the server maps it to a 400 with ``param`` set."""

    def __init__(self, message: str, param: str | None = None, code: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.param = param
        self.code = code


@dataclass(frozen=True)
class EngineFile:
    """An uploaded file the request may read or search (file_search, input_file)."""

    id: str
    filename: str
    content: bytes
    attributes: dict[str, Any] = field(default_factory=dict)
    """The vector store file's attributes (shown in file_search results)."""
    chunking: dict[str, Any] | None = None
    """The vector store file's ``chunking_strategy`` (None: 800 tokens, 400 overlap)."""
    direct: bool = False
    """Given in an ``input_file`` part (not searched by file_search)."""

    @cached_property
    def text(self) -> str:
        """The readable text (PDF, DOCX and HTML extracted; other files decoded as UTF-8)."""
        return extract_text(self.filename, self.content)


@dataclass
class EngineRequest:
    """One run: the create body, prior items (input and output, in order), files, dialect."""

    body: dict[str, Any]
    history: list[dict[str, Any]] = field(default_factory=list)
    files: list[EngineFile] = field(default_factory=list)
    dialect: str = "openai"
    response_id: str = ""
    origin: str = ""
    """``scheme://host:port`` of the server (absolute URLs of generated files)."""

    def includes(self, value: str) -> bool:
        """Whether ``include`` asks for ``value`` (OpenAI leaves such fields out otherwise)."""
        include = self.body.get("include")
        return isinstance(include, list) and value in include


def as_list(value: Any) -> list[Any]:
    """``value`` if it is a list, else an empty list."""
    return value if isinstance(value, list) else []


def content_text(content: Any) -> str:
    """The text of a message ``content``: a string, or its text-bearing parts joined."""
    if isinstance(content, str):
        return content
    if not isinstance(content, list):
        return ""
    out: list[str] = []
    for part in content:
        if isinstance(part, dict):
            for key in ("text", "refusal"):
                value = part.get(key)
                if isinstance(value, str):
                    out.append(value)
                    break
        elif isinstance(part, str):
            out.append(part)
    return "\n".join(out)


def input_items(body: dict[str, Any]) -> list[dict[str, Any]]:
    """``body["input"]`` as a list of items (a string becomes one user message)."""
    raw = body.get("input")
    if raw is None:
        return []
    if isinstance(raw, str):
        return [{"type": "message", "role": "user", "content": raw}]
    items: list[dict[str, Any]] = []
    if isinstance(raw, list):
        for item in raw:
            if isinstance(item, dict):
                if "type" not in item and "role" in item:
                    item = {"type": "message", **item}
                items.append(item)
    return items


def all_items(req: EngineRequest) -> list[dict[str, Any]]:
    """History then the new input: the whole conversation as the model sees it."""
    history: list[dict[str, Any]] = [
        i if "type" in i or "role" not in i else {"type": "message", **i} for i in req.history
    ]
    return [*history, *input_items(req.body)]


def _is_user_message(item: dict[str, Any]) -> bool:
    return item.get("type") == "message" and item.get("role") == "user"


def user_texts(items: list[dict[str, Any]]) -> list[str]:
    """The texts of the user messages among ``items``, in order."""
    return [content_text(i.get("content")) for i in items if _is_user_message(i)]


def prompt_of(req: EngineRequest) -> str:
    """The prompt: the last user text of the new input, else of the whole conversation."""
    for items in (input_items(req.body), all_items(req)):
        texts = [t for t in user_texts(items) if t.strip()]
        if texts:
            return texts[-1].strip()
    return ""


_OUTPUT_TYPES = frozenset(
    {
        "function_call_output",
        "custom_tool_call_output",
        "computer_call_output",
        "apply_patch_call_output",
        "shell_call_output",
        "local_shell_call_output",
    }
)


def pending_outputs(req: EngineRequest) -> list[dict[str, Any]]:
    """Tool outputs sent back since the last user message (function/custom tool outputs).

    These are what the next answer must use; outputs before the last user message were
    already answered.
    """
    out: list[dict[str, Any]] = []
    for item in all_items(req):
        if _is_user_message(item):
            out = []
        elif item.get("type") in _OUTPUT_TYPES:
            out.append(item)
    return out


def find_item(req: EngineRequest, key: str, value: str) -> dict[str, Any] | None:
    """The last item of the conversation whose ``key`` equals ``value``."""
    matches = [item for item in all_items(req) if item.get(key) == value]
    return matches[-1] if matches else None


def tools_of(body: dict[str, Any]) -> list[dict[str, Any]]:
    """The tool declarations of a body (dicts only)."""
    tools = body.get("tools")
    return [t for t in tools if isinstance(t, dict)] if isinstance(tools, list) else []
