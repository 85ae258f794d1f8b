"""``client.tasks``: the task list (``GET /tasks``: Manus, respnb's server), update, delete."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import TypeAdapter

from .._hooks import notify_deleted, notify_response
from ..types import DeletedObject, ListPage, Response
from ._pagination import AsyncPager
from ._responses import _check_choice, _check_range

if TYPE_CHECKING:
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncTasks"]

_PAGE: TypeAdapter[ListPage[Response]] = TypeAdapter(ListPage[Response])


def _unix(value: int | float | datetime | None) -> int | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return int(value.timestamp())
    return int(value)


class AsyncTasks:
    """Manus tasks: every task of the account, API-created or not."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    def _query(
        self,
        *,
        limit: int | None,
        after: str | None,
        order: str | None,
        order_by: str | None,
        query: str | None,
        status: str | Sequence[str] | None,
        created_after: int | float | datetime | None,
        created_before: int | float | datetime | None,
    ) -> dict[str, Any]:
        self._api.profile.require("task_list")
        _check_range("limit", limit, 1, 1000)
        _check_choice("order", order, ("asc", "desc"))
        _check_choice("order_by", order_by, ("created_at", "updated_at"))
        statuses = [status] if isinstance(status, str) else list(status or [])
        return {
            "limit": limit,
            "after": after,
            "order": order,
            "order_by": order_by,
            "query": query,
            "status": statuses,  # repeated: status=a&status=b
            "created_after": _unix(created_after),
            "created_before": _unix(created_before),
        }

    async def page(
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
        params = self._query(
            limit=limit,
            after=after,
            order=order,
            order_by=order_by,
            query=query,
            status=status,
            created_after=created_after,
            created_before=created_before,
        )
        return await self._fetch_page(params)

    async def _fetch_page(self, params: dict[str, Any], record: bool = True) -> ListPage[Response]:
        data = await self._api.request_json("GET", "/tasks", query=params)
        page = _PAGE.validate_python(data)
        if record:
            for task in page.data:
                notify_response(self._api.profile, task, None)
        return page

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
    ) -> AsyncPager[Response]:
        """Every task matching the filters, auto-paginating (``limit`` is the page size).

        ``record=False`` leaves the listed tasks out of the task registry (the refresher's
        ``sync_remote`` records them itself, marking the ones created elsewhere)."""
        params = self._query(  # validated now, not at the first iteration
            limit=limit,
            after=after,
            order=order,
            order_by=order_by,
            query=query,
            status=status,
            created_after=created_after,
            created_before=created_before,
        )

        async def fetch(cursor: str | None) -> ListPage[Response]:
            return await self._fetch_page({**params, "after": cursor}, record)

        return AsyncPager(fetch, after=after)

    async def update(
        self,
        task_id: str,
        *,
        title: str | None = None,
        enable_shared: bool | None = None,
        enable_visible_in_task_list: bool | None = None,
    ) -> Response:
        """``PUT /tasks/{id}``: rename, share, or hide a task (only the given fields change)."""
        self._api.profile.require("tasks")
        body = {
            k: v
            for k, v in {
                "title": title,
                "enable_shared": enable_shared,
                "enable_visible_in_task_list": enable_visible_in_task_list,
            }.items()
            if v is not None
        }
        if not body:
            raise ValueError(
                "give at least one of title, enable_shared, enable_visible_in_task_list"
            )
        data = await self._api.request_json("PUT", f"/tasks/{task_id}", body=body)
        if isinstance(data, dict) and data:
            return Response.model_validate({"id": task_id, **data})
        return Response(id=task_id)

    async def delete(self, task_id: str) -> DeletedObject:
        """Delete a task (``DELETE /responses/{id}``)."""
        self._api.profile.require("tasks")
        data = await self._api.request_json("DELETE", f"/responses/{task_id}")
        notify_deleted(self._api.profile, task_id)
        return DeletedObject.model_validate(
            {"id": task_id, **(data if isinstance(data, dict) else {})}
        )
