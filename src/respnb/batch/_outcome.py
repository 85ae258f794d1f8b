"""Turning one row's final Response (or error) into a recorded :class:`RowResult`."""

from __future__ import annotations

import json
import random
from typing import Any

from pydantic import BaseModel, ValidationError

from .._exceptions import APIConnectionError, APIStatusError, StreamError
from .._retry import parse_retry_after
from ..tasks.batch_store import RowResult
from ..types import Response

__all__ = ["RETRYABLE_FAILURES", "EarlyEnd", "backoff", "classify", "result_of", "retryable"]

RETRYABLE_FAILURES = frozenset({"server_error", "rate_limit_exceeded", "vector_store_timeout"})
"""Error codes of a ``failed`` response that another attempt may well turn into an answer
(the service's trouble, not the request's)."""


class EarlyEnd(Exception):
    """A stream ended before its response was terminal (a dropped connection)."""


def classify(exc: BaseException) -> tuple[str, float | None]:
    """``("rate", retry_after)``, ``("transient", None)`` or ``("permanent", None)``."""
    if isinstance(exc, APIStatusError):
        override = exc.response.headers.get("x-should-retry")
        if exc.status_code == 429 and override != "false":
            return "rate", parse_retry_after(exc.response.headers)
        if override == "true":
            return "transient", parse_retry_after(exc.response.headers)
        if override == "false":
            return "permanent", None
        if exc.status_code in (408, 409) or exc.status_code >= 500:
            return "transient", parse_retry_after(exc.response.headers)
        return "permanent", None
    if isinstance(exc, (APIConnectionError, StreamError, EarlyEnd)):
        return "transient", None
    return "permanent", None


def retryable(response: Response) -> bool:
    """Whether ``response`` failed for a reason worth another attempt (``server_error`` ...)."""
    error = response.error
    return response.status == "failed" and error is not None and error.code in RETRYABLE_FAILURES


def backoff(attempt: int) -> float:
    """Jittered exponential backoff: 0.25 s * 2**attempt, at most 8 s."""
    return float(min(0.25 * 2.0**attempt, 8.0) * (1.0 - 0.25 * random.random()))


def describe(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if isinstance(exc, APIStatusError):
        return f"HTTP {exc.status_code}: {text}"
    return f"{type(exc).__name__}: {text}"


def result_of(
    key: str,
    response: Response,
    *,
    schema: type[BaseModel] | None,
    attempts: int,
    usage: tuple[int, int, int] | None = None,
) -> RowResult:
    """The recorded outcome of a finished response (``usage`` summed over tool rounds)."""
    status = response.normalized_status or "failed"
    text = response.output_text
    error: str | None = None
    parsed: str | None = None
    if status not in ("completed", "incomplete"):
        err = response.error
        code = f" ({err.code})" if err is not None and err.code else ""
        error = f"{status}{code}: {err.message}" if err is not None else f"response {status}"
        status = "failed"
    elif schema is not None and status == "completed":
        try:
            obj = schema.model_validate(json.loads(text))
            parsed = obj.model_dump_json()
        except (ValueError, ValidationError) as exc:
            first = str(exc).splitlines()[0][:200]
            error = f"output does not match {schema.__name__}: {first}"
            status = "failed"
    elif status == "incomplete":
        details: Any = response.incomplete_details
        reason = getattr(details, "reason", None) if details is not None else None
        error = f"incomplete: {reason}" if reason else None
    if usage is None and response.usage is not None:
        u = response.usage
        usage = (u.input_tokens or 0, u.output_tokens or 0, u.total_tokens or 0)
    return RowResult(
        row_key=key,
        status=status,
        output_text=text,
        parsed=parsed,
        error=error,
        input_tokens=usage[0] if usage else None,
        output_tokens=usage[1] if usage else None,
        total_tokens=usage[2] if usage else None,
        response_id=response.id or None,
        attempts=attempts,
    )
