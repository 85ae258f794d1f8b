"""``client.vector_stores`` and ``client.vector_stores.files`` (OpenAI's file search stores).

::

    vs = await client.vector_stores.create(name="faq")
    await client.vector_stores.files.create_and_poll(vector_store_id=vs.id, file_id=f.id)
    async for vs_file in client.vector_stores.files.list(vector_store_id=vs.id): ...
    r = await client.responses.create(
        model=..., input=..., tools=[{"type": "file_search", "vector_store_ids": [vs.id]}]
    )
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import TypeAdapter

from .._exceptions import WaitTimeoutError
from ..types import (
    DeletedObject,
    ListPage,
    VectorStore,
    VectorStoreFile,
    VectorStoreSearchPage,
)
from ._pagination import AsyncPager
from ._responses import _check_choice, _check_range

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncVectorStoreFiles", "AsyncVectorStores"]

_STORES_PAGE: TypeAdapter[ListPage[VectorStore]] = TypeAdapter(ListPage[VectorStore])
_FILES_PAGE: TypeAdapter[ListPage[VectorStoreFile]] = TypeAdapter(ListPage[VectorStoreFile])
_FILE_STATUSES = ("in_progress", "completed", "failed", "cancelled")


def _drop_none(**fields: Any) -> dict[str, Any]:
    return {k: v for k, v in fields.items() if v is not None}


class AsyncVectorStoreFiles:
    """``/vector_stores/{id}/files``."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    async def create(
        self,
        *,
        vector_store_id: str,
        file_id: str,
        attributes: Mapping[str, str | float | bool] | None = None,
        chunking_strategy: Mapping[str, Any] | None = None,
    ) -> VectorStoreFile:
        """Add an uploaded file (status ``in_progress`` until indexed; see
        :meth:`create_and_poll`)."""
        self._api.profile.require("files")
        body = _drop_none(
            file_id=file_id,
            attributes=dict(attributes) if attributes is not None else None,
            chunking_strategy=dict(chunking_strategy) if chunking_strategy is not None else None,
        )
        data = await self._api.request_json(
            "POST", f"/vector_stores/{vector_store_id}/files", body=body
        )
        return self._api.parse(VectorStoreFile, data, what="vector store file")

    async def retrieve(self, file_id: str, *, vector_store_id: str) -> VectorStoreFile:
        """``GET /vector_stores/{id}/files/{file_id}``."""
        self._api.profile.require("files")
        data = await self._api.request_json(
            "GET", f"/vector_stores/{vector_store_id}/files/{file_id}"
        )
        return self._api.parse(VectorStoreFile, data, what="vector store file")

    async def update(
        self,
        file_id: str,
        *,
        vector_store_id: str,
        attributes: Mapping[str, str | float | bool] | None,
    ) -> VectorStoreFile:
        """Replace the file's ``attributes``."""
        self._api.profile.require("files")
        body = {"attributes": dict(attributes) if attributes is not None else None}
        data = await self._api.request_json(
            "POST", f"/vector_stores/{vector_store_id}/files/{file_id}", body=body
        )
        return self._api.parse(VectorStoreFile, data, what="vector store file")

    async def delete(self, file_id: str, *, vector_store_id: str) -> DeletedObject:
        """Remove the file from the vector store (the uploaded file itself stays)."""
        self._api.profile.require("files")
        data = await self._api.request_json(
            "DELETE", f"/vector_stores/{vector_store_id}/files/{file_id}"
        )
        return DeletedObject.model_validate({"id": file_id, **(data or {})})

    def list(
        self,
        *,
        vector_store_id: str,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        order: Literal["asc", "desc"] | None = None,
        filter: Literal["in_progress", "completed", "failed", "cancelled"] | None = None,
    ) -> AsyncPager[VectorStoreFile]:
        """The vector store's files, auto-paginating (``await`` it for one page)."""
        self._api.profile.require("files")
        _check_range("limit", limit, 1, 100)
        _check_choice("order", order, ("asc", "desc"))
        _check_choice("filter", filter, _FILE_STATUSES)

        async def fetch(cursor: str | None) -> ListPage[VectorStoreFile]:
            query = {
                "limit": limit,
                "after": cursor,
                "before": before,
                "order": order,
                "filter": filter,
            }
            data = await self._api.request_json(
                "GET", f"/vector_stores/{vector_store_id}/files", query=query
            )
            return _FILES_PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)

    async def poll(
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
        slept = 0.0
        while True:
            vs_file = await self.retrieve(file_id, vector_store_id=vector_store_id)
            if vs_file.status != "in_progress":
                return vs_file
            if timeout is not None and slept >= timeout:
                raise WaitTimeoutError(
                    f"vector store file {file_id} is still indexing after {slept:.1f}s; poll "
                    "again or give a larger timeout="
                )
            await self._api.sleep(poll_interval)
            slept += poll_interval

    async def create_and_poll(
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
        created = await self.create(
            vector_store_id=vector_store_id,
            file_id=file_id,
            attributes=attributes,
            chunking_strategy=chunking_strategy,
        )
        if created.status != "in_progress":
            return created
        return await self.poll(
            file_id, vector_store_id=vector_store_id, poll_interval=poll_interval, timeout=timeout
        )


class AsyncVectorStores:
    """``/vector_stores``; ``.files`` is :class:`AsyncVectorStoreFiles`."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api
        self.files = AsyncVectorStoreFiles(api)

    async def create(
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
        self._api.profile.require("files")
        body = _drop_none(
            name=name,
            file_ids=list(file_ids) if file_ids is not None else None,
            metadata=dict(metadata) if metadata is not None else None,
            expires_after=dict(expires_after) if expires_after is not None else None,
            chunking_strategy=dict(chunking_strategy) if chunking_strategy is not None else None,
            description=description,
        )
        data = await self._api.request_json("POST", "/vector_stores", body=body)
        return self._api.parse(VectorStore, data, what="vector store")

    async def retrieve(self, vector_store_id: str) -> VectorStore:
        """``GET /vector_stores/{id}``."""
        self._api.profile.require("files")
        data = await self._api.request_json("GET", f"/vector_stores/{vector_store_id}")
        return self._api.parse(VectorStore, data, what="vector store")

    async def update(
        self,
        vector_store_id: str,
        *,
        name: str | None = None,
        metadata: Mapping[str, str] | None = None,
        expires_after: Mapping[str, Any] | None = None,
    ) -> VectorStore:
        """``POST /vector_stores/{id}``: change the name, metadata or expiry."""
        self._api.profile.require("files")
        body = _drop_none(
            name=name,
            metadata=dict(metadata) if metadata is not None else None,
            expires_after=dict(expires_after) if expires_after is not None else None,
        )
        data = await self._api.request_json("POST", f"/vector_stores/{vector_store_id}", body=body)
        return self._api.parse(VectorStore, data, what="vector store")

    async def delete(self, vector_store_id: str) -> DeletedObject:
        """``DELETE /vector_stores/{id}`` (its files stay uploaded)."""
        self._api.profile.require("files")
        data = await self._api.request_json("DELETE", f"/vector_stores/{vector_store_id}")
        return DeletedObject.model_validate({"id": vector_store_id, **(data or {})})

    def list(
        self,
        *,
        limit: int | None = None,
        after: str | None = None,
        before: str | None = None,
        order: Literal["asc", "desc"] | None = None,
    ) -> AsyncPager[VectorStore]:
        """``GET /vector_stores``, auto-paginating (``await`` it for one page)."""
        self._api.profile.require("files")
        _check_range("limit", limit, 1, 100)
        _check_choice("order", order, ("asc", "desc"))

        async def fetch(cursor: str | None) -> ListPage[VectorStore]:
            query = {"limit": limit, "after": cursor, "before": before, "order": order}
            data = await self._api.request_json("GET", "/vector_stores", query=query)
            return _STORES_PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)

    async def search(
        self,
        vector_store_id: str,
        *,
        query: str | Sequence[str],
        max_num_results: int | None = None,
        filters: Mapping[str, Any] | None = None,
        rewrite_query: bool | None = None,
    ) -> VectorStoreSearchPage:
        """``POST /vector_stores/{id}/search``: the best chunks for ``query``."""
        self._api.profile.require("files")
        _check_range("max_num_results", max_num_results, 1, 50)
        body = _drop_none(
            query=query if isinstance(query, str) else list(query),
            max_num_results=max_num_results,
            filters=dict(filters) if filters is not None else None,
            rewrite_query=rewrite_query,
        )
        data = await self._api.request_json(
            "POST", f"/vector_stores/{vector_store_id}/search", body=body
        )
        return self._api.parse(
            VectorStoreSearchPage, data, what="vector store search page", required=("data",)
        )
