"""The synchronous resources of ``respnb.Client``: thin wrappers running the async ones on a
:class:`~respnb._sync.LoopThread`. Same arguments; plain values instead of awaitables."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar, overload

from ..types import (
    Conversation,
    DeletedObject,
    FileObject,
    Item,
    ListPage,
    ManusFileUpload,
    VectorStore,
    VectorStoreFile,
    VectorStoreSearchPage,
)
from ..types import Response as ResponseModel
from ._conversations import AsyncConversationItems, AsyncConversations
from ._files import AsyncFiles, FileInput
from ._pagination import AsyncPager
from ._responses import AsyncResponses
from ._tasks import AsyncTasks
from ._vector_stores import AsyncVectorStoreFiles, AsyncVectorStores

if TYPE_CHECKING:
    from .._accumulator import ResponseAccumulator
    from .._sync import LoopThread, ResponseStream

__all__ = [
    "ConversationItems",
    "Conversations",
    "Files",
    "Responses",
    "SyncPager",
    "Tasks",
    "VectorStoreFiles",
    "VectorStores",
]

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


def _stream(stream: Any, loop: LoopThread) -> ResponseStream:
    from .._sync import ResponseStream

    return ResponseStream(stream, loop)


class Responses:
    """Sync ``client.responses``."""

    def __init__(self, resource: AsyncResponses, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    @overload
    def create(self, *, stream: Literal[False] = False, **params: Any) -> ResponseModel: ...

    @overload
    def create(self, *, stream: Literal[True], **params: Any) -> ResponseStream: ...

    def create(self, *, stream: bool = False, **params: Any) -> ResponseModel | ResponseStream:
        """``POST /responses`` (see :meth:`AsyncResponses.create`)."""
        if stream:
            return self.stream(**params).open()
        response: ResponseModel = self._loop.run(self._r.create(**params))
        return response

    def stream(self, **params: Any) -> ResponseStream:
        """A stream to use as ``with``."""
        return _stream(self._r.stream(**params), self._loop)

    def parse(self, **params: Any) -> Any:
        """``POST /responses`` parsed as ``text_format`` (see :meth:`AsyncResponses.parse`)."""
        return self._loop.run(self._r.parse(**params))

    def resume(
        self,
        response_id: str,
        *,
        after: int | None = None,
        accumulator: ResponseAccumulator | None = None,
        auto_resume: bool = True,
        include: Sequence[str] | None = None,
    ) -> ResponseStream:
        """Stream a stored response after ``after``."""
        s = self._r.resume(
            response_id,
            after=after,
            accumulator=accumulator,
            auto_resume=auto_resume,
            include=include,
        )
        return _stream(s, self._loop)

    def retrieve(self, response_id: str, *, include: Sequence[str] | None = None) -> ResponseModel:
        return self._loop.run(self._r.retrieve(response_id, include=include))

    def cancel(self, response_id: str) -> ResponseModel:
        return self._loop.run(self._r.cancel(response_id))

    def delete(self, response_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(response_id))

    def input_items(
        self,
        response_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        include: Sequence[str] | None = None,
    ) -> SyncPager[Item]:
        pager = self._r.input_items(
            response_id, after=after, limit=limit, order=order, include=include
        )
        return SyncPager(pager, self._loop)

    def input_tokens(self, **params: Any) -> int:
        return self._loop.run(self._r.input_tokens(**params))

    def wait(
        self,
        response_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> ResponseModel:
        """Poll until terminal or ``requires_input`` (see :meth:`AsyncResponses.wait`)."""
        coro = self._r.wait(
            response_id,
            timeout=timeout,
            poll_interval=poll_interval,
            max_poll_interval=max_poll_interval,
        )
        return self._loop.run(coro)


class ConversationItems:
    """Sync ``client.conversations.items``."""

    def __init__(self, resource: AsyncConversationItems, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def list(self, conversation_id: str, **kwargs: Any) -> SyncPager[Item]:
        return SyncPager(self._r.list(conversation_id, **kwargs), self._loop)

    def create(
        self,
        conversation_id: str,
        *,
        items: Sequence[Mapping[str, Any]],
        include: Sequence[str] | None = None,
    ) -> ListPage[Item]:
        return self._loop.run(self._r.create(conversation_id, items=items, include=include))

    def retrieve(
        self, conversation_id: str, item_id: str, *, include: Sequence[str] | None = None
    ) -> Item:
        return self._loop.run(self._r.retrieve(conversation_id, item_id, include=include))

    def delete(self, conversation_id: str, item_id: str) -> Conversation:
        return self._loop.run(self._r.delete(conversation_id, item_id))


class Conversations:
    """Sync ``client.conversations``."""

    def __init__(self, resource: AsyncConversations, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop
        self.items = ConversationItems(resource.items, loop)

    def create(
        self,
        *,
        items: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Conversation:
        coro = self._r.create(items=items, metadata=metadata, extra_body=extra_body)
        return self._loop.run(coro)

    def retrieve(self, conversation_id: str) -> Conversation:
        return self._loop.run(self._r.retrieve(conversation_id))

    def update(self, conversation_id: str, *, metadata: Mapping[str, str]) -> Conversation:
        return self._loop.run(self._r.update(conversation_id, metadata=metadata))

    def delete(self, conversation_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(conversation_id))


class Files:
    """Sync ``client.files``."""

    def __init__(self, resource: AsyncFiles, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def create(self, *, file: FileInput, purpose: str = "user_data") -> FileObject:
        return self._loop.run(self._r.create(file=file, purpose=purpose))

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        order: Literal["asc", "desc"] | None = None,
    ) -> SyncPager[FileObject]:
        pager = self._r.list(purpose=purpose, limit=limit, after=after, order=order)
        return SyncPager(pager, self._loop)

    def retrieve(self, file_id: str) -> FileObject:
        return self._loop.run(self._r.retrieve(file_id))

    def delete(self, file_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(file_id))

    def content(self, file_id: str) -> bytes:
        return self._loop.run(self._r.content(file_id))

    def upload_presigned(self, file: FileInput, filename: str | None = None) -> ManusFileUpload:
        return self._loop.run(self._r.upload_presigned(file, filename))


class Tasks:
    """Sync ``client.tasks`` (Manus)."""

    def __init__(self, resource: AsyncTasks, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        order: Literal["asc", "desc"] | None = None,
        order_by: Literal["created_at", "updated_at"] | None = None,
        query: str | None = None,
        status: str | Sequence[str] | None = None,
        created_after: int | float | datetime | None = None,
        created_before: int | float | datetime | None = None,
    ) -> SyncPager[ResponseModel]:
        pager = self._r.list(
            limit=limit,
            after=after,
            order=order,
            order_by=order_by,
            query=query,
            status=status,
            created_after=created_after,
            created_before=created_before,
        )
        return SyncPager(pager, self._loop)

    def page(self, **kwargs: Any) -> ListPage[ResponseModel]:
        return self._loop.run(self._r.page(**kwargs))

    def update(
        self,
        task_id: str,
        *,
        title: str | None = None,
        enable_shared: bool | None = None,
        enable_visible_in_task_list: bool | None = None,
    ) -> ResponseModel:
        coro = self._r.update(
            task_id,
            title=title,
            enable_shared=enable_shared,
            enable_visible_in_task_list=enable_visible_in_task_list,
        )
        return self._loop.run(coro)

    def delete(self, task_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(task_id))


class VectorStoreFiles:
    """Sync ``client.vector_stores.files``."""

    def __init__(self, resource: AsyncVectorStoreFiles, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def create(self, *, vector_store_id: str, file_id: str, **kwargs: Any) -> VectorStoreFile:
        coro = self._r.create(vector_store_id=vector_store_id, file_id=file_id, **kwargs)
        return self._loop.run(coro)

    def create_and_poll(
        self, *, vector_store_id: str, file_id: str, **kwargs: Any
    ) -> VectorStoreFile:
        coro = self._r.create_and_poll(vector_store_id=vector_store_id, file_id=file_id, **kwargs)
        return self._loop.run(coro)

    def poll(self, file_id: str, *, vector_store_id: str, **kwargs: Any) -> VectorStoreFile:
        return self._loop.run(self._r.poll(file_id, vector_store_id=vector_store_id, **kwargs))

    def retrieve(self, file_id: str, *, vector_store_id: str) -> VectorStoreFile:
        return self._loop.run(self._r.retrieve(file_id, vector_store_id=vector_store_id))

    def update(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Mapping[str, str | float | bool] | None,
    ) -> VectorStoreFile:
        coro = self._r.update(file_id, vector_store_id=vector_store_id, attributes=attributes)
        return self._loop.run(coro)

    def delete(self, file_id: str, *, vector_store_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(file_id, vector_store_id=vector_store_id))

    def list(self, *, vector_store_id: str, **kwargs: Any) -> SyncPager[VectorStoreFile]:
        return SyncPager(self._r.list(vector_store_id=vector_store_id, **kwargs), self._loop)


class VectorStores:
    """Sync ``client.vector_stores``."""

    def __init__(self, resource: AsyncVectorStores, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop
        self.files = VectorStoreFiles(resource.files, loop)

    def create(self, **kwargs: Any) -> VectorStore:
        return self._loop.run(self._r.create(**kwargs))

    def retrieve(self, vector_store_id: str) -> VectorStore:
        return self._loop.run(self._r.retrieve(vector_store_id))

    def update(self, vector_store_id: str, **kwargs: Any) -> VectorStore:
        return self._loop.run(self._r.update(vector_store_id, **kwargs))

    def delete(self, vector_store_id: str) -> DeletedObject:
        return self._loop.run(self._r.delete(vector_store_id))

    def list(self, **kwargs: Any) -> SyncPager[VectorStore]:
        return SyncPager(self._r.list(**kwargs), self._loop)

    def search(
        self, vector_store_id: str, *, query: str | Sequence[str], **kwargs: Any
    ) -> VectorStoreSearchPage:
        return self._loop.run(self._r.search(vector_store_id, query=query, **kwargs))
