"""The result DataFrame of a batch, aligned to the input frame's index.

Columns: ``output_text``; with a schema one typed column per field of the model (nullable
``Int64`` / ``Float64`` / ``boolean`` / ``string``, ``category`` for ``Literal`` and enum fields,
``object`` otherwise); then ``status`` (``completed``, ``incomplete``, ``failed``, ``pending``),
``error``, ``input_tokens``, ``output_tokens``, ``total_tokens`` (``Int64``), ``response_id``.
``keep=True`` puts the input columns first.
"""

from __future__ import annotations

import enum
import json
import typing
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from ..tasks.batch_store import RowResult

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["RESULT_COLUMNS", "results_frame"]

RESULT_COLUMNS = (
    "status",
    "error",
    "input_tokens",
    "output_tokens",
    "total_tokens",
    "response_id",
)


def _dtype(annotation: Any) -> str:
    origin = typing.get_origin(annotation)
    args = [a for a in typing.get_args(annotation) if a is not type(None)]
    if origin is typing.Literal:
        return "category"
    if origin is typing.Union or str(origin) == "<class 'types.UnionType'>":
        return _dtype(args[0]) if len(args) == 1 else "object"
    if isinstance(annotation, type):
        if issubclass(annotation, bool):
            return "boolean"
        if issubclass(annotation, enum.Enum):
            return "category"
        if issubclass(annotation, int):
            return "Int64"
        if issubclass(annotation, float):
            return "Float64"
        if issubclass(annotation, str):
            return "string"
    return "object"


def _field_value(value: Any) -> Any:
    return value


def results_frame(
    index: Any,
    row_keys: Sequence[str],
    results: Mapping[str, RowResult],
    *,
    schema: type[BaseModel] | None = None,
    source: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """One row per input row (duplicated requests share their result)."""
    import pandas as pd

    got = [results.get(k) for k in row_keys]
    data: dict[str, Any] = {
        "output_text": pd.array(
            [r.output_text if r is not None else None for r in got], dtype="string"
        )
    }
    if schema is not None:
        parsed = [json.loads(r.parsed) if r is not None and r.parsed else None for r in got]
        for name, info in schema.model_fields.items():
            values = [p.get(name) if isinstance(p, dict) else None for p in parsed]
            dtype = _dtype(info.annotation)
            if dtype == "object":
                data[name] = pd.Series(values, dtype="object").array
            else:
                data[name] = pd.Series(values, dtype="object").astype(dtype).array
    data["status"] = pd.array(
        [r.status if r is not None else "pending" for r in got], dtype="string"
    )
    data["error"] = pd.array([r.error if r is not None else None for r in got], dtype="string")
    for col in ("input_tokens", "output_tokens", "total_tokens"):
        data[col] = pd.array(
            [getattr(r, col) if r is not None else None for r in got], dtype="Int64"
        )
    data["response_id"] = pd.array(
        [r.response_id if r is not None else None for r in got], dtype="string"
    )
    frame = pd.DataFrame(data, index=index)
    if source is not None:
        clash = [c for c in source.columns if c in frame.columns]
        left = source.rename(columns={c: f"{c}_input" for c in clash}) if clash else source
        frame = pd.concat([left, frame], axis=1)
    return frame
