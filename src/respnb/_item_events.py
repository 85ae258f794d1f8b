"""Item-level handlers of the accumulator: fold parts, deltas, summaries, tool-call fields.

:class:`ItemEventHandlers` owns the output-item slots (:mod:`respnb._item_slots`): it finds the
slot an event addresses (by ``item_id`` first, else ``output_index``; made when no
``output_item.added`` announced it) and folds into it content parts and their text deltas,
annotations, reasoning summaries, tool-call field deltas (function / MCP arguments, custom tool
input, code), partial images and hosted-tool progress. A delta is a dict lookup plus a
``list.append`` into the chunks of its part or field (cached in ``_bufs`` per delta address).
Response-level events (lifecycle, errors, whole items) and building the snapshot stay in
:mod:`respnb._accumulator`.
"""

from __future__ import annotations

from typing import Any

from ._item_slots import Part, Slot, merge

__all__ = ["FIELD_EVENTS", "ItemEventHandlers"]

_MESSAGE = {"type": "message", "role": "assistant", "status": "in_progress", "content": []}
_REASONING = {"type": "reasoning", "summary": []}
FIELD_EVENTS = {
    "response.function_call_arguments": ("arguments", "function_call"),
    "response.mcp_call_arguments": ("arguments", "mcp_call"),
    "response.custom_tool_call_input": ("input", "custom_tool_call"),
    "response.code_interpreter_call_code": ("code", "code_interpreter_call"),
}
"""Delta event type (without ``.delta`` / ``.done``) -> (streamed field of the item, item type
to create when none was announced)."""


class ItemEventHandlers:
    """The slots of one response's output items and the handlers that write into them (the
    accumulator's ``__init__`` creates the slot tables and binds the handlers to event types).
    """

    __slots__ = ("_bufs", "_ids", "_slots")

    _slots: dict[int, Slot]
    _ids: dict[str, int]
    _bufs: dict[tuple[Any, ...], list[str]]  # delta address -> its chunks (a cache)

    # ------------------------------------------------------------------ slots
    def _add_slot(self, index: int, item: dict[str, Any] | None, model: Any = None) -> Slot:
        slot = self._slots[index] = Slot(item, model)
        item_id = item.get("id") if item is not None else getattr(model, "id", None)
        if isinstance(item_id, str):
            self._ids[item_id] = index
        self._bufs.clear()
        return slot

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
        name, item_type = FIELD_EVENTS[event.type.rsplit(".", 1)[0]]
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
