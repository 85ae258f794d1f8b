"""``client.conversations`` and ``client.conversations.items``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal

from pydantic import TypeAdapter

from ..types import Conversation, DeletedObject, Item, ListPage
from ._pagination import AsyncPager
from ._responses import _check_choice, _check_range

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncConversationItems", "AsyncConversations"]

_ITEM: TypeAdapter[Item] = TypeAdapter(Item)
_ITEMS_PAGE: TypeAdapter[ListPage[Item]] = TypeAdapter(ListPage[Item])


def _include(include: Sequence[str] | None) -> dict[str, Any] | None:
    return {"include[]": list(include)} if include else None


class AsyncConversationItems:
    """``/conversations/{id}/items``."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    def list(
        self,
        conversation_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        include: Sequence[str] | None = None,
    ) -> AsyncPager[Item]:
        """The conversation's items, auto-paginating (``await`` it for one page)."""
        self._api.profile.require("conversations")
        _check_range("limit", limit, 1, 100)
        _check_choice("order", order, ("asc", "desc"))

        async def fetch(cursor: str | None) -> ListPage[Item]:
            query = {"after": cursor, "limit": limit, "order": order, **(_include(include) or {})}
            data = await self._api.request_json(
                "GET", f"/conversations/{conversation_id}/items", query=query
            )
            return _ITEMS_PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)

    async def create(
        self,
        conversation_id: str,
        *,
        items: Sequence[Mapping[str, Any]],
        include: Sequence[str] | None = None,
    ) -> ListPage[Item]:
        """Append ``items`` (at most 20) to the conversation; returns the created items."""
        self._api.profile.require("conversations")
        data = await self._api.request_json(
            "POST",
            f"/conversations/{conversation_id}/items",
            body={"items": [dict(i) for i in items]},
            query=_include(include),
        )
        return _ITEMS_PAGE.validate_python(data)

    async def retrieve(
        self, conversation_id: str, item_id: str, *, include: Sequence[str] | None = None
    ) -> Item:
        """One item of the conversation."""
        self._api.profile.require("conversations")
        data = await self._api.request_json(
            "GET", f"/conversations/{conversation_id}/items/{item_id}", query=_include(include)
        )
        return _ITEM.validate_python(data)

    async def delete(self, conversation_id: str, item_id: str) -> Conversation:
        """Delete one item; the service returns the conversation."""
        self._api.profile.require("conversations")
        data = await self._api.request_json(
            "DELETE", f"/conversations/{conversation_id}/items/{item_id}"
        )
        return self._api.parse(Conversation, data, what="conversation")


class AsyncConversations:
    """``/conversations``."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api
        self.items = AsyncConversationItems(api)

    async def create(
        self,
        *,
        items: Sequence[Mapping[str, Any]] | None = None,
        metadata: Mapping[str, str] | None = None,
        extra_body: Mapping[str, Any] | None = None,
    ) -> Conversation:
        """``POST /conversations`` (``items``: at most 20 initial items)."""
        self._api.profile.require("conversations")
        body: dict[str, Any] = {}
        if items is not None:
            if len(items) > 20:
                raise ValueError(f"a conversation starts with at most 20 items, got {len(items)}")
            body["items"] = [dict(i) for i in items]
        if metadata is not None:
            body["metadata"] = dict(metadata)
        body.update(extra_body or {})
        data = await self._api.request_json("POST", "/conversations", body=body)
        return self._api.parse(Conversation, data, what="conversation")

    async def retrieve(self, conversation_id: str) -> Conversation:
        """``GET /conversations/{id}``."""
        self._api.profile.require("conversations")
        data = await self._api.request_json("GET", f"/conversations/{conversation_id}")
        return self._api.parse(Conversation, data, what="conversation")

    async def update(self, conversation_id: str, *, metadata: Mapping[str, str]) -> Conversation:
        """``POST /conversations/{id}``: replace its metadata."""
        self._api.profile.require("conversations")
        data = await self._api.request_json(
            "POST", f"/conversations/{conversation_id}", body={"metadata": dict(metadata)}
        )
        return self._api.parse(Conversation, data, what="conversation")

    async def delete(self, conversation_id: str) -> DeletedObject:
        """``DELETE /conversations/{id}``."""
        self._api.profile.require("conversations")
        data = await self._api.request_json("DELETE", f"/conversations/{conversation_id}")
        return DeletedObject.model_validate({"id": conversation_id, **(data or {})})
