"""Fidelity: annotation events, ``include``, logprobs, context windows and ``truncation``,
image token costs, reasoning only for reasoning models, Manus absolute file URLs."""

from __future__ import annotations

import base64
import struct
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from openai import BadRequestError, OpenAI

from respnb.server.engine import image_tokens
from respnb.server.launch import RunningServer

from .conftest import start
from .faq import faq_pdf


@pytest.fixture(scope="module")
def sdk(server: RunningServer) -> Iterator[OpenAI]:
    with OpenAI(base_url=server.base_url, api_key="x", max_retries=0) as c:
        yield c


def _png_url(width: int, height: int) -> str:
    header = b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR"
    header += struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0) + b"\0\0\0\0"
    return "data:image/png;base64," + base64.b64encode(header).decode()


def _vector_store(sdk: OpenAI) -> str:
    up = sdk.files.create(file=("airnz-baggage-FAQ.pdf", faq_pdf()), purpose="assistants")
    vs = sdk.vector_stores.create(name="faq", file_ids=[up.id])
    return vs.id


def test_file_search_stream_has_annotation_events_and_include(sdk: OpenAI) -> None:
    tools = [{"type": "file_search", "vector_store_ids": [_vector_store(sdk)]}]
    question = "What happens if my bag is lost or delayed?"
    events = list(sdk.responses.create(model="gpt-4o", input=question, tools=tools, stream=True))  # type: ignore[arg-type]
    added = [e for e in events if e.type == "response.output_text.annotation.added"]
    final = events[-1].response  # type: ignore[union-attr]
    assert final.output[0].results is None  # not asked for with include
    part = final.output[1].content[0]
    assert added and [a.annotation.model_dump() for a in added] == [
        a.model_dump() for a in part.annotations
    ]
    with_results = sdk.responses.create(
        model="gpt-4o", input=question, tools=tools, include=["file_search_call.results"]
    )
    results = with_results.output[0].results
    assert results and "Property Irregularity Report" in (results[0].text or "")


def test_logprobs_only_when_included(sdk: OpenAI) -> None:
    plain = sdk.responses.create(model="gpt-4o", input="Say hi", top_logprobs=2)
    assert plain.output[0].content[0].logprobs == []
    resp = sdk.responses.create(
        model="gpt-4o", input="Say hi", top_logprobs=2, include=["message.output_text.logprobs"]
    )
    part = resp.output[0].content[0]
    assert part.logprobs and "".join(lp.token for lp in part.logprobs) == part.text
    assert all(lp.logprob <= 0 and len(lp.top_logprobs) == 2 for lp in part.logprobs)
    stream = sdk.responses.create(
        model="gpt-4o",
        input="Say hi",
        top_logprobs=1,
        include=["message.output_text.logprobs"],
        stream=True,
    )
    deltas = [e for e in stream if e.type == "response.output_text.delta"]
    assert deltas and all(len(d.logprobs) == 1 for d in deltas)


def test_context_window_and_truncation(sdk: OpenAI) -> None:
    long = "word " * 9000  # over gpt-4's 8,192-token window
    with pytest.raises(BadRequestError) as info:
        sdk.responses.create(model="gpt-4", input=long)
    assert info.value.code == "context_length_exceeded" and info.value.param == "input"
    items = [
        {"role": "user", "content": long},
        {"role": "assistant", "content": "Noted."},
        {"role": "user", "content": "My name is Ada. What is my name?"},
    ]
    resp = sdk.responses.create(model="gpt-4", input=items, truncation="auto")  # type: ignore[arg-type]
    assert resp.status == "completed" and resp.truncation == "auto"
    assert resp.usage is not None and resp.usage.input_tokens < 8192
    # a big window takes it whole
    assert sdk.responses.create(model="gpt-4.1", input=long).status == "completed"


def test_image_tokens_follow_the_documented_formula(sdk: OpenAI) -> None:
    assert image_tokens(_png_url(1024, 1024)) == 765  # 768x768: 4 tiles
    assert image_tokens(_png_url(4096, 8192)) == 1105  # 1024x2048 -> 768x1536: 6 tiles
    assert image_tokens(_png_url(4096, 8192), "low") == 85

    def count(url: str) -> int:
        parts = [{"type": "input_text", "text": "hi"}, {"type": "input_image", "image_url": url}]
        r = sdk.responses.input_tokens.count(
            model="gpt-4o",
            input=[{"role": "user", "content": parts}],  # type: ignore[list-item]
        )
        return r.input_tokens

    assert count(_png_url(4096, 8192)) - count(_png_url(1, 1)) == 1105 - 255


def test_reasoning_items_only_for_reasoning_models(sdk: OpenAI, tmp_path: Path) -> None:
    resp = sdk.responses.create(model="o4-mini", input="Plan a trip", reasoning={"effort": "low"})
    assert resp.output[0].type == "reasoning"
    with pytest.raises(BadRequestError, match="reasoning"):
        sdk.responses.create(model="gpt-4o", input="Plan a trip", reasoning={"effort": "low"})
    with start(tmp_path, lenient=True) as srv:
        r = httpx.post(
            srv.base_url + "/responses",
            json={"model": "gpt-4o", "input": "Plan a trip", "reasoning": {"effort": "low"}},
        ).json()
    assert [i["type"] for i in r["output"]] == ["message"]


def test_manus_output_file_urls_are_absolute(tmp_path: Path) -> None:
    with start(tmp_path, dialect="manus") as srv:
        origin = srv.base_url.removesuffix("/v1")
        task = httpx.post(
            srv.base_url + "/responses", json={"input": "Write a report", "stream": True}
        )
        assert task.status_code == 200
        tid = httpx.get(srv.base_url + "/tasks?limit=1").json()["data"][0]["id"]
        done = httpx.get(f"{srv.base_url}/responses/{tid}").json()
        files = [
            p
            for item in done["output"]
            if item.get("role") == "assistant"
            for p in item["content"]
            if p.get("type") == "output_file"
        ]
        assert files and files[0]["fileUrl"].startswith(origin + "/v1/manus_files/")
        report = httpx.get(files[0]["fileUrl"])
        assert report.status_code == 200 and report.text.startswith("#")
