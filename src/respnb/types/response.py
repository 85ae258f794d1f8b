"""The Response object, its usage and error, and status normalization (protocol.md §1)."""

from __future__ import annotations

from typing import Any

from pydantic import Field, field_validator, model_validator

from ._base import WireModel
from .items import Item, Message, OutputText

__all__ = [
    "TERMINAL_STATUSES",
    "IncompleteDetails",
    "InputTokensDetails",
    "OutputTokensDetails",
    "Response",
    "ResponseError",
    "Usage",
    "normalize_status",
]

# Raw statuses of other dialects mapped onto the OpenAI vocabulary.
_STATUS_MAP = {
    "running": "in_progress",  # Manus: the agent is working
    "pending": "requires_input",  # Manus: the agent waits for the user
    "error": "failed",  # Manus
    "canceled": "cancelled",
}

TERMINAL_STATUSES = frozenset({"completed", "failed", "cancelled", "incomplete"})
"""Normalized statuses after which a response changes no more (``requires_input`` is not one:
the task continues once the user replies)."""


def normalize_status(raw: str | None) -> str | None:
    """Map a provider's raw status onto OpenAI's vocabulary plus ``requires_input``.

    >>> normalize_status("running"), normalize_status("pending"), normalize_status("error")
    ('in_progress', 'requires_input', 'failed')
    """
    if raw is None:
        return None
    return _STATUS_MAP.get(raw, raw)


def _none_is_zero(value: Any) -> Any:
    return 0 if value is None else value  # LiteLLM sends null token counts


class InputTokensDetails(WireModel):
    cached_tokens: int = 0

    _null = field_validator("cached_tokens", mode="before")(_none_is_zero)


class OutputTokensDetails(WireModel):
    reasoning_tokens: int = 0

    _null = field_validator("reasoning_tokens", mode="before")(_none_is_zero)


class Usage(WireModel):
    input_tokens: int = 0
    input_tokens_details: InputTokensDetails | None = None
    output_tokens: int = 0
    output_tokens_details: OutputTokensDetails | None = None
    total_tokens: int = 0

    _null = field_validator("input_tokens", "output_tokens", "total_tokens", mode="before")(
        _none_is_zero
    )

    @property
    def cached_tokens(self) -> int:
        d = self.input_tokens_details
        return d.cached_tokens if d is not None else 0

    @property
    def reasoning_tokens(self) -> int:
        d = self.output_tokens_details
        return d.reasoning_tokens if d is not None else 0


class ResponseError(WireModel):
    """``response.error``, an ``error`` stream event's payload, or an HTTP error envelope."""

    code: str | int | None = None
    message: str = ""
    type: str | None = None
    param: str | None = None


class IncompleteDetails(WireModel):
    reason: str | None = None


class Response(WireModel):
    """A response (an OpenAI response, a Manus task, a Maniac run, ...).

    ``status`` is the provider's raw status, kept as sent; :attr:`normalized_status` maps it
    onto OpenAI's vocabulary (Manus running -> in_progress, pending -> requires_input,
    error -> failed).
    """

    id: str = ""
    object: str = "response"
    created_at: float | None = None
    status: str | None = None
    background: bool | None = None
    completed_at: float | None = None
    error: ResponseError | None = None
    incomplete_details: IncompleteDetails | None = None
    instructions: str | list[Item] | None = None
    model: str | None = None
    output: list[Item] = Field(default_factory=list)
    parallel_tool_calls: bool | None = None
    previous_response_id: str | None = None
    conversation: dict[str, Any] | None = None
    max_output_tokens: int | None = None
    metadata: dict[str, Any] | None = None
    reasoning: dict[str, Any] | None = None
    text: dict[str, Any] | None = None
    temperature: float | None = None
    top_p: float | None = None
    tool_choice: str | dict[str, Any] | None = None
    tools: list[dict[str, Any]] | None = None
    truncation: str | None = None
    usage: Usage | None = None
    store: bool | None = None
    user: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _manus_created_at(cls, data: Any) -> Any:
        # Manus sends ``createdAt`` as a camelCase string of unix seconds.
        if isinstance(data, dict) and data.get("created_at") is None and "createdAt" in data:
            raw = data["createdAt"]
            try:
                data = {**data, "created_at": float(raw)}
            except (TypeError, ValueError):
                pass
        return data

    @field_validator("output", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    @field_validator("conversation", mode="before")
    @classmethod
    def _conversation_id(cls, v: Any) -> Any:
        return {"id": v} if isinstance(v, str) else v

    @property
    def normalized_status(self) -> str | None:
        """The status in OpenAI's vocabulary, plus ``requires_input`` (Manus ``pending``)."""
        return normalize_status(self.status)

    @property
    def is_terminal(self) -> bool:
        """True once the response can change no more (completed/failed/cancelled/incomplete)."""
        return self.normalized_status in TERMINAL_STATUSES

    @property
    def output_text(self) -> str:
        """All output_text parts of the assistant messages in ``output``, joined."""
        out: list[str] = []
        for item in self.output:
            if isinstance(item, Message) and item.role == "assistant":
                if isinstance(item.content, str):
                    out.append(item.content)
                    continue
                for part in item.content:
                    if isinstance(part, OutputText) and part.text:
                        out.append(part.text)
        return "".join(out)

    @property
    def task_url(self) -> str | None:
        """Manus: the task's private URL, from metadata."""
        return (self.metadata or {}).get("task_url")

    @property
    def share_url(self) -> str | None:
        """Manus: the task's public share URL, from metadata (with create_shareable_link)."""
        return (self.metadata or {}).get("share_url")
