"""Structured outputs: ``text_format=PydanticModel`` in, ``output_parsed`` out (as openai-python).

:func:`text_format_param` turns a pydantic model into the ``text.format`` of a request (a
``json_schema`` format, strict when the schema allows); :func:`parse_response` turns a
:class:`~respnb.types.Response` into a :class:`ParsedResponse` whose assistant messages hold
:class:`ParsedResponseOutputText` parts with ``parsed`` set, refusals kept as they came, and
``output_parsed`` the first parsed value. The names are openai-python's.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, Field, ValidationError

from ._tools import drop_null_defaults, strict_json_schema
from .types import Message, OutputText, Response

__all__ = [
    "ParsedResponse",
    "ParsedResponseOutputMessage",
    "ParsedResponseOutputText",
    "apply_text_format",
    "check_text_format",
    "parse_response",
    "text_format_param",
]

T = TypeVar("T")


class ParsedResponseOutputText(OutputText, Generic[T]):
    """An ``output_text`` part with its text parsed as the requested model."""

    parsed: T | None = Field(default=None, exclude=True)


class ParsedResponseOutputMessage(Message, Generic[T]):
    """An assistant message whose ``output_text`` parts are :class:`ParsedResponseOutputText`."""


class ParsedResponse(Response, Generic[T]):
    """A Response whose structured output has been parsed (``output_parsed``)."""

    @property
    def output_parsed(self) -> T | None:
        """The first parsed ``output_text`` of the assistant messages (None after a refusal)."""
        for item in self.output:
            if isinstance(item, Message) and not isinstance(item.content, str):
                for part in item.content:
                    if isinstance(part, ParsedResponseOutputText) and part.parsed is not None:
                        return part.parsed  # type: ignore[no-any-return]
        return None


def check_text_format(text_format: Any) -> type[BaseModel]:
    """``text_format`` if it is a pydantic model class; a clear TypeError otherwise."""
    if isinstance(text_format, type) and issubclass(text_format, BaseModel):
        return text_format
    raise TypeError(
        f"text_format must be a pydantic model class (class Answer(pydantic.BaseModel): ...), "
        f"got {text_format!r}; for a raw JSON schema pass "
        "text={'format': {'type': 'json_schema', 'name': ..., 'schema': {...}}} instead."
    )


def text_format_param(model: type[BaseModel]) -> dict[str, Any]:
    """The ``text.format`` of a pydantic model: ``json_schema``, strict when it can be."""
    try:
        raw = model.model_json_schema()
    except Exception as exc:
        raise TypeError(f"text_format {model.__name__} has no JSON schema: {exc}") from None
    schema, strict = strict_json_schema(raw)
    name = re.sub(r"[^A-Za-z0-9_-]", "_", model.__name__)[:64] or "output"
    return {"type": "json_schema", "name": name, "schema": schema, "strict": strict}


def apply_text_format(params: dict[str, Any], text_format: Any) -> type[BaseModel] | None:
    """Put ``text_format``'s schema into ``params['text']``; returns the checked model.

    Raises ValueError when ``text`` already names another format (say which one to keep).
    """
    if text_format is None:
        return None
    model = check_text_format(text_format)
    text = params.get("text")
    if text is not None and not isinstance(text, Mapping):
        raise TypeError(f"text must be a dict such as {{'verbosity': 'low'}}, got {text!r}")
    current = dict(text or {})
    if current.get("format") not in (None, {"type": "text"}):
        raise ValueError(
            "give either text_format= or text={'format': ...}, not both: text_format builds "
            "the json_schema format from the model."
        )
    current["format"] = text_format_param(model)
    params["text"] = current
    return model


def _as(cls: type[BaseModel], model: BaseModel, **fields: Any) -> Any:
    """``model`` re-classed as ``cls`` (a subclass adding fields), without re-validating."""
    new = cls.__new__(cls)
    object.__setattr__(new, "__dict__", {**model.__dict__, **fields})
    extra = model.__pydantic_extra__
    object.__setattr__(new, "__pydantic_extra__", dict(extra) if extra is not None else None)
    object.__setattr__(new, "__pydantic_fields_set__", set(model.__pydantic_fields_set__))
    object.__setattr__(new, "__pydantic_private__", None)
    return new


def _parse_text(model: type[BaseModel], text: str) -> Any:
    data = json.loads(text)
    schema = model.model_json_schema()
    # strict schemas make defaulted fields nullable: null means "the default"
    data = drop_null_defaults(data, schema, schema.get("$defs", {}))
    return model.model_validate(data)


def parse_response(
    response: Response, model: type[T] | type[BaseModel] | None
) -> ParsedResponse[T]:
    """``response`` as a :class:`ParsedResponse`, each assistant ``output_text`` parsed.

    A completed response whose text is not valid for ``model`` raises the ValueError
    (``json.JSONDecodeError`` or pydantic's ``ValidationError``), as openai-python does; an
    unfinished one (incomplete, failed) keeps ``parsed=None`` where its text does not parse.
    ``model=None`` parses nothing.
    """
    checked = check_text_format(model) if model is not None else None
    strict = response.normalized_status in (None, "completed")
    output: list[Any] = []
    for item in response.output:
        if not (isinstance(item, Message) and item.role == "assistant"):
            output.append(item)
            continue
        if isinstance(item.content, str):
            output.append(item)
            continue
        parts: list[Any] = []
        for part in item.content:
            if type(part) is OutputText:
                try:
                    value = _parse_text(checked, part.text or "") if checked else None
                except (ValueError, ValidationError):
                    if strict:
                        raise
                    value = None
                parts.append(_as(ParsedResponseOutputText, part, parsed=value))
            else:
                parts.append(part)  # refusals and other parts as they came
        output.append(_as(ParsedResponseOutputMessage, item, content=parts))
    parsed: ParsedResponse[T] = _as(ParsedResponse, response, output=output)
    return parsed
