"""The refresher: keeps in-flight tasks of the registry current, on the client's event loop.

Each in-flight task gets one follower coroutine. With webhooks (:meth:`Refresher.use_webhooks`)
it polls nothing: a verified event triggers one retrieve. Where the service lists its tasks
(capability ``task_list``: Manus, respnb's own server) one :class:`~._watch.ListWatcher` per
client sweeps the running list for all of them. Elsewhere a follower streams (``GET
?stream=true&starting_after=<stored cursor>``) when the profile can resume and few tasks are
followed, and polls ``GET /responses/{id}`` at an interval that follows the task's age.
Requests share a semaphore (bounded concurrency) and one client per profile (one connection
pool each).
Nothing here blocks the kernel: everything runs on the loop thread; the kernel-facing
helpers submit coroutines with :meth:`Refresher.run`.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from concurrent.futures import Future
from typing import Any, Protocol, TypeVar

from respnb._redact import strip_userinfo
from respnb.types import Response

from ._follow import Followers, status_code
from .registry import TaskRecord, TaskRegistry

__all__ = ["ClientFactory", "Refresher"]

T = TypeVar("T")


class _ProfileLike(Protocol):
    name: str

    def resolved_base_url(self) -> str: ...

    def supports(self, feature: str) -> bool: ...


class _ClientLike(Protocol):
    @property
    def profile(self) -> Any: ...

    @property
    def responses(self) -> Any: ...

    @property
    def tasks(self) -> Any: ...


ClientFactory = Callable[[str | None, str | None, Any], Any]
"""``factory(profile_name, base_url, profile_object_or_None) -> AsyncClient``."""


def _key(name: str | None, base_url: str | None) -> tuple[str, str]:
    return (name or "", strip_userinfo(base_url or "").rstrip("/"))  # as the registry stores it


class Refresher(Followers):
    """Follows in-flight tasks and records every change in the registry."""

    def __init__(
        self,
        registry: TaskRegistry,
        loop: asyncio.AbstractEventLoop,
        *,
        client_factory: ClientFactory | None = None,
        max_concurrency: int = 32,
        max_streams: int = 16,
        poll_initial: float = 0.5,
        poll_max: float = 10.0,
        poll_factor: float = 1.6,
        confirm_delay: float = 0.3,
        poll_floor: float = 2.0,
    ) -> None:
        self.registry = registry
        self.loop = loop
        self._factory = client_factory or self._default_factory
        self._http: Any = None
        self._owned: list[Any] = []
        self._clients: dict[tuple[str, str], Any] = {}
        self._profiles: dict[tuple[str, str], Any] = {}
        self._sem: asyncio.Semaphore | None = None
        self.max_concurrency = max_concurrency
        self.max_streams = max_streams
        self.poll_initial = poll_initial
        self.poll_max = poll_max
        self.poll_factor = poll_factor
        self.confirm_delay = confirm_delay
        self.poll_floor = poll_floor
        """After the first poll, a task is polled no faster than this (seconds)."""
        self._watchers = {}
        self._webhook_fallback: float | None = None
        self._wake: dict[str, asyncio.Event] = {}
        self._streams = 0
        self._following: dict[str, asyncio.Task[None]] = {}
        self._cancel_requested: set[str] = set()
        self.requests = 0
        self.errors: list[str] = []
        self._listening = False

    def __repr__(self) -> str:
        return f"Refresher(following={len(self._following)}, streams={self._streams})"

    # -- setup --------------------------------------------------------------------------------

    def listen(self) -> None:
        """Follow every background task the registry learns about from now on."""
        if not self._listening:
            self.registry.add_listener(self._on_change)
            self._listening = True

    def close(self, timeout: float = 5.0) -> None:
        """Stop listening, cancel every follower and close the clients this refresher built
        (clients given to :meth:`use_client` are left to their owners)."""
        if self._listening:
            self.registry.remove_listener(self._on_change)
            self._listening = False
        if self.loop.is_closed():
            return
        if _running_loop() is self.loop:
            self.loop.create_task(self.aclose())
            return
        fut = asyncio.run_coroutine_threadsafe(self.aclose(), self.loop)
        with contextlib.suppress(Exception):
            fut.result(timeout)

    async def aclose(self) -> None:
        """Cancel every follower and close the built clients and the shared pool (on the loop)."""
        tasks = list(self._following.values())
        for task in tasks:
            task.cancel()
        for watcher in self._watchers.values():
            if watcher is not None:
                watcher.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for client in self._owned:
            with contextlib.suppress(Exception):
                await client.close()
        self._owned.clear()
        if self._http is not None:
            await self._http.aclose()
            self._http = None

    def use_client(self, client: _ClientLike) -> None:
        """Use ``client`` for every task recorded under its profile and base URL."""
        prof = client.profile
        key = _key(prof.name, prof.resolved_base_url())
        self._clients[key] = client

    def remember_profile(self, profile: _ProfileLike) -> None:
        """Keep a profile object seen by the observer, to build its client later."""
        key = _key(profile.name, profile.resolved_base_url())
        self._profiles.setdefault(key, profile)

    def client_for(self, record: TaskRecord) -> Any:
        """The client for a record's profile and base URL (built once, then reused)."""
        key = _key(record.profile, record.base_url)
        client = self._clients.get(key)
        if client is None:
            client = self._factory(record.profile, record.base_url, self._profiles.get(key))
            self._clients[key] = client
            self._owned.append(client)
        return client

    def _default_factory(self, name: str | None, base_url: str | None, profile: Any) -> Any:
        """An AsyncClient on the refresher's one shared connection pool."""
        import httpx

        from respnb._client import AsyncClient

        if self._http is None:
            limits = httpx.Limits(max_connections=self.max_concurrency + self.max_streams)
            self._http = httpx.AsyncClient(timeout=60.0, limits=limits)
        if profile is not None:
            return AsyncClient(profile=profile, http_client=self._http)
        return AsyncClient(profile=name, base_url=base_url, http_client=self._http)

    def _semaphore(self) -> asyncio.Semaphore:
        if self._sem is None:
            self._sem = asyncio.Semaphore(self.max_concurrency)
        return self._sem

    # -- kernel-facing ------------------------------------------------------------------------

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Schedule ``coro`` on the loop thread; returns a concurrent Future."""
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = 60.0) -> T:
        """Run ``coro`` on the loop thread and wait for its result (kernel thread only)."""
        if _running_loop() is self.loop:
            coro.close()
            raise RuntimeError("Refresher.run() was called on the loop thread; await instead")
        return self.submit(coro).result(timeout)

    def track(self, id: str) -> None:
        """Follow ``id`` until it settles (thread-safe, idempotent)."""
        if _running_loop() is self.loop:
            self._start(id)
        else:
            self.loop.call_soon_threadsafe(self._start, id)

    def reattach(self) -> int:
        """Follow every in-flight row of the registry (after a restart). Returns the count."""
        rows = self.registry.in_flight()
        for rec in rows:
            self.track(rec.id)
        return len(rows)

    @property
    def following(self) -> int:
        """How many tasks are being followed right now."""
        return len(self._following)

    async def drain(self, timeout: float | None = None) -> None:
        """Wait until no task is followed any more (tests, benchmarks)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._following:
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"{len(self._following)} tasks still followed")
            await asyncio.gather(*list(self._following.values()), return_exceptions=True)

    # -- following ----------------------------------------------------------------------------

    def _on_change(self, record: TaskRecord) -> None:
        if record.in_flight and record.background and record.id not in self._following:
            self.track(record.id)

    def _start(self, id: str) -> None:
        if id in self._following:
            return
        task = self.loop.create_task(self._follow(id), name=f"respnb-follow-{id}")
        self._following[id] = task
        task.add_done_callback(lambda _t: self._following.pop(id, None))

    async def _follow(self, id: str) -> None:
        rec = self.registry.get(id)
        if rec is None or not rec.in_flight:
            return
        try:
            client = self.client_for(rec)
        except Exception as exc:  # e.g. a key that is not configured in this kernel
            self.errors.append(f"{id}: no client for profile {rec.profile!r}")
            self.registry.upsert(id, {"error": f"cannot refresh: {exc}"})
            return
        if self._webhook_fallback is not None:
            await self._await_events(client, id)
            return
        watcher = self._watcher_for(client)
        if watcher is not None:
            await watcher.follow(id, rec.status)
            return
        await self._poll(client, id)

    async def _confirm(self, client: Any, id: str) -> None:
        """A status seen right after a cancel is provisional: poll once more and keep that."""
        self._cancel_requested.discard(id)
        await asyncio.sleep(self.confirm_delay)
        with contextlib.suppress(Exception):
            self._record(
                client, await self._request(lambda: client.responses.retrieve(id)), fresh=True
            )

    async def _request(self, call: Callable[[], Awaitable[T]]) -> T:
        """One request under the concurrency semaphore (``call`` makes the awaitable)."""
        async with self._semaphore():
            self.requests += 1
            return await call()

    def _record(self, client: Any, resp: Response, *, fresh: bool = False) -> TaskRecord:
        prof = client.profile
        return self.registry.record_response(
            resp, profile=prof.name, base_url=prof.resolved_base_url(), fresh=fresh
        )

    def _record_error(self, id: str, message: str) -> None:
        self.errors.append(f"{id}: {message}")
        self.registry.upsert(id, {"error": message, "status": "lost", "normalized_status": "lost"})

    # -- one-shot operations (awaited on the loop) --------------------------------------------

    async def refresh_one(self, id: str) -> TaskRecord | None:
        """Retrieve ``id`` once and record it; follow it if it is still in flight."""
        rec = self.registry.get(id)
        if rec is None:
            return None
        client = self.client_for(rec)
        resp = await self._request(lambda: client.responses.retrieve(id))
        new = self._record(client, resp)
        wake = self._wake.get(id)
        if wake is not None:
            wake.set()
        if new.in_flight:
            self._start(id)
        return new

    async def refresh_all(self) -> int:
        """Retrieve every in-flight row once (concurrently, bounded). Returns the count."""
        rows = self.registry.in_flight()
        results = await asyncio.gather(
            *(self.refresh_one(r.id) for r in rows), return_exceptions=True
        )
        return sum(1 for r in results if not isinstance(r, BaseException))

    async def cancel(self, id: str) -> TaskRecord:
        """Cancel a background task and record its (provisional) status."""
        rec = self._require(id)
        client = self.client_for(rec)
        self._cancel_requested.add(id)
        resp = await self._request(lambda: client.responses.cancel(id))
        new = self._record(client, resp, fresh=True)
        if id not in self._following:
            self._following[id] = self.loop.create_task(self._confirm(client, id))
            self._following[id].add_done_callback(lambda _t: self._following.pop(id, None))
        return new

    async def delete(self, id: str) -> None:
        """Delete the response on the server and forget the row."""
        rec = self._require(id)
        client = self.client_for(rec)
        try:
            await self._request(lambda: client.responses.delete(id))
        except Exception as exc:
            if status_code(exc) != 404:
                raise
        task = self._following.pop(id, None)
        if task is not None:
            task.cancel()
        self.registry.remove(id)

    async def reply(self, id: str, text: str, **params: Any) -> TaskRecord:
        """Continue a task with a user reply (Manus: ``task_id``; others: previous_response_id)."""
        rec = self._require(id)
        client = self.client_for(rec)
        kind = getattr(client.profile, "kind", None)
        extra: dict[str, Any] = {}
        if kind == "manus":
            extra["extra_body"] = {"task_id": id}
        else:
            extra["previous_response_id"] = id
        if rec.model and "model" not in params:
            params["model"] = rec.model
        params.setdefault("background", True)
        resp = await self._request(lambda: client.responses.create(input=text, **extra, **params))
        new = self.registry.record_response(
            resp,
            profile=client.profile.name,
            base_url=client.profile.resolved_base_url(),
            body={"input": text, "background": params["background"]},
            fresh=True,
        )
        if new.in_flight:
            self._start(new.id)
        return new

    async def sync_remote(self, client: Any, *, limit: int = 100, **filters: Any) -> int:
        """Merge the service's task list (Manus ``/v1/tasks``) into the registry.

        Tasks created elsewhere (the web app) appear with ``source="remote"``. Returns how
        many tasks were listed. ``client`` may be an ``AsyncClient`` or a sync ``Client``
        (its async client is used, on this loop).
        """
        client = getattr(client, "async_client", client)
        self.use_client(client)
        n = 0
        prof = client.profile
        async for resp in client.tasks.list(limit=limit, record=False, **filters):
            known = self.registry.get(resp.id)
            rec = self.registry.record_response(
                resp,
                profile=prof.name,
                base_url=prof.resolved_base_url(),
                source=None if known else "remote",
            )
            if rec.in_flight:
                self._start(rec.id)
            n += 1
        return n

    def _require(self, id: str) -> TaskRecord:
        rec = self.registry.get(id)
        if rec is None:
            raise KeyError(f"no task {id!r} in the registry {self.registry.path}")
        return rec


def _running_loop() -> asyncio.AbstractEventLoop | None:
    try:
        return asyncio.get_running_loop()
    except RuntimeError:
        return None
