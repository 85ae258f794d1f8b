"""JSON schemas of function tools built from signatures, type hints and docstrings."""

from __future__ import annotations

import enum
from typing import Annotated, Any, Literal, Optional

import pytest
from pydantic import BaseModel, Field, ValidationError

from respnb._tools import function_tool, parse_docstring, strict_json_schema


class Color(enum.Enum):
    RED = "red"
    BLUE = "blue"


class Point(BaseModel):
    x: float
    y: float = 0.0


class Shape(BaseModel):
    name: str
    points: list[Point]
    color: Color = Color.RED


def _props(fn: Any) -> dict[str, Any]:
    return function_tool(fn).parameters["properties"]


def test_required_and_types() -> None:
    def f(a: str, b: int, c: float, d: bool) -> None:
        """Do f."""

    tool = function_tool(f)
    assert tool.name == "f"
    assert tool.description == "Do f."
    assert tool.strict is True
    p = tool.parameters
    assert p["type"] == "object"
    assert p["additionalProperties"] is False
    assert p["required"] == ["a", "b", "c", "d"]
    assert [p["properties"][k]["type"] for k in "abcd"] == [
        "string",
        "integer",
        "number",
        "boolean",
    ]
    assert tool.to_param() == {
        "type": "function",
        "name": "f",
        "description": "Do f.",
        "parameters": p,
        "strict": True,
    }


def test_defaults_become_nullable_and_required() -> None:
    def f(a: str, n: int = 3, flag: bool = False) -> tuple[str, int, bool]:
        return a, n, flag

    tool = function_tool(f)
    props = tool.parameters["properties"]
    assert tool.parameters["required"] == ["a", "n", "flag"]
    assert props["n"]["type"] == ["integer", "null"]
    assert "default" not in props["n"]
    assert tool.invoke('{"a": "x", "n": null, "flag": null}') == ("x", 3, False)
    assert tool.invoke({"a": "x", "n": 7, "flag": True}) == ("x", 7, True)
    assert tool.invoke({"a": "x"}) == ("x", 3, False)


def test_optional_without_default_stays_nullable() -> None:
    def f(a: Optional[int], b: int | None = None) -> Any:  # noqa: UP045 - on purpose
        return a, b

    props = _props(f)
    assert {"type": "null"} in props["a"]["anyOf"]
    assert function_tool(f).invoke('{"a": null, "b": null}') == (None, None)


def test_literal_and_enum() -> None:
    def f(mode: Literal["fast", "slow"], color: Color = Color.BLUE) -> Any:
        return mode, color

    tool = function_tool(f)
    props = tool.parameters["properties"]
    assert props["mode"]["enum"] == ["fast", "slow"]
    flat = str(tool.parameters)
    assert "'red'" in flat and "'blue'" in flat
    assert tool.invoke('{"mode": "slow", "color": "red"}') == ("slow", Color.RED)
    assert tool.invoke('{"mode": "slow", "color": null}') == ("slow", Color.BLUE)
    with pytest.raises(ValidationError):
        tool.invoke('{"mode": "medium", "color": null}')


def test_lists_and_dict_of_models() -> None:
    def f(tags: list[str], scores: list[float] | None = None) -> Any:
        return tags, scores

    props = _props(f)
    assert props["tags"] == {"type": "array", "items": {"type": "string"}}
    assert function_tool(f).invoke('{"tags": ["a"], "scores": [1, 2.5]}') == (["a"], [1.0, 2.5])


def test_nested_models_are_strict_everywhere() -> None:
    def draw(shape: Shape, scale: float = 1.0) -> str:
        """Draw a shape.

        Args:
            shape: The shape to draw.
            scale: Zoom factor.
        """
        return f"{shape.name}:{len(shape.points)}:{shape.color.value}:{shape.points[0].y}:{scale}"

    tool = function_tool(draw)
    assert tool.strict is True
    defs = tool.parameters["$defs"]
    for name in ("Point", "Shape"):
        assert defs[name]["additionalProperties"] is False
        assert defs[name]["required"] == list(defs[name]["properties"])
    assert defs["Point"]["properties"]["y"]["type"] == ["number", "null"]
    assert tool.parameters["properties"]["shape"]["description"] == "The shape to draw."
    args = '{"shape": {"name": "tri", "points": [{"x": 1, "y": null}], "color": null}, "scale": 2}'
    assert tool.invoke(args) == "tri:1:red:0.0:2.0"


def test_ref_with_siblings_is_inlined() -> None:
    schema = {
        "type": "object",
        "properties": {"p": {"$ref": "#/$defs/P", "description": "a point"}},
        "$defs": {"P": {"type": "object", "properties": {"x": {"type": "number"}}}},
    }
    out, ok = strict_json_schema(schema)
    assert ok
    assert out["properties"]["p"]["properties"] == {"x": {"type": "number"}}
    assert out["properties"]["p"]["description"] == "a point"
    assert out["properties"]["p"]["additionalProperties"] is False


def test_free_form_dict_is_not_strict() -> None:
    def f(data: dict[str, Any], anything: Any = None) -> Any:
        return data

    tool = function_tool(f)
    assert tool.strict is False
    assert "data" in tool.parameters["properties"]
    assert tool.parameters["required"] == ["data"]
    with pytest.raises(TypeError, match="cannot be a strict schema"):
        function_tool(f, strict=True)


def test_annotated_field_description_and_constraints() -> None:
    def f(n: Annotated[int, Field(ge=1, le=5, description="between 1 and 5")]) -> int:
        return n

    tool = function_tool(f)
    prop = tool.parameters["properties"]["n"]
    assert prop["minimum"] == 1 and prop["maximum"] == 5
    assert prop["description"] == "between 1 and 5"
    with pytest.raises(ValidationError):
        tool.invoke('{"n": 9}')


def test_unannotated_params_and_varargs_and_positional_only() -> None:
    def f(a, b=2, /, *rest, c: int = 3, **kw):  # type: ignore[no-untyped-def]
        return a, b, c

    tool = function_tool(f)
    assert set(tool.parameters["properties"]) == {"a", "b", "c"}
    assert tool.strict is False  # untyped 'a' is free-form
    assert tool.invoke('{"a": "x", "c": 9}') == ("x", 2, 9)


def test_names_that_shadow_basemodel_attributes() -> None:
    def f(json: str, schema: int, copy: bool = False, _private: str = "p") -> Any:
        return json, schema, copy, _private

    tool = function_tool(f)
    assert set(tool.parameters["properties"]) == {"json", "schema", "copy", "_private"}
    assert tool.invoke('{"json": "j", "schema": 1, "copy": true, "_private": "q"}') == (
        "j",
        1,
        True,
        "q",
    )


def test_async_functions_are_awaited() -> None:
    async def f(x: int) -> int:
        return x * 2

    assert function_tool(f).invoke('{"x": 21}') == 42


def test_bad_names_and_non_callables() -> None:
    with pytest.raises(TypeError, match="not callable"):
        function_tool(3)  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="must match"):
        function_tool(lambda: None)
    assert function_tool(lambda: 1, name="one").name == "one"


def test_invoke_rejects_non_objects_and_extra_keys() -> None:
    def f(a: int) -> int:
        return a

    tool = function_tool(f)
    with pytest.raises(ValueError, match="JSON object"):
        tool.invoke("[1, 2]")
    with pytest.raises(ValidationError):
        tool.invoke('{"a": 1, "b": 2}')


@pytest.mark.parametrize(
    ("doc", "summary", "params"),
    [
        (
            """Get weather.

            Args:
                city (str): The city,
                    e.g. Paris.
                days: How many days.

            Returns:
                str: the report
            """,
            "Get weather.",
            {"city": "The city, e.g. Paris.", "days": "How many days."},
        ),
        (
            """Sum.

            Parameters
            ----------
            x : int
                The x.
                More.
            y : str

            Returns
            -------
            int
            """,
            "Sum.",
            {"x": "The x. More.", "y": ""},
        ),
        (
            """Scale it.

            :param factor: how much
                (continued)
            :param int n: count
            :returns: nothing
            """,
            "Scale it.",
            {"factor": "how much (continued)", "n": "count"},
        ),
        ("Just a summary\nover two lines.", "Just a summary\nover two lines.", {}),
        (None, "", {}),
    ],
)
def test_parse_docstring(doc: str | None, summary: str, params: dict[str, str]) -> None:
    assert parse_docstring(doc) == (summary, params)


def test_numpy_descriptions_reach_the_schema() -> None:
    def f(x: int) -> int:
        """F.

        Parameters
        ----------
        x : int
            The x value.
        """
        return x

    assert _props(f)["x"]["description"] == "The x value."
