"""The render state of one response, and the patches that keep a front end in step with it.

Jupyter-free: ``notebook.view.ResponseView`` ships these patches to the browser, and plain Python
can read the state (``state.text``, ``state.blocks``, ``state.header``, ``state.usage``).

A patch is a small JSON-ready dict; every op names the block (``index`` = ``output_index``):

* ``{op:"item", index, item, done}`` — a new item (its full JSON); a finished item that the view
  already holds only sends what changed, so streamed text never travels twice;
* ``{op:"delta", index, field, part, delta}`` — text appended; ``field`` is ``text`` / ``refusal``
  (``item.content[part]``), ``summary`` (``item.summary[part]``), ``reasoning``
  (``item.content[part]``, raw reasoning), or ``arguments`` / ``code`` / ``input`` (an item field);
* ``{op:"part", index, field, part, value}`` — keys merged into ``item[field][part]`` (``field`` is
  ``content`` or ``summary``; a part added, or corrected by a ``.done`` event);
* ``{op:"annotation", index, part, annotation}`` — a citation appended to an output_text part;
* ``{op:"set", index, key, value, unset?}`` — one item field replaced (status, a partial image,
  ...), or removed when ``unset`` is true;
* ``{op:"done", index}`` — the item is finished (its changed fields came just before);
* ``{op:"header", ...}``, ``{op:"usage", ...}``, ``{op:"error", code, message}``.

:class:`Coalescer` (from ``respnb._coalescer``) batches patches for the wire. The blocks, the
part edits and the item diff behind these patches are in :mod:`respnb._view_items`; this module
is the state machine that folds events and Responses into them.
"""

from __future__ import annotations

from collections.abc import Iterable
from copy import deepcopy
from dataclasses import dataclass, field
from typing import Any

from ._coalescer import Coalescer, Patch
from ._pricing import response_cost
from ._view_items import (
    DELTA_EVENTS,
    DELTA_FIELDS,
    DONE_EVENTS,
    MISSING,
    PART_EVENTS,
    PART_KEY,
    PHASES,
    Block,
    diff_item,
    item_part,
    part_index,
)
from .types import Response, ResponseError, StreamEvent, normalize_status

__all__ = ["Coalescer", "Patch", "ResponseViewState"]


@dataclass
class ResponseViewState:
    """Header, ordered blocks, usage and error of one response; :meth:`apply` returns patches."""

    profile: str | None = None
    model: str | None = None
    header: dict[str, Any] = field(default_factory=dict)
    usage: dict[str, Any] = field(default_factory=dict)
    error: dict[str, Any] | None = None
    response: Response | None = None
    _blocks: dict[int, Block] = field(default_factory=dict, repr=False)
    offset: int = 0  # where the current request's output_index 0 goes (tool-loop rounds)

    def __post_init__(self) -> None:
        self.header.setdefault("profile", self.profile)
        self.header.setdefault("model", self.model)
        self.header.setdefault("status", None)
        self.header.setdefault("status_raw", None)

    # ------------------------------------------------------------------ reading
    @property
    def blocks(self) -> list[Block]:
        """The blocks in output order."""
        return [self._blocks[i] for i in sorted(self._blocks)]

    @property
    def text(self) -> str:
        """All assistant message text (markdown), joined."""
        return "".join(
            b.text for b in self.blocks if b.kind == "message" and b.item.get("role") != "user"
        )

    @property
    def status(self) -> str | None:
        """The normalized status (``in_progress``, ``completed``, ``requires_input``, ...)."""
        status = self.header.get("status")
        return status if isinstance(status, str) else None

    def snapshot_blocks(self) -> list[dict[str, Any]]:
        """Every block as JSON, for a full resync of a front end."""
        return [b.to_json() for b in self.blocks]

    # ------------------------------------------------------------------ building
    @classmethod
    def from_response(cls, response: Response, *, profile: str | None = None) -> ResponseViewState:
        """The state of a finished (or polled) response."""
        state = cls(profile=profile, model=response.model)
        state._apply_response(response, [])
        for i, item in enumerate(response.output):
            dumped = item.to_dict() if hasattr(item, "to_dict") else dict(item)
            state._blocks[i] = Block(i, str(dumped.get("type") or "unknown"), dumped, done=True)
        return state

    def apply_all(self, events: Iterable[StreamEvent]) -> list[Patch]:
        """Apply several events; the concatenated patches."""
        out: list[Patch] = []
        for event in events:
            out.extend(self.apply(event))
        return out

    def apply(self, event: StreamEvent) -> list[Patch]:
        """Fold one stream event into the state; the patches a front end needs to follow."""
        kind = event.type
        out: list[Patch] = []
        spec = DELTA_EVENTS.get(kind)
        if spec is not None:
            delta = getattr(event, "delta", "") or ""
            fld, implicit = spec
            index = self._at(event)
            part = part_index(event)
            block = self._ensure(index, implicit, out)
            self._append(block, fld, part, delta)
            if delta:
                out.append(
                    {"op": "delta", "index": index, "field": fld, "part": part, "delta": delta}
                )
            return out
        done = DONE_EVENTS.get(kind)
        if done is not None:
            fld, key, implicit = done
            index = self._at(event)
            block = self._ensure(index, implicit, out)
            self._settle(block, fld, part_index(event), str(getattr(event, key, "") or ""), out)
            return out
        if kind.startswith("response.output_item."):
            self._on_item(event, kind.endswith(".done"), out)
        elif kind in PART_EVENTS:
            self._on_part(event, PART_EVENTS[kind], out)
        elif kind == "response.output_text.annotation.added":
            self._on_annotation(event, out)
        elif kind == "error":
            err = event.as_error() if hasattr(event, "as_error") else ResponseError()
            self._set_error(err, out)
        elif kind == "response.image_generation_call.partial_image":
            index = self._at(event)
            block = self._ensure(index, "image_generation_call", out)
            self._set(block, "partial_image_b64", getattr(event, "partial_image_b64", ""), out)
        elif isinstance(getattr(event, "response", None), Response):
            self._apply_response(event.response, out)  # type: ignore[attr-defined]
        elif kind.count(".") == 2 and kind.rsplit(".", 1)[1] in PHASES:
            # hosted tool progress: response.<tool>.<phase>
            index = self._at(event)
            block = self._ensure(index, kind.split(".")[1], out)
            self._set(block, "status", kind.rsplit(".", 1)[1], out)
        return out

    def apply_response(self, response: Response) -> list[Patch]:
        """Fold a whole Response (a poll result, the final one) into the state; its output
        items replace the blocks at the same positions."""
        out: list[Patch] = []
        self._apply_response(response, out, reconcile=True)
        return out

    def set_error(self, message: str, code: str | int | None = None) -> list[Patch]:
        """Record an error raised outside the stream (a transport error, an interrupt)."""
        out: list[Patch] = []
        self._set_error(ResponseError(code=code, message=message), out)
        return out

    def set_header(self, **fields: Any) -> list[Patch]:
        """Change header fields directly (profile, model, status, ...)."""
        changed = {k: v for k, v in fields.items() if self.header.get(k) != v}
        self.header.update(changed)
        return [{"op": "header", **changed}] if changed else []

    def begin_round(self) -> None:
        """The next request of a tool loop: its items follow the blocks shown so far."""
        self.offset = max(self._blocks) + 1 if self._blocks else 0
        self.response = None

    def add_item(self, item: dict[str, Any]) -> list[Patch]:
        """Append a finished item the service did not send (a function call's result)."""
        out: list[Patch] = []
        self._replace(max(self._blocks) + 1 if self._blocks else 0, item, True, out)
        return out

    # ------------------------------------------------------------------ internals
    def _at(self, event: Any) -> int:
        return self.offset + int(getattr(event, "output_index", 0) or 0)

    def _ensure(self, index: int, kind: str, out: list[Patch]) -> Block:
        block = self._blocks.get(index)
        if block is None:
            item: dict[str, Any] = {"type": kind}
            if kind == "message":
                item.update(role="assistant", content=[])
            block = self._blocks[index] = Block(index, kind, item)
            out.append({"op": "item", "index": index, "item": deepcopy(item), "done": False})
        return block

    def _append(self, block: Block, fld: str, part: int, delta: str) -> None:
        container, ptype = DELTA_FIELDS[fld]
        if container is None:
            block.item[fld] = str(block.item.get(fld) or "") + delta
            return
        target = item_part(block.item, container, part, ptype)
        key = PART_KEY[fld]
        target[key] = str(target.get(key) or "") + delta

    def _settle(self, block: Block, fld: str, part: int, value: str, out: list[Patch]) -> None:
        container, ptype = DELTA_FIELDS[fld]
        if container is None:
            self._set(block, fld, value, out)
            return
        target = item_part(block.item, container, part, ptype)
        key = PART_KEY[fld]
        if target.get(key) != value:
            target[key] = value
            out.append(
                {
                    "op": "part",
                    "index": block.index,
                    "field": container,
                    "part": part,
                    "value": {"type": target.get("type", ptype), key: value},
                }
            )

    def _set(self, block: Block, key: str, value: Any, out: list[Patch]) -> None:
        if block.item.get(key) != value:
            block.item[key] = value
            out.append({"op": "set", "index": block.index, "key": key, "value": value})

    def _on_item(self, event: Any, done: bool, out: list[Patch]) -> None:
        self._replace(self._at(event), event.item.to_dict(), done, out)

    def _replace(self, index: int, item: dict[str, Any], done: bool, out: list[Patch]) -> None:
        """Install ``item`` at ``index``; only what changed goes out (never the text again)."""
        old = self._blocks.get(index)
        kind = str(item.get("type") or "unknown")
        self._blocks[index] = Block(index, kind, item, done=done or (old is not None and old.done))
        if old is None or old.kind != kind:
            out.append({"op": "item", "index": index, "item": deepcopy(item), "done": done})
            return
        diff_item(index, old.item, item, out)
        if done and not old.done:
            out.append({"op": "done", "index": index})

    def _on_part(self, event: Any, container: str, out: list[Patch]) -> None:
        index = self._at(event)
        block = self._ensure(index, "reasoning" if container == "summary" else "message", out)
        part = part_index(event)
        raw = getattr(event, "part", None)
        value = raw.to_dict() if raw is not None else {"type": "summary_text", "text": ""}
        ptype = str(value.get("type") or "output_text")
        existing = block.item.get(container)
        new = not isinstance(existing, list) or len(existing) <= part
        current = item_part(block.item, container, part, ptype)
        changed = {k: v for k, v in value.items() if new or current.get(k, MISSING) != v}
        if changed:
            current.update(deepcopy(changed))
            out.append(
                {
                    "op": "part",
                    "index": index,
                    "field": container,
                    "part": part,
                    "value": {"type": current.get("type"), **deepcopy(changed)},
                }
            )

    def _on_annotation(self, event: Any, out: list[Patch]) -> None:
        index = self._at(event)
        block = self._ensure(index, "message", out)
        part = part_index(event)
        target = item_part(block.item, "content", part, "output_text")
        annotation = event.annotation.to_dict()
        target.setdefault("annotations", []).append(deepcopy(annotation))
        out.append({"op": "annotation", "index": index, "part": part, "annotation": annotation})

    def _apply_response(
        self, response: Response, out: list[Patch], *, reconcile: bool = False
    ) -> None:
        self.response = response
        meta = response.metadata or {}
        changes: dict[str, Any] = {
            "id": response.id or self.header.get("id"),
            "model": response.model or self.header.get("model"),
            "status": normalize_status(response.status),
            "status_raw": response.status,
            "created_at": response.created_at,
            "completed_at": response.completed_at,
            "task_url": meta.get("task_url"),
            "share_url": meta.get("share_url"),
            "title": meta.get("task_title"),
        }
        fmt = (response.text or {}).get("format")
        if isinstance(fmt, dict) and fmt.get("type") == "json_schema" and fmt.get("name"):
            changes["format_name"] = str(fmt["name"])  # the structured output's model
        if response.incomplete_details is not None:
            changes["incomplete_reason"] = response.incomplete_details.reason
        changes = {k: v for k, v in changes.items() if v is not None or k in self.header}
        out.extend(self.set_header(**changes))
        if response.usage is not None:
            u = response.usage
            usage = {
                "input_tokens": u.input_tokens,
                "cached_tokens": u.cached_tokens,
                "output_tokens": u.output_tokens,
                "reasoning_tokens": u.reasoning_tokens,
                "total_tokens": u.total_tokens,
                "cost": response_cost(response, self.profile),
            }
            if usage != self.usage:
                self.usage = usage
                out.append({"op": "usage", **usage})
        if response.error is not None:
            self._set_error(response.error, out)
        if response.is_terminal or reconcile:
            # Reconcile: items a reduced stream never finished (or never sent) come from here.
            for i, item in enumerate(response.output):
                self._replace(self.offset + i, item.to_dict(), response.is_terminal, out)

    def _set_error(self, err: ResponseError, out: list[Patch]) -> None:
        error = {"code": err.code, "message": err.message or "error"}
        if error != self.error:
            self.error = error
            out.append({"op": "error", **error})
