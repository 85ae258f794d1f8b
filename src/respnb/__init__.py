"""respnb: a Jupyter-native toolkit for services that speak the OpenAI Responses API."""

from __future__ import annotations

from . import types
from ._client import AsyncClient
from ._exceptions import (
    APIConnectionError,
    APIError,
    APIResponseValidationError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ConflictError,
    InternalServerError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RespnbError,
    StreamError,
    StreamInterruptedError,
    UnprocessableEntityError,
    UnsupportedFeatureError,
    WaitTimeoutError,
)
from ._parsing import ParsedResponse
from ._profiles import Capabilities, Profile, set_local_starter
from ._stream import AsyncResponseStream
from ._sync import Client, ResponseStream
from ._version import __version__
from .tasks import tasks
from .tasks._observer import install as _install_task_observer
from .types import Response, StreamEvent

# every response respnb creates is recorded (lazily opened SQLite) unless recording is off:
# $RESPNB_RECORD=0 or respnb.tasks.recording(False)
_install_task_observer()


def _start_local_server() -> str:
    from .server.launch import ensure_local_server

    return str(ensure_local_server())


set_local_starter(_start_local_server)  # the 'local' profile's server, started on demand

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIResponseValidationError",
    "APIStatusError",
    "APITimeoutError",
    "AsyncClient",
    "AsyncResponseStream",
    "AuthenticationError",
    "BadRequestError",
    "Capabilities",
    "Client",
    "ConfigurationError",
    "ConflictError",
    "InternalServerError",
    "NotFoundError",
    "ParsedResponse",
    "PermissionDeniedError",
    "Profile",
    "RateLimitError",
    "RespnbError",
    "Response",
    "ResponseStream",
    "StreamError",
    "StreamInterruptedError",
    "StreamEvent",
    "UnprocessableEntityError",
    "UnsupportedFeatureError",
    "WaitTimeoutError",
    "set_local_starter",
    "__version__",
    "tasks",
    "types",
]

# --- notebook layer, imported on first use: %load_ext respnb, respnb.last, views ------------
__all__ += ["last", "last_parsed", "load_ipython_extension", "unload_ipython_extension"]
__all__ += ["ResponseView", "TaskBoard", "display", "respond"]
__all__ += ["batch", "batches"]


def load_ipython_extension(ipython: object) -> None:
    """``%load_ext respnb``: registers ``%%respond`` / ``%respond`` (and ``%tasks``)."""
    from .notebook.magics import load_ipython_extension as _load

    _load(ipython)


def unload_ipython_extension(ipython: object) -> None:
    """``%unload_ext respnb``: closes the magics' clients."""
    from .notebook.magics import unload_ipython_extension as _unload

    _unload(ipython)


def _show_batch_progress(job: object, *, cancellable: bool) -> object:
    """Display the live progress view of a batch (the batch layer never imports notebook/)."""
    from .notebook.batch_view import show_progress

    return show_progress(job, cancellable=cancellable)  # type: ignore[arg-type]


def __getattr__(name: str) -> object:
    """``respnb.last`` (the latest ``%%respond`` result) and ``respnb.last_parsed``."""
    if name in ("last", "last_parsed"):
        from ._session import session

        return getattr(session, name)
    if name in ("display", "ResponseView"):  # notebook layer, imported on first use
        from . import notebook

        return getattr(notebook, name)
    if name in ("batch", "batches"):  # batching a prompt over a DataFrame
        import importlib

        module = importlib.import_module("respnb.batch")
        return module if name == "batch" else module.batches
    if name == "respond":  # %%respond as a function (marimo, scripts)
        from .notebook.respond import respond

        return respond
    if name == "TaskBoard":
        from .notebook.board import TaskBoard

        return TaskBoard
    raise AttributeError(f"module 'respnb' has no attribute {name!r}")
