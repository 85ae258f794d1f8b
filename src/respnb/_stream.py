"""``AsyncResponseStream``: bytes -> SSE -> typed events -> a live Response snapshot.

A stream reads ``text/event-stream`` bytes with :class:`respnb._sse.SSEDecoder`, parses each
event with :func:`respnb.types.parse_event` and feeds it to a
:class:`respnb._accumulator.ResponseAccumulator`, so :meth:`AsyncResponseStream.snapshot` is
the whole Response as it stands at any moment. This module is the public stream object (its
state, lifecycle and ways to iterate); the reading loop is :mod:`respnb._stream_reader`.

It stops at the first terminal event (``response.completed``, ``response.failed``,
``response.incomplete``, ``error``), and also ends quietly on ``data: [DONE]`` or a bare EOF.
A failed or incomplete stream is not an exception: :meth:`get_final_response` returns the
Response carrying the error and whatever output arrived. Malformed event data raises
:class:`~respnb._exceptions.StreamError` with the offending text (the snapshot is kept).

**Resuming.** After a reconnect, or when ``resume`` is given ``after``, events whose
``sequence_number`` is at or below that cursor are replays and are dropped; without either, every
event is new (servers such as LiteLLM number sparsely, ``... 9, 10, 1``). With ``auto_resume``
on, a connection that drops (or ends without a terminal event) is reopened with
``GET /responses/{id}?stream=true&starting_after=<cursor>``, up to ``max_resumes`` times.
``auto_resume=None`` (the default) means on for background streams and for ``responses.resume``
streams, off for foreground streams (closing their connection stops generation).

**Following a JSON answer.** A server that answers ``stream=true`` with a whole Response as
JSON is fed as one lifecycle event; a non-terminal one (``queued``) is followed to the end by
resuming (once) where the :class:`~respnb._stream_policy.StreamPolicy` allows, else by
``responses.wait``; with neither, a :class:`StreamError` names ``responses.wait(id)``.

**Failures** (:mod:`respnb._stream_recovery`): a drop that cannot be continued raises
:class:`~respnb._exceptions.StreamInterruptedError` (the drop as ``__cause__``, the partial
snapshot, advice that fits the policy); a cut background create may be sent again.
"""

from __future__ import annotations

from collections import deque
from collections.abc import AsyncIterator
from typing import Any

import httpx
from pydantic import BaseModel

from ._accumulator import ResponseAccumulator
from ._exceptions import StreamError
from ._parsing import parse_response
from ._retry import Sleep
from ._stream_policy import (
    Connect,
    Fetch,
    Observe,
    Reconnect,
    StreamPolicy,
    lifecycle_event_for,
)
from ._stream_reader import StreamReader
from .types import ErrorEvent, OutputTextDeltaEvent, Response, StreamEvent

__all__ = [
    "AsyncResponseStream",
    "Connect",
    "Fetch",
    "Observe",
    "Reconnect",
    "StreamPolicy",
    "lifecycle_event_for",
]


class AsyncResponseStream(StreamReader):
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
        wait: Fetch | None = None,
        policy: StreamPolicy | None = None,
        text_format: type[BaseModel] | None = None,
    ) -> None:
        self._connect = connect
        self.text_format = text_format
        """The pydantic model the final response is parsed as (``output_parsed``), if any."""
        self._fetch = fetch
        self._wait = wait
        self.policy = policy if policy is not None else StreamPolicy()
        self._floor = after  # events at or below it are replays (set again on reconnect)
        self._create_retries = 0
        self._json_reconnects = 0
        self._request: httpx.Request | None = None
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
        self._gen: AsyncIterator[list[StreamEvent]] | None = None
        self._buffer: deque[StreamEvent] = deque()
        self._pending_error: StreamError | None = None
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
        self._buffer.clear()
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
        buffer = self._buffer
        if buffer:
            return buffer.popleft()
        if self._closed and self._gen is None:
            raise StopAsyncIteration
        if self._gen is None:
            self._gen = self._events()
        while True:
            try:
                batch = await self._gen.__anext__()
            except StopAsyncIteration:
                await self._drop_http()
                self._notify_end()
                raise
            if batch:
                buffer.extend(batch)
                return buffer.popleft()

    async def batches(self) -> AsyncIterator[list[StreamEvent]]:
        """The events in batches: all those decoded from one network chunk at once (what the
        sync stream hands across its thread)."""
        if self._buffer:
            batch = list(self._buffer)
            self._buffer.clear()
            yield batch
        if self._closed and self._gen is None:
            return
        if self._gen is None:
            self._gen = self._events(batches=True)
        try:
            async for batch in self._gen:
                if batch:
                    yield batch
        finally:
            if self._gen is not None and self.done:
                await self._drop_http()
                self._notify_end()

    async def get_final_response(self) -> Response:
        """Read to the end and return the final snapshot (failed/incomplete included); a
        :class:`~respnb.ParsedResponse` when the stream was given ``text_format``."""
        async for _ in self:
            pass
        return self.final_snapshot()

    def final_snapshot(self) -> Response:
        """:meth:`snapshot`, parsed as ``text_format`` when one was given."""
        snap = self.snapshot()
        return parse_response(snap, self.text_format) if self.text_format is not None else snap

    async def until_done(self) -> AsyncResponseStream:
        """Read to the end; return the stream."""
        await self.get_final_response()
        return self

    async def text_deltas(self) -> AsyncIterator[str]:
        """Only the ``response.output_text.delta`` strings, as they arrive."""
        async for event in self:
            if isinstance(event, OutputTextDeltaEvent):
                yield event.delta
