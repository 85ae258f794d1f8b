"""Batching of view patches for the wire: at most one batch per interval, small batches wait.

A batch is sent when ``interval`` (1/30 s) has passed since the previous one AND the batch is
worth it: it changes structure (a new item, a finished item, header, usage, error), or it holds
at least ``min_bytes`` of text, or ``max_wait`` has passed. Slow streams so send fewer, fuller
messages, which keeps the bytes on the wire within a small multiple of the answer's size.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any

__all__ = ["Coalescer", "Patch"]

Patch = dict[str, Any]
"""One render patch (see :mod:`respnb._view_state`)."""


class Coalescer:
    """Merges patches and decides when to send them; ``clock`` is injectable for tests.

    Consecutive deltas of one (index, field, part) merge into one; header, usage and error
    patches merge into the pending one of their kind. :meth:`push` sends when a batch is due
    (see the module docstring); the caller flushes the rest when :meth:`next_flush_in` says so
    (a timer in the widget) and with :meth:`flush` at the end.
    """

    def __init__(
        self,
        send: Callable[[list[Patch]], None],
        *,
        interval: float = 1 / 30,
        min_bytes: int = 160,
        max_wait: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._send = send
        self.interval = interval
        self.min_bytes = min_bytes
        self.max_wait = max(max_wait, interval)
        self._clock = clock
        self._pending: list[Patch] = []
        self._bytes = 0
        self._urgent = False
        self._last_send: float | None = None

    @property
    def pending(self) -> list[Patch]:
        """Patches not sent yet."""
        return self._pending

    def due_in(self) -> float:
        """Seconds until the interval allows a send (0 when it does now)."""
        if self._last_send is None:
            return 0.0
        return max(0.0, self._last_send + self.interval - self._clock())

    def next_flush_in(self) -> float | None:
        """Seconds until the pending batch is due; ``None`` when nothing is pending."""
        if not self._pending:
            return None
        if self._last_send is None:
            return 0.0
        if self._urgent or self._bytes >= self.min_bytes:
            return self.due_in()
        return max(0.0, self._last_send + self.max_wait - self._clock())

    def push(self, patches: Iterable[Patch]) -> bool:
        """Queue patches; send them if due. True when a batch was sent."""
        pending = self._pending
        for patch in patches:
            op = patch.get("op")
            if op == "delta":
                self._bytes += len(patch["delta"])
                last = pending[-1] if pending else None
                if (
                    last is not None
                    and last.get("op") == "delta"
                    and last["index"] == patch["index"]
                    and last["field"] == patch["field"]
                    and last["part"] == patch["part"]
                ):
                    last["delta"] += patch["delta"]
                    continue
                pending.append(dict(patch))
                continue
            self._urgent = True
            if op in ("header", "usage", "error"):
                same = next((p for p in pending if p.get("op") == op), None)
                if same is not None:
                    same.update(patch)
                    continue
            pending.append(patch)
        if self.next_flush_in() == 0.0:
            self.flush()
            return True
        return False

    def flush(self) -> None:
        """Send whatever is pending now, regardless of timing."""
        if not self._pending:
            return
        batch, self._pending = self._pending, []
        self._bytes, self._urgent = 0, False
        self._last_send = self._clock()
        self._send(batch)
