"""respnb.display(): respnb objects, and openai-python objects and streams, duck-typed."""

from __future__ import annotations

import asyncio
import importlib
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from openai._models import construct_type
from openai.types.responses import Response as OpenAIResponse
from openai.types.responses import ResponseStreamEvent

from respnb.notebook import ResponseView, display, to_event, to_response
from respnb.types import OutputTextDeltaEvent, Response
from tests.core.streams import StreamBuilder

from .jsstore import full_mix

display_module = importlib.import_module("respnb.notebook.display")
SECRET = "sk-test-THIS-MUST-NEVER-SHOW-0123456789"


def _openai_events(builder: StreamBuilder) -> list[Any]:
    return [construct_type(type_=ResponseStreamEvent, value=e) for e in builder.events]


def test_openai_response_object() -> None:
    builder = full_mix()
    final = builder.events[-1]["response"]
    oa = construct_type(type_=OpenAIResponse, value=final)
    assert type(oa).__module__.startswith("openai")
    view = display(oa, show=False)
    assert view.finished and view.status == "completed"
    assert view.text == oa.output_text
    assert [b.kind for b in view.state.blocks][:3] == ["reasoning", "message", "function_call"]


def test_openai_stream_of_events() -> None:
    builder = full_mix()
    events = _openai_events(builder)
    assert type(events[5]).__module__.startswith("openai")
    view = display(iter(events), show=False, profile="openai")
    assert view.finished and view.status == "completed"
    assert view.state.text.startswith("Hello **world**")
    assert view.header["profile"] == "openai"
    assert [b.item for b in view.state.blocks] == builder.output


class FakeSdkStream:
    """Shaped like openai-python's ResponseStream: iterable, get_final_response(), a client."""

    def __init__(self, builder: StreamBuilder) -> None:
        self.api_key = SECRET  # as an SDK client would carry it
        self._events = _openai_events(builder)
        self._final = self._events[-1].response

    def __iter__(self) -> Iterator[Any]:
        return iter(self._events)

    def get_final_response(self) -> Any:
        return self._final


class Manager:
    """Shaped like openai-python's ResponseStreamManager (a context manager)."""

    def __init__(self, stream: FakeSdkStream) -> None:
        self.stream = stream

    def __enter__(self) -> FakeSdkStream:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        return None


def test_stream_manager_and_final_response_without_secrets() -> None:
    view = display(Manager(FakeSdkStream(full_mix())), show=False)
    assert view.finished and view.status == "completed"
    bundle = view._repr_mimebundle_()
    assert bundle is not None
    everything = json.dumps(bundle, default=str) + json.dumps(view.get_state(), default=str)
    everything += repr(view) + json.dumps(view.state.snapshot_blocks())
    assert "Hello **world**" in everything
    assert SECRET not in everything


def test_respnb_objects_dicts_and_async_streams() -> None:
    builder = full_mix()
    resp = Response.model_validate(builder.events[-1]["response"])
    assert display(resp, show=False).text == resp.output_text
    assert display(builder.events, show=False).text == resp.output_text  # event dicts

    async def agen() -> AsyncIterator[Any]:
        for e in _openai_events(builder):
            yield e

    view = display(agen(), show=False)  # no running loop: consumed to the end here
    assert view.finished and view.text == resp.output_text


async def test_async_stream_in_a_running_loop_becomes_a_task() -> None:
    builder = full_mix()

    async def agen() -> AsyncIterator[Any]:
        for e in builder.events:
            await asyncio.sleep(0)
            yield e

    view = display(agen(), show=False)
    assert not view.finished
    await view.task
    assert view.finished and view.status == "completed"


def test_conversions_and_errors() -> None:
    ev = to_event({"type": "response.output_text.delta", "delta": "x", "output_index": 0})
    assert isinstance(ev, OutputTextDeltaEvent)
    assert to_response({"id": "r", "object": "response", "output": []}) is not None
    assert to_response(42) is None
    with pytest.raises(TypeError, match="cannot show a int"):
        display(42, show=False)
    with pytest.raises(TypeError, match="not a stream event"):
        to_event(3.5)


def test_a_failing_stream_leaves_the_partial_answer_and_an_error(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    events = full_mix().events[:30]
    made: list[ResponseView] = []

    class Spy(ResponseView):
        def __init__(self, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            made.append(self)

    monkeypatch.setattr(display_module, "ResponseView", Spy)

    def broken() -> Iterator[Any]:
        yield from events
        raise ConnectionError("reset by peer")

    with pytest.raises(ConnectionError):
        display(broken(), show=False)
    (view,) = made
    assert view.finished and view.text.startswith("Hello")
    assert view.error["message"] == "stream stopped: ConnectionError: reset by peer"
    assert "reset by peer" in view._repr_mimebundle_()[0]["text/markdown"]


def test_shown_streams_end_as_static_output(monkeypatch: pytest.MonkeyPatch) -> None:
    """A displayed stream is a live widget until it ends, then the saved, static rendering; a
    finished Response is shown static at once (nothing to go missing on reopen)."""
    shown: list[tuple[Any, dict[str, Any]]] = []

    class Handle:
        def update(self, obj: Any, **kwargs: Any) -> None:
            shown.append((obj, {"update": True, **kwargs}))

    def fake_display(obj: Any, **kwargs: Any) -> Handle:
        shown.append((obj, kwargs))
        return Handle()

    monkeypatch.setattr(display_module, "_ipy_display", fake_display)
    builder = StreamBuilder("resp_shown_1", model="m").created()
    builder.message(["Hello ", "**there**"])
    builder.completed()
    view = display(iter(builder.events))
    first, last = shown[0], shown[-1]
    assert first[0] is view and first[1] == {"display_id": True}
    assert last[1] == {"update": True, "raw": True}
    assert set(last[0]) == {"text/html", "text/markdown", "text/plain"}
    assert "<strong>there</strong>" in last[0]["text/html"]
    shown.clear()
    display(Response.model_validate(builder.events[-1]["response"]))
    assert len(shown) == 1 and set(shown[0][0]) == {"text/html", "text/markdown", "text/plain"}
