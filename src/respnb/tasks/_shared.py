"""The process-wide task registry: opened on first use, following ``$RESPNB_HOME`` /
``$RESPNB_TASKS_DB`` (a new home opens its own registry)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from .registry import TaskRegistry, default_db_path

__all__ = ["close_registry", "db_path", "lock", "shared_registry"]

lock = threading.RLock()
_registry: TaskRegistry | None = None
_registry_env: tuple[str | None, str | None] | None = None


def db_path() -> Path:
    """``$RESPNB_TASKS_DB`` or ``<home>/tasks.sqlite3``: where the history is stored."""
    env = os.environ.get("RESPNB_TASKS_DB")
    return Path(env).expanduser() if env else default_db_path()


def shared_registry() -> TaskRegistry:
    """The process-wide registry (``$RESPNB_TASKS_DB`` or ``<home>/tasks.sqlite3``)."""
    global _registry, _registry_env
    # the path is resolved (and the home created) only when the variables change, not on
    # every recorded response
    env = (os.environ.get("RESPNB_TASKS_DB"), os.environ.get("RESPNB_HOME"))
    with lock:
        if _registry is None or env != _registry_env:
            path = db_path()
            if _registry is None or _registry.path != path:
                _registry = TaskRegistry(path)
            _registry_env = env
        return _registry


def close_registry() -> None:
    """Close and forget the shared registry (the next use opens it again)."""
    global _registry, _registry_env
    with lock:
        if _registry is not None:
            _registry.close()
        _registry = _registry_env = None
