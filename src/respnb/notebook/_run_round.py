"""One request round of a ``%%respond`` run, shown in its own view.

:func:`run_round` streams the request (resuming once when the stream breaks, polling
``retrieve`` when it ends early), or creates it and polls when the profile cannot stream or
``--no-stream`` is given. A Cancel click or a kernel interrupt stops it; the answer is then the
service's own final state when it can tell within a short grace period, else the partial one.
"""

from __future__ import annotations

import threading
import time
from typing import Any

from .._exceptions import APIError
from ..types import TERMINAL_STATUSES, Response
from ._run import CANCEL_GRACE, Interrupted, Run, cancel

__all__ = ["run_round"]


def run_round(run: Run, params: dict[str, Any]) -> Response:
    """One request, shown in a new view; raises Interrupted with the partial answer."""
    if run.cancel_requested.is_set():  # cancelled between two tool rounds
        raise Interrupted(run.last_response or Response(status="cancelled"))
    view = run.display.new_round(model=params.get("model"))
    responses = run.client.responses
    if not run.opts.stream or not run.profile.supports("streaming"):
        return _round_polled(run, params, view)
    stream = responses.stream(**params, auto_resume=False)
    try:
        with stream as events:
            _pump(run, events, view)
        final = stream.snapshot()
        if not final.is_terminal and final.id and not run.cancel_requested.is_set():
            final = _resume(run, stream, view)
    except KeyboardInterrupt:
        partial = stream.snapshot()
        if params.get("background") and partial.id:
            run.response_id = partial.id
            cancel(run)
        partial = _confirm_stop(run, partial, view)
        run.display.finish_round(view, partial, interrupted=True)
        raise Interrupted(partial) from None
    stopped = run.cancel_requested.is_set() and final.normalized_status != "completed"
    if stopped:
        final = _confirm_stop(run, final, view)
    elif not final.is_terminal and final.id and run.profile.supports("retrieve"):
        final = _poll(run, final, view)  # the stream ended early
    run.response_id = None
    run.last_response = final
    run.display.finish_round(view, final, cancelled=stopped)
    if stopped:
        raise Interrupted(final)
    return final


def _round_polled(run: Run, params: dict[str, Any], view: Any) -> Response:
    try:
        response: Response = run.client.responses.create(**params)
        run.response_id = response.id or None
        if not response.is_terminal and response.id and run.profile.supports("retrieve"):
            response = _poll(run, response, view)
    except KeyboardInterrupt:
        partial = Response(id=run.response_id or "", status="cancelled")
        if run.response_id:
            cancel(run)
            try:
                partial = run.client.responses.retrieve(run.response_id)
            except APIError:
                pass
        run.display.finish_round(view, partial, interrupted=True)
        raise Interrupted(partial) from None
    run.response_id = None
    run.last_response = response
    stopped = run.cancel_requested.is_set() and response.normalized_status != "completed"
    run.display.finish_round(view, response, cancelled=stopped)
    if stopped:
        raise Interrupted(response)
    return response


def _pump(run: Run, events: Any, view: Any) -> None:
    for event in events:
        run.response_id = run.response_id or events.response_id
        if view is not None:
            view.apply(event)
        if run.cancel_requested.is_set():
            break  # leaving the stream closes it; the service stops the response


def _confirm_stop(run: Run, partial: Response, view: Any) -> Response:
    """After a stop: the service's own final state of the response, when it can tell
    within a short grace period; else ``partial``."""
    if not partial.id or partial.store is False or not run.profile.supports("retrieve"):
        return partial
    try:
        told = _poll(run, partial, None, deadline=time.monotonic() + CANCEL_GRACE)
    except APIError:
        return partial
    if not told.is_terminal or len(told.output_text) >= len(partial.output_text):
        return told if told.is_terminal else partial
    # the service's verdict, with the partial answer this client had already shown
    return partial.model_copy(update={"status": told.status, "error": told.error})


def _resume(run: Run, stream: Any, view: Any) -> Response:
    """One reconnection after ``stream.cursor`` (stored responses); the snapshot after."""
    final: Response = stream.snapshot()
    if not run.profile.supports("resume") or final.store is False:
        return final
    acc = stream.async_stream.accumulator
    again = run.client.responses.resume(
        final.id, after=stream.cursor, accumulator=acc, auto_resume=False
    )
    with again as events:
        _pump(run, events, view)
    resumed: Response = again.snapshot()
    return resumed


def _poll(run: Run, response: Response, view: Any, deadline: float | None = None) -> Response:
    """Poll ``retrieve`` until the response is terminal (or ``deadline``, a monotonic
    time, passed), folding each into the view."""
    interval = 0.2
    pause = threading.Event()  # set once by a cancel, to poll at once
    run.cancel_waiters.append(pause)
    while response.normalized_status not in TERMINAL_STATUSES | {"requires_input"}:
        if deadline is not None and time.monotonic() > deadline:
            break
        if pause.wait(interval):
            pause.clear()
        interval = min(interval * 1.5, 5.0)
        response = run.client.responses.retrieve(response.id)
        if view is not None:
            view.apply_response(response)
    return response
