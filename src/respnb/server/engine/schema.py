"""An instance of a JSON schema: tool arguments and structured outputs that validate.

:func:`instance_for` walks a schema (``$ref``/``$defs``, ``allOf``/``anyOf``/``oneOf``,
``const``, ``enum``, ``default``, every type with its bounds, ``format`` and ``pattern``)
and builds a value that satisfies it, preferring what the prompt offers (:class:`Hints`):
a place for ``location``, the people named for ``participants``, a number, a weekday.
Deterministic: the same schema and prompt give the same value. The work is bounded: after
:data:`BUDGET` schema steps the rest of the value is ``null`` (client patterns run with a time
limit, see :mod:`.userregex`).
"""

from __future__ import annotations

import copy
import hashlib
import math
import uuid
from typing import Any

from . import userregex
from .hints import Hints
from .patterns import sample_for_pattern

__all__ = ["BUDGET", "instance_for"]

BUDGET = 20_000
"""Schema steps (``$ref`` resolutions and values built) one instance may take."""

_MAX_DEPTH = 4  # below this depth only required properties and minimal arrays are built
_HARD_DEPTH = 24
_FORMATS = {
    "date": "2025-01-15",
    "date-time": "2025-01-15T09:30:00Z",
    "time": "09:30:00",
    "duration": "P1D",
    "email": "ada@example.com",
    "idn-email": "ada@example.com",
    "hostname": "example.com",
    "idn-hostname": "example.com",
    "ipv4": "192.0.2.1",
    "ipv6": "2001:db8::1",
    "uri": "https://example.com/",
    "uri-reference": "https://example.com/",
    "iri": "https://example.com/",
    "url": "https://example.com/",
}


def instance_for(schema: Any, hints: Hints | None = None) -> Any:
    """A value valid against ``schema`` (a JSON-schema dict), shaped by the prompt's hints."""
    return _Builder(schema, hints or Hints()).value(schema, "", 0, 0)


def _type_of(schema: dict[str, Any]) -> str | None:
    kind = schema.get("type")
    if isinstance(kind, list):
        real = [k for k in kind if k != "null"]
        return str(real[0]) if real else ("null" if kind else None)
    if isinstance(kind, str):
        return kind
    if "properties" in schema or "additionalProperties" in schema or "required" in schema:
        return "object"
    if "items" in schema or "prefixItems" in schema:
        return "array"
    if any(k in schema for k in ("minimum", "maximum", "multipleOf", "exclusiveMinimum")):
        return "number"
    return None


class _Builder:
    def __init__(self, root: Any, hints: Hints) -> None:
        self.root = root
        self.hints = hints
        self.steps = 0

    def spent(self) -> bool:
        """Count one step; True once the budget is used up."""
        self.steps += 1
        return self.steps > BUDGET

    # ------------------------------------------------------------ structure
    def resolve(self, schema: Any, seen: int = 0) -> Any:
        """Follow ``$ref`` and merge ``allOf`` until a plain schema remains."""
        if not isinstance(schema, dict) or seen > 32 or self.spent():
            return schema
        if isinstance(schema.get("$ref"), str):
            target = self.pointer(schema["$ref"])
            rest = {k: v for k, v in schema.items() if k != "$ref"}
            merged = {**(self.resolve(target, seen + 1) or {}), **rest}
            return self.resolve(merged, seen + 1)
        if isinstance(schema.get("allOf"), list):
            merged = {k: v for k, v in schema.items() if k != "allOf"}
            for sub in schema["allOf"]:
                merged = _merge(merged, self.resolve(sub, seen + 1))
            return self.resolve(merged, seen + 1)
        return schema

    def pointer(self, ref: str) -> Any:
        if not ref.startswith("#"):
            return {}
        node: Any = self.root
        for raw in ref[1:].split("/"):
            if not raw:
                continue
            key = raw.replace("~1", "/").replace("~0", "~")
            if isinstance(node, dict) and key in node:
                node = node[key]
            elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
                node = node[int(key)]
            else:
                return {}
        return node

    def value(self, schema: Any, key: str, depth: int, index: int) -> Any:
        if depth > _HARD_DEPTH or self.spent():  # unsatisfiable or too big: give up with null
            return None
        schema = self.resolve(schema)
        if schema is True or not isinstance(schema, dict):
            return self.hints.string_for(key, index) or f"example {key or 'value'}"
        if "const" in schema:
            return copy.deepcopy(schema["const"])
        if isinstance(schema.get("enum"), list) and schema["enum"]:
            return self.pick_enum(schema["enum"], index)
        for union in ("anyOf", "oneOf"):
            branches = schema.get(union)
            if isinstance(branches, list) and branches:
                base = {k: v for k, v in schema.items() if k != union}
                return self.value(_merge(base, self.branch(branches, depth)), key, depth, index)
        kind = _type_of(schema)
        if kind == "null":
            return None
        if kind == "object":
            return self.obj(schema, key, depth)
        if kind == "array":
            return self.array(schema, key, depth)
        if kind in ("integer", "number"):
            return self.number(schema, key, index, integer=kind == "integer")
        if kind == "boolean":
            default = schema.get("default")
            return default if isinstance(default, bool) else True
        return self.string(schema, key, index)

    def branch(self, branches: list[Any], depth: int) -> Any:
        resolved = [self.resolve(b) for b in branches]
        nulls = [b for b in resolved if isinstance(b, dict) and b.get("type") == "null"]
        real = [b for b in resolved if b not in nulls]
        if depth >= _MAX_DEPTH and nulls:
            return nulls[0]
        return real[0] if real else resolved[0]

    def pick_enum(self, options: list[Any], index: int) -> Any:
        for opt in options[:64]:
            if isinstance(opt, str) and opt and self.hints.mentions(opt):
                return opt
        return copy.deepcopy(options[index % len(options)])

    # ------------------------------------------------------------ containers
    def obj(self, schema: dict[str, Any], key: str, depth: int) -> dict[str, Any]:
        raw_props = schema.get("properties")
        props: dict[str, Any] = raw_props if isinstance(raw_props, dict) else {}
        required = [r for r in schema.get("required", []) if isinstance(r, str)]
        names = list(props) if depth < _MAX_DEPTH else [r for r in required if r in props]
        limit = schema.get("maxProperties")
        if isinstance(limit, int):
            optional = [n for n in names if n not in required]
            names = [n for n in names if n in required] + optional[: max(0, limit - len(required))]
        out: dict[str, Any] = {n: self.value(props[n], n, depth + 1, 0) for n in names}
        extra = schema.get("additionalProperties", True)
        for name in required:  # required names without a property schema
            if name not in out:
                out[name] = self.value(
                    extra if isinstance(extra, dict) else True, name, depth + 1, 0
                )
        wanted = schema.get("minProperties", 1 if not props and isinstance(extra, dict) else 0)
        i = 0
        while isinstance(wanted, int) and len(out) < wanted and extra is not False:
            name = f"{key or 'key'}_{i + 1}"
            out[name] = self.value(extra if isinstance(extra, dict) else True, name, depth + 1, i)
            i += 1
        return out

    def array(self, schema: dict[str, Any], key: str, depth: int) -> list[Any]:
        raw_prefix = schema.get("prefixItems")
        prefix: list[Any] = raw_prefix if isinstance(raw_prefix, list) else []
        items = schema.get("items", {})
        low = schema.get("minItems", 0)
        high = schema.get("maxItems")
        pool = self.hints.string_for(key, 0)
        wanted = len(self.hints.proper) if pool is not None and self.hints.proper else 2
        n = max(low, len(prefix), min(wanted, 4 if depth < 2 else 1) if depth < _MAX_DEPTH else 0)
        if isinstance(high, int):
            n = min(n, high)
        if items is False:
            n = min(n, len(prefix))
        out: list[Any] = []
        for i in range(n):
            sub = prefix[i] if i < len(prefix) else (items if isinstance(items, dict) else {})
            value = self.value(sub, key, depth + 1, i)
            if schema.get("uniqueItems") and value in out:
                value = _vary(value, i)
                if value in out and i >= low:
                    break
            out.append(value)
        return out

    # ------------------------------------------------------------ scalars
    def number(self, schema: dict[str, Any], key: str, index: int, *, integer: bool) -> Any:
        lo, hi = _as_num(schema.get("minimum")), _as_num(schema.get("maximum"))
        raw_xlo, raw_xhi = schema.get("exclusiveMinimum"), schema.get("exclusiveMaximum")
        xlo, xhi = _as_num(raw_xlo), _as_num(raw_xhi)
        if raw_xlo is True:  # draft-4: a boolean turns minimum exclusive
            lo, xlo = None, lo
        if raw_xhi is True:
            hi, xhi = None, hi
        eps = 1.0 if integer else 1e-6
        floor = _bound(max, lo, None if xlo is None else xlo + eps)
        ceil = _bound(min, hi, None if xhi is None else xhi - eps)
        hint, default = self.hints.number_for(key), _as_num(schema.get("default"))
        value = hint if hint is not None else default if default is not None else 1.0 + index
        if floor is not None and value < floor:
            value = floor
        if ceil is not None and value > ceil:
            value = ceil if floor is None else max(ceil, floor)
        step = _as_num(schema.get("multipleOf"))
        if step is not None and integer and not step.is_integer():
            step = None
        if step:
            value = math.ceil(value / step) * step
            if ceil is not None and value > ceil:
                value = math.floor(ceil / step) * step
        if integer:
            up = math.ceil(value)
            return math.floor(value) if ceil is not None and up > ceil else up
        return int(value) if float(value).is_integer() else value

    def string(self, schema: dict[str, Any], key: str, index: int) -> str:
        fmt = schema.get("format")
        hint = self.hints.string_for(key, index)
        default = schema.get("default")
        if fmt == "uuid":
            digest = hashlib.sha256(f"{self.hints.prompt}|{key}|{index}".encode()).digest()
            text = str(uuid.UUID(bytes=digest[:16], version=4))
        elif isinstance(fmt, str) and fmt in _FORMATS:
            text = _FORMATS[fmt]
            if fmt == "date" and self.hints.dates:
                text = self.hints.dates[0]
            elif fmt == "email" and self.hints.emails:
                text = self.hints.emails[0]
            elif fmt in ("uri", "url", "iri") and self.hints.urls:
                text = self.hints.urls[0]
        elif hint is not None:
            text = hint
        elif isinstance(default, str):
            text = default
        else:
            text = f"example {key.replace('_', ' ')}".strip() if key else "example"
            if index:
                text = f"{text} {index + 1}"
        pattern = schema.get("pattern")
        if isinstance(pattern, str) and not _searches(pattern, text):
            text = sample_for_pattern(pattern) or text
        low, high = schema.get("minLength"), schema.get("maxLength")
        if isinstance(high, int) and len(text) > high:
            text = text[:high]
        if isinstance(low, int) and len(text) < low:
            text = text + "x" * (low - len(text))
        return text


def _num(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def _as_num(v: Any) -> float | None:
    return float(v) if _num(v) else None


def _bound(pick: Any, a: float | None, b: float | None) -> float | None:
    values = [v for v in (a, b) if v is not None]
    return float(pick(values)) if values else None


def _searches(pattern: str, text: str) -> bool:
    found = userregex.search(pattern, text)
    return True if found is None else found


def _vary(value: Any, i: int) -> Any:
    if isinstance(value, str):
        return f"{value} {i + 1}"
    if isinstance(value, bool):
        return not value
    if _num(value):
        return value + i
    return value


def _merge(a: Any, b: Any) -> Any:
    """Merge two schema dicts (``allOf``): properties and required combine, b wins otherwise."""
    if not isinstance(a, dict) or not isinstance(b, dict):
        return b if isinstance(b, dict) else a
    out = {**a, **b}
    if isinstance(a.get("properties"), dict) and isinstance(b.get("properties"), dict):
        out["properties"] = {**a["properties"], **b["properties"]}
    if isinstance(a.get("required"), list) and isinstance(b.get("required"), list):
        out["required"] = list(dict.fromkeys([*a["required"], *b["required"]]))
    return out
