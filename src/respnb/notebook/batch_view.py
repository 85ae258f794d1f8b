"""The live progress view of a batch (anywidget) over :class:`respnb.batch.BatchProgress`.

The view syncs one small ``state`` dict (:meth:`BatchProgress.snapshot`: counts, rows per
minute, ETA, tokens, cost, the last errors) at most every ``interval`` seconds, so a batch of
50,000 rows costs the front end the same few hundred bytes per update as one of 50. The Cancel
button sends ``{kind: "cancel"}`` (handled with ``on_msg``) and cancels the job; it is enabled
only when the kernel is free to hear it (a batch started with ``wait=False`` / ``-b``).
Its plain-text form is the text line.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from ..batch._job import BatchJob
from ..batch._progress import BatchProgress

__all__ = ["BatchProgressView", "show_progress"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_SOURCE = Path(__file__).resolve().parents[3] / "js"


def _asset(name: str) -> str | Path:
    for base in (_STATIC, _SOURCE):
        if (base / name).is_file():
            return base / name
    return ""


class BatchProgressView(anywidget.AnyWidget):
    """Done / running / failed / queued, rows per minute, ETA, tokens, last errors, Cancel."""

    _esm = _asset("batch_progress.js")
    _css = _asset("batch_progress.css")
    state = traitlets.Dict().tag(sync=True)
    cancellable = traitlets.Bool(True).tag(sync=True)

    def __init__(self, job: BatchJob, *, interval: float = 0.25, cancellable: bool = True) -> None:
        super().__init__(state=job.progress.snapshot(), cancellable=cancellable)
        self.job = job
        self.interval = interval
        self.updates = 0
        """How many times the state was sent."""
        self._last = float("-inf")
        self._lock = threading.Lock()
        self.on_msg(self._on_custom)
        job.progress.add_listener(self._on_change)

    def _on_change(self, progress: BatchProgress) -> None:
        now = time.monotonic()
        final = progress.finished is not None
        with self._lock:
            if not final and now - self._last < self.interval:
                return
            self._last = now
            self.updates += 1
            self.state = progress.snapshot()

    def _on_custom(self, widget: Any, content: Any, buffers: Any) -> None:
        if isinstance(content, dict) and content.get("kind") == "cancel":
            self.job.cancel()

    def __repr__(self) -> str:
        return self.job.progress.line()


def show_progress(job: BatchJob, *, cancellable: bool = True) -> BatchProgressView:
    """Display the view of ``job`` in the current cell."""
    from IPython.display import display

    view = BatchProgressView(job, cancellable=cancellable)
    display(view)  # type: ignore[no-untyped-call]
    return view
