"""Function tools from Python callables: JSON schemas and validated calls.

:func:`function_tool` turns a callable into a :class:`FunctionTool`: its parameters schema comes
from the signature and type hints (through pydantic, so defaults, ``Optional``, ``Literal``,
enums, lists and nested pydantic models all work) and the descriptions from the docstring
(Google ``Args:``, NumPy ``Parameters`` or Sphinx ``:param x:``). When the schema allows it the
tool is *strict* (every property required, ``additionalProperties: false``; a parameter with a
default is made nullable and ``null`` means "use the default").

:mod:`respnb._tool_loop` runs the calls of a response and sends their outputs back.
"""

from __future__ import annotations

import asyncio
import inspect
import json
import re
import threading
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import GenerateJsonSchema, JsonSchemaWarningKind

__all__ = [
    "FunctionTool",
    "drop_null_defaults",
    "function_tool",
    "hosted_includes",
    "parse_docstring",
    "strict_json_schema",
]

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class _QuietSchema(GenerateJsonSchema):
    ignored_warning_kinds: set[JsonSchemaWarningKind] = {  # noqa: RUF012
        "skipped-choice",
        "non-serializable-default",
    }


# ---------------------------------------------------------------- docstrings
_SECTION_RE = re.compile(
    r"^\s*(Args|Arguments|Parameters|Params|Returns?|Yields?|Raises|Examples?|Notes?|"
    r"Attributes|See Also|References|Warnings?)\s*:?\s*$"
)
_GOOGLE_ARG_RE = re.compile(r"^\*{0,2}([A-Za-z_]\w*)\s*(?:\(([^)]*)\))?\s*:\s*(.*)$")
_NUMPY_ARG_RE = re.compile(r"^\*{0,2}([A-Za-z_]\w*)\s*(?::.*)?$")
_SPHINX_RE = re.compile(r"^\s*:param\s+(?:[^:]*\s)?([A-Za-z_]\w*)\s*:\s*(.*)$")
_PARAM_SECTIONS = frozenset({"args", "arguments", "parameters", "params"})


def parse_docstring(doc: str | None) -> tuple[str, dict[str, str]]:
    """Split a docstring into (description, {parameter: description}).

    Understands Google (``Args:``), NumPy (``Parameters`` + dashes) and Sphinx (``:param x:``).
    """
    lines = inspect.cleandoc(doc or "").splitlines()
    summary: list[str] = []
    params: dict[str, str] = {}
    section: str | None = None
    numpy = False
    base: int | None = None  # indent of the parameter lines in the current section
    current: str | None = None
    i = 0
    while i < len(lines):
        line = lines[i]
        text = line.strip()
        indent = len(line) - len(line.lstrip())
        underlined = i + 1 < len(lines) and bool(re.match(r"^\s*-{3,}\s*$", lines[i + 1]))
        header = _SECTION_RE.match(line)
        sphinx = _SPHINX_RE.match(line)
        if header and (text.endswith(":") or underlined):
            section, numpy, base, current = header.group(1).lower(), underlined, None, None
            i += 2 if underlined else 1
            continue
        if sphinx:
            section, current = "sphinx", sphinx.group(1)
            params[current] = sphinx.group(2).strip()
        elif text.startswith(":") and section in (None, "sphinx"):
            section, current = "sphinx", None  # :returns:, :raises: ...
        elif section is None:
            summary.append(line)
        elif text and section in _PARAM_SECTIONS:
            base = indent if base is None else base
            match = (_NUMPY_ARG_RE if numpy else _GOOGLE_ARG_RE).match(text)
            if indent <= base and match:
                current = match.group(1)
                params[current] = "" if numpy else match.group(3)
            elif current is not None:
                params[current] = f"{params[current]} {text}"
        elif text and section == "sphinx" and current:
            params[current] = f"{params[current]} {text}"
        i += 1
    return "\n".join(summary).strip(), {k: v.strip() for k, v in params.items()}


# ---------------------------------------------------------------- strict schemas
def strict_json_schema(schema: dict[str, Any]) -> tuple[dict[str, Any], bool]:
    """A copy of a pydantic JSON schema made fit for ``strict: true``, and whether it is.

    Objects get ``additionalProperties: false`` and every property required (a property that
    had a default becomes nullable); ``$ref`` with siblings is inlined; titles and defaults are
    dropped. The flag is False when the schema cannot be strict (free-form dicts, ``Any``).
    """
    defs = schema.get("$defs", {})
    ok = [True]

    def resolve(ref: str) -> dict[str, Any]:
        name = ref.rsplit("/", 1)[-1]
        return dict(defs.get(name, {}))

    def walk(node: Any) -> Any:
        if not isinstance(node, dict):
            return node
        node = dict(node)
        if "$ref" in node and len(node) > 1:
            node = {**resolve(node.pop("$ref")), **node}
        if "allOf" in node and len(node["allOf"]) == 1:
            node = {**node.pop("allOf")[0], **node}
            return walk(node)
        node.pop("title", None)
        had_default = "default" in node
        node.pop("default", None)
        if node.get("type") == "object" or "properties" in node:
            props = node.get("properties", {})
            extra = node.get("additionalProperties")
            if not props or extra not in (None, False):
                ok[0] = False
            original = dict(props)
            node["properties"] = {k: walk(v) for k, v in props.items()}
            for key, sub in original.items():
                if isinstance(sub, dict) and "default" in sub:
                    node["properties"][key] = _nullable(node["properties"][key])
            node["required"] = list(props)
            node["additionalProperties"] = False
        if node == {} or (had_default and node == {}):
            ok[0] = False
        for key in ("items", "not"):
            if key in node:
                node[key] = walk(node[key])
        for key in ("anyOf", "oneOf", "allOf", "prefixItems"):
            if key in node:
                node[key] = [walk(v) for v in node[key]]
        if "$defs" in node:
            node["$defs"] = {k: walk(v) for k, v in node["$defs"].items()}
        return node

    return walk(schema), ok[0]


def _nullable(node: dict[str, Any]) -> dict[str, Any]:
    kind = node.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return node
    if any(isinstance(v, dict) and v.get("type") == "null" for v in node.get("anyOf", [])):
        return node
    if isinstance(kind, str) and "$ref" not in node and "enum" not in node:
        return {**node, "type": [kind, "null"]}
    rest = dict(node)
    described = {"description": rest.pop("description")} if "description" in rest else {}
    return {"anyOf": [rest, {"type": "null"}], **described}


def drop_null_defaults(data: Any, schema: Mapping[str, Any], defs: Mapping[str, Any]) -> Any:
    """Remove ``null`` values of properties that have a default (strict mode's "omitted")."""
    if "$ref" in schema:
        schema = {**defs.get(str(schema["$ref"]).rsplit("/", 1)[-1], {}), **schema}
    if isinstance(data, dict) and "properties" in schema:
        out = {}
        for key, value in data.items():
            sub = schema["properties"].get(key, {})
            if value is None and "default" in sub and sub["default"] is not None:
                continue
            out[key] = drop_null_defaults(value, sub, defs)
        return out
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [drop_null_defaults(v, schema["items"], defs) for v in data]
    for alt in schema.get("anyOf", []):
        if isinstance(alt, dict) and ("properties" in alt or "$ref" in alt) and data is not None:
            return drop_null_defaults(data, alt, defs)
    return data


# ---------------------------------------------------------------- function tools
@dataclass(frozen=True)
class FunctionTool:
    """A Python callable exposed to the model as a ``function`` tool."""

    name: str
    description: str
    parameters: dict[str, Any]
    strict: bool
    fn: Callable[..., Any] = field(repr=False)
    args_model: type[BaseModel] = field(repr=False)
    _positional: tuple[str, ...] = field(default=(), repr=False)
    _defaulted: frozenset[str] = field(default=frozenset(), repr=False)

    def to_param(self) -> dict[str, Any]:
        """The ``tools[]`` entry sent to the service."""
        return {
            "type": "function",
            "name": self.name,
            "description": self.description,
            "parameters": self.parameters,
            "strict": self.strict,
        }

    def invoke(self, arguments: str | Mapping[str, Any]) -> Any:
        """Parse, validate (pydantic) and call; raises ValueError / ValidationError on bad input."""
        data: Any = json.loads(arguments or "{}") if isinstance(arguments, str) else arguments
        if not isinstance(data, dict):
            raise ValueError(f"arguments must be a JSON object, got {type(data).__name__}")
        full = self.args_model.model_json_schema(by_alias=True, schema_generator=_QuietSchema)
        data = {k: v for k, v in data.items() if not (v is None and k in self._defaulted)}
        data = drop_null_defaults(data, full, full.get("$defs", {}))
        model = self.args_model.model_validate(data)
        values = {
            info.alias or name: getattr(model, name)
            for name, info in type(model).model_fields.items()
        }
        args = [values.pop(p) for p in self._positional if p in values]
        result = self.fn(*args, **values)
        if inspect.isawaitable(result):
            result = _run_awaitable(result)
        return result


def _run_awaitable(awaitable: Any) -> Any:
    """Await in a fresh thread: a kernel's main thread may already run an event loop."""
    box: dict[str, Any] = {}

    async def wrap() -> Any:
        return await awaitable

    def target() -> None:
        try:
            box["value"] = asyncio.run(wrap())
        except BaseException as exc:
            box["error"] = exc

    thread = threading.Thread(target=target, name="respnb-tool", daemon=True)
    thread.start()
    thread.join()
    if "error" in box:
        raise box["error"]
    return box.get("value")


def function_tool(
    fn: Callable[..., Any],
    *,
    name: str | None = None,
    description: str | None = None,
    strict: bool | None = None,
) -> FunctionTool:
    """Describe ``fn`` as a function tool.

    ``strict=None`` (default) makes the tool strict when its schema allows it; ``True`` raises
    ``TypeError`` when it cannot be; ``False`` keeps the plain pydantic schema.
    """
    if not callable(fn):
        raise TypeError(f"{fn!r} is not callable")
    tool_name: str = name or str(getattr(fn, "__name__", ""))
    if not _NAME_RE.match(tool_name):
        raise TypeError(f"tool name {tool_name!r} must match [A-Za-z0-9_-]{{1,64}}; pass name=...")
    summary, docs = parse_docstring(inspect.getdoc(fn))
    try:
        sig = inspect.signature(fn)
        hints = typing.get_type_hints(fn, include_extras=True)
    except (TypeError, ValueError, NameError) as exc:
        raise TypeError(f"cannot read the signature of {tool_name!r}: {exc}") from exc
    fields: dict[str, Any] = {}
    positional: list[str] = []
    defaulted: set[str] = set()
    for i, param in enumerate(sig.parameters.values()):
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            continue
        if param.kind is param.POSITIONAL_ONLY:
            positional.append(param.name)
        ann = hints.get(param.name, Any)
        if param.default is param.empty:
            default: Any = ...
        else:
            default = param.default
            defaulted.add(param.name)
        described = docs.get(param.name) or None
        info = Field(default, alias=param.name, description=described)
        fields[f"p{i}"] = (ann, info if described else Field(default, alias=param.name))
    model = create_model(
        f"{tool_name}_arguments",
        __config__=ConfigDict(extra="forbid", arbitrary_types_allowed=True),
        **fields,
    )
    try:
        raw = model.model_json_schema(by_alias=True, schema_generator=_QuietSchema)
    except Exception as exc:
        raise TypeError(f"cannot build a JSON schema for {tool_name!r}: {exc}") from exc
    strict_schema, can_be_strict = strict_json_schema(raw)
    strict_schema["properties"] = {
        k: (_nullable(v) if k in defaulted else v)
        for k, v in strict_schema.get("properties", {}).items()
    }
    if strict and not can_be_strict:
        raise TypeError(f"the parameters of {tool_name!r} cannot be a strict schema (free-form)")
    use_strict = can_be_strict if strict is None else strict
    params = strict_schema if use_strict else _plain(raw)
    return FunctionTool(
        name=tool_name,
        description=description if description is not None else summary,
        parameters=params,
        strict=use_strict,
        fn=fn,
        args_model=model,
        _positional=tuple(positional),
        _defaulted=frozenset(defaulted),
    )


def _plain(schema: dict[str, Any]) -> dict[str, Any]:
    out = dict(schema)
    out.pop("title", None)
    out.setdefault("properties", {})
    return out


# What a hosted tool's item carries only when ``include`` asks for it (OpenAI's
# ``ResponseIncludable``): the views show these, so a notebook run asks for them.
_HOSTED_INCLUDES = (  # tool type prefix (dated variants such as web_search_2025_08_26 too)
    ("web_search", "web_search_call.action.sources"),
    ("code_interpreter", "code_interpreter_call.outputs"),
    ("file_search", "file_search_call.results"),
)


def hosted_includes(tools: list[dict[str, Any]]) -> list[str]:
    """The ``include`` values that complete the items of these hosted tools, in tool order:
    web search sources, code interpreter outputs, file search results."""
    out: list[str] = []
    for tool in tools:
        kind = str(tool.get("type", ""))
        for prefix, value in _HOSTED_INCLUDES:
            if kind.startswith(prefix) and value not in out:
                out.append(value)
    return out
