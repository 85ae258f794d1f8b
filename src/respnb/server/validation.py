"""Validation of a create body (``POST /v1/responses`` and ``/input_tokens``) as OpenAI does it.

Each check raises :class:`~respnb.server.errors.ApiError` 400 with ``param`` naming the field
and a message in OpenAI's words ("Invalid type for 'temperature': expected a number, but got a
string instead."). Engine-specific checks (tool schemas, ...) come last, from
:func:`respnb.server.engine.validate_body`. Input items are read with respnb.types' open
``Item`` union, so unknown item types pass through.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import TypeAdapter

from respnb.types import Item

from .engine import EngineRequestError, validate_body
from .errors import ApiError, bad_request

__all__ = ["DEFAULT_MODEL", "normalize_input", "validate_create"]

DEFAULT_MODEL = "respnb-demo"
_ITEM: TypeAdapter[Any] = TypeAdapter(Item)
_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_TYPE_NAMES = {
    bool: "a boolean",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "an array",
    dict: "an object",
}


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _expect(body: dict[str, Any], key: str, *types: type) -> Any:
    value = body.get(key)
    if value is None:
        return None
    ok = isinstance(value, types)
    if ok and isinstance(value, bool) and bool not in types:
        ok = False
    if not ok:
        want = " or ".join(_TYPE_NAMES[t] for t in types)
        raise ApiError(
            400,
            f"Invalid type for '{key}': expected {want}, but got {_kind(value)} instead.",
            param=key,
            code="invalid_type",
        )
    return value


def _range(key: str, value: float | None, lo: float, hi: float | None) -> None:
    if value is None:
        return
    if value < lo:
        raise ApiError(
            400,
            f"Invalid '{key}': value below minimum. Expected a value >= {lo:g}, "
            f"but got {value:g} instead.",
            param=key,
            code="integer_below_min_value" if isinstance(value, int) else "decimal_below_min_value",
        )
    if hi is not None and value > hi:
        raise ApiError(
            400,
            f"Invalid '{key}': value above maximum. Expected a value <= {hi:g}, "
            f"but got {value:g} instead.",
            param=key,
            code="integer_above_max_value" if isinstance(value, int) else "decimal_above_max_value",
        )


def normalize_input(raw: Any) -> list[dict[str, Any]]:
    """``input`` as a list of item dicts (a string is one user message); 400 if malformed."""
    if raw is None:
        return []
    if isinstance(raw, str):
        return [{"type": "message", "role": "user", "content": raw}]
    if not isinstance(raw, list):
        raise ApiError(
            400,
            f"Invalid type for 'input': expected a string or an array, but got {_kind(raw)} "
            "instead.",
            param="input",
            code="invalid_type",
        )
    items: list[dict[str, Any]] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not (isinstance(item.get("type"), str) or "role" in item):
            raise bad_request(
                f"Invalid 'input[{i}]': expected an input item object with a 'type' or a 'role'.",
                param=f"input[{i}]",
            )
        if "type" not in item:
            item = {"type": "message", **item}
        if item["type"] == "message":
            if item.get("role") not in ("user", "assistant", "system", "developer"):
                raise bad_request(
                    f"Invalid value for 'input[{i}].role': expected one of 'user', "
                    "'assistant', 'system' or 'developer'.",
                    param=f"input[{i}].role",
                )
            if not isinstance(item.get("content"), (str, list)):
                raise bad_request(
                    f"Invalid 'input[{i}].content': expected a string or an array of parts.",
                    param=f"input[{i}].content",
                )
        _ITEM.validate_python(item)  # open union: never rejects, normalizes nothing we keep
        items.append(item)
    return items


def _check_text(text: Any) -> None:
    if text is None:
        return
    fmt = text.get("format")
    if fmt is None:
        return
    if not isinstance(fmt, dict) or not isinstance(fmt.get("type"), str):
        raise bad_request("Invalid 'text.format': expected an object with a 'type'.", "text.format")
    if fmt["type"] == "json_schema":
        name = fmt.get("name")
        if not isinstance(name, str) or not _SCHEMA_NAME.match(name):
            raise bad_request(
                "Invalid 'text.format.name': expected 1-64 characters of [A-Za-z0-9_-].",
                "text.format.name",
            )
        if not isinstance(fmt.get("schema"), dict):
            raise bad_request(
                "Missing required parameter: 'text.format.schema'.", "text.format.schema"
            )
    elif fmt["type"] not in ("text", "json_object"):
        raise bad_request(
            f"Invalid value for 'text.format.type': '{fmt['type']}'. Supported values are "
            "'text', 'json_schema' and 'json_object'.",
            "text.format.type",
        )


def _check_metadata(meta: Any) -> None:
    if meta is None:
        return
    if len(meta) > 16:
        raise bad_request("Invalid 'metadata': at most 16 key-value pairs.", "metadata")
    for key, value in meta.items():
        if len(key) > 64:
            raise bad_request(
                f"Invalid 'metadata': key '{key[:20]}...' is over 64 characters.", "metadata"
            )
        if not isinstance(value, str) or len(value) > 512:
            raise bad_request(
                f"Invalid 'metadata.{key}': values must be strings of at most 512 characters.",
                f"metadata.{key}",
            )


def validate_create(raw: Any, *, for_tokens: bool = False) -> dict[str, Any]:
    """Check a create body; returns it with ``model`` defaulted and ``input`` normalized."""
    if not isinstance(raw, dict):
        raise bad_request("The request body must be a JSON object.")
    body: dict[str, Any] = {str(k): v for k, v in raw.items()}
    model = _expect(body, "model", str)
    body["model"] = model or DEFAULT_MODEL
    body["input"] = normalize_input(body.get("input"))
    _expect(body, "instructions", str)
    for key in ("store", "background", "stream", "parallel_tool_calls"):
        _expect(body, key, bool)
    if not for_tokens:
        if body.get("background") and body.get("store") is False:
            raise bad_request(
                "Background responses must be stored: set 'store' to true (or leave it out).",
                "store",
            )
        if body.get("stream_options") is not None and not body.get("stream"):
            raise bad_request(
                "'stream_options' is only allowed when 'stream' is true.", "stream_options"
            )
    prev = _expect(body, "previous_response_id", str)
    conv = _expect(body, "conversation", str, dict)
    if prev and conv:
        raise bad_request(
            "Mutually exclusive parameters: Ensure you are only providing one of: "
            "'previous_response_id' or 'conversation'.",
            "conversation",
            code="mutually_exclusive_parameters",
        )
    if isinstance(conv, dict) and not isinstance(conv.get("id"), str):
        raise bad_request("Invalid 'conversation': expected an id or {'id': ...}.", "conversation")
    _range("max_output_tokens", _expect(body, "max_output_tokens", int), 16, None)
    _range("max_tool_calls", _expect(body, "max_tool_calls", int), 1, None)
    _range("temperature", _expect(body, "temperature", int, float), 0, 2)
    _range("top_p", _expect(body, "top_p", int, float), 0, 1)
    _range("top_logprobs", _expect(body, "top_logprobs", int), 0, 20)
    tools = _expect(body, "tools", list) or []
    for i, tool in enumerate(tools):
        if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
            raise bad_request(
                f"Invalid 'tools[{i}]': expected an object with a 'type'.", f"tools[{i}]"
            )
        if tool["type"] == "function" and not isinstance(tool.get("name"), str):
            raise bad_request(f"Missing required parameter: 'tools[{i}].name'.", f"tools[{i}].name")
    choice = _expect(body, "tool_choice", str, dict)
    if isinstance(choice, str) and choice not in ("none", "auto", "required"):
        raise bad_request(
            f"Invalid value for 'tool_choice': '{choice}'. Supported values are 'none', "
            "'auto' and 'required'.",
            "tool_choice",
        )
    _check_text(_expect(body, "text", dict))
    reasoning = _expect(body, "reasoning", dict)
    if reasoning is not None:
        _expect(reasoning, "effort", str)
        _expect(reasoning, "summary", str)
    trunc = _expect(body, "truncation", str)
    if trunc is not None and trunc not in ("auto", "disabled"):
        raise bad_request(
            f"Invalid value for 'truncation': '{trunc}'. Supported values are 'auto' and "
            "'disabled'.",
            "truncation",
        )
    _check_metadata(_expect(body, "metadata", dict))
    include = _expect(body, "include", list) or []
    if not all(isinstance(x, str) for x in include):
        raise bad_request("Invalid 'include': expected an array of strings.", "include")
    try:
        validate_body(body)
    except EngineRequestError as exc:
        raise bad_request(exc.message, exc.param) from exc
    return body
