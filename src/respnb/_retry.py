"""When and how long to wait before retrying a request, as the official SDKs do.

Retried: 408, 409, 429 and >= 500 answers, connection errors and timeouts, at most
``max_retries`` times (2 by default). An ``x-should-retry: true|false`` header from the server
overrides the status rule. The wait honours ``retry-after-ms``, then ``retry-after`` (seconds or
an HTTP date) when it is between 0 and ``max_retry_after`` seconds; otherwise it is a jittered
exponential backoff ``0.5 s * 2**n`` capped at 8 s. Sleeping goes through an injectable
coroutine so that tests never wait.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

__all__ = ["RETRYABLE_STATUS", "RetryPolicy", "Sleep", "parse_retry_after"]

Sleep = Callable[[float], Awaitable[None]]
"""An ``asyncio.sleep``-like coroutine function."""

RETRYABLE_STATUS = frozenset({408, 409, 429})


def parse_retry_after(headers: httpx.Headers, *, now: float | None = None) -> float | None:
    """Seconds to wait from ``retry-after-ms`` or ``retry-after`` (seconds or HTTP date)."""
    raw_ms = headers.get("retry-after-ms")
    if raw_ms is not None:
        try:
            return float(raw_ms) / 1000.0
        except ValueError:
            pass
    raw = headers.get("retry-after")
    if raw is None:
        return None
    try:
        return float(raw)
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(raw)
    if parsed is None:
        return None
    when = email.utils.mktime_tz(parsed)
    return float(when - (time.time() if now is None else now))


@dataclass(frozen=True)
class RetryPolicy:
    """Retry decisions and delays for one client."""

    max_retries: int = 2
    initial_delay: float = 0.5
    max_delay: float = 8.0
    max_retry_after: float = 60.0
    jitter: float = 0.25
    """The backoff is multiplied by a random factor in ``[1 - jitter, 1]``."""
    sleep: Sleep = asyncio.sleep

    def should_retry(self, response: httpx.Response, retries_taken: int) -> bool:
        """Whether to retry after this error response (``x-should-retry`` wins)."""
        if retries_taken >= self.max_retries:
            return False
        override = response.headers.get("x-should-retry")
        if override == "true":
            return True
        if override == "false":
            return False
        status = response.status_code
        return status in RETRYABLE_STATUS or status >= 500

    def can_retry_error(self, retries_taken: int) -> bool:
        """Whether a connection error or timeout may be retried."""
        return retries_taken < self.max_retries

    def delay(self, retries_taken: int, response: httpx.Response | None = None) -> float:
        """Seconds to wait before retry number ``retries_taken + 1``."""
        if response is not None:
            after = parse_retry_after(response.headers)
            if after is not None and 0 <= after <= self.max_retry_after:
                return after
        base = min(self.initial_delay * 2.0**retries_taken, self.max_delay)
        return base * (1.0 - self.jitter * random.random())
