"""A string matching a JSON-schema ``pattern`` (a regular expression), when one is simple enough.

Walks Python's own parse tree of the expression: literals, classes, ranges, repeats, groups,
alternations, anchors and back references. Lookarounds are ignored; the result is checked
against the client's expression with a time limit (:mod:`.userregex`) and dropped if it does not
match. Samples are capped at :data:`MAX_SAMPLE` characters (``(a{1000}){1000}`` gives none).
"""

from __future__ import annotations

import importlib
import re
from typing import Any

from . import userregex

__all__ = ["MAX_SAMPLE", "sample_for_pattern"]

MAX_SAMPLE = 4096
"""Longest sample built for a pattern (characters)."""


class _TooLong(Exception):
    pass


_parser: Any = importlib.import_module("re._parser")
_C: Any = importlib.import_module("re._constants")

_CATEGORY_SAMPLES = {
    "CATEGORY_DIGIT": "7",
    "CATEGORY_NOT_DIGIT": "a",
    "CATEGORY_SPACE": " ",
    "CATEGORY_NOT_SPACE": "a",
    "CATEGORY_WORD": "a",
    "CATEGORY_NOT_WORD": "-",
}
_PROBES = "aAb0x7 _-.Z"


def _class_sample(items: list[tuple[Any, Any]]) -> str:
    negate = any(op is _C.NEGATE for op, _ in items)
    if not negate:
        for op, arg in items:
            if op is _C.LITERAL:
                return chr(arg)
            if op is _C.RANGE:
                return chr(arg[0])
            if op is _C.CATEGORY:
                return _CATEGORY_SAMPLES.get(str(arg), "a")
        return "a"
    # A negated class: the first probe character the class does not contain.
    body = "".join(_class_source(op, arg) for op, arg in items if op is not _C.NEGATE)
    for ch in _PROBES:
        if not re.fullmatch(f"[{body}]", ch):
            return ch
    return "~"


def _class_source(op: Any, arg: Any) -> str:
    if op is _C.LITERAL:
        return re.escape(chr(arg))
    if op is _C.RANGE:
        return f"{re.escape(chr(arg[0]))}-{re.escape(chr(arg[1]))}"
    return {"CATEGORY_DIGIT": r"\d", "CATEGORY_SPACE": r"\s", "CATEGORY_WORD": r"\w"}.get(
        str(arg), ""
    )


def _walk(tree: Any, groups: dict[int, str]) -> str:
    out: list[str] = []
    for op, arg in tree:
        if op is _C.LITERAL:
            out.append(chr(arg))
        elif op is _C.NOT_LITERAL:
            out.append("a" if chr(arg) != "a" else "b")
        elif op is _C.ANY:
            out.append("a")
        elif op is _C.IN:
            out.append(_class_sample(list(arg)))
        elif op in (_C.MAX_REPEAT, _C.MIN_REPEAT, getattr(_C, "POSSESSIVE_REPEAT", None)):
            low, high, sub = arg
            times = low if low > 0 else min(1, high)
            piece = _walk(sub, groups) if times else ""
            if len(piece) * times > MAX_SAMPLE:
                raise _TooLong
            out.append(piece * times)
        elif op is _C.SUBPATTERN:
            group, _add, _del, sub = arg
            text = _walk(sub, groups)
            if group is not None:
                groups[group] = text
            out.append(text)
        elif op is _C.BRANCH:
            out.append(_walk(arg[1][0], groups))
        elif op is _C.GROUPREF:
            out.append(groups.get(arg, ""))
        # AT (anchors), ASSERT, ASSERT_NOT and anything else produce no text.
        if sum(map(len, out)) > MAX_SAMPLE:
            raise _TooLong
    return "".join(out)


def sample_for_pattern(pattern: str) -> str | None:
    """A string that :func:`re.search` finds ``pattern`` in, or None if none could be built."""
    if len(pattern) > userregex.MAX_PATTERN:
        return None
    try:
        text = _walk(_parser.parse(pattern), {})
    except (re.error, RecursionError, TypeError, ValueError, IndexError, OverflowError, _TooLong):
        return None
    return text if userregex.search(pattern, text) else None
