"""Content parts of messages and reasoning items (protocol.md §2).

The union is open: a part whose ``type`` is unknown, or that does not fit its known model,
becomes a :class:`GenericPart` with all its fields.
"""

from __future__ import annotations

from typing import Annotated, Any, Union

from pydantic import (
    Discriminator,
    Field,
    SerializationInfo,
    Tag,
    ValidationError,
    ValidatorFunctionWrapHandler,
    WrapSerializer,
    WrapValidator,
)

from ._base import WireModel

__all__ = [
    "Annotation",
    "ContentPart",
    "GenericPart",
    "InputFile",
    "InputImage",
    "InputText",
    "OUTPUT_SERIALIZER",
    "OutputFile",
    "OutputText",
    "ReasoningText",
    "Refusal",
    "SummaryText",
]


def _serialize_own(value: Any, handler: Any, info: SerializationInfo) -> Any:
    # Each member of an open union serializes as its own model, so a fallback
    # GenericItem/GenericPart keeps every field it was given.
    if isinstance(value, WireModel):
        return value.model_dump(
            mode=info.mode,
            by_alias=bool(info.by_alias),
            exclude_unset=info.exclude_unset,
            exclude_none=info.exclude_none,
            exclude_defaults=info.exclude_defaults,
        )
    return handler(value)


OUTPUT_SERIALIZER = _OWN = WrapSerializer(_serialize_own)
"""Serializes each member of an open union as its own model (extras kept)."""


# ---------------------------------------------------------------- content parts
class Annotation(WireModel):
    """file_citation, url_citation, container_file_citation, file_path, or any other."""

    type: str
    file_id: str | None = None
    filename: str | None = None
    index: int | None = None
    url: str | None = None
    title: str | None = None
    start_index: int | None = None
    end_index: int | None = None


class OutputText(WireModel):
    type: str = "output_text"
    text: str | None = ""
    annotations: list[Annotation] | None = Field(default_factory=list)
    logprobs: list[Any] | None = None


class Refusal(WireModel):
    type: str = "refusal"
    refusal: str = ""


class OutputFile(WireModel):
    """Manus: a file the agent produced, inside an assistant message."""

    type: str = "output_file"
    fileUrl: str | None = None
    fileName: str | None = None
    mimeType: str | None = None


class InputText(WireModel):
    type: str = "input_text"
    text: str = ""


class InputImage(WireModel):
    type: str = "input_image"
    image_url: str | None = None
    file_id: str | None = None
    detail: str | None = None


class InputFile(WireModel):
    type: str = "input_file"
    file_id: str | None = None
    file_url: str | None = None
    file_data: str | None = None
    filename: str | None = None


class SummaryText(WireModel):
    type: str = "summary_text"
    text: str = ""


class ReasoningText(WireModel):
    type: str = "reasoning_text"
    text: str = ""


class GenericPart(WireModel):
    """A content part of a type respnb does not model; every field is kept."""

    type: str = "unknown"


_PART_TYPES: dict[str, type[WireModel]] = {
    "output_text": OutputText,
    "refusal": Refusal,
    "output_file": OutputFile,
    "input_text": InputText,
    "input_image": InputImage,
    "input_file": InputFile,
    "summary_text": SummaryText,
    "reasoning_text": ReasoningText,
}


def _part_tag(value: Any) -> str:
    kind = value.get("type") if isinstance(value, dict) else getattr(value, "type", None)
    return kind if isinstance(kind, str) and kind in _PART_TYPES else "generic"


def _fallback_part(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        if isinstance(value, dict):
            return GenericPart.model_validate(value)
        raise


ContentPart = Annotated[
    Union[
        Annotated[OutputText, Tag("output_text")],
        Annotated[Refusal, Tag("refusal")],
        Annotated[OutputFile, Tag("output_file")],
        Annotated[InputText, Tag("input_text")],
        Annotated[InputImage, Tag("input_image")],
        Annotated[InputFile, Tag("input_file")],
        Annotated[SummaryText, Tag("summary_text")],
        Annotated[ReasoningText, Tag("reasoning_text")],
        Annotated[GenericPart, Tag("generic")],
    ],
    Discriminator(_part_tag),
    WrapValidator(_fallback_part),
    _OWN,
]
"""Any content part. Unknown types, or known ones that do not fit, become :class:`GenericPart`."""
