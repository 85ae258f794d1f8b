"""What a batch sends: the options, one request body per row, the row keys and the batch id.

``{column}`` fields of the template are filled per row with :func:`respnb._prompt.interpolate`
(the rules of ``%%respond``: ``{col!r}``, ``{col:.2f}``, ``{col[0]}``, ``{{`` escapes), the row's
columns shadowing the ``namespace`` (the notebook's variables for ``%%respond --over``).
``instructions`` is a template too.

A row's key is a digest of its request body, so identical requests are sent once and share one
result. The batch id is a digest of the profile, base URL and every row key: re-running the same
call (same data, prompt and options) finds the same batch and its recorded results.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import ChainMap
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .._prompt import interpolate
from .._tools import FunctionTool, function_tool, strict_json_schema

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "EFFORTS",
    "BatchOptions",
    "BatchSpec",
    "RowRequest",
    "build_spec",
    "text_format",
]

EFFORTS = ("none", "minimal", "low", "medium", "high", "xhigh", "max")
_HOSTED: dict[str, dict[str, Any]] = {
    "web_search": {"type": "web_search"},
    "code_interpreter": {"type": "code_interpreter", "container": {"type": "auto"}},
    "image_generation": {"type": "image_generation"},
}


def text_format(model: type[BaseModel]) -> dict[str, Any]:
    """The ``text.format`` of a pydantic model (strict when its schema allows)."""
    schema, strict = strict_json_schema(model.model_json_schema())
    name = re.sub(r"[^A-Za-z0-9_-]", "_", model.__name__)[:64] or "output"
    return {"type": "json_schema", "name": name, "schema": schema, "strict": strict}


@dataclass
class BatchOptions:
    """The per-request options of a batch (the ``%%respond`` options that make sense per row)."""

    model: str | None = None
    profile: Any = None
    """A profile name, a :class:`respnb.Profile`, or None for the default."""
    instructions: str | None = None
    schema: type[BaseModel] | None = None
    tools: list[Any] = field(default_factory=list)
    """Python callables (run by the tool loop per row), hosted tool names or tool dicts."""
    reasoning: str | dict[str, str] | None = None
    max_output_tokens: int | None = None
    temperature: float | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    """Provider body fields sent with every request."""
    headers: dict[str, str] = field(default_factory=dict)
    """Request headers; values are templates too (``{column}``), empty results are dropped."""
    max_tool_rounds: int = 8

    def function_tools(self) -> dict[str, FunctionTool]:
        out: dict[str, FunctionTool] = {}
        for tool in self.tools:
            if isinstance(tool, FunctionTool):
                out[tool.name] = tool
            elif callable(tool) and not isinstance(tool, (str, dict, type)):
                ft = function_tool(tool)
                out[ft.name] = ft
        return out

    def tool_params(self) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = [t.to_param() for t in self.function_tools().values()]
        for tool in self.tools:
            if isinstance(tool, dict):
                out.append(dict(tool))
            elif isinstance(tool, str):
                if tool not in _HOSTED:
                    raise ValueError(
                        f"tools: {tool!r} is not a hosted tool ({', '.join(_HOSTED)}); pass "
                        "a Python function or a tool dict for anything else."
                    )
                out.append(dict(_HOSTED[tool]))
        return out

    def check(self) -> None:
        """Raise ValueError naming the fix for any bad option."""
        if isinstance(self.reasoning, str) and self.reasoning not in EFFORTS:
            raise ValueError(
                f"reasoning={self.reasoning!r} is not an effort: use one of {', '.join(EFFORTS)}."
            )
        if self.max_output_tokens is not None and self.max_output_tokens < 16:
            raise ValueError(
                f"max_output_tokens must be at least 16, got {self.max_output_tokens}."
            )
        if self.temperature is not None and not 0 <= self.temperature <= 2:
            raise ValueError(f"temperature must be between 0 and 2, got {self.temperature}.")
        if self.schema is not None and not (
            isinstance(self.schema, type) and issubclass(self.schema, BaseModel)
        ):
            raise ValueError(
                f"schema must be a pydantic model class, got {type(self.schema).__name__}."
            )

    def base_params(self, model: str | None) -> dict[str, Any]:
        reasoning = (
            {"effort": self.reasoning} if isinstance(self.reasoning, str) else self.reasoning
        )
        params: dict[str, Any] = {
            "model": model,
            "reasoning": reasoning or None,
            "tools": self.tool_params() or None,
            "max_output_tokens": self.max_output_tokens,
            "temperature": self.temperature,
            "text": {"format": text_format(self.schema)} if self.schema else None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        params.update(self.extra)
        return params


@dataclass(frozen=True)
class RowRequest:
    """One distinct request of a batch."""

    key: str
    body: dict[str, Any]
    headers: dict[str, str]
    label: str
    """The first row index it answers (for progress and error messages)."""

    def body_json(self) -> str:
        """What the batch store records of the request: the row's own fields (the options
        shared by every row are in the batch's id) and the names of its headers."""
        own = {k: self.body[k] for k in _ROW_FIELDS if k in self.body}
        return _canonical({"body": own, "headers": sorted(self.headers)})


@dataclass
class BatchSpec:
    """Every request of a batch and how the frame's rows map onto them."""

    id: str
    template: str
    model: str | None
    requests: dict[str, RowRequest]
    row_keys: list[str]
    """The request key of each frame row, in frame order."""
    index: Any
    """The frame's index (the result is aligned to it)."""

    def __len__(self) -> int:
        return len(self.row_keys)


_ROW_FIELDS = ("input", "instructions")


def _canonical(obj: Any) -> str:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def _digest(text: str, n: int = 24) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:n]


def _records(df: pd.DataFrame) -> list[dict[str, Any]]:
    cols = [str(c) for c in df.columns]
    return [
        dict(zip(cols, values, strict=True)) for values in df.itertuples(index=False, name=None)
    ]


def build_spec(
    df: pd.DataFrame,
    template: str,
    options: BatchOptions,
    *,
    model: str | None,
    scope: str,
    namespace: Mapping[str, Any] | None = None,
    fill: Callable[[str, Mapping[str, Any]], str] = interpolate,
) -> BatchSpec:
    """Render every row. ``scope`` (profile name + base URL) goes into the batch id.

    Raises :class:`respnb._prompt.PromptError` naming the row whose fields cannot be filled."""
    import pandas as pd

    if not isinstance(df, pd.DataFrame):
        raise TypeError(f"batch() needs a pandas DataFrame, got {type(df).__name__}.")
    if not template.strip():
        raise ValueError("the prompt template is empty: write the prompt with {column} fields.")
    base = options.base_params(model)
    ns: Mapping[str, Any] = namespace or {}
    requests: dict[str, RowRequest] = {}
    row_keys: list[str] = []
    labels: Sequence[Any] = df.index.tolist()
    shared = _digest(_canonical(base))  # the options every row shares
    for label, record in zip(labels, _records(df), strict=True):
        values = ChainMap(record, {"index": label}, ns)  # type: ignore[arg-type]
        try:
            body = dict(base)
            body["input"] = fill(template, values)
            if options.instructions:
                body["instructions"] = fill(options.instructions, values)
            headers = {k: fill(v, values) for k, v in options.headers.items()}
        except ValueError as exc:
            raise type(exc)(f"row {label!r}: {exc}") from None
        headers = {k: v for k, v in headers.items() if v}
        own = [body["input"], body.get("instructions"), headers]
        key = "r" + _digest(shared + _canonical(own))
        if key not in requests:
            requests[key] = RowRequest(key, body, headers, str(label))
        row_keys.append(key)
    batch_id = "bat_" + _digest(_canonical([scope, sorted(requests), len(row_keys)]), 20)
    return BatchSpec(batch_id, template, model, requests, row_keys, df.index)
