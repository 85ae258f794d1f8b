"""The request guard and bounded work of the local server, over real HTTP on loopback.

Every hostile request gets a 4xx that says what is wrong, nothing is created by a refused
request, and the server keeps answering (``live_runs`` back to 0) afterwards.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer
from tests.waiting import wait_until

MODEL = "respnb-demo"


@pytest.fixture
def count(server: RunningServer) -> Any:
    """How many stored responses hold the word "planted" (refused requests must add none)."""

    def matching(word: str) -> int:
        with sqlite3.connect(server.config.db_path) as conn:
            sql = "SELECT count(*) FROM responses WHERE data LIKE ?"
            return int(conn.execute(sql, (f"%{word}%",)).fetchone()[0])

    def planted() -> int:
        # A marker goes through the same ordered write queue as anything a refused request
        # could have started: once the marker is stored, everything before it is too.
        marker = f"marker-{uuid.uuid4().hex}"
        with httpx.Client(base_url=server.base_url) as h:
            h.post("/responses", json={"model": MODEL, "input": marker, "background": True})
        wait_until(lambda: matching(marker), what="the marker response stored")
        return matching("planted")

    return planted


def _err(r: httpx.Response, status: int) -> dict[str, Any]:
    assert r.status_code == status, (r.status_code, r.text[:300])
    body: dict[str, Any] = r.json()["error"]
    assert body["message"]
    return body


def _idle(http: httpx.Client) -> None:
    wait_until(
        lambda: http.get("/health").json()["live_runs"], what="no live run", accept=lambda n: n == 0
    )


# --- exposure: Host, Origin, content types ---------------------------------------------------
@pytest.mark.parametrize("host", ["evil.example", "attacker.test:80", "127.0.0.1.nip.io"])
def test_foreign_host_header_is_refused(http: httpx.Client, host: str) -> None:
    err = _err(http.get("/files", headers={"host": host}), 403)
    assert err["code"] == "host_not_allowed" and "--allow-host" in err["message"]


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "LOCALHOST:1234", "[::1]:80"])
def test_loopback_host_names_are_served(http: httpx.Client, host: str) -> None:
    assert http.get("/health", headers={"host": host}).status_code == 200


def test_cross_origin_requests_are_refused(
    server: RunningServer, http: httpx.Client, count: Any
) -> None:
    before = count()
    body = {"model": MODEL, "input": "planted", "background": True}
    for origin in ["http://127.0.0.1:9", "http://evil.example", "null"]:
        r = http.post("/responses", json=body, headers={"origin": origin})
        assert _err(r, 403)["code"] == "cross_origin_request"
    r = http.post("/responses", json=body, headers={"sec-fetch-site": "same-site"})
    assert _err(r, 403)["code"] == "cross_origin_request"
    assert count() == before
    assert "access-control-allow-origin" not in {k.lower() for k in r.headers}
    same = http.get("/health", headers={"origin": server.origin})  # the server's own pages
    assert same.status_code == 200


@pytest.mark.parametrize(
    "ctype", ["text/plain", "application/x-www-form-urlencoded", None, "text/plain;charset=utf-8"]
)
def test_post_bodies_must_be_json_or_multipart(http: httpx.Client, count: Any, ctype: Any) -> None:
    before = count()
    headers = {"content-type": ctype} if ctype else {}
    raw = json.dumps({"model": MODEL, "input": "planted", "background": True})
    err = _err(http.post("/responses", content=raw, headers=headers), 415)
    assert err["code"] == "unsupported_media_type" and "application/json" in err["message"]
    assert count() == before


def test_bodyless_post_needs_no_content_type(http: httpx.Client) -> None:
    rid = http.post("/responses", json={"model": MODEL, "input": "x", "background": True}).json()
    r = http.post(f"/responses/{rid['id']}/cancel")
    assert r.status_code in (200, 400), r.text  # cancelled, or already finished


# --- size and shape of bodies ----------------------------------------------------------------
def test_huge_body_is_a_413(http: httpx.Client) -> None:
    big = b'{"model": "respnb-demo", "input": "' + b"a" * (17 * 1024 * 1024) + b'"}'
    err = _err(
        http.post("/responses", content=big, headers={"content-type": "application/json"}), 413
    )
    assert err["code"] == "request_too_large"
    assert http.get("/health").status_code == 200


def test_huge_chunked_body_is_a_413(http: httpx.Client) -> None:
    def chunks() -> Iterator[bytes]:
        yield b'{"model": "respnb-demo", "input": "'
        for _ in range(40):
            yield b"a" * (512 * 1024)
        yield b'"}'

    r = http.post("/responses", content=chunks(), headers={"content-type": "application/json"})
    assert _err(r, 413)["code"] == "request_too_large"


@pytest.mark.parametrize("depth", [65, 5000, 200_000])
def test_deep_json_is_a_400(http: httpx.Client, depth: int) -> None:
    raw = '{"model": "respnb-demo", "input": "x", "metadata": ' + "[" * depth + "]" * depth + "}"
    r = http.post("/responses", content=raw, headers={"content-type": "application/json"})
    assert _err(r, 400)["code"] == "json_too_deep"


def test_nesting_in_strings_does_not_count(http: httpx.Client) -> None:
    prompt = "[" * 500 + '\\"{' * 100
    r = http.post("/responses", json={"model": MODEL, "input": prompt})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999"])
def test_non_finite_numbers_are_a_400_and_nothing_is_poisoned(
    http: httpx.Client, number: str, count: Any
) -> None:
    before = count()
    raw = '{"model": "respnb-demo", "input": "planted", "background": true, "temperature": %s}'
    raw %= number
    r = http.post("/responses", content=raw, headers={"content-type": "application/json"})
    assert _err(r, 400)["code"] == "invalid_json"
    assert count() == before


def test_lone_surrogate_is_a_400_and_no_run_is_left(http: httpx.Client) -> None:
    raw = '{"model": "respnb-demo", "input": "bad \\ud800 text", "background": true}'
    r = http.post("/responses", content=raw, headers={"content-type": "application/json"})
    assert _err(r, 400)["code"] == "invalid_unicode"
    ok = '{"model": "respnb-demo", "input": "pair \\ud83d\\ude00 and \\\\ud800", "stream": false}'
    r = http.post("/responses", content=ok, headers={"content-type": "application/json"})
    assert r.status_code == 200, r.text
    _idle(http)


@pytest.mark.parametrize("raw", [b"", b"{}", b'{"input": "hi"}'])
def test_missing_model_is_a_400(http: httpx.Client, raw: bytes) -> None:
    r = http.post("/responses", content=raw, headers={"content-type": "application/json"})
    err = _err(r, 400)
    assert err["param"] == "model" and err["code"] == "missing_required_parameter"


# --- bounded engine work ---------------------------------------------------------------------
REF_CYCLES = [
    {"$ref": "#"},
    {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
    {"$defs": {"a": {"$ref": "#/$defs/b"}, "b": {"allOf": [{"$ref": "#/$defs/a"}]}}},
    {"type": "object", "anyOf": [{"$ref": "#"}]},
]


@pytest.mark.parametrize("schema", REF_CYCLES)
def test_ref_cycles_are_a_400(http: httpx.Client, schema: dict[str, Any]) -> None:
    fmt = {"type": "json_schema", "name": "loop", "schema": schema}
    r = http.post("/responses", json={"model": MODEL, "input": "x", "text": {"format": fmt}})
    err = _err(r, 400)
    assert err["param"] == "text.format.schema" and "cycle" in err["message"]
    tool = {"type": "function", "name": "f", "parameters": schema}
    r = http.post("/responses", json={"model": MODEL, "input": "x", "tools": [tool]})
    assert _err(r, 400)["param"] == "tools[0].parameters"


def test_recursion_through_properties_is_answered(client: OpenAI) -> None:
    tree = {
        "type": "object",
        "properties": {
            "name": {"type": "string"},
            "kids": {"type": "array", "items": {"$ref": "#"}},
        },
        "required": ["name", "kids"],
    }
    wide = {"type": "array", "minItems": 2, "maxItems": 2, "items": {"$ref": "#"}}
    for schema in (tree, wide):
        fmt = {"type": "json_schema", "name": "tree", "schema": schema}
        resp = client.responses.create(model=MODEL, input="a tree", text={"format": fmt})
        assert resp.status == "completed"
        json.loads(resp.output_text)


def test_oversized_schemas_are_a_400(http: httpx.Client) -> None:
    for schema, word in [
        ({"type": "array", "minItems": 10**9, "items": {"type": "string"}}, "minItems"),
        ({"type": "string", "minLength": 10**9}, "minLength"),
        ({"type": "string", "pattern": "a" * 5000}, "pattern"),
        ({"type": "object", "properties": {f"p{i}": {} for i in range(6000)}}, "more than"),
    ]:
        fmt = {"type": "json_schema", "name": "big", "schema": schema}
        r = http.post("/responses", json={"model": MODEL, "input": "x", "text": {"format": fmt}})
        assert word in _err(r, 400)["message"]


def test_catastrophic_patterns_and_long_tokens_are_answered(client: OpenAI) -> None:
    schema = {
        "type": "object",
        "properties": {"query": {"type": "string", "pattern": "^(a|aa)+$"}},
        "required": ["query"],
    }
    fmt = {"type": "json_schema", "name": "redos", "schema": schema}
    resp = client.responses.create(model=MODEL, input="a" * 60 + "!", text={"format": fmt})
    assert resp.status == "completed"
    token = "x" * 300_000 + "@" + "a." * 100_000
    # ~219k tokens: over respnb-demo's 128k window, within gpt-4.1's
    resp = client.responses.create(model="gpt-4.1", input=token, max_output_tokens=64)
    assert resp.status in ("completed", "incomplete")
