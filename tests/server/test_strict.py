"""Strict validation: the official SDK's request types say what is accepted, a corpus of
invalid requests says what is refused (400, OpenAI's envelope, the right ``param``)."""

from __future__ import annotations

import typing
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import OpenAI
from openai.types.responses import (
    response_create_params,
    response_input_content_param,
    response_input_item_param,
    tool_param,
)
from openai.types.responses.response_includable import ResponseIncludable

from respnb.server.launch import RunningServer
from respnb.server.strict import CREATE_PARAMS, INCLUDABLE, ITEM_TYPES, PART_TYPES, TOOL_FIELDS

from .conftest import start

SDK_PARAMS = set(typing.get_type_hints(response_create_params.ResponseCreateParamsBase))


def _sdk_tools() -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for cls in typing.get_args(tool_param.ToolParam):
        hints = typing.get_type_hints(cls)
        for literal in typing.get_args(hints["type"]):
            out[literal] = set(hints)
    return out


SDK_TOOLS = _sdk_tools()


def _strings(hint: Any) -> set[str]:
    """The string literals inside a type hint (through Optional and nested Literals)."""
    out: set[str] = set()
    for arg in typing.get_args(hint):
        out |= {arg} if isinstance(arg, str) else _strings(arg)
    return out


def _literals(key: str) -> tuple[Any, ...]:
    hint = typing.get_type_hints(response_create_params.ResponseCreateParamsBase)[key]
    for arg in typing.get_args(hint):
        if typing.get_origin(arg) is typing.Literal:
            return typing.get_args(arg)
    return ()


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, RunningServer]]:
    root = tmp_path_factory.mktemp("strict")
    with (
        start(root / "o", dialect="openai") as o,
        start(root / "m", dialect="manus") as m,
        start(root / "n", dialect="maniac") as n,
        start(root / "l", dialect="openai", lenient=True) as lenient,
    ):
        yield {"openai": o, "manus": m, "maniac": n, "lenient": lenient}


def _post(srv: RunningServer, body: dict[str, Any], path: str = "/responses") -> httpx.Response:
    return httpx.post(srv.base_url + path, json=body, timeout=30)


def _refused(r: httpx.Response, param: str | None, code: str | None = None) -> None:
    assert r.status_code == 400, r.text
    err = r.json()["error"]
    assert set(err) == {"message", "type", "param", "code"}
    assert err["type"] == "invalid_request_error" and err["param"] == param, err
    if code is not None:
        assert err["code"] == code, err
    assert err["message"]


# ----------------------------------------------------------------- the SDK's types
def test_tables_mirror_the_sdk_request_types() -> None:
    assert SDK_PARAMS | {"stream"} == set(CREATE_PARAMS)
    assert {k: set(v) for k, v in TOOL_FIELDS.items()} == SDK_TOOLS
    assert set(typing.get_args(ResponseIncludable)) == set(INCLUDABLE)
    items: set[str] = set()
    for cls in typing.get_args(response_input_item_param.ResponseInputItemParam):
        items |= _strings(typing.get_type_hints(cls)["type"])
    assert items == set(ITEM_TYPES)
    parts = {
        typing.get_args(typing.get_type_hints(cls)["type"])[0]
        for cls in typing.get_args(response_input_content_param.ResponseInputContentParam)
    }
    assert parts | {"output_text", "refusal"} == set(PART_TYPES)


_SAMPLES: dict[str, Any] = {
    "background": False,
    "include": sorted(INCLUDABLE),
    "instructions": "Answer briefly.",
    "max_output_tokens": 64,
    "max_tool_calls": 3,
    "metadata": {"k": "v"},
    "parallel_tool_calls": True,
    "prompt_cache_key": "key-1",
    "reasoning": {"effort": "low"},
    "safety_identifier": "user-hash",
    "store": True,
    "stream": False,
    "temperature": 0.5,
    "text": {"format": {"type": "text"}, "verbosity": "low"},
    "tool_choice": "auto",
    "top_logprobs": 2,
    "top_p": 0.9,
    "user": "someone",
}


@pytest.mark.parametrize("key", sorted(SDK_PARAMS - {"model", "input"}))
def test_every_sdk_parameter_is_accepted(servers: dict[str, RunningServer], key: str) -> None:
    values = (_SAMPLES[key],) if key in _SAMPLES else _literals(key) or (None,)
    for value in values:
        r = _post(servers["openai"], {"model": "respnb-demo", "input": "Hi", key: value})
        assert r.status_code == 200, (key, value, r.text)


@pytest.mark.parametrize("kind", sorted(SDK_TOOLS))
def test_every_sdk_tool_type_is_accepted_and_unknown_keys_refused(
    servers: dict[str, RunningServer], kind: str
) -> None:
    tool: dict[str, Any] = {"type": kind}
    if kind in ("function", "custom", "namespace"):
        tool["name"] = "lookup"
    if kind == "file_search":
        tool["vector_store_ids"] = []
    if kind == "mcp":
        tool["server_label"] = "docs"
    if kind == "namespace":
        tool["tools"] = []
    body = {"model": "respnb-demo", "input": "Hi", "tools": [tool], "tool_choice": "none"}
    r = _post(servers["openai"], body)
    assert r.status_code == 200, r.text
    r = _post(servers["openai"], {**body, "tools": [{**tool, "bogus_field": 1}]})
    _refused(r, "tools[0].bogus_field", "unknown_parameter")


def test_sdk_client_sends_everything_and_the_server_accepts(server: RunningServer) -> None:
    with OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as client:
        resp = client.responses.create(
            model="gpt-5",
            input="Name one colour.",
            instructions="Be brief.",
            include=["message.output_text.logprobs", "reasoning.encrypted_content"],
            reasoning={"effort": "low", "summary": "concise"},
            service_tier="auto",
            top_logprobs=1,
            truncation="auto",
            metadata={"case": "sdk"},
            prompt_cache_key="k",
            safety_identifier="s",
        )
    assert resp.status == "completed" and resp.output_text


# ----------------------------------------------------------------- the invalid corpus
CORPUS: list[tuple[str, dict[str, Any], str | None, str]] = [
    ("openai", {"bogus_param": 1}, "bogus_param", "unknown_parameter"),
    ("openai", {"reasoning_effort": "high"}, "reasoning_effort", "unknown_parameter"),
    ("openai", {"tools": [{"type": "bogus_tool"}]}, "tools[0].type", "invalid_value"),
    ("openai", {"tools": [{"type": "computer_use"}]}, "tools[0].type", "invalid_value"),
    ("openai", {"service_tier": "turbo"}, "service_tier", "invalid_value"),
    ("openai", {"include": ["everything"]}, "include[0]", "invalid_value"),
    ("openai", {"task_id": "t1"}, "task_id", "unknown_parameter"),
    ("openai", {"model": "gpt-4o", "reasoning": {"effort": "high"}}, "reasoning.effort", None),
    ("manus", {"agent_profile": "turbo"}, "agent_profile", "invalid_value"),
    ("manus", {"task_mode": "autopilot"}, "task_mode", "invalid_value"),
    ("manus", {"bogus_param": True}, "bogus_param", "unknown_parameter"),
    ("manus", {"tags": ["x"]}, "tags", "unknown_parameter"),
    ("maniac", {"tools": [{"type": "bogus_tool"}]}, "tools[0].type", "invalid_value"),
    ("openai", {"input": [{"type": "bogus_item"}]}, "input[0].type", "invalid_value"),
    (
        "openai",
        {"input": [{"role": "user", "content": [{"type": "text", "text": "hi"}]}]},
        "input[0].content[0].type",
        "invalid_value",
    ),
]
_IMAGES = [
    "not a url",
    "ftp://example.com/a.png",
    "data:text/plain;base64,aGVsbG8=",
    "data:image/png;base64,@@@",
]


@pytest.mark.parametrize(("dialect", "extra", "param", "code"), CORPUS)
def test_invalid_requests_are_refused(
    servers: dict[str, RunningServer],
    dialect: str,
    extra: dict[str, Any],
    param: str,
    code: str | None,
) -> None:
    body = {"model": "respnb-demo", "input": "Hello", **extra}
    _refused(_post(servers[dialect], body), param, code)


@pytest.mark.parametrize("url", _IMAGES)
def test_invalid_image_urls_are_refused(servers: dict[str, RunningServer], url: str) -> None:
    parts = [
        {"type": "input_text", "text": "What is this?"},
        {"type": "input_image", "image_url": url},
    ]
    body = {"model": "respnb-demo", "input": [{"role": "user", "content": parts}]}
    _refused(_post(servers["openai"], body), "input[0].content[1].image_url")
    assert _post(servers["lenient"], body).status_code == 200


def test_valid_image_urls_pass(servers: dict[str, RunningServer]) -> None:
    for url in ("https://example.com/cat.jpg", "data:image/png;base64,iVBORw0KGgo="):
        parts = [{"type": "input_image", "image_url": url}]
        body = {"model": "respnb-demo", "input": [{"role": "user", "content": parts}]}
        assert _post(servers["openai"], body).status_code == 200


def test_maniac_accepts_extra_properties_as_documented(servers: dict[str, RunningServer]) -> None:
    # Maniac's reference body lists free-form "property1"/"property2": extra keys pass there.
    body = {"model": "openai/gpt-4o-mini", "input": "Hi", "property1": None, "tags": ["a"]}
    assert _post(servers["maniac"], body).status_code == 200


def test_lenient_accepts_what_strict_refuses(servers: dict[str, RunningServer]) -> None:
    for _, extra, _, _ in CORPUS[:6]:
        body = {"model": "respnb-demo", "input": "Hello", **extra}
        if extra.get("tools"):
            continue  # unknown tool types still cannot be run
        assert _post(servers["lenient"], body).status_code == 200, extra


def _file_part(fid: str) -> dict[str, Any]:
    parts = [{"type": "input_text", "text": "Summarize"}, {"type": "input_file", "file_id": fid}]
    return {"model": "respnb-demo", "input": [{"role": "user", "content": parts}]}


def test_unknown_and_deleted_file_ids_are_refused(servers: dict[str, RunningServer]) -> None:
    srv = servers["openai"]
    _refused(_post(srv, _file_part("file-nope")), "input[0].content[1].file_id", "file_not_found")
    up = httpx.post(
        srv.base_url + "/files",
        files={"file": ("a.txt", b"alpha beta")},
        data={"purpose": "user_data"},
    ).json()
    assert _post(srv, _file_part(up["id"])).status_code == 200
    httpx.delete(f"{srv.base_url}/files/{up['id']}")
    _refused(_post(srv, _file_part(up["id"])), "input[0].content[1].file_id", "file_not_found")


def test_manus_deleted_pending_and_expired_files(
    servers: dict[str, RunningServer], tmp_path: Path
) -> None:
    srv = servers["manus"]
    headers = {"API_KEY": "x"}

    def new_file(upload: bool) -> str:
        rec = httpx.post(srv.base_url + "/files", json={"filename": "n.md"}, headers=headers)
        if upload:
            httpx.put(rec.json()["upload_url"], content=b"# notes\n\nkeep the receipts")
        return str(rec.json()["id"])

    pending = new_file(upload=False)
    _refused(_post(srv, _file_part(pending)), "input[0].content[1].file_id", "file_not_uploaded")
    deleted = new_file(upload=True)
    httpx.delete(f"{srv.base_url}/files/{deleted}", headers=headers)
    r = _post(srv, _file_part(deleted))
    _refused(r, "input[0].content[1].file_id", "file_deleted")
    assert "was deleted" in r.json()["error"]["message"]
    expired = new_file(upload=True)
    assert _post(srv, _file_part(expired)).status_code == 200
    # 48 hours later (the store's record moved back in time): expired, reads as deleted
    import json
    import sqlite3

    con = sqlite3.connect(srv.config.db_path)
    with con:
        (data,) = con.execute("SELECT data FROM files WHERE id = ?", (expired,)).fetchone()
        rec = json.loads(data)
        rec["created_at"] -= 49 * 3600
        rec["expires_at"] -= 49 * 3600
        con.execute("UPDATE files SET data = ? WHERE id = ?", (json.dumps(rec), expired))
    con.close()
    got = httpx.get(f"{srv.base_url}/files/{expired}", headers=headers).json()
    assert got["status"] == "deleted"
    r = _post(srv, _file_part(expired))
    _refused(r, "input[0].content[1].file_id", "file_deleted")
    assert "48 hours" in r.json()["error"]["message"]


@pytest.mark.parametrize(
    ("body", "param"),
    [({}, None), ({"bogus": 1}, "bogus"), ({"title": "ok", "colour": "red"}, "colour")],
)
def test_task_update_refuses_empty_and_unknown(
    servers: dict[str, RunningServer], body: dict[str, Any], param: str | None
) -> None:
    srv = servers["manus"]
    headers = {"API_KEY": "x"}
    task = httpx.post(srv.base_url + "/responses", json={"input": "Hi"}, headers=headers).json()
    r = httpx.put(f"{srv.base_url}/tasks/{task['id']}", json=body, headers=headers)
    _refused(r, param)
    ok = httpx.put(f"{srv.base_url}/tasks/{task['id']}", json={"title": "T"}, headers=headers)
    assert ok.status_code == 200 and ok.json()["metadata"]["task_title"] == "T"


def test_resource_tables_mirror_the_sdk() -> None:
    from openai.types import (
        vector_store_create_params,
        vector_store_search_params,
        vector_store_update_params,
    )
    from openai.types.conversations import (
        conversation_create_params,
        conversation_update_params,
    )
    from openai.types.vector_stores import file_create_params, file_update_params

    from respnb.server.strict import RESOURCE_PARAMS

    def keys(cls: Any) -> set[str]:
        return set(typing.get_type_hints(cls))

    assert {k: set(v) for k, v in RESOURCE_PARAMS.items()} == {
        "vector_store.create": keys(vector_store_create_params.VectorStoreCreateParams),
        "vector_store.update": keys(vector_store_update_params.VectorStoreUpdateParams),
        "vector_store.search": keys(vector_store_search_params.VectorStoreSearchParams),
        "vector_store.file.create": keys(file_create_params.FileCreateParams),
        # vector_store_id is the URL path parameter, not a body field
        "vector_store.file.update": keys(file_update_params.FileUpdateParams) - {"vector_store_id"},
        "conversation.create": keys(conversation_create_params.ConversationCreateParams),
        "conversation.update": keys(conversation_update_params.ConversationUpdateParams),
    }


def test_resource_endpoints_refuse_unknown_parameters(servers: dict[str, RunningServer]) -> None:
    base = servers["openai"].base_url
    _refused(httpx.post(base + "/vector_stores", json={"name": "a", "colour": 1}), "colour")
    vs = httpx.post(base + "/vector_stores", json={"name": "a"}).json()
    _refused(httpx.post(f"{base}/vector_stores/{vs['id']}", json={"nam": "b"}), "nam")
    _refused(
        httpx.post(f"{base}/vector_stores/{vs['id']}/search", json={"query": "x", "top_k": 3}),
        "top_k",
    )
    _refused(httpx.post(f"{base}/vector_stores/{vs['id']}/files", json={"fileid": "f"}), "fileid")
    _refused(httpx.post(base + "/conversations", json={"item": []}), "item", "unknown_parameter")
    conv = httpx.post(base + "/conversations", json={"metadata": {"a": "b"}}).json()
    r = httpx.post(f"{base}/conversations/{conv['id']}", json={"metadata": {}, "title": "x"})
    _refused(r, "title")
    lenient = servers["lenient"].base_url
    assert httpx.post(lenient + "/vector_stores", json={"name": "a", "colour": 1}).is_success
