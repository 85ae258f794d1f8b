"""JSON-schema instances: valid against many schemas, shaped by the prompt."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Literal, Union

import jsonschema
import pytest
from pydantic import BaseModel, Field

from respnb.server.engine import instance_for
from respnb.server.engine.hints import Hints


class Color(enum.StrEnum):
    RED = "red"
    GREEN = "green"


class Address(BaseModel):
    street: str
    city: str
    zip_code: str = Field(pattern=r"^\d{5}$")


class Person(BaseModel):
    name: str = Field(min_length=2, max_length=40)
    age: int = Field(ge=18, le=99)
    email: str = Field(json_schema_extra={"format": "email"})
    favorite: Color
    address: Address
    nicknames: list[str] = Field(min_length=1, max_length=3)
    born: dt.date
    score: float = Field(gt=0, lt=1)
    manager: Person | None = None


class Tree(BaseModel):
    label: str
    children: list[Tree]


class Shape(BaseModel):
    kind: Union[Literal["circle"], Literal["square"]]
    size: Union[int, str]
    tags: set[str] = Field(min_length=2)
    extra: dict[str, int]


RAW_SCHEMAS = [
    {"type": "string", "enum": ["a", "b"]},
    {"type": "integer", "minimum": 5, "maximum": 9, "multipleOf": 3},
    {"type": "number", "exclusiveMinimum": 0, "exclusiveMaximum": 1},
    {"type": ["string", "null"], "minLength": 12},
    {"type": "array", "items": {"type": "integer"}, "minItems": 4, "uniqueItems": True},
    {"type": "array", "prefixItems": [{"type": "string"}, {"type": "boolean"}], "items": False},
    {"type": "object", "minProperties": 2, "additionalProperties": {"type": "number"}},
    {
        "allOf": [
            {"type": "object", "properties": {"a": {"type": "string"}}, "required": ["a"]},
            {"properties": {"b": {"const": 3}}, "required": ["b"]},
        ]
    },
    {"oneOf": [{"type": "string", "format": "date-time"}, {"type": "integer"}]},
    {"type": "string", "pattern": "^[A-Z]{2}-[0-9]{3}$"},
    {"type": "string", "format": "uuid"},
    {
        "type": "object",
        "properties": {
            "u": {"type": "string", "format": "uri"},
            "flag": {"type": "boolean", "default": False},
        },
        "required": ["u", "flag"],
        "additionalProperties": False,
    },
    {
        "$defs": {"n": {"type": "integer", "minimum": 100}},
        "type": "object",
        "properties": {"x": {"$ref": "#/$defs/n"}},
        "required": ["x"],
    },
    {},
    True,
]


@pytest.mark.parametrize("schema", RAW_SCHEMAS, ids=lambda s: str(s)[:40])
def test_raw_schemas(schema):
    value = instance_for(schema, Hints.from_prompt("anything at all"))
    jsonschema.validate(value, schema)


@pytest.mark.parametrize("model", [Person, Tree, Shape])
def test_pydantic_models_validate(model):
    schema = model.model_json_schema()
    value = instance_for(schema, Hints.from_prompt("Ada from London, 36, likes green"))
    jsonschema.validate(value, schema)
    model.model_validate(value)


def test_prompt_values_are_used():
    class CalendarEvent(BaseModel):
        name: str
        date: str
        participants: list[str]

    value = instance_for(
        CalendarEvent.model_json_schema(),
        Hints.from_prompt("Alice and Bob are going to a science fair on Friday."),
    )
    assert value == {"name": "Science Fair", "date": "Friday", "participants": ["Alice", "Bob"]}


def test_location_enum_number_from_prompt():
    schema = {
        "type": "object",
        "properties": {
            "location": {"type": "string"},
            "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            "days": {"type": "integer", "minimum": 1, "maximum": 10},
            "note": {"type": "string"},
        },
        "required": ["location", "unit", "days", "note"],
        "additionalProperties": False,
    }
    hints = Hints.from_prompt("Weather in Paris, France for 3 days in fahrenheit, 'brief'")
    value = instance_for(schema, hints)
    assert value == {"location": "Paris, France", "unit": "fahrenheit", "days": 3, "note": "brief"}


def test_defaults_are_used_when_the_prompt_has_nothing():
    schema = {
        "type": "object",
        "properties": {
            "mode": {"type": "string", "default": "fast"},
            "n": {"type": "integer", "default": 7},
        },
    }
    assert instance_for(schema, Hints.from_prompt("")) == {"mode": "fast", "n": 7}


def test_unsatisfiable_recursion_terminates():
    schema = {
        "$defs": {
            "a": {
                "type": "object",
                "properties": {"next": {"$ref": "#/$defs/a"}},
                "required": ["next"],
            }
        },
        "$ref": "#/$defs/a",
    }
    value = instance_for(schema)
    depth = 0
    while isinstance(value, dict):
        value, depth = value["next"], depth + 1
    assert 10 < depth < 40
