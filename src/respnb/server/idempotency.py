"""``Idempotency-Key`` replay for ``POST /v1/responses``.

A client that lost the answer to a create retries with the same key; the server must not
create the response twice. The first create with a key records ``key -> (body digest,
response id)``; a repeat with the same body answers with that response (for ``stream: true``
a replay of its recorded events), and a repeat with a different body is a 409 like OpenAI's.
The table lives in memory, bounded, for the life of the server process.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict
from typing import Any

__all__ = ["IdempotencyCache", "body_digest"]


def body_digest(body: dict[str, Any]) -> str:
    """A stable digest of a request body."""
    raw = json.dumps(body, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(raw.encode()).hexdigest()


class IdempotencyCache:
    """Bounded ``key -> (digest, response id)`` map (least recently used keys go first)."""

    def __init__(self, capacity: int = 10_000) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[str, tuple[str, str]] = OrderedDict()

    def lookup(self, key: str) -> tuple[str, str] | None:
        """``(digest, response id)`` recorded for ``key``, if any."""
        entry = self._entries.get(key)
        if entry is not None:
            self._entries.move_to_end(key)
        return entry

    def record(self, key: str, digest: str, response_id: str) -> None:
        self._entries[key] = (digest, response_id)
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def __len__(self) -> int:
        return len(self._entries)
