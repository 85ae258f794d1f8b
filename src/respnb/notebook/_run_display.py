"""What a ``%%respond`` run shows: one view per request, tool calls between them, notes.

A foreground run displays as it goes. A background run (``threaded``) reserves its display
slots in the cell that started it (:meth:`RunDisplay.prepare`, on the main thread) and later
only *updates* them from its worker thread, so nothing lands in whatever cell runs then.

Views are respnb's :class:`~respnb.notebook.view.ResponseView`; when its front end is not built
(or anywidget is missing) a :class:`TextView` stands in: the same interface, rendered as the
static markdown + text fallback when the response finishes.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections.abc import Callable
from typing import Any

from IPython.display import display

from .._exceptions import ConfigurationError, RespnbError
from .._sanitize import code_span, escape_html, markdown_text
from .._tool_loop import ToolOutcome
from .._view_state import ResponseViewState
from ..types import Response, StreamEvent
from ._static import fallback_bundle, static_bundle

__all__ = [
    "RunDisplay",
    "RunFailed",
    "TextView",
    "make_view",
    "note_bundle",
    "outcome_bundle",
    "settle",
]

_warned = threading.Event()


class TextView:
    """A widget-free stand-in for ResponseView: shows the static fallback when finished."""

    def __init__(self, *, profile: str | None = None, model: str | None = None) -> None:
        self.state = ResponseViewState(profile=profile, model=model)
        self._handle: Any = None
        self._callbacks: list[Callable[[], Any]] = []

    def apply(self, event: StreamEvent) -> None:
        self.state.apply(event)

    def apply_response(self, response: Response) -> None:
        self.state.apply_response(response)

    def set_error(self, message: str, code: str | int | None = None) -> None:
        self.state.set_error(message, code)

    def set_header(self, **fields: Any) -> None:
        self.state.set_header(**fields)

    def flush(self) -> None:
        """Nothing is pending: a TextView renders only when displayed or finished."""

    def finish(self, response: Response | None = None) -> None:
        if response is not None:
            self.state.apply_response(response)
        if self._handle is not None:
            self._handle.update(self)

    def on_cancel(self, callback: Callable[[], Any]) -> None:
        self._callbacks.append(callback)

    def display(self) -> TextView:
        self._handle = display(self, display_id=True)  # type: ignore[no-untyped-call]
        return self

    @property
    def text(self) -> str:
        return self.state.text

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        return static_bundle(self.state) if self.state.status else fallback_bundle(self.state)


def make_view(
    factory: Callable[[str, str | None], Any] | None, profile: str, model: str | None
) -> Any:
    """A view from ``factory``, else a ResponseView, else (front end missing) a TextView."""
    if factory is not None:
        return factory(profile, model)
    try:
        from .view import ResponseView

        return ResponseView(profile=profile, model=model)
    except (ImportError, ConfigurationError) as exc:
        if not _warned.is_set():
            _warned.set()
            print(f"respnb: showing plain output instead of the live view ({exc})", file=sys.stderr)
        return TextView(profile=profile, model=model)


_ICONS = {"ok": "→", "error": "error →", "declined": "declined →", "unknown": "unknown →"}
_TERMINAL = frozenset({"completed", "failed", "cancelled", "incomplete", "requires_input"})


class RunFailed(RespnbError):
    """Raised out of a foreground cell whose run failed, after its view showed the error once:
    the cell fails (Run All, nbclient and papermill stop) without printing the error again."""

    def __init__(self, cause: BaseException) -> None:
        super().__init__(f"{type(cause).__name__}: {cause}")
        self.cause = cause

    def _render_traceback_(self) -> list[str]:
        return [f"respnb: the run failed ({type(self.cause).__name__}); the error is shown above."]


def outcome_bundle(outcome: ToolOutcome) -> dict[str, str]:
    """A tool call and its output as escaped HTML, markdown code spans and plain text."""
    call = outcome.call
    try:
        args = json.dumps(json.loads(call.arguments or "{}"), ensure_ascii=False)
    except ValueError:
        args = call.arguments
    icon = _ICONS.get(outcome.status, "→")
    name, out = call.name, _short(outcome.output)
    html = (
        f"<div><strong>Tool</strong> <code>{escape_html(name)}</code> "
        f"<code>{escape_html(_short(args))}</code> {escape_html(icon)} "
        f"<code>{escape_html(out)}</code></div>"
    )
    md = f"**Tool** {code_span(name)} {code_span(args)} {icon} {code_span(out, 400)}"
    plain = f"[tool] {name}({args}) {icon} {outcome.output}"
    return {"text/html": html, "text/markdown": md, "text/plain": plain}


def note_bundle(text: str) -> dict[str, str]:
    """A message about the run: plain text, and the same text escaped as HTML."""
    html = f"<div><em>{escape_html(text)}</em></div>"
    return {"text/html": html, "text/markdown": markdown_text(text), "text/plain": text}


def _short(text: Any, limit: int = 400) -> str:
    s = str(text if text is not None else "")
    return s if len(s) <= limit else s[: limit - 1] + "…"


def _merge(bundles: list[dict[str, str]]) -> dict[str, str]:
    """Several bundles as one: HTML concatenated, markdown and text one paragraph each."""
    return {
        "text/html": "".join(b["text/html"] for b in bundles),
        "text/markdown": "\n\n".join(b["text/markdown"] for b in bundles),
        "text/plain": "\n".join(b["text/plain"] for b in bundles),
    }


def settle(view: Any, *, status: str | None = None, raw: str | None = None) -> None:
    """Make ``view``'s header tell how the run ended: ``status`` when the service gave no
    terminal one, and start/end times so the elapsed time stays."""
    state = getattr(view, "state", None)
    if state is None or not hasattr(view, "set_header"):
        return
    header = state.header
    fields: dict[str, Any] = {}
    if status is not None and header.get("status") not in _TERMINAL:
        fields["status"] = status
        fields["status_raw"] = raw or status
    now = time.time()
    started = getattr(view, "started_at", None)
    if isinstance(started, float):
        fields["started_at"], fields["ended_at"] = started, now  # the static rendering's clock
    if not header.get("created_at"):
        fields["created_at"] = started or now  # the live view counts from created_at
    if not header.get("completed_at"):
        fields["completed_at"] = now
    view.set_header(**fields)


class RunDisplay:
    """The outputs of one run (nothing at all when ``quiet``).

    Every view is displayed with a display id; when its round ends the live widget output is
    replaced by the static rendering (:func:`~respnb.notebook._static.static_bundle`), so the
    saved notebook holds no widget reference.
    """

    def __init__(self, *, quiet: bool, threaded: bool, factory: Callable[[], Any]) -> None:
        self.quiet = quiet
        self.threaded = threaded
        self._factory = factory
        self._slot: Any = None  # threaded: the display of the current round's view
        self._log: Any = None  # threaded: the display of the tool calls so far
        self._log_lines: list[dict[str, str]] = []
        self._done: list[dict[str, str]] = []  # threaded: the static bundles of ended rounds
        self._handles: dict[int, Any] = {}  # foreground: id(view) -> its display
        self._first: Any = None
        self._cancel: list[Callable[[], Any]] = []
        self.stop_hint = "Interrupt the kernel (■) to stop; the partial answer is kept."
        self.adopt: Callable[[Any], None] | None = None  # routes a view's clicks (foreground)
        self.views: list[Any] = []

    def prepare(self) -> None:
        """Threaded runs: create and display the first view now, on the main thread."""
        if self.quiet:
            return
        self._first = self._make()
        self._slot = display(self._first, display_id=True)  # type: ignore[no-untyped-call]
        self._log = display({"text/plain": ""}, raw=True, display_id=True)  # type: ignore[no-untyped-call]

    def _make(self) -> Any:
        view = self._factory()
        view.started_at = time.time()
        if self.adopt is not None:
            self.adopt(view)
        if not self.threaded and not self._cancel and hasattr(view, "stop_hint"):
            # no Cancel reaches a busy foreground cell: say how to stop it instead
            view.stop_hint = self.stop_hint
        for callback in self._cancel:
            view.on_cancel(callback)
        self.views.append(view)
        return view

    def on_cancel(self, callback: Callable[[], Any]) -> None:
        """Call ``callback`` when the Cancel button of any of this run's views is pressed."""
        self._cancel.append(callback)
        for view in self.views:
            view.on_cancel(callback)

    def new_round(self, model: Any = None) -> Any:
        """The view of the next request (None when quiet)."""
        if self.quiet:
            return None
        if self._first is not None:
            view, self._first = self._first, None
            return view
        if self.views and hasattr(self.views[-1], "begin_round"):
            view = self.views[-1]  # one view per question: the next round continues in it
            view.begin_round()
            return view
        view = self._make()
        if self.threaded and self._slot is not None:
            self._slot.update(view)
        else:
            self._handles[id(view)] = display(view, display_id=True)  # type: ignore[no-untyped-call]
        return view

    def finish_round(
        self, view: Any, response: Response, *, interrupted: bool = False, cancelled: bool = False
    ) -> None:
        """Fold the final (or partial) response into ``view``; its output becomes static."""
        if view is None:
            return
        if interrupted:
            view.set_error("Interrupted: the partial answer is kept.", code="interrupted")
        view.finish(response)
        if interrupted or cancelled:
            settle(view, status="cancelled", raw="interrupted" if interrupted else "cancelled")
        else:
            settle(view)
        self._freeze(view)

    def _freeze(self, view: Any) -> None:
        """Replace ``view``'s live output by its static rendering."""
        state = getattr(view, "state", None)
        if state is None:
            return
        bundle = static_bundle(state)
        if self.threaded and self._slot is not None:
            self._done.append(bundle)
            self._slot.update(_merge(self._done), raw=True)
            return
        handle = self._handles.get(id(view))
        if handle is not None:
            handle.update(bundle, raw=True)

    def tool_outcome(self, outcome: ToolOutcome) -> None:
        """Show a function call and what it returned (or why it did not run): inside the
        run's view when it can show it, else as a line of its own."""
        view = self.views[-1] if self.views else None
        if not self.quiet and view is not None and hasattr(view, "add_tool_output"):
            view.add_tool_output(outcome.call.call_id, outcome.output)
            if self.threaded and self._slot is not None:
                self._slot.update(view)
            return
        self._show(outcome_bundle(outcome))

    def note(self, text: str) -> None:
        """A message about the run, as text (never as markup: it may quote the service)."""
        if self.threaded:
            self._show(note_bundle(text))
        else:
            print(text)

    def _show(self, bundle: dict[str, str]) -> None:
        if self.quiet:
            return
        if not self.threaded:
            display(bundle, raw=True)  # type: ignore[no-untyped-call]
        elif self._log is not None:
            self._log_lines.append(bundle)
            self._log.update(_merge(self._log_lines), raw=True)

    def interrupted(self, out: str) -> None:
        print(f"respnb: interrupted; the partial answer is in `{out}` and respnb.last.")

    def error(self, exc: BaseException) -> bool:
        """Show a failed run once, as a banner in its last view (status failed, times kept).
        False when there is no view to show it in (the caller reports it instead)."""
        message = str(exc) or type(exc).__name__
        code = getattr(exc, "status_code", None) or getattr(exc, "code", None)
        view = self.views[-1] if self.views else None
        if view is None:
            return False
        view.set_error(message, code if isinstance(code, (str, int)) else None)
        view.finish()
        settle(view, status="failed")
        self._freeze(view)
        return True
