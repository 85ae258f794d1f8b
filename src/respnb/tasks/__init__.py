"""Background tasks: the task registry, its refresher, TaskTable history and webhooks.

:func:`tasks` returns a :class:`TaskTable` over the shared registry
(``<home>/tasks.sqlite3``), starting the shared refresher on the client's loop thread and
re-attaching every task that was still in flight when the last kernel stopped.

``respnb.tasks`` is that plain function (bound by ``respnb/__init__.py``); the helpers
:func:`recording`, :func:`reset`, :func:`start_webhook_receiver`, :func:`shared_registry`
and :func:`shared_refresher` are attributes of it, and this package stays importable as
``respnb.tasks`` (``from respnb.tasks import TaskTable``, ``from respnb.tasks import refresher``;
an attribute path such as ``respnb.tasks.refresher`` reaches the function, not the package).
"""

from __future__ import annotations

import asyncio
from typing import Any

from ._observer import RegistryObserver, install, recording, uninstall
from ._shared import close_registry, shared_registry
from ._shared import lock as _lock
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
    "recording",
    "records_frame",
    "reset",
    "shared_refresher",
    "shared_registry",
    "sign",
    "start_webhook_receiver",
    "tasks",
    "uninstall",
]

_refresher: Refresher | None = None


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
    global _refresher
    with _lock:
        uninstall()
        if _refresher is not None:
            _refresher.close()
        close_registry()
        _refresher = None


for _helper in (recording, reset, shared_refresher, shared_registry, start_webhook_receiver):
    setattr(tasks, _helper.__name__, _helper)  # respnb.tasks.reset() etc.
