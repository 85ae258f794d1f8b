"""Helpers of the client tests: a recording MockTransport, SSE builders, fake sleep."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx

from respnb._sse import encode_sse

SECRET = "sk-test-SECRET-0123456789"
BASE = "https://api.test/v1"

Handler = Callable[[httpx.Request], httpx.Response]


class Recorder:
    """A MockTransport that records requests and answers with queued or routed responses."""

    def __init__(self, handler: Handler | None = None) -> None:
        self.requests: list[httpx.Request] = []
        self.bodies: list[bytes] = []
        self.queue: list[httpx.Response | Exception] = []
        self.handler = handler
        self.transport = httpx.MockTransport(self._handle)

    def _handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        self.bodies.append(request.read())
        if self.queue:
            item = self.queue.pop(0)
            if isinstance(item, Exception):
                raise item
            return item
        if self.handler is not None:
            return self.handler(request)
        return httpx.Response(500, json={"error": {"message": "no answer queued"}})

    def json_body(self, index: int = -1) -> Any:
        return json.loads(self.bodies[index])

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]


class FakeSleep:
    """Records the delays instead of sleeping."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def response_json(
    rid: str = "resp_1", status: str = "completed", text: str = "hi"
) -> dict[str, Any]:
    output = []
    if text:
        output = [
            {
                "type": "message",
                "id": "msg_1",
                "role": "assistant",
                "status": "completed",
                "content": [{"type": "output_text", "text": text, "annotations": []}],
            }
        ]
    return {
        "id": rid,
        "object": "response",
        "created_at": 1,
        "status": status,
        "model": "m",
        "output": output,
    }


def text_events(
    rid: str = "resp_1", deltas: tuple[str, ...] = ("Hel", "lo"), end: str = "completed"
) -> list[dict[str, Any]]:
    """A canonical text stream; ``end`` is completed | failed | incomplete | error | none."""
    text = "".join(deltas)
    base = response_json(rid, "in_progress", text="")
    ev: list[dict[str, Any]] = [
        {"type": "response.created", "response": base},
        {"type": "response.in_progress", "response": base},
        {
            "type": "response.output_item.added",
            "output_index": 0,
            "item": {"type": "message", "id": "msg_1", "role": "assistant", "content": []},
        },
        {
            "type": "response.content_part.added",
            "item_id": "msg_1",
            "output_index": 0,
            "content_index": 0,
            "part": {"type": "output_text", "text": "", "annotations": []},
        },
    ]
    for d in deltas:
        ev.append(
            {
                "type": "response.output_text.delta",
                "item_id": "msg_1",
                "output_index": 0,
                "content_index": 0,
                "delta": d,
            }
        )
    if end == "completed":
        ev.append({"type": "response.completed", "response": response_json(rid, text=text)})
    elif end == "failed":
        failed = response_json(rid, "failed", text="")
        failed["error"] = {"code": "server_error", "message": "boom"}
        ev.append({"type": "response.failed", "response": failed})
    elif end == "incomplete":
        inc = response_json(rid, "incomplete", text="")
        inc["incomplete_details"] = {"reason": "max_output_tokens"}
        ev.append({"type": "response.incomplete", "response": inc})
    elif end == "error":
        ev.append({"type": "error", "error": {"type": "server_error", "message": "kaput"}})
    for i, e in enumerate(ev):
        e["sequence_number"] = i
    return ev


def sse_bytes(events: list[dict[str, Any]], *, done: bool = False) -> bytes:
    out = b"".join(encode_sse(e["type"], json.dumps(e)) for e in events)
    if done:
        out += b"data: [DONE]\n\n"
    return out


def sse_response(body: bytes, status: int = 200) -> httpx.Response:
    return httpx.Response(status, headers={"content-type": "text/event-stream"}, content=body)


class DroppingStream(httpx.AsyncByteStream):
    """Yields ``body`` then raises a read error (a dropped connection)."""

    def __init__(self, body: bytes) -> None:
        self.body = body

    async def __aiter__(self) -> AsyncIterator[bytes]:
        yield self.body
        raise httpx.ReadError("connection reset")
