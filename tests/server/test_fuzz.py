"""Fuzzing every route of the local server with hypothesis: no request gets a 5xx.

Bodies are drawn from JSON schemas of the routes (:func:`from_schema`, the subset of JSON
Schema they use), deliberately loose so that wrong types, odd numbers and strange strings
reach the handlers; path parameters are
real ids of objects created first, or arbitrary text; query strings are arbitrary. Example
counts are bounded so the whole module stays within a couple of minutes on a busy machine.
Every route of the app must be fuzzed (a new route without a body schema fails here).

Every request must also get an answer: the client timeout is generous (no timing threshold),
so only a request the server would work on or wait on without end fails. One server serves
the whole module, with a short ``pace_limit`` so that paced runs (``respnb-slow``, a tiny
``metadata.respnb_pace``) end quickly instead of streaming thousands of tokens at 5/s. The
slowest requests are printed at teardown (shown with ``-s`` or on failure).
"""

from __future__ import annotations

import json
import string
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from respnb.server.launch import RunningServer, serve_in_thread

EXAMPLES = 12
PACE_LIMIT = 1.0  # seconds a run's pacing may last on the fuzzed server
TIMEOUT = 120.0  # a request unanswered after this long is taken as a hang
JSON_VALUE: dict[str, Any] = {}  # any JSON value
TEXT = {"type": "string", "maxLength": 60}
NUMBER = {"type": ["number", "integer", "string", "null", "boolean"]}
SCHEMA_NODE = {
    "type": "object",
    "properties": {
        "type": {"enum": ["object", "array", "string", "number", "integer", "boolean", "x"]},
        "$ref": {"enum": ["#", "#/$defs/a", "#/properties", "#/x", "nope"]},
        "pattern": {"enum": ["^(a|aa)+$", "[", "(x+x+)+y", "\\d{3}", "(?P<n>a)(?P=n)"]},
        "minItems": NUMBER,
        "minLength": NUMBER,
        "enum": {"type": "array", "maxItems": 3},
        "properties": {"type": "object", "maxProperties": 3},
        "items": {},
        "required": {"type": "array", "maxItems": 3},
    },
}
MESSAGE = {
    "type": "object",
    "properties": {
        "type": {"enum": ["message", "function_call_output", "input_text", "x"]},
        "role": {"enum": ["user", "assistant", "system", "developer", "robot"]},
        "content": {"type": ["string", "array", "null"], "maxLength": 200, "maxItems": 3},
        "call_id": TEXT,
        "output": TEXT,
    },
}
CREATE = {
    "type": "object",
    "properties": {
        "model": {"type": ["string", "null", "integer"], "maxLength": 20},
        "input": {
            "anyOf": [
                {"type": "string", "maxLength": 300},
                {"type": "array", "items": MESSAGE, "maxItems": 3},
                {},
            ]
        },
        "instructions": {"type": ["string", "null", "integer"]},
        "background": {"type": ["boolean", "string"]},
        "stream": {"type": ["boolean", "null"]},
        "store": {"type": ["boolean", "null"]},
        "temperature": NUMBER,
        "top_p": NUMBER,
        "max_output_tokens": NUMBER,
        "max_tool_calls": NUMBER,
        "top_logprobs": NUMBER,
        "metadata": {"type": ["object", "null", "array"], "maxProperties": 3},
        "previous_response_id": TEXT,
        "conversation": {"type": ["string", "object", "null"]},
        "tool_choice": {"type": ["string", "object", "null"]},
        "truncation": TEXT,
        "include": {"type": ["array", "null"], "maxItems": 3},
        "reasoning": {"type": ["object", "null"], "properties": {"effort": TEXT, "summary": TEXT}},
        "tools": {
            "type": ["array", "null"],
            "maxItems": 2,
            "items": {
                "type": "object",
                "properties": {
                    "type": {
                        "enum": ["function", "file_search", "web_search", "mcp", "custom", "x"]
                    },
                    "name": {"enum": ["lookup", "get_weather", "bad name!", ""]},
                    "parameters": SCHEMA_NODE,
                    "vector_store_ids": {"type": ["array", "string"], "maxItems": 2},
                    "server_label": TEXT,
                },
            },
        },
        "text": {
            "type": ["object", "null"],
            "properties": {
                "format": {
                    "type": ["object", "null"],
                    "properties": {
                        "type": {"enum": ["text", "json_schema", "json_object", "xml"]},
                        "name": {"enum": ["out", "f-1", "bad name!", ""]},
                        "schema": SCHEMA_NODE,
                    },
                },
                "verbosity": TEXT,
            },
        },
    },
}
HOSTILE_SCHEMAS = [
    {"$ref": "#"},
    {"type": "object", "$ref": "#"},
    {"$defs": {"a": {"$ref": "#/$defs/a"}}, "$ref": "#/$defs/a"},
    {"allOf": [{"$ref": "#"}]},
    {"type": "array", "minItems": 2, "items": {"$ref": "#"}},
    {"type": "array", "minItems": 10**8, "items": {"type": "string"}},
    {"type": "string", "minLength": 10**9},
    {"type": "object", "properties": {"query": {"type": "string", "pattern": "^(a|aa)+$"}}},
    {"type": "string", "pattern": "(a{1000}){1000}"},
]
HOSTILE_PROMPTS = [
    "a" * 50_000 + "!",
    "Aa " * 20_000,
    "a-" * 30_000,
    "x" * 20_000 + "@" + "b" * 20_000,
    "What is my " + "a " * 20_000 + "?",
]
FOCUSED = {  # valid but for one hostile part, so that the engine really runs
    "type": "object",
    "properties": {
        "model": {"enum": ["respnb-demo", "respnb-slow"]},
        "input": {"anyOf": [{"type": "string", "maxLength": 300}, {"enum": HOSTILE_PROMPTS}]},
        "metadata": {
            "type": "object",
            "properties": {"respnb_pace": {"enum": ["0", "1e-9", "0.5", "5", "1e6"]}},
        },
        "background": {"type": "boolean"},
        "text": {
            "type": "object",
            "properties": {
                "format": {
                    "type": "object",
                    "properties": {
                        "type": {"enum": ["json_schema"]},
                        "name": {"enum": ["out"]},
                        "schema": {"anyOf": [SCHEMA_NODE, {"enum": HOSTILE_SCHEMAS}]},
                    },
                    "required": ["type", "name", "schema"],
                }
            },
            "required": ["format"],
        },
        "tools": {
            "type": "array",
            "maxItems": 1,
            "items": {
                "type": "object",
                "properties": {
                    "type": {"enum": ["function"]},
                    "name": {"enum": ["lookup"]},
                    "parameters": {"anyOf": [SCHEMA_NODE, {"enum": HOSTILE_SCHEMAS}]},
                },
            },
        },
        "tool_choice": {"enum": ["required", "auto"]},
    },
    "required": ["model", "input", "text"],
}
NAMED = {"type": ["object", "null", "array"], "properties": {"name": TEXT, "metadata": {}}}
ITEMS = {
    "type": ["object", "null"],
    "properties": {"items": {"type": ["array", "null"], "items": MESSAGE, "maxItems": 3}},
}
VS_FILE = {"type": ["object", "null"], "properties": {"file_id": TEXT, "attributes": {}}}
SEARCH = {
    "type": ["object", "null"],
    "properties": {
        "query": {"type": ["string", "array", "null"], "maxLength": 100},
        "max_num_results": NUMBER,
        "filters": {},
    },
}
TASK = {"type": ["object", "null"], "properties": {"title": TEXT, "hidden": {}, "status": TEXT}}
BATCH = {
    "type": ["object", "null"],
    "properties": {
        "input_file_id": TEXT,
        "endpoint": {"enum": ["/v1/responses", "/v1/chat/completions", "/x", None]},
        "completion_window": {"enum": ["24h", "1h", "", None]},
        "metadata": {},
    },
}

BODIES: dict[tuple[str, str], dict[str, Any]] = {
    ("POST", "/v1/responses"): {"anyOf": [CREATE, FOCUSED]},
    ("POST", "/v1/responses/input_tokens"): CREATE,
    ("POST", "/v1/responses/{response_id}/cancel"): JSON_VALUE,
    ("POST", "/v1/conversations"): ITEMS,
    ("POST", "/v1/conversations/{cid}"): NAMED,
    ("POST", "/v1/conversations/{cid}/items"): ITEMS,
    ("POST", "/v1/files"): {"type": "object", "properties": {"filename": TEXT}},
    ("PUT", "/v1/tasks/{tid}"): TASK,
    ("POST", "/v1/vector_stores"): NAMED,
    ("POST", "/v1/vector_stores/{vsid}"): NAMED,
    ("POST", "/v1/vector_stores/{vsid}/search"): SEARCH,
    ("POST", "/v1/vector_stores/{vsid}/files"): VS_FILE,
    ("POST", "/v1/vector_stores/{vsid}/files/{fid}"): VS_FILE,
    ("PUT", "/upload/{token}"): JSON_VALUE,
    ("POST", "/v1/batches"): BATCH,
    ("POST", "/v1/batches/{batch_id}/cancel"): JSON_VALUE,
}
QUERY = st.dictionaries(
    st.sampled_from(["limit", "after", "order", "stream", "starting_after", "include", "purpose"]),
    st.one_of(st.text(max_size=12), st.integers(-5, 10**12).map(str)),
    max_size=3,
)
ODD_ID = st.text(alphabet=string.printable + "é\u202e", min_size=1, max_size=40)


JSON = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=8,
)
_SCALARS: dict[str, st.SearchStrategy[Any]] = {
    "null": st.none(),
    "boolean": st.booleans(),
    "integer": st.integers(-(2**63), 2**63) | st.sampled_from([0, -1, 16, 10**30]),
    "number": st.floats(allow_nan=False, allow_infinity=False) | st.sampled_from([0.5, -0.0, 2.5]),
}


def from_schema(schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values of ``schema``: ``type`` (or a list), ``enum``, ``anyOf``, ``properties`` (each
    optional, plus a stray key sometimes), ``items``, ``maxItems``, ``maxLength``,
    ``maxProperties``, ``required``; ``{}`` is any JSON value."""
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    if "anyOf" in schema:
        return st.one_of([from_schema(s) for s in schema["anyOf"]])
    kinds = schema.get("type")
    if kinds is None:
        return JSON
    options = []
    for kind in kinds if isinstance(kinds, list) else [kinds]:
        if kind in _SCALARS:
            options.append(_SCALARS[kind])
        elif kind == "string":
            options.append(st.text(max_size=schema.get("maxLength", 40)))
        elif kind == "array":
            items = from_schema(schema.get("items", {}))
            options.append(st.lists(items, max_size=schema.get("maxItems", 3)))
        elif kind == "object":
            props = {k: from_schema(v) for k, v in schema.get("properties", {}).items()}
            need = {k: props.pop(k) for k in schema.get("required", [])}
            extra = st.dictionaries(st.text(max_size=8), JSON, max_size=1)
            fixed = st.fixed_dictionaries(need, optional=props) if props or need else extra
            options.append(st.tuples(fixed, extra).map(lambda pair: {**pair[1], **pair[0]}))
    return st.one_of(options)


def _routes() -> list[tuple[str, str]]:
    from pathlib import Path

    from respnb.server.app import ServerConfig, create_app

    app: Any = create_app(ServerConfig(db_path=Path("unused.sqlite3")))
    while not hasattr(app, "routes"):
        app = app.app
    return sorted((m, r.path) for r in app.routes for m in r.methods if m != "HEAD")


ROUTES = _routes()


DURATIONS: list[tuple[float, str, str, Any]] = []  # (seconds, method, url, body)


@pytest.fixture(scope="module")
def fuzz_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RunningServer]:
    db = tmp_path_factory.mktemp("fuzz") / "server.sqlite3"
    with serve_in_thread(db_path=db, pace_limit=PACE_LIMIT) as srv:
        yield srv
    slowest = sorted(DURATIONS, key=lambda d: d[0], reverse=True)[:5]
    print(f"{len(DURATIONS)} fuzzed requests; slowest:")
    for seconds, method, url, body in slowest:
        print(f"  {seconds:6.2f}s {method} {url[:80]} {str(body)[:200]}")


@pytest.fixture(scope="module")
def ids(fuzz_server: RunningServer) -> dict[str, str]:
    """Real ids for every kind of path parameter."""
    with httpx.Client(base_url=fuzz_server.base_url, timeout=TIMEOUT) as h:
        resp = h.post("/responses", json={"model": "respnb-demo", "input": "hello"}).json()
        conv = h.post("/conversations", json={"items": [{"role": "user", "content": "hi"}]}).json()
        item = h.get(f"/conversations/{conv['id']}/items").json()["data"][0]
        file = h.post(
            "/files", files={"file": ("a.txt", b"alpha beta")}, data={"purpose": "assistants"}
        ).json()
        vs = h.post("/vector_stores", json={"name": "v", "file_ids": [file["id"]]}).json()
        line = {"custom_id": "r1", "method": "POST", "url": "/v1/responses",
                "body": {"model": "respnb-demo", "input": "hi"}}  # fmt: skip
        jsonl = h.post(
            "/files",
            files={"file": ("b.jsonl", json.dumps(line).encode())},
            data={"purpose": "batch"},
        ).json()
        batch = h.post(
            "/batches",
            json={"input_file_id": jsonl["id"], "endpoint": "/v1/responses",
                  "completion_window": "24h"},
        ).json()  # fmt: skip
    return {
        "response_id": resp["id"],
        "rid": resp["id"],
        "tid": resp["id"],
        "cid": conv["id"],
        "item_id": item["id"],
        "fid": file["id"],
        "vsid": vs["id"],
        "name": "report.md",
        "token": "tok",
        "batch_id": batch["id"],
    }


def test_every_route_has_a_body_schema_or_no_body() -> None:
    for method, path in ROUTES:
        if method in ("POST", "PUT"):
            assert (method, path) in BODIES or path == "/v1/files", (method, path)


def _path(template: str, ids: dict[str, str], data: st.DataObject) -> str:
    out = template
    while "{" in out:
        name = out[out.index("{") + 1 : out.index("}")]
        value = data.draw(st.one_of(st.just(ids[name]), ODD_ID), label=name)
        out = out.replace("{" + name + "}", quote(value, safe=""), 1)
    return out


@pytest.mark.filterwarnings("ignore:Generating overly large repr")  # a hostile prompt's
@pytest.mark.parametrize(("method", "path"), ROUTES, ids=[f"{m} {p}" for m, p in ROUTES])
def test_no_route_answers_5xx(
    fuzz_server: RunningServer, ids: dict[str, str], method: str, path: str
) -> None:
    schema = BODIES.get((method, path))
    bodies = from_schema(schema) if schema is not None else st.none()

    @settings(
        max_examples=EXAMPLES * 5 if path == "/v1/responses" else EXAMPLES,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],  # shrinking a hang would take minutes
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )
    @given(data=st.data(), body=bodies, query=QUERY)
    def probe(data: st.DataObject, body: Any, query: dict[str, str]) -> None:
        url = fuzz_server.origin + _path(path, ids, data)
        kwargs: dict[str, Any] = {"params": query}
        if method == "POST" and path == "/v1/files":
            name = data.draw(ODD_ID, label="filename")
            purpose = data.draw(st.sampled_from(["assistants", "user_data", "x", ""]))
            kwargs |= {"files": {"file": (name, b"x")}, "data": {"purpose": purpose}}
        elif schema is not None:
            kwargs["json"] = body
        if isinstance(body, dict) and body.get("stream") is True:
            body["stream"] = False  # an SSE answer is checked by the status alone
        start = time.monotonic()
        with httpx.Client(timeout=TIMEOUT) as h:
            r = h.request(method, url, **kwargs)
        DURATIONS.append((time.monotonic() - start, method, url, kwargs.get("json")))
        assert r.status_code < 500, (method, url, kwargs.get("json"), r.text[:500])

    probe()


UNENDING = [  # paced without end before runs had a pace limit: 20,000 tokens at 5/s or less
    {
        "model": "respnb-slow",
        "input": "",
        "text": {"format": {"type": "json_schema", "name": "out", "schema": HOSTILE_SCHEMAS[4]}},
    },
    {"model": "respnb-demo", "input": "hello", "metadata": {"respnb_pace": "1e-9"}},
    {"model": "respnb-slow", "input": HOSTILE_PROMPTS[0]},
]


def _terminal(h: httpx.Client, rid: str) -> dict[str, Any]:
    deadline = time.monotonic() + TIMEOUT
    while True:
        resp: dict[str, Any] = h.get(f"/responses/{rid}").json()
        if resp["status"] not in ("queued", "in_progress"):
            return resp
        assert time.monotonic() < deadline, f"background run {rid} never ended: {resp['status']}"
        time.sleep(0.05)


def _post(server: RunningServer, body: dict[str, Any]) -> int:
    with httpx.Client(timeout=TIMEOUT) as h:
        return h.post(server.base_url + "/responses", json=body).status_code


def test_paced_runs_end_and_health_answers_meanwhile(fuzz_server: RunningServer) -> None:
    """Runs that would stream for hours end (foreground and background), and the server
    answers ``/health`` while they and the hostile prompts are being worked on."""
    with httpx.Client(base_url=fuzz_server.base_url, timeout=TIMEOUT) as h:
        started = [h.post("/responses", json={**b, "background": True}) for b in UNENDING]
        assert [r.status_code for r in started] == [200] * len(UNENDING), started[-1].text
        hostile = [{"model": "respnb-demo", "input": p} for p in HOSTILE_PROMPTS]
        with ThreadPoolExecutor(len(hostile)) as pool:
            answers = [pool.submit(_post, fuzz_server, b) for b in hostile]
            while not all(a.done() for a in answers):
                assert h.get("/health").status_code == 200
        assert [a.result() for a in answers] == [200] * len(hostile)
        for body in UNENDING:
            done = h.post("/responses", json=body)
            assert done.status_code == 200 and done.json()["status"] == "completed", done.text[:300]
        for r in started:
            assert _terminal(h, r.json()["id"])["status"] == "completed"
