"""Attach a live view to a stored task: replay its stream (or poll it) into a ResponseView."""

from __future__ import annotations

import asyncio
from typing import Any

from .refresher import Refresher
from .registry import TaskRecord

__all__ = ["attach_view", "feed_view"]


async def feed_view(view: Any, refresher: Refresher, rec: TaskRecord) -> None:
    """Drive ``view`` until the task settles: stream from the first event when the profile
    can resume, poll with backoff otherwise; fold the final stored Response in at the end."""
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


def attach_view(refresher: Refresher, rec: TaskRecord) -> Any:
    """A ResponseView of ``rec`` fed live on the refresher's loop (``view.task`` is the future).

    Raises ImportError when the notebook layer (anywidget) is not available.
    """
    from respnb.notebook.view import ResponseView

    view = ResponseView(profile=rec.profile, model=rec.model)
    view.on_cancel(lambda: refresher.submit(refresher.cancel(rec.id)))
    view.task = refresher.submit(feed_view(view, refresher, rec))
    return view
