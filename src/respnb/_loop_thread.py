"""One background event loop thread that synchronous code submits coroutines to.

:class:`LoopThread` is one daemon thread owning one asyncio loop. ``run(coro)`` submits a
coroutine from any thread and blocks for its result; it works inside Jupyter, whose main
thread already runs a loop, because the coroutine runs on the thread's own loop. Every sync
``Client`` of the process shares one :func:`loop_thread` (so one connection pool per client,
all on one loop).

``Ctrl-C`` while waiting cancels the coroutine on the loop and waits for it to unwind before
``KeyboardInterrupt`` propagates.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import AsyncIterator, Coroutine, Iterator
from typing import Any, TypeVar

__all__ = ["LoopThread", "loop_thread"]

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
