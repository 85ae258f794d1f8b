"""What the generated sync resources (:mod:`respnb.resources._sync_resources`) stand on:
:class:`SyncPager` (a paginated list read from synchronous code) and :func:`sync_value`
(an async stream turned into its sync twin, anything else as is)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, Generic, TypeVar

from .._loop_thread import LoopThread
from .._stream import AsyncResponseStream
from .._sync_stream import ResponseStream
from ..types import ListPage
from ._pagination import AsyncPager

__all__ = ["SyncPager", "sync_value"]

T = TypeVar("T")


class SyncPager(Generic[T]):
    """Iterate for every item (auto-paginating); :meth:`first_page` for one page."""

    def __init__(self, pager: AsyncPager[T], loop: LoopThread) -> None:
        self._pager = pager
        self._loop = loop

    def first_page(self) -> ListPage[T]:
        return self._loop.run(self._pager.first_page())

    def __iter__(self) -> Iterator[T]:
        return self._loop.iterate(self._pager.__aiter__())

    def pages(self) -> Iterator[ListPage[T]]:
        return self._loop.iterate(self._pager.pages())

    def to_list(self, limit: int | None = None) -> list[T]:
        return self._loop.run(self._pager.to_list(limit))


def sync_value(value: Any, loop: LoopThread) -> Any:
    """The sync twin of what an async resource method returned."""
    if isinstance(value, AsyncResponseStream):
        return ResponseStream(value, loop)
    if isinstance(value, AsyncPager):
        return SyncPager(value, loop)
    return value
