"""Prompt templates: ``{name}`` interpolation from a namespace, as jupyter-ai's magics offer it.

* ``{name}`` is replaced by ``str(namespace["name"])``; attribute and index lookups work as in
  :meth:`str.format` (``{df.shape}``, ``{cfg[key]}``), and so do format specs (``{x:.2f}``).
* In/Out references of IPython: ``{In[3]}`` (the source of input 3), ``{Out[2]}`` (the value
  of output 2), ``{_}`` / ``{__}`` (the last outputs), ``{In[-1]}`` (negative indices work).
* ``{{`` and ``}}`` give literal braces.

An unknown name raises :class:`PromptError` naming it (and reminding of the ``{{`` escape);
so does a malformed template.
"""

from __future__ import annotations

import re
import string
from collections.abc import Mapping
from typing import Any

__all__ = ["interpolate_option", "PromptError", "interpolate"]


class PromptError(ValueError):
    """A prompt template could not be filled in; the message says what to fix."""


_ESCAPE_HINT = "write {{ and }} for literal braces"


class _NamespaceFormatter(string.Formatter):
    """A formatter resolving fields from a mapping, with negative indices and clear errors."""

    def __init__(self, namespace: Mapping[str, Any]) -> None:
        self._ns = namespace

    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int) or not key:
            raise PromptError(
                f"prompt field {{{key}}} is not a name: use {{variable}} to insert a variable, "
                f"or {_ESCAPE_HINT}."
            )
        if key not in self._ns:
            raise PromptError(
                f"prompt refers to {{{key}}} but no variable {key!r} exists in the notebook: "
                f"define it first, or {_ESCAPE_HINT}."
            )
        return self._ns[key]

    def get_field(self, field_name: str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        first, rest = _split_field(field_name)
        obj = self.get_value(first, args, kwargs)
        for is_attr, key in rest:
            try:
                obj = getattr(obj, str(key)) if is_attr else _index(obj, key)
            except (AttributeError, LookupError, TypeError) as exc:
                raise PromptError(
                    f"prompt field {{{field_name}}} cannot be resolved: "
                    f"{type(exc).__name__}: {exc}."
                ) from None
        return obj, first


def _split_field(field_name: str) -> tuple[int | str, list[tuple[bool, Any]]]:
    try:
        first, rest = _formatter_field_name_split(field_name)
    except ValueError as exc:
        raise PromptError(
            f"malformed prompt field {{{field_name}}}: {exc}; {_ESCAPE_HINT}."
        ) from None
    return first if isinstance(first, int) else str(first), list(rest)


def _formatter_field_name_split(field_name: str) -> tuple[Any, Any]:
    # ``_string.formatter_field_name_split`` is what string.Formatter itself uses.
    import _string  # type: ignore[import-not-found]

    first, rest = _string.formatter_field_name_split(field_name)
    return first, rest


def _index(obj: Any, key: Any) -> Any:
    """``obj[key]``; a string key that is an integer (``-1``) is also tried as an int."""
    try:
        return obj[key]
    except (LookupError, TypeError):
        if not isinstance(key, str) or not key.lstrip("-").isdigit():
            raise
    return obj[int(key)]


def interpolate(template: str, namespace: Mapping[str, Any]) -> str:
    """Fill ``{name}`` fields of ``template`` from ``namespace`` (see the module docstring).

    >>> interpolate("Summarize {title!r} in {n} words {{briefly}}", {"title": "Dune", "n": 5})
    "Summarize 'Dune' in 5 words {briefly}"
    """
    formatter = _NamespaceFormatter(namespace)
    try:
        return formatter.vformat(template, (), {})
    except PromptError:
        raise
    except ValueError as exc:
        raise PromptError(f"the prompt is not a valid template ({exc}): {_ESCAPE_HINT}.") from None
    except (KeyError, IndexError, AttributeError, TypeError) as exc:
        raise PromptError(
            f"the prompt could not be filled in ({type(exc).__name__}: {exc}); {_ESCAPE_HINT}."
        ) from None


_FIELD = re.compile(
    r"(?<!\{)\{([A-Za-z_]\w*(?:\.[A-Za-z_]\w*|\[[^\]{}]+\])*(?:![rsa])?(?::[^{}]*)?)\}(?!\})"
)


def interpolate_option(value: str, namespace: Mapping[str, Any]) -> str:
    """Fill the ``{name}`` fields of an option value, leaving any other braces alone.

    Option values may hold JSON (``--extra meta={"a": 1}``), so only fields that start with
    a name are filled: ``--conversation {conv.id}`` works, ``{"a": 1}`` stays as it is.

    >>> interpolate_option('{vs.id}+vs_2 {"a": 1}', {"vs": type("V", (), {"id": "vs_1"})()})
    'vs_1+vs_2 {"a": 1}'
    """
    return _FIELD.sub(lambda m: interpolate("{" + m.group(1) + "}", namespace), value)
