"""Responses: create, chain, store, retrieve, replay, cancel, delete, input items.

Live runs stay in memory (``ResponseService.runs``) until their final state is committed;
anything else is read from the store. ``store: false`` responses never touch the store and
are gone (404) once their run ends. ``previous_response_id`` chains give the engine every
earlier input and output item (``instructions`` are not carried); a ``conversation`` gives it
the conversation's items and receives this response's input and output when it finishes.
Manus ``task_id`` continues the same task (same id, sequence numbers go on); a Manus prompt
containing "ask me" leaves the task ``pending`` (waiting for the user) until continued.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from .conversations import Conversations, with_item_id
from .dialects import PRIVATE, Dialect
from .engine import EngineRequest, input_tokens_for, needs_input, pace_for
from .errors import ApiError, bad_request, not_found
from .faults import Fault
from .files import Files
from .inputs import fit, readable_files
from .response_record import UPSERT_RESPONSE, initial_response, response_row
from .runs import MAX_PACED_SECONDS, Run, StoredEvent, new_id
from .store import Store, dumps
from .strict import check_reasoning_model, check_strict
from .upstream import Upstream, UpstreamConfig
from .validation import validate_create
from .vector_stores import VectorStores
from .webhooks import WebhookSender

__all__ = ["ResponseService"]


class ResponseService:
    """Everything about responses except HTTP."""

    def __init__(
        self,
        store: Store,
        dialect: Dialect,
        files: Files,
        conversations: Conversations,
        pace: float | None,
        vector_stores: VectorStores | None = None,
        webhooks: WebhookSender | None = None,
        pace_limit: float = MAX_PACED_SECONDS,
        *,
        strict: bool = True,
        upstream: UpstreamConfig | None = None,
    ) -> None:
        self.strict = strict
        self.upstream = Upstream(upstream) if upstream is not None else None
        self.store = store
        self.dialect = dialect
        self.files = files
        self.conversations = conversations
        self.pace = pace
        self.pace_limit = pace_limit
        self.vector_stores = vector_stores
        self.webhooks = webhooks
        self.runs: dict[str, Run] = {}

    # ------------------------------------------------------------------ storage
    def persist_nowait(self, resp: dict[str, Any], last_seq: int) -> None:
        if resp.get("store", True):
            self.store.write_nowait(UPSERT_RESPONSE, response_row(resp, last_seq))

    async def load(self, rid: str) -> dict[str, Any] | None:
        """The internal response (live or stored), or None."""
        run = self.runs.get(rid)
        if run is not None:
            return run.resp
        row = await self.store.fetchone("SELECT data FROM responses WHERE id = ?", (rid,))
        return dict(json.loads(row[0])) if row else None

    async def get(self, rid: str) -> dict[str, Any]:
        resp = await self.load(rid)
        if resp is None:
            raise not_found("response", rid)
        return resp

    async def _last_seq(self, rid: str) -> int:
        row = await self.store.fetchone("SELECT last_seq FROM responses WHERE id = ?", (rid,))
        return int(row[0]) if row else -1

    async def input_items(self, rid: str) -> list[dict[str, Any]]:
        await self.get(rid)
        run = self.runs.get(rid)
        if run is not None and not run.resp.get("store", True):
            return list((run.resp.get(PRIVATE) or {}).get("input", []))
        if run is not None:
            await self.store.flush()  # its input rows may still be queued
        rows = await self.store.fetchall(
            "SELECT data FROM input_items WHERE response_id = ? ORDER BY idx", (rid,)
        )
        return [json.loads(r[0]) for r in rows]

    # ------------------------------------------------------------------ context
    async def _chain_history(self, prev_id: str) -> list[dict[str, Any]]:
        chain: list[dict[str, Any]] = []
        cur: str | None = prev_id
        while cur:
            resp = await self.load(cur)
            if resp is None:
                if cur == prev_id:
                    raise bad_request(
                        f"Previous response with id '{prev_id}' not found.",
                        "previous_response_id",
                        code="previous_response_not_found",
                    )
                break
            chain.append(resp)
            cur = resp.get("previous_response_id")
        history: list[dict[str, Any]] = []
        for resp in reversed(chain):
            history.extend(await self.input_items(resp["id"]))
            history.extend(i for i in resp.get("output") or [] if i.get("role") != "user")
        return history

    async def _context(self, body: dict[str, Any]) -> tuple[list[dict[str, Any]], str | None]:
        """(history, conversation id) for a validated body."""
        conv = body.get("conversation")
        if conv:
            conv_id = conv if isinstance(conv, str) else conv["id"]
            await self.conversations.get(conv_id)
            return await self.conversations.items(conv_id), conv_id
        if body.get("previous_response_id"):
            return await self._chain_history(body["previous_response_id"]), None
        return [], None

    async def _files(self, body: dict[str, Any], history: list[dict[str, Any]]) -> list[Any]:
        return await readable_files(body, history, self.files, self.vector_stores)

    async def input_tokens(self, raw: Any) -> int:
        body = validate_create(raw, for_tokens=True)
        history, _ = await self._context(body)
        req = EngineRequest(body=body, history=history, dialect=self.dialect.name)
        return input_tokens_for(req)

    # ------------------------------------------------------------------ create
    async def create(self, raw: Any, *, origin: str, fault: Fault | None) -> Run:
        """Validate, resolve context, persist the new response and start its run."""
        given_model = raw.get("model") if isinstance(raw, dict) else None
        body = await asyncio.to_thread(validate_create, raw)  # linear, but off the event loop
        if self.strict:
            check_strict(body, self.dialect.name)
            if self.upstream is None:
                check_reasoning_model(body)
            await self.files.check_inputs(body["input"], self.dialect.name)
        self.dialect.check_create(body)
        if self.upstream is not None:
            self.upstream.check(body)
        if body.get("task_id"):
            return await self._continue_task(body, origin=origin, fault=fault)
        history, conv_id = await self._context(body)
        background = self.dialect.runs_in_background(body)
        store = bool(body.get("store", True)) or background
        rid = new_id("resp")
        inputs = [with_item_id(i) for i in body["input"]]
        req = EngineRequest(
            body=body,
            history=history,
            files=await self._files(body, history),
            dialect=self.dialect.name,
            response_id=rid,
            origin=origin,
        )
        if not given_model and self.dialect.name != "manus":
            raise bad_request(  # as OpenAI: an empty body or one without a model is a 400
                "Missing required parameter: 'model'.", "model", code="missing_required_parameter"
            )
        fit(req, self.upstream is None)
        resp = initial_response(
            body,
            inputs,
            rid=rid,
            model=self.dialect.display_model(body, given_model),
            background=background,
            store=store,
            conv_id=conv_id,
        )
        if store:
            for idx, item in enumerate(inputs):
                self.store.write_nowait(
                    "INSERT OR REPLACE INTO input_items VALUES (?, ?, ?, ?)",
                    (rid, idx, item["id"], dumps(item)),
                )
            self.persist_nowait(resp, -1)
        run = Run(
            resp,
            req,
            dialect=self.dialect,
            origin=origin,
            store=self.store,
            record=store and (background or bool(body.get("stream"))),
            keep_events=background or bool(body.get("stream")),
            pace=pace_for(req, self.pace),
            pace_limit=self.pace_limit,
            fault=fault,
            final_status="requires_input" if needs_input(req) else "completed",
            on_status=lambda r: self.persist_nowait(r.resp, r.last_seq),
            on_complete=self._append_conversation,
            on_done=self._finish,
            producer=self.upstream,
        )
        self.runs[rid] = run
        run.start()
        return run

    async def _continue_task(
        self, body: dict[str, Any], *, origin: str, fault: Fault | None
    ) -> Run:
        """Manus: continue task ``task_id`` (same id) with new input."""
        rid = str(body["task_id"])
        live = self.runs.get(rid)
        if live is not None and not live.done:
            raise ApiError(
                409,
                f"Task '{rid}' is still running; wait until it is pending or "
                "completed before continuing it.",
                param="task_id",
            )
        if live is not None:
            await live.wait_stored()
        resp = await self.load(rid)
        if resp is None:
            raise not_found("task", rid, param="task_id")
        old_inputs = await self.input_items(rid)
        inputs = [with_item_id(i) for i in body["input"]]
        history = [*old_inputs, *(i for i in resp.get("output") or [] if i.get("role") != "user")]
        req = EngineRequest(
            body=body,
            history=history,
            files=await self._files(body, history),
            dialect=self.dialect.name,
            response_id=rid,
            origin=origin,
        )
        fit(req, self.upstream is None)
        for idx, item in enumerate(inputs, start=len(old_inputs)):
            self.store.write_nowait(
                "INSERT OR REPLACE INTO input_items VALUES (?, ?, ?, ?)",
                (rid, idx, item["id"], dumps(item)),
            )
        resp.update(status="in_progress", error=None, completed_at=None)
        run = Run(
            resp,
            req,
            dialect=self.dialect,
            origin=origin,
            store=self.store,
            record=True,
            pace=pace_for(req, self.pace),
            pace_limit=self.pace_limit,
            fault=fault,
            seq_start=await self._last_seq(rid) + 1,
            prefix_items=list(resp.get("output") or []),
            continuation=True,
            final_status="requires_input" if needs_input(req) else "completed",
            on_status=lambda r: self.persist_nowait(r.resp, r.last_seq),
            on_done=self._finish,
            producer=self.upstream,
        )
        self.runs[rid] = run
        run.start()
        return run

    async def _append_conversation(self, run: Run) -> None:
        """A finished response's input and output join its conversation."""
        conv = run.resp.get("conversation")
        if conv and run.resp.get("store", True):
            inputs = await self.input_items(run.id)
            await self.conversations.append(conv["id"], [*inputs, *run.resp.get("output", [])])

    async def _finish(self, run: Run) -> None:
        resp = run.resp
        try:
            if resp.get("store", True) and not run.deleted:
                self.persist_nowait(resp, run.last_seq)
                await self.store.flush()
            if self.webhooks is not None and run.background and not run.deleted:
                self.webhooks.response_finished(resp)  # once stored: receivers fetch it after
        finally:  # a failed store write must not leave the run live (the idle exit waits on it)
            if self.runs.get(run.id) is run:
                del self.runs[run.id]

    # ------------------------------------------------------------------ replay
    @staticmethod
    def check_streamable(resp: dict[str, Any]) -> None:
        """400 unless the response has recorded events (it was background or streamed)."""
        if not (resp.get(PRIVATE) or {}).get("recorded", True):
            raise bad_request(
                f"Response '{resp['id']}' was created without stream or background, so it has "
                "no events to stream; retrieve it without stream=true.",
                "stream",
            )

    async def events(self, rid: str, after: int | None) -> AsyncIterator[list[StoredEvent]]:
        """Stored then live events of ``rid`` with ``sequence_number > after``."""
        run = self.runs.get(rid)
        floor = run.seq_start if run is not None else None
        sql = "SELECT seq, type, data FROM events WHERE response_id = ? AND seq > ?"
        params: list[Any] = [rid, -1 if after is None else after]
        if floor is not None:
            sql += " AND seq < ?"
            params.append(floor)
        rows = await self.store.fetchall(sql + " ORDER BY seq", params)
        if rows:
            yield [(int(r[0]), str(r[1]), str(r[2])) for r in rows]
        if run is not None:
            async for batch in run.follow(after):
                yield batch

    # ------------------------------------------------------------------ cancel/delete
    async def cancel(self, rid: str) -> dict[str, Any]:
        resp = await self.get(rid)
        if not resp.get("background"):
            raise bad_request(
                "Only responses created with background=true can be cancelled.",
                code="not_background",
            )
        run = self.runs.get(rid)
        if run is not None and not run.done:
            run.cancel()
            await run.wait()
            return run.resp
        return resp

    async def delete(self, rid: str) -> dict[str, Any]:
        await self.get(rid)
        run = self.runs.get(rid)
        if run is not None:
            run.deleted = True
            run.cancel()
            await run.wait()
        for table, col in (
            ("events", "response_id"),
            ("input_items", "response_id"),
            ("responses", "id"),
        ):
            self.store.write_nowait(f"DELETE FROM {table} WHERE {col} = ?", (rid,))
        await self.store.flush()
        return {"id": rid, "object": "response", "deleted": True}

    async def shutdown(self) -> None:
        """Stop the live runs (stored as failed: ``server_stopped``) and wait for them."""
        for run in list(self.runs.values()):
            run.cancel(("server_stopped", "The local server stopped while this response ran."))
        for run in list(self.runs.values()):
            await run.wait_stored()
        if self.upstream is not None:
            await self.upstream.aclose()
