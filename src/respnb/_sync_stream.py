"""``ResponseStream``: the synchronous twin of :class:`~respnb._stream.AsyncResponseStream`.

The async stream runs on a :class:`~respnb._loop_thread.LoopThread`; this side reads its
events in batches (all the events decoded from one network chunk cross the thread at once),
so a fast stream costs one hand-off per chunk rather than one per event. The reading runs
ahead of the caller's ``for`` loop, so while the loop runs, :meth:`ResponseStream.snapshot`
and ``text`` describe the events the loop has been handed, not those read ahead; once the loop
is over (ended, ``break``, an error) they hold everything received. ``cursor`` stays the last
event handed out, so a resume after a ``break`` continues exactly there. A ``for`` loop
interrupted by ``Ctrl-C`` closes the connection and keeps the partial snapshot.
"""

from __future__ import annotations

from collections.abc import Iterator

from ._accumulator import ResponseAccumulator
from ._loop_thread import LoopThread
from ._stream import AsyncResponseStream
from .types import OutputTextDeltaEvent, Response, StreamEvent

__all__ = ["ResponseStream"]

_FOLD_AT = 1024


class ResponseStream:
    """The sync twin of :class:`~respnb._stream.AsyncResponseStream`.

    ::

        with client.responses.stream(model=..., input=...) as s:
            for event in s: ...
            final = s.get_final_response()
    """

    def __init__(self, stream: AsyncResponseStream, loop: LoopThread) -> None:
        self._stream = stream
        self._loop = loop
        self._yielded: int | None = None  # sequence_number of the last event handed out
        self._iterated = False
        # What the loop has been handed: the events wait in ``_seen`` and are folded into
        # ``_mirror`` only when asked for (a loop that never asks pays nothing).
        self._mirror: ResponseAccumulator | None = None
        self._seen: list[StreamEvent] = []
        self._caught_up = False  # the loop was handed every event the stream read

    @property
    def async_stream(self) -> AsyncResponseStream:
        return self._stream

    @property
    def cursor(self) -> int | None:
        """The last ``sequence_number`` this iterator has handed out (resume after it).

        The stream reads ahead of the ``for`` loop, so this is not the async stream's cursor
        while iterating: after a ``break``, ``resume(id, after=stream.cursor)`` continues
        exactly after the last event the caller saw.
        """
        if self._yielded is not None:
            return self._yielded
        if not self._iterated:
            return self._stream.cursor
        return self._stream.resumed_after

    @property
    def response_id(self) -> str | None:
        return self._stream.response_id

    @property
    def done(self) -> bool:
        return self._stream.done

    @property
    def text(self) -> str:
        """The output text of the events handed out so far."""
        mirror = self._handed()
        return self._stream.text if mirror is None else mirror.text

    @property
    def resumes(self) -> int:
        """How many times the stream reconnected."""
        return self._stream.resumes

    def snapshot(self) -> Response:
        """The Response as of the last event handed out; everything received once the ``for``
        loop is over."""
        mirror = self._handed()
        if mirror is None:
            return self._stream.snapshot()
        snap = mirror.snapshot()
        rid = self._stream.response_id
        return snap.model_copy(update={"id": rid}) if not snap.id and rid else snap

    def _handed(self) -> ResponseAccumulator | None:
        """The accumulator of what the loop saw, or None when that is the stream's own."""
        mirror = self._mirror
        if mirror is None or self._caught_up:
            return None
        for event in self._seen:
            mirror.feed(event)
        self._seen.clear()
        return mirror

    def _start_mirror(self) -> None:
        acc = self._stream.accumulator
        fresh = acc.events_seen == 0 and acc.response_id is None
        self._mirror = ResponseAccumulator(None if fresh else self._stream.snapshot())

    def open(self) -> ResponseStream:
        self._loop.run(self._stream.open())
        return self

    def __enter__(self) -> ResponseStream:
        return self.open()

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection; the snapshot stays."""
        self._loop.run(self._stream.close())

    def __iter__(self) -> Iterator[StreamEvent]:
        self._start_mirror()
        self._caught_up = False
        seen = self._seen
        try:
            self._iterated = True
            for batch in self._loop.pump(self._stream.batches(), prefetch=32):
                for event in batch:
                    if event.sequence_number is not None:
                        self._yielded = event.sequence_number
                    seen.append(event)
                    if len(seen) >= _FOLD_AT:  # a long loop that never asks: bound the memory
                        self._handed()
                    yield event
        except KeyboardInterrupt:
            self.close()
            raise
        finally:  # the loop is over (ended, broke off, or raised): all that was read counts
            self._caught_up = True
            seen.clear()
            self._mirror = None  # a later loop starts again from all that was read

    def text_deltas(self) -> Iterator[str]:
        """Only the output text deltas."""
        for event in self:
            if isinstance(event, OutputTextDeltaEvent):
                yield event.delta

    def get_final_response(self) -> Response:
        """Read to the end; the final Response (failed/incomplete included), parsed as
        ``text_format`` when the stream was given one."""
        for _ in self:
            pass
        return self._stream.final_snapshot()
