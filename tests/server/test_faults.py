"""Fault injection: each kind, and that it stays off without --faults."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import httpx
import openai
import pytest
from openai import OpenAI

from respnb.server.launch import RunningServer

from .conftest import check_event, start

H = "x-respnb-fault"


def _fault(spec: str) -> dict[str, str]:
    return {H: spec}


def test_429_with_retry_after_then_success(server: RunningServer) -> None:
    fid = uuid.uuid4().hex
    with OpenAI(base_url=server.base_url, api_key="k", max_retries=0) as c:
        with pytest.raises(openai.RateLimitError) as err:
            c.responses.create(
                model="respnb-demo",
                input="hi",
                extra_headers=_fault(f"status=429;retry_after=0.05;times=1;id={fid}"),
            )
        assert err.value.response.headers["retry-after"] == "0.05"
        assert err.value.response.headers["retry-after-ms"] == "50"
        assert err.value.body["code"] == "injected_fault"  # type: ignore[index]
        ok = c.responses.create(
            model="respnb-demo",
            input="hi",
            extra_headers=_fault(f"status=429;retry_after=0.05;times=1;id={fid}"),
        )
        assert ok.status == "completed"


def test_sdk_retries_through_429_and_500(server: RunningServer) -> None:
    with OpenAI(base_url=server.base_url, api_key="k", max_retries=2) as c:
        resp = c.responses.create(
            model="respnb-demo",
            input="hi",
            extra_headers=_fault("status=429;retry_after=0.01;times=2"),
        )  # same Idempotency-Key across retries
        assert resp.status == "completed"
        resp = c.responses.create(
            model="respnb-demo",
            input="hi",
            extra_headers=_fault("status=500;times=1;retry_after=0.01"),
        )
        assert resp.status == "completed"
    c = OpenAI(base_url=server.base_url, api_key="k", max_retries=0)
    with pytest.raises(openai.InternalServerError):
        c.responses.create(model="respnb-demo", input="hi", extra_headers=_fault("status=500"))
    c.close()


def test_first_byte_delay(http: httpx.Client) -> None:
    t0 = time.monotonic()
    r = http.get("/health", headers=_fault("first_byte_delay=0.2"))
    assert r.status_code == 200
    assert time.monotonic() - t0 >= 0.2


@pytest.mark.parametrize("mode", ["failed", "error"])
def test_fail_mid_stream(http: httpx.Client, mode: str) -> None:
    with http.stream(
        "POST",
        "/responses",
        json={"model": "respnb-demo", "input": "hi", "stream": True},
        headers=_fault(f"fail_after=6;mode={mode};message=boom"),
    ) as r:
        events = [json.loads(x[6:]) for x in r.iter_lines() if x.startswith("data: ")]
    assert [e["sequence_number"] for e in events] == list(range(7))
    last = events[-1]
    if mode == "failed":
        assert last["type"] == "response.failed"
        assert last["response"]["error"] == {"code": "injected_fault", "message": "boom"}
        rid = last["response"]["id"]
    else:
        assert last["type"] == "error" and last["message"] == "boom"
        rid = events[0]["response"]["id"]
    for e in events:
        check_event(e)
    stored = http.get(f"/responses/{rid}").json()
    assert stored["status"] == "failed"
    assert stored["error"]["code"] == "injected_fault"


def test_background_failure_visible_to_poll(client: OpenAI) -> None:
    bg = client.responses.create(
        model="respnb-demo", input="hi", background=True, extra_headers=_fault("fail_after=3")
    )
    events = list(client.responses.retrieve(bg.id, stream=True))
    assert events[-1].type == "response.failed"
    assert client.responses.retrieve(bg.id).status == "failed"


def test_fail_after_with_a_code_only_the_first_times(client: OpenAI) -> None:
    spec = f"fail_after=3;code=server_error;times=1;id={uuid.uuid4().hex}"
    first = client.responses.create(model="respnb-demo", input="hi", extra_headers=_fault(spec))
    assert first.status == "failed"
    assert first.error is not None and first.error.code == "server_error"
    again = client.responses.create(model="respnb-demo", input="hi", extra_headers=_fault(spec))
    assert again.status == "completed" and again.output_text


def test_malformed_fault_header(http: httpx.Client) -> None:
    r = http.get("/health", headers=_fault("explode=yes"))
    assert r.status_code == 400
    assert r.json()["error"]["param"] == H


def test_faults_off_by_default(tmp_path: Path) -> None:
    with start(tmp_path) as srv, httpx.Client(base_url=srv.base_url) as h:
        r = h.post(
            "/responses", json={"model": "respnb-demo", "input": "hi"}, headers=_fault("status=500")
        )
        assert r.status_code == 200 and r.json()["status"] == "completed"
