"""The live state of a batch, readable from plain Python, and its tqdm-style text line.

:class:`BatchProgress` counts rows (done, failed, running, queued; rows found done in the
registry count as ``skipped``), tokens, the throughput of this run and the last errors with
their rows. :meth:`BatchProgress.snapshot` is a small dict of fixed size whatever the number of
rows (what the widget sends on each update). Listeners are called from the runner's thread.
"""

from __future__ import annotations

import contextlib
import re
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from typing import Any, TextIO

__all__ = ["BatchProgress", "TextProgress", "format_duration"]

Listener = Callable[["BatchProgress"], None]
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f]")
_ERRORS = 5


def format_duration(seconds: float | None) -> str:
    """``75`` -> ``"1m15s"``; None -> ``"?"``."""
    if seconds is None or seconds != seconds or seconds < 0:
        return "?"
    s = round(seconds)
    if s >= 3600:
        return f"{s // 3600}h{s % 3600 // 60:02d}m"
    if s >= 60:
        return f"{s // 60}m{s % 60:02d}s"
    return f"{s}s"


def _tokens(n: int) -> str:
    if n >= 1_000_000:
        return f"{n / 1_000_000:.1f}M"
    if n >= 10_000:
        return f"{n / 1000:.0f}k"
    return str(n)


class BatchProgress:
    """Counts of one batch run (thread-safe enough: written by one thread, read by any)."""

    def __init__(self, batch_id: str, total: int, *, mode: str = "rows") -> None:
        self.batch_id = batch_id
        self.total = total
        self.mode = mode
        self.status = "starting"
        self.skipped = 0
        self.done = 0
        self.failed = 0
        self.running = 0
        self.input_tokens = 0
        self.output_tokens = 0
        self.pricer: Callable[[int, int], float | None] | None = None
        """``(input_tokens, output_tokens) -> USD`` when the model's price is known."""
        self.concurrency = 0
        self.detail = ""
        """Free text about the current phase (e.g. the provider batch status)."""
        self.estimate = ""
        """The size estimate made before the start."""
        self.errors: deque[tuple[str, str]] = deque(maxlen=_ERRORS)
        self.started = time.monotonic()
        self.finished: float | None = None
        self._listeners: list[Listener] = []
        self._lock = threading.Lock()

    # -- updates (runner side) -----------------------------------------------------------

    def add_listener(self, listener: Listener) -> None:
        self._listeners.append(listener)

    def changed(self) -> None:
        for listener in list(self._listeners):
            with contextlib.suppress(Exception):
                listener(self)

    def row_done(self, ok: bool, input_tokens: int | None, output_tokens: int | None) -> None:
        with self._lock:
            if ok:
                self.done += 1
            else:
                self.failed += 1
            self.input_tokens += input_tokens or 0
            self.output_tokens += output_tokens or 0

    def row_error(self, row: str, message: str) -> None:
        """Remember an error (service text: control characters become spaces, so a terminal
        printing the text line cannot be driven by it)."""
        clean = _CONTROL.sub(" ", message[:300])
        with self._lock:
            self.errors.append((_CONTROL.sub(" ", row[:80]), clean))

    def finish(self, status: str) -> None:
        self.status = status
        self.running = 0
        self.finished = time.monotonic()
        self.changed()

    # -- reading -------------------------------------------------------------------------

    @property
    def cost(self) -> float | None:
        """Estimated USD of the tokens so far (None when the price is unknown)."""
        if self.pricer is None or not (self.input_tokens or self.output_tokens):
            return None
        try:
            return self.pricer(self.input_tokens, self.output_tokens)
        except Exception:  # a price table problem never breaks the progress
            return None

    @property
    def settled(self) -> int:
        return self.skipped + self.done + self.failed

    @property
    def queued(self) -> int:
        return max(0, self.total - self.settled - self.running)

    @property
    def elapsed(self) -> float:
        return (self.finished or time.monotonic()) - self.started

    @property
    def rows_per_minute(self) -> float:
        elapsed = self.elapsed
        return (self.done + self.failed) * 60.0 / elapsed if elapsed > 0 else 0.0

    @property
    def eta(self) -> float | None:
        rate = self.rows_per_minute
        left = self.total - self.settled
        if left <= 0:
            return 0.0
        return left * 60.0 / rate if rate > 0 else None

    def snapshot(self) -> dict[str, Any]:
        """The fixed-size state shown by views (no row data besides the last errors)."""
        return {
            "id": self.batch_id,
            "mode": self.mode,
            "status": self.status,
            "detail": self.detail,
            "estimate": self.estimate,
            "total": self.total,
            "done": self.done + self.skipped,
            "skipped": self.skipped,
            "failed": self.failed,
            "running": self.running,
            "queued": self.queued,
            "rpm": round(self.rows_per_minute, 1),
            "eta": None if self.eta is None else round(self.eta, 1),
            "elapsed": round(self.elapsed, 1),
            "input_tokens": self.input_tokens,
            "output_tokens": self.output_tokens,
            "cost": self.cost,
            "concurrency": self.concurrency,
            "errors": [{"row": r, "message": m} for r, m in list(self.errors)],
        }

    def line(self) -> str:
        """``1,234/10,000 [12%] 3 failed 16 running | 812 rows/min ETA 10m48s | 1.2M tok``"""
        pct = 100 * self.settled // self.total if self.total else 100
        parts = [
            f"{self.batch_id}: {self.settled:,}/{self.total:,} [{pct}%]",
            f"{self.failed} failed",
            f"{self.running} running",
            f"| {self.rows_per_minute:,.0f} rows/min ETA {format_duration(self.eta)}",
            f"| {_tokens(self.input_tokens + self.output_tokens)} tok",
        ]
        cost = self.cost
        if cost is not None:
            parts.append(f"~${cost:,.2f}")
        if self.status not in ("running", "starting"):
            parts.append(f"| {self.status}")
        if self.detail:
            parts.append(f"({self.detail})")
        return " ".join(parts)


class TextProgress:
    """Prints :meth:`BatchProgress.line` in place (``\\r``) at most every ``interval`` seconds."""

    def __init__(
        self, progress: BatchProgress, *, file: TextIO | None = None, interval: float = 0.5
    ):
        self.progress = progress
        self.file = file if file is not None else sys.stderr
        self.interval = interval
        self._last = float("-inf")
        self._width = 0
        progress.add_listener(self._on_change)

    def _on_change(self, progress: BatchProgress) -> None:
        now = time.monotonic()
        final = progress.finished is not None
        if not final and now - self._last < self.interval:
            return
        self._last = now
        line = progress.line()
        pad = " " * max(0, self._width - len(line))
        self._width = len(line)
        self.file.write("\r" + line + pad + ("\n" if final else ""))
        self.file.flush()
