"""Error envelopes and status codes: 400 with param, 404, 401, unknown endpoints."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import openai
import pytest
from openai import OpenAI

from .conftest import SECRET, start


def _error(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, r.text
    assert r.headers["x-request-id"].startswith("req_")
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["message"]
    return dict(err)


@pytest.mark.parametrize(
    ("body", "param"),
    [
        ({"input": "hi", "max_output_tokens": 5}, "max_output_tokens"),
        ({"input": "hi", "temperature": "hot"}, "temperature"),
        ({"input": "hi", "temperature": 3}, "temperature"),
        ({"input": "hi", "top_p": -1}, "top_p"),
        ({"input": 42}, "input"),
        ({"input": [{"role": "robot", "content": "x"}]}, "input[0].role"),
        ({"input": "hi", "stream": "yes"}, "stream"),
        ({"input": "hi", "tool_choice": "sometimes"}, "tool_choice"),
        ({"input": "hi", "truncation": "maybe"}, "truncation"),
        ({"input": "hi", "metadata": {"k": 1}}, "metadata.k"),
        ({"input": "hi", "background": True, "store": False}, "store"),
        (
            {
                "input": "hi",
                "text": {"format": {"type": "json_schema", "name": "bad name!", "schema": {}}},
            },
            "text.format.name",
        ),
        ({"input": "hi", "previous_response_id": "resp_nope"}, "previous_response_id"),
        ({"input": "hi", "task_id": "abc"}, "task_id"),
    ],
)
def test_invalid_parameters(http: httpx.Client, body: dict[str, Any], param: str) -> None:
    err = _error(http.post("/responses", json=body), 400)
    assert err["param"] == param
    assert err["type"] == "invalid_request_error"


def test_bad_json_body(http: httpx.Client) -> None:
    r = http.post("/responses", content=b"{not json", headers={"content-type": "application/json"})
    assert "JSON" in _error(r, 400)["message"]


def test_unknown_ids_are_404(http: httpx.Client) -> None:
    for path in (
        "/responses/resp_x",
        "/responses/resp_x/input_items",
        "/conversations/conv_x",
        "/files/file-x",
        "/files/file-x/content",
    ):
        assert _error(http.get(path), 404)["code"]
    _error(http.delete("/responses/resp_x"), 404)
    _error(http.get("/no/such/endpoint"), 404)


def test_query_validation(http: httpx.Client) -> None:
    rid = http.post("/responses", json={"model": "respnb-demo", "input": "hi"}).json()["id"]
    assert _error(http.get(f"/responses/{rid}/input_items?limit=101"), 400)["param"] == "limit"
    assert _error(http.get(f"/responses/{rid}/input_items?order=up"), 400)["param"] == "order"
    r = http.get(f"/responses/{rid}?stream=true&starting_after=x")
    assert _error(r, 400)["param"] == "starting_after"


def test_sdk_maps_errors(client: OpenAI) -> None:
    with pytest.raises(openai.BadRequestError) as err:
        client.responses.create(model="respnb-demo", input="hi", max_output_tokens=3)
    assert err.value.status_code == 400
    assert err.value.body["param"] == "max_output_tokens"  # type: ignore[index]
    with pytest.raises(openai.NotFoundError):
        client.responses.retrieve("resp_missing")


def test_api_key_required(tmp_path: Path) -> None:
    with start(tmp_path, api_key=SECRET) as srv:
        with httpx.Client(base_url=srv.base_url) as h:
            err = _error(h.post("/responses", json={"model": "respnb-demo", "input": "hi"}), 401)
            assert SECRET not in str(err)
            bad = h.post(
                "/responses",
                json={"model": "respnb-demo", "input": "hi"},
                headers={"authorization": "Bearer wrong"},
            )
            assert _error(bad, 401)["code"] == "invalid_api_key"
            assert h.get("/health").status_code == 200  # health is open
        bad_client = OpenAI(base_url=srv.base_url, api_key="wrong", max_retries=0)
        with pytest.raises(openai.AuthenticationError):
            bad_client.responses.create(model="respnb-demo", input="hi")
        bad_client.close()
        with OpenAI(base_url=srv.base_url, api_key=SECRET, max_retries=0) as good:
            assert good.responses.create(model="respnb-demo", input="hi").status == "completed"
        assert SECRET not in repr(srv) and SECRET not in repr(srv.config)


def test_stream_retrieve_of_plain_response_is_400(http: httpx.Client) -> None:
    rid = http.post("/responses", json={"model": "respnb-demo", "input": "hi"}).json()["id"]
    assert _error(http.get(f"/responses/{rid}?stream=true"), 400)["param"] == "stream"
