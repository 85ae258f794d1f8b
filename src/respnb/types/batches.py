"""The Batch API's wire models: a batch, its request counts, and one line of its files.

Statuses (open strings): ``validating``, ``in_progress``, ``finalizing``, ``completed``,
``failed``, ``expired``, ``cancelling``, ``cancelled``.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from ._base import WireModel

__all__ = [
    "BATCH_TERMINAL_STATUSES",
    "Batch",
    "BatchErrors",
    "BatchOutputLine",
    "BatchRequestCounts",
]

BATCH_TERMINAL_STATUSES = frozenset({"completed", "failed", "expired", "cancelled"})


class BatchRequestCounts(WireModel):
    total: int = 0
    completed: int = 0
    failed: int = 0


class BatchErrors(WireModel):
    """Validation errors of the input file (``status: failed``)."""

    object: str | None = "list"
    data: list[dict[str, Any]] = Field(default_factory=list)


class Batch(WireModel):
    """``/v1/batches`` object."""

    id: str
    object: str = "batch"
    endpoint: str | None = None
    errors: BatchErrors | None = None
    input_file_id: str | None = None
    completion_window: str | None = None
    status: str | None = None
    output_file_id: str | None = None
    error_file_id: str | None = None
    created_at: int | None = None
    in_progress_at: int | None = None
    expires_at: int | None = None
    finalizing_at: int | None = None
    completed_at: int | None = None
    failed_at: int | None = None
    expired_at: int | None = None
    cancelling_at: int | None = None
    cancelled_at: int | None = None
    request_counts: BatchRequestCounts | None = None
    metadata: dict[str, Any] | None = None

    @property
    def is_terminal(self) -> bool:
        return self.status in BATCH_TERMINAL_STATUSES


class BatchOutputLine(WireModel):
    """One line of an output or error file: ``{id, custom_id, response, error}`` where
    ``response`` is ``{status_code, request_id, body}`` or null, ``error`` ``{code, message}``."""

    id: str | None = None
    custom_id: str
    response: dict[str, Any] | None = None
    error: dict[str, Any] | None = None
