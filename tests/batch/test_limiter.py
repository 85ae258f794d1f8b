"""The adaptive limiter: halve on 429 (once per storm), pause for Retry-After and rate-limit
headers, grow back on success, never more in flight than the limit."""

from __future__ import annotations

import asyncio

import pytest

from respnb.batch._limiter import AdaptiveLimiter, parse_duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1s", 1.0), ("6m0s", 360.0), ("20ms", 0.02), ("1h2m3.5s", 3723.5), ("2.5", 2.5)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize("text", [None, "", "soon", "5x", "1s junk"])
def test_unreadable_durations(text: str | None) -> None:
    assert parse_duration(text) is None


def test_a_storm_halves_once_then_success_ramps_up() -> None:
    clock = Clock()
    lim = AdaptiveLimiter(16, clock=clock, cooldown=1.0)
    assert lim.current == 16
    assert lim.on_rate_limited(0.3) == 0.3
    for _ in range(10):  # the same storm: no further halving
        lim.on_rate_limited(0.3)
    assert lim.current == 8 and lim.decreases == 1 and lim.rate_limited == 11
    assert lim.paused_until == pytest.approx(100.3)
    clock.now += 1.5
    lim.on_rate_limited(None)  # a new storm, no Retry-After: default pause
    assert lim.current == 4 and lim.paused_until == pytest.approx(102.0)
    for _ in range(200):
        lim.on_success()
    assert lim.current == 16  # back to the maximum, never above


def test_rate_limit_headers_pause_new_requests() -> None:
    clock = Clock()
    lim = AdaptiveLimiter(8, clock=clock)
    lim.active = 3
    lim.observe({"x-ratelimit-remaining-requests": "10", "x-ratelimit-reset-requests": "1s"})
    assert lim.paused_until == 0.0
    lim.observe({"x-ratelimit-remaining-requests": "2", "x-ratelimit-reset-requests": "1.5s"})
    assert lim.paused_until == pytest.approx(101.5)
    lim.observe({"x-ratelimit-remaining-tokens": "0", "x-ratelimit-reset-tokens": "6m0s"})
    assert lim.paused_until == pytest.approx(460.0)


def test_never_more_in_flight_than_the_limit() -> None:
    async def main() -> tuple[int, int]:
        lim = AdaptiveLimiter(5)
        peak = 0
        done = 0

        async def job(i: int) -> None:
            nonlocal peak, done
            await lim.acquire()
            try:
                peak = max(peak, lim.active)
                if i == 3:
                    lim.on_rate_limited(0.0)  # halve to 2 mid-way
                await asyncio.sleep(0)
                done += 1
            finally:
                lim.release()

        await asyncio.gather(*(job(i) for i in range(50)))
        return peak, done

    peak, done = asyncio.run(main())
    assert done == 50 and 1 <= peak <= 5


def test_bad_concurrency() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        AdaptiveLimiter(0)
