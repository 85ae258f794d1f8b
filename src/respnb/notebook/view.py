"""``ResponseView``: the live anywidget of one response.

Small state (header, usage, error, status) lives in synced traitlets, so a saved notebook keeps
it. Item patches travel as sequenced custom messages ``{"kind": "patches", "seq", "patches"}``
(a delta as a compact ``[index, field, part, delta]``), coalesced to at most ~30 per second
(see :mod:`respnb._coalescer`). When a front end starts it sends ``{"kind": "sync"}`` and gets
``{"kind": "reset", "seq", "blocks"}`` back, so a second display, or a reloaded page on a live
kernel, shows everything; the front end applies each ``seq`` once, in order, and asks for a
reset again when one is missing. The ``uid`` trait, part of the widget's first state, keys the
front end's one store per view.

Typical driver (the ``%%respond`` magic)::

    view = ResponseView(profile="local", model="respnb-demo")
    view.display()                  # shows it; finish() refreshes the static fallback
    view.on_cancel(lambda: ...)     # the Cancel button
    for event in stream:            # any thread
        view.apply(event)
    view.finish(stream.get_final_response())
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from .._exceptions import ConfigurationError
from .._view_state import Coalescer, Patch, ResponseViewState
from ..types import TERMINAL_EVENT_TYPES, Response, StreamEvent
from ._bundle import LOADER, bundle_trait, shared_bundle
from ._static import fallback_bundle

__all__ = ["STATIC_DIR", "ResponseView", "encode_patch", "load_bundle"]

STATIC_DIR = Path(__file__).resolve().parent.parent / "static"
_SMALL_OPS = frozenset({"header", "usage", "error"})
_bundle_cache: dict[Path, tuple[float, str]] = {}


def load_bundle(name: str) -> str:
    """The text of ``static/<name>``; a clear error if the front end was never built."""
    path = STATIC_DIR / name
    try:
        mtime = path.stat().st_mtime
    except FileNotFoundError:
        raise ConfigurationError(
            f"respnb's widget front end is missing ({path} does not exist). Build it with "
            "`npm ci && npm run build` in the js/ directory of the source tree, or reinstall "
            "with `pip install -e .` (needs Node.js/npm), or install a released wheel."
        ) from None
    cached = _bundle_cache.get(path)
    if cached is None or cached[0] != mtime:
        cached = _bundle_cache[path] = (mtime, path.read_text(encoding="utf-8"))
    return cached[1]


def _profile_hosts(profile: str | None) -> list[str]:
    """The host of the profile's base URL (where its output files live), when it resolves."""
    if not profile:
        return []
    from urllib.parse import urlsplit

    from .._profile_config import resolve_profile

    try:
        base_url = resolve_profile(profile).base_url  # never starts a server
    except (ConfigurationError, ValueError, OSError, KeyError):
        return []
    host = urlsplit(base_url).netloc if base_url else ""
    return [host.rsplit("@", 1)[-1]] if host else []


def encode_patch(patch: Patch) -> Patch | list[Any]:
    """The wire form of a patch: a delta travels as ``[index, field, part, delta]``."""
    if patch.get("op") == "delta":
        return [patch["index"], patch["field"], patch["part"], patch["delta"]]
    return patch


class ResponseView(anywidget.AnyWidget):
    """A live view of one response: header, items as they stream, usage, errors."""

    _esm = LOADER  # the bundle itself is shared by every view: see ._bundle
    bundle = bundle_trait()
    header = traitlets.Dict().tag(sync=True)
    usage = traitlets.Dict().tag(sync=True)
    error = traitlets.Dict().tag(sync=True)  # {} when there is none
    status = traitlets.Unicode(allow_none=True, default_value=None).tag(sync=True)
    finished = traitlets.Bool(False).tag(sync=True)
    uid = traitlets.Unicode("").tag(sync=True)  # keys the front end's per-response document
    cancellable = traitlets.Bool(False).tag(sync=True)  # a Cancel callback is registered
    stop_hint = traitlets.Unicode("").tag(sync=True)  # how to stop a run that has no Cancel
    # hosts (besides the notebook server) an output file preview may be fetched from, on click
    fetch_hosts = traitlets.List(traitlets.Unicode()).tag(sync=True)

    def __init__(
        self,
        *,
        profile: str | None = None,
        model: str | None = None,
        state: ResponseViewState | None = None,
        interval: float = 1 / 30,
        min_bytes: int = 48,
        max_wait: float = 0.25,
        clock: Callable[[], float] = time.monotonic,
        autoflush: bool = True,
        **kwargs: Any,
    ) -> None:
        code = load_bundle("response_view.js")
        css = (
            load_bundle("response_view.css") if (STATIC_DIR / "response_view.css").exists() else ""
        )
        # The uid keys the front end's store: it must be in the widget's first state, so that
        # every front-end callback (initialize, each render) finds the same store.
        kwargs.setdefault("uid", uuid.uuid4().hex)
        kwargs.setdefault("fetch_hosts", _profile_hosts(profile))
        # in the first state too: the loader's initialize then runs, and creates the store
        # before the first patch message arrives
        kwargs.setdefault("bundle", shared_bundle(code, css))
        super().__init__(**kwargs)
        self.state = state if state is not None else ResponseViewState(profile=profile, model=model)
        self._lock = threading.RLock()
        self._coalescer = Coalescer(
            self._send_batch, interval=interval, min_bytes=min_bytes, max_wait=max_wait, clock=clock
        )
        self._autoflush = autoflush
        self._timer: threading.Timer | None = None
        self._cancel_callbacks: list[Callable[[], Any]] = []
        self._handle: Any = None
        self._seq = 0
        self.task: Any = None  # the asyncio task feeding this view, when display() made one
        self.on_msg(self._on_front_msg)
        self._sync_small()

    # ------------------------------------------------------------------ construction
    @classmethod
    def from_response(cls, response: Response, *, profile: str | None = None) -> ResponseView:
        """A finished view of ``response`` (no streaming)."""
        view = cls(state=ResponseViewState.from_response(response, profile=profile))
        view.finished = True
        return view

    # ------------------------------------------------------------------ driving
    def apply(self, event: StreamEvent) -> None:
        """Feed one stream event (thread-safe); the front end gets it within ~1/30 s."""
        with self._lock:
            self._push(self.state.apply(event))
            if event.type in TERMINAL_EVENT_TYPES:
                self._flush_locked()

    def apply_response(self, response: Response) -> None:
        """Fold a polled or final Response into the view (background runs)."""
        with self._lock:
            self._push(self.state.apply_response(response))

    def set_header(self, **fields: Any) -> None:
        """Change header fields (profile, model, status, ...)."""
        with self._lock:
            self._push(self.state.set_header(**fields))

    def set_error(self, message: str, code: str | int | None = None) -> None:
        """Show an error banner (transport error, interrupt, tool failure ...)."""
        with self._lock:
            self._push(self.state.set_error(message, code))
            self._flush_locked()

    def flush(self) -> None:
        """Send everything pending now."""
        with self._lock:
            self._flush_locked()

    def finish(self, response: Response | None = None) -> None:
        """Final state: fold ``response`` in (if given), flush, refresh the static fallback."""
        with self._lock:
            if response is not None:
                self._push(self.state.apply_response(response))
            self._flush_locked()
            self.finished = True
        if self._handle is not None:
            self._handle.update(self)

    def begin_round(self) -> None:
        """A tool loop's next request: its items follow the ones shown, in the same view."""
        with self._lock:
            self._flush_locked()
            self.state.begin_round()
            self.finished = False

    def add_tool_output(self, call_id: str, output: str) -> None:
        """Show a function call's result (the view shows it inside its call)."""
        item = {"type": "function_call_output", "call_id": call_id, "output": output}
        with self._lock:
            self._push(self.state.add_item(item))
            self._flush_locked()

    def on_cancel(self, callback: Callable[[], Any]) -> None:
        """Call ``callback()`` when the user presses Cancel in the view."""
        self._cancel_callbacks.append(callback)
        self.cancellable = True

    def display(self) -> ResponseView:
        """Display the view in the current output, keeping a handle so that :meth:`finish`
        replaces the static fallback with the final answer."""
        from IPython.display import display

        self._handle = display(self, display_id=True)  # type: ignore[no-untyped-call]
        return self

    def close(self) -> None:
        """Send what is pending, stop the flush timer and close the widget's comm."""
        if hasattr(self, "_coalescer"):  # absent when __init__ failed (missing bundle)
            with self._lock:
                self._flush_locked()
        super().close()

    @property
    def text(self) -> str:
        """All assistant text so far (markdown)."""
        return self.state.text

    # ------------------------------------------------------------------ rendering
    def _repr_mimebundle_(self, **kwargs: Any) -> tuple[dict[str, Any], dict[str, Any]] | None:
        bundle = super()._repr_mimebundle_(**kwargs)
        if bundle is None:
            return None
        data, metadata = bundle
        return {**data, **fallback_bundle(self.state)}, metadata

    def __repr__(self) -> str:
        h = self.state.header
        return f"ResponseView(id={h.get('id')!r}, model={h.get('model')!r}, status={self.status!r})"

    # ------------------------------------------------------------------ internals
    def _push(self, patches: list[Patch]) -> None:
        if patches and not self._coalescer.push(patches):
            self._schedule()

    def _schedule(self) -> None:
        delay = self._coalescer.next_flush_in()
        if not self._autoflush or self._timer is not None or delay is None:
            return
        timer = threading.Timer(delay, self._on_timer)
        timer.daemon = True
        self._timer = timer
        timer.start()

    def _on_timer(self) -> None:
        with self._lock:
            self._timer = None
            self._coalescer.flush()

    def _flush_locked(self) -> None:
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._coalescer.flush()

    def _send_batch(self, batch: list[Patch]) -> None:
        items = [encode_patch(p) for p in batch if p.get("op") not in _SMALL_OPS]
        if len(items) != len(batch):
            self._sync_small()
        if items:
            self._seq += 1
            self.send({"kind": "patches", "seq": self._seq, "patches": items})

    def _sync_small(self) -> None:
        state = self.state
        with self.hold_sync():
            self.header = dict(state.header)
            self.usage = dict(state.usage)
            self.error = dict(state.error) if state.error else {}
            self.status = state.status

    def _on_front_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        if kind == "sync":
            with self._lock:
                self._flush_locked()
                self.send(
                    {
                        "id": content.get("id") or uuid.uuid4().hex,
                        "kind": "reset",
                        "seq": self._seq,
                        "blocks": self.state.snapshot_blocks(),
                    }
                )
        elif kind == "cancel":
            for callback in list(self._cancel_callbacks):
                callback()
