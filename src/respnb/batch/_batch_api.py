"""A batch through the provider's Batch API: JSONL files, ``/v1/batches``, polling, joining.

Pending rows become lines ``{custom_id: <row key>, method: "POST", url: "/v1/responses",
body}``, split into files of at most ``max_lines`` lines and ``max_bytes`` bytes (OpenAI's
limits: 50,000 and 200 MB), each uploaded with purpose ``batch`` and started as one provider
batch. Their ids are recorded with the job at once, so a re-run after an interrupt or a kernel
restart re-attaches to them (rows they cover are not sent again). Polling backs off from
``poll_interval`` to ``poll_max``. When a provider batch ends, its output file's lines are
joined back by ``custom_id`` and its error file's lines become the rows' errors; an ``expired``
or ``cancelled`` batch gives its partial results and leaves the rest failed (a re-run sends
them). Each provider batch is recorded in the task registry (``source="batch"``).
"""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ValidationError

from .._client import AsyncClient
from .._exceptions import APIStatusError, NotFoundError, RespnbError
from ..resources._responses import build_create_body
from ..tasks.batch_store import BatchStore, RowResult
from ..types import Response
from ..types.batches import Batch, BatchOutputLine
from ._outcome import result_of
from ._progress import BatchProgress
from ._spec import RowRequest

__all__ = ["MAX_BYTES", "MAX_LINES", "ApiConfig", "BatchApiRunner", "chunk_lines"]

MAX_LINES = 50_000
MAX_BYTES = 200 * 1024 * 1024
_NORMALIZED = {
    "completed": "completed",
    "failed": "failed",
    "expired": "incomplete",
    "cancelled": "cancelled",
}


@dataclass
class ApiConfig:
    max_lines: int = MAX_LINES
    max_bytes: int = MAX_BYTES
    poll_interval: float = 2.0
    poll_max: float = 60.0
    completion_window: str = "24h"
    metadata: dict[str, str] | None = None
    """Extra metadata of every provider batch (e.g. the local server's test hooks)."""


def chunk_lines(lines: list[bytes], max_lines: int, max_bytes: int) -> Iterator[list[bytes]]:
    """Group JSONL lines (each without its newline) into files within both limits."""
    chunk: list[bytes] = []
    size = 0
    for line in lines:
        if len(line) + 1 > max_bytes:
            raise ValueError(
                f"one request is {len(line) + 1:,} bytes, more than a batch file may hold "
                f"({max_bytes:,}): shorten that row's prompt."
            )
        if chunk and (len(chunk) >= max_lines or size + len(line) + 1 > max_bytes):
            yield chunk
            chunk, size = [], 0
        chunk.append(line)
        size += len(line) + 1
    if chunk:
        yield chunk


class BatchApiRunner:
    """Runs one job's pending rows through ``client.batches`` on the current loop."""

    def __init__(
        self,
        client: AsyncClient,
        batch_id: str,
        rows: list[RowRequest],
        *,
        store: BatchStore,
        progress: BatchProgress,
        config: ApiConfig,
        cancel: threading.Event,
        schema: type[BaseModel] | None = None,
        title: str = "",
    ) -> None:
        self.client = client
        self.batch_id = batch_id
        self.rows = {r.key: r for r in rows}
        self.store = store
        self.progress = progress
        self.config = config
        self.cancel = cancel
        self.schema = schema
        self.title = title
        self.created: list[str] = []
        """Provider batches this run started."""

    async def run(self) -> str:
        """``completed``, ``cancelled`` or ``expired`` (some rows left failed by the provider)."""
        attached: list[str] = []
        covered: set[str] = set()
        for pid in self.store.provider_batches(self.batch_id):
            try:
                covered |= await self._custom_ids(pid)
            except NotFoundError:  # gone on the service (another server, deleted): resend
                self.store.drop_provider_batch(self.batch_id, pid)
                continue
            attached.append(pid)
        todo = [r for k, r in self.rows.items() if k not in covered]
        self.progress.running = len(covered & set(self.rows))
        ids = list(attached)
        if todo and not self.cancel.is_set():
            ids += await self._submit(todo)
        status = "completed"
        for outcome in await asyncio.gather(*(self._follow(pid) for pid in ids)):
            if outcome == "cancelled":
                status = "cancelled"
            elif outcome != "completed" and status == "completed":
                status = outcome
        return "cancelled" if self.cancel.is_set() else status

    async def _custom_ids(self, pid: str) -> set[str]:
        batch = await self.client.batches.retrieve(pid)
        if not batch.input_file_id:
            return set()
        raw = await self.client.files.content(batch.input_file_id)
        return {json.loads(line)["custom_id"] for line in raw.splitlines() if line.strip()}

    async def _submit(self, todo: list[RowRequest]) -> list[str]:
        api = self.client._api
        lines = [
            json.dumps(
                {
                    "custom_id": row.key,
                    "method": "POST",
                    "url": "/v1/responses",
                    "body": build_create_body(api, row.body, None),
                },
                separators=(",", ":"),
                ensure_ascii=False,
            ).encode("utf-8")
            for row in todo
        ]
        ids: list[str] = []
        chunks = list(chunk_lines(lines, self.config.max_lines, self.config.max_bytes))
        for n, chunk in enumerate(chunks, start=1):
            self.progress.detail = f"uploading file {n}/{len(chunks)}"
            self.progress.changed()
            name = f"{self.batch_id}-{n}.jsonl"
            file = await self.client.files.create(
                file=(name, b"\n".join(chunk) + b"\n"), purpose="batch"
            )
            try:
                batch = await self.client.batches.create(
                    input_file_id=file.id,
                    endpoint="/v1/responses",
                    completion_window=self.config.completion_window,
                    metadata={"respnb_batch": self.batch_id, **(self.config.metadata or {})},
                )
            except NotFoundError as exc:
                raise RespnbError(
                    f"the service at {self.client.base_url} has no Batch API (POST /batches "
                    f"answered 404: {exc.message}); use mode='rows'."
                ) from None
            self.store.add_provider_batch(self.batch_id, batch.id)
            self.created.append(batch.id)
            self._record_task(batch, len(chunk))
            ids.append(batch.id)
            self.progress.running += len(chunk)
        return ids

    async def _follow(self, pid: str) -> str:
        delay = self.config.poll_interval
        cancel_sent = False
        batch = await self.client.batches.retrieve(pid)
        while not batch.is_terminal:
            if self.store.cancel_requested(self.batch_id):  # asked from another kernel too
                self.cancel.set()
            if self.cancel.is_set() and not cancel_sent:
                cancel_sent = True
                if batch.status != "cancelling":
                    try:
                        batch = await self.client.batches.cancel(pid)
                    except APIStatusError as exc:  # it finished meanwhile: join it as it is
                        self.progress.detail = f"{pid}: not cancelled ({exc.message})"
            self._show(batch)
            await self._sleep(delay)
            delay = min(delay * 1.5, self.config.poll_max)
            batch = await self.client.batches.retrieve(pid)
        self._show(batch)
        await self._join(batch)
        self._record_task(batch, None)
        self.store.drop_provider_batch(self.batch_id, pid)
        return batch.status or "failed"

    async def _sleep(self, seconds: float) -> None:
        end = time.monotonic() + seconds
        while time.monotonic() < end and not self.cancel.is_set():
            await asyncio.sleep(min(0.05, end - time.monotonic()))

    def _show(self, batch: Batch) -> None:
        counts = batch.request_counts
        done = f" {counts.completed + counts.failed}/{counts.total}" if counts else ""
        self.progress.detail = f"{batch.id}: {batch.status}{done}"
        self.progress.changed()

    async def _join(self, batch: Batch) -> None:
        results: list[RowResult] = []
        for fid, is_error in ((batch.output_file_id, False), (batch.error_file_id, True)):
            if not fid:
                continue
            raw = await self.client.files.content(fid)
            for text in raw.splitlines():
                if text.strip():
                    results.append(self._line_result(text, is_error))
        if batch.status == "failed" and batch.errors is not None and not results:
            message = "; ".join(str(e.get("message")) for e in batch.errors.data[:3])
            results = [RowResult(k, "failed", error=f"batch failed: {message}") for k in self.rows]
        self.store.record(self.batch_id, results)
        for r in results:
            if r.row_key not in self.rows:
                continue
            self.progress.running = max(0, self.progress.running - 1)
            self.progress.row_done(r.done, r.input_tokens, r.output_tokens)
            if not r.done:
                self.progress.row_error(self.rows[r.row_key].label, r.error or r.status)
        self.progress.changed()

    def _line_result(self, text: bytes, is_error: bool) -> RowResult:
        try:
            line = BatchOutputLine.model_validate_json(text)
        except ValidationError as exc:
            return RowResult("?", "failed", error=f"unreadable batch line: {exc}")
        if line.error:
            message = f"{line.error.get('code')}: {line.error.get('message')}"
            return RowResult(line.custom_id, "failed", error=message)
        resp: dict[str, Any] = line.response or {}
        body = resp.get("body")
        status_code = resp.get("status_code", 0)
        if is_error or not isinstance(body, dict) or status_code >= 400:
            err = body.get("error") if isinstance(body, dict) else None
            message = str(err.get("message")) if isinstance(err, dict) else str(body)
            return RowResult(line.custom_id, "failed", error=f"HTTP {status_code}: {message}")
        try:
            response = Response.model_validate(body)
        except ValidationError as exc:
            return RowResult(line.custom_id, "failed", error=f"unreadable response: {exc}")
        return result_of(line.custom_id, response, schema=self.schema, attempts=1)

    def _record_task(self, batch: Batch, lines: int | None) -> None:
        """Show the provider batch on the TaskBoard (a row of the task registry)."""
        from ..tasks import shared_registry

        values: dict[str, Any] = {
            "profile": self.client.profile.name,
            "base_url": self.client.profile.base_url,
            "status": batch.status,
            "normalized_status": _NORMALIZED.get(batch.status or "", "batch_running"),
            "created_at": float(batch.created_at) if batch.created_at else time.time(),
            "source": "batch",
            "background": True,
        }
        if lines is not None:
            values["title"] = f"batch {self.batch_id}: {lines} rows"[:80]
            values["prompt"] = self.title
        if batch.is_terminal:
            values["completed_at"] = time.time()
            counts = batch.request_counts
            if counts is not None and counts.failed:
                values["error"] = f"{counts.failed} of {counts.total} requests failed"
        try:
            shared_registry().upsert(batch.id, values, fresh=lines is not None)
        except Exception as exc:  # the board is a view: never fail the batch for it
            self.progress.row_error("-", f"task registry: {exc}")
