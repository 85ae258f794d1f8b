"""TaskBoard: a live anywidget table of every background task.

The front end (``js/task_board.js``, bundled to ``respnb/static/task_board.js``) asks for
the whole table with a ``{kind:"sync"}`` message; afterwards each registry change sends only
that row, as a uuid-tagged custom message ``{id, kind:"row", row}`` (``kind:"remove"`` when a
row is deleted). Row actions come back as ``{kind:"action", action, task, text?}``.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import anywidget
import traitlets

from respnb._exceptions import ConfigurationError
from respnb.tasks.registry import TaskRecord
from respnb.tasks.table import TaskTable

__all__ = ["TaskBoard", "board_row", "safe_url"]

_STATIC = Path(__file__).resolve().parent.parent / "static"
_SOURCE = Path(__file__).resolve().parents[3] / "js"


def _asset(name: str) -> str | Path:
    for base in (_STATIC, _SOURCE):
        if (base / name).is_file():
            return base / name
    return ""


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an absolute http(s) URL without control characters, else None."""
    if not url or not isinstance(url, str):
        return None
    if any(ord(c) < 0x20 or c in ' "<>`\\' for c in url):
        return None
    lower = url.lower()
    return url if lower.startswith(("https://", "http://")) else None


def board_row(rec: TaskRecord) -> dict[str, Any]:
    """The compact JSON row the board shows for one task."""
    return {
        "id": rec.id,
        "status": rec.status,
        "nstatus": rec.normalized_status,
        "model": rec.model,
        "profile": rec.profile,
        "title": rec.title or rec.manus_title or (rec.prompt or "")[:60] or None,
        "created": rec.created_at,
        "started": rec.started_at,
        "completed": rec.completed_at,
        "tokens": rec.total_tokens,
        "bg": rec.background,
        "url": safe_url(rec.task_url),
        "error": rec.error,
        "src": rec.source,
    }


class TaskBoard(anywidget.AnyWidget):
    """A live table of tasks: status chips, elapsed time, tokens, sort/filter/search, actions."""

    _esm = _asset("task_board.js")
    _css = _asset("task_board.css")
    page_size = traitlets.Int(50).tag(sync=True)
    heading = traitlets.Unicode("respnb tasks").tag(sync=True)
    search = traitlets.Unicode("").tag(sync=True)

    def __init__(
        self,
        table: TaskTable,
        *,
        on_open: Callable[[str], Any] | None = None,
        **kwargs: Any,
    ) -> None:
        if not self._esm:
            raise ConfigurationError(
                "the TaskBoard front end is missing (no static/task_board.js): build it with "
                "`npm ci && npm run build` in the js/ directory, or reinstall respnb"
            )
        super().__init__(**kwargs)
        self.table = table
        self.on_open = on_open
        self.actions: list[dict[str, Any]] = []
        self._send_lock = threading.Lock()
        self.on_msg(self._handle_msg)
        table.registry.add_listener(self._on_change)

    def close(self) -> None:
        """Stop listening to the registry and close the widget."""
        self.table.registry.remove_listener(self._on_change)
        super().close()

    # -- Python -> front end ------------------------------------------------------------------

    def _post(self, msg: dict[str, Any]) -> None:
        msg = {"id": uuid.uuid4().hex, **msg}
        with self._send_lock:
            if getattr(self, "comm", None) is not None:
                self.send(msg)

    def _on_change(self, rec: TaskRecord) -> None:
        if rec.normalized_status == "deleted":
            self._post({"kind": "remove", "task": rec.id})
        else:
            self._post({"kind": "row", "row": board_row(rec)})

    def sync(self) -> None:
        """Send the whole table (what the front end asks for when it renders)."""
        rows = [board_row(r) for r in self.table.records()]
        self._post({"kind": "rows", "rows": rows})

    # -- front end -> Python ------------------------------------------------------------------

    def _handle_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
        if not isinstance(content, dict):
            return
        kind = content.get("kind")
        if kind == "sync":
            self.sync()
        elif kind == "action":
            self.actions.append(content)
            self._act(str(content.get("action")), str(content.get("task")), content)

    def _act(self, action: str, task: str, content: dict[str, Any]) -> None:
        ref = self.table.refresher
        if ref is None:
            self._notice(task, "this board is read-only")
            return
        fut: Future[Any]
        if action == "cancel":
            fut = ref.submit(ref.cancel(task))
        elif action == "delete":
            fut = ref.submit(ref.delete(task))
        elif action == "continue":
            text = str(content.get("text") or "").strip()
            if not text:
                self._notice(task, "type a reply first")
                return
            fut = ref.submit(ref.reply(task, text))
        elif action == "open":
            self._open(task)
            return
        else:
            self._notice(task, f"unknown action {action!r}")
            return
        fut.add_done_callback(lambda f: self._done(task, action, f))

    def _done(self, task: str, action: str, fut: Any) -> None:
        exc = fut.exception()
        if exc is not None:
            self._notice(task, f"{action} failed: {type(exc).__name__}: {exc}")

    def _open(self, task: str) -> None:
        if self.on_open is not None:
            self.on_open(task)
            return
        view = self.table.attach(task)
        try:
            from IPython.display import display

            display(view)  # type: ignore[no-untyped-call]
        except ImportError:
            pass

    def _notice(self, task: str, text: str) -> None:
        self._post({"kind": "notice", "task": task, "text": text})
