"""``AsyncResponseStream``: bytes -> SSE -> typed events -> a live Response snapshot.

A stream reads ``text/event-stream`` bytes with :class:`respnb._sse.SSEDecoder`, parses each
event with :func:`respnb.types.parse_event` and feeds it to a
:class:`respnb._accumulator.ResponseAccumulator`, so :meth:`AsyncResponseStream.snapshot` is
the whole Response as it stands at any moment.

It stops at the first terminal event (``response.completed``, ``response.failed``,
``response.incomplete``, ``error``), and also ends quietly on ``data: [DONE]`` or a bare EOF.
A failed or incomplete stream is not an exception: :meth:`get_final_response` returns the
Response carrying the error and whatever output arrived. Malformed event data raises
:class:`~respnb._exceptions.StreamError` with the offending text (the snapshot is kept).

**Resuming.** Events whose ``sequence_number`` is at or below the cursor (``after`` given to
``resume``, or the last event already fed) are dropped, so a server that replays from the
start is harmless. With ``auto_resume`` on, a connection that drops (or ends without a
terminal event) is reopened with ``GET /responses/{id}?stream=true&starting_after=<cursor>``,
up to ``max_resumes`` times. ``auto_resume=None`` (the default) means on for background
streams and for ``responses.resume`` streams (their response is stored and keeps running), off
for foreground streams (closing their connection stops generation: nothing to resume).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx

from ._accumulator import ResponseAccumulator
from ._exceptions import APIConnectionError, StreamError
from ._retry import Sleep
from ._sse import ServerSentEvent, SSEDecoder, is_done
from .types import (
    TERMINAL_EVENT_TYPES,
    ErrorEvent,
    LifecycleEvent,
    OutputTextDeltaEvent,
    Response,
    StreamEvent,
    parse_event,
)

__all__ = ["AsyncResponseStream", "Connect", "Fetch", "Observe", "Reconnect"]

Connect = Callable[[], Awaitable[httpx.Response]]
"""Opens the first connection (the POST, or the GET of ``resume``)."""
Reconnect = Callable[[str, "int | None"], Awaitable[httpx.Response]]
"""Reopens a stored response's stream: ``(response_id, starting_after)``."""
Fetch = Callable[[str], Awaitable[Response]]
"""Retrieves a stored response (to learn why a stream ended with no terminal event)."""
Observe = Callable[[Response], None]
"""Called with the snapshot when the stream starts (first id seen) and when it ends."""


class AsyncResponseStream:
    """An async iterator of :class:`~respnb.types.StreamEvent` with a live snapshot.

    Use it as ``async with``; ``stream.cursor``, ``stream.response_id`` and
    ``stream.snapshot()`` are valid at any moment.
    """

    def __init__(
        self,
        connect: Connect,
        *,
        reconnect: Reconnect | None = None,
        response_id: str | None = None,
        after: int | None = None,
        accumulator: ResponseAccumulator | None = None,
        auto_resume: bool = False,
        max_resumes: int = 5,
        sleep: Sleep | None = None,
        observe: Observe | None = None,
        fetch: Fetch | None = None,
    ) -> None:
        self._connect = connect
        self._fetch = fetch
        self._reconnect = reconnect
        self._known_id = response_id
        self._after = after
        self._acc = accumulator if accumulator is not None else ResponseAccumulator()
        self.auto_resume = auto_resume
        self.max_resumes = max_resumes
        self.resumes = 0
        """How many times this stream reconnected."""
        self._sleep = sleep
        self._observe = observe
        self._http: httpx.Response | None = None
        self._gen: AsyncIterator[StreamEvent] | None = None
        self._finished = False
        self._closed = False
        self._started = False
        self._ended = False
        self._last_seq: int | None = None
        self._error_event: ErrorEvent | None = None
        self.terminal_event: StreamEvent | None = None
        """The event that ended the stream (None after ``[DONE]``/EOF or before the end)."""

    # --- state ---------------------------------------------------------------------------
    @property
    def accumulator(self) -> ResponseAccumulator:
        """The accumulator fed by this stream (pass it to ``resume`` to continue it)."""
        return self._acc

    @property
    def cursor(self) -> int | None:
        """The last ``sequence_number`` seen (or the ``after`` this stream resumed from)."""
        cur = self._acc.cursor
        if cur is None:
            cur = self._last_seq
        if cur is None:
            return self._after
        return cur if self._after is None else max(cur, self._after)

    @property
    def resumed_after(self) -> int | None:
        """The ``after`` this stream was opened with (``None`` for a new stream)."""
        return self._after

    @property
    def response_id(self) -> str | None:
        """The response's id, once known."""
        return self._acc.response_id or self._known_id

    @property
    def done(self) -> bool:
        """True once the stream has ended (terminal event, ``[DONE]``, EOF or close)."""
        return self._finished or self._closed

    def snapshot(self) -> Response:
        """The Response as it stands now (error and partial output included)."""
        snap = self._acc.snapshot()
        updates: dict[str, Any] = {}
        if not snap.id and self.response_id:
            updates["id"] = self.response_id
        if self._error_event is not None and snap.error is None:
            updates["error"] = self._error_event.as_error()
            if not snap.is_terminal:
                updates["status"] = "failed"
        return snap.model_copy(update=updates) if updates else snap

    @property
    def text(self) -> str:
        """The output text so far."""
        return self._acc.text

    # --- lifecycle -----------------------------------------------------------------------
    async def open(self) -> AsyncResponseStream:
        """Open the connection now (HTTP errors raise here). Idempotent."""
        if self._http is None and not self._finished and not self._closed:
            self._http = await self._connect()
        return self

    async def __aenter__(self) -> AsyncResponseStream:
        return await self.open()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        """Close the connection; the snapshot stays available. Idempotent."""
        self._closed = True
        gen, self._gen = self._gen, None
        if gen is not None:
            aclose = getattr(gen, "aclose", None)
            if aclose is not None:
                try:
                    await aclose()
                except RuntimeError:
                    # an interrupted __anext__ is still unwinding on the loop; dropping the
                    # connection below ends it
                    pass
        await self._drop_http()
        self._notify_end()

    async def _drop_http(self) -> None:
        http, self._http = self._http, None
        if http is not None:
            await http.aclose()

    # --- iteration -----------------------------------------------------------------------
    def __aiter__(self) -> AsyncResponseStream:
        return self

    async def __anext__(self) -> StreamEvent:
        if self._closed and self._gen is None:
            raise StopAsyncIteration
        if self._gen is None:
            self._gen = self._events()
        try:
            return await self._gen.__anext__()
        except StopAsyncIteration:
            await self._drop_http()
            self._notify_end()
            raise

    async def get_final_response(self) -> Response:
        """Read to the end and return the final snapshot (failed/incomplete included)."""
        async for _ in self:
            pass
        return self.snapshot()

    async def until_done(self) -> AsyncResponseStream:
        """Read to the end; return the stream."""
        await self.get_final_response()
        return self

    async def text_deltas(self) -> AsyncIterator[str]:
        """Only the ``response.output_text.delta`` strings, as they arrive."""
        async for event in self:
            if isinstance(event, OutputTextDeltaEvent):
                yield event.delta

    async def _events(self) -> AsyncIterator[StreamEvent]:
        while not self._finished:
            await self.open()
            http = self._http
            assert http is not None
            if "json" in http.headers.get("content-type", ""):
                yield await self._json_answer(http)
                return
            decoder = SSEDecoder()
            dropped: Exception | None = None
            head = bytearray()  # the first bytes, to show when no event ever arrives
            try:
                async for chunk in http.aiter_bytes():
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    for sse in decoder.feed(chunk):
                        event = self._handle(sse)
                        if event is not None:
                            yield event
                        if self._finished:
                            return
                for sse in decoder.flush():
                    event = self._handle(sse)
                    if event is not None:
                        yield event
                    if self._finished:
                        return
            except httpx.TransportError as exc:
                dropped = exc
            finally:
                await self._drop_http()
            if dropped is None and not self._finished and self._acc.events_seen == 0:
                text = head.decode("utf-8", "replace")
                if any(line.strip() and not line.startswith(":") for line in text.splitlines()):
                    self._finished = True
                    raise StreamError(
                        "the server answered with an event stream that holds no events; it "
                        f"sent: {text[:200]!r}. Is base_url pointing at a Responses API service?",
                        text=text,
                    )
            if dropped is None and not self._finished:
                ended = await self._ended_without_event()
                if ended is not None:
                    yield ended
                    return
            if self._finished or not await self._try_resume():
                self._finished = True
                if dropped is not None and self.response_id is None:
                    raise APIConnectionError(
                        f"the stream dropped before the response id arrived: "
                        f"{type(dropped).__name__}: {dropped}. Nothing can be resumed; a "
                        "background response may still have been created on the service "
                        "(retrying the call reuses its Idempotency-Key).",
                        request=http.request,
                    ) from dropped
                if dropped is not None:
                    raise APIConnectionError(
                        f"the stream dropped: {type(dropped).__name__}: {dropped}. "
                        f"Resume it with responses.resume({self.response_id!r}, "
                        f"after={self.cursor!r}); stream.snapshot() keeps what arrived.",
                        request=http.request,
                    ) from dropped
                return

    def _handle(self, sse: ServerSentEvent) -> StreamEvent | None:
        if is_done(sse):
            self._finished = True
            return None
        if not sse.data.strip():
            return None
        try:
            event = parse_event(sse.data, sse.event)
        except ValueError as exc:
            raise StreamError(
                f"malformed stream event from the server: {exc}", text=sse.data
            ) from None
        seq = event.sequence_number
        floor = self.cursor
        if seq is not None and floor is not None and seq <= floor:
            return None  # a replayed event already seen
        if seq is not None:
            self._last_seq = seq
        self._acc.feed(event)
        if isinstance(event, ErrorEvent):
            self._error_event = event
        if event.type in TERMINAL_EVENT_TYPES:
            self._finished = True
            self.terminal_event = event
        self._notify_start()
        return event

    async def _json_answer(self, http: httpx.Response) -> StreamEvent:
        """A server that ignored ``stream=true`` sent the whole Response as JSON: feed it."""
        try:
            raw = await http.aread()
        finally:
            await self._drop_http()
        try:
            response = Response.model_validate_json(raw)
        except ValueError as exc:
            text = raw.decode("utf-8", "replace")
            raise StreamError(
                f"expected a stream, got undecodable JSON: {exc}", text=text
            ) from None
        event = lifecycle_event_for(response)
        self._acc.feed(event)
        self._finished = True
        self.terminal_event = event
        self._notify_start()
        return event

    async def _ended_without_event(self) -> StreamEvent | None:
        """A clean EOF with no terminal event: ask the server whether the response ended.

        Cancellation has no stream event (protocol.md §3), so a cancelled background response's
        stream just ends; retrieving it tells, and saves pointless reconnects.
        """
        rid = self.response_id
        if not self.auto_resume or self._fetch is None or rid is None or self._closed:
            return None
        try:
            response = await self._fetch(rid)
        except Exception:  # the reconnect path reports real trouble
            return None
        if not response.is_terminal and response.normalized_status != "requires_input":
            return None
        event = lifecycle_event_for(response)
        self._acc.feed(event)
        self._finished = True
        self.terminal_event = event
        return event

    async def _try_resume(self) -> bool:
        rid = self.response_id
        if (
            not self.auto_resume
            or self._reconnect is None
            or rid is None
            or self._closed
            or self.resumes >= self.max_resumes
        ):
            return False
        if self._sleep is not None and self.resumes:
            await self._sleep(min(0.5 * 2.0 ** (self.resumes - 1), 8.0))
        self.resumes += 1
        self._http = await self._reconnect(rid, self.cursor)
        return True

    def _notify_start(self) -> None:
        if self._started or self._observe is None or not self.response_id:
            return
        self._started = True
        self._safe_observe()

    def _notify_end(self) -> None:
        if self._observe is None or self._ended or not self.response_id:
            return
        self._ended = True
        self._safe_observe()

    def _safe_observe(self) -> None:
        assert self._observe is not None
        try:
            self._observe(self.snapshot())
        except Exception:  # observers never break a stream
            import logging

            logging.getLogger("respnb.client").exception("stream observer failed")


def lifecycle_event_for(response: Response) -> LifecycleEvent:
    """A synthetic lifecycle event carrying a whole Response (for JSON answers)."""
    status = response.normalized_status
    kind = {
        "completed": "response.completed",
        "failed": "response.failed",
        "incomplete": "response.incomplete",
        "cancelled": "response.failed",
    }.get(status or "", "response.in_progress")
    return LifecycleEvent.model_validate({"type": kind, "response": response})
