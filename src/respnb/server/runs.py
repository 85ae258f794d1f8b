"""One run of the engine: sequence numbers, lifecycle events, pacing, cancel, followers.

A :class:`Run` turns the engine's item-level events into the full stream of protocol.md §3:

* foreground: ``response.created`` (in_progress), ``response.in_progress``, items...,
  ``response.completed``;
* background: ``response.created`` (status queued), ``response.queued``, ``response.in_progress``,
  items..., ``response.completed`` (OpenAI's documented ``ResponseQueuedEvent`` is sent right
  after ``response.created`` so a background stream shows the queued state);
* cancelled (background cancel, or a foreground stream whose client went away): no further
  event — OpenAI has no ``response.cancelled`` stream event — and the stored status is
  ``cancelled``;
* engine error: ``response.failed`` with ``response.error = {code: "server_error", message}``.

Every event gets the next ``sequence_number`` (a continued Manus task goes on from the task's
last one), is kept in memory while the run lives (followers read it from there) and, when the
run is recorded, queued for the store. Delta events are paced at ``pace`` tokens/s, but a run's
pacing never lasts longer than ``pace_limit`` seconds (:func:`bounded_pace`): a long output or a
tiny ``metadata.respnb_pace`` cannot keep one request waiting without end.
"""

from __future__ import annotations

import asyncio
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any, Protocol

from .dialects import Dialect
from .engine import EngineRequest, generate, incomplete_reason, usage_for
from .faults import Fault
from .store import Store, dumps

__all__ = ["MAX_PACED_SECONDS", "Producer", "Run", "StoredEvent", "bounded_pace", "new_id"]

StoredEvent = tuple[int, str, str]
"""``(sequence_number, type, json)`` of one event, exactly as sent."""

_INSERT_EVENT = "INSERT OR REPLACE INTO events VALUES (?, ?, ?, ?)"

MAX_PACED_SECONDS = 120.0
"""Longest a run's pacing may last (the ``respnb-slow`` plan takes about 30 s)."""


def bounded_pace(pace: float | None, deltas: int, limit: float) -> float | None:
    """Tokens per second to stream ``deltas`` delta events at: ``pace``, raised so that all of
    them take at most ``limit`` seconds; None (full speed) without a pace or a limit > 0."""
    if not pace or pace <= 0 or limit <= 0:
        return None
    return max(pace, deltas / limit)


def new_id(prefix: str) -> str:
    """An OpenAI-looking id: ``prefix_`` + 48 hex digits."""
    return f"{prefix}_{secrets.token_hex(24)}"


class _InjectedFailure(Exception):
    pass


class Producer(Protocol):
    """Another source of a run's item-level events than the demo engine (an upstream model)."""

    def events(
        self, request: EngineRequest, new_id: Callable[[str], str]
    ) -> AsyncIterator[dict[str, Any]]:
        """The item-level events, as :func:`respnb.server.engine.generate` yields them."""
        ...

    def usage(self, request: EngineRequest, items: list[dict[str, Any]]) -> dict[str, Any]:
        """The ``usage`` of the finished output ``items``."""
        ...


class Run:
    """A live response generation (background, streamed or plain)."""

    def __init__(
        self,
        resp: dict[str, Any],
        request: EngineRequest,
        *,
        dialect: Dialect,
        origin: str,
        store: Store,
        record: bool,
        keep_events: bool = True,
        pace: float | None,
        pace_limit: float = MAX_PACED_SECONDS,
        fault: Fault | None = None,
        seq_start: int = 0,
        prefix_items: list[dict[str, Any]] | None = None,
        continuation: bool = False,
        final_status: str = "completed",
        on_status: Callable[[Run], None] | None = None,
        on_complete: Callable[[Run], Awaitable[None]] | None = None,
        on_done: Callable[[Run], Awaitable[None]] | None = None,
        producer: Producer | None = None,
    ) -> None:
        self.id: str = resp["id"]
        self.producer = producer
        self.resp = resp
        self.request = request
        self.dialect = dialect
        self.origin = origin
        self.store = store
        self.record = record
        self.keep_events = keep_events or record
        self.pace = pace
        self.pace_limit = pace_limit
        self.fault = fault
        self.background = bool(resp.get("background"))
        self.seq_start = seq_start
        self.events: list[StoredEvent] = []
        self.done = False
        self.cancel_requested = False
        self.deleted = False
        self._abort: tuple[str, str] | None = None
        self._next_seq = seq_start
        self._emitted = 0
        self._prefix = list(prefix_items or [])
        self._items: dict[int, dict[str, Any]] = {}
        self._continuation = continuation
        self._final_status = final_status
        self._on_status = on_status
        self._on_complete = on_complete
        self._on_done = on_done
        self._changed = asyncio.Event()
        self._followers = 0
        self._settled = asyncio.Event()
        self._finished = asyncio.Event()
        self.task: asyncio.Task[None] | None = None

    # ------------------------------------------------------------------ control
    def start(self) -> None:
        """Start the run as an asyncio task (it outlives the request that made it)."""
        self.task = asyncio.create_task(self._execute(), name=f"respnb-run-{self.id}")

    def cancel(self, abort: tuple[str, str] | None = None) -> None:
        """Stop the run: status ``cancelled``, or ``failed`` with ``abort = (code, message)``."""
        if not self.done and self.task is not None:
            self.cancel_requested = True
            self._abort = abort
            self.task.cancel()

    async def wait(self) -> None:
        """Wait until the run is finished (its final state may still be on its way to disk;
        the service keeps the run in memory until it is stored)."""
        await self._settled.wait()

    async def wait_stored(self) -> None:
        """Wait until the run is finished and its final state is stored."""
        await self._finished.wait()

    @property
    def last_seq(self) -> int:
        return self._next_seq - 1

    def snapshot(self) -> dict[str, Any]:
        """The internal response as of now (output = items finished so far)."""
        return self.resp

    # ------------------------------------------------------------------ followers
    async def follow(self, after: int | None) -> AsyncIterator[list[StoredEvent]]:
        """Batches of this run's events with ``sequence_number > after``, live until done."""
        idx = 0
        if after is not None:
            while idx < len(self.events) and self.events[idx][0] <= after:
                idx += 1
        while True:
            changed = self._changed
            if idx < len(self.events):
                batch = self.events[idx:]
                idx += len(batch)
                yield batch
                continue
            if self.done:
                return
            self._followers += 1
            try:
                await changed.wait()
            finally:
                self._followers -= 1

    # ------------------------------------------------------------------ emitting
    def _emit(self, event: dict[str, Any]) -> None:
        kind = str(event["type"])
        if not self.dialect.keeps_event(kind):
            return
        seq = self._next_seq
        self._next_seq += 1
        self._emitted += 1
        if self.keep_events:
            payload = {"type": kind, "sequence_number": seq, **event}
            payload["sequence_number"] = seq
            data = dumps(payload)
            self.events.append((seq, kind, data))
            if self.record:
                self.store.write_nowait(_INSERT_EVENT, (self.id, seq, kind, data))
            if self._followers:
                changed, self._changed = self._changed, asyncio.Event()
                changed.set()
        fail_after = self.fault.fail_after if self.fault is not None else None
        if fail_after is not None and self._emitted >= fail_after and kind not in _TERMINAL:
            raise _InjectedFailure

    def _lifecycle(self, kind: str) -> None:
        view = self.dialect.view(self.resp, self.origin) if self.keep_events else None
        self._emit({"type": kind, "response": view})

    def _set_status(self, status: str) -> None:
        self.resp["status"] = status
        if self._on_status is not None:
            self._on_status(self)

    def _output(self) -> list[dict[str, Any]]:
        return [*self._prefix, *(self._items[k] for k in sorted(self._items))]

    def _emit_item(self, event: dict[str, Any]) -> None:
        shift = len(self._prefix)
        if shift and isinstance(event.get("output_index"), int):
            event = {**event, "output_index": event["output_index"] + shift}
        if event.get("type") == "response.output_item.done":
            self._items[int(event.get("output_index", 0)) - shift] = event["item"]
            self.resp["output"] = self._output()
        self._emit(event)

    # ------------------------------------------------------------------ the run
    async def _execute(self) -> None:
        try:
            await self._produce()
        except asyncio.CancelledError:
            if self._abort is not None:
                self._fail(*self._abort)
            else:
                self.resp["status"] = "cancelled"
        except _InjectedFailure:
            fault = self.fault
            message = (fault and fault.message) or "Injected fault."
            self._fail((fault and fault.code) or "injected_fault", message, injected=True)
        except Exception as exc:
            who = "The upstream model" if self.producer is not None else "The demo engine"
            self._fail("server_error", f"{who} failed: {type(exc).__name__}: {exc}")
        finally:
            self.resp["output"] = self._output()
            self.done = True
            changed, self._changed = self._changed, asyncio.Event()
            changed.set()
            self._settled.set()
            try:
                if self._on_done is not None:
                    await asyncio.shield(self._on_done(self))
            finally:
                self._finished.set()

    def _fail(self, code: str, message: str, *, injected: bool = False) -> None:
        self.resp["status"] = "failed"
        self.resp["error"] = {"code": code, "message": message}
        if injected and self.fault is not None and self.fault.mode == "error":
            self._emit({"type": "error", "code": code, "message": message, "param": None})
        else:
            self._lifecycle("response.failed")

    async def _produce(self) -> None:
        if self._continuation:
            self._set_status("in_progress")
            self._lifecycle("response.in_progress")
        elif self.background:
            self._lifecycle("response.created")
            self._lifecycle("response.queued")
            await asyncio.sleep(0)
            self._set_status("in_progress")
            self._lifecycle("response.in_progress")
        else:
            self._lifecycle("response.created")
            self._lifecycle("response.in_progress")
        loop = asyncio.get_running_loop()
        start, deltas, count = loop.time(), 0, 0
        events: list[dict[str, Any]] = []
        if self.producer is None:
            # The engine runs in a worker thread: a big request must not stall the event loop.
            events = await asyncio.to_thread(_generate_all, self.request)
        total = sum(1 for e in events if str(e.get("type", "")).endswith(".delta"))
        pace = bounded_pace(self.pace, total, self.pace_limit)
        if self.producer is not None:
            async for event in self.producer.events(self.request, new_id):
                self._emit_item(event)
        for event in events:
            self._emit_item(event)
            count += 1
            if pace and str(event.get("type", "")).endswith(".delta"):
                deltas += 1
                delay = start + deltas / pace - loop.time()
                if delay > 0.002:
                    await asyncio.sleep(delay)
                    continue
            if count % 32 == 0:
                await asyncio.sleep(0)
        items = [self._items[k] for k in sorted(self._items)]
        self.resp["output"] = self._output()
        self.resp["usage"] = (
            self.producer.usage(self.request, items)
            if self.producer is not None
            else usage_for(self.request, items)
        )
        self.resp["completed_at"] = int(time.time())
        status = self._final_status
        reason = incomplete_reason(self.request, items)
        if reason is not None:
            status = "incomplete"
            self.resp["incomplete_details"] = {"reason": reason}
        self.resp["status"] = status
        if self._on_complete is not None:
            await self._on_complete(self)  # e.g. append to the conversation, before it shows
        self._lifecycle("response.incomplete" if status == "incomplete" else "response.completed")


def _generate_all(request: EngineRequest) -> list[dict[str, Any]]:
    return list(generate(request, new_id))


_TERMINAL = frozenset({"response.completed", "response.failed", "response.incomplete", "error"})
