"""The synchronous ``Client``: an :class:`AsyncClient` run on a :class:`LoopThread`.

Every sync ``Client`` of the process shares one :func:`loop_thread` (one connection pool per
client, all on one loop). Its resources are the generated twins of the async ones
(:mod:`respnb.resources._sync_resources`): same arguments, plain values instead of awaitables.
"""

from __future__ import annotations

from collections.abc import Mapping

import httpx

from ._client import AsyncClient
from ._loop_thread import LoopThread, loop_thread
from ._probe import ProbeReport
from ._profiles import Profile
from ._retry import Sleep
from ._sync_stream import ResponseStream
from .resources._batches import Batches
from .resources._sync_resources import Conversations, Files, Responses, Tasks, VectorStores

__all__ = ["Client", "LoopThread", "ResponseStream", "loop_thread"]


class Client:
    """The synchronous client; same arguments and resources as :class:`AsyncClient`.

    It runs an :class:`AsyncClient` on the shared :class:`LoopThread` (or ``loop``).
    """

    def __init__(
        self,
        profile: str | Profile | None = None,
        *,
        preset: str | None = None,
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
        self._loop = loop or loop_thread()
        self._async = AsyncClient(
            profile,
            preset=preset,
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
        self.batches = Batches(self._async.batches, self._loop)
        self.webhooks = self._async.webhooks

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

    def probe(self, *, model: str | None = None) -> ProbeReport:
        """What the server supports (see :meth:`AsyncClient.probe`)."""
        return self._loop.run(self._async.probe(model=model))

    def close(self) -> None:
        """Close the connection pool."""
        self._loop.run(self._async.close())

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
