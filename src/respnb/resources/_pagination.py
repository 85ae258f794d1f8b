"""``AsyncPager``: a cursor list that is awaitable (first page) and async-iterable (every item).

::

    page = await client.files.list(limit=10)        # one ListPage
    async for f in client.files.list():             # every item, following the cursor
        ...
    async for page in client.files.list().pages():  # page by page
        ...

The cursor is the page's ``last_id`` (else the last item's ``id``); paging stops when
``has_more`` is false, a page is empty, or the cursor does not move.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Generator
from typing import Any, Generic, TypeVar

from ..types import ListPage

__all__ = ["AsyncPager", "FetchPage"]

T = TypeVar("T")

FetchPage = Callable[["str | None"], Awaitable[ListPage[T]]]
"""Fetches one page given the ``after`` cursor."""


def next_cursor(page: ListPage[Any]) -> str | None:
    """The cursor of the page after ``page``, or None when there is none."""
    if not page.has_more or not page.data:
        return None
    if page.last_id:
        return page.last_id
    last = page.data[-1]
    item_id = getattr(last, "id", None) if not isinstance(last, dict) else last.get("id")
    return item_id if isinstance(item_id, str) and item_id else None


class AsyncPager(Generic[T]):
    """A lazily fetched cursor list (see the module docstring)."""

    def __init__(self, fetch: FetchPage[T], *, after: str | None = None) -> None:
        self._fetch = fetch
        self._after = after

    async def first_page(self) -> ListPage[T]:
        """The first page only."""
        return await self._fetch(self._after)

    def __await__(self) -> Generator[Any, None, ListPage[T]]:
        return self.first_page().__await__()

    async def pages(self) -> AsyncIterator[ListPage[T]]:
        """Every page, following the cursor."""
        after = self._after
        while True:
            page = await self._fetch(after)
            yield page
            cursor = next_cursor(page)
            if cursor is None or cursor == after:
                return
            after = cursor

    async def __aiter__(self) -> AsyncIterator[T]:
        async for page in self.pages():
            for item in page.data:
                yield item

    async def to_list(self, limit: int | None = None) -> list[T]:
        """Collect the items (at most ``limit``)."""
        out: list[T] = []
        async for item in self:
            out.append(item)
            if limit is not None and len(out) >= limit:
                break
        return out
