"""The editable form of output items inside :class:`respnb._accumulator.ResponseAccumulator`.

A :class:`Slot` is one output item: its JSON fields, its content / summary :class:`Part` s and
one list of string chunks per streamed text field, joined only when asked for. A *final* slot
holds the server's item model as is.
"""

from __future__ import annotations

from typing import Any

__all__ = ["EMPTY", "PAYLOAD", "STRING_FIELDS", "Part", "Slot", "merge", "merge_parts"]

STRING_FIELDS = ("arguments", "input", "code")
"""Streamed string fields of tool call items."""
PAYLOAD = frozenset({"content", "summary", "arguments", "input", "code", "result", "text"})
"""Fields that carry what a stream builds up (kept when a server's final item lacks them)."""
EMPTY: tuple[Any, ...] = (None, "", [], {})


class Part:
    """A content or summary part: its JSON fields, and the chunks of its text field."""

    __slots__ = ("chunks", "data", "key")

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.key = "refusal" if data.get("type") == "refusal" else "text"
        value = data.get(self.key)
        self.chunks: list[str] = [value] if isinstance(value, str) else []

    def text(self) -> str:
        chunks = self.chunks
        if len(chunks) == 1:
            return chunks[0]
        joined = "".join(chunks)
        chunks[:] = [joined]  # compact: the next join starts from one string
        return joined

    def dump(self) -> dict[str, Any]:
        out = dict(self.data)
        if self.chunks:
            out[self.key] = self.text()
        return out


class Slot:
    """One output item: under construction (JSON fields + parts + chunk lists), or final.

    A final slot holds the server's item model as is (``output_item.done``, or an item of a
    lifecycle response): snapshots reuse it without re-validating; an event that touches it
    later thaws it back into the editable form first.
    """

    __slots__ = ("content", "fields", "item", "model", "summary")

    def __init__(self, item: dict[str, Any] | None = None, model: Any = None) -> None:
        self.model = model
        self.item: dict[str, Any] = {}
        self.content: dict[int, Part] | None = None
        self.summary: dict[int, Part] | None = None
        self.fields: dict[str, list[str]] = {}
        if item is not None:
            self._load(item)

    def _load(self, item: dict[str, Any]) -> None:
        self.item = item
        content = item.get("content")
        if isinstance(content, list):
            self.content = {i: Part(dict(p)) for i, p in enumerate(content) if isinstance(p, dict)}
        summary = item.get("summary")
        if isinstance(summary, list):
            self.summary = {i: Part(dict(p)) for i, p in enumerate(summary) if isinstance(p, dict)}
        for name in STRING_FIELDS:
            value = item.get(name)
            if isinstance(value, str):
                self.fields[name] = [value]

    def thaw(self) -> None:
        """Turn a final slot back into an editable one."""
        if self.model is not None:
            model, self.model = self.model, None
            self._load(model.to_dict())

    def payload(self) -> list[str]:
        """The streamed fields this slot has accumulated something in."""
        keys = [name for name, chunks in self.fields.items() if any(chunks)]
        if self.content:
            keys.append("content")
        if self.summary:
            keys.append("summary")
        keys += [k for k in ("result", "text") if self.item.get(k) not in EMPTY]
        return keys

    def dump(self) -> dict[str, Any]:
        if self.model is not None:
            return self.model.to_dict()  # type: ignore[no-any-return]
        out = dict(self.item)
        if self.content is not None:
            out["content"] = [self.content[i].dump() for i in sorted(self.content)]
        if self.summary is not None:
            out["summary"] = [self.summary[i].dump() for i in sorted(self.summary)]
        for name, chunks in self.fields.items():
            if len(chunks) > 1:
                chunks[:] = ["".join(chunks)]
            out[name] = chunks[0] if chunks else ""
        return out


def merge(server: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """The server's item, with any field it left empty filled from what we accumulated."""
    out = dict(server)
    for key, value in ours.items():
        if value in EMPTY:
            continue
        if (key in out and out[key] in EMPTY) or (key not in out and key in PAYLOAD):
            out[key] = value
    return out


def merge_parts(server: dict[str, Any], ours: dict[str, Any]) -> dict[str, Any]:
    """``server`` with each content / summary part's empty fields (text, annotations) filled
    from the part at the same index of ``ours``."""
    out = dict(server)
    for key in ("content", "summary"):
        theirs, mine = out.get(key), ours.get(key)
        if not isinstance(theirs, list) or not isinstance(mine, list):
            continue
        parts = []
        for i, part in enumerate(theirs):
            own = mine[i] if i < len(mine) else None
            if (
                isinstance(own, dict)
                and isinstance(part, dict)
                and own.get("type") == part.get("type")
            ):
                parts.append(merge(part, own))
            else:
                parts.append(part)
        out[key] = parts
    return out
