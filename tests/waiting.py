"""Waiting on state in tests: poll until a condition holds, or fail loudly with what was last seen.

Tests never sleep for a fixed time; they wait for the state they need, with a generous deadline
(the suite runs on busy 2-core machines), and a timeout is a failure that says what was awaited.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from typing import TypeVar

__all__ = ["WaitTimeout", "async_wait_until", "wait_until"]

T = TypeVar("T")

DEFAULT_TIMEOUT = 60.0


class WaitTimeout(AssertionError):
    """The awaited condition did not hold before the deadline."""


def _describe(what: str, timeout: float, last: object) -> str:
    return f"waited {timeout:.0f} s for {what}; last seen: {last!r}"


def wait_until(
    probe: Callable[[], T],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.02,
    accept: Callable[[T], bool] = bool,
) -> T:
    """Call ``probe`` until ``accept(value)`` holds; return that value or raise ``WaitTimeout``.

    ``what`` names the awaited state for the failure message ("response resp_1 terminal").
    The interval grows gently (x1.5 up to 0.5 s) so long waits do not busy-poll.
    """
    deadline = time.monotonic() + timeout
    value = probe()
    while not accept(value):
        if time.monotonic() >= deadline:
            raise WaitTimeout(_describe(what, timeout, value))
        time.sleep(interval)
        interval = min(interval * 1.5, 0.5)
        value = probe()
    return value


async def async_wait_until(
    probe: Callable[[], Awaitable[T]],
    *,
    what: str,
    timeout: float = DEFAULT_TIMEOUT,
    interval: float = 0.02,
    accept: Callable[[T], bool] = bool,
) -> T:
    """The asyncio twin of :func:`wait_until` (``probe`` is awaited each time)."""
    deadline = time.monotonic() + timeout
    value = await probe()
    while not accept(value):
        if time.monotonic() >= deadline:
            raise WaitTimeout(_describe(what, timeout, value))
        await asyncio.sleep(interval)
        interval = min(interval * 1.5, 0.5)
        value = await probe()
    return value
