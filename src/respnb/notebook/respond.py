"""``respnb.respond(prompt, **options)``: ``%%respond`` as a function, for marimo and scripts.

The options are the magic's (same names, Python values: ``tools=[get_weather, "web_search"]``,
``schema=CalendarEvent``, ``extra={"task_mode": "agent"}``); they go through the magic's own
parser and checks, and the run through its machinery (tool loop, resume, polling, history).
What the run shows depends on where it runs:

* in marimo: live :class:`~respnb.notebook.view.ResponseView` widgets in the cell's output;
* in a Jupyter kernel: the same views, displayed as ``%%respond`` does;
* in a plain script: the answer's text streamed to stdout (control characters neutralised).

It returns a :class:`Responded`: ``.view`` (the live view of the last request: a widget, or
the :class:`TextStream` of a script; None when quiet), ``.result`` (the
:class:`~respnb._session.RespondResult`) and ``.wait()`` for ``background=True``;
``view, result = respnb.respond(...)`` unpacks it.
Bad options raise ``ValueError`` saying what to fix.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections.abc import Callable, Iterator, Mapping
from typing import Any, TextIO

from IPython.core.error import UsageError

from .._exceptions import RespnbError
from .._prompt import PromptError, interpolate
from .._session import RespondResult
from .._view_state import ResponseViewState
from ..types import StreamEvent
from ._magic_checks import fill_options
from ._magic_options import build_options
from ._run import Interrupted
from ._run_display import RunDisplay, make_view
from .magics import BackgroundRun, RespondMagics, _magic_parser

__all__ = ["Responded", "TextStream", "host", "respond"]

# keyword -> the magic's argparse dest (the same option, spelled as a Python name)
_DESTS = {
    "model": "model",
    "profile": "profile",
    "instructions": "instructions",
    "continue_": "cont",
    "new": "new",
    "conversation": "conversation",
    "background": "background",
    "no_store": "no_store",
    "reasoning": "reasoning",
    "summary": "summary",
    "tools": "tools",
    "schema": "schema",
    "attach": "attach",
    "max_output_tokens": "max_output_tokens",
    "temperature": "temperature",
    "extra": "extra",
    "stream": "no_stream",
    "quiet": "quiet",
    "confirm_tools": "confirm_tools",
    "max_tool_rounds": "max_tool_rounds",
}
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z-]*)")


def _as_keywords(message: str) -> str:
    """A magic's message in respond()'s terms: ``--max-output-tokens`` -> ``max_output_tokens``."""
    spelled = _FLAG.sub(lambda m: m.group(1).replace("-", "_"), message)
    return spelled.replace("%%respond", "respond()")


def host() -> str:
    """Where this runs: ``"marimo"``, ``"jupyter"`` (an IPython kernel) or ``"script"``."""
    if "marimo" in sys.modules:
        import marimo

        if marimo.running_in_notebook():
            return "marimo"
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return "script"
    shell = get_ipython()  # type: ignore[no-untyped-call]
    return "jupyter" if getattr(shell, "kernel", None) is not None else "script"


class TextStream:
    """A script's view: the answer's text on a stream as it arrives, then a status line."""

    stop_hint = ""

    def __init__(
        self, *, profile: str | None = None, model: str | None = None, out: TextIO | None = None
    ) -> None:
        self.state = ResponseViewState(profile=profile, model=model)
        self._out = out
        self._printed = False

    def _write(self, text: str) -> None:
        out = self._out or sys.stdout
        out.write(_CONTROL.sub("\ufffd", text))  # no terminal escapes from model text
        out.flush()

    def apply(self, event: StreamEvent) -> None:
        self.state.apply(event)
        if event.type == "response.output_text.delta":
            self._printed = True
            self._write(str(getattr(event, "delta", "")))

    def apply_response(self, response: Any) -> None:
        self.state.apply_response(response)

    def set_error(self, message: str, code: str | int | None = None) -> None:
        self.state.set_error(message, code)

    def on_cancel(self, callback: Callable[[], Any]) -> None:
        """Nothing to press in a terminal: Ctrl-C interrupts the run."""

    def flush(self) -> None:
        (self._out or sys.stdout).flush()

    def finish(self, response: Any = None) -> None:
        if response is not None:
            self.state.apply_response(response)
        if not self._printed and self.state.text:
            self._write(self.state.text)
        header, usage = self.state.header, self.state.usage
        tokens = usage.get("total_tokens")
        parts = [str(header.get("model") or ""), str(self.state.status or "")]
        if tokens is not None:
            parts.append(f"{tokens} tokens")
        if self.state.error:
            parts.append(f"error: {self.state.error.get('message')}")
        self._write("\n[" + " · ".join(p for p in parts if p) + "]\n")

    @property
    def text(self) -> str:
        return self.state.text


class _HostDisplay(RunDisplay):
    """RunDisplay that shows its views and notes through ``emit`` (marimo output, stdout)."""

    def __init__(self, *, emit: Callable[[Any], None], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._emit = emit

    def prepare(self) -> None:
        if not self.quiet:
            self._first = self._make()
            self._emit(self._first)

    def new_round(self, model: Any = None) -> Any:
        if self.quiet:
            return None
        if self._first is not None:
            view, self._first = self._first, None
            return view
        view = self._make()
        self._emit(view)
        return view

    def finish_round(
        self, view: Any, response: Any, *, interrupted: bool = False, cancelled: bool = False
    ) -> None:
        if view is None:
            return
        if interrupted:
            view.set_error("Interrupted: the partial answer is kept.", code="interrupted")
        view.finish(response)

    def note(self, text: str) -> None:
        self._show({"text/plain": text})

    def _show(self, bundle: dict[str, str]) -> None:
        if not self.quiet:
            self._emit(bundle)

    def error(self, exc: BaseException) -> bool:
        view = self.views[-1] if self.views else None
        if view is not None:
            view.set_error(str(exc) or type(exc).__name__)
            view.finish()
        return view is not None


def _marimo_emit(obj: Any) -> None:
    import marimo as mo

    if isinstance(obj, dict):  # a note or tool call: plain text, never markup
        obj = mo.plain_text(obj.get("text/plain", ""))
    try:
        mo.output.append(obj)
    except Exception as exc:  # a worker thread without marimo's context: say it once
        print(f"respnb: could not show output here ({exc})", file=sys.stderr)


def _script_emit(obj: Any) -> None:
    if isinstance(obj, dict):
        print(_CONTROL.sub("\ufffd", obj.get("text/plain", "")), flush=True)


class Responded:
    """What :func:`respond` returns: the live view(s) and the result (``view, result = ...``)."""

    def __init__(
        self,
        display: RunDisplay,
        result: RespondResult | None = None,
        background: BackgroundRun | None = None,
    ) -> None:
        self._display = display
        self._result = result
        self._background = background

    @property
    def views(self) -> list[Any]:
        """Every view of the run, one per request (tool loops make several)."""
        return list(self._display.views)

    @property
    def view(self) -> Any:
        """The view of the last request (None when quiet)."""
        return self._display.views[-1] if self._display.views else None

    @property
    def result(self) -> RespondResult | None:
        """The result (None while a background run is still going)."""
        if self._background is not None:
            return self._background.result
        return self._result

    def wait(self, timeout: float | None = None) -> RespondResult | None:
        """Wait for a background run; its result (re-raises what made it fail)."""
        if self._background is None:
            return self._result
        result = self._background.wait(timeout)
        if self._background.error is not None:
            raise self._background.error
        return result

    def cancel(self) -> None:
        """Cancel a background run (what the view's Cancel button does)."""
        if self._background is not None:
            self._background.cancel()

    def __iter__(self) -> Iterator[Any]:
        yield self.view
        yield self.result

    def __repr__(self) -> str:
        r = self.result
        status = r.status if r is not None else "running"
        return f"Responded(id={getattr(r, 'id', None)!r}, status={status!r})"


_magics: dict[str, RespondMagics] = {}


def _build_args(options: Mapping[str, Any], names: dict[str, Any]) -> argparse.Namespace:
    unknown = sorted(set(options) - set(_DESTS))
    if unknown:
        raise TypeError(
            f"respond() got unknown option(s) {', '.join(unknown)}; "
            f"the options are: {', '.join(sorted(_DESTS))}"
        )
    args: argparse.Namespace = _magic_parser(RespondMagics).parse_args([])
    for key, value in options.items():
        if key == "stream":
            value = not value
        elif key in ("tools", "attach"):
            items = [value] if isinstance(value, str) or callable(value) else list(value or [])
            words: list[str] = []
            for item in items:
                if callable(item) and not isinstance(item, str):
                    names[item.__name__] = item
                    words.append(item.__name__)
                else:
                    words.append(str(item))
            value = [",".join(words)] if words else None
        elif key == "schema" and isinstance(value, type):
            names[value.__name__] = value
            value = value.__name__
        elif key == "extra":
            pairs = value.items() if isinstance(value, Mapping) else []
            value = [[f"{k}={json.dumps(v)}" for k, v in pairs]] if pairs else None
        setattr(args, _DESTS[key], value)
    return args


def respond(prompt: str, **options: Any) -> Responded:
    """Send ``prompt`` like ``%%respond`` does and show the answer live; see the module doc.

    ``{name}`` fields in the prompt come from the caller's globals (``{{`` escapes them).
    Options: model, profile, instructions, continue_, new, conversation, background,
    no_store, reasoning, summary, tools, schema, attach, max_output_tokens, temperature,
    extra, stream, quiet, confirm_tools, max_tool_rounds.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        raise ValueError("respond() needs a prompt: a non-empty string")
    caller = sys._getframe(1).f_globals
    names: dict[str, Any] = dict(caller)
    where = host()
    try:
        args = _build_args(options, names)
        fill_options(args, names)
        opts = build_options(args, names)
        text = interpolate(prompt, names)
        if opts.instructions:
            opts.instructions = interpolate(opts.instructions, names)
    except (UsageError, PromptError) as exc:
        raise ValueError(_as_keywords(str(exc))) from None
    magics = _magics.get(where)
    if magics is None:
        magics = _magics[where] = RespondMagics(None)  # its clients are reused by later calls
    try:
        run = magics._prepare(opts, text)
    except UsageError as exc:
        raise ValueError(str(exc)) from None
    if where != "jupyter":
        model = run.params.get("model")

        def factory() -> Any:
            if where == "script":
                return TextStream(profile=run.profile.name, model=model)
            return make_view(None, run.profile.name, model)

        run.display = _HostDisplay(
            quiet=opts.quiet,
            threaded=opts.background,
            factory=factory,
            emit=_marimo_emit if where == "marimo" else _script_emit,
        )
    if opts.background:
        magics._start_background(run)
        return Responded(run.display, background=magics.background_runs[-1])
    try:
        result = magics._execute(run)
    except Interrupted as stop:
        result = RespondResult.wrap(stop.partial, interrupted=True)
    except RespnbError as exc:
        run.display.error(exc)
        raise
    magics._finish(run, result)
    return Responded(run.display, result)
