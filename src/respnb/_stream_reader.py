"""The reading loop of :class:`~respnb._stream.AsyncResponseStream`: bytes to fed events.

Each network chunk goes through :class:`~respnb._sse.SSEDecoder`; each event's data through
:func:`~respnb.types.parse_event` into the stream's
:class:`~respnb._accumulator.ResponseAccumulator`, one event at a time (``async for``: the
snapshot keeps pace with the caller) or all the events of a chunk at once (``batches()``).
Replays at or below the cursor a reconnect resumed from are dropped; the first terminal event
or ``data: [DONE]`` ends the stream; malformed event data raises
:class:`~respnb._exceptions.StreamError` once the events before it were handed out. A JSON
answer, a connection that drops or an EOF without a terminal event is handed to
:class:`~respnb._stream_recovery.StreamRecovery`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from ._exceptions import APIError, StreamError
from ._sse import DONE_DATA, ServerSentEvent, SSEDecoder
from ._stream_recovery import StreamRecovery
from .types import TERMINAL_EVENT_TYPES, ErrorEvent, StreamEvent, parse_event

__all__ = ["StreamReader"]

_ENDING = frozenset({*TERMINAL_EVENT_TYPES, "error"})


class StreamReader(StreamRecovery):
    """The reading half of a stream (state lives in the stream's ``__init__``)."""

    _pending_error: StreamError | None
    _last_seq: int | None
    _error_event: ErrorEvent | None

    async def open(self) -> StreamReader:
        raise NotImplementedError

    async def _events(self, batches: bool = False) -> AsyncIterator[list[StreamEvent]]:
        while not self._finished:
            await self.open()
            http = self._http
            assert http is not None
            self._request = http.request
            if "json" in http.headers.get("content-type", ""):
                yield [await self._json_answer(http)]
                if self._finished:
                    return
                ended = await self._follow_json()
                if ended is not None:
                    yield [ended]
                    return
                continue
            decoder = SSEDecoder()
            dropped: Exception | None = None
            head = bytearray()  # the first bytes, to show when no event ever arrives
            try:
                async for chunk in http.aiter_bytes():
                    if len(head) < 512:
                        head += chunk[: 512 - len(head)]
                    if batches:
                        batch = self._handle_all(decoder.feed(chunk))
                        if batch:
                            yield batch
                        self._raise_pending()
                        if self._finished:
                            return
                        continue
                    for sse in decoder.feed(chunk):  # one at a time: the snapshot keeps pace
                        event = self._handle(sse)
                        if event is not None:
                            yield [event]
                        if self._finished:
                            return
                batch = self._handle_all(decoder.flush())
                if batch:
                    yield batch
                self._raise_pending()
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
                    yield [ended]
                    return
            if self._finished:
                return
            if await self._retry_create(dropped):
                continue
            try:
                resumed = await self._try_resume()
            except APIError as exc:
                self._finished = True
                raise self._interrupted(dropped, exc) from (dropped or exc)
            if not resumed:
                self._finished = True
                if dropped is not None:
                    raise self._interrupted(dropped, None) from dropped
                return

    def _handle_all(self, sses: list[ServerSentEvent]) -> list[StreamEvent]:
        """The events of one chunk, up to the terminal one; a malformed event raises after
        the events before it were fed (they stay in the snapshot)."""
        out: list[StreamEvent] = []
        for sse in sses:
            try:
                event = self._handle(sse)
            except StreamError as exc:
                if not out:
                    raise
                self._pending_error = exc  # raised once the events before it are handed out
                break
            if event is not None:
                out.append(event)
            if self._finished:
                break
        return out

    def _raise_pending(self) -> None:
        error, self._pending_error = self._pending_error, None
        if error is not None:
            raise error

    def _handle(self, sse: ServerSentEvent) -> StreamEvent | None:
        data = sse.data
        stripped = data.strip()
        if not stripped:
            return None
        if stripped == DONE_DATA:
            self._finished = True
            return None
        try:
            event = parse_event(data, sse.event)
        except ValueError as exc:
            raise StreamError(f"malformed stream event from the server: {exc}", text=data) from None
        seq = event.sequence_number
        if seq is not None:
            floor = self._floor
            if floor is not None and seq <= floor:
                return None  # a replayed event already seen (after a reconnect or ``after``)
            self._last_seq = seq
        self._acc.feed(event)
        if event.type in _ENDING:
            if isinstance(event, ErrorEvent):
                self._error_event = event
            if event.type in TERMINAL_EVENT_TYPES:
                self._finished = True
                self.terminal_event = event
        if not self._started:
            self._notify_start()
        return event
