"""Webhooks from the local server, checked by the official openai SDK's verifier (an
implementation no one here wrote) and by respnb.tasks.webhooks.WebhookVerifier."""

from __future__ import annotations

import base64
import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from openai import InvalidWebhookSignatureError, OpenAI

from respnb.__main__ import main
from respnb.server.launch import RunningServer, serve_in_thread
from respnb.tasks.webhooks import WebhookVerifier
from tests.waiting import wait_until

SECRET = "whsec_" + base64.b64encode(b"respnb-webhook-test-secret-32byt").decode()
Delivery = tuple[dict[str, str], bytes]


class Receiver:
    """A plain HTTP receiver on 127.0.0.1 recording every POST; the first ``fail`` get 500."""

    def __init__(self, fail: int = 0) -> None:
        self.deliveries: list[Delivery] = []
        self.fail = fail
        self.cond = threading.Condition()
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                with outer.cond:
                    outer.deliveries.append((dict(self.headers.items()), body))
                    failing = outer.fail > 0
                    outer.fail -= 1
                    outer.cond.notify_all()
                self.send_response(500 if failing else 204)
                self.send_header("content-length", "0")
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/hook"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def wait_for(self, count: int, timeout: float = 20.0) -> list[Delivery]:
        """The deliveries once there are at least ``count`` (bounded wait)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            while len(self.deliveries) < count and time.monotonic() < deadline:
                self.cond.wait(0.05)
            return list(self.deliveries)

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    rec = Receiver()
    yield rec
    rec.close()


def _server(tmp: Path, url: str, **kwargs: Any) -> RunningServer:
    return serve_in_thread(
        db_path=tmp / "server.sqlite3", webhook_url=url, webhook_secret=SECRET, **kwargs
    )


def _unwrap(delivery: Delivery) -> Any:
    headers, body = delivery
    with OpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1") as oai:
        return oai.webhooks.unwrap(body, headers, secret=SECRET)


def _wait_terminal(client: OpenAI, rid: str) -> str:
    return str(
        wait_until(
            lambda: client.responses.retrieve(rid).status,
            what=f"response {rid} terminal",
            accept=lambda status: status not in ("queued", "in_progress"),
        )
    )


def test_one_signed_event_per_finished_background_response(
    tmp_path: Path, receiver: Receiver
) -> None:
    with (
        _server(tmp_path, receiver.url, faults=True) as srv,
        OpenAI(base_url=srv.base_url, api_key="k", max_retries=0) as client,
    ):
        done = client.responses.create(model="respnb-demo", input="Say hi", background=True)
        failed = client.responses.create(
            model="respnb-demo",
            input="Say hi",
            background=True,
            extra_headers={"x-respnb-fault": "fail_after=3;mode=failed"},
        )
        cut = client.responses.create(
            model="respnb-demo",
            input="Write a long essay about the sea",
            max_output_tokens=16,
            background=True,
        )
        slow = client.responses.create(model="respnb-slow", input="A long essay", background=True)
        cancelled = client.responses.cancel(slow.id)
        assert cancelled.status == "cancelled"
        client.responses.create(model="respnb-demo", input="foreground: no webhook")
        expected = {
            done.id: "response.completed",
            failed.id: "response.failed",
            cut.id: "response.incomplete",
            slow.id: "response.cancelled",
        }
        for rid, kind in expected.items():
            assert _wait_terminal(client, rid) == kind.removeprefix("response.")
        deliveries = receiver.wait_for(len(expected))
        verifier = WebhookVerifier(SECRET)
        seen: dict[str, str] = {}
        for headers, body in deliveries:
            event = _unwrap((headers, body))  # raises unless the signature is right
            assert event.object == "event" and event.id.startswith("evt_")
            assert isinstance(event.created_at, int)
            seen[event.data.id] = event.type
            payload = verifier.verify(headers, body)
            assert payload == json.loads(body)
            assert headers["webhook-signature"].startswith("v1,")
            # the receiver can fetch the finished response by the id in the event
            assert client.responses.retrieve(event.data.id).status == event.type.split(".")[1]
        assert seen == expected
        assert len(deliveries) == len(expected)  # one each, none for the foreground one


def test_signature_fails_with_another_secret_or_a_changed_body(
    tmp_path: Path, receiver: Receiver
) -> None:
    with (
        _server(tmp_path, receiver.url) as srv,
        OpenAI(base_url=srv.base_url, api_key="k") as client,
    ):
        client.responses.create(model="respnb-demo", input="hi", background=True)
        (headers, body), *_ = receiver.wait_for(1)
    other = "whsec_" + base64.b64encode(b"another-secret-of-the-same-size!").decode()
    with OpenAI(api_key="unused", base_url="http://127.0.0.1:9/v1") as oai:
        with pytest.raises(InvalidWebhookSignatureError):
            oai.webhooks.unwrap(body, headers, secret=other)
        with pytest.raises(InvalidWebhookSignatureError):
            oai.webhooks.unwrap(body.replace(b"response.", b"respons3."), headers, secret=SECRET)
        assert oai.webhooks.unwrap(body, headers, secret=SECRET).type == "response.completed"


def test_failed_delivery_is_retried_with_the_same_id(tmp_path: Path) -> None:
    receiver = Receiver(fail=1)
    try:
        with (
            _server(tmp_path, receiver.url) as srv,
            OpenAI(base_url=srv.base_url, api_key="k") as client,
        ):
            bg = client.responses.create(model="respnb-demo", input="hi", background=True)
            first, second = receiver.wait_for(2)[:2]
    finally:
        receiver.close()
    assert first[0]["webhook-id"] == second[0]["webhook-id"]
    assert _unwrap(second).data.id == bg.id
    assert json.loads(first[1])["id"] == json.loads(second[1])["id"]


def test_unreachable_receiver_never_blocks_runs(tmp_path: Path) -> None:
    dead = Receiver()
    url = dead.url
    dead.close()  # nothing listens there any more
    with (
        _server(tmp_path, url) as srv,
        OpenAI(base_url=srv.base_url, api_key="k") as client,
    ):
        ids = [
            client.responses.create(model="respnb-demo", input=f"hi {i}", background=True).id
            for i in range(3)
        ]
        assert [_wait_terminal(client, rid) for rid in ids] == ["completed"] * 3
        resp = client.responses.create(model="respnb-demo", input="still answering")
        assert resp.status == "completed"


@pytest.mark.parametrize(
    "url",
    ["http://example.com/hook", "http://10.1.2.3:9000/hook", "ftp://127.0.0.1/x", "127.0.0.1:80"],
)
def test_only_loopback_urls_are_accepted(tmp_path: Path, url: str) -> None:
    with pytest.raises(ValueError, match="webhook-url"):
        _server(tmp_path, url)


def test_secret_must_be_given_and_base64(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="webhook-secret"):
        serve_in_thread(db_path=tmp_path / "s.db", webhook_url="http://127.0.0.1:9/h")
    with pytest.raises(ValueError, match="base64"):
        serve_in_thread(
            db_path=tmp_path / "s.db",
            webhook_url="http://127.0.0.1:9/h",
            webhook_secret="whsec_not base64!",
        )
    with pytest.raises(ValueError, match="needs --webhook-url"):
        serve_in_thread(db_path=tmp_path / "s.db", webhook_secret=SECRET)


def test_cli_refuses_a_remote_webhook_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "serve",
            "--db",
            str(tmp_path / "s.db"),
            "--webhook-url",
            "https://hooks.example.com/x",
            "--webhook-secret",
            SECRET,
        ]
    )
    assert code == 2
    err = capsys.readouterr().err
    assert "loopback" in err and SECRET not in err


def test_localhost_name_is_accepted(tmp_path: Path, receiver: Receiver) -> None:
    url = receiver.url.replace("127.0.0.1", "localhost")
    with _server(tmp_path, url) as srv:
        assert httpx.get(f"{srv.base_url}/health").status_code == 200
        assert SECRET not in repr(srv.config)
