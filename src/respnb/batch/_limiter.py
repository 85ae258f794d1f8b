"""Adaptive concurrency for a batch: back off on 429, honour rate-limit headers, ramp up when clear.

The limit starts at ``start`` concurrent requests (at most ``maximum``). A 429 halves it (at most
once per ``cooldown`` seconds, so one storm of 429s counts once) and pauses every new request for
the ``Retry-After`` the service gave (or a short backoff). Each success adds ``1 / limit`` (one
more request per "round" of successes: additive increase, multiplicative decrease).

OpenAI's ``x-ratelimit-remaining-requests`` / ``-tokens`` with ``x-ratelimit-reset-requests`` /
``-tokens`` (durations such as ``1s``, ``6m0s``, ``20ms``) are read on every answer: when what
remains would not cover the requests already in flight, new ones wait for the reset.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import deque
from collections.abc import Callable, Mapping

__all__ = ["AdaptiveLimiter", "parse_duration"]

_UNIT = {"h": 3600.0, "m": 60.0, "s": 1.0, "ms": 0.001}
_PART = re.compile(r"(\d+(?:\.\d+)?)(ms|h|m|s)")


def parse_duration(text: str | None) -> float | None:
    """``"6m0s"`` -> 360.0, ``"20ms"`` -> 0.02, ``"1.5"`` -> 1.5; None when unreadable."""
    if not text:
        return None
    text = text.strip()
    try:
        return float(text)
    except ValueError:
        pass
    parts = _PART.findall(text)
    if not parts or "".join(n + u for n, u in parts) != text:
        return None
    return sum(float(n) * _UNIT[u] for n, u in parts)


def _int(value: str | None) -> int | None:
    try:
        return int(float(value)) if value is not None else None
    except ValueError:
        return None


class AdaptiveLimiter:
    """An asyncio gate: ``await acquire()`` before a request, ``release()`` after it."""

    def __init__(
        self,
        maximum: int,
        *,
        start: int | None = None,
        minimum: int = 1,
        cooldown: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if maximum < 1:
            raise ValueError(f"concurrency must be at least 1, got {maximum}.")
        self.maximum = maximum
        self.minimum = max(1, min(minimum, maximum))
        self.limit = float(min(start or maximum, maximum))
        self.cooldown = cooldown
        self.clock = clock
        self.active = 0
        self.paused_until = 0.0
        self.rate_limited = 0
        """How many 429 answers were seen."""
        self.decreases = 0
        self.header_pauses = 0
        """How many answers' rate-limit headers paused new requests."""
        self._last_decrease = -1e9
        self._waiters: deque[asyncio.Future[None]] = deque()

    @property
    def current(self) -> int:
        """How many requests may be in flight now."""
        return max(self.minimum, int(self.limit))

    async def acquire(self) -> None:
        while True:
            wait = self.paused_until - self.clock()
            if wait > 0:
                await asyncio.sleep(wait)
                continue
            if self.active < self.current:
                self.active += 1
                return
            fut: asyncio.Future[None] = asyncio.get_running_loop().create_future()
            self._waiters.append(fut)
            try:
                await fut
            except asyncio.CancelledError:
                if fut.done() and not fut.cancelled():
                    self._wake(1)  # pass the wake-up on
                raise

    def release(self) -> None:
        self.active = max(0, self.active - 1)
        self._wake(self.current - self.active)

    def _wake(self, n: int) -> None:
        while n > 0 and self._waiters:
            fut = self._waiters.popleft()
            if not fut.done():
                fut.set_result(None)
                n -= 1

    # -- feedback ------------------------------------------------------------------------------

    def on_success(self, headers: Mapping[str, str] | None = None) -> None:
        """A good answer: grow the limit a little; read the rate-limit headers."""
        if self.limit < self.maximum:
            self.limit = min(float(self.maximum), self.limit + 1.0 / max(self.limit, 1.0))
            self._wake(self.current - self.active)
        if headers is not None:
            self.observe(headers)

    def observe(self, headers: Mapping[str, str]) -> None:
        """Pause until the reset when the remaining requests or tokens run out."""
        for kind in ("requests", "tokens"):
            remaining = _int(headers.get(f"x-ratelimit-remaining-{kind}"))
            if remaining is None:
                continue
            reset = parse_duration(headers.get(f"x-ratelimit-reset-{kind}"))
            low = remaining <= 0 if kind == "tokens" else remaining < self.active
            if low and reset is not None:
                self.header_pauses += 1
                self.pause(reset)

    def on_rate_limited(self, retry_after: float | None) -> float:
        """A 429: halve the limit (once per cooldown) and pause. Returns the pause in seconds."""
        self.rate_limited += 1
        now = self.clock()
        if now - self._last_decrease >= self.cooldown:
            self.limit = max(float(self.minimum), self.limit / 2.0)
            self._last_decrease = now
            self.decreases += 1
        delay = retry_after if retry_after is not None and retry_after >= 0 else 0.5
        delay = min(delay, 60.0)
        self.pause(delay)
        return delay

    def pause(self, seconds: float) -> None:
        self.paused_until = max(self.paused_until, self.clock() + max(0.0, seconds))
