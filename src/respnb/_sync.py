"""The synchronous facade: one background event loop thread, and ``Client`` on top of it.

:class:`LoopThread` is one daemon thread owning one asyncio loop. ``run(coro)`` submits a
coroutine from any thread and blocks for its result; it works inside Jupyter, whose main
thread already runs a loop, because the coroutine runs on the thread's own loop. Every sync
``Client`` of the process shares one :func:`loop_thread` (so one connection pool per client,
all on one loop).

``Ctrl-C`` while waiting cancels the coroutine on the loop and waits for it to unwind before
``KeyboardInterrupt`` propagates; a :class:`ResponseStream` interrupted that way closes its
connection and keeps its partial :meth:`~ResponseStream.snapshot`.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from typing import Any, TypeVar

import httpx

from ._client import AsyncClient
from ._profiles import Profile
from ._retry import Sleep
from ._stream import AsyncResponseStream
from .types import OutputTextDeltaEvent, Response, StreamEvent

__all__ = ["Client", "LoopThread", "ResponseStream", "loop_thread"]

T = TypeVar("T")
_POLL = 0.1  # seconds between checks for a pending Ctrl-C while blocked on a result
_ITEM, _ERROR, _END = 0, 1, 2


class LoopThread:
    """One daemon thread running one asyncio event loop; thread-safe."""

    def __init__(self, name: str = "respnb-loop") -> None:
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._main, name=name, daemon=True)
        self._thread.start()

    def _main(self) -> None:
        asyncio.set_event_loop(self.loop)
        self.loop.run_forever()

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and not self.loop.is_closed()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the loop and return its result (exceptions propagate)."""
        if threading.current_thread() is self._thread:
            coro.close()
            raise RuntimeError("LoopThread.run() called from its own loop: await it instead")
        future = asyncio.run_coroutine_threadsafe(coro, self.loop)
        try:
            if timeout is not None:
                return future.result(timeout)
            while True:  # short waits keep a simulated or real Ctrl-C noticed promptly
                try:
                    return future.result(_POLL)
                except concurrent.futures.TimeoutError:
                    continue
        except KeyboardInterrupt:
            future.cancel()
            concurrent.futures.wait([future], timeout=5.0)
            raise

    def iterate(self, aiter: AsyncIterator[T]) -> Iterator[T]:
        """Iterate an async iterator from synchronous code, one item per loop round-trip."""
        done = object()

        async def step() -> Any:
            try:
                return await aiter.__anext__()
            except StopAsyncIteration:
                return done

        while True:
            item = self.run(step())
            if item is done:
                return
            yield item

    def pump(self, aiter: AsyncIterator[T], *, prefetch: int = 256) -> Iterator[T]:
        """Iterate an async iterator from synchronous code with bounded read-ahead.

        A task on the loop reads up to ``prefetch`` items ahead into a thread-safe queue, so
        a fast stream costs one queue hand-off per item instead of one loop round-trip.
        Leaving the iteration early (``break``, an exception, Ctrl-C) cancels the task and
        waits for it to unwind.
        """
        items: queue.SimpleQueue[tuple[int, Any]] = queue.SimpleQueue()
        credit_step = max(1, prefetch // 8)

        async def reader(credits: asyncio.Semaphore) -> None:
            try:
                async for item in aiter:
                    items.put((_ITEM, item))
                    await credits.acquire()
            except BaseException as exc:  # handed to the consumer thread, re-raised there
                items.put((_ERROR, exc))
                if isinstance(exc, asyncio.CancelledError):
                    raise
                return
            items.put((_END, None))

        async def start() -> tuple[asyncio.Semaphore, asyncio.Task[None]]:
            credits = asyncio.Semaphore(prefetch)
            return credits, asyncio.get_running_loop().create_task(reader(credits))

        credits, task = self.run(start())

        def refill(n: int) -> None:
            for _ in range(n):
                credits.release()

        consumed = 0
        try:
            while True:
                try:
                    kind, value = items.get(timeout=_POLL)
                except queue.Empty:
                    continue
                if kind == _END:
                    return
                if kind == _ERROR:
                    raise value
                consumed += 1
                if consumed % credit_step == 0:
                    self.loop.call_soon_threadsafe(refill, credit_step)
                yield value
        finally:
            if not task.done():
                self.loop.call_soon_threadsafe(task.cancel)
                done = concurrent.futures.Future[None]()

                def mark(_: object) -> None:
                    done.set_result(None)

                self.loop.call_soon_threadsafe(task.add_done_callback, mark)
                concurrent.futures.wait([done], timeout=5.0)

    def stop(self) -> None:
        """Stop the loop and join the thread (the loop is closed)."""
        if self.loop.is_closed():
            return
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=5.0)
        if not self._thread.is_alive():
            self.loop.close()


_shared: LoopThread | None = None
_shared_lock = threading.Lock()


def loop_thread() -> LoopThread:
    """The process-wide :class:`LoopThread`, started on first use."""
    global _shared
    with _shared_lock:
        if _shared is None or not _shared.alive:
            _shared = LoopThread()
        return _shared


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
        return self._stream.text

    def snapshot(self) -> Response:
        """The Response as it stands now."""
        return self._stream.snapshot()

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
        try:
            self._iterated = True
            for event in self._loop.pump(self._stream):
                if event.sequence_number is not None:
                    self._yielded = event.sequence_number
                yield event
        except KeyboardInterrupt:
            self.close()
            raise

    def text_deltas(self) -> Iterator[str]:
        """Only the output text deltas."""
        for event in self:
            if isinstance(event, OutputTextDeltaEvent):
                yield event.delta

    def get_final_response(self) -> Response:
        """Read to the end; the final Response (failed/incomplete included)."""
        for _ in self:
            pass
        return self._stream.snapshot()


class Client:
    """The synchronous client; same arguments and resources as :class:`AsyncClient`.

    It runs an :class:`AsyncClient` on the shared :class:`LoopThread` (or ``loop``).
    """

    def __init__(
        self,
        profile: str | Profile | None = None,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        timeout: float | httpx.Timeout = 60.0,
        max_retries: int = 2,
        transport: httpx.AsyncBaseTransport | None = None,
        default_headers: Mapping[str, str] | None = None,
        capabilities: Mapping[str, bool] | None = None,
        sleep: Sleep | None = None,
        loop: LoopThread | None = None,
    ) -> None:
        from .resources._sync_resources import (
            Conversations,
            Files,
            Responses,
            Tasks,
            VectorStores,
        )

        self._loop = loop or loop_thread()
        self._async = AsyncClient(
            profile,
            base_url=base_url,
            api_key=api_key,
            timeout=timeout,
            max_retries=max_retries,
            transport=transport,
            default_headers=default_headers,
            capabilities=capabilities,
            sleep=sleep,
        )
        self.responses = Responses(self._async.responses, self._loop)
        self.conversations = Conversations(self._async.conversations, self._loop)
        self.files = Files(self._async.files, self._loop)
        self.tasks = Tasks(self._async.tasks, self._loop)
        self.vector_stores = VectorStores(self._async.vector_stores, self._loop)
        from .resources._batches import Batches

        self.batches = Batches(self._async.batches, self._loop)

    @property
    def profile(self) -> Profile:
        return self._async.profile

    @property
    def async_client(self) -> AsyncClient:
        """The underlying :class:`AsyncClient` (use it on :attr:`loop` only)."""
        return self._async

    @property
    def loop(self) -> LoopThread:
        return self._loop

    @property
    def base_url(self) -> str:
        return self._async.base_url

    def __repr__(self) -> str:
        return f"<Client profile={self.profile.name!r} kind={self.profile.kind!r}>"

    def close(self) -> None:
        """Close the connection pool."""
        self._loop.run(self._async.close())

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
