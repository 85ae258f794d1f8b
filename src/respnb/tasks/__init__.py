"""Background tasks: the task registry, its refresher, TaskTable history and webhooks.

``respnb.tasks()`` returns a :class:`TaskTable` over the shared registry
(``<home>/tasks.sqlite3``), starting the shared refresher on the client's loop thread and
re-attaching every task that was still in flight when the last kernel stopped.
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import types
from pathlib import Path
from typing import Any

from ._observer import RegistryObserver, install, uninstall
from .refresher import Refresher
from .registry import TaskRecord, TaskRegistry, default_db_path
from .table import TaskTable, records_frame
from .webhooks import WebhookReceiver, WebhookVerificationError, WebhookVerifier, sign

__all__ = [
    "Refresher",
    "RegistryObserver",
    "TaskRecord",
    "TaskRegistry",
    "TaskTable",
    "WebhookReceiver",
    "WebhookVerificationError",
    "WebhookVerifier",
    "default_db_path",
    "install",
    "records_frame",
    "reset",
    "shared_refresher",
    "shared_registry",
    "sign",
    "start_webhook_receiver",
    "tasks",
    "uninstall",
]

_lock = threading.RLock()
_registry: TaskRegistry | None = None
_registry_env: tuple[str | None, str | None] | None = None
_refresher: Refresher | None = None


def _db_path() -> Path:
    env = os.environ.get("RESPNB_TASKS_DB")
    return Path(env).expanduser() if env else default_db_path()


def shared_registry() -> TaskRegistry:
    """The process-wide registry (``$RESPNB_TASKS_DB`` or ``<home>/tasks.sqlite3``)."""
    global _registry, _registry_env
    # follows RESPNB_HOME / RESPNB_TASKS_DB: a new home opens its own registry; the path is
    # resolved (and the home created) only when they change, not on every recorded response
    env = (os.environ.get("RESPNB_TASKS_DB"), os.environ.get("RESPNB_HOME"))
    with _lock:
        if _registry is None or env != _registry_env:
            path = _db_path()
            if _registry is None or _registry.path != path:
                _registry = TaskRegistry(path)
            _registry_env = env
        return _registry


def _shared_loop() -> asyncio.AbstractEventLoop:
    """The client's loop thread (:func:`respnb._loop_thread.loop_thread`)."""
    from respnb._loop_thread import loop_thread

    return loop_thread().loop


def shared_refresher() -> Refresher:
    """The process-wide refresher (started and re-attached on first use)."""
    global _refresher
    with _lock:
        if _refresher is None:
            reg = shared_registry()
            ref = Refresher(reg, _shared_loop())
            from . import _observer

            for profile in _observer.seen_profiles:
                ref.remember_profile(profile)
            install(reg, on_profile=ref.remember_profile)
            ref.listen()
            ref.reattach()
            _refresher = ref
        return _refresher


def tasks(client: Any = None, *, remote: bool = False) -> TaskTable:
    """Every task respnb knows about, kept current in the background.

    Pass an ``AsyncClient`` (or sync ``Client``) to have its tasks refreshed with it;
    ``remote=True`` also merges that client's Manus task list (``/v1/tasks``).
    """
    ref = shared_refresher()
    table = TaskTable(ref.registry, ref)
    if client is not None:
        aclient = getattr(client, "async_client", None) or getattr(client, "_async", client)
        ref.use_client(aclient)
        if remote:
            table.sync_remote(aclient)
    return table


def start_webhook_receiver(
    secret: str, *, host: str = "127.0.0.1", port: int = 0, refresher: Refresher | None = None
) -> WebhookReceiver:
    """Start a loopback receiver whose verified events refresh the task by id."""
    ref = refresher or shared_refresher()

    def on_event(payload: dict[str, Any]) -> None:
        data = payload.get("data")
        rid = data.get("id") if isinstance(data, dict) else None
        if isinstance(rid, str) and rid:
            ref.submit(ref.refresh_one(rid))

    receiver = WebhookReceiver(secret, on_event)
    receiver.start(host=host, port=port)
    return receiver


def reset() -> None:
    """Forget the shared registry and refresher (tests; a new RESPNB_HOME)."""
    global _registry, _refresher
    with _lock:
        uninstall()
        if _refresher is not None:
            _refresher.close()
        if _registry is not None:
            _registry.close()
        _registry = _refresher = None


class _CallableModule(types.ModuleType):
    """Lets ``respnb.tasks()`` work whether ``respnb.tasks`` is this package or the function."""

    def __call__(self, client: Any = None, *, remote: bool = False) -> TaskTable:
        return tasks(client, remote=remote)


sys.modules[__name__].__class__ = _CallableModule
