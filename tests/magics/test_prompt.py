"""``{name}`` interpolation with In/Out references and ``{{`` escapes."""

from __future__ import annotations

from typing import Any

import pytest

from respnb._prompt import PromptError, interpolate

NS: dict[str, Any] = {
    "topic": "otters",
    "n": 3.14159,
    "cfg": {"lang": "fr"},
    "items": ["a", "b"],
    "In": ["", "x = 1", "df.head()"],
    "Out": {2: "   a  b"},
    "_": 42,
    "__": "older",
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("About {topic}", "About otters"),
        ("{{literal}} and {{{topic}}}", "{literal} and {otters}"),
        ("{n:.2f}", "3.14"),
        ("{topic!r}", "'otters'"),
        ("{cfg[lang]} {items[1]} {items[-1]}", "fr b b"),
        ("{In[1]} / {In[-1]} / {Out[2]}", "x = 1 / df.head() /    a  b"),
        ("last {_}, before {__}", "last 42, before older"),
        ("{topic.upper}", "About".join([]) + str("otters".upper)),
        ("no fields at all", "no fields at all"),
        ("", ""),
    ],
)
def test_interpolate(template: str, expected: str) -> None:
    assert interpolate(template, NS) == expected


@pytest.mark.parametrize(
    ("template", "fragment"),
    [
        ("{missing}", "no variable 'missing' exists"),
        ("{", "Single '{'"),
        ("}", "Single '}'"),
        ("{}", "is not a name"),
        ("{0}", "is not a name"),
        ("{items[5]}", "IndexError"),
        ("{cfg[nope]}", "KeyError"),
        ("{topic.nope}", "AttributeError"),
        ("{topic!x}", "Unknown conversion"),
        ("{n:zz}", "not a valid template"),
        ('{"a": 1}', "write {{ and }}"),
    ],
)
def test_errors_name_the_problem(template: str, fragment: str) -> None:
    with pytest.raises(PromptError) as info:
        interpolate(template, NS)
    assert fragment in str(info.value)
    assert "{{" in str(info.value) or "cannot be resolved" in str(info.value)
