"""A process-wide registry of observers of every response respnb creates or sees.

The task registry uses it to record responses without the client knowing about it::

    class Recorder:
        def on_request(self, profile, body): ...             # before a create is sent
        def on_response(self, profile, response, body): ...  # create/retrieve/cancel/wait
                                                              # results, stream start and end,
                                                              # every task of tasks.page/list
        def on_deleted(self, profile, id): ...

    respnb._hooks.add_observer(Recorder())

An observer may implement any subset of the three methods. ``body`` never contains secrets
(the client sends keys only in headers; keys named like credentials are dropped anyway).
Exceptions raised by observers are logged and never reach the caller.
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from ._profiles import Profile
    from .types import Response

__all__ = [
    "ResponseObserver",
    "add_observer",
    "notify_deleted",
    "notify_request",
    "notify_response",
    "observers",
    "remove_observer",
]

log = logging.getLogger("respnb.hooks")
_lock = threading.Lock()
_observers: list[Any] = []
_SECRET_KEYS = frozenset({"api_key", "apikey", "authorization", "password", "secret"})


class ResponseObserver(Protocol):
    """The full observer interface (every method is optional in practice)."""

    def on_request(self, profile: Profile, body: dict[str, Any]) -> None: ...

    def on_response(
        self, profile: Profile, response: Response, body: dict[str, Any] | None
    ) -> None: ...

    def on_deleted(self, profile: Profile, id: str) -> None: ...


def add_observer(observer: object) -> None:
    """Register ``observer`` (idempotent)."""
    with _lock:
        if not any(o is observer for o in _observers):
            _observers.append(observer)


def remove_observer(observer: object) -> None:
    """Unregister ``observer`` (no error if it was not registered)."""
    with _lock:
        _observers[:] = [o for o in _observers if o is not observer]


def observers() -> list[object]:
    """A snapshot of the registered observers."""
    with _lock:
        return list(_observers)


def _scrub(body: dict[str, Any] | None) -> dict[str, Any] | None:
    if body is None:
        return None
    return {k: v for k, v in body.items() if k.lower() not in _SECRET_KEYS}


def _call(method: str, *args: Any) -> None:
    for obs in observers():
        fn = getattr(obs, method, None)
        if fn is None:
            continue
        try:
            fn(*args)
        except Exception:
            log.exception("respnb observer %r failed in %s", obs, method)


def notify_request(profile: Profile, body: dict[str, Any]) -> None:
    """Tell observers a create request is about to be sent."""
    if _observers:
        _call("on_request", profile, _scrub(body))


def notify_response(profile: Profile, response: Response, body: dict[str, Any] | None) -> None:
    """Tell observers about a response (``body`` is the create body when known)."""
    if _observers:
        _call("on_response", profile, response, _scrub(body))


def notify_deleted(profile: Profile, id: str) -> None:
    """Tell observers a response (or Manus task) was deleted."""
    if _observers:
        _call("on_deleted", profile, id)
