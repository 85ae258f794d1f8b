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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args

from pydantic import TypeAdapter

from ._item_slots import Part, Slot, merge, merge_parts
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
_MESSAGE = {"type": "message", "role": "assistant", "status": "in_progress", "content": []}
_REASONING = {"type": "reasoning", "summary": []}
# delta event type -> (streamed field of the item, item type to create when none was announced)
_FIELD_EVENTS = {
    "response.function_call_arguments": ("arguments", "function_call"),
    "response.mcp_call_arguments": ("arguments", "mcp_call"),
    "response.custom_tool_call_input": ("input", "custom_tool_call"),
    "response.code_interpreter_call_code": ("code", "code_interpreter_call"),
}


class ResponseAccumulator:
    """Builds the Response of one stream from its events; ask for :meth:`snapshot` any time.

    ``initial`` seeds it with a Response known already (e.g. retrieved before resuming a
    stream with ``starting_after``).
    """

    __slots__ = (
        "_base",
        "_bufs",
        "_error_event",
        "_handlers",
        "_ids",
        "_server_final",
        "_slots",
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
        self._slots: dict[int, Slot] = {}
        self._ids: dict[str, int] = {}
        self._bufs: dict[tuple[Any, ...], list[str]] = {}  # delta -> its chunks (a cache)
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
        for prefix in _FIELD_EVENTS:
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
    def _add_slot(self, index: int, item: dict[str, Any] | None, model: Any = None) -> Slot:
        slot = self._slots[index] = Slot(item, model)
        item_id = item.get("id") if item is not None else getattr(model, "id", None)
        if isinstance(item_id, str):
            self._ids[item_id] = index
        self._bufs.clear()
        return slot

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

    def _slot(self, event: Any, make: dict[str, Any], expect: str | None) -> Slot:
        """The slot an event addresses (by item_id first, else output_index), made if missing."""
        item_id = event.item_id
        if item_id is not None:
            index = self._ids.get(item_id)
            if index is not None:
                known = self._slots[index]
                if known.model is not None:
                    known.thaw()
                return known
        index = event.output_index
        slot = self._slots.get(index)
        if slot is not None:
            if slot.model is not None:
                slot.thaw()
            sid = slot.item.get("id")
            fits = expect is None or slot.item.get("type") == expect
            if fits and (item_id is None or sid is None or sid == item_id):
                if item_id is not None and sid is None:
                    slot.item["id"] = item_id
                    self._ids[item_id] = index
                return slot
            index = max(self._slots) + 1
        item = dict(make)
        if item_id is not None:
            item["id"] = item_id
        return self._add_slot(index, item)

    @staticmethod
    def _part(parts: dict[int, Part], index: int, kind: str) -> Part:
        part = parts.get(index)
        if part is None:
            part = parts[index] = Part(
                {"type": kind, "text": ""} if kind != "refusal" else {"type": kind, "refusal": ""}
            )
        return part

    # ------------------------------------------------------------------ content parts
    def _content_part(self, event: Any) -> Part:
        kind = event.type
        if kind.startswith("response.reasoning_text"):
            slot, part_type = self._slot(event, _REASONING, "reasoning"), "reasoning_text"
        elif kind.startswith("response.refusal"):
            slot, part_type = self._slot(event, _MESSAGE, "message"), "refusal"
        else:
            slot, part_type = self._slot(event, _MESSAGE, "message"), "output_text"
        if slot.content is None:
            slot.content = {}
        return self._part(slot.content, event.content_index, part_type)

    def _text_delta(self, event: Any) -> None:
        key = (event.type, event.item_id, event.output_index, event.content_index)
        chunks = self._bufs.get(key)
        if chunks is None:
            chunks = self._bufs[key] = self._content_part(event).chunks
        chunks.append(event.delta)
        if event.type == "response.output_text.delta" and event.logprobs:
            data = self._content_part(event).data
            data["logprobs"] = [*(data.get("logprobs") or ()), *event.logprobs]

    def _text_done(self, event: Any) -> None:
        part = self._content_part(event)
        final = event.refusal if event.type == "response.refusal.done" else event.text
        if final or not part.chunks:
            part.chunks[:] = [final]
        if getattr(event, "logprobs", None):
            part.data["logprobs"] = list(event.logprobs)

    def _part_event(self, event: Any) -> None:
        new = event.part.to_dict() if event.part is not None else None
        reasoning = event.type.startswith("response.reasoning_part") or (
            new is not None and new.get("type") == "reasoning_text"
        )
        make, expect = (_REASONING, "reasoning") if reasoning else (_MESSAGE, None)
        slot = self._slot(event, make, expect)
        if slot.content is None:
            slot.content = {}
        index = event.content_index
        part = slot.content.get(index)
        if new is None:
            if part is None:
                self._part(slot.content, index, "reasoning_text" if reasoning else "output_text")
            return
        if part is None:
            slot.content[index] = Part(new)
        else:  # update in place: cached chunk lists stay valid
            fresh = Part(merge(new, part.dump()))
            part.data, part.key = fresh.data, fresh.key
            part.chunks[:] = fresh.chunks

    def _annotation(self, event: Any) -> None:
        data = self._content_part(event).data
        annotations = list(data.get("annotations") or ())
        index = event.annotation_index
        value = event.annotation.to_dict()
        if 0 <= index < len(annotations):
            annotations[index] = value
        else:
            annotations.append(value)
        data["annotations"] = annotations

    # ------------------------------------------------------------------ reasoning summary
    def _summary(self, event: Any) -> Part:
        slot = self._slot(event, _REASONING, "reasoning")
        if slot.summary is None:
            slot.summary = {}
        return self._part(slot.summary, event.summary_index, "summary_text")

    def _summary_part(self, event: Any) -> None:
        part = self._summary(event)
        if event.part is not None:
            fresh = Part(merge(event.part.to_dict(), part.dump()))
            part.data, part.key = fresh.data, fresh.key
            part.chunks[:] = fresh.chunks

    def _summary_delta(self, event: Any) -> None:
        key = (event.type, event.item_id, event.output_index, event.summary_index)
        chunks = self._bufs.get(key)
        if chunks is None:
            chunks = self._bufs[key] = self._summary(event).chunks
        chunks.append(event.delta)

    def _summary_done(self, event: Any) -> None:
        part = self._summary(event)
        if event.text or not part.chunks:
            part.chunks[:] = [event.text]

    # ------------------------------------------------------------------ tool calls
    def _field_slot(self, event: Any) -> tuple[Slot, str]:
        name, item_type = _FIELD_EVENTS[event.type.rsplit(".", 1)[0]]
        slot = self._slot(event, {"type": item_type, "status": "in_progress"}, item_type)
        return slot, name

    def _field_delta(self, event: Any) -> None:
        key = (event.type, event.item_id, event.output_index)
        chunks = self._bufs.get(key)
        if chunks is None:
            slot, name = self._field_slot(event)
            chunks = self._bufs[key] = slot.fields.setdefault(name, [])
        chunks.append(event.delta)

    def _field_done(self, event: Any) -> None:
        slot, name = self._field_slot(event)
        final = getattr(event, name, "")
        chunks = slot.fields.setdefault(name, [])
        if final or not chunks:
            chunks[:] = [final]
        if getattr(event, "name", None):
            slot.item["name"] = event.name

    def _partial_image(self, event: Any) -> None:
        slot = self._slot(event, {"type": "image_generation_call"}, "image_generation_call")
        slot.item["status"] = "generating"
        slot.item["result"] = event.partial_image_b64  # the latest partial, until the final

    def _progress(self, event: Any) -> None:
        _, tool, phase = event.type.split(".")
        slot = self._slot(event, {"type": tool}, tool)
        slot.item["status"] = phase
