"""Output items, input items and content parts (protocol.md §2).

Every union here is open: an item or part whose ``type`` is unknown, or that does not fit
its known model, becomes a :class:`GenericItem` / :class:`GenericPart` with all its fields.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import (
    Discriminator,
    Field,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapValidator,
    field_validator,
)

from ._base import WireModel
from .parts import (
    OUTPUT_SERIALIZER as _OWN,
)
from .parts import (
    Annotation,
    ContentPart,
    GenericPart,
    InputFile,
    InputImage,
    InputText,
    OutputFile,
    OutputText,
    ReasoningText,
    Refusal,
    SummaryText,
)

__all__ = [
    "Annotation",
    "ApplyPatchCall",
    "CodeInterpreterCall",
    "ComputerCall",
    "ContentPart",
    "CustomToolCall",
    "FileSearchCall",
    "FileSearchResult",
    "FunctionCall",
    "FunctionCallOutput",
    "GenericItem",
    "GenericPart",
    "ImageGenerationCall",
    "InputFile",
    "InputImage",
    "InputText",
    "Item",
    "McpApprovalRequest",
    "McpApprovalResponse",
    "McpCall",
    "McpListTools",
    "McpTool",
    "Message",
    "OutputFile",
    "OutputText",
    "Reasoning",
    "ReasoningText",
    "Refusal",
    "SummaryText",
    "WebSearchCall",
    "item_text",
]


# ---------------------------------------------------------------- output items
class Message(WireModel):
    """A message. Assistant messages are output; Manus also returns user messages in output.

    ``content`` may be a plain string in input items.
    """

    type: str = "message"
    id: str | None = None
    role: str = "assistant"
    status: str | None = None
    content: list[ContentPart] | str = Field(default_factory=list)

    @field_validator("content", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v

    @property
    def text(self) -> str:
        """All output_text / input_text of this message joined (a string content as is)."""
        if isinstance(self.content, str):
            return self.content
        out: list[str] = []
        for part in self.content:
            t = getattr(part, "text", None)
            if isinstance(t, str):
                out.append(t)
        return "".join(out)


class Reasoning(WireModel):
    type: str = "reasoning"
    id: str | None = None
    summary: list[ContentPart] = Field(default_factory=list)
    content: list[ContentPart] | None = None
    encrypted_content: str | None = None
    status: str | None = None

    @field_validator("summary", mode="before")
    @classmethod
    def _none_is_empty(cls, v: Any) -> Any:
        return [] if v is None else v


class FunctionCall(WireModel):
    type: str = "function_call"
    id: str | None = None
    call_id: str = ""
    name: str = ""
    arguments: str = ""
    status: str | None = None


class FunctionCallOutput(WireModel):
    type: str = "function_call_output"
    id: str | None = None
    call_id: str = ""
    output: str | list[ContentPart] = ""
    status: str | None = None


class CustomToolCall(WireModel):
    type: str = "custom_tool_call"
    id: str | None = None
    call_id: str = ""
    name: str = ""
    input: str = ""
    status: str | None = None


class FileSearchResult(WireModel):
    file_id: str | None = None
    filename: str | None = None
    score: float | None = None
    text: str | None = None
    attributes: dict[str, Any] | None = None


class FileSearchCall(WireModel):
    type: str = "file_search_call"
    id: str | None = None
    queries: list[str] = Field(default_factory=list)
    status: str | None = None
    results: list[FileSearchResult] | None = None


class WebSearchCall(WireModel):
    """``action`` is search{query, sources}, open_page{url} or find_in_page{url, pattern}."""

    type: str = "web_search_call"
    id: str | None = None
    status: str | None = None
    action: dict[str, Any] | None = None


class CodeInterpreterCall(WireModel):
    """``outputs`` holds ``{type:"logs", logs}`` and ``{type:"image", url}`` entries."""

    type: str = "code_interpreter_call"
    id: str | None = None
    container_id: str | None = None
    code: str | None = None
    status: str | None = None
    outputs: list[dict[str, Any]] | None = None


class ComputerCall(WireModel):
    type: str = "computer_call"
    id: str | None = None
    call_id: str = ""
    status: str | None = None
    action: dict[str, Any] | None = None
    actions: list[dict[str, Any]] | None = None
    pending_safety_checks: list[dict[str, Any]] = Field(default_factory=list)


class McpTool(WireModel):
    name: str = ""
    description: str | None = None
    input_schema: dict[str, Any] | None = None


class McpListTools(WireModel):
    type: str = "mcp_list_tools"
    id: str | None = None
    server_label: str = ""
    tools: list[McpTool] = Field(default_factory=list)
    error: str | None = None


class McpCall(WireModel):
    type: str = "mcp_call"
    id: str | None = None
    server_label: str = ""
    name: str = ""
    arguments: str = ""
    output: str | None = None
    error: str | None = None
    status: str | None = None


class McpApprovalRequest(WireModel):
    type: str = "mcp_approval_request"
    id: str | None = None
    server_label: str = ""
    name: str = ""
    arguments: str = ""


class McpApprovalResponse(WireModel):
    type: str = "mcp_approval_response"
    id: str | None = None
    approval_request_id: str = ""
    approve: bool = False
    reason: str | None = None


class ImageGenerationCall(WireModel):
    type: str = "image_generation_call"
    id: str | None = None
    status: str | None = None
    result: str | None = None


class ApplyPatchCall(WireModel):
    """``operation`` is create_file / update_file / delete_file with ``path`` and ``diff``."""

    type: str = "apply_patch_call"
    id: str | None = None
    call_id: str = ""
    status: str | None = None
    operation: dict[str, Any] | None = None


class GenericItem(WireModel):
    """An item of a type respnb does not model (or that did not fit); every field is kept."""

    type: str = "unknown"
    id: str | None = None


_ITEM_TYPES: dict[str, type[WireModel]] = {
    "message": Message,
    "reasoning": Reasoning,
    "function_call": FunctionCall,
    "function_call_output": FunctionCallOutput,
    "custom_tool_call": CustomToolCall,
    "file_search_call": FileSearchCall,
    "web_search_call": WebSearchCall,
    "code_interpreter_call": CodeInterpreterCall,
    "computer_call": ComputerCall,
    "mcp_list_tools": McpListTools,
    "mcp_call": McpCall,
    "mcp_approval_request": McpApprovalRequest,
    "mcp_approval_response": McpApprovalResponse,
    "image_generation_call": ImageGenerationCall,
    "apply_patch_call": ApplyPatchCall,
}


def _item_tag(value: Any) -> str:
    if isinstance(value, dict):
        kind = value.get("type")
        if kind is None and "role" in value:
            return "message"  # easy input message: {"role": ..., "content": ...}
    else:
        kind = getattr(value, "type", None)
    return kind if isinstance(kind, str) and kind in _ITEM_TYPES else "generic"


def _fallback_item(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        if isinstance(value, dict):
            return GenericItem.model_validate(value)
        raise


Item = Annotated[
    Union[
        Annotated[Message, Tag("message")],
        Annotated[Reasoning, Tag("reasoning")],
        Annotated[FunctionCall, Tag("function_call")],
        Annotated[FunctionCallOutput, Tag("function_call_output")],
        Annotated[CustomToolCall, Tag("custom_tool_call")],
        Annotated[FileSearchCall, Tag("file_search_call")],
        Annotated[WebSearchCall, Tag("web_search_call")],
        Annotated[CodeInterpreterCall, Tag("code_interpreter_call")],
        Annotated[ComputerCall, Tag("computer_call")],
        Annotated[McpListTools, Tag("mcp_list_tools")],
        Annotated[McpCall, Tag("mcp_call")],
        Annotated[McpApprovalRequest, Tag("mcp_approval_request")],
        Annotated[McpApprovalResponse, Tag("mcp_approval_response")],
        Annotated[ImageGenerationCall, Tag("image_generation_call")],
        Annotated[ApplyPatchCall, Tag("apply_patch_call")],
        Annotated[GenericItem, Tag("generic")],
    ],
    Discriminator(_item_tag),
    WrapValidator(_fallback_item),
    _OWN,
]
"""Any input or output item. Unknown types, or known ones that do not fit, become
:class:`GenericItem` with every field kept."""


def item_text(item: Any) -> str:
    """The assistant-visible text of an item: message output_text joined, else ``""``."""
    if isinstance(item, Message) and item.role == "assistant":
        return (
            "".join(p.text or "" for p in item.content if isinstance(p, OutputText))
            if not isinstance(item.content, str)
            else item.content
        )
    return ""
