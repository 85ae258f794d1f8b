"""The SSE response: OpenAI's wire format, client-disconnect detection, injected drops.

Each event is ``event: <type>\\ndata: <json>\\n\\n`` (no ``[DONE]``, as OpenAI). The response
watches the ASGI ``receive`` channel, so a client that goes away is noticed at once even while
no event is due; ``on_disconnect`` then runs (a foreground run is stopped there). With
``drop_after=N`` the connection is cut after N events without ending the chunked body, as a
network failure would.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable

from starlette.types import Message, Receive, Scope, Send

from respnb._sse import encode_sse

from .runs import StoredEvent

__all__ = ["SSEResponse"]


def _frames(batch: list[StoredEvent]) -> bytes:
    return b"".join(encode_sse(kind, data) for _, kind, data in batch)


class SSEResponse:
    """An ASGI app streaming batches of stored events as SSE."""

    def __init__(
        self,
        batches: AsyncIterator[list[StoredEvent]],
        *,
        headers: dict[str, str] | None = None,
        drop_after: int | None = None,
        on_disconnect: Callable[[], None] | None = None,
    ) -> None:
        self.batches = batches
        self.headers = headers or {}
        self.drop_after = drop_after
        self.on_disconnect = on_disconnect

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        raw = [
            (b"content-type", b"text/event-stream; charset=utf-8"),
            (b"cache-control", b"no-cache"),
            (b"x-accel-buffering", b"no"),
            *((k.lower().encode(), v.encode()) for k, v in self.headers.items()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": raw})

        async def watch() -> None:
            while True:
                message: Message = await receive()
                if message["type"] == "http.disconnect":
                    return

        watcher = asyncio.create_task(watch())
        pump = asyncio.create_task(self._pump(send))
        try:
            done, _ = await asyncio.wait({watcher, pump}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for task in (watcher, pump):
                if not task.done():
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError, OSError):
                        await task
            with contextlib.suppress(Exception):
                await self.batches.aclose()  # type: ignore[attr-defined]
        finished = pump in done and not pump.cancelled() and pump.exception() is None
        if finished and pump.result():
            with contextlib.suppress(OSError):
                await send({"type": "http.response.body", "body": b"", "more_body": False})
            return
        if self.on_disconnect is not None:
            self.on_disconnect()
        # Dropped (injected) or client gone: return without ending the body; the server
        # closes the connection.

    async def _pump(self, send: Send) -> bool:
        """Send every event; False when an injected drop cut the stream short."""
        sent = 0
        limit = self.drop_after
        async for batch in self.batches:
            if limit is not None and sent + len(batch) >= limit:
                batch = batch[: limit - sent]
                body = _frames(batch)
                if body:
                    await send({"type": "http.response.body", "body": body, "more_body": True})
                return False
            body = _frames(batch)
            await send({"type": "http.response.body", "body": body, "more_body": True})
            sent += len(batch)
        return True
