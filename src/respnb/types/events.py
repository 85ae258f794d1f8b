"""Every stream event of protocol.md §3, and :func:`parse_event`.

Parsing is one pass of pydantic-core over the JSON bytes into a tagged union; an event of a
type respnb does not know (or one that does not fit its model) becomes a
:class:`GenericEvent` carrying every field. Nothing is dropped, nothing raises.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

from pydantic import Field, TypeAdapter, ValidationError

from ._base import WireModel
from .items import Annotation, ContentPart, Item
from .response import Response, ResponseError

__all__ = [
    "ANY_EVENT_TYPES",
    "TERMINAL_EVENT_TYPES",
    "CodeInterpreterCodeDeltaEvent",
    "CodeInterpreterCodeDoneEvent",
    "ContentPartEvent",
    "CustomToolInputDeltaEvent",
    "CustomToolInputDoneEvent",
    "ErrorEvent",
    "FunctionCallArgumentsDeltaEvent",
    "FunctionCallArgumentsDoneEvent",
    "GenericEvent",
    "HostedToolProgressEvent",
    "ImagePartialEvent",
    "LifecycleEvent",
    "McpArgumentsDeltaEvent",
    "McpArgumentsDoneEvent",
    "OutputItemEvent",
    "OutputTextAnnotationEvent",
    "OutputTextDeltaEvent",
    "OutputTextDoneEvent",
    "ReasoningPartEvent",
    "ReasoningSummaryPartEvent",
    "ReasoningSummaryTextDeltaEvent",
    "ReasoningSummaryTextDoneEvent",
    "ReasoningTextDeltaEvent",
    "ReasoningTextDoneEvent",
    "RefusalDeltaEvent",
    "RefusalDoneEvent",
    "StreamEvent",
    "parse_event",
]

TERMINAL_EVENT_TYPES = frozenset(
    {"response.completed", "response.failed", "response.incomplete", "error"}
)
"""A client stops reading a stream at the first of these."""


class StreamEvent(WireModel):
    """Base of every event: ``type`` and the server's ``sequence_number`` (may be absent)."""

    type: str
    sequence_number: int | None = None


class LifecycleEvent(StreamEvent):
    type: Literal[
        "response.created",
        "response.queued",
        "response.in_progress",
        "response.completed",
        "response.failed",
        "response.incomplete",
    ]
    response: Response


class OutputItemEvent(StreamEvent):
    type: Literal["response.output_item.added", "response.output_item.done"]
    output_index: int = 0
    item: Item


class ContentPartEvent(StreamEvent):
    type: Literal["response.content_part.added", "response.content_part.done"]
    item_id: str | None = None
    output_index: int = 0
    content_index: int = 0
    part: ContentPart


class _Located(StreamEvent):
    item_id: str | None = None
    output_index: int = 0


class OutputTextDeltaEvent(_Located):
    type: Literal["response.output_text.delta"]
    content_index: int = 0
    delta: str = ""
    logprobs: list[Any] | None = None
    obfuscation: str | None = None


class OutputTextDoneEvent(_Located):
    type: Literal["response.output_text.done"]
    content_index: int = 0
    text: str = ""
    logprobs: list[Any] | None = None


class OutputTextAnnotationEvent(_Located):
    type: Literal["response.output_text.annotation.added"]
    content_index: int = 0
    annotation_index: int = 0
    annotation: Annotation


class RefusalDeltaEvent(_Located):
    type: Literal["response.refusal.delta"]
    content_index: int = 0
    delta: str = ""


class RefusalDoneEvent(_Located):
    type: Literal["response.refusal.done"]
    content_index: int = 0
    refusal: str = ""


class ReasoningSummaryPartEvent(_Located):
    type: Literal["response.reasoning_summary_part.added", "response.reasoning_summary_part.done"]
    summary_index: int = 0
    part: ContentPart | None = None


class ReasoningSummaryTextDeltaEvent(_Located):
    type: Literal["response.reasoning_summary_text.delta"]
    summary_index: int = 0
    delta: str = ""


class ReasoningSummaryTextDoneEvent(_Located):
    type: Literal["response.reasoning_summary_text.done"]
    summary_index: int = 0
    text: str = ""


class ReasoningTextDeltaEvent(_Located):
    type: Literal["response.reasoning_text.delta"]
    content_index: int = 0
    delta: str = ""


class ReasoningTextDoneEvent(_Located):
    type: Literal["response.reasoning_text.done"]
    content_index: int = 0
    text: str = ""


class ReasoningPartEvent(_Located):
    """vLLM's names for raw reasoning content parts."""

    type: Literal["response.reasoning_part.added", "response.reasoning_part.done"]
    content_index: int = 0
    part: ContentPart | None = None


class FunctionCallArgumentsDeltaEvent(_Located):
    type: Literal["response.function_call_arguments.delta"]
    delta: str = ""


class FunctionCallArgumentsDoneEvent(_Located):
    type: Literal["response.function_call_arguments.done"]
    arguments: str = ""
    name: str | None = None


class CustomToolInputDeltaEvent(_Located):
    type: Literal["response.custom_tool_call_input.delta"]
    delta: str = ""


class CustomToolInputDoneEvent(_Located):
    type: Literal["response.custom_tool_call_input.done"]
    input: str = ""


class McpArgumentsDeltaEvent(_Located):
    type: Literal["response.mcp_call_arguments.delta"]
    delta: str = ""


class McpArgumentsDoneEvent(_Located):
    type: Literal["response.mcp_call_arguments.done"]
    arguments: str = ""


class CodeInterpreterCodeDeltaEvent(_Located):
    type: Literal["response.code_interpreter_call_code.delta"]
    delta: str = ""


class CodeInterpreterCodeDoneEvent(_Located):
    type: Literal["response.code_interpreter_call_code.done"]
    code: str = ""


class HostedToolProgressEvent(_Located):
    """Progress of a hosted tool call; the phase is the last word of ``type``."""

    type: Literal[
        "response.file_search_call.in_progress",
        "response.file_search_call.searching",
        "response.file_search_call.completed",
        "response.web_search_call.in_progress",
        "response.web_search_call.searching",
        "response.web_search_call.completed",
        "response.code_interpreter_call.in_progress",
        "response.code_interpreter_call.interpreting",
        "response.code_interpreter_call.completed",
        "response.image_generation_call.in_progress",
        "response.image_generation_call.generating",
        "response.image_generation_call.completed",
        "response.mcp_call.in_progress",
        "response.mcp_call.completed",
        "response.mcp_call.failed",
        "response.mcp_list_tools.in_progress",
        "response.mcp_list_tools.completed",
        "response.mcp_list_tools.failed",
    ]

    @property
    def phase(self) -> str:
        return self.type.rsplit(".", 1)[1]


class ImagePartialEvent(_Located):
    type: Literal["response.image_generation_call.partial_image"]
    partial_image_index: int = 0
    partial_image_b64: str = ""


class ErrorEvent(StreamEvent):
    """An ``error`` event, flat (``code, message, param``) or nested (``error: {...}``)."""

    type: Literal["error"]
    code: str | int | None = None
    message: str | None = None
    param: str | None = None
    error: ResponseError | None = None

    def as_error(self) -> ResponseError:
        """The error, whichever of the two shapes it came in."""
        if self.error is not None:
            return self.error
        return ResponseError(code=self.code, message=self.message or "", param=self.param)


class GenericEvent(StreamEvent):
    """An event of a type respnb does not model, or that did not fit; every field is kept."""


_KnownEvent = Annotated[
    Union[
        OutputTextDeltaEvent,
        LifecycleEvent,
        OutputItemEvent,
        ContentPartEvent,
        OutputTextDoneEvent,
        OutputTextAnnotationEvent,
        RefusalDeltaEvent,
        RefusalDoneEvent,
        ReasoningSummaryPartEvent,
        ReasoningSummaryTextDeltaEvent,
        ReasoningSummaryTextDoneEvent,
        ReasoningTextDeltaEvent,
        ReasoningTextDoneEvent,
        ReasoningPartEvent,
        FunctionCallArgumentsDeltaEvent,
        FunctionCallArgumentsDoneEvent,
        CustomToolInputDeltaEvent,
        CustomToolInputDoneEvent,
        McpArgumentsDeltaEvent,
        McpArgumentsDoneEvent,
        CodeInterpreterCodeDeltaEvent,
        CodeInterpreterCodeDoneEvent,
        HostedToolProgressEvent,
        ImagePartialEvent,
        ErrorEvent,
    ],
    Field(discriminator="type"),
]

_EVENT_ADAPTER: TypeAdapter[Any] = TypeAdapter(_KnownEvent)

ANY_EVENT_TYPES: frozenset[str] = frozenset(
    t
    for cls in (
        LifecycleEvent,
        OutputItemEvent,
        ContentPartEvent,
        OutputTextDeltaEvent,
        OutputTextDoneEvent,
        OutputTextAnnotationEvent,
        RefusalDeltaEvent,
        RefusalDoneEvent,
        ReasoningSummaryPartEvent,
        ReasoningSummaryTextDeltaEvent,
        ReasoningSummaryTextDoneEvent,
        ReasoningTextDeltaEvent,
        ReasoningTextDoneEvent,
        ReasoningPartEvent,
        FunctionCallArgumentsDeltaEvent,
        FunctionCallArgumentsDoneEvent,
        CustomToolInputDeltaEvent,
        CustomToolInputDoneEvent,
        McpArgumentsDeltaEvent,
        McpArgumentsDoneEvent,
        CodeInterpreterCodeDeltaEvent,
        CodeInterpreterCodeDoneEvent,
        HostedToolProgressEvent,
        ImagePartialEvent,
        ErrorEvent,
    )
    for t in cls.model_fields["type"].annotation.__args__  # type: ignore[union-attr]
)
"""Every event type respnb models with its own class."""


def parse_event(data: str | bytes | dict[str, Any], event: str | None = None) -> StreamEvent:
    """Parse one event's JSON (``data:`` payload) into its typed model.

    ``event`` is the SSE ``event:`` name; it fills ``type`` when the JSON lacks one.
    Unknown or ill-fitting events become :class:`GenericEvent`; JSON that is not an object
    raises :class:`ValueError` with the offending text.
    """
    try:
        if isinstance(data, dict):
            return _EVENT_ADAPTER.validate_python(data)  # type: ignore[no-any-return]
        return _EVENT_ADAPTER.validate_json(data)  # type: ignore[no-any-return]
    except ValidationError:
        pass
    if not isinstance(data, dict):
        import json

        try:
            obj = json.loads(data)
        except ValueError as exc:
            text = data.decode("utf-8", "replace") if isinstance(data, bytes) else data
            raise ValueError(f"stream event data is not JSON: {text[:200]!r}") from exc
        if not isinstance(obj, dict):
            raise ValueError(f"stream event data is not a JSON object: {obj!r:.200}")
        data = obj
    if not isinstance(data.get("type"), str):
        data = {**data, "type": event or "message"}
    try:
        return _EVENT_ADAPTER.validate_python(data)  # type: ignore[no-any-return]
    except ValidationError:
        return GenericEvent.model_validate(data)
