"""Fold a stream of Responses API events into a :class:`~respnb.types.Response`, at any moment.

:class:`ResponseAccumulator` keeps one *slot* per output item: the item's JSON fields, its
content / summary parts, and one list of string chunks per streamed text field (part text,
refusal, function arguments, custom tool input, code). A delta event is a dict lookup plus a
``list.append``; strings are joined only when :meth:`~ResponseAccumulator.snapshot` or
:attr:`~ResponseAccumulator.text` is asked for, and both are cached until the next event.

It follows the canonical orders of protocol.md §3 and tolerates what real servers do instead:
deltas with no ``output_item.added`` / ``content_part.added`` before them (Maniac), summary
deltas with no summary part events (Ollama), vLLM's ``reasoning_part.*``, events without
``sequence_number``, gaps in ``output_index``, and item_id-only addressing. A terminal event
(``response.completed`` / ``.failed`` / ``.incomplete`` / ``error``) ends the stream with a
Response carrying the error *and* the partial output; an unknown event is counted, never fatal.

This module is the response-level half: dispatching events, lifecycle and errors, whole items
(``output_item.added`` / ``.done``, the terminal response's output) and building the snapshot.
The item-level handlers (slot addressing, parts, deltas, summaries, tool-call fields) are in
:mod:`respnb._item_events`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from pydantic import TypeAdapter

from ._item_events import FIELD_EVENTS, ItemEventHandlers
from ._item_slots import merge, merge_parts
from .types import (
    TERMINAL_STATUSES,
    ErrorEvent,
    GenericEvent,
    HostedToolProgressEvent,
    Item,
    Response,
    ResponseError,
    StreamEvent,
    item_text,
)

__all__ = ["ResponseAccumulator"]

_ITEM: TypeAdapter[Any] = TypeAdapter(Item)
_LIFECYCLE = frozenset({"response.created", "response.queued", "response.in_progress"})
_TERMINAL_LIFECYCLE = frozenset({"response.completed", "response.failed", "response.incomplete"})
_PROGRESS = frozenset(get_args(HostedToolProgressEvent.model_fields["type"].annotation))


class ResponseAccumulator(ItemEventHandlers):
    """Builds the Response of one stream from its events; ask for :meth:`snapshot` any time.

    ``initial`` seeds it with a Response known already (e.g. retrieved before resuming a
    stream with ``starting_after``).
    """

    __slots__ = (
        "_base",
        "_error_event",
        "_handlers",
        "_server_final",
        "_snap",
        "_text",
        "cursor",
        "done",
        "events_seen",
        "terminal_event",
        "unknown_events",
    )

    def __init__(self, initial: Response | None = None) -> None:
        self._base: Response | None = None
        self._slots = {}
        self._ids = {}
        self._bufs = {}
        self._snap: Response | None = None
        self._text: str | None = None
        self._server_final = False  # the terminal response carried the full output
        self._error_event: ResponseError | None = None
        self.cursor: int | None = None
        """The last ``sequence_number`` seen (events without one leave it unchanged)."""
        self.events_seen = 0
        self.unknown_events = 0
        """Events respnb could not use (unknown type, or too odd to place): counted, ignored."""
        self.done = False
        """A terminal event (completed / failed / incomplete / error) was seen."""
        self.terminal_event: str | None = None
        handlers: dict[str, Callable[[Any], None]] = {
            "response.output_text.delta": self._text_delta,
            "response.output_item.added": self._item_added,
            "response.output_item.done": self._item_done,
            "response.content_part.added": self._part_event,
            "response.content_part.done": self._part_event,
            "response.reasoning_part.added": self._part_event,
            "response.reasoning_part.done": self._part_event,
            "response.output_text.done": self._text_done,
            "response.output_text.annotation.added": self._annotation,
            "response.refusal.delta": self._text_delta,
            "response.refusal.done": self._text_done,
            "response.reasoning_text.delta": self._text_delta,
            "response.reasoning_text.done": self._text_done,
            "response.reasoning_summary_part.added": self._summary_part,
            "response.reasoning_summary_part.done": self._summary_part,
            "response.reasoning_summary_text.delta": self._summary_delta,
            "response.reasoning_summary_text.done": self._summary_done,
            "response.image_generation_call.partial_image": self._partial_image,
            "error": self._error,
        }
        for prefix in FIELD_EVENTS:
            handlers[prefix + ".delta"] = self._field_delta
            handlers[prefix + ".done"] = self._field_done
        for kind in _LIFECYCLE | _TERMINAL_LIFECYCLE:
            handlers[kind] = self._lifecycle
        for kind in _PROGRESS:
            handlers[kind] = self._progress
        self._handlers = handlers
        if initial is not None:
            self._set_base(initial)

    # ------------------------------------------------------------------ public state
    @property
    def response_id(self) -> str | None:
        """The response's id, once a lifecycle event (or ``initial``) told it."""
        return self._base.id if self._base is not None and self._base.id else None

    @property
    def status(self) -> str | None:
        """The raw status (``failed`` after an ``error`` event that left it unfinished)."""
        status = self._base.status if self._base is not None else None
        if self._error_event is not None and status not in TERMINAL_STATUSES:
            return "failed"
        return status

    @property
    def error(self) -> ResponseError | None:
        """The error of an ``error`` event or of the terminal response, if any."""
        if self._error_event is not None:
            return self._error_event
        return self._base.error if self._base is not None else None

    @property
    def text(self) -> str:
        """The assistant's output_text so far (all assistant messages, in output order)."""
        if self._text is None:
            if self._server_final and self._base is not None:
                self._text = self._base.output_text
            else:
                out: list[str] = []
                for index in sorted(self._slots):
                    slot = self._slots[index]
                    if slot.model is not None:
                        out.append(item_text(slot.model))
                        continue
                    item = slot.item
                    if (
                        item.get("type") != "message"
                        or item.get("role", "assistant") != "assistant"
                    ):
                        continue
                    for ci in sorted(slot.content or ()):
                        part = slot.content[ci]  # type: ignore[index]
                        if part.data.get("type") == "output_text" and part.chunks:
                            out.append(part.text())
                self._text = "".join(out)
        return self._text

    def snapshot(self) -> Response:
        """The Response as it stands; the same object until the next :meth:`feed`."""
        if self._snap is None:
            self._snap = self._build()
        return self._snap

    # ------------------------------------------------------------------ feeding
    def feed(self, event: StreamEvent) -> None:
        """Fold one event in. Never raises on odd or unknown events."""
        self.events_seen += 1
        self._snap = self._text = None
        seq = event.sequence_number
        if seq is not None:
            self.cursor = seq
        handler = self._handlers.get(event.type)
        if handler is not None and type(event) is not GenericEvent:
            try:
                handler(event)
            except (AttributeError, KeyError, IndexError, TypeError, ValueError):
                self.unknown_events += 1  # too odd to place: never lose the stream to it
            return
        if event.type == "error":  # an error event of an unexpected shape
            self._error(event)
        elif event.type in _TERMINAL_LIFECYCLE:  # a terminal event that did not fit its model
            self.done = True
            self.terminal_event = event.type
        else:
            self.unknown_events += 1

    def _build(self) -> Response:
        base = self._base if self._base is not None else Response()
        if self._server_final and self._error_event is None:
            return base
        update: dict[str, Any] = {}
        if not self._server_final:
            output = []
            for index in sorted(self._slots):
                slot = self._slots[index]
                model = slot.model
                output.append(model if model is not None else _ITEM.validate_python(slot.dump()))
            update["output"] = output
        if self._error_event is not None:
            update["error"] = self._error_event
            update["status"] = self.status
        return base.model_copy(update=update)

    # ------------------------------------------------------------------ lifecycle
    def _set_base(self, response: Response) -> None:
        old = self._base
        if old is not None and (not old.id or not response.id or old.id == response.id):
            # A later lifecycle response may be reduced (seed 004's in_progress carries only
            # id/status/output): fields it leaves out keep their earlier values.
            update = {name: getattr(response, name) for name in response.model_fields_set}
            update.update(response.__pydantic_extra__ or {})
            response = old.model_copy(update=update)
        self._base = response
        if response.output and not self._slots:
            for index, item in enumerate(response.output):
                self._add_slot(index, None, item)

    def _lifecycle(self, event: Any) -> None:
        response: Response = event.response
        if event.type in _TERMINAL_LIFECYCLE and response.output and self._slots:
            response = self._keep_streamed(response)
        self._set_base(response)
        if event.type in _TERMINAL_LIFECYCLE:
            self.done = True
            self.terminal_event = event.type
            self._server_final = bool(response.output)

    def _keep_streamed(self, response: Response) -> Response:
        """The terminal response, with what streamed put back where its items left it empty
        (a ``summary`` left ``[]``, empty ``arguments``, parts without their annotations)."""
        output = list(response.output)
        changed = False
        for index, item in enumerate(output):
            item_id = getattr(item, "id", None)
            slot = self._slots.get(self._ids.get(item_id, index) if item_id else index)
            if slot is None or slot.model is item:
                continue
            ours = slot.dump()
            if item_id and ours.get("id") not in (None, item_id):
                continue
            merged = merge_parts(merge(item.to_dict(), ours), ours)
            if merged != item.to_dict():
                output[index] = _ITEM.validate_python(merged)
                changed = True
        return response.model_copy(update={"output": output}) if changed else response

    def _error(self, event: Any) -> None:
        if isinstance(event, ErrorEvent):
            err = event.as_error()
        else:  # an error event of an unexpected shape: keep whatever it said
            extra = dict(event.__pydantic_extra__ or {})
            raw = extra.get("error", extra.get("message", extra))
            err = ResponseError(message=raw if isinstance(raw, str) else str(raw))
        self._error_event = err
        self.done = True
        self.terminal_event = "error"

    # ------------------------------------------------------------------ items
    def _item_added(self, event: Any) -> None:
        self._add_slot(event.output_index, event.item.to_dict())

    def _item_done(self, event: Any) -> None:
        model = event.item
        index = event.output_index
        item_id = getattr(model, "id", None)
        if isinstance(item_id, str) and item_id in self._ids:
            index = self._ids[item_id]
        slot = self._slots.get(index)
        if slot is not None and slot.model is None and slot.payload():
            # Keep the server's item unless it left empty a field we accumulated (down to
            # the parts: a text or its annotations).
            ours, theirs = slot.dump(), model.to_dict()
            merged = merge_parts(merge(theirs, ours), ours)
            if merged != theirs:
                self._add_slot(index, merged)
                return
        self._add_slot(index, None, model)
