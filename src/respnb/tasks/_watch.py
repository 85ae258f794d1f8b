"""How the refresher learns that background tasks changed, cheaper than polling each one.

* :class:`ListWatcher`: where the service lists its tasks (``GET /tasks?status=running``: Manus,
  and respnb's own server), one listing page per sweep covers every running task of a client;
  a task that leaves the running list is found in the list of settled tasks (most recently
  updated first) and recorded from there, else retrieved once. The sweep interval
  backs off while nothing changes and snaps back when something does.
* :func:`poll_delay`: elsewhere, each task is polled at an interval that follows its observed
  pace: a fraction of its age (a task that has run for a minute will likely run on), never
  faster than ``low`` nor slower than ``high``.
* With webhooks (``Refresher.use_webhooks``) nothing is polled: the signed event triggers one
  retrieve; a long fallback interval only covers a lost event.
"""

from __future__ import annotations

import asyncio
import random
from collections.abc import Awaitable, Callable
from typing import Any

from respnb.types import Response

__all__ = ["ListWatcher", "poll_delay"]

SETTLED = ("completed", "error", "pending")
"""Task-list statuses of tasks that no longer run (Manus names; respnb's server takes them)."""
PACE_SHARE = 0.35
"""Poll a task again after this share of its age."""


def poll_delay(age: float, low: float, high: float) -> float:
    """The next poll interval of a task ``age`` seconds old (jittered +-10%)."""
    base = min(max(age * PACE_SHARE, low), high)
    return base * random.uniform(0.9, 1.1)


Record = Callable[[Response], Any]
"""Records a response in the registry; returns the record (``.in_flight``)."""
Request = Callable[[Callable[[], Awaitable[Any]]], Awaitable[Any]]
"""Runs one request under the refresher's concurrency limit."""


class ListWatcher:
    """Follows every running task of one client with one listing per sweep."""

    def __init__(
        self,
        client: Any,
        record: Record,
        request: Request,
        *,
        initial: float = 0.5,
        high: float = 10.0,
        factor: float = 1.5,
        page_size: int = 1000,
        max_settled_pages: int = 3,
    ) -> None:
        self.client = client
        self._record = record
        self._request = request
        self.initial = initial
        self.high = high
        self.factor = factor
        self.page_size = page_size
        self.max_settled_pages = max_settled_pages
        self._waiting: dict[str, asyncio.Event] = {}
        self._statuses: dict[str, str | None] = {}
        self._task: asyncio.Task[None] | None = None
        self.sweeps = 0

    def __repr__(self) -> str:
        return f"ListWatcher(watching={len(self._waiting)}, sweeps={self.sweeps})"

    async def follow(self, rid: str, status: str | None) -> None:
        """Return once ``rid`` left the running list and its final state is recorded."""
        event = self._waiting.get(rid)
        if event is None:
            event = self._waiting[rid] = asyncio.Event()
            self._statuses[rid] = status
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(self._run())
        try:
            await event.wait()
        finally:
            if rid in self._waiting and self._waiting[rid] is event and event.is_set():
                del self._waiting[rid]

    def cancel(self) -> None:
        if self._task is not None:
            self._task.cancel()

    async def _run(self) -> None:
        interval = self.initial
        while any(not e.is_set() for e in self._waiting.values()):
            await asyncio.sleep(interval * random.uniform(0.9, 1.1))
            try:
                changed = await self._sweep()
            except Exception:  # a failed sweep is retried at the longer interval
                changed = False
            interval = self.initial if changed else min(interval * self.factor, self.high)

    async def _sweep(self) -> bool:
        self.sweeps += 1
        running: dict[str, Response] = {}
        pager = self.client.tasks.list(limit=self.page_size, status=["running"], record=False)
        async for page in pager.pages():
            for resp in page.data:
                running[resp.id] = resp
        changed = False
        gone = []
        for rid, event in list(self._waiting.items()):
            if event.is_set():
                continue
            seen = running.get(rid)
            if seen is None:
                gone.append(rid)
            elif seen.status != self._statuses.get(rid):
                self._statuses[rid] = seen.status
                self._record(seen)
                changed = True
        if gone:
            changed = True
            missing = await self._settle_listed(gone)
            await asyncio.gather(*(self._settle(rid) for rid in missing), return_exceptions=True)
        return changed

    async def _settle_listed(self, gone: list[str]) -> list[str]:
        """Tasks that left the running list, found in the list of settled tasks (most recently
        updated first): recorded from there. Returns the ids not found (retrieved one by one)."""
        wanted = set(gone)
        pager = self.client.tasks.list(
            limit=min(self.page_size, max(100, 2 * len(wanted))),
            order="desc",
            order_by="updated_at",
            status=list(SETTLED),
            record=False,
        )
        pages = 0
        async for page in pager.pages():
            pages += 1
            for resp in page.data:
                if resp.id in wanted:
                    wanted.discard(resp.id)
                    self._finish(resp)
            if not wanted or pages >= self.max_settled_pages:
                break
        return [rid for rid in gone if rid in wanted]

    def _finish(self, resp: Response) -> None:
        rec = self._record(resp)
        self._statuses[resp.id] = resp.status
        if not rec.in_flight:
            self._waiting[resp.id].set()

    async def _settle(self, rid: str) -> None:
        """A task left the running list and was not listed as settled: retrieve it once."""
        self._finish(await self._request(lambda: self.client.responses.retrieve(rid)))
