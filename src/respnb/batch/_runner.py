"""Sending a batch's rows one request each: bounded, adaptive, retried, recorded as they finish.

:class:`RowRunner` runs on one asyncio loop. Workers take rows in order; every HTTP attempt
goes through the :class:`~respnb.batch._limiter.AdaptiveLimiter` (429s shrink the concurrency
and pause new requests for their ``Retry-After``). Transient errors (408/409/5xx, connection
errors, dropped streams) are retried per row with backoff, 429s up to ``rate_limit_retries``
times, and so is a response that came back ``failed`` with a code worth another attempt
(``server_error``, ``rate_limit_exceeded``, ``vector_store_timeout``); anything else is recorded
as the row's error. No row's failure stops the batch.

Every request carries ``Idempotency-Key: respnb-<batch>-<row>-<round>``: a retry, or the same
row sent again after an interrupt, is answered by the service with the first attempt's response
when it kept it. A retry after a failed response asks for a new answer, so its key gains
``-retry<n>`` (the same sequence of keys again after an interrupt). Results are written to the
batch store in groups every ``flush_every`` seconds and at the end (also when cancelled or
interrupted), so nothing finished is lost.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from .._base_client import AsyncAPIClient
from .._stream import AsyncResponseStream
from .._tool_loop import execute_call, follow_up_params, function_calls
from .._tools import FunctionTool
from ..resources._responses import build_create_body
from ..tasks.batch_store import BatchStore, RowResult
from ..types import Response
from ._limiter import AdaptiveLimiter
from ._outcome import EarlyEnd, backoff, classify, describe, result_of, retryable
from ._progress import BatchProgress
from ._spec import RowRequest

if TYPE_CHECKING:
    import httpx

__all__ = ["RowRunner", "RunConfig"]


@dataclass
class RunConfig:
    """How rows are sent."""

    concurrency: int = 16
    retries: int = 4
    """Retries of a row after a transient error (5xx, connection, dropped stream) or a
    response that failed with a retryable code (``server_error`` ...)."""
    rate_limit_retries: int = 30
    """Retries of a row after 429 answers."""
    stream: bool = False
    """Stream each response (SSE) instead of one JSON answer."""
    max_rows: int | None = None
    """Start at most this many rows, then stop (the rest stay pending for a re-run)."""
    flush_every: float = 0.25
    tick: float = 0.2
    """Seconds between progress notifications."""


class RowRunner:
    """Runs the pending rows of one batch on the current event loop."""

    def __init__(
        self,
        api: AsyncAPIClient,
        batch_id: str,
        rows: list[RowRequest],
        *,
        store: BatchStore,
        progress: BatchProgress,
        config: RunConfig,
        cancel: threading.Event,
        schema: type[BaseModel] | None = None,
        tools: Mapping[str, FunctionTool] | None = None,
        max_tool_rounds: int = 8,
    ) -> None:
        self.api = api
        self.batch_id = batch_id
        self.rows = rows
        self.store = store
        self.progress = progress
        self.config = config
        self.cancel = cancel
        self.schema = schema
        self.tools = dict(tools or {})
        self.max_tool_rounds = max_tool_rounds
        self.limiter = AdaptiveLimiter(config.concurrency)
        self.sent = 0
        """HTTP requests sent (attempts included)."""
        self._pending: list[RowResult] = []
        self._next = 0
        self._stopped_early = False

    # -- the run -------------------------------------------------------------------------------

    async def run(self) -> str:
        """Send every row; ``completed``, ``cancelled`` or ``stopped`` (``max_rows``)."""
        self.progress.status = "running"
        workers = [
            asyncio.get_running_loop().create_task(self._worker())
            for _ in range(min(self.config.concurrency, len(self.rows)))
        ]
        side = [asyncio.ensure_future(self._ticker()), asyncio.ensure_future(self._watch(workers))]
        try:
            outcomes = await asyncio.gather(*workers, return_exceptions=True)
            for outcome in outcomes:
                if isinstance(outcome, Exception):
                    raise outcome
        finally:
            for task in workers + side:
                task.cancel()
            await asyncio.gather(*workers, *side, return_exceptions=True)
            self.flush()
            self.progress.running = 0
        if self.cancel.is_set():
            return "cancelled"
        return "stopped" if self._stopped_early else "completed"

    def _take(self) -> RowRequest | None:
        if self.cancel.is_set() or self._next >= len(self.rows):
            return None
        if self.config.max_rows is not None and self._next >= self.config.max_rows:
            self._stopped_early = True
            return None
        row = self.rows[self._next]
        self._next += 1
        return row

    async def _worker(self) -> None:
        while (row := self._take()) is not None:
            self.progress.running += 1
            try:
                result = await self._row(row)
            finally:
                self.progress.running -= 1
            self._pending.append(result)
            self.progress.row_done(result.done, result.input_tokens, result.output_tokens)
            if not result.done:
                self.progress.row_error(row.label, result.error or result.status)

    async def _ticker(self) -> None:
        last_flush = time.monotonic()
        while True:
            await asyncio.sleep(self.config.tick)
            self.progress.concurrency = self.limiter.current
            if time.monotonic() - last_flush >= self.config.flush_every:
                self.flush()
                last_flush = time.monotonic()
            self.progress.changed()

    async def _watch(self, workers: list[asyncio.Task[None]]) -> None:
        """Stop the run when asked (from this kernel or, via the store, any other): rows in
        flight are abandoned and stay pending (a re-run sends them with the same key)."""
        checked = time.monotonic()
        while not self.cancel.is_set():
            await asyncio.sleep(0.05)
            if time.monotonic() - checked >= 0.5:
                checked = time.monotonic()
                if self.store.cancel_requested(self.batch_id):
                    self.cancel.set()
        for task in workers:
            task.cancel()

    def flush(self) -> None:
        batch, self._pending = self._pending, []
        self.store.record(self.batch_id, batch)

    # -- one row -------------------------------------------------------------------------------

    async def _row(self, row: RowRequest) -> RowResult:
        body = dict(row.body)
        usage = [0, 0, 0]
        attempts = 0
        response: Response | None = None
        for round_no in range(self.max_tool_rounds + 1):
            try:
                response, tries = await self._send(row, body, round_no)
            except Exception as exc:  # recorded, never fatal to the batch
                return RowResult(row.key, "failed", error=describe(exc), attempts=attempts + 1)
            attempts += tries
            if response.usage is not None:
                usage[0] += response.usage.input_tokens or 0
                usage[1] += response.usage.output_tokens or 0
                usage[2] += response.usage.total_tokens or 0
            calls = function_calls(response) if self.tools else []
            if not calls or round_no == self.max_tool_rounds:
                break
            outcomes = [await asyncio.to_thread(execute_call, c, self.tools) for c in calls]
            chain = body.get("store") is not False and self.api.profile.supports(
                "previous_response_id"
            )
            body = follow_up_params(body, response, outcomes, chain=chain)
        assert response is not None
        return result_of(
            row.key,
            response,
            schema=self.schema,
            attempts=attempts,
            usage=tuple(usage),  # type: ignore[arg-type]
        )

    async def _send(
        self, row: RowRequest, body: dict[str, Any], round_no: int
    ) -> tuple[Response, int]:
        """One request with the row's retries; the response and how many attempts it took."""
        key = f"respnb-{self.batch_id}-{row.key}-{round_no}"
        headers = {**row.headers, "Idempotency-Key": key}
        transient = rate = failed = 0
        while True:
            await self.limiter.acquire()
            try:
                self.sent += 1
                response = await self._request(body, headers)
            except Exception as exc:
                kind, after = classify(exc)
                if kind == "rate" and rate < self.config.rate_limit_retries:
                    rate += 1
                    self.limiter.on_rate_limited(after)
                    continue
                if kind == "transient" and transient + failed < self.config.retries:
                    transient += 1
                    await asyncio.sleep(after if after is not None else backoff(transient))
                    continue
                raise
            finally:
                self.limiter.release()
            if retryable(response) and transient + failed < self.config.retries:
                failed += 1  # the service failed it: a new attempt, under a new key
                headers["Idempotency-Key"] = f"{key}-retry{failed}"
                await asyncio.sleep(backoff(transient + failed))
                continue
            return response, transient + rate + failed + 1

    async def _request(self, body: dict[str, Any], headers: dict[str, str]) -> Response:
        full = build_create_body(self.api, body, None, stream=self.config.stream)
        if not self.config.stream:
            http = await self.api.request(
                "POST", "/responses", body=full, headers=headers, max_retries=0
            )
            self.limiter.on_success(http.headers)
            return self.api.parse(Response, http.json(), what="response")
        seen: list[httpx.Headers] = []

        async def connect() -> httpx.Response:
            http = await self.api.request(
                "POST", "/responses", body=full, headers=headers, stream=True, max_retries=0
            )
            seen.append(http.headers)
            return http

        stream = AsyncResponseStream(connect)
        async with stream:
            async for _ in stream:
                pass
        snap = stream.snapshot()
        if not snap.is_terminal:
            raise EarlyEnd("the stream ended before the response finished")
        self.limiter.on_success(seen[-1] if seen else None)
        return snap
