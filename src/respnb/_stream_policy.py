"""What a stream may do when it is cut or answered oddly, and the advice it gives then.

:class:`StreamPolicy` is decided by the resource that opens a stream, from the request (is the
response stored, i.e. background?) and the profile's capabilities (can the server resume a
stream, retrieve a response, honour an ``Idempotency-Key``?). :func:`advice` turns it into the
sentence an error ends with, so the user is never told to resume what cannot be resumed.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

import httpx

from .types import LifecycleEvent, Response

__all__ = [
    "Connect",
    "Fetch",
    "Observe",
    "Reconnect",
    "StreamPolicy",
    "advice",
    "lifecycle_event_for",
]

Connect = Callable[[], Awaitable[httpx.Response]]
"""Opens the first connection (the POST, or the GET of ``resume``)."""
Reconnect = Callable[[str, "int | None"], Awaitable[httpx.Response]]
"""Reopens a stored response's stream: ``(response_id, starting_after)``."""
Fetch = Callable[[str], Awaitable[Response]]
"""Retrieves a stored response (to learn why a stream ended with no terminal event)."""
Observe = Callable[[Response], None]
"""Called with the snapshot when the stream starts (first id seen) and when it ends."""


@dataclass(frozen=True)
class StreamPolicy:
    """The facts a stream needs to follow its response to the end."""

    background: bool = False
    """The response is stored and keeps running when the connection closes."""
    can_resume: bool = False
    """The server answers ``GET /responses/{id}?stream=true&starting_after=N``."""
    can_retrieve: bool = False
    """The server answers ``GET /responses/{id}`` (so ``responses.wait`` works)."""
    retry_create: bool = False
    """A create cut before its id arrived may be sent again with the same Idempotency-Key."""


def advice(policy: StreamPolicy, response_id: str | None, cursor: int | None) -> str:
    """What the user can do about a stream that stopped early (one sentence or two)."""
    keep = "error.snapshot keeps what arrived."
    if response_id is None:
        if policy.background:
            return (
                "No response id arrived, so nothing can be resumed, but a background task may "
                "be running on the service: look for it in the service's task list "
                "(client.tasks.list(status='running') on Manus and respnb's server) or its "
                "dashboard before sending the request again."
            )
        return "Nothing was stored (a foreground request): send the request again."
    if not policy.background:
        return (
            "A foreground response stops when its connection closes, so it cannot be "
            f"resumed: send the request again (background=True makes it resumable); {keep}"
        )
    if policy.can_resume and cursor is not None:
        return f"Resume it with responses.resume({response_id!r}, after={cursor}); {keep}"
    if policy.can_retrieve:
        return f"Get the finished response with responses.wait({response_id!r}); {keep}"
    return "This server can neither resume nor retrieve responses: send the request again; " + keep


def lifecycle_event_for(response: Response) -> LifecycleEvent:
    """A synthetic lifecycle event carrying a whole Response (for JSON answers)."""
    status = response.normalized_status
    kind = {
        "completed": "response.completed",
        "failed": "response.failed",
        "incomplete": "response.incomplete",
        "cancelled": "response.failed",
        "queued": "response.queued",
    }.get(status or "", "response.in_progress")
    return LifecycleEvent.model_validate({"type": kind, "response": response})
