"""Let a view's Cancel click reach Python while a foreground cell keeps the kernel busy.

A cell that blocks the kernel's main thread also blocks its shell messages, widget clicks
included, until the cell ends. Kernels with subshells (ipykernel 7) route a comm's incoming
messages to the subshell the comm names; :func:`ui_events` gives each view of the run a route
to one respnb subshell (a thread of its own, created once per kernel), so the click is handled
at once, whatever the main thread is doing. Elsewhere (no kernel, older kernels) it reports
that clicks cannot arrive, and the view tells how to stop the run instead.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

__all__ = ["UIEvents", "comm_route", "ui_events"]

_lock = threading.Lock()
_route: dict[int, str | None] = {}  # id(kernel) -> the subshell handling view messages


@dataclass
class UIEvents:
    """What :func:`ui_events` yields: whether clicks arrive, and how to adopt a view."""

    subshell: str | None = None

    @property
    def live(self) -> bool:
        """True when a view's messages are handled while the cell runs."""
        return self.subshell is not None

    def adopt(self, view: Any) -> None:
        """Route ``view``'s front-end messages to the subshell (no-op when not live)."""
        comm = getattr(view, "comm", None)
        subshell = self.subshell
        if comm is None or subshell is None:
            return
        comm._reply_subshell_for = lambda _data, _default: subshell

    def __call__(self) -> None:
        """Nothing to pump: the subshell thread handles messages as they come."""


def _kernel() -> Any:
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    shell = get_ipython()  # type: ignore[no-untyped-call]
    return getattr(shell, "kernel", None)


def comm_route(timeout: float = 10.0) -> str | None:
    """The id of the kernel subshell that handles respnb's view messages, created on first
    use; ``None`` when this kernel has no subshells (or is not a kernel)."""
    kernel = _kernel()
    channel = getattr(kernel, "shell_channel_thread", None)
    if kernel is None or channel is None or not getattr(kernel, "_supports_kernel_subshells", 0):
        return None
    if not _routes_comms_to_subshells():
        return None  # subshells without per-comm routing: a click would still wait
    if threading.current_thread() is not getattr(channel, "parent_thread", None):
        return None
    with _lock:
        if id(kernel) in _route:
            return _route[id(kernel)]
        manager = channel.manager  # created lazily, on the kernel's main thread
        made: dict[str, str] = {}
        done = threading.Event()

        def create() -> None:  # runs on the shell channel thread, as the kernel requires
            try:
                made["id"] = manager._create_subshell()
            finally:
                done.set()

        creator = getattr(manager, "_create_subshell", None)
        if creator is None:
            _route[id(kernel)] = None
            return None
        channel.io_loop.add_callback(create)
        done.wait(timeout)
        _route[id(kernel)] = made.get("id")
        return _route[id(kernel)]


def _routes_comms_to_subshells() -> bool:
    """True when the kernel sends a comm's messages to the subshell the comm names (its
    ``Comm._reply_subshell_for`` hook; ipykernel 7.2 has subshells without it)."""
    try:
        from ipykernel.comm import Comm
    except ImportError:  # pragma: no cover - not an ipykernel
        return False
    return callable(getattr(Comm, "_reply_subshell_for", None))


@contextlib.contextmanager
def ui_events() -> Iterator[UIEvents]:
    """For the length of a foreground run: a :class:`UIEvents` whose ``adopt(view)`` makes
    the view's clicks reach Python while the cell runs (``live`` says whether they can)."""
    try:
        subshell = comm_route()
    except Exception:  # an unexpected kernel: clicks wait for the cell, as without this
        subshell = None
    yield UIEvents(subshell)
