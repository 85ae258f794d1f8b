"""Limits on a client's JSON schema, so that building an instance of it is bounded work.

:func:`bounds_problem` returns what is wrong (``None`` when the schema is fine):

* more than :data:`MAX_NODES` objects and arrays in the schema;
* a size the engine would have to build (``minItems``, ``minLength``, ``minProperties``)
  above :data:`MAX_SIZE`, or a ``pattern`` longer than :data:`MAX_PATTERN` characters;
* a ``$ref`` cycle that never nests: ``{"$ref": "#"}`` at the root, a ``$defs`` entry that
  refers to itself, or a chain of ``$ref``/``allOf``/``anyOf``/``oneOf`` that comes back
  to where it started. Recursion *through* ``properties`` or ``items`` (a tree of nodes) is
  fine: every step nests one level deeper and the builder stops at its depth limit.
"""

from __future__ import annotations

from typing import Any

from .userregex import MAX_PATTERN

__all__ = ["MAX_NODES", "MAX_PATTERN", "MAX_SIZE", "bounds_problem"]

MAX_NODES = 5000
"""Most objects and arrays one schema may contain."""
MAX_SIZE = 1000
"""Largest ``minItems`` / ``minLength`` / ``minProperties`` the engine builds."""
_IN_PLACE = ("allOf", "anyOf", "oneOf")
_SIZES = ("minItems", "minLength", "minProperties")


def _pointer(root: Any, ref: str) -> Any:
    node = root
    for raw in ref[1:].split("/"):
        if not raw:
            continue
        key = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _nodes(schema: Any, at: str) -> tuple[list[dict[str, Any]], str | None]:
    """Every dict in the schema (iteratively), or the first size problem met."""
    found: list[dict[str, Any]] = []
    stack: list[Any] = [schema]
    count = 0
    while stack:
        node = stack.pop()
        if isinstance(node, list):
            stack.extend(node)
        elif not isinstance(node, dict):
            continue
        else:
            found.append(node)
            for key in _SIZES:
                size = node.get(key)
                if isinstance(size, int) and size > MAX_SIZE:
                    return found, (
                        f"{at}: '{key}' is {size}; the local server builds at most {MAX_SIZE}."
                    )
            pattern = node.get("pattern")
            if isinstance(pattern, str) and len(pattern) > MAX_PATTERN:
                return found, (
                    f"{at}: a 'pattern' is {len(pattern)} characters long; at most "
                    f"{MAX_PATTERN} are allowed."
                )
            stack.extend(v for v in node.values() if isinstance(v, (dict, list)))
        count += 1
        if count > MAX_NODES:
            return found, f"{at}: the schema has more than {MAX_NODES} objects and arrays."
    return found, None


def _edges(root: Any, node: dict[str, Any]) -> list[tuple[dict[str, Any], str]]:
    """(schema, how) pairs this schema stands for without nesting a level deeper."""
    out: list[tuple[dict[str, Any], str]] = []
    ref = node.get("$ref")
    if isinstance(ref, str) and ref.startswith("#"):
        target = _pointer(root, ref)
        if isinstance(target, dict):
            out.append((target, f"$ref {ref!r}"))
    for key in _IN_PLACE:
        subs = node.get(key)
        if isinstance(subs, list):
            out.extend((s, key) for s in subs if isinstance(s, dict))
    return out


def bounds_problem(schema: Any, at: str) -> str | None:
    """What makes ``schema`` unbounded to build (see the module doc), or None."""
    nodes, problem = _nodes(schema, at)
    if problem is not None:
        return problem
    state: dict[int, int] = {}  # id -> 1 on the current path, 2 done
    for start in nodes:
        if id(start) in state:
            continue
        state[id(start)] = 1
        path: list[tuple[dict[str, Any], list[tuple[dict[str, Any], str]]]] = [
            (start, _edges(schema, start))
        ]
        while path:
            _node, todo = path[-1]
            if not todo:
                state[id(path.pop()[0])] = 2
                continue
            nxt, how = todo.pop()
            mark = state.get(id(nxt))
            if mark == 1:
                return (
                    f"{at}: {how} leads back to a schema it is part of without nesting "
                    "(a '$ref' cycle); a recursive schema must recurse through "
                    "'properties' or 'items'."
                )
            if mark is None:
                state[id(nxt)] = 1
                path.append((nxt, _edges(schema, nxt)))
    return None
