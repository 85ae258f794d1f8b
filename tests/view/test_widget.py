"""ResponseView: the send path (bytes and message budget), sync, cancel, fallback, errors."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from respnb._exceptions import ConfigurationError
from respnb.notebook import view as view_module
from respnb.notebook.view import ResponseView
from respnb.types import Response, StreamEvent
from tests.core.streams import StreamBuilder, words

from .jsstore import events_of, full_mix, replay

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


class Recorder:
    """Stands in for the comm: records every custom message as the JSON that would be sent."""

    def __init__(self) -> None:
        self.messages: list[dict[str, Any]] = []
        self.bytes = 0

    def __call__(self, content: dict[str, Any], buffers: Any = None) -> None:
        wire = json.dumps(content)
        self.bytes += len(wire)
        self.messages.append(json.loads(wire))

    def replayed(self) -> list[dict[str, Any]]:
        """What the front end's store holds after these messages."""
        return replay(self.messages)


def _view(**kwargs: Any) -> tuple[ResponseView, Recorder]:
    view = ResponseView(autoflush=False, **kwargs)
    rec = Recorder()
    view.send = rec  # type: ignore[method-assign]
    return view, rec


def _feed(view: ResponseView, events: list[StreamEvent], clock: FakeClock, rate: float) -> None:
    for event in events:
        clock.now += 1 / rate
        view.apply(event)


@pytest.mark.parametrize("rate", [50, 200, 1000, 20000])
def test_bytes_and_messages_within_budget(rate: int) -> None:
    clock = FakeClock()
    view, rec = _view(clock=clock)
    events = events_of(StreamBuilder().created().message(words(2000)).completed())
    start = clock.now
    _feed(view, events, clock, rate)
    view.finish()
    final = len(json.dumps(view.state.snapshot_blocks()))
    assert rec.bytes <= 3 * final, (rec.bytes, final)
    seconds = clock.now - start
    assert len(rec.messages) <= 30 * seconds + 3
    assert rec.replayed() == json.loads(json.dumps(view.state.snapshot_blocks()))


def test_messages_are_sequenced() -> None:
    clock = FakeClock()
    view, rec = _view(clock=clock)
    _feed(view, events_of(full_mix()), clock, 100)
    view.finish()
    assert all(m["kind"] == "patches" for m in rec.messages)
    assert [m["seq"] for m in rec.messages] == list(range(1, len(rec.messages) + 1))
    assert rec.replayed() == json.loads(json.dumps(view.state.snapshot_blocks()))


def test_small_state_goes_to_traitlets() -> None:
    view, rec = _view(profile="local", model="respnb-demo")
    assert view.header["profile"] == "local" and view.header["model"] == "respnb-demo"
    for event in events_of(full_mix()):
        view.apply(event)
    view.finish()
    assert view.status == "completed" and view.finished
    assert view.header["id"] == "resp_mix_000001"
    assert view.usage["output_tokens"] == 65 and view.error == {}
    sent_ops = {p["op"] for m in rec.messages for p in m["patches"] if isinstance(p, dict)}
    assert not sent_ops & {"header", "usage", "error"}
    view.set_error("interrupted by the user", code="interrupted")
    assert view.error == {"code": "interrupted", "message": "interrupted by the user"}


def test_sync_replies_with_every_block() -> None:
    view, rec = _view()
    for event in events_of(full_mix())[:40]:
        view.apply(event)
    view._on_front_msg(view, {"kind": "sync", "id": "req-1"}, [])
    reset = rec.messages[-1]
    assert reset["kind"] == "reset" and reset["id"] == "req-1"
    assert reset["blocks"] == json.loads(json.dumps(view.state.snapshot_blocks()))
    assert reset["seq"] == rec.messages[-2]["seq"]  # pending patches went out first
    # a front end that starts from the reset and follows the rest ends up complete
    for event in events_of(full_mix())[40:]:
        view.apply(event)
    view.finish()
    late = replay(rec.messages[rec.messages.index(reset) :])
    assert late == json.loads(json.dumps(view.state.snapshot_blocks()))


def test_cancel_button_calls_back() -> None:
    view, _ = _view()
    calls: list[str] = []
    view.on_cancel(lambda: calls.append("x"))
    view._on_front_msg(view, {"kind": "cancel", "id": "c"}, [])
    view._on_front_msg(view, "junk", [])
    assert calls == ["x"]


def test_mimebundle_has_widget_and_fallback() -> None:
    view, _ = _view()
    for event in events_of(full_mix()):
        view.apply(event)
    view.finish()
    bundle = view._repr_mimebundle_()
    assert bundle is not None
    data, _meta = bundle
    assert data[WIDGET_MIME]["model_id"] == view.model_id
    assert "Hello **world**" in data["text/markdown"]
    assert "get\\_weather" in data["text/markdown"] or "get_weather" in data["text/markdown"]
    assert data["text/plain"].startswith("gpt-test · completed · resp_mix_000001")


def test_from_response_is_finished() -> None:
    resp = Response.model_validate(
        {
            "id": "r1",
            "status": "completed",
            "model": "m",
            "output": [
                {
                    "type": "message",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": "ok"}],
                }
            ],
        }
    )
    view = ResponseView.from_response(resp, profile="openai")
    assert view.finished and view.text == "ok" and view.status == "completed"
    assert repr(view) == "ResponseView(id='r1', model='m', status='completed')"


def test_missing_bundle_says_how_to_build(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.setattr(view_module, "STATIC_DIR", tmp_path)
    with pytest.raises(ConfigurationError, match="npm ci && npm run build"):
        ResponseView()


def test_apply_from_another_thread_with_timer_flushes() -> None:
    view = ResponseView(interval=0.001)
    rec = Recorder()
    lock = threading.Lock()

    def send(content: dict[str, Any], buffers: Any = None) -> None:
        with lock:
            rec(content)

    view.send = send  # type: ignore[method-assign]
    events = events_of(full_mix())

    def produce() -> None:
        for event in events:
            view.apply(event)

    worker = threading.Thread(target=produce)
    worker.start()
    for _ in range(50):
        view.flush()
    worker.join()
    view.finish()
    assert rec.replayed() == json.loads(json.dumps(view.state.snapshot_blocks()))
    seqs = [m["seq"] for m in rec.messages]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)


def test_uid_is_in_the_first_state(monkeypatch: pytest.MonkeyPatch) -> None:
    """The front end keys its one store per view by uid: it must be there when the comm opens,
    or initialize() and render() would each build a store and apply every patch twice."""
    from ipywidgets.widgets import widget as ipywidget

    opened: list[dict[str, Any]] = []
    real = ipywidget.comm.create_comm

    def spy(**kwargs: Any) -> Any:
        opened.append(kwargs["data"]["state"])
        return real(**kwargs)

    monkeypatch.setattr(ipywidget.comm, "create_comm", spy)
    a, b = ResponseView(), ResponseView()
    uids = [s.get("uid") for s in opened if s.get("_model_name") == "AnyModel"]
    assert uids == [a.uid, b.uid] and all(len(u) == 32 for u in uids) and a.uid != b.uid
    a.close()
    b.close()


def test_fetch_hosts_come_from_the_profile_base_url() -> None:
    assert ResponseView(profile="openai").fetch_hosts == ["api.openai.com"]
    assert ResponseView(profile="local").fetch_hosts == []  # never starts a server to ask
    assert ResponseView(profile="no-such-profile").fetch_hosts == []


def test_structured_output_names_its_model() -> None:
    view, _ = _view()
    events = events_of(StreamBuilder().created().message(['{"a": ', "1}"]).completed())
    final = events[-1].response  # type: ignore[attr-defined]
    final.text = {"format": {"type": "json_schema", "name": "Weather", "schema": {}}}
    for event in events:
        view.apply(event)
    view.finish()
    assert view.header["format_name"] == "Weather"
