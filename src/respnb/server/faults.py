"""Fault injection for tests: off unless the server runs with ``--faults``.

A request asks for faults with the header ``x-respnb-fault``: ``key=value`` pairs separated by
``;`` (several may be combined). Keys:

* ``status=429|500|...`` — answer with this HTTP error (OpenAI envelope) instead of serving;
  with ``retry_after=S`` the answer carries ``Retry-After: S`` and ``retry-after-ms``.
  ``times=N`` fails only the first N requests that share a key — the ``id=...`` of the fault
  if given, else the request's ``Idempotency-Key`` (the official SDKs keep it across retries),
  else the header text itself; without ``times`` every such request fails.
* ``first_byte_delay=S`` — wait S seconds before the response starts (JSON or SSE).
* ``drop_after=N`` — a stream (POST stream=true or GET ?stream=true) sends N events, then the
  connection is cut without ending the chunked body. The run itself goes on when it is a
  background run (resume with ``starting_after``); a foreground run stops, as on any
  disconnect.
* ``fail_after=N;mode=failed|error`` — the run fails after emitting N events: ``mode=failed``
  (default) ends it with ``response.failed`` (``response.error`` set), ``mode=error`` with an
  ``error`` event (flat, as the spec shows). The stored response is ``failed`` either way.
  ``times=N`` (keyed as for ``status``) fails only the first N such runs.
* ``message=TEXT`` — the error message used by ``status`` and ``fail_after``.
* ``code=TEXT`` — the error code of a ``fail_after`` failure (default ``injected_fault``; e.g.
  ``server_error``, which clients may retry).
* ``ratelimit=REMAINING/RESET`` — every answer carries ``x-ratelimit-remaining-requests:
  REMAINING`` and ``x-ratelimit-reset-requests: RESET`` (e.g. ``ratelimit=0/250ms``).

Example: ``x-respnb-fault: status=429;retry_after=0.1;times=2;id=t1``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace

from .errors import ApiError

__all__ = ["FAULT_HEADER", "Fault", "FaultInjector", "parse_fault"]

FAULT_HEADER = "x-respnb-fault"
_INT = ("status", "times", "drop_after", "fail_after")
_FLOAT = ("retry_after", "first_byte_delay")
_STR = ("id", "mode", "message", "ratelimit", "code")


@dataclass(frozen=True)
class Fault:
    """One request's parsed fault spec (every field optional)."""

    status: int | None = None
    retry_after: float | None = None
    times: int | None = None
    id: str | None = None
    drop_after: int | None = None
    first_byte_delay: float = 0.0
    fail_after: int | None = None
    mode: str = "failed"
    message: str | None = None
    ratelimit: str | None = None
    code: str | None = None

    def ratelimit_headers(self) -> dict[str, str]:
        """The ``x-ratelimit-*-requests`` headers asked for with ``ratelimit``."""
        if not self.ratelimit:
            return {}
        remaining, _, reset = self.ratelimit.partition("/")
        return {
            "x-ratelimit-remaining-requests": remaining,
            "x-ratelimit-reset-requests": reset or "1s",
        }


def parse_fault(text: str) -> Fault:
    """Parse the header value; a malformed one is a 400 naming the header."""
    values: dict[str, object] = {}
    for raw in text.split(";"):
        part = raw.strip()
        if not part:
            continue
        key, sep, value = part.partition("=")
        key, value = key.strip(), value.strip()
        try:
            if not sep:
                raise ValueError
            if key in _INT:
                values[key] = int(value)
            elif key in _FLOAT:
                values[key] = float(value)
            elif key in _STR:
                values[key] = value
            else:
                raise KeyError(key)
        except KeyError:
            raise ApiError(
                400,
                f"Unknown fault '{key}' in {FAULT_HEADER}; known: "
                f"{', '.join((*_INT, *_FLOAT, *_STR))}.",
                param=FAULT_HEADER,
            ) from None
        except ValueError:
            raise ApiError(
                400,
                f"Malformed fault '{part}' in {FAULT_HEADER}: expected key=number.",
                param=FAULT_HEADER,
            ) from None
    fault = Fault(**values)  # type: ignore[arg-type]
    if fault.mode not in ("failed", "error"):
        raise ApiError(400, "Fault 'mode' must be 'failed' or 'error'.", param=FAULT_HEADER)
    return fault


class FaultInjector:
    """Parses request faults (when enabled) and counts ``times`` per key."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._counts: dict[str, int] = {}

    def fault_for(self, headers: Mapping[str, str]) -> Fault | None:
        """The request's fault, or None when faults are off or none was asked for."""
        if not self.enabled:
            return None
        raw = headers.get(FAULT_HEADER)
        fault = parse_fault(raw) if raw else None
        if (
            fault is not None
            and fault.status is None
            and fault.fail_after is not None
            and not self._take(fault, headers)
        ):
            fault = replace(fault, fail_after=None)  # ``times`` used up: this run succeeds
        return fault

    def _take(self, fault: Fault, headers: Mapping[str, str]) -> bool:
        """Whether the fault still applies to this request (counting it), per ``times``."""
        if fault.times is None:
            return True
        key = fault.id or headers.get("idempotency-key") or headers.get(FAULT_HEADER, "")
        count = self._counts.get(key, 0)
        if count >= fault.times:
            return False
        self._counts[key] = count + 1
        return True

    def http_error(self, fault: Fault | None, headers: Mapping[str, str]) -> ApiError | None:
        """The injected HTTP error for this request, if its ``status`` fault still applies."""
        if fault is None or fault.status is None or not self._take(fault, headers):
            return None
        extra: dict[str, str] = {}
        if fault.retry_after is not None:
            extra["retry-after"] = f"{fault.retry_after:g}"
            extra["retry-after-ms"] = str(int(fault.retry_after * 1000))
        message = fault.message or f"Injected fault: HTTP {fault.status}."
        return ApiError(fault.status, message, code="injected_fault", headers=extra)
