"""Standard Webhooks verification and the loopback receiver."""

from __future__ import annotations

import base64
import json
import time

import httpx
import pytest

from respnb.tasks.webhooks import WebhookReceiver, WebhookVerificationError, WebhookVerifier, sign

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef0123456789abcdef").decode()
BODY = json.dumps(
    {
        "id": "evt_1",
        "object": "event",
        "type": "response.completed",
        "created_at": 1,
        "data": {"id": "resp_1"},
    }
).encode()


def _headers(
    msg_id: str = "msg_1", ts: int | None = None, sig: str | None = None, body: bytes = BODY
) -> dict[str, str]:
    ts = int(time.time()) if ts is None else ts
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": str(ts),
        "webhook-signature": sig or sign(SECRET, msg_id, ts, body),
    }


def test_known_vector() -> None:
    # The example of the Standard Webhooks specification.
    secret = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    body = b'{"test": 2432232314}'
    sig = sign(secret, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, body)
    assert sig == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_valid() -> None:
    v = WebhookVerifier(SECRET)
    payload = v.verify(_headers(), BODY)
    assert payload["data"]["id"] == "resp_1"


def test_bad_signature() -> None:
    v = WebhookVerifier(SECRET)
    h = _headers()
    h["webhook-signature"] = "v1," + base64.b64encode(b"x" * 32).decode()
    with pytest.raises(WebhookVerificationError, match="no matching"):
        v.verify(h, BODY)
    with pytest.raises(WebhookVerificationError, match="no matching"):
        v.verify(_headers(), BODY + b" ")  # tampered body


def test_expired_and_future() -> None:
    v = WebhookVerifier(SECRET)
    now = time.time()
    with pytest.raises(WebhookVerificationError, match="too old"):
        v.verify(_headers(ts=int(now) - 301), BODY, now=now)
    with pytest.raises(WebhookVerificationError, match="future"):
        v.verify(_headers(ts=int(now) + 301), BODY, now=now)
    assert v.verify(_headers("m2", ts=int(now) - 290), BODY, now=now)


def test_replayed() -> None:
    v = WebhookVerifier(SECRET)
    h = _headers("msg_replay")
    v.verify(h, BODY)
    with pytest.raises(WebhookVerificationError, match="already received"):
        v.verify(h, BODY)


def test_multiple_signatures_any_matches() -> None:
    v = WebhookVerifier(SECRET)
    ts = int(time.time())
    good = sign(SECRET, "msg_m", ts, BODY)
    other = sign("whsec_" + base64.b64encode(b"k" * 24).decode(), "msg_m", ts, BODY)
    sig = f"v1a,abc {other} v1,!!notbase64 {good}"
    assert v.verify(_headers("msg_m", ts, sig), BODY)["type"] == "response.completed"
    with pytest.raises(WebhookVerificationError, match="no matching"):
        v.verify(_headers("msg_n", ts, other), BODY)


def test_missing_headers_and_bad_secret() -> None:
    v = WebhookVerifier(SECRET)
    with pytest.raises(WebhookVerificationError, match="missing"):
        v.verify({"webhook-id": "x"}, BODY)
    with pytest.raises(ValueError, match="base64"):
        WebhookVerifier("whsec_not base64!")


def test_receiver_roundtrip() -> None:
    got: list[dict[str, object]] = []
    rx = WebhookReceiver(SECRET, got.append)
    with rx:
        assert rx.url is not None and rx.url.startswith("http://127.0.0.1:")
        ok = httpx.post(rx.url, content=BODY, headers=_headers("msg_rx"))
        assert ok.status_code == 204
        replay = httpx.post(rx.url, content=BODY, headers=_headers("msg_rx"))
        assert replay.status_code == 400
        assert "already" in replay.json()["error"]
        bad = httpx.post(rx.url, content=BODY, headers=_headers("msg_bad", sig="v1,AAAA"))
        assert bad.status_code == 400
    assert [p["data"] for p in got] == [{"id": "resp_1"}]
    assert (rx.accepted, rx.rejected) == (1, 2)
