"""Conversations and their items in the store (protocol.md §1, "Conversations").

Items are kept in order (``pos``); appends compute the next position inside the writer's
transaction, so concurrent runs appending to one conversation never collide.
"""

from __future__ import annotations

import json
import time
from typing import Any

from .errors import bad_request, not_found
from .runs import new_id
from .store import Store, dumps

__all__ = ["Conversations", "check_items", "with_item_id"]

_APPEND = (
    "INSERT INTO conversation_items SELECT ?, COALESCE(MAX(pos), -1) + 1, ?, ? "
    "FROM conversation_items WHERE conversation_id = ?"
)
_ID_PREFIX = {
    "message": "msg",
    "function_call": "fc",
    "function_call_output": "fco",
    "reasoning": "rs",
}


def with_item_id(item: dict[str, Any]) -> dict[str, Any]:
    """The item with an ``id`` (kept if present) and string message content as parts."""
    out = dict(item)
    if "type" not in out and "role" in out:
        out["type"] = "message"
    if out.get("type") == "message":
        content = out.get("content")
        if isinstance(content, str):
            kind = "output_text" if out.get("role") == "assistant" else "input_text"
            part: dict[str, Any] = {"type": kind, "text": content}
            if kind == "output_text":
                part["annotations"] = []
            out["content"] = [part]
        out.setdefault("status", "completed")
    if not out.get("id"):
        out["id"] = new_id(_ID_PREFIX.get(str(out.get("type")), "item"))
    return out


class Conversations:
    """Conversation CRUD and item lists over the :class:`Store`."""

    def __init__(self, store: Store) -> None:
        self.store = store

    async def create(self, metadata: dict[str, Any], items: list[dict[str, Any]]) -> dict[str, Any]:
        conv: dict[str, Any] = {
            "id": new_id("conv"),
            "object": "conversation",
            "created_at": int(time.time()),
            "metadata": metadata,
        }
        self.store.write_nowait(
            "INSERT INTO conversations VALUES (?, ?, ?)",
            (conv["id"], conv["created_at"], dumps(metadata)),
        )
        await self.append(conv["id"], items)
        return conv

    async def get(self, conv_id: str) -> dict[str, Any]:
        row = await self.store.fetchone(
            "SELECT created_at, metadata FROM conversations WHERE id = ?", (conv_id,)
        )
        if row is None:
            raise not_found("conversation", conv_id)
        return {
            "id": conv_id,
            "object": "conversation",
            "created_at": row[0],
            "metadata": json.loads(row[1]),
        }

    async def update(self, conv_id: str, metadata: dict[str, Any]) -> dict[str, Any]:
        conv = await self.get(conv_id)
        await self.store.write(
            "UPDATE conversations SET metadata = ? WHERE id = ?", (dumps(metadata), conv_id)
        )
        conv["metadata"] = metadata
        return conv

    async def delete(self, conv_id: str) -> dict[str, Any]:
        await self.get(conv_id)
        self.store.write_nowait(
            "DELETE FROM conversation_items WHERE conversation_id = ?", (conv_id,)
        )
        await self.store.write("DELETE FROM conversations WHERE id = ?", (conv_id,))
        return {"id": conv_id, "object": "conversation.deleted", "deleted": True}

    async def append(self, conv_id: str, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Append items (ids assigned where missing); waits for the commit."""
        out = [with_item_id(i) for i in items]
        for item in out:
            self.store.write_nowait(_APPEND, (conv_id, item["id"], dumps(item), conv_id))
        await self.store.flush()
        return out

    async def items(self, conv_id: str) -> list[dict[str, Any]]:
        """Every item of the conversation, oldest first."""
        rows = await self.store.fetchall(
            "SELECT data FROM conversation_items WHERE conversation_id = ? ORDER BY pos",
            (conv_id,),
        )
        return [json.loads(r[0]) for r in rows]

    async def get_item(self, conv_id: str, item_id: str) -> dict[str, Any]:
        await self.get(conv_id)
        row = await self.store.fetchone(
            "SELECT data FROM conversation_items WHERE conversation_id = ? AND item_id = ?",
            (conv_id, item_id),
        )
        if row is None:
            raise not_found("item", item_id)
        return dict(json.loads(row[0]))

    async def delete_item(self, conv_id: str, item_id: str) -> dict[str, Any]:
        await self.get_item(conv_id, item_id)
        await self.store.write(
            "DELETE FROM conversation_items WHERE conversation_id = ? AND item_id = ?",
            (conv_id, item_id),
        )
        return await self.get(conv_id)


def check_items(raw: Any, limit: int | None = 20) -> list[dict[str, Any]]:
    """Validate an ``items`` array of a conversation request."""
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(i, dict) for i in raw):
        raise bad_request("Invalid 'items': expected an array of item objects.", "items")
    if limit is not None and len(raw) > limit:
        raise bad_request(f"Invalid 'items': at most {limit} items per request.", "items")
    return raw
