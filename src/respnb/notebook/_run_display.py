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
import re
import sys
import threading
from collections.abc import Callable
from typing import Any

from IPython.display import display

from .._exceptions import ConfigurationError
from .._tool_loop import ToolOutcome
from .._view_state import ResponseViewState
from ..types import Response, StreamEvent
from ._static import fallback_bundle

__all__ = ["RunDisplay", "TextView", "make_view", "outcome_bundle"]

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
        return fallback_bundle(self.state)


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


def _code(text: str, limit: int = 400) -> str:
    """``text`` as one inline code span, whatever backticks it holds."""
    s = text.replace("\n", " ")
    s = s if len(s) <= limit else s[: limit - 1] + "…"
    ticks = "`" * (max((len(m) for m in re.findall(r"`+", s)), default=0) + 1)
    pad = " " if s.startswith("`") or s.endswith("`") or not s else ""
    return f"{ticks}{pad}{s}{pad}{ticks}"


_ICONS = {"ok": "→", "error": "⚠ error →", "declined": "✋ declined →", "unknown": "⚠ unknown →"}


def outcome_bundle(outcome: ToolOutcome) -> dict[str, str]:
    """A tool call and its output as markdown + plain text."""
    call = outcome.call
    try:
        args = json.dumps(json.loads(call.arguments or "{}"), ensure_ascii=False)
    except ValueError:
        args = call.arguments
    icon = _ICONS.get(outcome.status, "→")
    md = f"**Tool** {_code(call.name)} {_code(args)} {icon} {_code(outcome.output)}"
    plain = f"[tool] {call.name}({args}) {icon} {outcome.output}"
    return {"text/markdown": md, "text/plain": plain}


class RunDisplay:
    """The outputs of one run (nothing at all when ``quiet``)."""

    def __init__(self, *, quiet: bool, threaded: bool, factory: Callable[[], Any]) -> None:
        self.quiet = quiet
        self.threaded = threaded
        self._factory = factory
        self._slot: Any = None  # threaded: the display of the current round's view
        self._log: Any = None  # threaded: the display of the tool calls so far
        self._log_lines: list[dict[str, str]] = []
        self._first: Any = None
        self._cancel: list[Callable[[], Any]] = []
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
        if not self.threaded and hasattr(view, "stop_hint"):
            # a foreground cell keeps the kernel busy: widget clicks wait until it ends
            view.stop_hint = "Interrupt the kernel (■) to stop; the partial answer is kept."
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
        elif hasattr(view, "display"):
            view.display()
        else:
            display(view)  # type: ignore[no-untyped-call]
        return view

    def finish_round(self, view: Any, response: Response, *, interrupted: bool = False) -> None:
        """Fold the final (or partial) response into ``view`` and refresh its display."""
        if view is None:
            return
        if interrupted:
            view.set_error("Interrupted: the partial answer is kept.", code="interrupted")
        view.finish(response)
        if self.threaded and self._slot is not None:
            self._slot.update(view)

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
        """A one-line message about the run (printed; threaded runs: in their log slot)."""
        if self.threaded:
            self._show({"text/markdown": f"*{text}*", "text/plain": text})
        else:
            print(text)

    def _show(self, bundle: dict[str, str]) -> None:
        if self.quiet:
            return
        if not self.threaded:
            display(bundle, raw=True)  # type: ignore[no-untyped-call]
        elif self._log is not None:
            self._log_lines.append(bundle)
            merged = {m: "\n\n".join(line[m] for line in self._log_lines) for m in bundle}
            self._log.update(merged, raw=True)

    def interrupted(self, out: str) -> None:
        print(f"respnb: interrupted; the partial answer is in `{out}` and respnb.last.")

    def error(self, exc: BaseException) -> None:
        """Show a failed run: a banner in the last view, one line on stderr."""
        message = str(exc) or type(exc).__name__
        code = getattr(exc, "status_code", None) or getattr(exc, "code", None)
        view = self.views[-1] if self.views else None
        if view is not None:
            view.set_error(message, code if isinstance(code, (str, int)) else None)
            view.finish()
            if self.threaded and self._slot is not None:
                self._slot.update(view)
        if not self.threaded:
            print(f"respnb: {type(exc).__name__}: {message}", file=sys.stderr)
