"""How the refresher follows one in-flight task when no listing covers it: waiting for webhook
events (a retrieve only after a long silence), streaming from the stored cursor while few tasks
are followed, or polling at an interval paced by the task's age (:func:`._watch.poll_delay`).
A mixin of :class:`~respnb.tasks.refresher.Refresher`, whose ``__init__`` holds the state.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from functools import partial
from typing import Any, TypeVar

from respnb.types import TERMINAL_STATUSES, Response

from ._watch import ListWatcher, poll_delay
from .registry import TaskRecord, TaskRegistry

__all__ = ["Followers", "status_code"]

T = TypeVar("T")


def status_code(exc: BaseException) -> int | None:
    code = getattr(exc, "status_code", None)
    return code if isinstance(code, int) else None


class Followers:
    """Per-task following (the state lives in the refresher's ``__init__``)."""

    registry: TaskRegistry
    errors: list[str]
    max_streams: int
    poll_initial: float
    poll_max: float
    poll_floor: float
    _webhook_fallback: float | None
    _wake: dict[str, asyncio.Event]
    _following: dict[str, asyncio.Task[None]]
    _cancel_requested: set[str]
    _streams: int

    _watchers: dict[int, ListWatcher | None]

    async def _request(self, call: Callable[[], Awaitable[T]]) -> T:
        raise NotImplementedError

    def _record(self, client: Any, resp: Response, *, fresh: bool = False) -> TaskRecord:
        raise NotImplementedError

    def _record_error(self, id: str, message: str) -> None:
        raise NotImplementedError

    async def _confirm(self, client: Any, id: str) -> None:
        raise NotImplementedError

    def use_webhooks(self, fallback: float = 300.0) -> None:
        """Webhooks are configured: poll nothing; each verified event refreshes its task
        (:meth:`refresh_one`). A task with no event for ``fallback`` seconds is retrieved
        once, in case an event was lost."""
        self._webhook_fallback = fallback

    def _watcher_for(self, client: Any) -> ListWatcher | None:
        key = id(client)
        if key not in self._watchers:
            prof = getattr(client, "profile", None)
            lists = bool(getattr(prof, "supports", lambda _f: False)("task_list"))
            self._watchers[key] = (
                ListWatcher(
                    client,
                    lambda resp: self._record(client, resp),
                    self._request,
                    initial=self.poll_initial,
                    high=self.poll_max,
                )
                if lists
                else None
            )
        return self._watchers[key]

    async def _await_events(self, client: Any, id: str) -> None:
        """Webhooks: wait for :meth:`refresh_one` to record a change; retrieve only after a
        long silence."""
        assert self._webhook_fallback is not None
        wake = self._wake.setdefault(id, asyncio.Event())
        try:
            while True:
                rec = self.registry.get(id)
                if rec is None or not rec.in_flight:
                    return
                try:
                    await asyncio.wait_for(wake.wait(), self._webhook_fallback)
                except TimeoutError:
                    with contextlib.suppress(Exception):
                        self._record(
                            client, await self._request(partial(client.responses.retrieve, id))
                        )
                wake.clear()
        finally:
            self._wake.pop(id, None)

    async def _poll(self, client: Any, id: str) -> None:
        first = True
        while True:
            rec = self.registry.get(id)
            if rec is None or not rec.in_flight:
                return
            few = len(self._following) <= self.max_streams
            can_stream = few and self._can_stream(client) and self._streams < self.max_streams
            if can_stream and await self._stream(client, rec):
                continue
            try:
                resp = await self._request(partial(client.responses.retrieve, id))
            except Exception as exc:
                code = status_code(exc)
                if code == 404:
                    self._record_error(id, "not found on the server (deleted or expired)")
                    return
                self.errors.append(f"{id}: {type(exc).__name__}")
                if code is not None and 400 <= code < 500 and code not in (408, 409, 429):
                    # will not fix itself (auth, bad request): stop following, keep the row
                    self.registry.upsert(id, {"error": f"refresh failed: {exc}"})
                    return
                resp = None
            if resp is not None:
                rec = self._record(client, resp)
                if resp.normalized_status in TERMINAL_STATUSES:
                    if id in self._cancel_requested:
                        await self._confirm(client, id)
                    return
                if not rec.in_flight:
                    return
            age = time.time() - (rec.created_at or time.time())
            low = self.poll_initial if first else max(self.poll_floor, self.poll_initial)
            first = False
            await asyncio.sleep(poll_delay(age, low, self.poll_max))

    def _can_stream(self, client: Any) -> bool:
        prof = getattr(client, "profile", None)
        supports = getattr(prof, "supports", None)
        return bool(supports("resume")) if callable(supports) else False

    async def _stream(self, client: Any, rec: TaskRecord) -> bool:
        """Follow a stream from the stored cursor; True if the task reached a terminal status."""
        self._streams += 1
        last_saved = time.monotonic()
        try:
            stream = client.responses.resume(rec.id, after=rec.cursor, auto_resume=False)
            async with stream:
                async for event in stream:
                    if getattr(event, "type", None) == "response.in_progress":
                        self.registry.upsert(
                            rec.id,
                            {
                                "status": "in_progress",
                                "normalized_status": "in_progress",
                                "started_at": time.time(),
                            },
                        )
                    cursor = stream.cursor
                    if cursor is not None and time.monotonic() - last_saved > 1.0:
                        self.registry.set_cursor(rec.id, cursor)
                        last_saved = time.monotonic()
                final = stream.snapshot()
                if stream.cursor is not None:
                    self.registry.set_cursor(rec.id, stream.cursor)
            if final is not None and final.normalized_status in TERMINAL_STATUSES:
                # the stream's snapshot lacks server-side fields; fetch the stored response
                resp = await self._request(lambda: client.responses.retrieve(rec.id))
                self._record(client, resp)
                return resp.normalized_status in TERMINAL_STATUSES
            return False
        except Exception as exc:
            self.errors.append(f"{rec.id}: stream {type(exc).__name__}")
            return False
        finally:
            self._streams -= 1
