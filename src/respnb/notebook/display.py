"""``respnb.display(obj)``: show a response or a stream in a live :class:`ResponseView`.

Accepts respnb objects (a :class:`~respnb.types.Response`, a sync or async stream of
:class:`~respnb.types.StreamEvent`) and, duck-typed, anything shaped like them: openai-python
``Response`` objects (``.model_dump()`` with ``output``), their streams (iterables of events with
``.type``), plain dicts and lists of event dicts. respnb never imports openai.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterable, Iterable
from typing import Any

from IPython.display import display as _ipy_display

from ..types import Response, StreamEvent, parse_event
from ._static import static_bundle
from .view import ResponseView

__all__ = ["display", "to_event", "to_response"]


def _dump(obj: Any) -> Any:
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        try:
            return dump(mode="json", exclude_unset=True)  # what the service sent, no padding
        except TypeError:  # pydantic v1 style objects
            return dump()
    to_dict = getattr(obj, "to_dict", None)
    return to_dict() if callable(to_dict) else obj


def to_response(obj: Any) -> Response | None:
    """``obj`` as a respnb Response when it is one, or looks like one; else ``None``."""
    if isinstance(obj, Response):
        return obj
    data = _dump(obj)
    if isinstance(data, dict) and (data.get("object") == "response" or "output" in data):
        return Response.model_validate(data)
    return None


def to_event(obj: Any) -> StreamEvent:
    """One stream event (respnb model, openai-python model or dict) as a respnb StreamEvent."""
    if isinstance(obj, StreamEvent):
        return obj
    data = _dump(obj)
    if isinstance(data, dict):
        return parse_event(data)
    raise TypeError(f"not a stream event: {type(obj).__name__} (expected an object with .type)")


def _unwrap(obj: Any) -> Any:
    # openai-python's ResponseStreamManager / respnb's stream managers are context managers
    # whose __enter__ gives the iterable stream.
    if not isinstance(obj, Iterable | AsyncIterable) and hasattr(obj, "__enter__"):
        return obj.__enter__()
    return obj


def _final(stream: Any, view: ResponseView) -> Response | None:
    for name in ("get_final_response", "snapshot"):
        getter = getattr(stream, name, None)
        if callable(getter) and not asyncio.iscoroutinefunction(getter):
            try:
                return to_response(getter())
            except Exception:
                return None
    return None


def display(
    obj: Any, *, profile: str | None = None, model: str | None = None, show: bool = True
) -> ResponseView:
    """Render ``obj`` (a Response or a stream of events, respnb or openai-python) in a view.

    A sync stream is consumed here (the view updates live as events arrive); an async stream
    is consumed in a task on the running event loop (or to completion when there is none).
    When the stream ends, the live output becomes the static rendering a saved notebook keeps
    (a finished Response is shown that way at once). Returns the view; ``view.state`` holds
    the result for plain Python.
    """
    response = to_response(obj)
    if response is not None:
        view = ResponseView.from_response(response, profile=profile)
        if show:  # finished already: shown as it is saved, no widget to go missing
            _ipy_display(static_bundle(view.state), raw=True)  # type: ignore[no-untyped-call]
        return view
    stream = _unwrap(obj)
    view = ResponseView(profile=profile, model=model)
    handle = _ipy_display(view, display_id=True) if show else None  # type: ignore[no-untyped-call]
    if isinstance(stream, AsyncIterable):
        coro = _consume_async(stream, view, handle)
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            asyncio.run(coro)
        else:
            view.task = loop.create_task(coro)
        return view
    if not isinstance(stream, Iterable) or isinstance(stream, str | bytes | dict):
        raise TypeError(
            f"respnb.display() cannot show a {type(obj).__name__}: pass a Response (respnb or "
            "openai-python), a stream of events, or a list of event dicts."
        )
    try:
        for event in stream:
            view.apply(to_event(event))
    except BaseException as exc:
        view.set_error(f"stream stopped: {type(exc).__name__}: {exc}")
        _end(view, handle)
        raise
    _end(view, handle, _final(stream, view))
    return view


def _end(view: ResponseView, handle: Any, response: Response | None = None) -> None:
    """Finish ``view``; its live output (if shown) becomes the static rendering."""
    view.finish(response)
    if handle is not None:
        handle.update(static_bundle(view.state), raw=True)


async def _consume_async(stream: AsyncIterable[Any], view: ResponseView, handle: Any) -> None:
    try:
        async for event in stream:
            view.apply(to_event(event))
    except BaseException as exc:
        view.set_error(f"stream stopped: {type(exc).__name__}: {exc}")
        _end(view, handle)
        raise
    _end(view, handle)
