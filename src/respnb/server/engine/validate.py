"""Checks of the create body that concern the engine (tools, formats, reasoning, limits).

:func:`validate_body` raises :class:`EngineRequestError` with the offending ``param`` (as
OpenAI names it, e.g. ``tools[0].name``) and a message that says what to fix.
"""

from __future__ import annotations

import math
import re
from typing import Any

from .request import EngineRequestError, as_list
from .schema_bounds import bounds_problem

__all__ = ["validate_body"]

_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_SUMMARIES = ("auto", "concise", "detailed")
_VERBOSITY = ("low", "medium", "high")
_KNOWN_CHOICES = ("none", "auto", "required")


def _fail(message: str, param: str) -> None:
    raise EngineRequestError(message, param)


_JSON_TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})


def schema_problem(schema: Any, at: str) -> str | None:
    """The first structural problem of a JSON Schema (``None`` when it looks valid)."""
    if isinstance(schema, bool):
        return None
    if not isinstance(schema, dict):
        return f"{at} must be a schema object, got {type(schema).__name__}."
    kind = schema.get("type")
    kinds = kind if isinstance(kind, list) else [kind] if kind is not None else []
    for k in kinds:
        if k not in _JSON_TYPES:
            return f"{at}.type {k!r} is not a JSON Schema type ({', '.join(sorted(_JSON_TYPES))})."
    props = schema.get("properties")
    if props is not None:
        if not isinstance(props, dict):
            return f"{at}.properties must be an object."
        for key, sub in props.items():
            problem = schema_problem(sub, f"{at}.properties.{key}")
            if problem:
                return problem
    required = schema.get("required")
    if required is not None and (
        not isinstance(required, list) or not all(isinstance(r, str) for r in required)
    ):
        return f"{at}.required must be a list of property names."
    if "items" in schema:
        items = schema["items"]
        for j, sub in enumerate(items if isinstance(items, list) else [items]):
            problem = schema_problem(
                sub, f"{at}.items" if not isinstance(items, list) else f"{at}.items[{j}]"
            )
            if problem:
                return problem
    for key in ("anyOf", "oneOf", "allOf"):
        subs = schema.get(key)
        if subs is not None:
            if not isinstance(subs, list):
                return f"{at}.{key} must be a list of schemas."
            for j, sub in enumerate(subs):
                problem = schema_problem(sub, f"{at}.{key}[{j}]")
                if problem:
                    return problem
    for key in ("$defs", "definitions"):
        defs = schema.get(key)
        if isinstance(defs, dict):
            for name, sub in defs.items():
                problem = schema_problem(sub, f"{at}.{key}.{name}")
                if problem:
                    return problem
    if "enum" in schema and not isinstance(schema["enum"], list):
        return f"{at}.enum must be a list."
    return None


def _check_tool(tool: Any, i: int) -> None:
    where = f"tools[{i}]"
    if not isinstance(tool, dict) or not isinstance(tool.get("type"), str):
        _fail(f"{where} must be an object with a string 'type'.", f"{where}.type")
        return
    kind = tool["type"]
    if kind in ("function", "custom"):
        name = tool.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            _fail(
                f"{where}.name must be 1-64 characters of a-z, A-Z, 0-9, '_' or '-'; got {name!r}.",
                f"{where}.name",
            )
        params = tool.get("parameters")
        if kind == "function" and params is not None and not isinstance(params, dict):
            _fail(f"{where}.parameters must be a JSON schema object.", f"{where}.parameters")
        elif kind == "function" and params is not None:
            problem = schema_problem(params, "parameters") or bounds_problem(params, "parameters")
            if problem is not None:
                _fail(f"Invalid schema for function {name!r}: {problem}", f"{where}.parameters")
    elif kind == "file_search":
        ids = tool.get("vector_store_ids")
        if not isinstance(ids, list) or not all(isinstance(v, str) for v in ids):
            _fail(
                f"{where}.vector_store_ids must be a list of vector store ids.",
                f"{where}.vector_store_ids",
            )
    elif kind == "mcp" and (
        not isinstance(tool.get("server_label"), str) or not tool["server_label"]
    ):
        _fail(f"{where}.server_label is required for an mcp tool.", f"{where}.server_label")


def _check_choice(body: dict[str, Any]) -> None:
    choice = body.get("tool_choice")
    if choice is None:
        return
    tools = as_list(body.get("tools"))
    if isinstance(choice, str):
        if choice not in _KNOWN_CHOICES:
            _fail(
                f"tool_choice must be one of {', '.join(_KNOWN_CHOICES)} or an object; "
                f"got {choice!r}.",
                "tool_choice",
            )
        if choice == "required" and not tools:
            _fail("tool_choice 'required' needs at least one tool in 'tools'.", "tool_choice")
        return
    if not isinstance(choice, dict) or not isinstance(choice.get("type"), str):
        _fail("tool_choice must be a string or an object with a 'type'.", "tool_choice")
        return
    if choice["type"] in ("function", "custom"):
        name = choice.get("name")
        if not any(
            isinstance(t, dict) and t.get("type") == choice["type"] and t.get("name") == name
            for t in tools
        ):
            _fail(
                f"tool_choice names {choice['type']} {name!r}, which is not in 'tools'.",
                "tool_choice",
            )


def _check_format(body: dict[str, Any]) -> None:
    text = body.get("text")
    if text is None:
        return
    if not isinstance(text, dict):
        _fail('text must be an object like {"format": {"type": "text"}}.', "text")
        return
    verbosity = text.get("verbosity")
    if verbosity is not None and verbosity not in _VERBOSITY:
        _fail(f"text.verbosity must be one of {', '.join(_VERBOSITY)}.", "text.verbosity")
    fmt = text.get("format")
    if fmt is None:
        return
    if not isinstance(fmt, dict) or fmt.get("type") not in ("text", "json_schema", "json_object"):
        _fail(
            "text.format.type must be 'text', 'json_schema' or 'json_object'.", "text.format.type"
        )
        return
    if fmt["type"] == "json_schema":
        name = fmt.get("name")
        if not isinstance(name, str) or not _NAME.match(name):
            _fail(
                "text.format.name is required: 1-64 characters of a-z, A-Z, 0-9, '_' or '-'.",
                "text.format.name",
            )
        if not isinstance(fmt.get("schema"), dict):
            _fail("text.format.schema must be a JSON schema object.", "text.format.schema")
        problem = bounds_problem(fmt["schema"], "text.format.schema")
        if problem is not None:
            _fail(f"Invalid schema for response_format {name!r}: {problem}", "text.format.schema")


def _check_reasoning(body: dict[str, Any]) -> None:
    cfg = body.get("reasoning")
    if cfg is None:
        return
    if not isinstance(cfg, dict):
        _fail('reasoning must be an object like {"effort": "medium"}.', "reasoning")
        return
    effort = cfg.get("effort")
    if effort is not None and effort not in _EFFORTS:
        _fail(
            f"reasoning.effort must be one of {', '.join(_EFFORTS)}; got {effort!r}.",
            "reasoning.effort",
        )
    summary = cfg.get("summary")
    if summary is not None and summary not in _SUMMARIES:
        _fail(
            f"reasoning.summary must be one of {', '.join(_SUMMARIES)}; got {summary!r}.",
            "reasoning.summary",
        )


def validate_body(body: dict[str, Any]) -> None:
    """Raise :class:`EngineRequestError` if the engine cannot answer this create body."""
    tools = body.get("tools")
    if tools is not None:
        if not isinstance(tools, list):
            _fail("tools must be a list of tool objects.", "tools")
        for i, tool in enumerate(tools):
            _check_tool(tool, i)
    _check_choice(body)
    _check_format(body)
    _check_reasoning(body)
    limit = body.get("max_output_tokens")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 16):
        _fail(f"max_output_tokens must be an integer >= 16; got {limit!r}.", "max_output_tokens")
    metadata = body.get("metadata")
    pace = metadata.get("respnb_pace") if isinstance(metadata, dict) else None
    if pace is not None:
        try:
            ok = math.isfinite(float(pace)) and float(pace) >= 0
        except (TypeError, ValueError):
            ok = False
        if not ok:
            _fail(
                f"metadata.respnb_pace must be a number of tokens per second (a string like "
                f"'20', '0' for full speed); got {pace!r}.",
                "metadata.respnb_pace",
            )
