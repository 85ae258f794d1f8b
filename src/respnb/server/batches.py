"""The local server's Batch API: JSONL files of ``/v1/responses`` requests run in the background.

``create`` checks the input file (purpose ``batch``, one JSON object per line with a unique
``custom_id``, ``method: POST``, ``url: /v1/responses`` and a ``body``): a malformed file makes
the batch ``failed`` with ``errors.data`` naming the lines. Otherwise the batch goes
``validating`` -> ``in_progress`` (requests run through the response service, 16 at a time) ->
``finalizing`` (the output and error files are written, purpose ``batch_output``) ->
``completed``. A request the service refuses lands in the error file with its status code and
error body; a cancelled batch keeps what finished (``cancelling`` -> ``cancelled``).

Test hooks (batch ``metadata``): ``respnb_expire_after=N`` makes the batch ``expired`` after N
requests ran (their results in the output file, the others in the error file with code
``batch_expired``); ``respnb_request_delay=S`` waits S seconds before each request.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import secrets
import time
from typing import Any

from .errors import ApiError, bad_request, not_found
from .files import Files
from .service import ResponseService
from .store import Store, dumps

__all__ = ["BatchService"]

_TERMINAL = ("completed", "failed", "expired", "cancelled")
_CONCURRENCY = 16
_EXPIRED = {
    "code": "batch_expired",
    "message": "This request could not be executed before the completion window expired.",
}
_CANCELLED = {
    "code": "batch_cancelled",
    "message": "This request was not executed: the batch was cancelled.",
}


def _line_error(line: int, message: str, code: str = "invalid_request") -> dict[str, Any]:
    return {"code": code, "message": message, "param": None, "line": line}


def parse_input(content: bytes) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """``(requests, errors)`` of a batch input file."""
    requests: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    seen: set[str] = set()
    for n, raw in enumerate(content.decode("utf-8", errors="replace").splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            errors.append(_line_error(n, f"Line {n} is not valid JSON.", "invalid_json_line"))
            continue
        if not isinstance(obj, dict):
            errors.append(_line_error(n, f"Line {n} is not a JSON object."))
            continue
        cid = obj.get("custom_id")
        if not isinstance(cid, str) or not cid:
            errors.append(
                _line_error(n, f"Line {n} has no custom_id.", "missing_required_parameter")
            )
        elif cid in seen:
            errors.append(
                _line_error(n, f"Line {n}: duplicate custom_id '{cid}'.", "duplicate_custom_id")
            )
        if obj.get("url") != "/v1/responses":
            errors.append(_line_error(n, f"Line {n}: url must be '/v1/responses'.", "invalid_url"))
        if str(obj.get("method", "")).upper() != "POST":
            errors.append(_line_error(n, f"Line {n}: method must be 'POST'.", "invalid_method"))
        if not isinstance(obj.get("body"), dict):
            errors.append(_line_error(n, f"Line {n} has no JSON object 'body'."))
        if isinstance(cid, str):
            seen.add(cid)
        requests.append(obj)
    if not requests and not errors:
        errors.append(_line_error(0, "The input file has no requests.", "empty_file"))
    return requests, errors


class BatchService:
    """Batches of one server: records in the store, runs as asyncio tasks."""

    def __init__(self, store: Store, files: Files, responses: ResponseService) -> None:
        self.store = store
        self.files = files
        self.responses = responses
        self.batches: dict[str, dict[str, Any]] = {}
        self._tasks: dict[str, asyncio.Task[None]] = {}
        self._cancel: set[str] = set()
        self._table = False

    async def _ensure_table(self) -> None:
        if not self._table:
            await self.store.write(
                "CREATE TABLE IF NOT EXISTS batches "
                "(id TEXT PRIMARY KEY, created_at REAL NOT NULL, data TEXT NOT NULL)"
            )
            self._table = True

    async def _save(self, batch: dict[str, Any]) -> None:
        await self._ensure_table()
        await self.store.write(
            "INSERT OR REPLACE INTO batches VALUES (?, ?, ?)",
            (batch["id"], batch["created_at"], dumps(batch)),
        )

    async def _set(self, batch: dict[str, Any], status: str) -> None:
        batch["status"] = status
        stamp = {"in_progress": "in_progress_at", "finalizing": "finalizing_at"}.get(status)
        stamp = stamp or f"{status}_at"
        if stamp in batch:
            batch[stamp] = int(time.time())
        await self._save(batch)

    # ------------------------------------------------------------------ API
    async def create(self, body: Any, origin: str) -> dict[str, Any]:
        if not isinstance(body, dict):
            raise bad_request("The request body must be a JSON object.")
        fid = body.get("input_file_id")
        if not isinstance(fid, str) or not fid:
            raise bad_request("Missing required parameter: 'input_file_id'.", "input_file_id")
        endpoint = body.get("endpoint")
        if endpoint != "/v1/responses":
            raise bad_request(
                f"Unsupported endpoint {endpoint!r}: this server batches '/v1/responses'.",
                "endpoint",
            )
        window = body.get("completion_window", "24h")
        if window != "24h":
            raise bad_request("completion_window must be '24h'.", "completion_window")
        meta = body.get("metadata") or {}
        if not isinstance(meta, dict):
            raise bad_request("metadata must be an object of strings.", "metadata")
        record = await self.files.get(fid)
        if record.get("purpose") != "batch":
            raise bad_request(
                f"File {fid} has purpose {record.get('purpose')!r}; "
                "upload it with purpose 'batch'.",
                "input_file_id",
            )
        content = await self.files.content(fid)
        now = int(time.time())
        batch: dict[str, Any] = {
            "id": "batch_" + secrets.token_hex(12),
            "object": "batch",
            "endpoint": endpoint,
            "errors": None,
            "input_file_id": fid,
            "completion_window": window,
            "status": "validating",
            "output_file_id": None,
            "error_file_id": None,
            "created_at": now,
            "in_progress_at": None,
            "expires_at": now + 24 * 3600,
            "finalizing_at": None,
            "completed_at": None,
            "failed_at": None,
            "expired_at": None,
            "cancelling_at": None,
            "cancelled_at": None,
            "request_counts": {"total": 0, "completed": 0, "failed": 0},
            "metadata": meta,
        }
        self.batches[batch["id"]] = batch
        await self._save(batch)
        task = asyncio.get_running_loop().create_task(self._run(batch, content, origin))
        self._tasks[batch["id"]] = task
        task.add_done_callback(lambda _t: self._tasks.pop(batch["id"], None))
        return dict(batch)

    async def get(self, bid: str) -> dict[str, Any]:
        if bid in self.batches:
            return dict(self.batches[bid])
        await self._ensure_table()
        row = await self.store.fetchone("SELECT data FROM batches WHERE id = ?", (bid,))
        if row is None:
            raise not_found("batch", bid)
        batch: dict[str, Any] = json.loads(row[0])
        if batch.get("status") not in _TERMINAL:  # the server restarted while it ran
            batch["status"] = "failed"
            batch["errors"] = {
                "object": "list",
                "data": [_line_error(0, "The server restarted.", "server_restarted")],
            }
        return batch

    async def list(self) -> list[dict[str, Any]]:
        await self._ensure_table()
        rows = await self.store.fetchall("SELECT data FROM batches ORDER BY created_at, id")
        out = [json.loads(r[0]) for r in rows]
        return [dict(self.batches.get(b["id"], b)) for b in out]

    async def cancel(self, bid: str) -> dict[str, Any]:
        batch = self.batches.get(bid)
        if batch is None:
            await self.get(bid)  # 404 when unknown
            raise ApiError(
                400,
                f"Batch {bid} is not running; it cannot be cancelled.",
                code="batch_not_running",
            )
        if batch["status"] in _TERMINAL:
            raise ApiError(
                400,
                f"Cannot cancel a batch with status '{batch['status']}'.",
                code="batch_not_running",
            )
        self._cancel.add(bid)
        if batch["status"] != "cancelling":
            await self._set(batch, "cancelling")
        return dict(batch)

    async def shutdown(self) -> None:
        for task in list(self._tasks.values()):
            task.cancel()
            with contextlib.suppress(BaseException):
                await task

    # ------------------------------------------------------------------ running
    async def _run(self, batch: dict[str, Any], content: bytes, origin: str) -> None:
        requests, errors = parse_input(content)
        if errors:
            batch["errors"] = {"object": "list", "data": errors[:100]}
            await self._set(batch, "failed")
            return
        counts = batch["request_counts"]
        counts["total"] = len(requests)
        await self._set(batch, "in_progress")
        meta = batch["metadata"]
        expire_after = int(meta["respnb_expire_after"]) if "respnb_expire_after" in meta else None
        delay = float(meta.get("respnb_request_delay", 0) or 0)
        outputs: list[str] = []
        failures: list[str] = []
        started = 0
        sem = asyncio.Semaphore(_CONCURRENCY)
        stop = asyncio.Event()

        async def one(req: dict[str, Any]) -> None:
            nonlocal started
            async with sem:
                if stop.is_set() or batch["id"] in self._cancel:
                    stop.set()
                    return
                if expire_after is not None and started >= expire_after:
                    stop.set()
                    return
                started += 1
                req["_ran"] = True
                if delay:
                    await asyncio.sleep(delay)
                line, ok = await self._execute(req, origin)
                (outputs if ok else failures).append(line)
                counts["completed" if ok else "failed"] += 1

        await asyncio.gather(*(one(r) for r in requests))
        cancelled = batch["id"] in self._cancel
        expired = not cancelled and expire_after is not None and started < len(requests)
        if not cancelled:
            await self._set(batch, "finalizing")
        for req in requests:
            if not req.get("_ran"):
                reason = _CANCELLED if cancelled else _EXPIRED
                failures.append(
                    dumps(
                        {
                            "id": "batch_req_" + secrets.token_hex(12),
                            "custom_id": req["custom_id"],
                            "response": None,
                            "error": reason,
                        }
                    )
                )
        if outputs:
            rec = await self.files.create(
                f"{batch['id']}_output.jsonl", "batch_output", ("\n".join(outputs) + "\n").encode()
            )
            batch["output_file_id"] = rec["id"]
        if failures:
            rec = await self.files.create(
                f"{batch['id']}_error.jsonl", "batch_output", ("\n".join(failures) + "\n").encode()
            )
            batch["error_file_id"] = rec["id"]
        self._cancel.discard(batch["id"])
        await self._set(batch, "cancelled" if cancelled else "expired" if expired else "completed")

    async def _execute(self, req: dict[str, Any], origin: str) -> tuple[str, bool]:
        rid = "batch_req_" + secrets.token_hex(12)
        request_id = "req_" + secrets.token_hex(16)
        body = dict(req["body"])
        body.pop("stream", None)
        body.pop("background", None)
        try:
            run = await self.responses.create(body, origin=origin, fault=None)
            await run.wait()
            view = self.responses.dialect.view(run.snapshot(), origin)
        except ApiError as exc:
            response = {"status_code": exc.status, "request_id": request_id, "body": exc.body()}
            return dumps(
                {"id": rid, "custom_id": req["custom_id"], "response": response, "error": None}
            ), False
        response = {"status_code": 200, "request_id": request_id, "body": view}
        return dumps(
            {"id": rid, "custom_id": req["custom_id"], "response": response, "error": None}
        ), True
