"""``client.webhooks.unwrap`` / ``verify`` on events a real respnb server signed and POSTed,
with openai-python's ``webhooks.unwrap`` as the oracle on the same bytes."""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import openai
import pytest

import respnb
from respnb._webhooks import WebhookVerificationError
from respnb.server.launch import serve_in_thread

from ..waiting import wait_until

SECRET = "whsec_" + base64.b64encode(b"client-webhook-secret-0123456789").decode()


class Capture:
    """A loopback endpoint that keeps the raw body and headers of every POST."""

    def __init__(self) -> None:
        self.posts: list[tuple[bytes, dict[str, str]]] = []
        capture = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length", 0)))
                capture.posts.append((body, dict(self.headers.items())))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def signed_event(tmp_path: Path) -> Iterator[tuple[str, bytes, dict[str, str]]]:
    capture = Capture()
    try:
        with serve_in_thread(
            db_path=tmp_path / "hooks.sqlite3",
            pace=5000,
            webhook_url=capture.url,
            webhook_secret=SECRET,
        ) as srv:
            with respnb.Client("compatible", base_url=srv.base_url) as client:
                created = client.responses.create(
                    model="respnb-demo", input="hello hooks", background=True
                )
            wait_until(lambda: capture.posts, what="the server's webhook POST")
            body, headers = capture.posts[0]
            yield created.id, body, headers
    finally:
        capture.close()


def test_unwrap_matches_the_openai_sdk(signed_event):
    rid, body, headers = signed_event
    client = respnb.Client("compatible", base_url="http://127.0.0.1:9/v1")
    event = client.webhooks.unwrap(body, headers, secret=SECRET)
    assert event.type == "response.completed" and event.data["id"] == rid
    oracle = openai.OpenAI(api_key="x", webhook_secret=SECRET)
    theirs = oracle.webhooks.unwrap(body.decode(), headers)
    assert (theirs.type, theirs.data.id, theirs.id) == (event.type, rid, event.id)
    assert client.webhooks.verify(body, headers, secret=SECRET)["data"]["id"] == rid
    # verifying twice is fine (no replay memory here, as the SDK)
    client.webhooks.verify_signature(body, headers, secret=SECRET)
    oracle.close()
    client.close()


async def test_tampered_or_unsigned_events_are_refused_by_both(signed_event, monkeypatch):
    _, body, headers = signed_event
    for name in ("OPENAI_WEBHOOK_SECRET", "RESPNB_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    client = respnb.AsyncClient("compatible", base_url="http://127.0.0.1:9/v1")
    tampered = body.replace(b"response.", b"responsX.")
    with pytest.raises(WebhookVerificationError, match="no matching webhook signature"):
        client.webhooks.unwrap(tampered, headers, secret=SECRET)
    oracle = openai.OpenAI(api_key="x", webhook_secret=SECRET)
    with pytest.raises(openai.InvalidWebhookSignatureError):
        oracle.webhooks.unwrap(tampered.decode(), headers)
    oracle.close()
    missing = {k: v for k, v in headers.items() if k.lower() != "webhook-signature"}
    with pytest.raises(WebhookVerificationError, match="missing webhook-id"):
        client.webhooks.verify(body, missing, secret=SECRET)
    with pytest.raises(respnb.ConfigurationError, match="OPENAI_WEBHOOK_SECRET"):
        client.webhooks.unwrap(body, headers)
    monkeypatch.setenv("OPENAI_WEBHOOK_SECRET", SECRET)
    assert client.webhooks.unwrap(body, headers).type == "response.completed"
    await client.close()
