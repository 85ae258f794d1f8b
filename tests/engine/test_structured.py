"""Structured outputs: json_schema text validates, json_object is an object, and the official
SDK's ``responses.parse`` accepts the engine's output for a pydantic model."""

from __future__ import annotations

import json
from typing import Literal

import httpx
import jsonschema
import openai
import pytest
from pydantic import BaseModel, Field

from respnb.server.engine import EngineRequest, generate, usage_for


class CalendarEvent(BaseModel):
    name: str
    date: str
    participants: list[str]


class Step(BaseModel):
    explanation: str
    output: str


class MathReasoning(BaseModel):
    steps: list[Step]
    final_answer: str
    confidence: float = Field(ge=0, le=1)
    kind: Literal["algebra", "geometry"]
    note: str | None


def _fmt(model: type[BaseModel]) -> dict:
    schema = model.model_json_schema()
    return {"type": "json_schema", "name": model.__name__, "schema": schema, "strict": False}


@pytest.mark.parametrize("model", [CalendarEvent, MathReasoning])
def test_json_schema_output_validates(run, model):
    fmt = _fmt(model)
    r = run({"input": "Solve 8x + 7 = -23 with Alice on Friday", "text": {"format": fmt}})
    assert [i["type"] for i in r.items] == ["message"]
    value = json.loads(r.text)
    jsonschema.validate(value, fmt["schema"])
    model.model_validate(value)


def test_json_object_output(run):
    r = run({"input": "List facts about Mars", "text": {"format": {"type": "json_object"}}})
    value = json.loads(r.text)
    assert isinstance(value, dict) and "mars" in value["keywords"]


def _mock_client(ids) -> openai.OpenAI:
    def handler(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        req = EngineRequest(body=body)
        events = list(generate(req, ids()))
        items = [e["item"] for e in events if e["type"] == "response.output_item.done"]
        return httpx.Response(
            200,
            json={
                "id": "resp_1",
                "object": "response",
                "created_at": 1752201687,
                "status": "completed",
                "model": body["model"],
                "output": items,
                "parallel_tool_calls": True,
                "tool_choice": "auto",
                "tools": [],
                "text": body.get("text"),
                "error": None,
                "incomplete_details": None,
                "instructions": None,
                "metadata": {},
                "temperature": 1.0,
                "top_p": 1.0,
                "usage": usage_for(req, items),
            },
        )

    http = httpx.Client(transport=httpx.MockTransport(handler))
    return openai.OpenAI(api_key="sk-test", base_url="http://engine.test/v1", http_client=http)


def test_openai_sdk_responses_parse(ids):
    client = _mock_client(ids)
    resp = client.responses.parse(
        model="respnb-demo",
        input=[
            {"role": "system", "content": "Extract the event information."},
            {"role": "user", "content": "Alice and Bob are going to a science fair on Friday."},
        ],
        text_format=CalendarEvent,
    )
    assert resp.output_parsed == CalendarEvent(
        name="Science Fair", date="Friday", participants=["Alice", "Bob"]
    )
    nested = client.responses.parse(
        model="respnb-demo", input="Solve 8x + 7 = -23", text_format=MathReasoning
    )
    assert isinstance(nested.output_parsed, MathReasoning)
    assert nested.usage is not None and nested.usage.output_tokens > 0
