"""Feed a live view (any object with ``apply``/``finish``) from a stored task: replay its
stream, or poll it. The view itself comes from the notebook layer; this module offers data."""

from __future__ import annotations

import asyncio
from typing import Any

from ._follow import status_code
from .refresher import Refresher
from .registry import TaskRecord

__all__ = ["feed_view", "follow"]


async def feed_view(view: Any, refresher: Refresher, rec: TaskRecord) -> None:
    """Drive ``view`` until the task settles: stream from the first event when the profile
    can resume, poll with backoff otherwise; fold the final stored Response in at the end.

    When the service cannot be asked (an error answer, no connection), the view says so in
    its error banner and is finished; the error is raised again (``view.task`` holds it)."""
    try:
        await _feed(view, refresher, rec)
    except Exception as exc:
        message = getattr(exc, "message", None) or str(exc) or type(exc).__name__
        view.set_error(
            f"could not follow task {rec.id}: {message}", status_code(exc) or type(exc).__name__
        )
        view.finish()
        raise


async def _feed(view: Any, refresher: Refresher, rec: TaskRecord) -> None:
    client = refresher.client_for(rec)
    supports = getattr(client.profile, "supports", None)
    resumable = bool(supports("resume")) if callable(supports) else False
    if resumable and not rec.is_terminal:
        try:
            async with client.responses.resume(rec.id, after=None) as stream:
                async for event in stream:
                    view.apply(event)
        except Exception as exc:  # fall back to polling below
            view.set_error(f"live stream lost ({type(exc).__name__}); polling instead")
    delay = refresher.poll_initial
    while True:
        resp = await refresher._request(lambda: client.responses.retrieve(rec.id))
        if resp.is_terminal or resp.normalized_status == "requires_input":
            view.finish(resp)
            return
        view.apply_response(resp)
        await asyncio.sleep(delay)
        delay = min(delay * refresher.poll_factor, refresher.poll_max)


def follow(refresher: Refresher, rec: TaskRecord, view: Any) -> Any:
    """Feed ``view`` with ``rec`` on the refresher's loop; its Cancel cancels the task.

    Returns ``view`` with ``view.task`` set to the future of :func:`feed_view`.
    """
    on_cancel = getattr(view, "on_cancel", None)
    if callable(on_cancel):
        on_cancel(lambda: refresher.submit(refresher.cancel(rec.id)))
    view.task = refresher.submit(feed_view(view, refresher, rec))
    return view
