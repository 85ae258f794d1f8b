"""How :class:`~respnb._stream.AsyncResponseStream` carries on when a stream goes wrong (and
tells its observer when it starts and ends).

A mixin of the stream: re-sending a create cut before its id arrived (same Idempotency-Key),
following a JSON answer (resume once, else ``responses.wait``), asking the server whether a
stream that ended without a terminal event is over, reconnecting after a drop, and building
the :class:`~respnb._exceptions.StreamInterruptedError` with advice that fits the policy.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import httpx

from ._exceptions import APIError, StreamError, StreamInterruptedError
from ._stream_policy import StreamPolicy, advice, lifecycle_event_for
from .types import Response, StreamEvent

if TYPE_CHECKING:
    from ._accumulator import ResponseAccumulator
    from ._retry import Sleep

__all__ = ["StreamRecovery"]

log = logging.getLogger("respnb.client")


class StreamRecovery:
    """The recovery half of a stream (state lives in the stream's ``__init__``)."""

    policy: StreamPolicy
    auto_resume: bool
    max_resumes: int
    resumes: int
    terminal_event: StreamEvent | None
    _acc: ResponseAccumulator
    _http: httpx.Response | None
    _request: httpx.Request | None
    _connect: Callable[[], Awaitable[httpx.Response]]
    _reconnect: Callable[[str, int | None], Awaitable[httpx.Response]] | None
    _fetch: Callable[[str], Awaitable[Response]] | None
    _wait: Callable[[str], Awaitable[Response]] | None
    _sleep: Sleep | None
    _floor: int | None
    _finished: bool
    _closed: bool
    _create_retries: int
    _json_reconnects: int
    _observe: Callable[[Response], None] | None
    _started: bool
    _ended: bool

    @property
    def response_id(self) -> str | None:
        raise NotImplementedError

    @property
    def cursor(self) -> int | None:
        raise NotImplementedError

    def snapshot(self) -> Response:
        raise NotImplementedError

    async def _drop_http(self) -> None:
        raise NotImplementedError

    async def _retry_create(self, dropped: Exception | None) -> bool:
        """A create cut before its id arrived: send it again (same Idempotency-Key)."""
        if (
            dropped is None
            or self.response_id is not None
            or not self.policy.retry_create
            or self._closed
            or self._create_retries >= 2
        ):
            return False
        self._create_retries += 1
        self._floor = self.cursor
        try:
            self._http = await self._connect()
        except APIError as exc:
            self._finished = True
            raise self._interrupted(dropped, exc) from dropped
        return True

    def _interrupted(
        self, dropped: BaseException | None, resume_error: BaseException | None
    ) -> StreamInterruptedError:
        early = " before the response id arrived" if self.response_id is None else ""
        what = (
            f"the stream dropped{early}: {type(dropped).__name__}: {dropped}"
            if dropped is not None
            else "the stream ended before its response finished"
        )
        if resume_error is not None:
            verb = "sending it again" if self.response_id is None else "resuming it"
            what += f"; {verb} failed: {type(resume_error).__name__}: {resume_error}"
        elif self.response_id is None and self.policy.retry_create and self._create_retries:
            what += f" (sent again {self._create_retries} time(s) with its Idempotency-Key)"
        return StreamInterruptedError(
            f"{what}. {advice(self.policy, self.response_id, self.cursor)}",
            request=self._request,
            snapshot=self.snapshot(),
            response_id=self.response_id,
            cursor=self.cursor,
            resume_error=resume_error,
        )

    async def _follow_json(self) -> StreamEvent | None:
        """A non-terminal JSON answer: resume once if the server can, else wait for the end.

        Returns the final event, or None when a resumed stream was opened (read it next).
        """
        rid = self.response_id
        if rid is None:
            raise StreamError(
                "the server answered the streaming request with an unfinished response as JSON "
                "and no id, so it cannot be followed; send the request without stream=True.",
                text="",
            )
        if self.policy.can_resume and self._reconnect is not None and not self._json_reconnects:
            self._json_reconnects += 1
            self._floor = self.cursor
            try:
                self._http = await self._reconnect(rid, self.cursor)
            except APIError:
                self._http = None  # resuming is not offered after all: wait instead
            else:
                return None
        if self._wait is None or not self.policy.can_retrieve:
            self._finished = True
            status = self.snapshot().status
            raise StreamError(
                f"the server answered the streaming request with response {rid!r} still "
                f"{status!r} (JSON, not a stream) and this profile can neither resume nor "
                f"retrieve it; follow it with responses.wait({rid!r}) where retrieving works.",
                text="",
            )
        final = await self._wait(rid)
        return self._feed_final(final)

    def _feed_final(self, response: Response) -> StreamEvent:
        event = lifecycle_event_for(response)
        self._acc.feed(event)
        self._finished = True
        self.terminal_event = event
        self._notify_start()
        return event

    async def _json_answer(self, http: httpx.Response) -> StreamEvent:
        """A server that ignored ``stream=true`` sent the whole Response as JSON: feed it."""
        try:
            raw = await http.aread()
        finally:
            await self._drop_http()
        try:
            response = Response.model_validate_json(raw)
        except ValueError as exc:
            text = raw.decode("utf-8", "replace")
            raise StreamError(
                f"expected a stream, got undecodable JSON: {exc}", text=text
            ) from None
        if response.is_terminal or response.normalized_status == "requires_input":
            return self._feed_final(response)
        event = lifecycle_event_for(response)
        self._acc.feed(event)
        self._notify_start()
        return event

    async def _ended_without_event(self) -> StreamEvent | None:
        """A clean EOF with no terminal event: ask the server whether the response ended.

        Cancellation has no stream event (protocol.md §3), so a cancelled background response's
        stream just ends; retrieving it tells, and saves pointless reconnects.
        """
        rid = self.response_id
        if not self.auto_resume or self._fetch is None or rid is None or self._closed:
            return None
        try:
            response = await self._fetch(rid)
        except Exception:  # the reconnect path reports real trouble
            return None
        if not response.is_terminal and response.normalized_status != "requires_input":
            return None
        return self._feed_final(response)

    async def _try_resume(self) -> bool:
        rid = self.response_id
        if (
            not self.auto_resume
            or self._reconnect is None
            or rid is None
            or self._closed
            or self.resumes >= self.max_resumes
        ):
            return False
        if self._sleep is not None and self.resumes:
            await self._sleep(min(0.5 * 2.0 ** (self.resumes - 1), 8.0))
        self.resumes += 1
        self._floor = self.cursor
        self._http = await self._reconnect(rid, self.cursor)
        return True

    def _notify_start(self) -> None:
        if self._started or self._observe is None or not self.response_id:
            return
        self._started = True
        self._safe_observe()

    def _notify_end(self) -> None:
        if self._observe is None or self._ended or not self.response_id:
            return
        self._ended = True
        self._safe_observe()

    def _safe_observe(self) -> None:
        assert self._observe is not None
        try:
            self._observe(self.snapshot())
        except Exception:  # observers never break a stream
            log.exception("stream observer failed")
