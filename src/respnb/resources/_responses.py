"""``client.responses``: create, stream, resume, retrieve, wait, cancel, delete, input items."""

from __future__ import annotations

import time
import uuid
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Literal, overload

from pydantic import TypeAdapter
from typing_extensions import Unpack

from .._exceptions import WaitTimeoutError
from .._hooks import notify_deleted, notify_request, notify_response
from .._parsing import ParsedResponse, apply_text_format, parse_response
from .._stream import AsyncResponseStream
from .._stream_policy import StreamPolicy
from ..types import DeletedObject, InputTokens, Item, ListPage, Response
from ._pagination import AsyncPager
from ._params import InputTokensParams, ResponseCreateParams, build_create_body

if TYPE_CHECKING:
    import httpx

    from .._accumulator import ResponseAccumulator
    from .._base_client import AsyncAPIClient

__all__ = ["AsyncResponses", "build_create_body"]

_ITEMS_PAGE: TypeAdapter[ListPage[Item]] = TypeAdapter(ListPage[Item])


class AsyncResponses:
    """The ``/responses`` endpoints."""

    def __init__(self, api: AsyncAPIClient) -> None:
        self._api = api

    # --- create / stream / parse ----------------------------------------------------------
    @overload
    async def create(
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
    async def create(
        self,
        *,
        stream: Literal[True],
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> AsyncResponseStream: ...

    async def create(
        self,
        *,
        stream: bool = False,
        text_format: type[Any] | None = None,
        extra_body: Mapping[str, Any] | None = None,
        extra_headers: Mapping[str, str] | None = None,
        extra_query: Mapping[str, Any] | None = None,
        timeout: float | None = None,
        **params: Unpack[ResponseCreateParams],
    ) -> Response | AsyncResponseStream:
        """``POST /responses``. The fields of :class:`ResponseCreateParams` go in ``params``
        (``model``, ``input``, ``background``, ``tools``, ``previous_response_id``, Manus
        ``task_id``, Maniac ``tags``...), others in ``extra_body``. With ``stream=True`` the
        stream is returned open; with ``text_format=Model`` the answer is a
        :class:`~respnb.ParsedResponse` (as :meth:`parse`)."""
        if stream:
            s = self.stream(
                text_format=text_format,
                extra_body=extra_body,
                extra_headers=extra_headers,
                extra_query=extra_query,
                timeout=timeout,
                **params,
            )
            return await s.open()
        fields: dict[str, Any] = dict(params)
        fields.pop("auto_resume", None)  # a stream option; meaningless without stream=True
        model = apply_text_format(fields, text_format)
        body = build_create_body(self._api, fields, extra_body)
        notify_request(self._api.profile, body)
        data = await self._api.request_json(
            "POST",
            "/responses",
            body=body,
            headers=extra_headers,
            query=extra_query,
            timeout=timeout,
        )
        response = self._api.parse(Response, data, what="response")
        notify_response(self._api.profile, response, body)
        return parse_response(response, model) if model is not None else response

    async def parse(
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
        if "stream" in params:
            raise TypeError(
                "responses.parse() does not stream: use responses.stream(..., text_format=...)"
            )
        fields: dict[str, Any] = dict(params)
        model = apply_text_format(fields, text_format)
        response = await self.create(
            extra_body=extra_body,
            extra_headers=extra_headers,
            extra_query=extra_query,
            timeout=timeout,
            **fields,
        )
        return parse_response(response, model)

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
    ) -> AsyncResponseStream:
        """``POST /responses`` with ``stream: true``; use as ``async with``.

        ``auto_resume`` (default: on when ``background=True``) reconnects a dropped stream of
        a stored response with ``starting_after=<cursor>``. With ``text_format=Model``,
        ``get_final_response()`` returns a parsed response (``output_parsed``).
        """
        api = self._api
        fields: dict[str, Any] = dict(params)
        model = apply_text_format(fields, text_format)
        body = build_create_body(api, fields, extra_body, stream=True)
        profile = api.profile
        background = bool(body.get("background"))
        if auto_resume is None:
            auto_resume = background and profile.supports("resume")
        headers = _sse_headers(extra_headers)
        if not any(k.lower() == "idempotency-key" for k in headers):
            headers["Idempotency-Key"] = f"respnb-{uuid.uuid4()}"  # the same on a re-send
        sent = False

        async def connect() -> httpx.Response:
            nonlocal sent
            if not sent:
                notify_request(profile, body)
                sent = True
            return await api.request(
                "POST",
                "/responses",
                body=body,
                headers=headers,
                query=extra_query,
                stream=True,
                timeout=timeout,
            )

        return AsyncResponseStream(
            connect,
            reconnect=self._reconnect,
            auto_resume=auto_resume,
            sleep=api.sleep,
            observe=lambda snap: notify_response(profile, snap, body),
            fetch=self._fetch_quietly,
            wait=self.wait,
            policy=self._policy(background, retry_create=background),
            text_format=model,
        )

    def _policy(self, background: bool, *, retry_create: bool = False) -> StreamPolicy:
        profile = self._api.profile
        return StreamPolicy(
            background=background,
            can_resume=profile.supports("resume"),
            can_retrieve=profile.supports("retrieve"),
            retry_create=retry_create and profile.supports("idempotency"),
        )

    def resume(
        self,
        response_id: str,
        *,
        after: int | None = None,
        accumulator: ResponseAccumulator | None = None,
        auto_resume: bool = True,
        include: Sequence[str] | None = None,
    ) -> AsyncResponseStream:
        """Stream a stored response: ``GET /responses/{id}?stream=true&starting_after=N``.

        Events at or below ``after`` are dropped even if the server replays them. Pass the
        ``accumulator`` of an earlier stream to continue its snapshot.
        """
        self._api.profile.require("resume")
        api = self._api

        async def connect() -> httpx.Response:
            return await self._open_replay(response_id, after, include)

        return AsyncResponseStream(
            connect,
            reconnect=self._reconnect,
            response_id=response_id,
            after=after,
            accumulator=accumulator,
            auto_resume=auto_resume,
            sleep=api.sleep,
            observe=lambda snap: notify_response(api.profile, snap, None),
            fetch=self._fetch_quietly,
            wait=self.wait,
            policy=self._policy(True),
        )

    async def _reconnect(self, response_id: str, after: int | None) -> httpx.Response:
        return await self._open_replay(response_id, after, None)

    async def _open_replay(
        self, response_id: str, after: int | None, include: Sequence[str] | None
    ) -> httpx.Response:
        query: dict[str, Any] = {"stream": True, "starting_after": after}
        if include:
            query["include[]"] = list(include)
        return await self._api.request(
            "GET", f"/responses/{response_id}", query=query, headers=_sse_headers(None), stream=True
        )

    # --- stored responses -------------------------------------------------------------
    async def retrieve(self, response_id: str, *, include: Sequence[str] | None = None) -> Response:
        """``GET /responses/{id}``."""
        self._api.profile.require("retrieve")
        query = {"include[]": list(include)} if include else None
        data = await self._api.request_json("GET", f"/responses/{response_id}", query=query)
        response = self._api.parse(Response, data, what="response")
        notify_response(self._api.profile, response, None)
        return response

    async def _fetch_quietly(self, response_id: str) -> Response:
        if not self._api.profile.supports("retrieve"):
            raise LookupError("this profile cannot retrieve responses")
        return await self.retrieve(response_id)

    async def cancel(self, response_id: str) -> Response:
        """``POST /responses/{id}/cancel`` (background responses only)."""
        self._api.profile.require("cancel")
        data = await self._api.request_json("POST", f"/responses/{response_id}/cancel")
        response = self._api.parse(Response, data, what="response")
        notify_response(self._api.profile, response, None)
        return response

    async def delete(self, response_id: str) -> DeletedObject:
        """``DELETE /responses/{id}`` (also deletes a Manus task)."""
        self._api.profile.require("delete")
        data = await self._api.request_json("DELETE", f"/responses/{response_id}")
        notify_deleted(self._api.profile, response_id)
        if isinstance(data, dict):
            return DeletedObject.model_validate({"id": response_id, **data})
        return DeletedObject(id=response_id, object="response", deleted=True)

    def input_items(
        self,
        response_id: str,
        *,
        after: str | None = None,
        limit: int | None = None,
        order: Literal["asc", "desc"] | None = None,
        include: Sequence[str] | None = None,
    ) -> AsyncPager[Item]:
        """``GET /responses/{id}/input_items``, auto-paginating (``await`` it for one page)."""
        self._api.profile.require("input_items")
        _check_range("limit", limit, 1, 100)
        _check_choice("order", order, ("asc", "desc"))

        async def fetch(cursor: str | None) -> ListPage[Item]:
            query: dict[str, Any] = {"after": cursor, "limit": limit, "order": order}
            if include:
                query["include[]"] = list(include)
            data = await self._api.request_json(
                "GET", f"/responses/{response_id}/input_items", query=query
            )
            return _ITEMS_PAGE.validate_python(data)

        return AsyncPager(fetch, after=after)

    async def input_tokens(
        self,
        *,
        extra_body: Mapping[str, Any] | None = None,
        **params: Unpack[InputTokensParams],
    ) -> int:
        """``POST /responses/input_tokens``: how many input tokens the request would use."""
        self._api.profile.require("input_tokens")
        body = build_create_body(self._api, params, extra_body)
        for key in ("stream", "background", "store"):
            body.pop(key, None)
        data = await self._api.request_json("POST", "/responses/input_tokens", body=body)
        return InputTokens.model_validate(data).input_tokens

    async def wait(
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
        start = time.monotonic()
        slept = 0.0
        interval = poll_interval
        confirming = False
        last: Response | None = None
        while True:
            last = await self.retrieve(response_id)
            status = last.normalized_status
            if status == "cancelled" and not confirming:
                confirming = True
            elif last.is_terminal or status == "requires_input":
                return last
            else:
                confirming = False
            pause = interval
            if timeout is not None:
                elapsed = max(time.monotonic() - start, slept)
                if elapsed >= timeout:
                    raise WaitTimeoutError(
                        f"response {response_id} is still {last.status!r} after {elapsed:.1f}s;"
                        " call wait() again or give a larger timeout=",
                        response=last,
                    )
                pause = min(interval, timeout - elapsed)
            await self._api.sleep(pause)
            slept += pause
            interval = min(interval * 1.5, max_poll_interval)


def _sse_headers(extra: Mapping[str, str] | None) -> dict[str, str]:
    return {"Accept": "text/event-stream", **(extra or {})}


def _check_range(name: str, value: int | None, low: int, high: int) -> None:
    if value is not None and not low <= value <= high:
        raise ValueError(f"{name} must be between {low} and {high}, got {value}")


def _check_choice(name: str, value: str | None, choices: Sequence[str]) -> None:
    if value is not None and value not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {value!r}")
