"""The tool loop against respnb's real local server (no notebook involved)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest

import respnb
from respnb._tool_loop import run_tool_loop
from respnb._tools import function_tool
from respnb.types import Response


@pytest.fixture
def client(local_server: Any) -> Iterator[respnb.Client]:
    with respnb.Client("local", base_url=local_server.base_url) as c:
        yield c


def convert_currency(amount: float, source: str, target: str = "EUR") -> dict[str, Any]:
    """Convert an amount of money between currencies.

    Args:
        amount: How much money.
        source: The currency code to convert from.
        target: The currency code to convert to.
    """
    return {"amount": round(amount * 0.5, 2), "currency": target}


@pytest.mark.parametrize("store", [True, False])
def test_loop_with_create(client: respnb.Client, store: bool) -> None:
    tool = function_tool(convert_currency)
    sent: list[dict[str, Any]] = []

    def send(params: dict[str, Any]) -> Response:
        sent.append(params)
        return client.responses.create(**params)

    params = {
        "model": "respnb-demo",
        "input": "Please convert currency: 100 USD to EUR with convert_currency",
        "tools": [tool.to_param()],
        "store": store,
    }
    result = run_tool_loop(send, params, [tool], chain=store)
    assert len(result.rounds) == 2
    outcome = result.rounds[0].outcomes[0]
    assert outcome.status == "ok", outcome.output
    target = json.loads(outcome.call.arguments).get("target") or "EUR"  # null: the default
    assert outcome.value["currency"] == target
    assert result.response.status == "completed"
    assert outcome.output in result.response.output_text
    if store:
        assert sent[1]["previous_response_id"] == result.rounds[0].response.id
    else:
        assert "previous_response_id" not in sent[1]
        assert sent[1]["input"][0]["role"] == "user"


def test_loop_with_streams(client: respnb.Client) -> None:
    tool = function_tool(convert_currency)
    seen: list[str] = []

    def send(params: dict[str, Any]) -> Response:
        with client.responses.stream(**params) as stream:
            for event in stream:
                seen.append(event.type)
            return stream.get_final_response()

    params = {
        "model": "respnb-demo",
        "input": "convert_currency 20 GBP to JPY",
        "tools": [tool.to_param()],
    }
    result = run_tool_loop(send, params, [tool])
    assert "response.function_call_arguments.delta" in seen
    assert result.response.output_text
    assert len(result.rounds) == 2
