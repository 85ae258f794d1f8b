"""The state of one ``%%respond`` run: what it sends, how it is stopped, its notice.

:class:`Run` is what the magic's request rounds share; :func:`cancel` is what the view's
Cancel button (and :meth:`BackgroundRun.cancel`) does; :func:`show_local_notice` is the note
shown once when no key or profile is configured.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Any

from .._exceptions import APIError
from .._profiles import Profile
from .._session import RespondResult
from .._sync import Client
from ..types import Response
from ._magic_options import RespondOptions
from ._run_display import RunDisplay

__all__ = [
    "CANCEL_GRACE",
    "LOCAL_NOTICE",
    "BackgroundRun",
    "Interrupted",
    "Run",
    "cancel",
    "show_local_notice",
]

LOCAL_NOTICE = (
    "respnb: no API key or profile is configured, so %%respond uses the `local` profile "
    "(respnb's offline demo server, started on demand). To use a real service, set "
    "OPENAI_API_KEY and run `%%respond --profile openai -m MODEL`, or set RESPNB_PROFILE "
    "(or a default in profiles.toml)."
)
_LOCAL_NOTICE_MD = (
    "> **respnb** uses the `local` profile: no API key or profile is configured, so answers "
    "come from respnb's offline demo server (started on demand).  \n"
    "> To use a real service, set `OPENAI_API_KEY` and run `%%respond --profile openai -m MODEL`,"
    " or set `RESPNB_PROFILE` (or a default in `profiles.toml`)."
)
CANCEL_GRACE = 10.0  # seconds to wait for the service to confirm a stop before saying so itself


class Interrupted(Exception):
    """Raised out of a round when the user interrupted it; carries the partial response."""

    def __init__(self, partial: Response) -> None:
        super().__init__("interrupted")
        self.partial = partial


@dataclass
class Run:
    """One run: its client, profile, options, request parameters, display and stop state."""

    client: Client
    profile: Profile
    opts: RespondOptions
    params: dict[str, Any]
    display: RunDisplay
    response_id: str | None = None
    cancel_requested: threading.Event = field(default_factory=threading.Event)
    cancel_waiters: list[threading.Event] = field(default_factory=list)
    last_response: Response | None = None


@dataclass
class BackgroundRun:
    """A ``-b`` run: its thread, and its result once finished."""

    thread: threading.Thread
    run: Run
    result: RespondResult | None = None
    error: BaseException | None = None

    def wait(self, timeout: float | None = None) -> RespondResult | None:
        """Block until the run finished; its result (None if it failed: see ``error``)."""
        self.thread.join(timeout)
        return self.result

    def cancel(self) -> None:
        """Ask the service to cancel the response (what the view's Cancel button does)."""
        cancel(self.run)


def cancel(run: Run) -> None:
    """Stop ``run``: a streaming round stops reading (the service ends a closed foreground
    stream); a background-mode response is also cancelled through the API."""
    run.cancel_requested.set()
    if run.params.get("background") and run.response_id and run.profile.supports("cancel"):
        try:
            run.client.responses.cancel(run.response_id)
        except APIError as exc:  # already finished, or not cancellable: say so, carry on
            run.display.note(f"respnb: cancel failed: {exc}")
    for waiter in run.cancel_waiters:
        waiter.set()  # a polling run looks again now


def show_local_notice() -> None:
    """The once-per-session note that the `local` profile is in use, as readable markdown."""
    from IPython.display import display

    display({"text/markdown": _LOCAL_NOTICE_MD, "text/plain": LOCAL_NOTICE}, raw=True)  # type: ignore[no-untyped-call]
