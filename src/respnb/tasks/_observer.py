"""Hooks the task registry into the client: every response respnb sees is recorded.

:func:`install` registers one :class:`RegistryObserver` with :mod:`respnb._hooks`. The
observer opens the shared registry lazily (on the first event), so installing it costs
nothing; it records the profile's *name* and *base URL*, never its key.

Recording can be turned off: ``RESPNB_RECORD=0`` in the environment, or
:func:`recording` (``respnb.tasks.recording(False)``) for this process; deletions are still
applied while it is off.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from typing import Any

from respnb.types import Response

from .registry import TaskRegistry

__all__ = ["RegistryObserver", "install", "recording", "uninstall"]

_OFF = frozenset({"0", "false", "no", "off"})
_recording: bool | None = None  # None: follow $RESPNB_RECORD


def recording(enabled: bool | None = None) -> bool:
    """Whether responses are recorded in the task history; ``recording(False)`` turns it off.

    ``True``/``False`` set it for this process (overriding ``$RESPNB_RECORD``); ``None`` (the
    default) only reads it. Returns the state now in force.
    """
    global _recording
    if enabled is not None:
        if not isinstance(enabled, bool):
            raise TypeError(f"recording() takes True, False or None, not {enabled!r}")
        _recording = enabled
    if _recording is not None:
        return _recording
    return os.environ.get("RESPNB_RECORD", "1").strip().lower() not in _OFF


class RegistryObserver:
    """A :mod:`respnb._hooks` observer writing into a :class:`TaskRegistry`."""

    def __init__(
        self,
        registry: TaskRegistry | Callable[[], TaskRegistry],
        on_profile: Callable[[Any], None] | None = None,
    ) -> None:
        self._registry = registry
        self.on_profile = on_profile

    def __repr__(self) -> str:
        return "RegistryObserver()"

    @property
    def registry(self) -> TaskRegistry:
        """The registry written to (opened on first use)."""
        if isinstance(self._registry, TaskRegistry):
            return self._registry
        return self._registry()  # a factory such as shared_registry (it caches)

    def on_response(self, profile: Any, response: Response, body: dict[str, Any] | None) -> None:
        """Record a response (``body`` is the create body when the call was a create)."""
        if not response.id or not recording():
            return
        if self.on_profile is not None:
            self.on_profile(profile)
        self.registry.record_response(
            response,
            profile=getattr(profile, "name", None),
            base_url=_base_url(profile),
            body=body,
            fresh=body is not None,
        )

    def on_deleted(self, profile: Any, id: str) -> None:
        """Forget a deleted response."""
        self.registry.remove(id)


def _base_url(profile: Any) -> str | None:
    if getattr(profile, "kind", None) == "local" and not getattr(profile, "base_url", None):
        return None  # resolving it would (re)start the local server; the profile name says it
    fn = getattr(profile, "resolved_base_url", None)
    try:
        return str(fn()) if callable(fn) else getattr(profile, "base_url", None)
    except Exception:
        return getattr(profile, "base_url", None)


_lock = threading.Lock()
_installed: RegistryObserver | None = None
seen_profiles: list[Any] = []
"""Profiles seen before the shared refresher started (it builds their clients later)."""


def _remember(profile: Any) -> None:
    if not any(p is profile for p in seen_profiles):
        seen_profiles.append(profile)
        del seen_profiles[:-32]


def install(
    registry: TaskRegistry | Callable[[], TaskRegistry] | None = None,
    on_profile: Callable[[Any], None] | None = None,
) -> RegistryObserver:
    """Register the process-wide observer (idempotent; the first call's registry wins)."""
    global _installed
    from respnb import _hooks

    with _lock:
        if _installed is not None:
            if on_profile is not None:
                _installed.on_profile = on_profile
        else:
            if registry is None:
                from ._shared import shared_registry

                registry = shared_registry
            _installed = RegistryObserver(registry, on_profile or _remember)
            _hooks.add_observer(_installed)
        return _installed


def uninstall() -> None:
    """Remove the process-wide observer."""
    global _installed
    from respnb import _hooks

    with _lock:
        if _installed is not None:
            _hooks.remove_observer(_installed)
            _installed = None
