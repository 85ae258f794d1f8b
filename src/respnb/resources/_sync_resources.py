"""The synchronous resources of ``respnb.Client``: GENERATED from the async resources by
``scripts/gen_sync_resources.py``; do not edit (``tests/client/test_sync_twins.py`` checks that
it is current). Same arguments as the async methods; plain values instead of awaitables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, cast, overload

from .._loop_thread import LoopThread
from .._stream import AsyncResponseStream
from .._sync_stream import ResponseStream
from ._sync_base import SyncPager

if TYPE_CHECKING:
    import os
    from collections.abc import Mapping, Sequence
    from datetime import datetime
    from pathlib import Path
    from typing import Literal

    from typing_extensions import Unpack

    from .._accumulator import ResponseAccumulator
    from .._parsing import ParsedResponse
    from ..types import (
        Conversation,
        DeletedObject,
        FileObject,
        Item,
        ListPage,
        ManusFileUpload,
        Response,
        VectorStore,
        VectorStoreFile,
        VectorStoreSearchPage,
    )
    from ..types.parts import OutputFile
    from ._conversations import AsyncConversationItems, AsyncConversations
    from ._files import AsyncFiles, FileInput
    from ._params import InputTokensParams, ResponseCreateParams
    from ._responses import AsyncResponses
    from ._tasks import AsyncTasks
    from ._vector_stores import AsyncVectorStoreFiles, AsyncVectorStores

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


class Responses:
    """Sync ``Responses``: the twin of :class:`AsyncResponses` (same arguments)."""

    def __init__(self, resource: AsyncResponses, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    @overload
    def create(
        self,
        *,
        stream: Literal[False] = False,
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response: ...

    @overload
    def create(
        self,
        *,
        stream: Literal[True],
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> ResponseStream: ...

    def create(
        self,
        *,
        stream: bool = False,
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | ResponseStream:
        """``POST /responses``. The fields of :class:`ResponseCreateParams` go in ``params``
        (``model``, ``input``, ``background``, ``tools``, ``previous_response_id``, Manus
        ``task_id``, Maniac ``tags``...), others in ``extra_body``. With ``stream=True`` the
        stream is returned open; with ``text_format=Model`` the answer is a
        :class:`~respnb.ParsedResponse` (as :meth:`parse`)."""
        result: Response | AsyncResponseStream = self._loop.run(
            cast(Any, self._r).create(
                stream=stream,
                text_format=text_format,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
                **params,
            )
        )
        if isinstance(result, AsyncResponseStream):
            return ResponseStream(result, self._loop)
        return result

    def parse(
        self,
        *,
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> ParsedResponse[Any]:
        """``POST /responses`` asking for ``text_format``'s JSON schema; the answer's
        ``output_parsed`` (and each ``output_text`` part's ``parsed``) is a model instance.
        Refusals stay refusal parts (``output_parsed`` is then None)."""
        return self._loop.run(
            self._r.parse(
                text_format=text_format,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
                **params,
            )
        )

    def stream(
        self,
        *,
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        auto_resume: bool | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> ResponseStream:
        """``POST /responses`` with ``stream: true``; use as ``async with``.

        ``auto_resume`` (default: on when ``background=True``) reconnects a dropped stream of
        a stored response with ``starting_after=<cursor>``. With ``text_format=Model``,
        ``get_final_response()`` returns a parsed response (``output_parsed``).
        """
        return ResponseStream(
            self._r.stream(
                text_format=text_format,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
                auto_resume=auto_resume,
                **params,
            ),
            self._loop,
        )

    def resume(
        self,
        response_id: str,
        *,
        after: int | None = None,
        accumulator: ResponseAccumulator | None = None,
        auto_resume: bool = True,
        include: Sequence[str] | None = None,
    ) -> ResponseStream:
        """Stream a stored response: ``GET /responses/{id}?stream=true&starting_after=N``.

        Events at or below ``after`` are dropped even if the server replays them. Pass the
        ``accumulator`` of an earlier stream to continue its snapshot.
        """
        return ResponseStream(
            self._r.resume(
                response_id,
                after=after,
                accumulator=accumulator,
                auto_resume=auto_resume,
                include=include,
            ),
            self._loop,
        )

    def retrieve(self, response_id: str, *, include: Sequence[str] | None = None) -> Response:
        """``GET /responses/{id}``."""
        return self._loop.run(self._r.retrieve(response_id, include=include))

    def cancel(self, response_id: str) -> Response:
        """``POST /responses/{id}/cancel`` (background responses only)."""
        return self._loop.run(self._r.cancel(response_id))

    def delete(self, response_id: str) -> DeletedObject:
        """``DELETE /responses/{id}`` (also deletes a Manus task)."""
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
        """``GET /responses/{id}/input_items``, auto-paginating (``await`` it for one page)."""
        return SyncPager(
            self._r.input_items(
                response_id, after=after, limit=limit, order=order, include=include
            ),
            self._loop,
        )

    def input_tokens(
        self, *, extra_body: Mapping[str, Any] | None = None, **params: Unpack[InputTokensParams]
    ) -> int:
        """``POST /responses/input_tokens``: how many input tokens the request would use."""
        return self._loop.run(self._r.input_tokens(extra_body=extra_body, **params))

    def wait(
        self,
        response_id: str,
        *,
        timeout: float | None = None,
        poll_interval: float = 1.0,
        max_poll_interval: float = 10.0,
    ) -> Response:
        """Poll ``retrieve`` with backoff (x1.5 up to ``max_poll_interval``) until the status
        is terminal (completed/failed/cancelled/incomplete) **or** ``requires_input`` (a Manus
        task that waits for the user: it will not move until you reply, so waiting stops).

        A ``cancelled`` status is confirmed by one more poll (services have been seen to flip
        cancelled -> completed). Raises :class:`WaitTimeoutError` (with the last Response)
        after ``timeout`` seconds.
        """
        return self._loop.run(
            self._r.wait(
                response_id,
                timeout=timeout,
                poll_interval=poll_interval,
                max_poll_interval=max_poll_interval,
            )
        )


class ConversationItems:
    """Sync ``ConversationItems``: the twin of :class:`AsyncConversationItems` (same arguments)."""

    def __init__(self, resource: AsyncConversationItems, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def list(
        self,
        conversation_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        include: Sequence[str] | None = None,
    ) -> SyncPager[Item]:
        """The conversation's items, auto-paginating (``await`` it for one page)."""
        return SyncPager(
            self._r.list(conversation_id, after=after, limit=limit, order=order, include=include),
            self._loop,
        )

    def create(
        self,
        conversation_id: str,
        *,
        items: Sequence[Mapping[str, Any]],
        include: Sequence[str] | None = None,
    ) -> ListPage[Item]:
        """Append ``items`` (at most 20) to the conversation; returns the created items."""
        return self._loop.run(self._r.create(conversation_id, items=items, include=include))

    def retrieve(
        self, conversation_id: str, item_id: str, *, include: Sequence[str] | None = None
    ) -> Item:
        """One item of the conversation."""
        return self._loop.run(self._r.retrieve(conversation_id, item_id, include=include))

    def delete(self, conversation_id: str, item_id: str) -> Conversation:
        """Delete one item; the service returns the conversation."""
        return self._loop.run(self._r.delete(conversation_id, item_id))


class Conversations:
    """Sync ``Conversations``: the twin of :class:`AsyncConversations` (same arguments)."""

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
        """``POST /conversations`` (``items``: at most 20 initial items)."""
        return self._loop.run(self._r.create(items=items, metadata=metadata, extra_body=extra_body))

    def retrieve(self, conversation_id: str) -> Conversation:
        """``GET /conversations/{id}``."""
        return self._loop.run(self._r.retrieve(conversation_id))

    def update(self, conversation_id: str, *, metadata: Mapping[str, str]) -> Conversation:
        """``POST /conversations/{id}``: replace its metadata."""
        return self._loop.run(self._r.update(conversation_id, metadata=metadata))

    def delete(self, conversation_id: str) -> DeletedObject:
        """``DELETE /conversations/{id}``."""
        return self._loop.run(self._r.delete(conversation_id))


class Files:
    """Sync ``Files``: the twin of :class:`AsyncFiles` (same arguments)."""

    def __init__(self, resource: AsyncFiles, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def create(self, *, file: FileInput, purpose: str = "user_data") -> FileObject:
        """OpenAI multipart upload (``file`` and ``purpose`` fields)."""
        return self._loop.run(self._r.create(file=file, purpose=purpose))

    def list(
        self,
        *,
        purpose: str | None = None,
        limit: int | None = None,
        after: str | None = None,
        order: Literal["asc", "desc"] | None = None,
    ) -> SyncPager[FileObject]:
        """``GET /files``, auto-paginating (``await`` it for one page)."""
        return SyncPager(
            self._r.list(purpose=purpose, limit=limit, after=after, order=order), self._loop
        )

    def retrieve(self, file_id: str) -> FileObject:
        """``GET /files/{id}``."""
        return self._loop.run(self._r.retrieve(file_id))

    def delete(self, file_id: str) -> DeletedObject:
        """``DELETE /files/{id}``."""
        return self._loop.run(self._r.delete(file_id))

    def content(self, file_id: str) -> bytes:
        """``GET /files/{id}/content``: the raw bytes."""
        return self._loop.run(self._r.content(file_id))

    def download(
        self,
        file: str | OutputFile | Mapping[str, Any],
        *,
        to: str | os.PathLike[str] | None = None,
    ) -> bytes | Path:
        """Download a file the service produced: a Manus ``output_file`` part (or its dict),
        a URL, or a file id (``GET /files/{id}/content``).

        A relative ``fileUrl`` is resolved against ``base_url``. The profile's auth goes only
        to the service's own origin; a URL elsewhere (a presigned store) gets a plain request.
        Returns the bytes, or with ``to`` (a file, or a directory to put ``fileName`` in) the
        path written.
        """
        return self._loop.run(self._r.download(file, to=to))

    def upload_presigned(self, file: FileInput, filename: str | None = None) -> ManusFileUpload:
        """Manus two-step upload: ``POST /files {filename}``, then PUT the bytes to the
        returned presigned ``upload_url`` with a separate plain request that carries no API
        key or default header. Returns the file record (its status becomes ``uploaded`` on
        the service once the PUT is done; check with :meth:`retrieve`)."""
        return self._loop.run(self._r.upload_presigned(file, filename))


class Tasks:
    """Sync ``Tasks``: the twin of :class:`AsyncTasks` (same arguments)."""

    def __init__(self, resource: AsyncTasks, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def page(
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
    ) -> ListPage[Response]:
        """One page of ``GET /tasks`` (``limit`` 1-1000; ``status`` one or several)."""
        return self._loop.run(
            self._r.page(
                limit=limit,
                after=after,
                order=order,
                order_by=order_by,
                query=query,
                status=status,
                created_after=created_after,
                created_before=created_before,
            )
        )

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
        record: bool = True,
    ) -> SyncPager[Response]:
        """Every task matching the filters, auto-paginating (``limit`` is the page size).

        ``record=False`` leaves the listed tasks out of the task registry (the refresher's
        ``sync_remote`` records them itself, marking the ones created elsewhere)."""
        return SyncPager(
            self._r.list(
                limit=limit,
                after=after,
                order=order,
                order_by=order_by,
                query=query,
                status=status,
                created_after=created_after,
                created_before=created_before,
                record=record,
            ),
            self._loop,
        )

    def update(
        self,
        task_id: str,
        *,
        title: str | None = None,
        enable_shared: bool | None = None,
        enable_visible_in_task_list: bool | None = None,
    ) -> Response:
        """``PUT /tasks/{id}``: rename, share, or hide a task (only the given fields change)."""
        return self._loop.run(
            self._r.update(
                task_id,
                title=title,
                enable_shared=enable_shared,
                enable_visible_in_task_list=enable_visible_in_task_list,
            )
        )

    def delete(self, task_id: str) -> DeletedObject:
        """Delete a task (``DELETE /responses/{id}``)."""
        return self._loop.run(self._r.delete(task_id))


class VectorStoreFiles:
    """Sync ``VectorStoreFiles``: the twin of :class:`AsyncVectorStoreFiles` (same arguments)."""

    def __init__(self, resource: AsyncVectorStoreFiles, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop

    def create(
        self,
        *,
        vector_store_id: str,
        file_id: str,
        attributes: Mapping[str, str | float | bool] | None = None,
        chunking_strategy: Mapping[str, Any] | None = None,
    ) -> VectorStoreFile:
        """Add an uploaded file (status ``in_progress`` until indexed; see
        :meth:`create_and_poll`)."""
        return self._loop.run(
            self._r.create(
                vector_store_id=vector_store_id,
                file_id=file_id,
                attributes=attributes,
                chunking_strategy=chunking_strategy,
            )
        )

    def retrieve(self, file_id: str, *, vector_store_id: str) -> VectorStoreFile:
        """``GET /vector_stores/{id}/files/{file_id}``."""
        return self._loop.run(self._r.retrieve(file_id, vector_store_id=vector_store_id))

    def update(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Mapping[str, str | float | bool] | None,
    ) -> VectorStoreFile:
        """Replace the file's ``attributes``."""
        return self._loop.run(
            self._r.update(file_id, vector_store_id=vector_store_id, attributes=attributes)
        )

    def delete(self, file_id: str, *, vector_store_id: str) -> DeletedObject:
        """Remove the file from the vector store (the uploaded file itself stays)."""
        return self._loop.run(self._r.delete(file_id, vector_store_id=vector_store_id))

    def list(
        self,
        *,
        vector_store_id: str,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        order: Literal["asc", "desc"] | None = None,
        filter: Literal["in_progress", "completed", "failed", "cancelled"] | None = None,
    ) -> SyncPager[VectorStoreFile]:
        """The vector store's files, auto-paginating (``await`` it for one page)."""
        return SyncPager(
            self._r.list(
                vector_store_id=vector_store_id,
                limit=limit,
                after=after,
                before=before,
                order=order,
                filter=filter,
            ),
            self._loop,
        )

    def poll(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        poll_interval: float = 0.5,
        timeout: float | None = 600.0,
    ) -> VectorStoreFile:
        """Retrieve until the file is no longer ``in_progress`` (then ``completed``,
        ``failed`` or ``cancelled``). Raises :class:`WaitTimeoutError` after ``timeout`` s
        of waiting."""
        return self._loop.run(
            self._r.poll(
                file_id,
                vector_store_id=vector_store_id,
                poll_interval=poll_interval,
                timeout=timeout,
            )
        )

    def create_and_poll(
        self,
        *,
        vector_store_id: str,
        file_id: str,
        attributes: Mapping[str, str | float | bool] | None = None,
        chunking_strategy: Mapping[str, Any] | None = None,
        poll_interval: float = 0.5,
        timeout: float | None = 600.0,
    ) -> VectorStoreFile:
        """:meth:`create`, then :meth:`poll` until indexing has finished."""
        return self._loop.run(
            self._r.create_and_poll(
                vector_store_id=vector_store_id,
                file_id=file_id,
                attributes=attributes,
                chunking_strategy=chunking_strategy,
                poll_interval=poll_interval,
                timeout=timeout,
            )
        )


class VectorStores:
    """Sync ``VectorStores``: the twin of :class:`AsyncVectorStores` (same arguments)."""

    def __init__(self, resource: AsyncVectorStores, loop: LoopThread) -> None:
        self._r = resource
        self._loop = loop
        self.files = VectorStoreFiles(resource.files, loop)

    def create(
        self,
        *,
        name: str | None = None,
        file_ids: Sequence[str] | None = None,
        metadata: Mapping[str, str] | None = None,
        expires_after: Mapping[str, Any] | None = None,
        chunking_strategy: Mapping[str, Any] | None = None,
        description: str | None = None,
    ) -> VectorStore:
        """``POST /vector_stores``."""
        return self._loop.run(
            self._r.create(
                name=name,
                file_ids=file_ids,
                metadata=metadata,
                expires_after=expires_after,
                chunking_strategy=chunking_strategy,
                description=description,
            )
        )

    def retrieve(self, vector_store_id: str) -> VectorStore:
        """``GET /vector_stores/{id}``."""
        return self._loop.run(self._r.retrieve(vector_store_id))

    def update(
        self,
        vector_store_id: str,
        *,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        expires_after: Mapping[str, Any] | None = None,
    ) -> VectorStore:
        """``POST /vector_stores/{id}``: change the name, metadata or expiry."""
        return self._loop.run(
            self._r.update(
                vector_store_id, name=name, metadata=metadata, expires_after=expires_after
            )
        )

    def delete(self, vector_store_id: str) -> DeletedObject:
        """``DELETE /vector_stores/{id}`` (its files stay uploaded)."""
        return self._loop.run(self._r.delete(vector_store_id))

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        order: Literal["asc", "desc"] | None = None,
    ) -> SyncPager[VectorStore]:
        """``GET /vector_stores``, auto-paginating (``await`` it for one page)."""
        return SyncPager(
            self._r.list(limit=limit, after=after, before=before, order=order), self._loop
        )

    def search(
        self,
        vector_store_id: str,
        *,
        query: str | Sequence[str],
        max_num_results: int | None = None,
        filters: Mapping[str, Any] | None = None,
        rewrite_query: bool | None = None,
    ) -> VectorStoreSearchPage:
        """``POST /vector_stores/{id}/search``: the best chunks for ``query``."""
        return self._loop.run(
            self._r.search(
                vector_store_id,
                query=query,
                max_num_results=max_num_results,
                filters=filters,
                rewrite_query=rewrite_query,
            )
        )
