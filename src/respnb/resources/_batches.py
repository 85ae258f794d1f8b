"""``client.batches``: the Batch API (create, retrieve, cancel, list), async and sync.

Input files are JSONL uploaded with ``client.files.create(file=..., purpose="batch")``; results
come back as the batch's ``output_file_id`` / ``error_file_id`` (``client.files.content``).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Coroutine, Iterator, Mapping
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from pydantic import TypeAdapter

from ..types import ListPage
from ..types.batches import Batch
from ._pagination import AsyncPager

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncBatches", "Batches"]

T = TypeVar("T")


class _Loop(Protocol):
    """What the sync resource needs of :class:`respnb._sync.LoopThread` (not imported here,
    so that ``_sync`` -> ``_client`` -> this module makes no cycle)."""

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T: ...

    def iterate(self, aiter: AsyncIterator[T]) -> Iterator[T]: ...


_PAGE: TypeAdapter[ListPage[Batch]] = TypeAdapter(ListPage[Batch])


class AsyncBatches:
    """``/batches``."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    async def create(
        self,
        *,
        input_file_id: str,
        endpoint: str = "/v1/responses",
        completion_window: str = "24h",
        metadata: Mapping[str, str] | None = None,
    ) -> Batch:
        """``POST /batches``: run every request of an uploaded JSONL file."""
        body: dict[str, Any] = {
            "input_file_id": input_file_id,
            "endpoint": endpoint,
            "completion_window": completion_window,
        }
        if metadata:
            body["metadata"] = dict(metadata)
        data = await self._api.request_json("POST", "/batches", body=body)
        return self._api.parse(Batch, data, what="batch")

    async def retrieve(self, batch_id: str) -> Batch:
        """``GET /batches/{id}``."""
        data = await self._api.request_json("GET", f"/batches/{batch_id}")
        return self._api.parse(Batch, data, what="batch")

    async def cancel(self, batch_id: str) -> Batch:
        """``POST /batches/{id}/cancel`` (the batch goes ``cancelling``, then ``cancelled``)."""
        data = await self._api.request_json("POST", f"/batches/{batch_id}/cancel")
        return self._api.parse(Batch, data, what="batch")

    def list(self, *, limit: int | None = None, after: str | None = None) -> AsyncPager[Batch]:
        """``GET /batches``, newest first, auto-paginating (``await`` it for one page)."""

        async def fetch(cursor: str | None) -> ListPage[Batch]:
            data = await self._api.request_json(
                "GET", "/batches", query={"limit": limit, "after": cursor}
            )
            return _PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)


class Batches:
    """Sync ``client.batches``."""

    def __init__(self, resource: AsyncBatches, loop: _Loop) -> None:
        self._r = resource
        self._loop = loop

    def create(
        self,
        *,
        input_file_id: str,
        endpoint: str = "/v1/responses",
        completion_window: str = "24h",
        metadata: Mapping[str, str] | None = None,
    ) -> Batch:
        return self._loop.run(
            self._r.create(
                input_file_id=input_file_id,
                endpoint=endpoint,
                completion_window=completion_window,
                metadata=metadata,
            )
        )

    def retrieve(self, batch_id: str) -> Batch:
        return self._loop.run(self._r.retrieve(batch_id))

    def cancel(self, batch_id: str) -> Batch:
        return self._loop.run(self._r.cancel(batch_id))

    def list(self, *, limit: int | None = None, after: str | None = None) -> Iterator[Batch]:
        return self._loop.iterate(self._r.list(limit=limit, after=after).__aiter__())
