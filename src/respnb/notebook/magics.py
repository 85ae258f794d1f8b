"""``%%respond`` (the cell is the prompt) and ``%respond`` (the rest of the line is).

Load with ``%load_ext respnb``; ``%%respond?`` lists every option. Decisions:

* Runs start fresh; ``-c`` chains onto this notebook's previous response of the same profile.
* The result (a :class:`~respnb._session.RespondResult`, a Response with ``output_text``,
  ``.parsed`` for ``--schema``) goes to ``_r`` (or ``--out NAME``) and to ``respnb.last``.
* A foreground run blocks while its view updates live; interrupting the kernel closes the
  stream (or cancels a background-mode response) and keeps the partial answer in the result.
* ``-b`` returns at once; a worker thread keeps the view updating and sets the result when the
  response finishes. The view's Cancel button cancels it.
* Function tools: one view per round, and every call with its output shown between them.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from typing import Any

from IPython.core.error import UsageError
from IPython.core.magic import Magics, line_cell_magic, magics_class, no_var_expand
from IPython.core.magic_arguments import parse_argstring

from .._attachments import AttachmentError, build_input
from .._exceptions import ConfigurationError, RespnbError, UnsupportedFeatureError
from .._profile_config import resolve_profile
from .._profiles import Profile
from .._prompt import PromptError, interpolate
from .._session import RespondResult, session
from .._sync import Client
from .._tool_loop import run_tool_loop
from .._tools import hosted_includes
from ..types import FunctionCall, Response
from ._magic_args import respond_arguments, split_line
from ._magic_checks import ask_before_running, check_capabilities, fill_options, suggest_options
from ._magic_options import RespondOptions, build_options, schema_format
from ._run import (
    LOCAL_NOTICE,
    BackgroundRun,
    Interrupted,
    Run,
    cancel,
    show_local_notice,
)
from ._run_display import RunDisplay, RunFailed, make_view
from ._run_round import run_round
from ._ui_events import ui_events

__all__ = ["LOCAL_NOTICE", "BackgroundRun", "RespondMagics", "load_ipython_extension"]


def _respond_function(magics: Any) -> Any:
    """The decorated ``respond`` method (magic_arguments hangs its parser on it)."""
    return magics.respond


def _magic_parser(magics: Any) -> Any:
    return _respond_function(magics).parser


@magics_class
class RespondMagics(Magics):
    """The ``respond`` line/cell magic. ``view_factory(profile, model)`` and ``confirm(call)``
    can be replaced (tests, embedding)."""

    def __init__(self, shell: Any = None) -> None:
        super().__init__(shell)  # type: ignore[no-untyped-call]
        self._clients: dict[tuple[str, str | None], Client] = {}
        self.view_factory: Callable[[str, str | None], Any] | None = None
        self.confirm: Callable[[FunctionCall], bool] = ask_before_running
        self.background_runs: list[BackgroundRun] = []

    @respond_arguments
    @no_var_expand  # type: ignore[untyped-decorator]
    @line_cell_magic  # type: ignore[untyped-decorator]
    def respond(self, line: str, cell: str | None = None) -> None:
        """Send a prompt to a Responses API service and show the answer live."""
        parser = _magic_parser(self)
        try:
            if cell is None:
                tokens, template = split_line(line, parser)
                args = parser.parse_args(tokens)
            else:
                args = parse_argstring(_respond_function(self), line)  # type: ignore[no-untyped-call]
        except UsageError as exc:
            raise UsageError(suggest_options(str(exc), parser)) from None
        if cell is not None:
            if args.prompt:
                raise UsageError(
                    f"unexpected text after %%respond: {' '.join(args.prompt)!r}. The prompt "
                    "is the cell body; options start with - (see %%respond?)."
                )
            template = cell
        if not template.strip():
            raise UsageError("nothing to send: write the prompt in the cell (or after %respond).")
        user_ns = self.shell.user_ns if self.shell is not None else {}
        fill_options(args, user_ns)
        opts = build_options(args, user_ns)
        if args.over is not None:  # the cell is a template, sent once per row
            from .batch_magic import run_over

            run_over(self.shell, args, opts, template, user_ns)
            return
        try:
            prompt = interpolate(template, user_ns)
            if opts.instructions:
                opts.instructions = interpolate(opts.instructions, user_ns)
        except PromptError as exc:
            raise UsageError(str(exc)) from None
        run = self._prepare(opts, prompt)
        if opts.background:
            self._start_background(run)
        else:
            self._foreground(run)

    # ------------------------------------------------------------------ preparation
    def _client(self, profile: Profile) -> Client:
        key = (profile.name, profile.base_url)
        if key not in self._clients:
            try:
                self._clients[key] = Client(profile)
            except ConfigurationError as exc:
                raise UsageError(str(exc)) from None
        return self._clients[key]

    def _prepare(self, opts: RespondOptions, prompt: str) -> Run:
        try:
            profile = resolve_profile(opts.profile)
        except ConfigurationError as exc:
            raise UsageError(str(exc)) from None
        if opts.profile is None and profile.kind == "local" and not session.local_notice_shown:
            session.local_notice_shown = True
            show_local_notice()
        check_capabilities(profile, opts)
        model = opts.model or profile.default_model
        if not model and profile.kind != "manus":
            raise UsageError(
                f"profile {profile.name!r} has no default model: pass --model/-m MODEL."
            )
        previous = None
        if opts.cont:
            try:
                previous = session.previous_id(profile.name)
            except LookupError as exc:
                raise UsageError(str(exc)) from None
        client = self._client(profile)
        try:
            input_ = build_input(prompt, opts.attachments, profile=profile, files=client.files)
        except AttachmentError as exc:
            raise UsageError(str(exc)) from None
        params: dict[str, Any] = {
            "model": model,
            "input": input_,
            "instructions": opts.instructions,
            "previous_response_id": previous,
            "conversation": opts.conversation,
            "store": opts.store,
            "background": opts.background or None,
            "reasoning": opts.reasoning,
            "tools": opts.tools or None,
            "include": hosted_includes(opts.hosted_tools) or None,
            "max_output_tokens": opts.max_output_tokens,
            "temperature": opts.temperature,
            "text": {"format": schema_format(opts.schema)} if opts.schema else None,
        }
        params = {k: v for k, v in params.items() if v is not None}
        if opts.extra:
            params["extra_body"] = dict(opts.extra)
        display = RunDisplay(
            quiet=opts.quiet,
            threaded=opts.background,
            factory=lambda: make_view(self.view_factory, profile.name, model),
        )
        return Run(client, profile, opts, params, display)

    # ------------------------------------------------------------------ running
    def _foreground(self, run: Run) -> None:
        try:
            with ui_events() as ui:
                if ui.live:  # the view's Cancel click reaches this busy cell
                    run.display.adopt = ui.adopt
                    run.display.on_cancel(lambda: cancel(run))
                result = self._execute(run)
        except Interrupted as stop:
            result = RespondResult.wrap(stop.partial, interrupted=True)
            if not run.cancel_requested.is_set():
                run.display.interrupted(run.opts.out)
        except UnsupportedFeatureError as exc:
            raise UsageError(str(exc)) from None
        except RespnbError as exc:
            if run.opts.quiet or not run.display.error(exc):
                raise
            raise RunFailed(exc) from None  # the view showed it; the cell fails
        self._finish(run, result)

    def _start_background(self, run: Run) -> None:
        run.display.on_cancel(lambda: cancel(run))

        def work() -> None:
            try:
                bg.result = self._execute(run)
                self._finish(run, bg.result)
            except Interrupted as stop:
                bg.result = RespondResult.wrap(stop.partial, interrupted=True)
                self._finish(run, bg.result)
            except BaseException as exc:
                bg.error = exc
                run.display.error(exc)

        thread = threading.Thread(target=work, name="respnb-background", daemon=True)
        bg = BackgroundRun(thread, run)
        self.background_runs.append(bg)
        run.display.prepare()
        thread.start()

    def _execute(self, run: Run) -> RespondResult:
        tools = run.opts.function_tools

        def send(params: dict[str, Any]) -> Response:
            return run_round(run, params)

        if not tools:
            final = send(dict(run.params))
            return RespondResult.wrap(final)
        chain = run.opts.store is not False and run.profile.supports("previous_response_id")
        confirm = self.confirm if run.opts.confirm_tools else None
        loop = run_tool_loop(
            send,
            run.params,
            tools,
            max_rounds=run.opts.max_tool_rounds,
            chain=chain,
            confirm=confirm,
            on_outcome=run.display.tool_outcome,
        )
        if loop.message:
            run.display.note(f"respnb: {loop.message}")
        return RespondResult.wrap(
            loop.response, rounds=[r.response for r in loop.rounds], notice=loop.message
        )

    def _finish(self, run: Run, result: RespondResult) -> None:
        if run.opts.schema is not None and result.normalized_status == "completed":
            result.parse_with(run.opts.schema)
            if result.parse_error:
                run.display.note(f"respnb: {result.parse_error}")
        session.record(run.profile.name, result)
        if self.shell is not None:
            self.shell.user_ns[run.opts.out] = result

    def close(self) -> None:
        """Close the clients (``%unload_ext respnb``)."""
        for client in self._clients.values():
            try:
                client.close()
            except Exception as exc:  # pragma: no cover - best effort at shutdown
                print(f"respnb: closing a client failed: {exc}", file=sys.stderr)
        self._clients.clear()


_loaded: dict[int, RespondMagics] = {}


def load_ipython_extension(ipython: Any) -> None:
    """``%load_ext respnb``: register ``%respond`` / ``%%respond`` (and ``%tasks``)."""
    magics = RespondMagics(ipython)
    ipython.register_magics(magics)
    _loaded[id(ipython)] = magics
    try:
        from .board_magic import register
    except ImportError:  # pragma: no cover - the task board is optional
        return
    register(ipython)


def unload_ipython_extension(ipython: Any) -> None:
    """``%unload_ext respnb``: close the clients of this shell's magics."""
    magics = _loaded.pop(id(ipython), None)
    if magics is not None:
        magics.close()
