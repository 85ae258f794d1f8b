"""Error mapping and the retry policy, through MockTransport."""

from __future__ import annotations

import email.utils
import time

import httpx
import pytest

import respnb
from respnb._exceptions import make_status_error
from respnb._retry import RetryPolicy, parse_retry_after

from .support import SECRET, response_json


def _err(status: int, message: str = "nope", **headers: str) -> httpx.Response:
    body = {
        "error": {
            "message": message,
            "type": "invalid_request_error",
            "param": "model",
            "code": "bad_model",
        }
    }
    return httpx.Response(status, json=body, headers={"x-request-id": "req_42", **headers})


@pytest.mark.parametrize(
    ("status", "cls"),
    [
        (400, respnb.BadRequestError),
        (401, respnb.AuthenticationError),
        (403, respnb.PermissionDeniedError),
        (404, respnb.NotFoundError),
        (409, respnb.ConflictError),
        (422, respnb.UnprocessableEntityError),
        (429, respnb.RateLimitError),
        (500, respnb.InternalServerError),
        (503, respnb.InternalServerError),
        (418, respnb.APIStatusError),
    ],
)
async def test_status_maps_to_typed_error(make_client, recorder, status, cls):
    client = make_client(max_retries=0)
    recorder.queue.append(_err(status, "the model does not exist"))
    with pytest.raises(cls) as info:
        await client.responses.retrieve("resp_x")
    err = info.value
    assert isinstance(err, respnb.APIStatusError)
    assert isinstance(err, respnb.APIError)
    assert isinstance(err, respnb.RespnbError)
    assert err.status_code == status
    assert err.message == "the model does not exist"
    assert err.code == "bad_model"
    assert err.param == "model"
    assert err.type == "invalid_request_error"
    assert err.request_id == "req_42"
    assert "req_42" in str(err) and "the model does not exist" in str(err)


def test_error_bodies_of_other_shapes():
    req = httpx.Request("GET", "https://x/v1/a")
    flat = make_status_error(httpx.Response(400, json={"detail": "bad thing"}, request=req))
    assert flat.message == "bad thing"
    text = make_status_error(httpx.Response(502, text="Bad Gateway!", request=req))
    assert isinstance(text, respnb.InternalServerError)
    assert text.message == "Bad Gateway!"
    vllm = make_status_error(
        httpx.Response(404, json={"error": {"message": "nf", "code": 404}}, request=req)
    )
    assert vllm.code == 404


def test_error_redacts_secret():
    req = httpx.Request("GET", "https://x/v1/a")
    resp = httpx.Response(401, json={"error": {"message": f"Incorrect key {SECRET}"}}, request=req)
    err = make_status_error(resp, redact=(SECRET,))
    assert SECRET not in str(err) and SECRET not in repr(err.body)
    assert "***" in err.message


async def test_retries_then_succeeds_with_same_idempotency_key(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [_err(500), _err(429), httpx.Response(200, json=response_json())]
    r = await client.responses.create(model="m", input="hi", background=True)
    assert r.id == "resp_1"
    assert len(recorder.requests) == 3
    keys = {req.headers["idempotency-key"] for req in recorder.requests}
    assert len(keys) == 1 and next(iter(keys)).startswith("respnb-")
    assert [req.headers.get("x-respnb-retry-count") for req in recorder.requests] == [
        None,
        "1",
        "2",
    ]
    assert len(fake_sleep.delays) == 2
    # jittered exponential backoff: 0.5*2^n * [0.75, 1]
    assert 0.375 <= fake_sleep.delays[0] <= 0.5
    assert 0.75 <= fake_sleep.delays[1] <= 1.0


async def test_two_calls_get_different_idempotency_keys(make_client, recorder):
    client = make_client()
    recorder.queue += [httpx.Response(200, json=response_json())] * 2
    await client.responses.create(model="m", input="a")
    await client.responses.create(model="m", input="b")
    k1, k2 = (r.headers["idempotency-key"] for r in recorder.requests)
    assert k1 != k2


async def test_get_has_no_idempotency_key(make_client, recorder):
    client = make_client()
    recorder.queue.append(httpx.Response(200, json=response_json()))
    await client.responses.retrieve("resp_1")
    assert "idempotency-key" not in recorder.last.headers


async def test_retry_count_is_bounded(make_client, recorder, fake_sleep):
    client = make_client(max_retries=3)
    recorder.queue += [_err(503)] * 10
    with pytest.raises(respnb.InternalServerError):
        await client.responses.retrieve("resp_1")
    assert len(recorder.requests) == 4
    assert len(fake_sleep.delays) == 3


async def test_non_retryable_status_is_not_retried(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [_err(400), httpx.Response(200, json=response_json())]
    with pytest.raises(respnb.BadRequestError):
        await client.responses.retrieve("resp_1")
    assert len(recorder.requests) == 1 and fake_sleep.delays == []


async def test_retry_after_seconds_and_ms_are_honoured(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [
        _err(429, **{"retry-after": "3"}),
        _err(429, **{"retry-after-ms": "1500", "retry-after": "9"}),
        httpx.Response(200, json=response_json()),
    ]
    await client.responses.retrieve("resp_1")
    assert fake_sleep.delays == [3.0, 1.5]


async def test_huge_retry_after_falls_back_to_backoff(make_client, recorder, fake_sleep):
    client = make_client(max_retries=1)
    recorder.queue += [
        _err(429, **{"retry-after": "3600"}),
        httpx.Response(200, json={"id": "resp_1"}),
    ]
    await client.responses.retrieve("resp_1")
    assert fake_sleep.delays[0] <= 0.5


def test_retry_after_http_date():
    now = time.time()
    date = email.utils.formatdate(now + 10, usegmt=True)
    got = parse_retry_after(httpx.Headers({"retry-after": date}), now=now)
    assert got is not None and 9 <= got <= 11
    assert parse_retry_after(httpx.Headers({"retry-after": "soon"})) is None


async def test_x_should_retry_overrides(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [
        _err(400, **{"x-should-retry": "true"}),
        httpx.Response(200, json={"id": "resp_1"}),
    ]
    await client.responses.retrieve("resp_1")
    assert len(recorder.requests) == 2
    recorder.queue += [_err(500, **{"x-should-retry": "false"})]
    with pytest.raises(respnb.InternalServerError):
        await client.responses.retrieve("resp_1")
    assert len(recorder.requests) == 3


async def test_connection_errors_and_timeouts_retry_then_raise(make_client, recorder, fake_sleep):
    client = make_client()
    recorder.queue += [
        httpx.ConnectError("refused"),
        httpx.ReadTimeout("slow"),
        httpx.Response(200, json=response_json()),
    ]
    assert (await client.responses.retrieve("resp_1")).id == "resp_1"
    recorder.queue += [httpx.ReadTimeout("slow")] * 3
    with pytest.raises(respnb.APITimeoutError):
        await client.responses.retrieve("resp_1")
    recorder.queue += [httpx.ConnectError("refused")] * 3
    with pytest.raises(respnb.APIConnectionError) as info:
        await client.responses.retrieve("resp_1")
    assert not isinstance(info.value, respnb.APITimeoutError)


def test_backoff_is_capped():
    policy = RetryPolicy(max_retries=10, jitter=0.0)
    assert [policy.delay(n) for n in range(6)] == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0]
